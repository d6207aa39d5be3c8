//! Issue 11, item 1: a NUL character (`\u0000`, `%00`) in any string. Postgres refused
//! to store it (500 / errcode -1) where SQLite stored it; both now refuse it, naming the
//! field, in the owning API's envelope, and store nothing.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both_backends,
    dingtalk::{assert_err, seed_create_body, Dt, CORPID, SECRET},
    helpers::*,
    openapi::{call, Body, Oa, Reply},
};

const NUL: &str = "dingtalk.text.nul";

/// A DingTalk refusal by `dingtalk.text.nul` naming `field`.
fn assert_nul(reply: &Reply, field: &str) {
    assert_err(
        &reply.body,
        40035,
        &format!("{field} holds a NUL character"),
    );
    assert_eq!(reply.headers["x-emulator-rule"], NUL, "{}", reply.body);
}

async fn dt_call(app: &TestApp, method: Method, path: &str, body: Body<'_>) -> Reply {
    call(app, method, path, &[], body).await
}

both_backends! {
    async fn openapi_refuses_a_nul_character_in_any_string_of_the_body(app: TestApp) {
        let oa = Oa::default(&app).await;
        let refused = |body: Value, path: &'static str| {
            let oa = &oa;
            async move {
                let reply = oa.post(path, &body).await;
                reply.assert_refused(400, "openapi.text.nul", &["holds a NUL character"]);
                reply
            }
        };
        let reply = refused(json!({"customerName": "a\u{0}"}), "/openapi/crm/add").await;
        reply.assert_error(400, &["`customerName`"]);
        let reply = refused(
            json!({"customerName": "a", "mobile": [{"value": "1380000\u{0}"}]}),
            "/openapi/crm/add",
        )
        .await;
        reply.assert_error(400, &["`mobile[0].value`"]);
        let id = oa.add(json!({"customerName": "kept"})).await["_id"].clone();
        let reply = refused(json!({"_id": id, "visitorId": "\u{0}"}), "/openapi/crm/update").await;
        reply.assert_error(400, &["`visitorId`"]);
        let search = json!({"search": [
            {"field": "customerName", "operator": "eq", "value": ["kept"]},
            {"field": "mobile", "operator": "in", "value": ["1", "\u{0}"]},
        ]});
        let reply = refused(search, "/openapi/crm/list").await;
        reply.assert_error(400, &["`search[1].value[1]`"]);
        let data = oa.list(json!({})).await;
        assert_eq!(data["count"], 1, "only the customer without NUL: {data}");
        assert_eq!(data["list"][0]["customerName"], "kept");
        assert!(data["list"][0].get("visitorId").is_none(), "{data}");
    }

    async fn dingtalk_refuses_a_nul_character_in_the_body_the_form_and_the_query(app: TestApp) {
        let dt = Dt::new(&app).await;
        let mut body = seed_create_body();
        body["customer"][0]["name"] = json!("姓\u{0}名");
        let create = dt.url("/crm/customer/create?user_id=li");
        assert_nul(&dt_call(&app, Method::POST, &create, Body::Json(&body)).await, "customer[0].name");
        let mut body = seed_create_body();
        body["userIds"] = json!(["a", "\u{0}"]);
        assert_nul(&dt_call(&app, Method::POST, &create, Body::Json(&body)).await, "userIds[1]");

        let anonymous = dt.url("/crm/customer/create?user_id=%00");
        let reply = dt_call(&app, Method::POST, &anonymous, Body::Json(&seed_create_body())).await;
        assert_nul(&reply, "user_id");
        let relation = json!({"customerId": "1", "userId": "\u{0}", "create_by": "x"});
        let path = dt.url("/crm/empcustomer/create");
        assert_nul(&dt_call(&app, Method::POST, &path, Body::Json(&relation)).await, "userId");
        let form = Body::Raw(Some("application/x-www-form-urlencoded"), b"id%5B%5D=1&id%5B%5D=%00".to_vec());
        let delete = dt.url("/crm/customer/delete?user_id=li");
        assert_nul(&dt_call(&app, Method::POST, &delete, form).await, "id[][1]");

        let token = format!("/gettoken?corpid={CORPID}%00&corpsecret={SECRET}");
        assert_nul(&dt_call(&app, Method::GET, &token, Body::None).await, "corpid");
        let list = dt_call(&app, Method::GET, "/crm/customer/list?access_token=%00", Body::None).await;
        assert_nul(&list, "access_token");

        let all = dt.get("/crm/customer/list").await;
        assert_eq!(all["customerlist"], json!([]), "nothing was stored: {all}");
        let employees = app.get_json(&format!("/_emulator/dingtalk/corps/{CORPID}/employees")).await;
        assert!(!employees.to_string().contains("\\u0000"), "nobody registered: {employees}");
    }

    async fn the_control_plane_refuses_a_nul_character_with_400(app: TestApp) {
        let corp = json!({"corpid": "a\u{0}", "corpsecret": "s"});
        let response = app.post_json("/_emulator/dingtalk/corps", &corp).await;
        assert_eq!(response.status(), 400);
        let body = json_of(response).await;
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("corpid holds a NUL character"), "{body}");
    }
}
