//! Integration coverage (docs/coverage.md): what the three APIs answered each tenant,
//! per operation, against the catalogue of what a client should be ready for.

mod command;
mod howto;
mod report;
mod shared;

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    helpers::*,
    openapi::{send, signed_headers, with},
};

/// A fresh corp `corpid` (its secret and app secret `s-<corpid>`, its app key
/// `k-<corpid>`), in `mode`, with an optional rate limit.
pub async fn corp(app: &TestApp, corpid: &str, mode: &str, rate_limit: Option<i64>) {
    let mut body = json!({"corpid": corpid, "corpsecret": format!("s-{corpid}"),
        "appkey": format!("k-{corpid}"), "appsecret": format!("s-{corpid}"), "mode": mode});
    if let Some(limit) = rate_limit {
        body["rateLimitPerMinute"] = json!(limit);
    }
    let response = app.post_json("/_emulator/dingtalk/corps", &body).await;
    assert_eq!(response.status(), 201, "create corp {corpid}");
}

/// A fresh account `appid` with secret `s-<appid>`.
pub async fn account(app: &TestApp, appid: &str) {
    let body = json!({"appid": appid, "secret": format!("s-{appid}")});
    let response = app.post_json("/_emulator/openapi/accounts", &body).await;
    assert_eq!(response.status(), 201, "create account {appid}");
}

/// The token of `corpid` (made by [`corp`]).
pub async fn token(app: &TestApp, corpid: &str) -> String {
    let body = app
        .get_json(&format!("/gettoken?corpid={corpid}&corpsecret=s-{corpid}"))
        .await;
    body["access_token"].as_str().expect("a token").to_owned()
}

/// A signed OpenAPI call of `appid` (made by [`account`]); the HTTP status.
pub async fn signed(app: &TestApp, appid: &str, method: Method, path: &str, body: Value) -> u16 {
    let headers = signed_headers(app, appid, &format!("s-{appid}"));
    send(app, method, path, &headers, Some(&body)).await.status
}

/// The same, with a signature that does not verify.
pub async fn badly_signed(app: &TestApp, appid: &str, path: &str) -> u16 {
    let headers = signed_headers(app, appid, &format!("s-{appid}"));
    let headers = with(&headers, "signature", "AAAA");
    send(app, Method::POST, path, &headers, Some(&json!({})))
        .await
        .status
}

/// A v1.0 call with `token`; the HTTP status.
pub async fn v1(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> u16 {
    let mut request = app
        .client
        .request(method, app.url(path))
        .header("x-acs-dingtalk-access-token", token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("v1.0 call").status().as_u16()
}

/// `GET /_emulator/coverage` with `query`.
pub async fn report(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/_emulator/coverage{query}")).await;
    assert_eq!(response.status(), 200, "GET /_emulator/coverage{query}");
    json_of(response).await
}

/// The report's entry of `operation` for `tenant` (`None`: the calls of no tenant).
pub fn entry<'a>(report: &'a Value, tenant: Option<&str>, operation: &str) -> &'a Value {
    let entries = report["operations"].as_array().expect("operations");
    entries
        .iter()
        .find(|e| e["operation"] == operation && e["tenant"].as_str() == tenant)
        .unwrap_or_else(|| panic!("no entry of {operation} for {tenant:?} in {report:#}"))
}

/// An entry's counted outcomes as (outcome, count, injected), in its order.
pub fn counted(entry: &Value) -> Vec<(String, i64, i64)> {
    let outcomes = entry["outcomes"].as_array().expect("outcomes");
    outcomes
        .iter()
        .map(|o| {
            let outcome = o["outcome"].as_str().expect("outcome").to_owned();
            let count = o["count"].as_i64().expect("count");
            (outcome, count, o["injected"].as_i64().expect("injected"))
        })
        .collect()
}

/// An entry's missing outcomes, sorted.
pub fn missing(entry: &Value) -> Vec<String> {
    let missing = entry["missing"].as_array().expect("missing");
    let mut missing: Vec<String> = missing
        .iter()
        .map(|m| m["outcome"].as_str().expect("outcome").to_owned())
        .collect();
    missing.sort();
    missing
}

/// `outcomes`, as owned strings, sorted.
pub fn sorted(outcomes: &[&str]) -> Vec<String> {
    let mut outcomes: Vec<String> = outcomes.iter().map(|o| (*o).to_owned()).collect();
    outcomes.sort();
    outcomes
}

/// The missing outcome `outcome` of an entry, with its `why` and `howTo`.
pub fn missing_one<'a>(entry: &'a Value, outcome: &str) -> &'a Value {
    let missing = entry["missing"].as_array().expect("missing");
    missing
        .iter()
        .find(|m| m["outcome"] == outcome)
        .unwrap_or_else(|| panic!("{outcome} is not missing from {entry:#}"))
}
