//! `POST /crm/contact/create`, `/crm/contact/update` (also under the create URL, as the
//! seed documents it) and `/crm/contact/delete`.

use super::*;
use crate::both_backends;

const CREATE: &str = "/crm/contact/create?user_id=zhangsan";
const UPDATE: &str = "/crm/contact/update?user_id=zhangsan";
const DELETE: &str = "/crm/contact/delete?user_id=zhangsan";

fn update_body(contactid: &str) -> Value {
    json!({"contactid": contactid, "name": "客户联系人名称", "mobile": "客户联系人手机", "attached": "客户联系人备注", "modified_by": "修改时间"})
}

/// The contact ids of a customer, in order.
async fn contact_ids(dt: &Dt<'_>, customer: &str) -> Vec<String> {
    dt.customer(customer).await["contactList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["contactid"].as_str().unwrap().to_owned())
        .collect()
}

both_backends! {
    async fn the_seeds_contact_create_example_adds_a_contact(app: TestApp) {
        let dt = Dt::new(&app).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        let body = json!({"customerid": customer, "name": "客户联系人名称", "mobile": "客户联系人手机", "attached": "客户联系人备注", "create_by": "创建时间"});
        let created = dt.post(CREATE, &body).await;
        assert_ok(&created);
        assert_eq!(keys(&created), ["errcode", "errmsg", "contactid"]);
        let contactid = created["contactid"].as_str().unwrap();
        let got = dt.customer(&customer).await;
        assert_eq!(got["contactList"][1], json!({"contactid": contactid, "name": "客户联系人名称", "mobile": "客户联系人手机", "attached": "客户联系人备注"}));
    }

    async fn contact_create_faults_are_named(app: TestApp) {
        let dt = Dt::strict(&app, &["zhangsan", "lisi", "USER_ID", "a"]).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        let ok_body = json!({"customerid": customer, "name": "Li"});
        assert_err(&dt.post("/crm/contact/create", &ok_body).await, 41009, "user_id");
        assert_err(&dt.post(CREATE, &json!({"name": "Li"})).await, 40035, "customerid is required");
        assert_err(&dt.post(CREATE, &json!({"customerid": customer})).await, 40035, "name is missing (rule dingtalk.contact.name");
        assert_err(&dt.post(CREATE, &json!({"customerid": customer, "name": ["Li"]})).await, 40035, "name must be a string");
        assert_err(&dt.post(CREATE, &json!({"customerid": customer, "name": "Li", "mobile": "1".repeat(33)})).await, 41101, "mobile is 33 characters long; the limit is 32");
        assert_err(&dt.post(CREATE, &json!({"customerid": customer, "name": "Li", "attached": "x".repeat(501)})).await, 41101, "attached");
        assert_err(&dt.post(CREATE, &json!({"customerid": "100000000000000001", "name": "Li"})).await, 40035, "customerid: no such customer: 100000000000000001");
        let both = json!({"customerid": customer, "contactid": "1", "name": "Li"});
        assert_err(&dt.post(CREATE, &both).await, 40035, "not both");
        assert_eq!(contact_ids(&dt, &customer).await.len(), 1, "failed creates add nothing");
    }

    async fn the_seeds_contact_update_example_under_the_create_url_updates(app: TestApp) {
        let dt = Dt::new(&app).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        let contact = contact_ids(&dt, &customer).await.remove(0);
        let updated = dt.post(CREATE, &update_body(&contact)).await;
        assert_ok(&updated);
        assert_eq!(keys(&updated), ["errcode", "errmsg"]);
        let got = dt.customer(&customer).await;
        assert_eq!(got["contactList"], json!([{"contactid": contact, "name": "客户联系人名称", "mobile": "客户联系人手机", "attached": "客户联系人备注"}]));
    }

    async fn contact_update_under_its_own_url_updates(app: TestApp) {
        let dt = Dt::new(&app).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        let contact = contact_ids(&dt, &customer).await.remove(0);
        let mut body = update_body(&contact);
        body["mobile"] = json!("139");
        assert_ok(&dt.post(UPDATE, &body).await);
        assert_eq!(dt.customer(&customer).await["contactList"][0]["mobile"], "139");
    }

    async fn contact_update_requires_every_field_and_a_known_contact(app: TestApp) {
        let dt = Dt::new(&app).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        let contact = contact_ids(&dt, &customer).await.remove(0);
        for field in ["name", "mobile", "attached", "modified_by"] {
            for path in [UPDATE, CREATE] {
                let mut body = update_body(&contact);
                body.as_object_mut().unwrap().remove(field);
                assert_err(&dt.post(path, &body).await, 40035, &format!("{field} is required"));
            }
        }
        let mut body = update_body(&contact);
        body.as_object_mut().unwrap().remove("contactid");
        assert_err(&dt.post(UPDATE, &body).await, 40035, "contactid is required");
        assert_err(&dt.post(UPDATE, &update_body("100000000000000001")).await, 40035, "contactid: no such contact: 100000000000000001");
        assert_err(&dt.post("/crm/contact/update", &update_body(&contact)).await, 41009, "user_id");
        assert_eq!(dt.customer(&customer).await["contactList"][0]["name"], "姓名", "nothing changed");
    }

    async fn the_seeds_contact_delete_example_removes_the_contact(app: TestApp) {
        let dt = Dt::new(&app).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        let first = contact_ids(&dt, &customer).await.remove(0);
        let second = dt.post(CREATE, &json!({"customerid": customer, "name": "B"})).await["contactid"].as_str().unwrap().to_owned();
        let third = dt.post(CREATE, &json!({"customerid": customer, "name": "C"})).await["contactid"].as_str().unwrap().to_owned();
        let deleted = dt.post(DELETE, &json!({"contactid[]": first})).await;
        assert_ok(&deleted);
        assert_eq!(keys(&deleted), ["errcode", "errmsg"]);
        assert_eq!(contact_ids(&dt, &customer).await, [second.clone(), third.clone()]);
        assert_ok(&dt.post(DELETE, &json!({"contactid": [second, third]})).await);
        assert!(contact_ids(&dt, &customer).await.is_empty());
        assert_eq!(dt.customer(&customer).await["customer"]["name"], "ACME", "the customer stays");
    }

    async fn a_contact_delete_naming_an_unknown_id_deletes_nothing_and_names_it(app: TestApp) {
        let dt = Dt::new(&app).await;
        let customer = dt.create_customer("ACME", "zhangsan").await;
        let contact = contact_ids(&dt, &customer).await.remove(0);
        let body = dt.post(DELETE, &json!({"contactid[]": [contact, "100000000000000009"]})).await;
        assert_err(&body, 40035, "contactid[]: no such contact: 100000000000000009");
        assert_eq!(contact_ids(&dt, &customer).await, std::slice::from_ref(&contact));
        assert_err(&dt.post(DELETE, &json!({})).await, 40035, "contactid[] is required");
        assert_err(&dt.post("/crm/contact/delete", &json!({"contactid[]": contact})).await, 41009, "user_id");
    }
}
