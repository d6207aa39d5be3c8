//! One store, two doors (docs/dingtalk-v1.md#records): a customer or contact written
//! through either API is read, changed and deleted through the other.

use serde_json::json;

use super::*;
use crate::{
    both_backends,
    dingtalk::{assert_err, assert_ok, Dt},
};

both_backends! {
    async fn an_old_api_customer_is_read_changed_and_deleted_through_v1(app: TestApp) {
        let dt = Dt::new(&app).await;
        let v1 = V1::new(&app).await;
        let id = dt.create_customer("ACME", "zhangsan").await;
        let record = v1.customer(&id).await.expect("found");
        assert_eq!(record["data"], json!({"customer_name": "ACME", "customer_address": "地址", "customer_phone": "电话", "customer_description": "描述"}));
        assert_eq!(record["creatorUserId"], "zhangsan");
        assert_eq!(record["permission"], json!({"ownerStaffIds": ["zhangsan"], "participantStaffIds": []}));
        let update = json!({"instanceId": id, "modifierUserId": "lisi", "data": {"customer_phone": {"value": "123", "extendValue": "ext"}}});
        ok(&v1.put("/v1.0/crm/personalCustomers", &update).await);
        assert_eq!(dt.customer(&id).await["customer"]["telephone"], "123");
        // The old API's write of the column drops the extendValue.
        let changed = dt.post("/crm/customer/update?user_id=zhangsan", &json!({"id": id, "telephone": "456"})).await;
        assert_ok(&changed);
        let record = v1.customer(&id).await.expect("found");
        assert_eq!(record["data"]["customer_phone"], "456");
        let contacts = v1.post("/v1.0/crm/customObjects/contacts/datas/query", &json!({"maxResults": 10})).await;
        let contact = &ok(&contacts)["result"]["values"][0];
        assert_eq!(contact["data"]["contact_name"], "姓名");
        assert_eq!(contact["creatorUserId"], "zhangsan");
        ok(&v1.delete(&format!("/v1.0/crm/personalCustomers/{id}?currentOperatorUserId=zhangsan")).await);
        assert_err(&dt.get(&format!("/crm/customer/get?id={id}")).await, 40035, &id);
    }

    async fn a_v1_customer_is_read_changed_and_deleted_through_the_old_api(app: TestApp) {
        let dt = Dt::new(&app).await;
        let v1 = V1::new(&app).await;
        let body = json!({
            "creatorUserId": "zhangsan",
            "data": {"customer_name": "ACME", "customer_phone": {"value": "1", "extendValue": "e"}},
            "permission": {"participantStaffIds": ["lisi"]},
            "contacts": [{"data": {"contact_name": "Li", "contact_phone": "139", "contact_position": "CTO"}}],
            "saveOption": {}
        });
        let created = v1.post("/v1.0/crm/customers", &body).await;
        let id = ok(&created)["customerInstanceId"].as_str().expect("id").to_owned();
        let contact = ok(&created)["contacts"][0]["contactInstanceId"].as_str().expect("contact").to_owned();
        let got = dt.customer(&id).await;
        assert_eq!(got["customer"], json!({"id": id, "name": "ACME", "address": "", "description": "", "telephone": "1"}));
        assert_eq!(got["contactList"], json!([{"contactid": contact, "name": "Li", "mobile": "139", "attached": "CTO"}]));
        assert_eq!(got["userIds"], json!(["zhangsan", "lisi"]));
        assert_eq!(got["create_by"].as_str().map(str::len), Some(19), "the creation time");
        let console = app.get_json("/_emulator/dingtalk/corps/dingemulator/customers").await;
        assert_eq!(console["customers"][0]["id"], id.as_str(), "the console's corp view shows it");
        let update = json!({"contactid": contact, "name": "Li Lei", "mobile": "138", "attached": "CEO", "modified_by": "x"});
        assert_ok(&dt.post("/crm/contact/update?user_id=zhangsan", &update).await);
        let contacts = v1.post("/v1.0/crm/customObjects/contacts/datas/query", &json!({"maxResults": 10})).await;
        assert_eq!(ok(&contacts)["result"]["values"][0]["data"]["contact_name"], "Li Lei");
        let delete = json!({"id[]": [id]});
        assert_ok(&dt.post("/crm/customer/delete?user_id=zhangsan", &delete).await);
        assert!(v1.customer(&id).await.is_none());
        let contacts = v1.post("/v1.0/crm/customObjects/contacts/datas/query", &json!({"maxResults": 10})).await;
        assert_eq!(ok(&contacts)["result"]["values"], json!([]));
    }

    async fn a_v1_contact_is_deleted_through_the_old_api(app: TestApp) {
        let dt = Dt::new(&app).await;
        let v1 = V1::new(&app).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        let body = json!({"operatorUserId": "u", "relationList": [{"bizDataList": [{"key": "contact_name", "value": "V1"}, {"key": "contact_related_customer", "value": customer}]}]});
        let added = v1.post("/v1.0/crm/contacts/batch", &body).await;
        let contact = ok(&added)["results"][0]["relationId"].as_str().expect("id").to_owned();
        let listed = dt.customer(&customer).await;
        assert!(listed["contactList"].as_array().expect("contacts").iter().any(|c| c["contactid"] == contact.as_str()));
        assert_ok(&dt.post("/crm/contact/delete?user_id=zhangsan", &json!({"contactid": contact})).await);
        let update = json!({"operatorUserId": "u", "relationList": [{"relationId": contact}]});
        let reply = v1.put("/v1.0/crm/contacts/batch", &update).await;
        assert_eq!(ok(&reply)["results"][0]["errorCode"], "data.not.exists");
    }

    async fn another_corps_records_are_unknown(app: TestApp) {
        let v1 = V1::new(&app).await;
        let id = v1.add_customer(json!({"customer_name": "Mine"}), "u").await;
        let corp = json!({"corpid": "other", "corpsecret": "s", "appkey": "otherkey", "appsecret": "s2"});
        assert_eq!(app.post_json("/_emulator/dingtalk/corps", &corp).await.status(), 201);
        let other = V1::of(&app, "otherkey", "s2").await;
        assert!(other.customer(&id).await.is_none());
        let update = json!({"instanceId": id, "modifierUserId": "u", "data": {"customer_name": "Theirs"}});
        assert_error(&other.put("/v1.0/crm/personalCustomers", &update).await, 400, "data.not.exists", &id);
        let all = other.post("/v1.0/crm/customerInstances", &json!({})).await;
        assert_eq!(ok(&all)["result"]["values"], json!([]));
    }
}
