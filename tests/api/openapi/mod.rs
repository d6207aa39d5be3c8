//! The OpenAPI-style CRM (`docs/openapi.md`), through signed HTTP requests. `Oa` signs each
//! request as a real client would: a fresh nonce, the emulator clock's timestamp.

mod auth;
mod concurrency;
mod customers;
mod envelope;
mod field_list;
mod indexes;
mod isolation;
mod list;
mod scale;
mod search;
mod signed_add;
mod values;

use crm_emulator::{
    signature,
    store::{
        openapi::{Account, NewAccount},
        openapi::{CustomField, FieldType, NewCustomField},
        tenants::{Mode, DEFAULT_ACCOUNT_SECRET, DEFAULT_APPID},
    },
};
use serde_json::{json, Value};

use crate::helpers::*;

/// A signed client for one account of `app`.
pub struct Oa<'a> {
    pub app: &'a TestApp,
    pub account: Account,
    pub secret: String,
}

/// An answer: HTTP status, headers and JSON body.
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// `data` of a success envelope (panics with the body otherwise).
    pub fn data(&self) -> &Value {
        assert_eq!(self.status, 200, "{}", self.body);
        assert_eq!(self.body["success"], true, "{}", self.body);
        assert_eq!(self.body["code"], "200", "{}", self.body);
        &self.body["data"]
    }

    /// Asserts a refusal by the rule `rule` (the `x-emulator-rule` header): an error
    /// envelope with `status` whose message contains every needle.
    pub fn assert_refused(&self, status: u16, rule: &str, needles: &[&str]) {
        self.assert_error(status, needles);
        let header = self.headers.get("x-emulator-rule");
        let header = header.and_then(|h| h.to_str().ok());
        assert_eq!(header, Some(rule), "{}", self.body);
    }

    /// The `x-emulator-warning` headers, as sent.
    pub fn warnings(&self) -> Vec<String> {
        self.headers
            .get_all("x-emulator-warning")
            .iter()
            .map(|h| h.to_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Asserts an error envelope with `status` whose message contains every needle.
    pub fn assert_error(&self, status: u16, needles: &[&str]) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.body["success"], false, "{}", self.body);
        assert_eq!(self.body["code"], status.to_string(), "{}", self.body);
        assert!(self.body["data"].is_null(), "{}", self.body);
        let message = self.body["message"].as_str().unwrap_or_default();
        for needle in needles {
            assert!(
                message.contains(needle),
                "expected {needle:?} in {message:?}"
            );
        }
    }
}

/// The four authentication headers for `appid`/`secret` at the emulator's now.
pub fn signed_headers(app: &TestApp, appid: &str, secret: &str) -> Vec<(&'static str, String)> {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    signed_with_nonce(app, appid, secret, &nonce)
}

/// The four authentication headers with this `nonce`, signed at the emulator's now.
pub fn signed_with_nonce(
    app: &TestApp,
    appid: &str,
    secret: &str,
    nonce: &str,
) -> Vec<(&'static str, String)> {
    let timestamp = app.state.clock.now_secs().to_string();
    let sig = signature::sign(secret, appid, nonce, &timestamp);
    vec![
        ("appid", appid.to_owned()),
        ("nonce", nonce.to_owned()),
        ("timestamp", timestamp),
        ("signature", sig),
    ]
}

/// `headers` with `name` set to `value`.
pub fn with(
    headers: &[(&'static str, String)],
    name: &str,
    value: &str,
) -> Vec<(&'static str, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            (
                *n,
                if *n == name {
                    value.to_owned()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

/// `headers` without `name`.
pub fn without(headers: &[(&'static str, String)], name: &str) -> Vec<(&'static str, String)> {
    headers
        .iter()
        .filter(|(n, _)| *n != name)
        .cloned()
        .collect()
}

/// A request body as sent.
pub enum Body<'a> {
    None,
    Json(&'a Value),
    /// Bytes with this Content-Type (`None`: no header).
    Raw(Option<&'a str>, Vec<u8>),
}

/// Sends `method path` with `headers` and `body`, and reads the JSON answer.
pub async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, String)],
    body: Body<'_>,
) -> Reply {
    let mut request = app.client.request(method, app.url(path));
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    request = match body {
        Body::None => request,
        Body::Json(json) => request.json(json),
        Body::Raw(Some(content_type), bytes) => {
            request.header("content-type", content_type).body(bytes)
        }
        Body::Raw(None, bytes) => request.body(bytes),
    };
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Reply {
        status,
        headers,
        body: json_of(response).await,
    }
}

/// Sends a request with exactly `headers` and an optional JSON body.
pub async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, String)],
    body: Option<&Value>,
) -> Reply {
    call(
        app,
        method,
        path,
        headers,
        body.map_or(Body::None, Body::Json),
    )
    .await
}

impl<'a> Oa<'a> {
    /// The well-known default account (appid 1090).
    pub async fn default(app: &'a TestApp) -> Oa<'a> {
        Oa::existing(app, DEFAULT_APPID, DEFAULT_ACCOUNT_SECRET).await
    }

    /// A client for an account that exists already, signing with `secret`.
    pub async fn existing(app: &'a TestApp, appid: &str, secret: &str) -> Oa<'a> {
        let account = app
            .state
            .store
            .openapi()
            .account_by_appid(appid)
            .await
            .unwrap()
            .unwrap();
        Oa {
            app,
            account,
            secret: secret.into(),
        }
    }

    /// The well-known default account, made strict (every rule refuses,
    /// docs/rules.md#strict-and-lenient).
    pub async fn strict(app: &'a TestApp) -> Oa<'a> {
        let path = format!("/_emulator/openapi/accounts/{DEFAULT_APPID}");
        let response = app
            .client
            .patch(app.url(&path))
            .json(&json!({"mode": "strict"}))
            .send()
            .await
            .expect("PATCH account");
        assert_eq!(response.status(), 200);
        Oa::default(app).await
    }

    /// A new account with these open seas, in the `--default-mode` (lenient in tests).
    pub async fn new_account(app: &'a TestApp, appid: &str, open_seas: &[&str]) -> Oa<'a> {
        Oa::new_account_in(app, appid, open_seas, app.state.config.default_mode).await
    }

    /// A new strict account with these open seas.
    pub async fn new_strict(app: &'a TestApp, appid: &str, open_seas: &[&str]) -> Oa<'a> {
        Oa::new_account_in(app, appid, open_seas, Mode::Strict).await
    }

    async fn new_account_in(
        app: &'a TestApp,
        appid: &str,
        open_seas: &[&str],
        mode: Mode,
    ) -> Oa<'a> {
        let new = NewAccount {
            appid: appid.into(),
            secret: format!("secret-of-{appid}"),
            open_sea_ids: open_seas.iter().map(|s| (*s).to_owned()).collect(),
            mode,
            customer_sources: None,
        };
        let account = app
            .state
            .store
            .openapi()
            .create_account(&new, app.state.clock.now_ms())
            .await
            .unwrap();
        Oa {
            app,
            account,
            secret: new.secret,
        }
    }

    pub fn headers(&self) -> Vec<(&'static str, String)> {
        signed_headers(self.app, &self.account.appid, &self.secret)
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        send(
            self.app,
            reqwest::Method::POST,
            path,
            &self.headers(),
            Some(body),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        send(self.app, reqwest::Method::GET, path, &self.headers(), None).await
    }

    /// Adds a customer and returns the stored record.
    pub async fn add(&self, body: Value) -> Value {
        self.post("/openapi/crm/add", &body).await.data().clone()
    }

    /// Lists with `body` and returns `data`.
    pub async fn list(&self, body: Value) -> Value {
        self.post("/openapi/crm/list", &body).await.data().clone()
    }

    /// The customer names a search finds (the page the request asks for).
    pub async fn names(&self, body: Value) -> Vec<String> {
        let data = self.list(body).await;
        data["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["customerName"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The names matching one condition, sorted (up to 100).
    pub async fn matching(&self, field: &str, operator: &str, value: Value) -> Vec<String> {
        let search = json!({"limit": 100, "search": [{"field": field, "operator": operator, "value": value}]});
        let mut names = self.names(search).await;
        names.sort();
        names
    }

    /// Creates a custom field on this account directly in the store, and clears the
    /// field cache as the control plane does.
    pub async fn custom_field(&self, def: NewCustomField) -> CustomField {
        let valid = def.validate().expect("a valid field definition");
        let field = self
            .app
            .state
            .store
            .openapi()
            .create_custom_field(self.account.id, valid, self.app.state.clock.now_ms())
            .await
            .unwrap();
        field
    }

    /// A custom field of `field_type` with id `id` (choices/options as given).
    pub async fn field(&self, id: &str, field_type: FieldType) -> CustomField {
        self.custom_field(NewCustomField {
            field: Some(id.into()),
            name: format!("{id} name"),
            field_type: Some(field_type),
            ..Default::default()
        })
        .await
    }
}

/// Sorted owned names, for comparing with [`Oa::matching`].
pub fn names(list: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
    names.sort();
    names
}

/// Asserts that a wire time is the emulator's now (within two seconds).
pub fn assert_now(app: &TestApp, time: &Value) {
    let ms = app
        .state
        .clock
        .parse(time.as_str().unwrap_or_default())
        .unwrap_or_else(|| panic!("not a time: {time}"));
    assert!(
        (app.state.clock.now_ms() - ms).abs() <= 2_000,
        "{time} is not now"
    );
}
