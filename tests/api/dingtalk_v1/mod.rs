//! DingTalk v1.0 (docs/dingtalk-v1.md): every operation, its errors and their order,
//! the answers' shapes, paging, and interop with the old API on the same store.

mod contacts;
mod customers;
mod envelope;
mod export;
mod interop;
mod paging;
mod token;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
pub use crate::openapi::{call, Body, Reply};

pub const APP_KEY: &str = "dingemulatorkey";
pub const APP_SECRET: &str = "emulator-secret";

/// A v1.0 client of one corp: its token, sent in `x-acs-dingtalk-access-token`.
pub struct V1<'a> {
    pub app: &'a TestApp,
    pub token: String,
}

impl<'a> V1<'a> {
    /// A client of the well-known corp.
    pub async fn new(app: &'a TestApp) -> V1<'a> {
        V1::of(app, APP_KEY, APP_SECRET).await
    }

    /// A client of the corp with this app key and secret.
    pub async fn of(app: &'a TestApp, app_key: &str, app_secret: &str) -> V1<'a> {
        let body = json!({"appKey": app_key, "appSecret": app_secret});
        let reply = call(
            app,
            Method::POST,
            "/v1.0/oauth2/accessToken",
            &[],
            Body::Json(&body),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let token = reply.body["accessToken"]
            .as_str()
            .expect("accessToken")
            .to_owned();
        V1 { app, token }
    }

    /// Sends `method path` with the token and `body`.
    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        let headers = [("x-acs-dingtalk-access-token", self.token.clone())];
        let body = body.map_or(Body::None, Body::Json);
        call(self.app, method, path, &headers, body).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None).await
    }

    /// AddCrmPersonalCustomer with `data`, by `user`; the new id.
    pub async fn add_customer(&self, data: Value, user: &str) -> String {
        let body = json!({"creatorUserId": user, "data": data, "skipDuplicateCheck": true});
        let reply = self.post("/v1.0/crm/personalCustomers", &body).await;
        ok(&reply)["instanceId"]
            .as_str()
            .expect("instanceId")
            .to_owned()
    }

    /// The customer `id` as ListCrmPersonalCustomers shows it (`None`: not found).
    pub async fn customer(&self, id: &str) -> Option<Value> {
        let reply = self
            .post("/v1.0/crm/personalCustomers/batchQuery", &json!([id]))
            .await;
        ok(&reply)["result"]
            .as_array()
            .expect("result")
            .first()
            .cloned()
    }
}

/// The body of a success, which carries none of the error format's keys.
pub fn ok(reply: &Reply) -> &Value {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.get("requestid").is_none(), "{}", reply.body);
    &reply.body
}

/// Asserts an error: the status, the code, `requestid` equal to the `x-acs-request-id`
/// header, and a message naming `needle`.
pub fn assert_error(reply: &Reply, status: u16, code: &str, needle: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.body["code"], code, "{}", reply.body);
    let header = reply
        .headers
        .get("x-acs-request-id")
        .and_then(|h| h.to_str().ok());
    assert_eq!(reply.body["requestid"].as_str(), header, "{}", reply.body);
    let message = reply.body["message"].as_str().expect("message");
    assert!(message.contains(needle), "{needle:?} not in {message:?}");
}
