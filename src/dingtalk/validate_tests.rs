use serde_json::json;

use super::*;
use crate::{mode::Mode, runtime::rules::Warnings};

fn strict() -> Judge {
    Judge::new(Mode::Strict, Warnings::default())
}

#[test]
fn missing_blank_and_ill_typed_fields_name_their_path() {
    let body = json!({"customer": [{"name": " ", "address": true}]});
    let judge = strict();
    let root = Fields::body(&body, &judge).unwrap();
    let customer = root.one_object("customer").unwrap();
    let err = customer.required("name", NAME_MAX).unwrap_err();
    assert_eq!(err.errcode(), 40035);
    assert!(
        err.errmsg()
            .contains("customer[0].name is required and must not be blank"),
        "{}",
        err.errmsg()
    );
    let err = customer.required("address", ADDRESS_MAX).unwrap_err();
    assert!(err
        .errmsg()
        .contains("customer[0].address must be a string, got a boolean"));
    let err = customer.required("telephone", PHONE_MAX).unwrap_err();
    assert!(err.errmsg().ends_with("customer[0].telephone is required"));
}

#[test]
fn lengths_are_counted_in_characters() {
    let body = json!({"name": "客".repeat(128), "mobile": "1".repeat(33)});
    let judge = strict();
    let root = Fields::body(&body, &judge).unwrap();
    assert!(root.required("name", NAME_MAX).is_ok());
    let err = root.optional("mobile", PHONE_MAX).unwrap_err();
    assert_eq!(err.errcode(), 41101);
    assert!(err
        .errmsg()
        .contains("mobile is 33 characters long; the limit is 32"));
}

#[test]
fn a_lenient_corp_gets_numbers_blanks_and_long_values_with_warnings() {
    let body = json!({"telephone": 13800000000u64, "name": " ", "mobile": "1".repeat(33)});
    let warnings = Warnings::default();
    let judge = Judge::new(Mode::Lenient, warnings.clone());
    let root = Fields::body(&body, &judge).unwrap();
    assert_eq!(
        root.required("telephone", PHONE_MAX).unwrap(),
        "13800000000"
    );
    assert_eq!(root.required("name", NAME_MAX).unwrap(), " ");
    assert_eq!(
        root.optional("mobile", PHONE_MAX).unwrap().unwrap().len(),
        33
    );
    let rules: Vec<String> = warnings.take().into_iter().map(|w| w.rule).collect();
    assert_eq!(
        rules,
        [
            "dingtalk.field.number",
            "dingtalk.field.blank",
            "dingtalk.field.length"
        ]
    );
}

#[test]
fn id_lists_take_a_string_or_an_array_under_either_key() {
    let judge = strict();
    let body = json!({"id[]": "1"});
    assert_eq!(
        Fields::body(&body, &judge)
            .unwrap()
            .id_list(["id[]", "id"])
            .unwrap(),
        ("id[]", vec!["1".to_owned()])
    );
    let body = json!({"id": ["1", "2"]});
    assert_eq!(
        Fields::body(&body, &judge)
            .unwrap()
            .id_list(["id[]", "id"])
            .unwrap()
            .1,
        vec!["1".to_owned(), "2".to_owned()]
    );
    let body = json!({"id[]": []});
    assert!(Fields::body(&body, &judge)
        .unwrap()
        .id_list(["id[]", "id"])
        .is_err());
    let body = json!({"id[]": ["1", true]});
    let err = Fields::body(&body, &judge)
        .unwrap()
        .id_list(["id[]", "id"])
        .unwrap_err();
    assert!(err.errmsg().contains("id[][1] must be a string"));
}

#[test]
fn a_customer_array_must_hold_exactly_one_object() {
    let judge = strict();
    let body = json!({"customer": [{}, {}]});
    let err = Fields::body(&body, &judge)
        .unwrap()
        .one_object("customer")
        .err()
        .unwrap();
    assert!(err.errmsg().contains("exactly one object"));
}
