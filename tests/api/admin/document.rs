//! `GET /_emulator/openapi.json`: the document describes every route the router serves,
//! and the answers of the running emulator match the schemas it gives.

use reqwest::Method;
use serde_json::{json, Value};

use super::schema::validate;
use crate::both_backends;
use crate::helpers::*;
use crate::openapi::{send, Oa};

/// Every operation `docs/dingtalk.md`, `docs/openapi.md` and `docs/control-plane.md` name,
/// as `METHOD path`.
const DOCUMENTED: &[&str] = &[
    "GET /gettoken",
    "POST /crm/customer/create",
    "POST /crm/customer/update",
    "POST /crm/customer/delete",
    "GET /crm/customer/get",
    "GET /crm/customer/list",
    "POST /crm/contact/create",
    "POST /crm/contact/update",
    "POST /crm/contact/delete",
    "POST /crm/empcustomer/create",
    "POST /crm/empcustomer/delete",
    "POST /v1.0/oauth2/accessToken",
    "POST /v1.0/crm/customers",
    "POST /v1.0/crm/personalCustomers",
    "PUT /v1.0/crm/personalCustomers",
    "GET /v1.0/crm/personalCustomers",
    "DELETE /v1.0/crm/personalCustomers/{dataId}",
    "POST /v1.0/crm/personalCustomers/batchQuery",
    "POST /v1.0/crm/customerInstances",
    "GET /v1.0/crm/personalCustomers/objectMeta",
    "POST /v1.0/crm/customObjects/contacts/datas/query",
    "POST /v1.0/crm/contacts/batch",
    "PUT /v1.0/crm/contacts/batch",
    "POST /v1.0/crm/customers/dataAuth/append",
    "PUT /v1.0/crm/customers/dataAuth/overrideUpdate",
    "POST /openapi/crm/add",
    "POST /openapi/crm/update",
    "POST /openapi/crm/list",
    "POST /openapi/crm/delete",
    "POST /openapi/crm/config/field/list",
    "GET /openapi/crm/{id}",
    "POST /openapi/crm/{id}",
    "GET /openapi/crm/findById/{id}",
    "POST /openapi/crm/findById/{id}",
    "GET /_emulator/health",
    "GET /_emulator/live",
    "GET /_emulator/dingtalk/corps/{corpid}/customers",
    "GET /_emulator/dingtalk/corps/{corpid}/customers/{id}",
    "GET /_emulator/openapi/accounts/{appid}/customers",
    "GET /_emulator/metrics",
    "GET /_emulator/ui",
    "GET /_emulator/ui/",
    "GET /_emulator/ui/{asset}",
    "GET /_emulator/openapi.json",
    "POST /_emulator/dingtalk/corps",
    "GET /_emulator/dingtalk/corps",
    "GET /_emulator/dingtalk/corps/{corpid}",
    "PATCH /_emulator/dingtalk/corps/{corpid}",
    "DELETE /_emulator/dingtalk/corps/{corpid}",
    "POST /_emulator/dingtalk/corps/{corpid}/employees",
    "GET /_emulator/dingtalk/corps/{corpid}/employees",
    "POST /_emulator/openapi/accounts",
    "GET /_emulator/openapi/accounts",
    "GET /_emulator/openapi/accounts/{appid}",
    "PATCH /_emulator/openapi/accounts/{appid}",
    "DELETE /_emulator/openapi/accounts/{appid}",
    "POST /_emulator/openapi/accounts/{appid}/fields",
    "GET /_emulator/openapi/accounts/{appid}/fields",
    "PATCH /_emulator/openapi/accounts/{appid}/fields/{field}",
    "POST /_emulator/reset",
    "GET /_emulator/rules",
    "GET /_emulator/export",
    "POST /_emulator/import",
    "GET /_emulator/requests",
    "DELETE /_emulator/requests",
    "GET /_emulator/instances",
    "GET /_emulator/coverage",
    "POST /_emulator/coverage/reset",
    "POST /_emulator/faults",
    "GET /_emulator/faults",
    "DELETE /_emulator/faults",
    "DELETE /_emulator/faults/{id}",
    "GET /_emulator/clock",
    "POST /_emulator/clock",
];

const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

async fn document(app: &TestApp) -> Value {
    let response = app.get("/_emulator/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    json_of(response).await
}

/// Whether the router itself refused `method` on a path it knows: the app's
/// method-not-allowed fallback, in each surface's envelope.
fn refused_method(path: &str, status: u16, body: &Value) -> bool {
    if path.starts_with("/openapi/") || path.starts_with("/_emulator/") {
        status == 405
    } else if path.starts_with("/v1.0/") {
        // DingTalk v1.0 answers a wrong method as an unknown path, naming the method.
        let message = body["message"].as_str().unwrap_or_default();
        status == 404 && message.contains("does not take")
    } else {
        matches!(body["errcode"].as_i64(), Some(43001 | 43002))
    }
}

/// Whether the app's unknown-path fallback answered.
fn unknown_path(status: u16, body: &Value) -> bool {
    body["errcode"] == 404
        || (status == 404
            && [&body["message"], &body["error"]["message"]]
                .iter()
                .any(|m| {
                    m.as_str().is_some_and(|m| {
                        m.contains("no such control-plane endpoint")
                            || m.contains("no such endpoint")
                            || m.contains("no such operation")
                    })
                }))
}

/// `{corpid}` → `x1`: a value for every path parameter.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|part| if part.starts_with('{') { "x1" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn the_document_describes_every_route_the_router_serves_and_nothing_else() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();

    let mut documented = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            let key = method.as_str().to_ascii_lowercase();
            let described = item.get(&key).is_some();
            if described {
                documented.push(format!("{method} {path}"));
            }
            // The router's own answer tells whether it serves this method here.
            let response = app
                .client
                .request(method.clone(), app.url(&concrete(path)))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let served = !refused_method(path, status, &body) && !unknown_path(status, &body);
            assert_eq!(
                served, described,
                "{method} {path}: served {served}, documented {described} ({status} {text})"
            );
        }
    }
    for operation in DOCUMENTED {
        assert!(
            documented.iter().any(|d| d == operation),
            "{operation} is not documented"
        );
    }
    assert_eq!(
        documented.len(),
        DOCUMENTED.len(),
        "documented: {documented:?}"
    );
}

#[tokio::test]
async fn every_operation_names_its_auth_and_its_answers() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = document(&app).await;
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    for name in [
        "adminToken",
        "accessToken",
        "appid",
        "nonce",
        "timestamp",
        "signature",
        "dingtalkV1Token",
    ] {
        assert!(schemes.contains_key(name), "no security scheme {name}");
    }
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "operationId {id} repeats");
            let mut security: Vec<String> = operation["security"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .flat_map(|r| r.as_object().unwrap().keys().cloned())
                        .collect()
                })
                .unwrap_or_default();
            security.sort();
            // The console's files hold no data (docs/control-plane.md#access): open like health.
            let open = path == "/gettoken"
                || path == "/v1.0/oauth2/accessToken"
                || path == "/_emulator/health"
                || path == "/_emulator/live"
                || path.starts_with("/_emulator/ui");
            let expected: &[&str] = if open {
                &[]
            } else if path.starts_with("/crm/") {
                &["accessToken"]
            } else if path.starts_with("/openapi/") {
                &["appid", "nonce", "signature", "timestamp"]
            } else if path.starts_with("/v1.0/crm/") {
                &["dingtalkV1Token"]
            } else {
                &["adminToken"]
            };
            assert_eq!(security, expected, "{method} {path}");
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses
                    .keys()
                    .any(|s| s.starts_with('2') || s.starts_with('3')),
                "{method} {path} has no success (or redirect) answer"
            );
            let errors: &[&str] = if path.starts_with("/openapi/") {
                &["400", "401", "500", "503"]
            } else if path.starts_with("/v1.0/") {
                &["400", "500", "503"]
            } else {
                &[]
            };
            for status in errors {
                assert!(
                    responses.contains_key(*status),
                    "{method} {path} lacks {status}"
                );
            }
        }
    }
}

both_backends! {
    async fn live_answers_match_the_documented_schemas(app: TestApp) {
        let doc = document(&app).await;
        let check = |method: &str, path: &str, status: u16, body: &Value| {
            let schema = &doc["paths"][path][method]["responses"][status.to_string()]["content"]
                ["application/json"]["schema"];
            assert!(!schema.is_null(), "{method} {path} documents no {status} answer");
            if let Err(fault) = validate(&doc, schema, body, "$") {
                panic!("{method} {path} {status}: {fault}\n{body}");
            }
        };

        // DingTalk: a token, a customer with a contact, its detail, the list, an error.
        let token = json_of(app.get("/gettoken?corpid=dingemulator&corpsecret=emulator-secret").await).await;
        check("get", "/gettoken", 200, &token);
        let token = token["access_token"].as_str().unwrap().to_owned();
        let created = json_of(app.post_json(
            &format!("/crm/customer/create?access_token={token}&user_id=u1"),
            &json!({"customer": {"name": "N", "address": "A", "description": "D", "telephone": "1"},
                    "contacts": [{"name": "C", "mobile": "2", "attached": "x"}], "create_by": "u1"}),
        ).await).await;
        check("post", "/crm/customer/create", 200, &created);
        let id = created["customerid"].as_str().unwrap();
        for (path, query) in [
            ("/crm/customer/get", format!("id={id}")),
            ("/crm/customer/get", String::new()),
            ("/crm/customer/list", "size=5".to_owned()),
        ] {
            let body = json_of(app.get(&format!("{path}?access_token={token}&{query}")).await).await;
            assert_eq!(body["errcode"], 0, "{body}");
            check("get", path, 200, &body);
        }
        let failed = json_of(app.post_json(&format!("/crm/customer/update?access_token={token}&user_id=u1"), &json!({})).await).await;
        assert_eq!(failed["errcode"], 40035, "{failed}");
        check("post", "/crm/customer/update", 200, &failed);

        // OpenAPI: a record with a custom value, the list, the fields, an error.
        let oa = Oa::default(&app).await;
        let field = json_of(app.post_json("/_emulator/openapi/accounts/1090/fields", &json!({"name": "City", "type": "text"})).await).await;
        check("post", "/_emulator/openapi/accounts/{appid}/fields", 201, &field);
        let field_id = field["field"].as_str().unwrap();
        let added = oa.post("/openapi/crm/add", &json!({"customerName": "X", "mobile": [{"value": "1", "memo": "m"}], field_id: "Hangzhou"})).await;
        check("post", "/openapi/crm/add", 200, &added.body);
        let listed = oa.post("/openapi/crm/list", &json!({"limit": 5})).await;
        check("post", "/openapi/crm/list", 200, &listed.body);
        let fields = oa.post("/openapi/crm/config/field/list", &json!({})).await;
        check("post", "/openapi/crm/config/field/list", 200, &fields.body);
        let missing = oa.get("/openapi/crm/123").await;
        check("get", "/openapi/crm/{id}", 404, &missing.body);
        let unsigned = send(&app, Method::POST, "/openapi/crm/list", &[], Some(&json!({}))).await;
        check("post", "/openapi/crm/list", 401, &unsigned.body);

        // Control plane: tenants, the journal, faults, the clock, export, an error.
        for (path, status) in [
            ("/_emulator/dingtalk/corps", 200),
            ("/_emulator/dingtalk/corps/dingemulator", 200),
            ("/_emulator/dingtalk/corps/dingemulator/employees", 200),
            ("/_emulator/openapi/accounts", 200),
            ("/_emulator/requests", 200),
            ("/_emulator/clock", 200),
            ("/_emulator/export", 200),
            ("/_emulator/health", 200),
            ("/_emulator/live", 200),
            ("/_emulator/dingtalk/corps/nobody", 404),
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), status, "{path}");
            let body = json_of(response).await;
            let template = path
                .replace("/corps/dingemulator", "/corps/{corpid}")
                .replace("/corps/nobody", "/corps/{corpid}");
            check("get", &template, status, &body);
        }
        let fault = json_of(app.post_json("/_emulator/faults", &json!({"api": "dingtalk", "errcode": 45009, "times": 1})).await).await;
        check("post", "/_emulator/faults", 201, &fault);
    }
}
