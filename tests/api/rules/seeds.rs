//! The OpenAPI seed's example requests, sent verbatim — headers included — to the
//! well-known account. They were signed in June 2023 with the vendor's secret, so the
//! emulator's clock is moved to each one's timestamp and `--signature-mode lenient`
//! serves the signature it cannot check (with the warning of `openapi.auth.signature`);
//! the seed reuses one (nonce, timestamp) on two endpoints, which the lenient account
//! serves with a warning (`docs/openapi.md#authentication`, `docs/rules.md`).

use crm_emulator::{
    config::SignatureMode,
    store::{openapi::CustomerPatch, tenants::DEFAULT_APPID},
};
use reqwest::Method;
use serde_json::{json, Value};

use super::{call, Body};
use crate::{
    both_backends,
    helpers::*,
    openapi::{Oa, Reply},
};

/// The seed's headers: appid 1090, nonce 123456, and each example's timestamp and
/// signature, as printed.
fn seed_headers(timestamp: i64, signature: &str) -> Vec<(&'static str, String)> {
    vec![
        ("appid", DEFAULT_APPID.to_owned()),
        ("nonce", "123456".to_owned()),
        ("timestamp", timestamp.to_string()),
        ("signature", signature.to_owned()),
    ]
}

async fn at(app: &TestApp, timestamp: i64, path: &str, signature: &str, body: &Value) -> Reply {
    app.state
        .clock
        .advance(timestamp - app.state.clock.now_secs())
        .await
        .expect("move the clock")
        .expect("within range");
    let reply = call(
        app,
        Method::POST,
        path,
        &seed_headers(timestamp, signature),
        Body::Json(body),
    )
    .await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    assert_eq!(reply.body["success"], true, "{path}: {}", reply.body);
    assert!(
        reply.headers.get("x-emulator-signature-warning").is_some(),
        "{path}"
    );
    assert!(
        warned(&reply, "openapi.auth.signature"),
        "{path}: a rule warning too"
    );
    reply
}

/// Whether `reply` carries a warning of `rule`.
fn warned(reply: &Reply, rule: &str) -> bool {
    let prefix = format!("{rule}: ");
    reply
        .headers
        .get_all("x-emulator-warning")
        .iter()
        .any(|w| w.to_str().unwrap_or_default().starts_with(&prefix))
}

fn replay_warned(reply: &Reply) -> bool {
    warned(reply, "openapi.nonce.once")
}

both_backends! {
    async fn the_openapi_seed_examples_succeed_verbatim_on_the_well_known_account(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.signature_mode = SignatureMode::Lenient).await;
        let oa = Oa::default(&app).await;
        // The customers the seed's update, find and delete examples name.
        for id in [685775898716000256_i64, 685736803322032128, 685736803368169472] {
            let patch = CustomerPatch { customer_name: Some("seeded".into()), ..Default::default() };
            app.state.store.openapi().add_customer(oa.account.id, id, patch, 0).await.expect("seed customer");
        }

        let add = json!({ "customerName": "test", "mobile": [ { "value": "333222111", "memo": "王哈" } ], "customerSource": [ "试用申请" ], "owner": "8310", "assignTime": "2024-11-14 09:46:17" });
        let added = oa.post("/openapi/crm/add", &add).await;
        assert_eq!(added.data()["owner"], "8310");
        assert!(added.warnings().is_empty(), "{:?}", added.warnings());

        let update = at(&app, 1687792901, "/openapi/crm/update", "osiJIMEZRFzQPJDH/3hsYe3BGhk/0aouXGyhX2Af2mc=",
            &json!({ "_id": "685775898716000256", "customerName": "testCustomer" })).await;
        assert_eq!(update.data()["customerName"], "testCustomer");
        assert!(!replay_warned(&update));

        let list = at(&app, 1687792454, "/openapi/crm/list", "0gJctlWNzEIPu/A17MI //xV/5WwTcqp9c1cEkXwL/1Q=",
            &json!({ "limit": 1, "page": 1, "search": [ { "field": "openSeaIds", "value": [], "operator": "empty" } ] })).await;
        assert_eq!(list.data()["list"].as_array().map(Vec::len), Some(1));
        let found = at(&app, 1687792454, "/openapi/crm/findById/685736803322032128", "0gJctlWNzEIPu/A17MI//xV/5WwTcqp9c1cEkXwL/1Q=", &json!({})).await;
        assert_eq!(found.data()["_id"], "685736803322032128");
        assert!(replay_warned(&found), "the seed reuses the list's nonce and timestamp");

        let deleted = at(&app, 1687792102, "/openapi/crm/delete", "k/0nGQXTld3Te5wCIHtWFBYaZZdJOm/uesKTU4E1AjM=",
            &json!({ "id": "685736803368169472" })).await;
        assert!(deleted.data().is_null());
        let fields = at(&app, 1687792102, "/openapi/crm/config/field/list", "k/0nGQXTld3Te5wCIHtWFBYaZZdJOm/uesKTU4E1AjM=", &json!({})).await;
        assert!(fields.data().as_array().is_some_and(|f| !f.is_empty()));
        assert!(replay_warned(&fields));

        app.state.clock.reset().await.expect("reset the clock");
        let searched = oa.post("/openapi/crm/list", &json!({ "search":[{"operator":"eq","value":["13231307283"],"field":"mobile"}] })).await;
        assert_eq!(searched.data()["count"], 0);
        assert!(searched.warnings().is_empty(), "{:?}", searched.warnings());
    }
}
