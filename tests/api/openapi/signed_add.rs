//! The signed add writes its replay record in the same transaction as its customer
//! (`store::openapi::signed_add`): replays of an add are still refused (strict) or
//! served with a warning (lenient), and an add refused for its body still consumes its
//! nonce.

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::both_backends;

const ADD: &str = "/openapi/crm/add";
const LIST: &str = "/openapi/crm/list";

both_backends! {
    async fn a_replayed_add_is_refused_for_a_strict_account_and_adds_nothing(app: TestApp) {
        let oa = Oa::strict(&app).await;
        let headers = oa.headers();
        let body = json!({ "customerName": "once" });
        let first = send(&app, Method::POST, ADD, &headers, Some(&body)).await;
        assert_eq!(first.data()["customerName"], "once");
        let again = send(&app, Method::POST, ADD, &headers, Some(&json!({ "customerName": "twice" }))).await;
        again.assert_refused(401, "openapi.nonce.once", &["replayed request", "nonce"]);
        let data = oa.list(json!({})).await;
        assert_eq!(data["count"], 1, "{data}");
    }

    async fn an_add_replaying_another_requests_nonce_is_refused(app: TestApp) {
        let oa = Oa::strict(&app).await;
        let headers = oa.headers();
        let listed = send(&app, Method::POST, LIST, &headers, Some(&json!({}))).await;
        assert_eq!(listed.status, 200, "{}", listed.body);
        let add = send(&app, Method::POST, ADD, &headers, Some(&json!({ "customerName": "late" }))).await;
        add.assert_refused(401, "openapi.nonce.once", &["replayed request"]);
        assert_eq!(oa.list(json!({})).await["count"], 0);
    }

    async fn an_add_refused_for_its_body_still_consumes_its_nonce(app: TestApp) {
        let oa = Oa::strict(&app).await;
        let headers = oa.headers();
        let refused = send(&app, Method::POST, ADD, &headers, Some(&json!({ "mobile": [] }))).await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        let again = send(&app, Method::POST, LIST, &headers, Some(&json!({}))).await;
        again.assert_refused(401, "openapi.nonce.once", &["replayed request"]);
    }

    async fn a_replayed_add_with_a_bad_body_is_refused_as_a_replay(app: TestApp) {
        let oa = Oa::strict(&app).await;
        let headers = oa.headers();
        let listed = send(&app, Method::POST, LIST, &headers, Some(&json!({}))).await;
        assert_eq!(listed.status, 200, "{}", listed.body);
        let add = send(&app, Method::POST, ADD, &headers, Some(&json!({ "mobile": [] }))).await;
        add.assert_refused(401, "openapi.nonce.once", &["replayed request"]);
        let malformed = call(&app, Method::POST, ADD, &headers, Body::Raw(Some("application/json"), b"{".to_vec())).await;
        malformed.assert_refused(401, "openapi.nonce.once", &["replayed request"]);
    }

    async fn a_lenient_accounts_replayed_add_is_served_with_a_warning(app: TestApp) {
        let oa = Oa::default(&app).await;
        let headers = oa.headers();
        let first = send(&app, Method::POST, ADD, &headers, Some(&json!({ "customerName": "one" }))).await;
        assert_eq!(first.data()["customerName"], "one");
        assert!(first.warnings().is_empty(), "{:?}", first.warnings());
        let again = send(&app, Method::POST, ADD, &headers, Some(&json!({ "customerName": "two" }))).await;
        assert_eq!(again.data()["customerName"], "two");
        let warnings = again.warnings().join(" ");
        assert!(warnings.contains("openapi.nonce.once"), "{warnings}");
        assert_eq!(oa.list(json!({})).await["count"], 2);
    }
}
