use chrono::FixedOffset;
use serde_json::json;

use super::*;
use crate::{
    mode::Mode,
    runtime::rules::Warnings,
    store::openapi::{Choice, Op, Operand, Sort, SortKey},
};

fn clock() -> Clock {
    Clock::new(FixedOffset::east_opt(8 * 3600).unwrap())
}

fn custom(field: &str, field_type: FieldType, searchable: bool) -> CustomField {
    CustomField {
        account_id: 1,
        field: field.into(),
        name: field.into(),
        field_type,
        status: 1,
        searchable,
        required: false,
        choices: Some(vec![Choice {
            key: "vip".into(),
            value: "重要客户".into(),
            is_default: false,
        }]),
        options: None,
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

/// Parses `search` for an account in `mode`; a refusal as `rule id: detail`.
fn parse_in(mode: Mode, search: serde_json::Value) -> Result<Vec<Condition>, String> {
    let fields = [
        custom("amount", FieldType::Number, true),
        custom("level", FieldType::Select, true),
        custom("hidden", FieldType::Text, false),
        custom("birthday", FieldType::Date, true),
    ];
    let clock = clock();
    let judge = Judge::new(mode, Warnings::default());
    let catalog = Catalog {
        appid: "1090",
        fields: &fields,
        clock: &clock,
        judge: &judge,
    };
    let items: Vec<SearchItem> = serde_json::from_value(search).unwrap();
    catalog
        .conditions(&items)
        .map_err(|e| format!("{}: {}", e.rule.id, e.detail))
}

fn parse(search: serde_json::Value) -> Result<Vec<Condition>, String> {
    parse_in(Mode::Strict, search)
}

fn one(field: &str, operator: &str, value: serde_json::Value) -> Result<Condition, String> {
    parse(json!([{"field": field, "operator": operator, "value": value}])).map(|mut c| c.remove(0))
}

#[test]
fn the_seed_examples_parse() {
    let mobile = one("mobile", "eq", json!(["13231307283"])).unwrap();
    assert_eq!(
        mobile,
        Condition {
            target: Target::Values {
                field: "mobile".into(),
                numeric: false
            },
            op: Op::Eq(Operand::Text("13231307283".into())),
        }
    );
    let pools = one("openSeaIds", "empty", json!([])).unwrap();
    assert_eq!(pools.op, Op::Empty);
}

#[test]
fn operands_follow_the_field_type() {
    let created = one("createTime", "gte", json!(["2023-06-26 23:18:43"])).unwrap();
    assert_eq!(created.op, Op::Gte(Operand::Int(1_687_792_723_000)));
    let id = one("_id", "eq", json!(["685775343058800640"])).unwrap();
    assert_eq!(id.op, Op::Eq(Operand::Int(685_775_343_058_800_640)));
    let amount = one("amount", "between", json!([1, "2.5"])).unwrap();
    assert_eq!(
        amount.op,
        Op::Between(Operand::Real(1.0), Operand::Real(2.5))
    );
    let birthday = one("birthday", "lt", json!(["2024-11-14"])).unwrap();
    assert_eq!(birthday.op, Op::Lt(Operand::Real(1_731_513_600_000.0)));
    let level = one("level", "in", json!(["重要客户"])).unwrap();
    assert_eq!(level.op, Op::In(vec![Operand::Text("vip".into())]));
    let number = json!([{"field": "customerName", "operator": "eq", "value": [42]}]);
    let err = parse(number.clone()).unwrap_err();
    assert!(err.starts_with("openapi.field.number: "), "{err}");
    let name = parse_in(Mode::Lenient, number).unwrap().remove(0);
    assert_eq!(name.op, Op::Eq(Operand::Text("42".into())));
}

#[test]
fn faults_are_named() {
    let err = one("nope", "eq", json!(["x"])).unwrap_err();
    assert!(
        err.starts_with("openapi.search.field: search[0]: `nope` is not a field"),
        "{err}"
    );
    assert!(err.contains("amount") && !err.contains("hidden"), "{err}");
    let err = one("hidden", "eq", json!(["x"])).unwrap_err();
    assert!(err.contains("`hidden` is not searchable"), "{err}");
    let err = one("owner", "like", json!(["x"])).unwrap_err();
    assert!(err.starts_with("openapi.search.operator: "), "{err}");
    assert!(err.contains("unknown operator \"like\""), "{err}");
    let err = one("owner", "EQ", json!(["x"])).unwrap_err();
    assert!(err.starts_with("openapi.search.operator-case: "), "{err}");
    let eq = parse_in(
        Mode::Lenient,
        json!([{"field": "owner", "operator": "EQ", "value": ["x"]}]),
    );
    assert_eq!(eq.unwrap()[0].op, Op::Eq(Operand::Text("x".into())));
    let err = one("owner", "between", json!(["x"])).unwrap_err();
    assert!(err.starts_with("openapi.search.value: "), "{err}");
    assert!(err.contains("takes exactly 2 values"), "{err}");
    let err = one("owner", "in", json!([])).unwrap_err();
    assert!(err.contains("at least one value"), "{err}");
    let err = one("owner", "empty", json!(["x"])).unwrap_err();
    assert!(err.contains("no values"), "{err}");
    let err = one("createTime", "contains", json!(["2023"])).unwrap_err();
    assert!(err.contains("applies to text fields"), "{err}");
    let err = one("createTime", "eq", json!(["yesterday"])).unwrap_err();
    assert!(err.contains("YYYY-MM-DD HH:MM:SS"), "{err}");
    let err = one("amount", "gt", json!(["lots"])).unwrap_err();
    assert!(err.contains("numbers"), "{err}");
}

#[test]
fn a_missing_value_is_an_empty_list() {
    let items: Vec<SearchItem> =
        serde_json::from_value(json!([{"field": "owner", "operator": "notEmpty"}])).unwrap();
    assert!(items[0].value.is_none());
    assert_eq!(
        parse(json!([{"field": "owner", "operator": "notEmpty"}])).unwrap()[0].op,
        Op::NotEmpty
    );
}

#[test]
fn sorts_resolve_and_refuse_lists() {
    let clock = clock();
    let fields = [custom("amount", FieldType::Number, true)];
    let judge = strict();
    let catalog = Catalog {
        appid: "1090",
        fields: &fields,
        clock: &clock,
        judge: &judge,
    };
    assert_eq!(catalog.sort(None).unwrap(), Sort::default());
    let spec = |field: &str, order: Option<&str>| json!({"field": field, "order": order});
    let sort = catalog.sort(Some(&spec("amount", Some("ASC")))).unwrap();
    assert_eq!(
        sort,
        Sort {
            key: SortKey::Value {
                field: "amount".into(),
                numeric: true
            },
            descending: false
        }
    );
    let list = catalog.sort(Some(&spec("mobile", None))).unwrap_err();
    assert_eq!(list.rule.id, "openapi.search.field");
    assert!(list.detail.contains("list"), "{}", list.detail);
    let order = catalog.sort(Some(&spec("owner", Some("up")))).unwrap_err();
    assert_eq!(order.rule.id, "openapi.list.sort");
    assert!(order.detail.contains("asc"), "{}", order.detail);
    let shape = catalog.sort(Some(&json!({"createTime": -1}))).unwrap_err();
    assert_eq!(shape.rule.id, "openapi.list.sort");
}

#[test]
fn the_documented_operators_are_the_ones_read() {
    use utoipa::PartialSchema;
    let schema = serde_json::to_value(Operator::schema()).unwrap();
    let documented: Vec<&str> = schema["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(documented, OPERATORS);
}
