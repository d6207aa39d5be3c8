//! `GET /_emulator/metrics` (`docs/control-plane.md#metrics`): exact counts after a known
//! mix of requests.

use std::collections::HashMap;

use serde_json::json;

use crate::both_backends;
use crate::dingtalk::Dt;
use crate::helpers::*;
use crate::openapi::{send, with, Oa};

/// Every sample of the exposition, `name{labels}` → value (labels as printed, sorted
/// by name as the encoder prints them).
async fn scrape(app: &TestApp) -> HashMap<String, f64> {
    let response = app.get("/_emulator/metrics").await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (sample, value) = line.rsplit_once(' ').expect("a sample line");
            (sample.to_owned(), value.parse().expect("a number"))
        })
        .collect()
}

fn value(samples: &HashMap<String, f64>, sample: &str) -> f64 {
    samples
        .get(sample)
        .copied()
        .unwrap_or_else(|| panic!("no sample {sample} in {samples:#?}"))
}

both_backends! {
    async fn requests_are_counted_by_route_template_status_and_code(app: TestApp) {
        let dt = Dt::new(&app).await;
        let id = dt.create_customer("acme", "zhangsan").await;
        for _ in 0..3 {
            dt.get(&format!("/crm/customer/get?id={id}")).await;
        }
        dt.get("/crm/customer/get?id=100000000000000001").await;
        crate::dingtalk::raw_get(&app, "/crm/customer/list?access_token=nope").await;
        let oa = Oa::default(&app).await;
        oa.add(json!({"customerName": "x"})).await;
        let warned = oa.post("/openapi/crm/list", &json!({"limit": 500})).await;
        assert_eq!(warned.status, 200);
        let forged = with(&oa.headers(), "signature", "bogus");
        send(&app, reqwest::Method::POST, "/openapi/crm/list", &forged, Some(&json!({}))).await;
        app.get("/nowhere").await;
        let fault = json!({"api": "openapi", "path": "/openapi/crm/*", "status": 503, "times": 1});
        assert_eq!(app.post_json("/_emulator/faults", &fault).await.status(), 201);
        oa.get(&format!("/openapi/crm/{id}")).await;

        let samples = scrape(&app).await;
        let requests = |api: &str, code: &str, route: &str, status: u16| {
            value(&samples, &format!("crm_emulator_requests_total{{api=\"{api}\",code=\"{code}\",route=\"{route}\",status=\"{status}\"}}"))
        };
        assert_eq!(requests("dingtalk", "0", "/gettoken", 200), 1.0);
        assert_eq!(requests("dingtalk", "0", "/crm/customer/create", 200), 1.0);
        assert_eq!(requests("dingtalk", "0", "/crm/customer/get", 200), 3.0);
        assert_eq!(requests("dingtalk", "40035", "/crm/customer/get", 200), 1.0);
        assert_eq!(requests("dingtalk", "40014", "/crm/customer/list", 200), 1.0);
        assert_eq!(requests("dingtalk", "404", "unmatched", 200), 1.0, "never the raw path");
        assert_eq!(requests("openapi", "200", "/openapi/crm/add", 200), 1.0);
        assert_eq!(requests("openapi", "200", "/openapi/crm/list", 200), 1.0);
        assert_eq!(requests("openapi", "401", "/openapi/crm/list", 401), 1.0);
        assert_eq!(requests("openapi", "503", "/openapi/crm/{id}", 503), 1.0, "a fault's answer counts like any other");
        assert_eq!(requests("admin", "201", "/_emulator/faults", 201), 1.0);
        let histogram = "crm_emulator_request_duration_seconds_count{api=\"dingtalk\",route=\"/crm/customer/get\"}";
        assert_eq!(value(&samples, histogram), 4.0);
        let bucket = "crm_emulator_request_duration_seconds_bucket{api=\"dingtalk\",route=\"/crm/customer/get\",le=\"+Inf\"}";
        assert_eq!(value(&samples, bucket), 4.0);
        assert_eq!(value(&samples, "crm_emulator_rule_warnings_total{rule=\"openapi.list.limit\"}"), 1.0);
        assert_eq!(value(&samples, "crm_emulator_rule_warnings_total{rule=\"dingtalk.employee.known\"}"), 1.0);
        assert_eq!(value(&samples, "crm_emulator_faults_injected_total{api=\"openapi\"}"), 1.0);
        assert_eq!(value(&samples, "crm_emulator_auth_failures_total{api=\"dingtalk\",reason=\"token_unknown\"}"), 1.0);
        assert_eq!(value(&samples, "crm_emulator_auth_failures_total{api=\"openapi\",reason=\"signature\"}"), 1.0);
        let backend = match app.backend { Backend::Sqlite => "sqlite", Backend::Postgres => "postgres" };
        let build = format!("crm_emulator_build_info{{backend=\"{backend}\",version=\"{}\"}}", env!("CARGO_PKG_VERSION"));
        assert_eq!(value(&samples, &build), 1.0);
        assert!(value(&samples, "crm_emulator_db_connections{state=\"idle\"}") >= 0.0);
        assert!(value(&samples, "crm_emulator_db_connections{state=\"in_use\"}") >= 0.0);
    }

    async fn with_an_admin_token_metrics_need_the_bearer(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.admin_token = Some("t0k".parse().unwrap())).await;
        assert_eq!(app.get("/_emulator/metrics").await.status(), 401);
        let scraped = app.client.get(app.url("/_emulator/metrics")).bearer_auth("t0k").send().await.unwrap();
        assert_eq!(scraped.status(), 200);
        let text = scraped.text().await.unwrap();
        assert!(text.contains("crm_emulator_requests_total{api=\"admin\",code=\"401\",route=\"/_emulator/metrics\",status=\"401\"} 1"), "{text}");
    }
}
