//! The DingTalk-style API (`docs/dingtalk.md`): every endpoint of the seed, its errors, corp modes,
//! rate limits, tenancy, and the token handling real clients rely on.

mod auth;
mod contact;
mod customer_create;
mod customer_read;
mod customer_write;
mod empcustomer;
mod envelope;
mod modes;
mod tenancy;
mod token;

use serde_json::{json, Value};

use crate::helpers::*;
use crm_emulator::store::{
    dingtalk::{Corp, NewCorp},
    tenants::{Mode, DEFAULT_CORPID},
};

pub const CORPID: &str = DEFAULT_CORPID;
pub const SECRET: &str = "emulator-secret";

/// A client of one corp: its token, and calls that add it to the query.
pub struct Dt<'a> {
    pub app: &'a TestApp,
    pub token: String,
}

impl<'a> Dt<'a> {
    /// A client of the well-known default corp.
    pub async fn new(app: &'a TestApp) -> Dt<'a> {
        Dt::of(app, CORPID, SECRET).await
    }

    /// A client of the default corp made strict (every rule refuses,
    /// docs/rules.md#strict-and-lenient), with `employees` in its directory.
    pub async fn strict(app: &'a TestApp, employees: &[&str]) -> Dt<'a> {
        for userid in employees {
            let path = format!("/_emulator/dingtalk/corps/{CORPID}/employees");
            let response = app.post_json(&path, &json!({ "userid": userid })).await;
            assert_eq!(response.status(), 201, "add employee {userid}");
        }
        set_default_corp(app, Mode::Strict, None).await;
        Dt::new(app).await
    }

    /// A client of the corp with these credentials.
    pub async fn of(app: &'a TestApp, corpid: &str, secret: &str) -> Dt<'a> {
        let body = raw_get(
            app,
            &format!("/gettoken?corpid={corpid}&corpsecret={secret}"),
        )
        .await;
        assert_eq!(body["errcode"], 0, "{body}");
        let token = body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned();
        Dt { app, token }
    }

    /// `path` (with or without a query) plus `access_token`.
    pub fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}access_token={}", self.token)
    }

    pub async fn get(&self, path: &str) -> Value {
        raw_get(self.app, &self.url(path)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Value {
        raw_post(self.app, &self.url(path), body).await
    }

    /// Creates a customer named `name` with one contact, followed by `user`; returns its id.
    pub async fn create_customer(&self, name: &str, user: &str) -> String {
        let mut body = seed_create_body();
        body["customer"][0]["name"] = json!(name);
        body["userIds"] = json!([]);
        let created = self
            .post(&format!("/crm/customer/create?user_id={user}"), &body)
            .await;
        assert_ok(&created);
        created["customerid"]
            .as_str()
            .expect("customerid")
            .to_owned()
    }

    /// `GET /crm/customer/get?id=`, asserting success.
    pub async fn customer(&self, id: &str) -> Value {
        let body = self.get(&format!("/crm/customer/get?id={id}")).await;
        assert_ok(&body);
        body
    }
}

/// GET `path` as is; asserts HTTP 200 (business errors never change the status).
pub async fn raw_get(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    json_of(response).await
}

/// POST `body` as JSON to `path` as is; asserts HTTP 200.
pub async fn raw_post(app: &TestApp, path: &str, body: &Value) -> Value {
    let response = app.post_json(path, body).await;
    assert_eq!(response.status(), 200, "POST {path}");
    json_of(response).await
}

pub fn assert_ok(body: &Value) {
    assert_eq!(body["errcode"], 0, "expected success, got {body}");
    assert_eq!(body["errmsg"], "ok");
}

/// Asserts the errcode and that errmsg names `needle` (a field, id or header).
pub fn assert_err(body: &Value, errcode: i64, needle: &str) {
    assert_eq!(body["errcode"], errcode, "{body}");
    let errmsg = body["errmsg"].as_str().expect("errmsg is a string");
    assert!(errmsg.contains(needle), "expected {needle:?} in {errmsg:?}");
}

/// The keys of a JSON object, in order.
pub fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

/// The seed's 员工新增客户信息 example body, verbatim.
pub fn seed_create_body() -> Value {
    json!({
        "customer": [{"name": "姓名", "address": "地址", "description": "描述", "telephone": "电话"}],
        "contacts": [{"name": "姓名", "mobile": "手机", "attached": "备注"}],
        "userIds": ["USER_ID", "USER_ID"],
        "create_by": "创建时间"
    })
}

/// Creates another corp (lenient, no rate limit).
pub async fn other_corp(app: &TestApp, corpid: &str) -> Corp {
    let corp = NewCorp {
        corpid: corpid.into(),
        corpsecret: SECRET.into(),
        appkey: None,
        appsecret: None,
        mode: Mode::Lenient,
        rate_limit_per_minute: None,
    };
    app.state
        .store
        .dingtalk()
        .create_corp(&corp, app.state.clock.now_ms())
        .await
        .expect("create corp")
}

/// Sets the default corp's mode and rate limit through the control plane.
pub async fn set_default_corp(app: &TestApp, mode: Mode, rate_limit: Option<i64>) {
    let body = serde_json::json!({ "mode": mode, "rateLimitPerMinute": rate_limit });
    let response = app
        .client
        .patch(app.url(&format!("/_emulator/dingtalk/corps/{CORPID}")))
        .json(&body)
        .send()
        .await
        .expect("PATCH corp");
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
}
