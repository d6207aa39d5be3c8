//! The search language (`docs/openapi.md#searching`): every operator on system scalar
//! fields, on list-valued fields and on custom fields of each kind, run by the database.

use crm_emulator::store::openapi::{
    CascadeNode, CascadeOptions, Choice, FieldType, NewCustomField,
};
use serde_json::{json, Value};

use super::*;
use crate::both_backends;

fn choices(pairs: &[(&str, &str)]) -> Option<Vec<Choice>> {
    Some(
        pairs
            .iter()
            .map(|(k, v)| Choice {
                key: (*k).into(),
                value: (*v).into(),
                is_default: false,
            })
            .collect(),
    )
}

/// Four customers, created ten emulator seconds apart, and their custom fields. Returns
/// the records in creation order.
async fn dataset(oa: &Oa<'_>) -> Vec<Value> {
    let def = |id: &str, t: FieldType| NewCustomField {
        field: Some(id.into()),
        name: id.into(),
        field_type: Some(t),
        ..Default::default()
    };
    oa.custom_field(NewCustomField {
        choices: choices(&[("vip", "重要"), ("normal", "普通")]),
        ..def("level", FieldType::Select)
    })
    .await;
    oa.custom_field(NewCustomField {
        choices: choices(&[("a", "甲"), ("b", "乙"), ("c", "丙")]),
        ..def("tags", FieldType::MultiSelect)
    })
    .await;
    oa.field("amount", FieldType::Number).await;
    oa.field("birthday", FieldType::Date).await;
    oa.field("note", FieldType::Text).await;
    let leaf = |k: &str| CascadeNode {
        key: k.into(),
        value: k.to_uppercase(),
        children: vec![],
    };
    let options = CascadeOptions {
        level: 2,
        fill_level: 1,
        children: vec![CascadeNode {
            key: "zj".into(),
            value: "浙江".into(),
            children: vec![leaf("hz"), leaf("nb")],
        }],
    };
    oa.custom_field(NewCustomField {
        options: Some(options),
        ..def("region", FieldType::Cascade)
    })
    .await;
    oa.custom_field(NewCustomField {
        searchable: Some(false),
        ..def("secret", FieldType::Text)
    })
    .await;
    let bodies = [
        json!({"customerName": "Alice", "owner": "e1", "mobile": [{"value": "138001"}, {"value": "139002"}], "email": [{"value": "alice@x.cn"}],
               "customerSource": ["试用申请"], "level": "vip", "tags": ["a", "b"], "amount": 10, "birthday": "1990-01-01", "note": "Hello World", "region": ["zj", "hz"]}),
        json!({"customerName": "alina", "owner": "e2", "mobile": [{"value": "138003"}], "customerSource": ["官网注册", "其他"], "level": "普通",
               "tags": ["丙"], "amount": 20.5, "birthday": "2000-06-15", "note": "hello", "region": ["zj"], "secret": "s"}),
        json!({"customerName": "Bob", "tags": [], "amount": -5, "note": ""}),
        json!({"customerName": "carol", "owner": "e1", "mobile": [{"value": "150"}], "visitorId": "v9", "level": "vip", "amount": "100",
               "birthday": "2010-12-31", "region": ["zj", "nb"]}),
    ];
    let mut records = Vec::new();
    for body in bodies {
        records.push(oa.add(body).await);
        oa.app
            .state
            .clock
            .advance(10)
            .await
            .expect("move the clock")
            .expect("within range");
    }
    records
}

/// Asserts what each (field, operator, values) matches.
async fn expect(oa: &Oa<'_>, cases: &[(&str, &str, Value, &[&str])]) {
    for (field, operator, value, expected) in cases {
        let found = oa.matching(field, operator, value.clone()).await;
        assert_eq!(found, names(expected), "{field} {operator} {value}");
    }
}

both_backends! {
    async fn every_operator_works_on_text_columns(app: TestApp) {
        let oa = Oa::default(&app).await;
        dataset(&oa).await;
        expect(&oa, &[
            ("customerName", "eq", json!(["Bob"]), &["Bob"]),
            ("customerName", "ne", json!(["Bob"]), &["Alice", "alina", "carol"]),
            ("customerName", "in", json!(["Bob", "carol", "zed"]), &["Bob", "carol"]),
            ("customerName", "nin", json!(["Bob", "carol"]), &["Alice", "alina"]),
            ("customerName", "contains", json!(["li"]), &["Alice", "alina"]),
            ("customerName", "contains", json!(["LI"]), &[]),
            ("customerName", "startsWith", json!(["al"]), &["alina"]),
            ("customerName", "startsWith", json!(["A"]), &["Alice"]),
            ("customerName", "gt", json!(["b"]), &["carol"]),
            ("customerName", "gte", json!(["alina"]), &["alina", "carol"]),
            ("customerName", "lt", json!(["Bob"]), &["Alice"]),
            ("customerName", "lte", json!(["Bob"]), &["Alice", "Bob"]),
            ("customerName", "between", json!(["Alice", "Bob"]), &["Alice", "Bob"]),
            ("owner", "empty", json!([]), &["Bob"]),
            ("owner", "notEmpty", json!([]), &["Alice", "alina", "carol"]),
            ("owner", "ne", json!(["e1"]), &["alina", "Bob"]),
            ("owner", "nin", json!(["e2"]), &["Alice", "Bob", "carol"]),
            ("firstOwner", "eq", json!(["e1"]), &["Alice", "carol"]),
            ("visitorId", "notEmpty", json!([]), &["carol"]),
            ("createMethod", "empty", json!([]), &["Alice", "alina", "Bob", "carol"]),
            ("createAgent", "eq", json!(["openApi"]), &["Alice", "alina", "Bob", "carol"]),
            ("accountId", "eq", json!(["1090"]), &["Alice", "alina", "Bob", "carol"]),
            ("accountId", "ne", json!(["1090"]), &[]),
        ]).await;
    }

    async fn times_and_ids_compare_as_times_and_ids(app: TestApp) {
        let oa = Oa::default(&app).await;
        let records = dataset(&oa).await;
        let t = |i: usize| records[i]["createTime"].clone();
        expect(&oa, &[
            ("createTime", "eq", json!([t(2)]), &["Bob"]),
            ("createTime", "gt", json!([t(1)]), &["Bob", "carol"]),
            ("createTime", "gte", json!([t(1)]), &["alina", "Bob", "carol"]),
            ("createTime", "lt", json!([t(1)]), &["Alice"]),
            ("createTime", "lte", json!([t(1)]), &["Alice", "alina"]),
            ("createTime", "between", json!([t(1), t(2)]), &["alina", "Bob"]),
            ("createTime", "ne", json!([t(0)]), &["alina", "Bob", "carol"]),
            ("assignTime", "empty", json!([]), &["Bob"]),
            ("updateTime", "in", json!([t(0), t(3)]), &["Alice", "carol"]),
            ("_id", "eq", json!([records[3]["_id"]]), &["carol"]),
            ("_id", "gt", json!([records[1]["_id"]]), &["Bob", "carol"]),
            ("_id", "nin", json!([records[0]["_id"], records[1]["_id"]]), &["Bob", "carol"]),
        ]).await;
        oa.post("/openapi/crm/list", &json!({"search": [{"field": "createTime", "operator": "gt", "value": ["2024-01-01"]}]})).await
            .assert_error(400, &["search[0]", "`createTime` values must be times YYYY-MM-DD HH:MM:SS"]);
        oa.post("/openapi/crm/list", &json!({"search": [{"field": "_id", "operator": "eq", "value": ["abc"]}]})).await
            .assert_error(400, &["`_id` values must be ids"]);
    }

    async fn list_valued_fields_match_on_any_element_and_negations_on_none(app: TestApp) {
        let oa = Oa::default(&app).await;
        dataset(&oa).await;
        expect(&oa, &[
            ("mobile", "eq", json!(["139002"]), &["Alice"]),
            ("mobile", "ne", json!(["138001"]), &["alina", "Bob", "carol"]),
            ("mobile", "in", json!(["138003", "150"]), &["alina", "carol"]),
            ("mobile", "nin", json!(["138001", "150"]), &["alina", "Bob"]),
            ("mobile", "contains", json!(["800"]), &["Alice", "alina"]),
            ("mobile", "startsWith", json!(["139"]), &["Alice"]),
            ("mobile", "empty", json!([]), &["Bob"]),
            ("mobile", "notEmpty", json!([]), &["Alice", "alina", "carol"]),
            ("mobile", "gt", json!(["14"]), &["carol"]),
            ("mobile", "gte", json!(["150"]), &["carol"]),
            ("mobile", "lt", json!(["138002"]), &["Alice"]),
            ("mobile", "lte", json!(["138003"]), &["Alice", "alina"]),
            ("mobile", "between", json!(["138002", "139999"]), &["Alice", "alina"]),
            ("mobile", "eq", json!([150]), &["carol"]),
            ("email", "eq", json!(["alice@x.cn"]), &["Alice"]),
            ("customerSource", "eq", json!(["其他"]), &["alina"]),
            ("customerSource", "empty", json!([]), &["Bob", "carol"]),
            ("openSeaIds", "empty", json!([]), &["Alice", "alina", "Bob", "carol"]),
        ]).await;
    }

    async fn select_like_custom_fields_match_keys_or_choice_values(app: TestApp) {
        let oa = Oa::default(&app).await;
        dataset(&oa).await;
        expect(&oa, &[
            ("level", "eq", json!(["vip"]), &["Alice", "carol"]),
            ("level", "eq", json!(["重要"]), &["Alice", "carol"]),
            ("level", "ne", json!(["vip"]), &["alina", "Bob"]),
            ("level", "in", json!(["normal"]), &["alina"]),
            ("level", "empty", json!([]), &["Bob"]),
            ("tags", "eq", json!(["a"]), &["Alice"]),
            ("tags", "in", json!(["b", "丙"]), &["Alice", "alina"]),
            ("tags", "nin", json!(["a", "c"]), &["Bob", "carol"]),
            ("tags", "empty", json!([]), &["Bob", "carol"]),
            ("tags", "notEmpty", json!([]), &["Alice", "alina"]),
            ("region", "eq", json!(["zj"]), &["Alice", "alina", "carol"]),
            ("region", "eq", json!(["NB"]), &["carol"]),
            ("region", "ne", json!(["hz"]), &["alina", "Bob", "carol"]),
        ]).await;
    }

    async fn numbers_and_dates_compare_by_value(app: TestApp) {
        let oa = Oa::default(&app).await;
        dataset(&oa).await;
        expect(&oa, &[
            ("amount", "eq", json!([100]), &["carol"]),
            ("amount", "eq", json!(["20.5"]), &["alina"]),
            ("amount", "ne", json!([10]), &["alina", "Bob", "carol"]),
            ("amount", "gt", json!([10]), &["alina", "carol"]),
            ("amount", "gte", json!([10]), &["Alice", "alina", "carol"]),
            ("amount", "lt", json!([0]), &["Bob"]),
            ("amount", "lte", json!([20.5]), &["Alice", "alina", "Bob"]),
            ("amount", "between", json!([0, 50]), &["Alice", "alina"]),
            ("amount", "in", json!([10, 100]), &["Alice", "carol"]),
            ("amount", "nin", json!([10, 100]), &["alina", "Bob"]),
            ("amount", "empty", json!([]), &[]),
            ("birthday", "lt", json!(["2000-01-01"]), &["Alice"]),
            ("birthday", "between", json!(["2000-01-01", "2010-12-31"]), &["alina", "carol"]),
            ("birthday", "eq", json!(["2000-06-15"]), &["alina"]),
            ("birthday", "empty", json!([]), &["Bob"]),
        ]).await;
        oa.post("/openapi/crm/list", &json!({"search": [{"field": "amount", "operator": "contains", "value": ["1"]}]})).await
            .assert_error(400, &["operator contains applies to text fields"]);
    }

    async fn text_custom_fields_and_combined_conditions(app: TestApp) {
        let oa = Oa::default(&app).await;
        dataset(&oa).await;
        expect(&oa, &[
            ("note", "contains", json!(["World"]), &["Alice"]),
            ("note", "startsWith", json!(["hel"]), &["alina"]),
            ("note", "empty", json!([]), &["Bob", "carol"]),
            ("note", "notEmpty", json!([]), &["Alice", "alina"]),
            ("note", "gt", json!(["a"]), &["alina"]),
        ]).await;
        let both = oa.names(json!({"search": [
            {"field": "owner", "operator": "eq", "value": ["e1"]},
            {"field": "amount", "operator": "gt", "value": [50]},
        ]})).await;
        assert_eq!(both, ["carol"], "conditions are ANDed");
    }

    async fn unknown_or_unsearchable_fields_and_bad_operators_are_400s(app: TestApp) {
        let oa = Oa::default(&app).await;
        dataset(&oa).await;
        let search = |field: &str, operator: &str, value: Value| json!({"search": [{"field": "owner", "operator": "notEmpty"}, {"field": field, "operator": operator, "value": value}]});
        oa.post("/openapi/crm/list", &search("secret", "eq", json!(["s"]))).await.assert_error(400, &["search[1]", "`secret` is not searchable"]);
        oa.post("/openapi/crm/list", &search("nope", "eq", json!(["s"]))).await.assert_error(400, &["`nope` is not a field", "searchable fields are: _id, accountId", "level"]);
        oa.post("/openapi/crm/list", &search("owner", "like", json!(["s"]))).await.assert_error(400, &["unknown operator \"like\"", "startsWith"]);
        oa.post("/openapi/crm/list", &search("owner", "eq", json!(["a", "b"]))).await.assert_error(400, &["operator eq takes exactly 1 value", "got 2"]);
        oa.post("/openapi/crm/list", &search("amount", "between", json!([1]))).await.assert_error(400, &["operator between takes exactly 2 values"]);
        oa.post("/openapi/crm/list", &search("mobile", "in", json!([]))).await.assert_error(400, &["at least one value"]);
        oa.post("/openapi/crm/list", &search("mobile", "eq", json!([{"value": "1"}]))).await.assert_error(400, &["`mobile` values must be strings"]);
    }
}
