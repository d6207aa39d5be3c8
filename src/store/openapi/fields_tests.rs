use super::*;

fn select(choices: Vec<Choice>) -> NewCustomField {
    NewCustomField {
        name: "级别".into(),
        field_type: Some(FieldType::Select),
        choices: Some(choices),
        ..Default::default()
    }
}

fn choice(key: &str) -> Choice {
    Choice {
        key: key.into(),
        value: key.to_uppercase(),
        is_default: false,
    }
}

#[test]
fn type_names_round_trip() {
    for t in FieldType::ALL {
        assert_eq!(FieldType::parse(t.as_str()), Some(t));
    }
    assert_eq!(FieldType::parse("multiselect"), None);
}

#[test]
fn selects_need_distinct_choices() {
    assert!(select(vec![choice("a"), choice("b")]).validate().is_ok());
    let err = select(vec![choice("a"), choice("a")])
        .validate()
        .unwrap_err();
    assert!(err.contains("choices[1].key"), "{err}");
    assert!(select(vec![]).validate().unwrap_err().contains("choices"));
}

#[test]
fn field_ids_are_checked() {
    let mut def = select(vec![choice("a")]);
    def.field = Some("mobile".into());
    assert!(def
        .clone()
        .validate()
        .unwrap_err()
        .contains("key of the customer record"));
    def.field = Some("9abc".into());
    assert!(def
        .clone()
        .validate()
        .unwrap_err()
        .contains("start with a letter"));
    def.field = Some("level_1".into());
    assert!(def.validate().is_ok());
}

#[test]
fn cascades_need_a_consistent_tree() {
    let leaf = |k: &str| CascadeNode {
        key: k.into(),
        value: k.into(),
        children: vec![],
    };
    let tree = |level, fill_level| NewCustomField {
        name: "地区".into(),
        field_type: Some(FieldType::Cascade),
        options: Some(CascadeOptions {
            level,
            fill_level,
            children: vec![CascadeNode {
                key: "zj".into(),
                value: "浙江".into(),
                children: vec![leaf("hz")],
            }],
        }),
        ..Default::default()
    };
    assert!(tree(2, 1).validate().is_ok());
    assert!(tree(1, 1).validate().unwrap_err().contains("deeper"));
    assert!(tree(2, 3).validate().unwrap_err().contains("fillLevel"));
}
