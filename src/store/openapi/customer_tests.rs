use super::*;

fn owner(id: &str) -> CustomerPatch {
    CustomerPatch {
        owner: Some(OwnerChange::Employee(id.into())),
        ..Default::default()
    }
}

#[test]
fn the_first_owner_is_remembered_and_assign_time_follows_the_owner() {
    let mut c = Customer::blank(1, 2, 1_000);
    c.apply(owner("8310"), 2_000);
    assert_eq!(c.owner.as_deref(), Some("8310"));
    assert_eq!(
        (c.assign_time, c.first_assign_time),
        (Some(2_000), Some(2_000))
    );
    c.apply(owner("8310"), 3_000);
    assert_eq!(c.assign_time, Some(2_000), "same owner: unchanged");
    c.apply(owner("9000"), 4_000);
    assert_eq!(c.owner.as_deref(), Some("9000"));
    assert_eq!(c.first_owner.as_deref(), Some("8310"));
    assert_eq!(
        (c.assign_time, c.first_assign_time),
        (Some(4_000), Some(2_000))
    );
}

#[test]
fn a_given_assign_time_wins() {
    let mut c = Customer::blank(1, 2, 1_000);
    let mut patch = owner("8310");
    patch.assign_time = Some(Some(500));
    c.apply(patch, 2_000);
    assert_eq!((c.assign_time, c.first_assign_time), (Some(500), Some(500)));
}

#[test]
fn an_open_sea_takes_the_customer_away_from_its_owner_and_back() {
    let mut c = Customer::blank(1, 2, 1_000);
    c.apply(owner("8310"), 2_000);
    c.apply(
        CustomerPatch {
            owner: Some(OwnerChange::OpenSea("pool1".into())),
            ..Default::default()
        },
        3_000,
    );
    assert_eq!((c.owner.as_deref(), c.assign_time), (None, None));
    assert_eq!(c.open_sea_ids, Some(vec!["pool1".to_owned()]));
    assert_eq!(c.first_owner.as_deref(), Some("8310"));
    c.apply(owner("9000"), 4_000);
    assert_eq!(c.open_sea_ids, Some(vec![]));
    assert_eq!(c.owner.as_deref(), Some("9000"));
}

#[test]
fn custom_values_keep_their_first_position() {
    let value = |v: &str| StoredValue {
        json: Value::from(v),
        index: vec![IndexEntry::text(v)],
    };
    let change = |f: &str, v: Option<&str>| CustomChange {
        field: f.into(),
        value: v.map(value),
    };
    let mut c = Customer::blank(1, 2, 1_000);
    c.apply(
        CustomerPatch {
            custom: vec![change("a", Some("1")), change("b", Some("2"))],
            ..Default::default()
        },
        1_000,
    );
    c.apply(
        CustomerPatch {
            custom: vec![change("a", Some("3")), change("b", None)],
            ..Default::default()
        },
        2_000,
    );
    assert_eq!(Value::Object(c.custom), serde_json::json!({"a": "3"}));
    assert_eq!(c.update_time, 2_000);
}
