//! `GET /gettoken` (`docs/dingtalk.md#tokens`).

use super::*;
use crate::both_backends;

both_backends! {
    async fn gettoken_with_corpid_and_corpsecret_returns_a_token_and_the_ttl(app: TestApp) {
        let body = raw_get(&app, "/gettoken?corpid=dingemulator&corpsecret=emulator-secret").await;
        assert_ok(&body);
        // DingTalk's own /gettoken answer puts access_token between errcode and errmsg.
        assert_eq!(keys(&body), ["errcode", "access_token", "errmsg", "expires_in"]);
        let token = body["access_token"].as_str().unwrap();
        assert_eq!(token.len(), 32);
        assert_eq!(body["expires_in"], 7200);
    }

    async fn gettoken_with_appkey_and_appsecret_gives_the_corps_token(app: TestApp) {
        let by_corpid = Dt::new(&app).await;
        let body = raw_get(&app, "/gettoken?appkey=dingemulatorkey&appsecret=emulator-secret").await;
        assert_ok(&body);
        assert_eq!(body["access_token"], by_corpid.token.as_str());
    }

    async fn asking_again_returns_the_same_token_and_renews_its_expiry(app: TestApp) {
        let first = Dt::new(&app).await;
        app.state.clock.advance(7000).await.expect("move the clock").expect("within range");
        let second = Dt::new(&app).await;
        assert_eq!(first.token, second.token);
        // 7000 s after the renewal, 14000 s after the first fetch: still valid.
        app.state.clock.advance(7000).await.expect("move the clock").expect("within range");
        assert_ok(&first.get("/crm/customer/list").await);
    }

    async fn an_expired_token_is_replaced_by_a_new_one(app: TestApp) {
        let first = Dt::new(&app).await;
        app.state.clock.advance(7201).await.expect("move the clock").expect("within range");
        let second = Dt::new(&app).await;
        assert_ne!(first.token, second.token);
        assert_ok(&second.get("/crm/customer/list").await);
        let old = first.get("/crm/customer/list").await;
        assert!(old["errcode"] == 40014 || old["errcode"] == 42001, "{old}");
    }

    async fn concurrent_fetches_agree_on_one_token(app: TestApp) {
        let url = app.url("/gettoken?corpid=dingemulator&corpsecret=emulator-secret");
        let mut fetches = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (client, url) = (app.client.clone(), url.clone());
            fetches.spawn(async move { client.get(url).send().await.unwrap().json::<Value>().await.unwrap() });
        }
        let bodies = fetches.join_all().await;
        let first = bodies[0]["access_token"].clone();
        assert!(first.is_string());
        for body in &bodies {
            assert_eq!(body["access_token"], first, "{body}");
        }
    }

    async fn gettoken_with_a_wrong_secret_is_40089(app: TestApp) {
        for query in [
            "corpid=dingemulator&corpsecret=wrong",
            "corpid=nobody&corpsecret=emulator-secret",
            "appkey=dingemulatorkey&appsecret=wrong",
            "appkey=nobody&appsecret=emulator-secret",
        ] {
            let body = raw_get(&app, &format!("/gettoken?{query}")).await;
            assert_eq!(body["errcode"], 40089, "{query}: {body}");
            assert!(body["errmsg"].as_str().unwrap().starts_with("不合法的corpid或corpsecret"));
            assert!(body.get("access_token").is_none());
        }
    }

    async fn gettoken_without_corpid_is_41002(app: TestApp) {
        for query in ["", "?corpsecret=emulator-secret", "?corpid=&corpsecret=emulator-secret"] {
            let body = raw_get(&app, &format!("/gettoken{query}")).await;
            assert_err(&body, 41002, "corpid");
        }
    }

    async fn gettoken_without_a_secret_is_41004(app: TestApp) {
        let body = raw_get(&app, "/gettoken?corpid=dingemulator").await;
        assert_err(&body, 41004, "corpsecret");
        let body = raw_get(&app, "/gettoken?appkey=dingemulatorkey&appsecret=").await;
        assert_err(&body, 41004, "appsecret");
    }

    async fn gettoken_takes_only_get(app: TestApp) {
        let body = raw_post(&app, "/gettoken?corpid=dingemulator&corpsecret=emulator-secret", &json!({})).await;
        assert_err(&body, 43001, "需要GET请求");
    }
}

both_backends! {
    async fn expires_in_follows_the_configured_ttl(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| config.token_ttl = 60).await;
        let dt = Dt::new(&app).await;
        let body = raw_get(&app, "/gettoken?corpid=dingemulator&corpsecret=emulator-secret").await;
        assert_eq!(body["expires_in"], 60);
        app.state.clock.advance(61).await.expect("move the clock").expect("within range");
        assert_err(&dt.get("/crm/customer/list").await, 42001, "access_token");
    }
}
