//! `POST /crm/customer/update` (员工修改客户信息) and `POST /crm/customer/delete`
//! (员工删除客户).

use super::*;
use crate::both_backends;

const UPDATE: &str = "/crm/customer/update?user_id=zhangsan";
const DELETE: &str = "/crm/customer/delete?user_id=zhangsan";

both_backends! {
    async fn the_seeds_update_example_changes_the_customer(app: TestApp) {
        let dt = Dt::new(&app).await;
        let id = dt.create_customer("Old", "zhangsan").await;
        let body = json!({"id": id, "name": "客户名称", "address": "客户地址", "description": "客户描述", "telephone": "电话", "modified_by": "修改时间"});
        let updated = dt.post(UPDATE, &body).await;
        assert_ok(&updated);
        assert_eq!(keys(&updated), ["errcode", "errmsg"]);
        let got = dt.customer(&id).await;
        assert_eq!(got["customer"], json!({"id": id, "name": "客户名称", "address": "客户地址", "description": "客户描述", "telephone": "电话"}));
        assert_eq!(got["create_by"], "创建时间", "create_by is not touched by an update");
    }

    async fn update_keeps_the_fields_it_is_not_given(app: TestApp) {
        let dt = Dt::new(&app).await;
        let id = dt.create_customer("ACME", "zhangsan").await;
        assert_ok(&dt.post(UPDATE, &json!({"id": id, "telephone": "110", "address": null})).await);
        let got = dt.customer(&id).await;
        assert_eq!(got["customer"]["telephone"], "110");
        assert_eq!(got["customer"]["name"], "ACME");
        assert_eq!(got["customer"]["address"], "地址");
        assert_ok(&dt.post(UPDATE, &json!({"id": id})).await);
        assert_eq!(dt.customer(&id).await, got);
    }

    async fn update_faults_are_named(app: TestApp) {
        let dt = Dt::strict(&app, &["zhangsan", "lisi", "USER_ID", "a"]).await;
        let id = dt.create_customer("ACME", "zhangsan").await;
        assert_err(&dt.post("/crm/customer/update", &json!({"id": id})).await, 41009, "user_id");
        assert_err(&dt.post(UPDATE, &json!({"name": "x"})).await, 40035, "id is required");
        assert_err(&dt.post(UPDATE, &json!({"id": 5})).await, 40035, "id must be a string");
        assert_err(&dt.post(UPDATE, &json!({"id": "100000000000000001"})).await, 40035, "id: no such customer: 100000000000000001");
        assert_err(&dt.post(UPDATE, &json!({"id": id, "name": ""})).await, 40035, "name must not be blank when given");
        assert_err(&dt.post(UPDATE, &json!({"id": id, "telephone": 110})).await, 40035, "telephone must be a string");
        assert_err(&dt.post(UPDATE, &json!({"id": id, "description": "x".repeat(1001)})).await, 41101, "description is 1001 characters long; the limit is 1000");
        assert_err(&dt.post(UPDATE, &json!({"id": id, "modified_by": "x".repeat(65)})).await, 41101, "modified_by");
        assert_eq!(dt.customer(&id).await["customer"]["name"], "ACME", "failed updates change nothing");
    }

    async fn the_seeds_delete_example_removes_the_customer_its_contacts_and_relations(app: TestApp) {
        let dt = Dt::new(&app).await;
        let id = dt.create_customer("ACME", "zhangsan").await;
        let contact = dt.customer(&id).await["contactList"][0]["contactid"].as_str().unwrap().to_owned();
        let deleted = dt.post(DELETE, &json!({"id[]": id})).await;
        assert_ok(&deleted);
        assert_eq!(keys(&deleted), ["errcode", "errmsg"]);
        assert_err(&dt.get(&format!("/crm/customer/get?id={id}")).await, 40035, &id);
        assert_eq!(dt.get("/crm/customer/list").await["customerlist"], json!([]));
        let contact_update = json!({"contactid": contact, "name": "n", "mobile": "m", "attached": "a", "modified_by": "x"});
        assert_err(&dt.post("/crm/contact/update?user_id=zhangsan", &contact_update).await, 40035, &contact);
        let relation = json!({"customerId": id, "userId": "zhangsan", "modified_by": "x"});
        assert_err(&dt.post("/crm/empcustomer/delete", &relation).await, 40035, &id);
    }

    async fn delete_takes_id_and_arrays_too(app: TestApp) {
        let dt = Dt::new(&app).await;
        let a = dt.create_customer("A", "zhangsan").await;
        let b = dt.create_customer("B", "zhangsan").await;
        let c = dt.create_customer("C", "zhangsan").await;
        assert_ok(&dt.post(DELETE, &json!({"id[]": [a, b, a]})).await);
        assert_ok(&dt.post(DELETE, &json!({"id": c})).await);
        assert_eq!(dt.get("/crm/customer/list").await["customerlist"], json!([]));
    }

    async fn a_delete_naming_an_unknown_id_deletes_nothing_and_names_it(app: TestApp) {
        let dt = Dt::new(&app).await;
        let a = dt.create_customer("A", "zhangsan").await;
        let body = dt.post(DELETE, &json!({"id[]": [a, "100000000000000001", "100000000000000002"]})).await;
        assert_err(&body, 40035, "id[]: no such customer: 100000000000000001, 100000000000000002");
        assert_eq!(dt.customer(&a).await["customer"]["name"], "A");
        assert_err(&dt.post(DELETE, &json!({"id": "x1"})).await, 40035, "id: no such customer: x1");
    }

    async fn delete_faults_are_named(app: TestApp) {
        let dt = Dt::strict(&app, &["zhangsan", "lisi", "USER_ID", "a"]).await;
        let a = dt.create_customer("A", "zhangsan").await;
        assert_err(&dt.post("/crm/customer/delete", &json!({"id[]": a})).await, 41009, "user_id");
        assert_err(&dt.post(DELETE, &json!({})).await, 40035, "id[] is required");
        assert_err(&dt.post(DELETE, &json!({"id[]": []})).await, 40035, "id[] must name at least one id");
        assert_err(&dt.post(DELETE, &json!({"id[]": [5]})).await, 40035, "id[][0] must be a string");
        assert_err(&dt.post(DELETE, &json!({"id[]": a, "id": a})).await, 40035, "give either id[] or id");
        assert_eq!(dt.customer(&a).await["customer"]["name"], "A");
    }
}
