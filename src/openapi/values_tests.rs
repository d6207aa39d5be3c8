use chrono::FixedOffset;
use serde_json::json;

use super::*;
use crate::{mode::Mode, runtime::rules::Warnings, store::openapi::CascadeOptions};

fn clock() -> Clock {
    Clock::new(FixedOffset::east_opt(8 * 3600).unwrap())
}

fn field(field_type: FieldType) -> CustomField {
    let node = |key: &str, value: &str, children| CascadeNode {
        key: key.into(),
        value: value.into(),
        children,
    };
    CustomField {
        account_id: 1,
        field: format!("{}_abcd_1", field_type.as_str()),
        name: "测试".into(),
        field_type,
        status: 1,
        searchable: true,
        required: false,
        choices: Some(vec![
            Choice {
                key: "a".into(),
                value: "甲".into(),
                is_default: false,
            },
            Choice {
                key: "b".into(),
                value: "乙".into(),
                is_default: false,
            },
        ]),
        options: Some(CascadeOptions {
            level: 3,
            fill_level: 2,
            children: vec![node(
                "zj",
                "浙江",
                vec![node("hz", "杭州", vec![node("xh", "西湖", vec![])])],
            )],
        }),
        sort: 13,
        create_time: 0,
        update_time: 0,
        create_agent: "emulator".into(),
        update_agent: "emulator".into(),
    }
}

fn strict() -> Judge {
    Judge::new(Mode::Strict, Warnings::default())
}

fn check(t: FieldType, value: &Value) -> Result<Option<StoredValue>, Broken> {
    validate(&field(t), value, &clock(), &strict())
}

fn accepts(t: FieldType, value: Value) -> Value {
    check(t, &value)
        .unwrap_or_else(|e| panic!("{value} rejected: {}", e.detail))
        .expect("a value")
        .json
}

/// The rule that refused `value`, and its detail (which names the field).
fn refused(t: FieldType, value: Value) -> (&'static str, String) {
    let err = check(t, &value).expect_err("rejected");
    assert!(err.detail.contains(&field(t).field), "{}", err.detail);
    (err.rule.id, err.detail)
}

fn rejects(t: FieldType, value: Value) -> String {
    let (rule, detail) = refused(t, value);
    assert_eq!(rule, "openapi.value.type", "{detail}");
    detail
}

#[test]
fn text_types_take_strings() {
    assert_eq!(accepts(FieldType::Text, json!("x")), json!("x"));
    assert_eq!(accepts(FieldType::Textarea, json!("a\nb")), json!("a\nb"));
    assert_eq!(
        refused(FieldType::Text, json!(12)).0,
        "openapi.field.number"
    );
    rejects(FieldType::Textarea, json!(["x"]));
}

#[test]
fn phones_and_emails_must_look_like_them() {
    assert_eq!(
        accepts(FieldType::Phone, json!("+86 138-0000-0000")),
        json!("+86 138-0000-0000")
    );
    let format = |t, bad: &str| refused(t, json!(bad)).0 == "openapi.value.format";
    assert!(format(FieldType::Phone, "call me"));
    assert!(format(FieldType::Phone, "12"));
    assert_eq!(accepts(FieldType::Email, json!("a@b.cn")), json!("a@b.cn"));
    for bad in ["a@b", "@b.cn", "a b@c.cn", "a@@b.cn", "a@.cn"] {
        assert!(format(FieldType::Email, bad), "{bad}");
    }
    rejects(FieldType::Email, json!(true));
}

#[test]
fn numbers_take_numbers_and_numeric_strings() {
    assert_eq!(accepts(FieldType::Number, json!(12.5)), json!(12.5));
    assert_eq!(accepts(FieldType::Number, json!("42")), json!(42));
    rejects(FieldType::Number, json!("many"));
    rejects(FieldType::Number, json!(true));
    let stored = check(FieldType::Number, &json!(-3)).unwrap().unwrap();
    assert_eq!(stored.index[0].num, Some(-3.0));
}

#[test]
fn dates_and_times_take_the_wire_formats() {
    let stored = check(FieldType::Date, &json!("2024-11-14"))
        .unwrap()
        .unwrap();
    // Midnight at +08:00 is 16:00 UTC the day before.
    assert_eq!(stored.index[0].num, Some(1_731_513_600_000.0));
    rejects(FieldType::Date, json!("2024-1-4"));
    rejects(FieldType::Date, json!("2024-02-30"));
    assert_eq!(
        accepts(FieldType::Datetime, json!("2024-11-14 09:46:17")),
        json!("2024-11-14 09:46:17")
    );
    rejects(FieldType::Datetime, json!("2024-11-14"));
    rejects(FieldType::Datetime, json!("soon"));
    let (rule, _) = refused(FieldType::Datetime, json!("2024-11-14T09:46:17+08:00"));
    assert_eq!(rule, "openapi.field.time-format");
}

#[test]
fn selects_take_keys_or_values_and_store_keys() {
    assert_eq!(accepts(FieldType::Select, json!("a")), json!("a"));
    assert_eq!(accepts(FieldType::Select, json!("乙")), json!("b"));
    let (rule, err) = refused(FieldType::Select, json!("c"));
    assert_eq!(rule, "openapi.select.choice");
    assert!(err.contains("a=甲"), "{err}");
    assert_eq!(
        accepts(FieldType::MultiSelect, json!(["甲", "b", "a"])),
        json!(["a", "b"])
    );
    let (rule, _) = refused(FieldType::MultiSelect, json!("a"));
    assert_eq!(rule, "openapi.field.one-value");
    rejects(FieldType::MultiSelect, json!({"a": 1}));
    let (rule, _) = refused(FieldType::MultiSelect, json!(["a", "z"]));
    assert_eq!(rule, "openapi.select.choice");
}

#[test]
fn cascades_take_a_path_at_least_fill_level_deep() {
    assert_eq!(
        accepts(FieldType::Cascade, json!(["zj", "杭州"])),
        json!(["zj", "hz"])
    );
    assert_eq!(
        accepts(FieldType::Cascade, json!(["zj", "hz", "xh"])),
        json!(["zj", "hz", "xh"])
    );
    rejects(FieldType::Cascade, json!(["zj"]));
    let err = rejects(FieldType::Cascade, json!(["zj", "nb"]));
    assert!(err.contains("level 2"), "{err}");
    rejects(FieldType::Cascade, json!(["hz", "zj"]));
}

#[test]
fn null_clears_and_blank_values_are_recognised() {
    assert_eq!(check(FieldType::Text, &Value::Null).unwrap(), None);
    assert!(is_blank(&json!("  ")));
    assert!(is_blank(&json!([])));
    assert!(!is_blank(&json!(0)));
}

#[test]
fn a_lenient_account_keeps_what_a_strict_one_is_refused() {
    let warnings = Warnings::default();
    let lenient = Judge::new(Mode::Lenient, warnings.clone());
    let keep = |t: FieldType, value: Value| {
        validate(&field(t), &value, &clock(), &lenient)
            .unwrap_or_else(|e| panic!("{value} refused: {}", e.detail))
            .expect("a value")
            .json
    };
    assert_eq!(keep(FieldType::Text, json!(12)), json!("12"));
    assert_eq!(keep(FieldType::Phone, json!("call me")), json!("call me"));
    assert_eq!(keep(FieldType::Select, json!("c")), json!("c"));
    assert_eq!(
        keep(FieldType::MultiSelect, json!(["甲", "z"])),
        json!(["a", "z"])
    );
    assert_eq!(keep(FieldType::MultiSelect, json!("乙")), json!(["b"]));
    assert_eq!(
        keep(FieldType::Datetime, json!("2024-11-14T01:46:17Z")),
        json!("2024-11-14 09:46:17")
    );
    assert_eq!(
        keep(FieldType::Date, json!(1731548777000_i64)),
        json!("2024-11-14")
    );
    let rules: Vec<String> = warnings.take().into_iter().map(|w| w.rule).collect();
    assert_eq!(
        rules,
        [
            "openapi.field.number",
            "openapi.value.format",
            "openapi.select.choice",
            "openapi.field.one-value",
            "openapi.field.time-format",
        ]
    );
    assert!(validate(&field(FieldType::Number), &json!(true), &clock(), &lenient).is_err());
}
