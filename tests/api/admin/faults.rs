use serde_json::json;

use crate::both_backends;
use crate::helpers::*;

both_backends! {
    async fn a_dingtalk_fault_answers_with_its_errcode_the_requested_number_of_times(app: TestApp) {
        let created = app.post_json("/_emulator/faults", &json!({
            "api": "dingtalk", "path": "/crm/*", "errcode": 45009, "times": 2
        })).await;
        assert_eq!(created.status(), 201);
        let rule = json_of(created).await;
        assert_eq!(rule["fired"], 0);

        for _ in 0..2 {
            let response = app.get("/crm/customer/list").await;
            assert_eq!(response.status(), 200);
            let body = json_of(response).await;
            assert_eq!(body["errcode"], 45009);
            assert!(body["errmsg"].as_str().unwrap().starts_with("接口调用超过限制"));
        }
        // Exhausted: the call reaches the emulator again.
        let body = json_of(app.get("/crm/customer/nope").await).await;
        assert_eq!(body["errcode"], 404);
        assert_eq!(app.get_json("/_emulator/faults").await[0]["fired"], 2);
        let journal = app.get_json("/_emulator/requests").await;
        let injected: Vec<bool> = journal.as_array().unwrap().iter().map(|e| e["injected"].as_bool().unwrap()).collect();
        assert_eq!(injected, [false, true, true], "the journal marks the answers the fault gave");
    }

    async fn a_fault_does_not_touch_calls_it_does_not_match(app: TestApp) {
        app.post_json("/_emulator/faults", &json!({"api": "dingtalk", "method": "POST", "path": "/crm/customer/create", "errcode": -1})).await;
        app.post_json("/_emulator/faults", &json!({"api": "openapi", "tenant": "2000", "status": 500})).await;
        assert_eq!(json_of(app.get("/crm/customer/create").await).await["errcode"], 43002, "a GET matched a POST rule");
        let other_tenant = app.client.post(app.url("/openapi/crm/nope/deeper")).header("appid", "1090").json(&json!({})).send().await.unwrap();
        assert_eq!(other_tenant.status(), 404);
        let fired: Vec<u64> = app.get_json("/_emulator/faults").await.as_array().unwrap().iter().map(|r| r["fired"].as_u64().unwrap()).collect();
        assert_eq!(fired, [0, 0]);
    }

    async fn an_openapi_fault_answers_in_the_openapi_envelope(app: TestApp) {
        app.post_json("/_emulator/faults", &json!({"api": "openapi", "tenant": "1090", "status": 429})).await;
        let response = app.client.post(app.url("/openapi/crm/list")).header("appid", "1090").json(&json!({})).send().await.unwrap();
        assert_eq!(response.status(), 429);
        let trace = response.headers()["x-trace-id"].to_str().unwrap().to_owned();
        let body = json_of(response).await;
        assert_eq!(body["success"], false);
        assert_eq!(body["code"], "429");
        assert_eq!(body["traceId"], trace.as_str());
    }

    async fn a_dingtalk_tenant_fault_fires_only_for_the_corp_owning_the_token(app: TestApp) {
        app.post_json("/_emulator/dingtalk/corps", &json!({"corpid": "other", "corpsecret": "s"})).await;
        app.post_json("/_emulator/faults", &json!({"api": "dingtalk", "tenant": "dingemulator", "path": "/crm/*", "errcode": 42001})).await;
        let token = |corpid: &'static str, secret: &'static str| {
            let app = &app;
            async move {
                let body = app.get_json(&format!("/gettoken?corpid={corpid}&corpsecret={secret}")).await;
                body["access_token"].as_str().unwrap().to_owned()
            }
        };
        let mine = token("dingemulator", "emulator-secret").await;
        let theirs = token("other", "s").await;
        let hit = app.get_json(&format!("/crm/customer/list?access_token={mine}")).await;
        assert_eq!(hit["errcode"], 42001);
        let miss = app.get_json(&format!("/crm/customer/list?access_token={theirs}")).await;
        assert_eq!(miss["errcode"], 0);
    }

    async fn a_dingtalk_tenant_fault_knows_the_corp_of_an_expired_token(app: TestApp) {
        let body = app.get_json("/gettoken?corpid=dingemulator&corpsecret=emulator-secret").await;
        let token = body["access_token"].as_str().unwrap().to_owned();
        app.post_json("/_emulator/clock", &json!({"advanceSeconds": 7201})).await;
        let expired = app.get_json(&format!("/crm/customer/list?access_token={token}")).await;
        assert_eq!(expired["errcode"], 42001);
        app.post_json("/_emulator/faults", &json!({"api": "dingtalk", "tenant": "dingemulator", "errcode": 45009})).await;
        let hit = app.get_json(&format!("/crm/customer/list?access_token={token}")).await;
        assert_eq!(hit["errcode"], 45009);
    }

    async fn a_latency_fault_delays_the_real_answer(app: TestApp) {
        app.post_json("/_emulator/faults", &json!({"api": "dingtalk", "latencyMs": 300, "times": 1})).await;
        let started = std::time::Instant::now();
        let body = json_of(app.get("/crm/customer/nope").await).await;
        assert!(started.elapsed() >= std::time::Duration::from_millis(300));
        assert_eq!(body["errcode"], 404, "latency alone must not change the answer");
    }

    async fn faults_are_removed_one_by_one_or_all(app: TestApp) {
        let a = json_of(app.post_json("/_emulator/faults", &json!({"api": "dingtalk", "errcode": -1})).await).await;
        app.post_json("/_emulator/faults", &json!({"api": "openapi", "status": 503})).await;
        let one = app.client.delete(app.url(&format!("/_emulator/faults/{}", a["id"]))).send().await.unwrap();
        assert_eq!(one.status(), 200);
        assert_eq!(json_of(app.get("/crm/customer/nope").await).await["errcode"], 404);
        assert_eq!(app.client.delete(app.url("/_emulator/faults/999")).send().await.unwrap().status(), 404);
        let all = json_of(app.client.delete(app.url("/_emulator/faults")).send().await.unwrap()).await;
        assert_eq!(all["removed"], 1);
        assert!(app.get_json("/_emulator/faults").await.as_array().unwrap().is_empty());
    }

    async fn malformed_fault_rules_are_400s(app: TestApp) {
        for (body, needle) in [
            (json!({"errcode": 1}), "api"),
            (json!({"api": "ftp", "errcode": 1}), "api"),
            (json!({"api": "openapi", "errcode": 1}), "errcode"),
            (json!({"api": "dingtalk"}), "errcode, status, code or latencyMs"),
            (json!({"api": "dingtalk", "errcode": 1, "when": "now"}), "unknown field `when`"),
        ] {
            let response = app.post_json("/_emulator/faults", &body).await;
            assert_eq!(response.status(), 400, "{body}");
            let message = json_of(response).await["error"]["message"].as_str().unwrap().to_owned();
            assert!(message.contains(needle), "{needle:?} not in {message:?}");
        }
        assert!(app.get_json("/_emulator/faults").await.as_array().unwrap().is_empty());
    }
}
