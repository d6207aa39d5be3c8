//! `POST /openapi/crm/list` (《CRM客户管理接口》 3; `docs/openapi.md#searching`): its examples,
//! paging edges, and sorting.

use serde_json::json;

use super::*;
use crate::both_backends;

/// Adds customers c01..c{n}, one per emulator second so createTime orders them.
async fn add_numbered(oa: &Oa<'_>, n: usize) {
    for i in 1..=n {
        oa.add(json!({"customerName": format!("c{i:02}")})).await;
        oa.app
            .state
            .clock
            .advance(1)
            .await
            .expect("move the clock")
            .expect("within range");
    }
}

both_backends! {
    async fn the_seed_mobile_search_finds_the_customer(app: TestApp) {
        let oa = Oa::default(&app).await;
        let wanted = oa.add(json!({"customerName": "wanted", "mobile": [{"value": "13231307283", "memo": "工作"}, {"value": "1"}]})).await;
        oa.add(json!({"customerName": "other", "mobile": [{"value": "13231307284"}]})).await;
        let data = oa.list(json!({ "search":[{"operator":"eq","value":["13231307283"],"field":"mobile"}] })).await;
        assert_eq!(data["count"], 1);
        assert_eq!(data["list"], json!([wanted]));
        let keys: Vec<&str> = data.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["list", "count"]);
    }

    async fn the_seed_open_sea_search_pages_by_limit_and_counts_all(app: TestApp) {
        let oa = Oa::new_account(&app, "3001", &["sea"]).await;
        add_numbered(&oa, 3).await;
        oa.add(json!({"customerName": "pooled", "owner": "sea"})).await;
        let data = oa.list(json!({ "limit": 1, "page": 1, "search": [ { "field": "openSeaIds", "value": [], "operator": "empty" } ] })).await;
        assert_eq!(data["count"], 3);
        assert_eq!(data["list"].as_array().unwrap().len(), 1);
        assert_eq!(data["list"][0]["customerName"], "c03", "newest first");
        assert_eq!(oa.matching("openSeaIds", "notEmpty", json!([])).await, names(&["pooled"]));
    }

    async fn the_default_order_is_newest_first_then_by_id(app: TestApp) {
        let oa = Oa::default(&app).await;
        add_numbered(&oa, 3).await;
        // Three more within one emulator second: same createTime, ordered by _id.
        for name in ["s1", "s2", "s3"] {
            oa.add(json!({"customerName": name})).await;
        }
        assert_eq!(oa.names(json!({})).await, ["s3", "s2", "s1", "c03", "c02", "c01"]);
    }

    async fn pages_cover_every_match_once_and_past_the_end_is_empty(app: TestApp) {
        let oa = Oa::default(&app).await;
        add_numbered(&oa, 25).await;
        let default = oa.list(json!({})).await;
        assert_eq!(default["list"].as_array().unwrap().len(), 10, "limit defaults to 10");
        assert_eq!(default["count"], 25);
        let mut seen = Vec::new();
        for page in 1..=3 {
            seen.extend(oa.names(json!({"limit": 10, "page": page})).await);
        }
        assert_eq!(seen.len(), 25);
        assert_eq!(seen[24], "c01", "the last page holds the oldest");
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 25, "no customer on two pages");
        let past = oa.list(json!({"limit": 10, "page": 4})).await;
        assert_eq!(past["list"], json!([]));
        assert_eq!(past["count"], 25);
        assert_eq!(oa.names(json!({"limit": 100})).await.len(), 25);
    }

    async fn limit_and_page_out_of_range_are_400s(app: TestApp) {
        let oa = Oa::strict(&app).await;
        let paging = "openapi.list.paging";
        for limit in [json!(2.5), json!("many"), json!(true)] {
            oa.post("/openapi/crm/list", &json!({"limit": limit})).await
                .assert_refused(400, paging, &["`limit` must be a whole number", &limit.to_string()]);
        }
        for limit in [0, -1] {
            oa.post("/openapi/crm/list", &json!({"limit": limit})).await
                .assert_refused(400, "openapi.list.limit", &[&format!("`limit` must be at least 1, got {limit}")]);
        }
        oa.post("/openapi/crm/list", &json!({"limit": 101})).await
            .assert_refused(400, "openapi.list.limit", &["`limit` must be at most 100, got 101"]);
        oa.post("/openapi/crm/list", &json!({"limit": "5"})).await
            .assert_refused(400, "openapi.field.number", &["`limit` must be a number, got the string \"5\""]);
        for page in [0, -3] {
            oa.post("/openapi/crm/list", &json!({"page": page})).await
                .assert_refused(400, "openapi.list.page", &[&format!("`page` must be at least 1, got {page}")]);
        }
        oa.post("/openapi/crm/list", &json!({"page": 1.5})).await
            .assert_refused(400, paging, &["`page` must be a whole number, got 1.5"]);
        oa.post("/openapi/crm/list", &json!({"pageSize": 5})).await
            .assert_refused(400, "openapi.request.unknown-key", &["unknown key `pageSize`", "valid keys are limit, page, search, sort"]);
        oa.post("/openapi/crm/list", &json!({"search": [{"field": "owner", "operator": "eq", "value": ["x"], "op": 1}]})).await
            .assert_refused(400, "openapi.request.unknown-key", &["unknown key `search[0].op`", "valid keys are field, operator, value"]);
    }

    async fn sorting_follows_the_requested_field_and_order(app: TestApp) {
        let oa = Oa::default(&app).await;
        for (name, owner) in [("b", Some("2")), ("a", None), ("c", Some("1"))] {
            let mut body = json!({"customerName": name});
            if let Some(owner) = owner {
                body["owner"] = json!(owner);
            }
            oa.add(body).await;
        }
        assert_eq!(oa.names(json!({"sort": {"field": "customerName", "order": "asc"}})).await, ["a", "b", "c"]);
        assert_eq!(oa.names(json!({"sort": {"field": "customerName", "order": "desc"}})).await, ["c", "b", "a"]);
        assert_eq!(oa.names(json!({"sort": {"field": "customerName"}})).await, ["c", "b", "a"], "desc by default");
        assert_eq!(oa.names(json!({"sort": {"field": "owner", "order": "asc"}})).await, ["a", "c", "b"], "unset first when ascending");
        assert_eq!(oa.names(json!({"sort": {"field": "owner", "order": "desc"}})).await, ["b", "c", "a"], "unset last when descending");
        assert_eq!(oa.names(json!({"sort": {"field": "createTime", "order": "asc"}})).await, ["b", "a", "c"], "then by _id, same direction");
        oa.post("/openapi/crm/list", &json!({"sort": {"field": "mobile"}})).await.assert_error(400, &["sort.field", "`mobile` holds a list"]);
        oa.post("/openapi/crm/list", &json!({"sort": {"field": "nope"}})).await.assert_error(400, &["sort.field", "`nope` is not a field"]);
        let up = oa.post("/openapi/crm/list", &json!({"sort": {"field": "owner", "order": "up"}})).await;
        assert_eq!(up.data()["count"], 3, "a lenient account is served the default order");
        assert!(up.warnings()[0].starts_with("openapi.list.sort: `sort.order`"), "{:?}", up.warnings());
    }

    async fn custom_fields_sort_by_their_typed_value(app: TestApp) {
        let oa = Oa::default(&app).await;
        oa.field("amount", crm_emulator::store::openapi::FieldType::Number).await;
        for (name, amount) in [("ten", json!(10)), ("nine", json!(9)), ("none", json!(null)), ("hundred", json!("100"))] {
            oa.add(json!({"customerName": name, "amount": amount})).await;
        }
        assert_eq!(oa.names(json!({"sort": {"field": "amount", "order": "asc"}})).await, ["none", "nine", "ten", "hundred"]);
        assert_eq!(oa.names(json!({"sort": {"field": "amount", "order": "desc"}, "limit": 2, "page": 2})).await, ["nine", "none"]);
    }
}
