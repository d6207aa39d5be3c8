use serde_json::json;

use crate::both_backends;
use crate::helpers::*;

both_backends! {
    async fn the_journal_lists_api_requests_newest_first(app: TestApp) {
        app.get("/crm/customer/nope?access_token=abc").await;
        app.post_json("/openapi/crm/nope/deeper", &json!({})).await;
        app.get("/_emulator/health").await;

        let entries = app.get_json("/_emulator/requests").await;
        let entries = entries.as_array().unwrap();
        assert_eq!(entries.len(), 2, "control-plane calls are not journaled: {entries:?}");
        assert_eq!(entries[0]["api"], "openapi");
        assert_eq!(entries[0]["status"], 404);
        assert_eq!(entries[0]["code"], "404");
        assert_eq!(entries[0]["method"], "POST");
        assert!(!entries[0]["traceId"].as_str().unwrap().is_empty());
        assert_eq!(entries[1]["api"], "dingtalk");
        assert_eq!(entries[1]["path"], "/crm/customer/nope");
        assert_eq!(entries[1]["query"], "access_token=[redacted]");
        assert_eq!(entries[1]["status"], 200);
        assert_eq!(entries[1]["code"], "404");
        assert!(entries[1]["latencyMs"].as_f64().unwrap() >= 0.0);
        assert!(entries[1].get("requestBody").is_none(), "bodies are off by default");
    }

    async fn the_journal_filters_and_clears(app: TestApp) {
        for _ in 0..3 {
            app.get("/crm/customer/nope").await;
        }
        app.post_json("/openapi/crm/nope/deeper", &json!({})).await;
        assert_eq!(app.get_json("/_emulator/requests?api=dingtalk").await.as_array().unwrap().len(), 3);
        assert_eq!(app.get_json("/_emulator/requests?status=404").await.as_array().unwrap().len(), 1);
        assert_eq!(app.get_json("/_emulator/requests?limit=2").await.as_array().unwrap().len(), 2);
        assert_eq!(app.get_json("/_emulator/requests?tenant=nobody").await.as_array().unwrap().len(), 0);
        let bad = app.get("/_emulator/requests?limit=many").await;
        assert_eq!(bad.status(), 400);
        assert!(json_of(bad).await["error"]["message"].as_str().unwrap().contains("limit"));

        let cleared = app.client.delete(app.url("/_emulator/requests")).send().await.unwrap();
        assert_eq!(cleared.status(), 200);
        assert!(app.get_json("/_emulator/requests").await.as_array().unwrap().is_empty());
    }

    async fn journal_size_bounds_the_journal(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.journal_size = 2).await;
        for _ in 0..5 {
            app.get("/crm/customer/nope").await;
        }
        assert_eq!(app.get_json("/_emulator/requests").await.as_array().unwrap().len(), 2);
    }

    async fn captured_bodies_have_secrets_redacted(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.journal_bodies = true).await;
        app.post_json("/crm/nope", &json!({"name": "n", "corpsecret": "hunter2", "deep": {"signature": "sig"}})).await;
        let entries = app.get_json("/_emulator/requests").await;
        let text = entries.to_string();
        assert!(!text.contains("hunter2") && !text.contains("\"sig\""), "{text}");
        assert_eq!(entries[0]["requestBody"]["name"], "n");
        assert_eq!(entries[0]["requestBody"]["corpsecret"], "[redacted]");
        assert_eq!(entries[0]["responseBody"]["errcode"], 404);
    }
}
