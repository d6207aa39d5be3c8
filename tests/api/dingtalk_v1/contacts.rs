//! The contact operations (docs/dingtalk-v1.md#operations): GetContacts and the two
//! batches, each item answered on its own.

use serde_json::json;

use super::*;
use crate::{both_backends, dingtalk::keys};

fn related(customer: &str) -> serde_json::Value {
    json!({"key": "contact_related_customer", "value": format!("[\"{customer}\"]")})
}

both_backends! {
    async fn batch_add_answers_each_item_and_saves_the_good_ones(app: TestApp) {
        let v1 = V1::new(&app).await;
        let customer = v1.add_customer(json!({"customer_name": "ACME"}), "zhangsan").await;
        let by_extend = json!({"key": "contact_related_customer", "value": "", "extendValue": format!("{{\"list\":[{{\"instanceId\":\"{customer}\"}}]}}")});
        let body = json!({"operatorUserId": "zhangsan", "relationList": [
            {"bizDataList": [{"key": "contact_name", "value": "Li"}, {"key": "contact_phone", "value": "139", "extendValue": "m"}, related(&customer)], "bizExtMap": {"from": "test"}},
            {"bizDataList": [{"key": "contact_name", "value": "Orphan"}]},
            {"bizDataList": [{"key": "contact_name", "value": "Lost"}, related("404404404404404404")]},
            {"bizDataList": [{"key": "contact_name", "value": "Wu"}, by_extend]},
            {"bizDataList": "not a list"},
        ]});
        let reply = v1.post("/v1.0/crm/contacts/batch", &body).await;
        let results = ok(&reply)["results"].as_array().expect("results").clone();
        assert_eq!(results.len(), 5);
        assert_eq!(results[0]["success"], true);
        assert_eq!(keys(&results[0]), ["success", "relationId"]);
        assert_eq!((results[1]["success"].clone(), results[1]["errorCode"].clone()), (json!(false), json!("param.error")));
        assert!(results[1]["errorMsg"].as_str().unwrap_or_default().contains("contact_related_customer"));
        assert_eq!(results[2]["errorCode"], "data.not.exists");
        assert_eq!(results[3]["success"], true);
        assert_eq!(results[4]["errorCode"], "param.error");
        let dsl = json!({"queryGroupList": [{"queryObjectList": [{"fieldId": "contact_related_customer", "filterType": "EQ", "value": customer}]}]});
        let page = v1.post("/v1.0/crm/customObjects/contacts/datas/query", &json!({"maxResults": 10, "queryDsl": dsl.to_string()})).await;
        let result = &ok(&page)["result"];
        assert_eq!(keys(result), ["hasMore", "maxResults", "values"]);
        let first = &result["values"][0];
        assert_eq!(keys(first), ["instanceId", "objectType", "creatorUserId", "data", "extendData", "gmtCreate", "gmtModified", "permission"]);
        assert_eq!(first["instanceId"], results[0]["relationId"]);
        assert_eq!(first["objectType"], "crm_contact");
        assert_eq!(first["data"]["contact_name"], "Li");
        assert_eq!(first["data"]["contact_phone"], json!({"value": "139", "extendValue": "m"}));
        assert_eq!(first["data"]["contact_related_customer"], json!({
            "value": format!("[\"{customer}\"]"),
            "extendValue": format!("{{\"list\":[{{\"instanceId\":\"{customer}\"}}]}}"),
        }));
        assert_eq!(first["extendData"], json!({"from": "test"}));
        assert_eq!(first["permission"], json!({"ownerUserIds": ["zhangsan"], "participantUserIds": []}));
        assert_eq!(result["values"].as_array().map(Vec::len), Some(2));
    }

    async fn batch_update_changes_the_keys_given_and_moves_contacts(app: TestApp) {
        let v1 = V1::new(&app).await;
        let first = v1.add_customer(json!({"customer_name": "A"}), "u").await;
        let second = v1.add_customer(json!({"customer_name": "B"}), "u").await;
        let body = json!({"operatorUserId": "u", "relationList": [{"bizDataList": [{"key": "contact_name", "value": "Li"}, {"key": "contact_phone", "value": "1"}, related(&first)]}]});
        let added = v1.post("/v1.0/crm/contacts/batch", &body).await;
        let contact = ok(&added)["results"][0]["relationId"].as_str().expect("id").to_owned();
        let body = json!({"operatorUserId": "u", "relationList": [
            {"relationId": contact, "bizDataList": [{"key": "contact_phone", "value": "2"}, related(&second)]},
            {"relationId": "404404404404404404", "bizDataList": []},
            {"relationId": contact, "bizDataList": [related("nope")]},
        ]});
        let reply = v1.put("/v1.0/crm/contacts/batch", &body).await;
        let results = ok(&reply)["results"].clone();
        assert_eq!(results[0], json!({"success": true, "relationId": contact}));
        assert_eq!(results[1]["errorCode"], "data.not.exists");
        assert_eq!(results[1]["relationId"], "404404404404404404");
        assert_eq!(results[2]["errorCode"], "data.not.exists");
        let dsl = json!({"queryGroupList": [{"queryObjectList": [{"fieldId": "contact_related_customer", "value": format!("[\"{second}\"]")}]}]});
        let page = v1.post("/v1.0/crm/customObjects/contacts/datas/query", &json!({"maxResults": 10, "queryDsl": dsl.to_string()})).await;
        let moved = &ok(&page)["result"]["values"][0];
        assert_eq!(moved["data"]["contact_name"], "Li");
        assert_eq!(moved["data"]["contact_phone"], "2");
    }

    async fn get_contacts_pages_by_cursor(app: TestApp) {
        let v1 = V1::new(&app).await;
        let customer = v1.add_customer(json!({"customer_name": "A"}), "u").await;
        let items: Vec<_> = (0..5).map(|i| json!({"bizDataList": [{"key": "contact_name", "value": format!("K{i}")}, related(&customer)]})).collect();
        ok(&v1.post("/v1.0/crm/contacts/batch", &json!({"operatorUserId": "u", "relationList": items})).await);
        let (mut names, mut token) = (Vec::new(), json!(null));
        loop {
            let reply = v1.post("/v1.0/crm/customObjects/contacts/datas/query", &json!({"maxResults": 2, "nextToken": token})).await;
            let result = ok(&reply)["result"].clone();
            names.extend(result["values"].as_array().expect("values").iter().map(|v| v["data"]["contact_name"].clone()));
            if result["hasMore"] == false {
                break;
            }
            token = result["nextToken"].clone();
        }
        assert_eq!(names, ["K0", "K1", "K2", "K3", "K4"]);
        let missing = v1.post("/v1.0/crm/customObjects/contacts/datas/query", &json!({})).await;
        assert_error(&missing, 400, "MissingmaxResults", "maxResults");
    }
}
