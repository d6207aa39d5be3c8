//! `POST /v1.0/oauth2/accessToken` (docs/dingtalk-v1.md#tokens): one token store with
//! `/gettoken`.

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::{both_backends, dingtalk::raw_get};

both_backends! {
    async fn the_app_key_pair_gets_the_gettoken_token(app: TestApp) {
        let v1 = V1::new(&app).await;
        let old = raw_get(&app, "/gettoken?appkey=dingemulatorkey&appsecret=emulator-secret").await;
        assert_eq!(old["access_token"], v1.token.as_str());
        let again = V1::new(&app).await;
        assert_eq!(again.token, v1.token, "a valid token is returned again");
        let body = json!({"appKey": APP_KEY, "appSecret": APP_SECRET});
        let reply = call(&app, Method::POST, "/v1.0/oauth2/accessToken", &[], Body::Json(&body)).await;
        assert_eq!(crate::dingtalk::keys(&reply.body), ["accessToken", "expireIn"]);
        assert_eq!(reply.body["expireIn"], 7200);
    }

    async fn a_gettoken_token_works_on_v1_and_a_v1_token_on_the_old_api(app: TestApp) {
        let old = raw_get(&app, "/gettoken?corpid=dingemulator&corpsecret=emulator-secret").await;
        let token = old["access_token"].as_str().expect("token").to_owned();
        let v1 = V1 { app: &app, token: token.clone() };
        ok(&v1.get("/v1.0/crm/personalCustomers/objectMeta").await);
        let listed = raw_get(&app, &format!("/crm/customer/list?access_token={token}")).await;
        assert_eq!(listed["errcode"], 0, "{listed}");
    }

    async fn a_missing_key_is_missing_name_in_the_model_order(app: TestApp) {
        let send = |body: serde_json::Value| {
            let app = &app;
            async move { call(app, Method::POST, "/v1.0/oauth2/accessToken", &[], Body::Json(&body)).await }
        };
        assert_error(&send(json!({})).await, 400, "MissingappKey", "appKey is mandatory for this action.");
        assert_error(&send(json!({"appKey": APP_KEY})).await, 400, "MissingappSecret", "appSecret");
        assert_error(&send(json!({"appKey": APP_KEY, "appSecret": "x"})).await, 400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret");
        let corpid_pair = json!({"appKey": "dingemulator", "appSecret": APP_SECRET});
        assert_error(&send(corpid_pair).await, 400, "invalidClientIdOrSecret", "appKey");
    }

    async fn a_form_body_or_none_is_missingbody(app: TestApp) {
        let form = Body::Raw(Some("application/x-www-form-urlencoded"), b"appKey=a&appSecret=b".to_vec());
        let reply = call(&app, Method::POST, "/v1.0/oauth2/accessToken", &[], form).await;
        assert_error(&reply, 400, "Missingbody", "body is mandatory for this action.");
        let reply = call(&app, Method::POST, "/v1.0/oauth2/accessToken", &[], Body::None).await;
        assert_error(&reply, 400, "Missingbody", "no body");
        let broken = Body::Raw(Some("application/json"), b"{\"appKey\":".to_vec());
        let reply = call(&app, Method::POST, "/v1.0/oauth2/accessToken", &[], broken).await;
        assert_error(&reply, 400, "param.error", "参数非法");
    }
}
