//! Issue 11, item 4: a search too large to run. 1,000 conditions answered 500 on SQLite
//! (`Expression tree is too large`); now a search holds at most 100 conditions of at
//! most 200 values each, on both backends, and the largest search allowed runs on both.

use crm_emulator::store::openapi::FieldType;
use serde_json::{json, Value};

use crate::{both_backends, helpers::*, openapi::Oa};

fn condition(field: &str, operator: &str, value: Value) -> Value {
    json!({"field": field, "operator": operator, "value": value})
}

both_backends! {
    async fn a_search_of_more_than_100_conditions_is_refused(app: TestApp) {
        let oa = Oa::default(&app).await;
        oa.add(json!({"customerName": "c"})).await;
        let conditions = |n| vec![condition("customerName", "eq", json!(["c"])); n];
        let reply = oa.post("/openapi/crm/list", &json!({"search": conditions(1000)})).await;
        reply.assert_refused(400, "openapi.search.size", &["search has 1000 conditions; the limit is 100"]);
        let reply = oa.post("/openapi/crm/list", &json!({"search": conditions(101)})).await;
        reply.assert_refused(400, "openapi.search.size", &["the limit is 100"]);
        assert_eq!(oa.list(json!({"search": conditions(100)})).await["count"], 1);
    }

    async fn a_condition_of_more_than_200_values_is_refused(app: TestApp) {
        let oa = Oa::default(&app).await;
        oa.add(json!({"customerName": "c"})).await;
        let values = |n: usize| -> Vec<String> { (0..n).map(|i| format!("v{i}")).collect() };
        let search = json!({"search": [condition("customerName", "nin", json!(["x"])), condition("customerName", "in", json!(values(201)))]});
        let reply = oa.post("/openapi/crm/list", &search).await;
        reply.assert_refused(400, "openapi.search.size", &["search[1].value has 201 values; the limit is 200"]);
        let mut most = values(199);
        most.push("c".into());
        let search = json!({"search": [condition("customerName", "in", json!(most))]});
        assert_eq!(oa.list(search).await["count"], 1);
    }

    async fn the_largest_search_allowed_runs_on_both_backends(app: TestApp) {
        let oa = Oa::default(&app).await;
        oa.field("f_text", FieldType::Text).await;
        oa.add(json!({"customerName": "c", "mobile": [{"value": "13800000000"}], "f_text": "v0"})).await;
        let values: Vec<String> = (0..200).map(|i| format!("v{i}")).collect();
        let mut mobile = values.clone();
        mobile[199] = "13800000000".into();
        // Every kind of condition: through the index, on a column, negated; each with
        // 200 values, 100 in all.
        let kinds = [
            condition("f_text", "in", json!(values)),
            condition("mobile", "in", json!(mobile)),
            condition("customerName", "nin", json!(values)),
            condition("wechat", "nin", json!(values)),
        ];
        let search: Vec<Value> = kinds.iter().cycle().take(100).cloned().collect();
        let data = oa.list(json!({"search": search})).await;
        assert_eq!(data["count"], 1, "{data}");
    }
}
