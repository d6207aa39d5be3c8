//! Signature authentication (`docs/openapi.md#authentication`): every way a request can
//! fail it, the three modes, and replay records shared through the database.

use std::io::{Read, Write};

use crm_emulator::{config::SignatureMode, signature, App, Config};
use reqwest::Method;
use serde_json::json;

use super::*;
use crate::both_backends;

const LIST: &str = "/openapi/crm/list";

/// Headers for `appid`/`secret` with a chosen timestamp.
fn signed_at(
    appid: &str,
    secret: &str,
    nonce: &str,
    timestamp: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("appid", appid.to_owned()),
        ("nonce", nonce.to_owned()),
        ("timestamp", timestamp.to_owned()),
        (
            "signature",
            signature::sign(secret, appid, nonce, timestamp),
        ),
    ]
}

/// The window was missed by `secs` seconds (or one more, if a second boundary passed
/// between signing and serving).
fn assert_by(reply: &Reply, secs: i64) {
    let message = reply.body["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("by {secs} s"))
            || message.contains(&format!("by {} s", secs + 1)),
        "{message}"
    );
}

both_backends! {
    async fn a_correctly_signed_request_is_served(app: TestApp) {
        let oa = Oa::default(&app).await;
        let reply = oa.post(LIST, &json!({})).await;
        assert_eq!(reply.data()["count"], 0);
        assert!(reply.headers.get("x-emulator-signature-warning").is_none());
    }

    async fn each_missing_header_is_a_401_naming_it(app: TestApp) {
        let oa = Oa::default(&app).await;
        for name in ["appid", "nonce", "timestamp", "signature"] {
            let reply = send(&app, Method::POST, LIST, &without(&oa.headers(), name), Some(&json!({}))).await;
            reply.assert_error(401, &[&format!("missing header {name}")]);
            let empty = send(&app, Method::POST, LIST, &with(&oa.headers(), name, ""), Some(&json!({}))).await;
            empty.assert_error(401, &[&format!("missing header {name}")]);
        }
        let none = send(&app, Method::POST, LIST, &[], Some(&json!({}))).await;
        none.assert_error(401, &["missing headers appid, nonce, timestamp, signature"]);
    }

    async fn an_unknown_appid_is_a_401_naming_it(app: TestApp) {
        let headers = signed_headers(&app, "4242", "whatever");
        let reply = send(&app, Method::POST, LIST, &headers, Some(&json!({}))).await;
        reply.assert_error(401, &["unknown appid \"4242\""]);
    }

    async fn a_timestamp_that_is_not_seconds_or_milliseconds_is_a_401(app: TestApp) {
        for bad in ["yesterday", "168779290", "16877929011", "1687792901.5"] {
            let headers = signed_at("1090", DEFAULT_ACCOUNT_SECRET, "n1", bad);
            let reply = send(&app, Method::POST, LIST, &headers, Some(&json!({}))).await;
            reply.assert_error(401, &["header timestamp", "10 digits", "13 digits", bad]);
        }
    }

    async fn timestamps_outside_the_window_are_401s_saying_by_how_much(app: TestApp) {
        let now = app.state.clock.now_secs();
        let old = (now - 400).to_string();
        let reply = send(&app, Method::POST, LIST, &signed_at("1090", DEFAULT_ACCOUNT_SECRET, "n1", &old), Some(&json!({}))).await;
        reply.assert_error(401, &["outside the allowed window of ±300 s", "behind"]);
        assert_by(&reply, 100);
        let future = (now + 400).to_string();
        let reply = send(&app, Method::POST, LIST, &signed_at("1090", DEFAULT_ACCOUNT_SECRET, "n2", &future), Some(&json!({}))).await;
        reply.assert_error(401, &["outside the allowed window", "ahead of"]);
        let edge = (now - 290).to_string();
        let reply = send(&app, Method::POST, LIST, &signed_at("1090", DEFAULT_ACCOUNT_SECRET, "n3", &edge), Some(&json!({}))).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }

    async fn millisecond_timestamps_are_accepted(app: TestApp) {
        let ms = app.state.clock.now_ms().to_string();
        let reply = send(&app, Method::POST, LIST, &signed_at("1090", DEFAULT_ACCOUNT_SECRET, "n1", &ms), Some(&json!({}))).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }

    async fn the_window_follows_the_emulator_clock_and_its_configured_width(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.signature_window = 10).await;
        let timestamp = app.state.clock.now_secs().to_string();
        app.state.clock.advance(30).await.expect("move the clock").expect("within range");
        let reply = send(&app, Method::POST, LIST, &signed_at("1090", DEFAULT_ACCOUNT_SECRET, "n1", &timestamp), Some(&json!({}))).await;
        reply.assert_error(401, &["outside the allowed window of ±10 s"]);
        assert_by(&reply, 20);
    }

    async fn a_replayed_request_is_a_401_for_a_strict_account_and_a_new_nonce_is_not(app: TestApp) {
        let headers = Oa::strict(&app).await.headers();
        let first = send(&app, Method::POST, LIST, &headers, Some(&json!({}))).await;
        assert_eq!(first.status, 200, "{}", first.body);
        let again = send(&app, Method::POST, "/openapi/crm/config/field/list", &headers, Some(&json!({}))).await;
        again.assert_refused(401, "openapi.nonce.once", &["replayed request", "nonce", "rule openapi.nonce.once"]);
        let nonce = headers[1].1.clone();
        let later = (headers[2].1.parse::<i64>().unwrap() + 1).to_string();
        let same_nonce_new_time = signed_at("1090", DEFAULT_ACCOUNT_SECRET, &nonce, &later);
        let reply = send(&app, Method::POST, LIST, &same_nonce_new_time, Some(&json!({}))).await;
        assert_eq!(reply.status, 200, "a (nonce, timestamp) pair is what is single-use: {}", reply.body);
    }

    async fn instances_sharing_a_database_agree_on_replays(app: TestApp) {
        let config = Config::for_tests(app.database.url());
        let listener = tokio::net::TcpListener::bind(config.bind).await.unwrap();
        let other = App::build(config, listener).await.unwrap();
        let other_addr = other.local_addr().unwrap();
        let server = tokio::spawn(other.run(std::future::pending()));
        let headers = Oa::strict(&app).await.headers();
        let first = send(&app, Method::POST, LIST, &headers, Some(&json!({}))).await;
        assert_eq!(first.status, 200, "{}", first.body);
        let mut request = app.client.post(format!("http://{other_addr}{LIST}")).json(&json!({}));
        for (name, value) in &headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        assert!(json_of(response).await["message"].as_str().unwrap().contains("replayed request"));
        server.abort();
    }

    async fn a_wrong_signature_is_a_401_stating_the_string_to_sign_and_no_secret(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let oa = Oa::new_account(&app, "7001", &[]).await;
        let headers = with(&oa.headers(), "signature", &signature::sign("not-the-secret", "7001", "n", "1"));
        let (nonce, timestamp) = (headers[1].1.clone(), headers[2].1.clone());
        let reply = send(&app, Method::POST, LIST, &headers, Some(&json!({}))).await;
        reply.assert_error(401, &["signature mismatch", &format!("\"7001{nonce}{timestamp}\""), "HMAC-SHA256", "Base64"]);
        let expected = signature::sign(&oa.secret, "7001", &nonce, &timestamp);
        let text = reply.body.to_string();
        assert!(!text.contains(&oa.secret) && !text.contains(&expected), "{text}");
        let garbage = send(&app, Method::POST, LIST, &with(&oa.headers(), "signature", "%%%"), Some(&json!({}))).await;
        garbage.assert_error(401, &["signature mismatch"]);
    }

    async fn lenient_mode_serves_a_wrong_signature_with_a_warning(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.signature_mode = SignatureMode::Lenient).await;
        let oa = Oa::default(&app).await;
        let reply = send(&app, Method::POST, LIST, &with(&oa.headers(), "signature", "bogus"), Some(&json!({}))).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let warning = reply.headers["x-emulator-signature-warning"].to_str().unwrap();
        assert!(warning.contains("signature mismatch"), "{warning}");
        assert!(!warning.contains(DEFAULT_ACCOUNT_SECRET), "{warning}");
        let good = oa.post(LIST, &json!({})).await;
        assert!(good.headers.get("x-emulator-signature-warning").is_none());
        let missing = send(&app, Method::POST, LIST, &without(&oa.headers(), "nonce"), Some(&json!({}))).await;
        missing.assert_error(401, &["missing header nonce"]);
        let replay = Oa::strict(&app).await.headers();
        assert_eq!(send(&app, Method::POST, LIST, &replay, Some(&json!({}))).await.status, 200);
        send(&app, Method::POST, LIST, &replay, Some(&json!({}))).await.assert_refused(401, "openapi.nonce.once", &["replayed"]);
    }

    async fn off_mode_needs_only_the_appid(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.signature_mode = SignatureMode::Off).await;
        let appid = [("appid", "1090".to_owned())];
        let reply = send(&app, Method::POST, LIST, &appid, Some(&json!({}))).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(send(&app, Method::POST, LIST, &appid, Some(&json!({}))).await.status, 200, "nothing is recorded");
        send(&app, Method::POST, LIST, &[], Some(&json!({}))).await.assert_error(401, &["missing header appid"]);
        let unknown = [("appid", "nope".to_owned())];
        send(&app, Method::POST, LIST, &unknown, Some(&json!({}))).await.assert_error(401, &["unknown appid"]);
    }

    async fn expired_replay_records_are_pruned_and_fresh_ones_kept(app: TestApp) {
        let store = &app.state.store;
        let account = Oa::default(&app).await.account;
        assert!(store.openapi().record_nonce(account.id, "old", "1", 1_000).await.unwrap());
        assert!(store.openapi().record_nonce(account.id, "new", "2", 9_000).await.unwrap());
        assert!(!store.openapi().record_nonce(account.id, "new", "2", 9_000).await.unwrap());
        assert_eq!(store.openapi().prune_nonces(5_000).await.unwrap(), 1);
        assert!(store.openapi().record_nonce(account.id, "old", "1", 1_000).await.unwrap(), "pruned");
        assert!(!store.openapi().record_nonce(account.id, "new", "2", 9_000).await.unwrap(), "kept");
    }

    async fn header_names_are_case_insensitive_on_the_wire(app: TestApp) {
        // HTTP clients lower-case header names, so this one is written by hand.
        let headers = Oa::default(&app).await.headers();
        let addr = app.addr;
        let raw = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            let names = ["AppId", "NONCE", "TimeStamp", "Signature"];
            let mut request = format!("POST {LIST} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n");
            for (name, (_, value)) in names.iter().zip(&headers) {
                request.push_str(&format!("{name}: {value}\r\n"));
            }
            request.push_str("\r\n{}");
            stream.write_all(request.as_bytes()).unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            answer
        })
        .await
        .unwrap();
        assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
        assert!(raw.contains("\"success\":true"), "{raw}");
    }
}
