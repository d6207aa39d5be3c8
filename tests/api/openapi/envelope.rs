//! The envelope (`docs/openapi.md#envelope`) on real endpoints: success and error shapes,
//! trace ids, 404/405 from the router, 400 for malformed or ill-typed bodies, 413 for big
//! ones.

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::both_backends;

both_backends! {
    async fn a_success_envelope_has_the_seed_keys_in_order_and_a_trace_id(app: TestApp) {
        let oa = Oa::default(&app).await;
        let reply = oa.post("/openapi/crm/list", &json!({})).await;
        let keys: Vec<&str> = reply.body.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["success", "message", "code", "data", "traceId"]);
        assert_eq!(reply.body["message"], "200 ok!");
        let trace = reply.headers["x-trace-id"].to_str().unwrap();
        assert!(!trace.is_empty());
        assert_eq!(reply.body["traceId"], trace);
        let other = oa.post("/openapi/crm/list", &json!({})).await;
        assert_ne!(other.body["traceId"], reply.body["traceId"], "trace ids are per request");
    }

    async fn error_envelopes_carry_the_trace_id_too(app: TestApp) {
        let reply = send(&app, Method::POST, "/openapi/crm/list", &[], Some(&json!({}))).await;
        reply.assert_error(401, &["missing header"]);
        let keys: Vec<&str> = reply.body.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["success", "message", "code", "data", "traceId"]);
        assert_eq!(reply.body["traceId"], reply.headers["x-trace-id"].to_str().unwrap());
    }

    async fn malformed_json_is_a_400_on_every_body_endpoint(app: TestApp) {
        let oa = Oa::default(&app).await;
        for path in ["/openapi/crm/add", "/openapi/crm/update", "/openapi/crm/list", "/openapi/crm/delete", "/openapi/crm/config/field/list", "/openapi/crm/findById/1"] {
            let response = oa.app.client.post(app.url(path)).headers(header_map(&oa.headers()))
                .header("content-type", "application/json").body("{oops").send().await.unwrap();
            assert_eq!(response.status(), 400, "{path}");
            let body = json_of(response).await;
            assert_eq!(body["code"], "400");
            assert!(body["message"].as_str().unwrap().contains("malformed JSON"), "{path}: {body}");
        }
    }

    async fn an_empty_body_is_a_400_where_a_body_is_needed(app: TestApp) {
        let oa = Oa::default(&app).await;
        for path in ["/openapi/crm/add", "/openapi/crm/update", "/openapi/crm/delete"] {
            let reply = send(&app, Method::POST, path, &oa.headers(), None).await;
            reply.assert_error(400, &["request body is empty"]);
        }
        let list = send(&app, Method::POST, "/openapi/crm/list", &oa.headers(), None).await;
        assert_eq!(list.data()["count"], 0, "list's keys are all optional");
    }

    async fn an_ill_typed_key_is_a_400_naming_it(app: TestApp) {
        let oa = Oa::default(&app).await;
        oa.post("/openapi/crm/list", &json!({"limit": "ten"})).await.assert_error(400, &["`limit`"]);
        oa.post("/openapi/crm/add", &json!(["not", "an", "object"])).await.assert_error(400, &["invalid request body"]);
        oa.post("/openapi/crm/list", &json!({"search": [{"field": "owner", "operator": "eq", "value": "x"}]})).await
            .assert_error(400, &["search[0].value"]);
    }

    async fn a_body_over_the_limit_is_a_413(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.max_body_bytes = 1024).await;
        let oa = Oa::default(&app).await;
        let reply = oa.post("/openapi/crm/add", &json!({"customerName": "x".repeat(2000)})).await;
        reply.assert_error(413, &["size limit"]);
        assert_eq!(oa.list(json!({})).await["count"], 0, "nothing was stored");
    }

    async fn unknown_openapi_paths_are_404s_even_unsigned(app: TestApp) {
        let reply = send(&app, Method::POST, "/openapi/crm/customer/create", &[], Some(&json!({}))).await;
        reply.assert_error(404, &["no such endpoint: /openapi/crm/customer/create"]);
        let reply = send(&app, Method::GET, "/openapi/nothing", &[], None).await;
        reply.assert_error(404, &["/openapi/nothing"]);
    }

    async fn a_wrong_method_is_a_405_envelope(app: TestApp) {
        let oa = Oa::default(&app).await;
        let reply = oa.get("/openapi/crm/add").await;
        reply.assert_error(405, &["does not take GET"]);
        let reply = send(&app, Method::DELETE, "/openapi/crm/findById/1", &oa.headers(), None).await;
        reply.assert_error(405, &["does not take DELETE"]);
    }
}

fn header_map(headers: &[(&'static str, String)]) -> reqwest::header::HeaderMap {
    headers
        .iter()
        .map(|(name, value)| {
            (
                reqwest::header::HeaderName::from_static(name),
                value.parse().unwrap(),
            )
        })
        .collect()
}
