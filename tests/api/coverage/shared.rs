//! Where the counts live: reset, kept across a restart, shared by the instances on one
//! Postgres, not bounded by the journal.

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::both_backends;

/// `n` successful lists of `corpid`'s customers through `app`.
async fn lists(app: &TestApp, token: &str, n: usize) {
    for _ in 0..n {
        let answer = app
            .get_json(&format!("/crm/customer/list?access_token={token}"))
            .await;
        assert_eq!(answer["errcode"], 0, "{answer}");
    }
}

fn oks(report: &Value, tenant: &str, operation: &str) -> i64 {
    let entry = entry(report, Some(tenant), operation);
    counted(entry)
        .iter()
        .find(|(o, ..)| o == "ok")
        .map_or(0, |(_, count, _)| *count)
}

both_backends! {
    async fn a_reset_forgets_the_counts_it_names(app: TestApp) {
        corp(&app, "covcorp", "lenient", None).await;
        account(&app, "covacct").await;
        let token = token(&app, "covcorp").await;
        lists(&app, &token, 2).await;
        let _ = signed(&app, "covacct", Method::POST, "/openapi/crm/list", json!({})).await;
        let before = report(&app, "").await;
        assert_eq!(oks(&before, "covcorp", "GET /crm/customer/list"), 2);

        let body = json!({"api": "dingtalk", "tenant": "covcorp"});
        let response = app.post_json("/_emulator/coverage/reset", &body).await;
        assert_eq!(response.status(), 200);
        let reset = json_of(response).await;
        assert_eq!(reset["reset"], true);
        let after = report(&app, "").await;
        assert!(after["operations"].as_array().unwrap().iter().all(|e| e["api"] != "dingtalk"));
        assert_eq!(oks(&after, "covacct", "POST /openapi/crm/list"), 1, "other counts stay");
        assert!(after["since"].as_str() >= before["since"].as_str());
        assert_eq!(after["since"], reset["since"]);

        let response = app.post_json("/_emulator/coverage/reset", &json!({})).await;
        assert_eq!(response.status(), 200);
        let empty = report(&app, "").await;
        assert_eq!(empty["operations"], json!([]));
        assert_eq!(
            empty["summary"],
            json!({"operations": {"covered": 0, "total": 0}, "outcomes": {"covered": 0, "total": 0}})
        );
    }

    async fn counts_survive_a_restart(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        corp(&app, "covcorp", "lenient", None).await;
        let token = token(&app, "covcorp").await;
        lists(&app, &token, 3).await;
        // No report before the stop: the shutdown writes the last counts.
        let database = app.stop().await;
        let app = TestApp::spawn_on(database, backend, |_| {}).await;
        lists(&app, &token, 1).await;
        let report = report(&app, "?tenant=covcorp&api=dingtalk").await;
        assert_eq!(oks(&report, "covcorp", "GET /crm/customer/list"), 4);
        assert_eq!(oks(&report, "covcorp", "GET /gettoken"), 1);
    }

    async fn counting_is_not_bounded_by_the_journal(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| config.journal_size = 2).await;
        corp(&app, "covcorp", "lenient", None).await;
        let token = token(&app, "covcorp").await;
        lists(&app, &token, 7).await;
        let journal = app.get_json("/_emulator/requests").await;
        assert_eq!(journal.as_array().unwrap().len(), 2);
        let report = report(&app, "?tenant=covcorp&api=dingtalk").await;
        assert_eq!(oks(&report, "covcorp", "GET /crm/customer/list"), 7);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "Postgres only: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn two_instances_on_one_postgres_count_together() {
    require_postgres();
    let a = TestApp::spawn(Backend::Postgres).await;
    let b = a.spawn_beside().await;
    corp(&a, "covcorp", "lenient", None).await;
    let token = token(&a, "covcorp").await;
    lists(&a, &token, 3).await;
    lists(&b, &token, 2).await;
    // Each report writes its own instance's counts first: A's, then B's.
    let _ = report(&a, "").await;
    let report = report(&b, "?tenant=covcorp&api=dingtalk").await;
    assert_eq!(oks(&report, "covcorp", "GET /crm/customer/list"), 5);
    let from_a = super::report(&a, "?tenant=covcorp&api=dingtalk").await;
    assert_eq!(oks(&from_a, "covcorp", "GET /crm/customer/list"), 5);
}
