//! The defects issue 10 listed, one test each: every one failed before its fix.

use reqwest::Method;
use serde_json::{json, Value};

use super::{call, Body};
use crate::{
    both_backends,
    dingtalk::{assert_err, assert_ok, keys, Dt, CORPID, SECRET},
    helpers::*,
    openapi::Oa,
};

both_backends! {
    async fn a_wrong_method_on_a_post_endpoint_is_43002_and_on_a_get_endpoint_43001(app: TestApp) {
        let dt = Dt::new(&app).await;
        for method in [Method::PUT, Method::PATCH, Method::DELETE, Method::GET] {
            let reply = call(&app, method.clone(), &dt.url("/crm/customer/create?user_id=li"), &[], Body::None).await;
            assert_err(&reply.body, 43002, "需要POST请求");
            assert_eq!(reply.headers["x-emulator-rule"], "dingtalk.method.post", "{method}");
        }
        let reply = call(&app, Method::POST, &dt.url("/crm/customer/list"), &[], Body::Json(&json!({}))).await;
        assert_err(&reply.body, 43001, "需要GET请求");
    }

    async fn the_seed_style_list_answers_every_customer_past_1000(app: TestApp) {
        let customers: Vec<Value> = (0..1001).map(|i| json!({"name": format!("c{i}")})).collect();
        let seed = json!({"dingtalk": {"corps": [{"corpid": CORPID, "corpsecret": SECRET, "customers": customers}]}});
        assert_eq!(app.post_json("/_emulator/import", &seed).await.status(), 200);
        let dt = Dt::new(&app).await;
        let all = dt.get("/crm/customer/get").await;
        assert_ok(&all);
        assert_eq!(all["customerlist"].as_array().map(Vec::len), Some(1001));
        assert_eq!(all["hasMore"], false);
        let page = dt.get("/crm/customer/list?offset=0&size=1000").await;
        assert_eq!(page["customerlist"].as_array().map(Vec::len), Some(1000));
        assert_eq!(page["hasMore"], true, "an explicit page still pages");
    }

    async fn a_form_encoded_delete_names_customers_by_id_brackets(app: TestApp) {
        let dt = Dt::new(&app).await;
        let (a, b) = (dt.create_customer("a", "li").await, dt.create_customer("b", "li").await);
        let form = format!("id%5B%5D={a}&id%5B%5D={b}").into_bytes();
        let body = Body::Raw(Some("application/x-www-form-urlencoded"), form);
        let reply = call(&app, Method::POST, &dt.url("/crm/customer/delete?user_id=li"), &[], body).await;
        assert_ok(&reply.body);
        for id in [a, b] {
            assert_err(&dt.get(&format!("/crm/customer/get?id={id}")).await, 40035, &id);
        }
    }

    async fn a_blank_optional_field_is_not_called_required(app: TestApp) {
        let dt = Dt::strict(&app, &["li"]).await;
        let id = dt.create_customer("a", "li").await;
        let reply = dt.post("/crm/customer/update?user_id=li", &json!({"id": id, "name": ""})).await;
        assert_err(&reply, 40035, "name must not be blank when given");
        assert!(!reply["errmsg"].as_str().unwrap_or_default().contains("required"), "{reply}");
    }

    async fn an_injected_permission_fault_has_dingtalks_shape(app: TestApp) {
        let fault = json!({"api": "dingtalk", "path": "/crm/*", "errcode": 88});
        assert_eq!(app.post_json("/_emulator/faults", &fault).await.status(), 201);
        let reply = Dt::new(&app).await.get("/crm/customer/list").await;
        assert_eq!(keys(&reply), ["errcode", "sub_code", "sub_msg", "errmsg", "request_id"], "{reply}");
        assert_eq!(reply["errcode"], 88);
        assert_eq!(reply["sub_code"], "60011");
        assert!(reply["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{reply}");
    }

    async fn an_owned_customers_assign_time_may_change_and_an_unowned_ones_is_a_guess(app: TestApp) {
        let lenient = Oa::new_account(&app, "4000", &["pool"]).await;
        let owned = lenient.add(json!({"customerName": "c", "owner": "e1"})).await;
        let moved = lenient.post("/openapi/crm/update", &json!({"_id": owned["_id"], "assignTime": "2024-11-14 09:46:17"})).await;
        assert_eq!(moved.data()["assignTime"], "2024-11-14 09:46:17", "an owned customer's assignTime may change");
        assert!(moved.warnings().is_empty(), "{:?}", moved.warnings());
        let strict = Oa::new_strict(&app, "4001", &[]).await;
        strict.post("/openapi/crm/add", &json!({"customerName": "a", "assignTime": "2024-11-14 09:46:17"})).await
            .assert_refused(400, "openapi.assign-time.owner", &["`assignTime`", "no owner"]);
    }

    async fn the_email_field_is_validated_like_an_email_custom_field(app: TestApp) {
        let strict = Oa::strict(&app).await;
        strict.post("/openapi/crm/add", &json!({"customerName": "a", "email": [{"value": "nobody"}]})).await
            .assert_refused(400, "openapi.value.format", &["`email[0].value` must be an email address"]);
        let added = strict.add(json!({"customerName": "a", "email": [{"value": "a@b.cn"}]})).await;
        assert_eq!(added["email"], json!([{"value": "a@b.cn"}]));
    }
}
