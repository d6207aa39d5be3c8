use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::*;

async fn message(response: reqwest::Response) -> String {
    json_of(response).await["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn patch(app: &TestApp, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .patch(app.url(path))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn delete(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.delete(app.url(path)).send().await.unwrap()
}

both_backends! {
    async fn corps_are_created_listed_patched_and_deleted_without_secrets(app: TestApp) {
        let created = app.post_json("/_emulator/dingtalk/corps", &json!({
            "corpid": "acme", "corpsecret": "s1", "appkey": "acmekey", "appsecret": "s2",
            "mode": "strict", "rateLimitPerMinute": 10
        })).await;
        assert_eq!(created.status(), 201);
        let corp = json_of(created).await;
        assert_eq!(corp["corpid"], "acme");
        assert_eq!(corp["appkey"], "acmekey");
        assert_eq!(corp["mode"], "strict");
        assert_eq!(corp["rateLimitPerMinute"], 10);
        assert!(corp.get("corpsecret").is_none() && corp.get("appsecret").is_none());

        let listed = app.get_json("/_emulator/dingtalk/corps").await;
        let ids: Vec<&str> = listed.as_array().unwrap().iter().map(|c| c["corpid"].as_str().unwrap()).collect();
        assert_eq!(ids, ["acme", "dingemulator"]);
        assert!(!listed.to_string().contains("emulator-secret"));

        let patched = json_of(patch(&app, "/_emulator/dingtalk/corps/acme", &json!({"mode": "lenient", "rateLimitPerMinute": null})).await).await;
        assert_eq!(patched["mode"], "lenient");
        assert!(patched["rateLimitPerMinute"].is_null());
        assert_eq!(patched["appkey"], "acmekey", "absent keys keep their value");

        let stored = app.state.store.dingtalk().corp_by_corpid("acme").await.unwrap().unwrap();
        assert_eq!(stored.corpsecret, "s1");

        assert_eq!(delete(&app, "/_emulator/dingtalk/corps/acme").await.status(), 200);
        assert_eq!(app.get("/_emulator/dingtalk/corps/acme").await.status(), 404);
        assert_eq!(delete(&app, "/_emulator/dingtalk/corps/acme").await.status(), 404);
    }

    async fn bad_corp_bodies_are_400s_naming_the_field(app: TestApp) {
        let cases = [
            (json!({"corpsecret": "s"}), "missing field `corpid`"),
            (json!({"corpid": "a", "corpsecret": "s", "mode": "loose"}), "mode"),
            (json!({"corpid": "a", "corpsecret": "s", "colour": 1}), "unknown field `colour`"),
            (json!({"corpid": "", "corpsecret": "s"}), "corpid must not be empty"),
            (json!({"corpid": "a", "corpsecret": "s", "appkey": "k"}), "appkey and appsecret"),
            (json!({"corpid": "a", "corpsecret": "s", "rateLimitPerMinute": 0}), "rateLimitPerMinute"),
        ];
        for (body, needle) in cases {
            let response = app.post_json("/_emulator/dingtalk/corps", &body).await;
            assert_eq!(response.status(), 400, "{body}");
            let text = message(response).await;
            assert!(text.contains(needle), "{needle:?} not in {text:?}");
        }
        assert_eq!(app.get_json("/_emulator/dingtalk/corps").await.as_array().unwrap().len(), 1);
    }

    async fn a_taken_corpid_or_appkey_is_409(app: TestApp) {
        let dup = app.post_json("/_emulator/dingtalk/corps", &json!({"corpid": "dingemulator", "corpsecret": "x"})).await;
        assert_eq!(dup.status(), 409);
        assert!(message(dup).await.contains("corpid"));
        let dup_key = app.post_json("/_emulator/dingtalk/corps", &json!({
            "corpid": "other", "corpsecret": "x", "appkey": "dingemulatorkey", "appsecret": "y"
        })).await;
        assert_eq!(dup_key.status(), 409);
    }

    async fn patching_half_an_app_key_pair_is_refused(app: TestApp) {
        let response = patch(&app, "/_emulator/dingtalk/corps/dingemulator", &json!({"appsecret": null})).await;
        assert_eq!(response.status(), 400);
        assert!(message(response).await.contains("appkey and appsecret"));
        let both = patch(&app, "/_emulator/dingtalk/corps/dingemulator", &json!({"appkey": null, "appsecret": null})).await;
        assert_eq!(both.status(), 200);
        assert!(json_of(both).await["appkey"].is_null());
        assert_eq!(patch(&app, "/_emulator/dingtalk/corps/nope", &json!({})).await.status(), 404);
    }

    async fn employees_are_added_renamed_and_listed(app: TestApp) {
        let path = "/_emulator/dingtalk/corps/dingemulator/employees";
        assert_eq!(app.post_json(path, &json!({"userid": "u1", "name": "Ann"})).await.status(), 201);
        assert_eq!(app.post_json(path, &json!({"userid": "u2"})).await.status(), 201);
        let renamed = json_of(app.post_json(path, &json!({"userid": "u1", "name": "Anna"})).await).await;
        assert_eq!(renamed["name"], "Anna");
        let listed = app.get_json(path).await;
        assert_eq!(listed.as_array().unwrap().len(), 2);
        assert_eq!(listed[0]["userid"], "u1");
        assert_eq!(listed[0]["name"], "Anna");
        assert!(listed[1]["name"].is_null());

        let unknown = app.post_json("/_emulator/dingtalk/corps/nope/employees", &json!({"userid": "u1"})).await;
        assert_eq!(unknown.status(), 404);
        assert!(message(unknown).await.contains("nope"));
        assert_eq!(app.post_json(path, &json!({"name": "x"})).await.status(), 400);
    }

    async fn accounts_are_created_listed_patched_and_deleted_without_secrets(app: TestApp) {
        let created = app.post_json("/_emulator/openapi/accounts", &json!({
            "appid": "2001", "secret": "sek", "openSeaIds": ["pool-a"]
        })).await;
        assert_eq!(created.status(), 201);
        let account = json_of(created).await;
        assert_eq!(account["appid"], "2001");
        assert_eq!(account["openSeaIds"], json!(["pool-a"]));
        assert!(account.get("secret").is_none());

        let listed = app.get_json("/_emulator/openapi/accounts").await;
        assert_eq!(listed.as_array().unwrap().len(), 2);
        assert!(!listed.to_string().contains("sek"));

        let patched = json_of(patch(&app, "/_emulator/openapi/accounts/2001", &json!({"openSeaIds": ["pool-a", "pool-b"]})).await).await;
        assert_eq!(patched["openSeaIds"], json!(["pool-a", "pool-b"]));
        let rotated = patch(&app, "/_emulator/openapi/accounts/2001", &json!({"secret": "new"})).await;
        assert_eq!(rotated.status(), 200);
        assert_eq!(app.state.store.openapi().account_by_appid("2001").await.unwrap().unwrap().secret, "new");

        assert_eq!(app.post_json("/_emulator/openapi/accounts", &json!({"appid": "2001", "secret": "x"})).await.status(), 409);
        assert_eq!(app.post_json("/_emulator/openapi/accounts", &json!({"appid": "2002"})).await.status(), 400);
        assert_eq!(delete(&app, "/_emulator/openapi/accounts/2001").await.status(), 200);
        assert_eq!(app.get("/_emulator/openapi/accounts/2001").await.status(), 404);
    }
}

both_backends! {
    async fn a_rotated_secret_applies_at_once_despite_the_account_cache(app: TestApp) {
        use crate::openapi::{send, signed_headers};
        let list = |secret: &'static str| {
            let app = &app;
            async move {
                let headers = signed_headers(app, "1090", secret);
                send(app, reqwest::Method::POST, "/openapi/crm/list", &headers, Some(&json!({}))).await
            }
        };
        assert_eq!(list("emulator-secret").await.status, 200, "warms the cache");
        assert_eq!(patch(&app, "/_emulator/openapi/accounts/1090", &json!({"secret": "rotated"})).await.status(), 200);
        list("emulator-secret").await.assert_error(401, &["signature mismatch"]);
        assert_eq!(list("rotated").await.status, 200);
        assert_eq!(delete(&app, "/_emulator/openapi/accounts/1090").await.status(), 200);
        list("rotated").await.assert_error(401, &["unknown appid"]);
    }
}

both_backends! {
    async fn a_nul_character_in_a_control_plane_path_or_query_is_a_400_naming_it(app: TestApp) {
        for (path, named) in [
            ("/_emulator/dingtalk/corps/a%00b", "the path"),
            ("/_emulator/requests?tenant=%00", "query parameter tenant"),
            ("/_emulator/coverage?tenant=a%00b", "query parameter tenant"),
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 400, "{path}");
            let body = json_of(response).await;
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(message.starts_with(named) && message.contains("NUL"), "{path}: {body}");
        }
    }
}
