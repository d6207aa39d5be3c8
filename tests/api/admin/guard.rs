use serde_json::json;

use crate::both_backends;
use crate::helpers::*;

both_backends! {
    async fn without_an_admin_token_loopback_callers_are_served(app: TestApp) {
        assert_eq!(app.get("/_emulator/dingtalk/corps").await.status(), 200);
    }

    async fn with_an_admin_token_calls_without_it_are_401(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.admin_token = Some("t0k".parse().unwrap())).await;
        let response = app.get("/_emulator/dingtalk/corps").await;
        assert_eq!(response.status(), 401);
        let body = json_of(response).await;
        assert!(body["error"]["message"].as_str().unwrap().contains("Authorization: Bearer"), "{body}");

        let wrong = app.client.get(app.url("/_emulator/dingtalk/corps")).bearer_auth("nope").send().await.unwrap();
        assert_eq!(wrong.status(), 401);
        assert_eq!(json_of(wrong).await["error"]["message"], "wrong admin token");

        let right = app.client.get(app.url("/_emulator/dingtalk/corps")).bearer_auth("t0k").send().await.unwrap();
        assert_eq!(right.status(), 200);
    }

    async fn health_stays_open_with_an_admin_token(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.admin_token = Some("t0k".parse().unwrap())).await;
        assert_eq!(app.get("/_emulator/health").await.status(), 200);
        let clock = app.post_json("/_emulator/clock", &json!({"advanceSeconds": 1})).await;
        assert_eq!(clock.status(), 401);
        assert_eq!(app.state.clock.offset_secs(), 0, "a refused call changed the clock");
    }
}

/// Bound to `[::]`, the listener sees IPv4 callers as `::ffff:a.b.c.d`; an IPv4
/// loopback caller is still a loopback caller.
#[tokio::test]
async fn bound_to_every_ipv6_address_ipv4_loopback_callers_are_served() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.bind = "[::]:0".parse().expect("an address")
    })
    .await;
    for host in ["127.0.0.1", "[::1]"] {
        let url = format!("http://{host}:{}/_emulator/dingtalk/corps", app.addr.port());
        let response = app.client.get(url).send().await.expect("GET");
        assert_eq!(response.status(), 200, "from {host}");
    }
}
