//! The customer operations (docs/dingtalk-v1.md#operations, #records): CreateCustomer,
//! AddCrmPersonalCustomer, UpdateCrmPersonalCustomer, DeleteCrmPersonalCustomer,
//! ListCrmPersonalCustomers and data authorisation.

use serde_json::json;

use super::*;
use crate::{both_backends, dingtalk::keys};

const CUSTOMER_KEYS: [&str; 13] = [
    "instanceId",
    "objectType",
    "creatorUserId",
    "creatorNick",
    "data",
    "extendData",
    "permission",
    "gmtCreate",
    "gmtModified",
    "procInstStatus",
    "procOutResult",
    "appUuid",
    "formCode",
];

fn create_body(extra: serde_json::Value) -> serde_json::Value {
    let mut body = json!({
        "creatorUserId": "zhangsan",
        "data": {"customer_name": "ACME", "customer_phone": "0571-1"},
        "saveOption": {"skipDuplicateCheck": true}
    });
    for (key, value) in extra.as_object().expect("object") {
        body[key] = value.clone();
    }
    body
}

both_backends! {
    async fn create_customer_answers_the_model_and_stores_everything(app: TestApp) {
        let v1 = V1::new(&app).await;
        let body = create_body(json!({
            "data": {"customer_name": "ACME", "customer_address": {"value": "杭州", "extendValue": "{\"adcode\":330100}"}, "industry": {"k": 1}},
            "extendData": {"source": "test"},
            "permission": {"participantStaffIds": ["lisi", "zhangsan"]},
            "contacts": [{"data": {"contact_name": "Li", "contact_position": "CTO"}}, {"data": {"contact_name": "Wu"}, "extendData": {"x": "y"}}],
        }));
        let created = v1.post("/v1.0/crm/customers", &body).await;
        let created = ok(&created);
        assert_eq!(keys(created), ["customerInstanceId", "objectType", "contacts"]);
        assert_eq!(created["objectType"], "crm_customer");
        assert_eq!(created["contacts"].as_array().expect("contacts").len(), 2);
        let id = created["customerInstanceId"].as_str().expect("id");
        let record = v1.customer(id).await.expect("found");
        assert_eq!(keys(&record), CUSTOMER_KEYS);
        assert_eq!(record["data"], json!({
            "customer_name": "ACME",
            "customer_address": {"value": "杭州", "extendValue": "{\"adcode\":330100}"},
            "industry": {"k": 1}
        }));
        assert_eq!(record["extendData"], json!({"source": "test"}));
        assert_eq!(record["permission"], json!({"ownerStaffIds": ["zhangsan"], "participantStaffIds": ["lisi"]}));
        assert_eq!(record["creatorUserId"], "zhangsan");
        assert_eq!(record["creatorNick"], "");
        assert_eq!(record["procInstStatus"], "COMPLETED");
        assert_eq!(record["formCode"], "crm_customer");
        assert_eq!(record["gmtCreate"].as_str().map(str::len), Some(19));
    }

    async fn an_invalid_contact_fails_the_call_only_when_asked(app: TestApp) {
        let v1 = V1::new(&app).await;
        let contacts = json!([{"data": {"contact_name": "Li"}}, {"extendData": {}}]);
        let strict = create_body(json!({"contacts": contacts, "saveOption": {"throwExceptionWhileSavingContactFailed": true}}));
        assert_error(&v1.post("/v1.0/crm/customers", &strict).await, 400, "param.error", "contacts[1].data is required");
        let lenient = create_body(json!({"contacts": contacts}));
        let created = v1.post("/v1.0/crm/customers", &lenient).await;
        let entries = ok(&created)["contacts"].as_array().expect("contacts").clone();
        assert!(entries[0]["contactInstanceId"].is_string(), "{entries:?}");
        assert_eq!(entries[1], json!({}));
    }

    async fn create_customer_with_an_instance_id_merges_into_it(app: TestApp) {
        let v1 = V1::new(&app).await;
        let id = v1.add_customer(json!({"customer_name": "Old", "customer_phone": "1", "note": "a"}), "zhangsan").await;
        let body = create_body(json!({
            "instanceId": id,
            "data": {"customer_phone": "2", "tag": "b"},
            "contacts": [{"data": {"contact_name": "New contact"}}],
        }));
        let merged = v1.post("/v1.0/crm/customers", &body).await;
        assert_eq!(ok(&merged)["customerInstanceId"], id.as_str());
        let record = v1.customer(&id).await.expect("found");
        assert_eq!(record["data"], json!({"customer_name": "Old", "customer_phone": "2", "note": "a", "tag": "b"}));
        let unknown = create_body(json!({"instanceId": "404404404404404404"}));
        assert_error(&v1.post("/v1.0/crm/customers", &unknown).await, 400, "data.not.exists", "404404404404404404");
    }

    async fn update_replaces_the_keys_given_and_keeps_the_rest(app: TestApp) {
        let v1 = V1::new(&app).await;
        let id = v1.add_customer(json!({"customer_name": "ACME", "customer_phone": {"value": "1", "extendValue": "e"}, "k": "v"}), "zhangsan").await;
        let body = json!({"instanceId": id, "modifierUserId": "lisi", "data": {"customer_phone": "2"},
                          "extendData": {"a": 1}, "permission": {"participantStaffIds": ["wangwu"]}});
        let reply = v1.put("/v1.0/crm/personalCustomers", &body).await;
        assert_eq!(ok(&reply)["instanceId"], id.as_str());
        let record = v1.customer(&id).await.expect("found");
        assert_eq!(record["data"], json!({"customer_name": "ACME", "customer_phone": "2", "k": "v"}));
        assert_eq!(record["extendData"], json!({"a": 1}));
        assert_eq!(record["permission"], json!({"ownerStaffIds": ["zhangsan"], "participantStaffIds": ["wangwu"]}));
        let nothing = json!({"instanceId": id, "modifierUserId": "lisi", "data": {}});
        assert_error(&v1.put("/v1.0/crm/personalCustomers", &nothing).await, 400, "no.valid.parameter", "no valid parameter");
    }

    async fn delete_takes_the_contacts_and_followers_and_checks_the_type(app: TestApp) {
        let v1 = V1::new(&app).await;
        let body = create_body(json!({"contacts": [{"data": {"contact_name": "Li"}}]}));
        let created = v1.post("/v1.0/crm/customers", &body).await;
        let id = ok(&created)["customerInstanceId"].as_str().expect("id").to_owned();
        let wrong = format!("/v1.0/crm/personalCustomers/{id}?currentOperatorUserId=zhangsan&relationType=crm_customer_personal");
        assert_error(&v1.delete(&wrong).await, 400, "data.not.exists", &id);
        let path = format!("/v1.0/crm/personalCustomers/{id}?currentOperatorUserId=zhangsan");
        assert_eq!(ok(&v1.delete(&path).await)["instanceId"], id.as_str());
        assert!(v1.customer(&id).await.is_none());
        assert_error(&v1.delete(&path).await, 400, "data.not.exists", &id);
        let contacts = v1.post("/v1.0/crm/customObjects/contacts/datas/query", &json!({"maxResults": 10})).await;
        assert_eq!(ok(&contacts)["result"]["values"], json!([]));
        let missing = format!("/v1.0/crm/personalCustomers/{id}");
        assert_error(&v1.delete(&missing).await, 400, "MissingcurrentOperatorUserId", "currentOperatorUserId");
    }

    async fn batch_query_answers_the_known_ids_in_request_order_once(app: TestApp) {
        let v1 = V1::new(&app).await;
        let a = v1.add_customer(json!({"customer_name": "A"}), "u").await;
        let body = json!({"creatorUserId": "u", "data": {"customer_name": "B"}, "relationType": "crm_customer_personal"});
        let b = ok(&v1.post("/v1.0/crm/personalCustomers", &body).await)["instanceId"].as_str().expect("id").to_owned();
        let ids = json!([b, "x", a, b, "404404404404404404"]);
        let reply = v1.post("/v1.0/crm/personalCustomers/batchQuery", &ids).await;
        let found: Vec<&str> = ok(&reply)["result"].as_array().expect("result").iter().map(|r| r["instanceId"].as_str().unwrap_or_default()).collect();
        assert_eq!(found, [b.as_str(), a.as_str()]);
        let typed = v1.post("/v1.0/crm/personalCustomers/batchQuery?relationType=crm_customer", &ids).await;
        assert_eq!(ok(&typed)["result"].as_array().map(Vec::len), Some(1));
        let object = v1.post("/v1.0/crm/personalCustomers/batchQuery", &json!({"ids": [a]})).await;
        assert_error(&object, 400, "param.error", "JSON array");
    }

    async fn data_auth_appends_and_overrides_roles(app: TestApp) {
        let v1 = V1::new(&app).await;
        let id = v1.add_customer(json!({"customer_name": "A"}), "zhangsan").await;
        let body = |role: &str, users: serde_json::Value| json!({"customerIds": [id], "dataAuthUserIds": users, "operateUserId": "zhangsan", "roleType": role});
        let reply = v1.post("/v1.0/crm/customers/dataAuth/append", &body("participant", json!(["lisi", "wangwu"]))).await;
        assert_eq!(ok(&reply), &json!({"result": true}));
        v1.post("/v1.0/crm/customers/dataAuth/append", &body("OWNER", json!(["wangwu"]))).await;
        let record = v1.customer(&id).await.expect("found");
        assert_eq!(record["permission"], json!({"ownerStaffIds": ["zhangsan", "wangwu"], "participantStaffIds": ["lisi"]}));
        ok(&v1.put("/v1.0/crm/customers/dataAuth/overrideUpdate", &body("owner", json!(["lisi"]))).await);
        let record = v1.customer(&id).await.expect("found");
        assert_eq!(record["permission"], json!({"ownerStaffIds": ["lisi"], "participantStaffIds": []}));
        let mut unknown = body("owner", json!(["lisi"]));
        unknown["customerIds"] = json!([id, "nope"]);
        assert_error(&v1.post("/v1.0/crm/customers/dataAuth/append", &unknown).await, 400, "data.not.exists", "nope");
    }
}
