//! Keyset paging and queries (docs/dingtalk-v1.md#paging-and-queries):
//! QueryCrmPersonalCustomer, QueryAllCustomer, `queryDsl`, `totalCount`, the object
//! meta.

use std::collections::HashSet;

use serde_json::json;

use super::*;
use crate::{both_backends, dingtalk::keys};

const CUSTOMERS: &str = "/v1.0/crm/personalCustomers";

/// Pages QueryCrmPersonalCustomer to the end, `between` run after each page; the ids
/// seen, in order.
async fn page_all(v1: &V1<'_>, query: &str, mut between: impl AsyncFnMut(usize)) -> Vec<String> {
    let (mut seen, mut token, mut pages) = (Vec::new(), String::new(), 0);
    loop {
        let reply = v1
            .get(&format!(
                "/v1.0/crm/personalCustomers?maxResults=50&nextToken={token}{query}"
            ))
            .await;
        let page = ok(&reply);
        for value in page["values"].as_array().expect("values") {
            seen.push(value["instanceId"].as_str().expect("id").to_owned());
        }
        pages += 1;
        if page["hasMore"] == false {
            assert!(
                page.get("nextToken").is_none(),
                "the last page has no nextToken: {page}"
            );
            return seen;
        }
        token = page["nextToken"].as_str().expect("nextToken").to_owned();
        between(pages).await;
    }
}

both_backends! {
    async fn paging_while_customers_are_added_neither_skips_nor_repeats(app: TestApp) {
        let v1 = V1::new(&app).await;
        let mut expected = Vec::new();
        for i in 0..260 {
            expected.push(v1.add_customer(json!({"customer_name": format!("C{i}")}), "u").await);
        }
        let mut added = Vec::new();
        let seen = page_all(&v1, "", async |page| {
            for j in 0..5 {
                added.push(v1.add_customer(json!({"customer_name": format!("P{page}-{j}")}), "u").await);
            }
        })
        .await;
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no record twice");
        for id in expected.iter().chain(&added) {
            assert!(unique.contains(id), "{id} was skipped");
        }
        let mut sorted = seen.clone();
        sorted.sort_by_key(|id| id.parse::<i64>().unwrap_or_default());
        assert_eq!(sorted, seen, "oldest first");
        let reply = v1.get("/v1.0/crm/personalCustomers?maxResults=1").await;
        assert_eq!(ok(&reply)["totalCount"], seen.len());
        assert_eq!(keys(ok(&reply)), ["hasMore", "maxResults", "nextToken", "totalCount", "values"]);
    }

    async fn paging_beside_a_concurrent_writer_returns_every_customer_once(app: TestApp) {
        let v1 = V1::new(&app).await;
        let mut expected = Vec::new();
        for i in 0..250 {
            expected.push(v1.add_customer(json!({"customer_name": format!("C{i}")}), "u").await);
        }
        // A writer on its own task, adding customers while the pages are read.
        let (client, url, token) = (app.client.clone(), app.url(CUSTOMERS), v1.token.clone());
        let writer = tokio::spawn(async move {
            for i in 0..60 {
                let body = json!({"creatorUserId": "w", "data": {"customer_name": format!("W{i}")}});
                let sent = client.post(&url).header("x-acs-dingtalk-access-token", &token).json(&body).send().await;
                assert_eq!(sent.map(|r| r.status().as_u16()).ok(), Some(200));
            }
        });
        let seen = page_all(&v1, "", async |_| tokio::task::yield_now().await).await;
        writer.await.expect("the writer");
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no record twice");
        for id in &expected {
            assert!(unique.contains(id), "{id} was skipped");
        }
    }

    async fn query_all_pages_the_same_customers_without_has_more(app: TestApp) {
        let v1 = V1::new(&app).await;
        for i in 0..7 {
            v1.add_customer(json!({"customer_name": format!("C{i}")}), "u").await;
        }
        let (mut seen, mut token) = (Vec::new(), json!("0"));
        loop {
            let reply = v1.post("/v1.0/crm/customerInstances", &json!({"maxResults": 3, "nextToken": token})).await;
            let result = &ok(&reply)["result"];
            assert!(result.get("hasMore").is_none(), "{result}");
            seen.extend(result["values"].as_array().expect("values").iter().map(|v| v["instanceId"].clone()));
            match result.get("nextToken") {
                Some(next) => token = next.clone(),
                None => break,
            }
        }
        assert_eq!(seen.len(), 7);
        let reply = v1.post("/v1.0/crm/customerInstances", &json!({})).await;
        let first = &ok(&reply)["result"]["values"][0];
        assert_eq!(keys(first), ["instanceId", "objectType", "creatorUserId", "creatorNick", "data", "extendData", "permission", "createTime", "modifyTime", "processInstanceStatus", "processOutResult"]);
    }

    async fn query_dsl_filters_on_mapped_and_extra_keys(app: TestApp) {
        let v1 = V1::new(&app).await;
        let acme = v1.add_customer(json!({"customer_name": "ACME", "level": "A"}), "u").await;
        let beta = v1.add_customer(json!({"customer_name": "Beta", "level": {"value": "B", "extendValue": "x"}}), "u").await;
        v1.add_customer(json!({"customer_name": "Gamma", "level": 7}), "u").await;
        let query = |dsl: serde_json::Value| {
            let encoded: String = url_encode(&dsl.to_string());
            format!("&queryDsl={encoded}")
        };
        let eq = |field: &str, value: &str| json!({"fieldId": field, "filterType": "EQ", "value": value});
        let found = page_all(&v1, &query(json!({"queryGroupList": [{"queryObjectList": [eq("customer_name", "ACME")]}]})), async |_| {}).await;
        assert_eq!(found, [acme.as_str()]);
        let found = page_all(&v1, &query(json!({"queryGroupList": [{"queryObjectList": [eq("level", "B")]}]})), async |_| {}).await;
        assert_eq!(found, [beta.as_str()]);
        let either = json!({"queryGroupList": [{"logicType": "OR", "queryObjectList": [eq("level", "A"), eq("customer_name", "Beta")]}]});
        assert_eq!(page_all(&v1, &query(either.clone()), async |_| {}).await, [acme.clone(), beta.clone()]);
        let reply = v1.get(&format!("/v1.0/crm/personalCustomers?maxResults=1{}", query(either))).await;
        assert_eq!(ok(&reply)["totalCount"], 2);
        let both = json!({"queryGroupList": [{"queryObjectList": [eq("level", "A")]}, {"queryObjectList": [eq("customer_name", "Beta")]}]});
        assert!(page_all(&v1, &query(both), async |_| {}).await.is_empty(), "groups are ANDed");
        let reply = v1.get(&format!("/v1.0/crm/personalCustomers?maxResults=5{}", "&queryDsl=%7Bnot-json")).await;
        assert_error(&reply, 400, "param.error", "queryDsl is not JSON");
    }

    async fn relation_types_are_paged_and_counted_apart(app: TestApp) {
        let v1 = V1::new(&app).await;
        v1.add_customer(json!({"customer_name": "Company"}), "u").await;
        let body = json!({"creatorUserId": "u", "data": {"customer_name": "Person"}, "relationType": "crm_customer_personal"});
        ok(&v1.post("/v1.0/crm/personalCustomers", &body).await);
        let personal = v1.get("/v1.0/crm/personalCustomers?maxResults=10&relationType=crm_customer_personal").await;
        assert_eq!(ok(&personal)["totalCount"], 1);
        assert_eq!(ok(&personal)["values"][0]["objectType"], "crm_customer_personal");
        let companies = v1.get("/v1.0/crm/personalCustomers?maxResults=10").await;
        assert_eq!(ok(&companies)["totalCount"], 1);
        let bad = v1.get("/v1.0/crm/personalCustomers?maxResults=10&nextToken=abc").await;
        assert_error(&bad, 400, "param.error", "nextToken");
        let missing = v1.get("/v1.0/crm/personalCustomers").await;
        assert_error(&missing, 400, "MissingmaxResults", "maxResults");
    }

    async fn the_object_meta_describes_the_four_data_keys(app: TestApp) {
        let v1 = V1::new(&app).await;
        let reply = v1.get("/v1.0/crm/personalCustomers/objectMeta?relationType=crm_customer_personal").await;
        let meta = ok(&reply);
        assert_eq!(keys(meta), ["code", "name", "customized", "status", "fields"]);
        assert_eq!(meta["code"], "crm_customer_personal");
        let names: Vec<&str> = meta["fields"].as_array().expect("fields").iter().map(|f| f["name"].as_str().unwrap_or_default()).collect();
        assert_eq!(names, ["customer_name", "customer_address", "customer_phone", "customer_description"]);
        assert_eq!(meta["fields"][0]["nillable"], false);
        let unknown = v1.get("/v1.0/crm/personalCustomers/objectMeta?relationType=lead").await;
        assert_error(&unknown, 400, "relationType.not.exists", "lead");
    }
}

/// `text` percent-encoded for a query string.
fn url_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
