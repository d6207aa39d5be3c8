//! Tenants never see each other (`docs/README.md#principles`): another corp's ids behave
//! exactly like ids that do not exist, for every read and write.

use super::*;
use crate::both_backends;

/// The errmsg with the id at fault replaced, to compare a foreign id's answer with an
/// unknown id's.
fn shape(body: &Value, id: &str) -> (Value, String) {
    let errmsg = body["errmsg"].as_str().unwrap().replace(id, "<id>");
    (body["errcode"].clone(), errmsg)
}

both_backends! {
    async fn a_second_corp_never_sees_the_first_corps_customers(app: TestApp) {
        let first = Dt::new(&app).await;
        let id = first.create_customer("Mine", "zhangsan").await;
        other_corp(&app, "otherco").await;
        let second = Dt::of(&app, "otherco", SECRET).await;
        assert_eq!(second.get("/crm/customer/list").await["customerlist"], json!([]));
        assert_eq!(second.get("/crm/customer/get").await["customerlist"], json!([]));
        let foreign = second.get(&format!("/crm/customer/get?id={id}")).await;
        let unknown = second.get("/crm/customer/get?id=100000000000000001").await;
        assert_err(&foreign, 40035, &id);
        assert_eq!(shape(&foreign, &id), shape(&unknown, "100000000000000001"));
        let own = second.create_customer("Theirs", "zhangsan").await;
        let listed = first.get("/crm/customer/list").await;
        assert_eq!(listed["customerlist"].as_array().unwrap().len(), 1);
        assert_eq!(listed["customerlist"][0]["id"], id.as_str());
        assert_err(&first.get(&format!("/crm/customer/get?id={own}")).await, 40035, &own);
    }

    async fn a_second_corp_cannot_change_or_delete_the_first_corps_records(app: TestApp) {
        let first = Dt::new(&app).await;
        let id = first.create_customer("Mine", "zhangsan").await;
        let before = first.customer(&id).await;
        let contact = before["contactList"][0]["contactid"].as_str().unwrap().to_owned();
        other_corp(&app, "otherco").await;
        let second = Dt::of(&app, "otherco", SECRET).await;
        let u = "?user_id=zhangsan";
        let attempts = [
            ("/crm/customer/update", json!({"id": id, "name": "Stolen"}), id.clone()),
            ("/crm/customer/delete", json!({"id[]": id}), id.clone()),
            ("/crm/contact/create", json!({"customerid": id, "name": "Spy"}), id.clone()),
            ("/crm/contact/update", json!({"contactid": contact, "name": "n", "mobile": "m", "attached": "a", "modified_by": "x"}), contact.clone()),
            ("/crm/contact/create", json!({"contactid": contact, "name": "n", "mobile": "m", "attached": "a", "modified_by": "x"}), contact.clone()),
            ("/crm/contact/delete", json!({"contactid[]": contact}), contact.clone()),
            ("/crm/empcustomer/create", json!({"customerId": id, "userId": "spy", "create_by": "x"}), id.clone()),
            ("/crm/empcustomer/delete", json!({"customerId": id, "userId": "zhangsan", "modified_by": "x"}), id.clone()),
        ];
        for (path, body, target) in attempts {
            let foreign = second.post(&format!("{path}{u}"), &body).await;
            assert_err(&foreign, 40035, &target);
            let unknown_body = serde_json::from_str(&body.to_string().replace(&target, "100000000000000001")).unwrap();
            let unknown = second.post(&format!("{path}{u}"), &unknown_body).await;
            assert_eq!(shape(&foreign, &target), shape(&unknown, "100000000000000001"), "{path}");
        }
        assert_eq!(first.customer(&id).await, before, "the first corp's record is untouched");
    }
}
