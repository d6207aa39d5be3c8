//! `POST /crm/customer/create` (员工新增客户信息).

use super::*;
use crate::both_backends;

const CREATE: &str = "/crm/customer/create?user_id=zhangsan";

/// A change to the seed's body.
type Edit = fn(&mut Value);

/// The seed's body changed by `edit`.
fn body_with(edit: impl FnOnce(&mut Value)) -> Value {
    let mut body = seed_create_body();
    edit(&mut body);
    body
}

both_backends! {
    async fn the_seeds_create_example_succeeds_and_reads_back_in_the_seeds_shape(app: TestApp) {
        let dt = Dt::new(&app).await;
        let created = dt.post(CREATE, &seed_create_body()).await;
        assert_ok(&created);
        assert_eq!(keys(&created), ["errcode", "errmsg", "customerid"]);
        let id = created["customerid"].as_str().unwrap();
        assert_eq!(id.len(), 18);
        assert!(id.bytes().all(|b| b.is_ascii_digit()));

        let got = dt.customer(id).await;
        assert_eq!(keys(&got), ["errcode", "errmsg", "customer", "contactList", "contacts", "userIds", "create_by"]);
        assert_eq!(got["contacts"], got["contactList"], "the seed's table calls the list contacts");
        assert_eq!(keys(&got["customer"]), ["id", "name", "address", "description", "telephone"]);
        assert_eq!(got["customer"], json!({"id": id, "name": "姓名", "address": "地址", "description": "描述", "telephone": "电话"}));
        let contact = &got["contactList"][0];
        assert_eq!(keys(contact), ["contactid", "name", "mobile", "attached"]);
        assert_eq!(contact["name"], "姓名");
        assert_eq!(contact["mobile"], "手机");
        assert_eq!(contact["attached"], "备注");
        assert_eq!(contact["contactid"].as_str().unwrap().len(), 18);
        assert_eq!(got["userIds"], json!(["USER_ID", "zhangsan"]));
        assert_eq!(got["create_by"], "创建时间");
    }

    async fn customer_as_an_object_and_contacts_as_one_object_are_accepted(app: TestApp) {
        let dt = Dt::new(&app).await;
        let body = json!({
            "customer": {"name": "ACME", "address": "a", "description": "d", "telephone": "t"},
            "contacts": {"name": "Li", "mobile": "138"},
            "create_by": "2024-01-01 10:00:00"
        });
        let created = dt.post(CREATE, &body).await;
        assert_ok(&created);
        let got = dt.customer(created["customerid"].as_str().unwrap()).await;
        assert_eq!(got["customer"]["name"], "ACME");
        assert_eq!(got["contactList"][0]["name"], "Li");
        assert_eq!(got["contactList"][0]["attached"], "", "an absent optional field reads back empty");
        assert_eq!(got["userIds"], json!(["zhangsan"]));
    }

    async fn followers_are_user_ids_then_the_caller_without_repeats_in_order(app: TestApp) {
        let dt = Dt::new(&app).await;
        let body = body_with(|b| b["userIds"] = json!(["wang", "zhangsan", "li", "wang"]));
        let created = dt.post(CREATE, &body).await;
        let got = dt.customer(created["customerid"].as_str().unwrap()).await;
        assert_eq!(got["userIds"], json!(["wang", "zhangsan", "li"]));
    }

    async fn create_without_user_id_is_41009(app: TestApp) {
        let dt = Dt::new(&app).await;
        for path in ["/crm/customer/create", "/crm/customer/create?user_id="] {
            assert_err(&dt.post(path, &seed_create_body()).await, 41009, "user_id");
        }
    }

    async fn create_without_each_required_field_is_40035_naming_it(app: TestApp) {
        let dt = Dt::strict(&app, &["zhangsan", "lisi", "USER_ID", "a"]).await;
        let cases: [(&str, Edit); 7] = [
            ("customer is required", |b| { b.as_object_mut().unwrap().remove("customer"); }),
            ("customer[0].name is required", |b| { b["customer"][0].as_object_mut().unwrap().remove("name"); }),
            ("customer[0].address is required", |b| { b["customer"][0].as_object_mut().unwrap().remove("address"); }),
            ("customer[0].description is required", |b| { b["customer"][0]["description"] = Value::Null; }),
            ("customer[0].telephone is required", |b| { b["customer"][0].as_object_mut().unwrap().remove("telephone"); }),
            ("create_by is required", |b| { b.as_object_mut().unwrap().remove("create_by"); }),
            ("customer[0].name is required and must not be blank", |b| { b["customer"][0]["name"] = json!("  "); }),
        ];
        for (needle, edit) in cases {
            let body = dt.post(CREATE, &body_with(edit)).await;
            assert_err(&body, 40035, needle);
        }
        let object_form = json!({"customer": {"address": "a"}, "create_by": "x"});
        assert_err(&dt.post(CREATE, &object_form).await, 40035, "customer.name is required");
        assert_ok(&dt.get("/crm/customer/list").await);
        assert_eq!(dt.get("/crm/customer/list").await["customerlist"], json!([]), "nothing was stored");
    }

    async fn create_with_a_wrongly_typed_field_is_40035_naming_it(app: TestApp) {
        let dt = Dt::strict(&app, &["zhangsan", "lisi", "USER_ID", "a"]).await;
        let cases: [(&str, Edit); 6] = [
            ("customer[0].name must be a string", |b| b["customer"][0]["name"] = json!(5)),
            ("customer must be an object or an array of exactly one object", |b| b["customer"] = json!("ACME")),
            ("contacts must be an array of objects", |b| b["contacts"] = json!(5)),
            ("contacts[0].mobile must be a string", |b| b["contacts"][0]["mobile"] = json!(138)),
            ("userIds must be an array of strings", |b| b["userIds"] = json!("USER_ID")),
            ("userIds[1] must be a string", |b| b["userIds"] = json!(["a", 7])),
        ];
        for (needle, edit) in cases {
            assert_err(&dt.post(CREATE, &body_with(edit)).await, 40035, needle);
        }
    }

    async fn a_customer_array_must_hold_exactly_one_customer(app: TestApp) {
        let dt = Dt::new(&app).await;
        let two = body_with(|b| b["customer"] = json!([b["customer"][0].clone(), b["customer"][0].clone()]));
        assert_err(&dt.post(CREATE, &two).await, 40035, "customer must be an object or an array of exactly one object");
        let none = body_with(|b| b["customer"] = json!([]));
        assert_err(&dt.post(CREATE, &none).await, 40035, "customer");
    }

    async fn create_with_an_overlong_field_is_41101_naming_it_and_the_limit(app: TestApp) {
        let dt = Dt::strict(&app, &["zhangsan", "lisi", "USER_ID", "a"]).await;
        let cases = [
            ("customer[0].name", 128),
            ("customer[0].address", 256),
            ("customer[0].description", 1000),
            ("customer[0].telephone", 32),
            ("contacts[0].name", 128),
            ("contacts[0].mobile", 32),
            ("contacts[0].attached", 500),
            ("create_by", 64),
        ];
        for (field, limit) in cases {
            let long = "字".repeat(limit + 1);
            let mut body = seed_create_body();
            let (parent, key) = match field.split_once('.') {
                Some((parent, key)) => (parent.trim_end_matches("[0]"), key),
                None => ("", field),
            };
            match parent {
                "" => body[key] = json!(long),
                parent => body[parent][0][key] = json!(long),
            }
            let refused = dt.post(CREATE, &body).await;
            assert_err(&refused, 41101, &format!("{field} is {} characters long; the limit is {limit}", limit + 1));
        }
    }

    async fn limits_count_characters_not_bytes(app: TestApp) {
        let dt = Dt::new(&app).await;
        let body = body_with(|b| b["customer"][0]["name"] = json!("字".repeat(128)));
        let created = dt.post(CREATE, &body).await;
        assert_ok(&created);
        let got = dt.customer(created["customerid"].as_str().unwrap()).await;
        assert_eq!(got["customer"]["name"].as_str().unwrap().chars().count(), 128);
    }
}
