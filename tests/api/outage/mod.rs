//! When the database fails (docs/instances.md#when-the-database-fails): for each fault,
//! on the backend it applies to, every request is answered in its API's envelope as the
//! service failing (DingTalk errcode -1, OpenAPI 503, v1.0 503 `system.error`) within
//! the request timeout, health answers 503 naming the problem, requests succeed again
//! soon after the fault ends without a restart, and every acknowledged write is stored
//! exactly once.
//!
//! Postgres faults go through a TCP proxy (`proxy.rs`) that cuts or black-holes the
//! connections. SQLite's disk full needs a size-limited file system: a tmpfs mounted
//! for the test, which needs root with `CAP_SYS_ADMIN` (`build.rs` compiles the test in
//! only then; elsewhere it is reported as ignored, never passed).

mod postgres;
mod proxy;
mod sqlite;

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    dingtalk::Dt,
    dingtalk_v1::V1,
    helpers::*,
    openapi::{call, signed_headers, Body},
};
use crm_emulator::store::tenants::{DEFAULT_ACCOUNT_SECRET, DEFAULT_APPID};

/// The request timeout of the emulators under test, in seconds.
pub const REQUEST_TIMEOUT: u64 = 3;

/// How soon after a fault ends requests must succeed again: the contract's 5 s, with
/// room for a test machine busy with other tests.
pub const HEAL_WITHIN: Duration = Duration::from_secs(15);

/// One write through each API, each with a marker of its own as the customer's name,
/// and which of them were acknowledged.
pub struct Ledger<'a> {
    app: &'a TestApp,
    dt: Dt<'a>,
    v1: V1<'a>,
    run: String,
    count: usize,
    /// Markers whose write was acknowledged.
    pub acked: Vec<String>,
    /// Markers whose write was answered as a failure.
    pub failed: Vec<String>,
}

impl<'a> Ledger<'a> {
    /// Tokens of the well-known corp, while the database answers.
    pub async fn new(app: &'a TestApp) -> Ledger<'a> {
        Ledger {
            app,
            dt: Dt::new(app).await,
            v1: V1::new(app).await,
            run: uuid::Uuid::new_v4().simple().to_string()[..8].to_owned(),
            count: 0,
            acked: Vec::new(),
            failed: Vec::new(),
        }
    }

    fn marker(&mut self, api: &str) -> String {
        self.count += 1;
        format!("outage-{}-{api}-{}", self.run, self.count)
    }

    /// One write through each API; how many were acknowledged. A failure must be the
    /// API's answer for the service failing, and come within the request timeout (the
    /// client gives up after 30 s: a hang fails the test).
    pub async fn round(&mut self) -> usize {
        let dt = self.marker("dt");
        let mut body = crate::dingtalk::seed_create_body();
        body["customer"][0]["name"] = json!(dt);
        body["userIds"] = json!([]);
        let created = self
            .dt
            .post("/crm/customer/create?user_id=outage", &body)
            .await;
        let dt_ok = created["errcode"] == 0;
        if !dt_ok {
            assert_eq!(created["errcode"], -1, "DingTalk: {created}");
            assert!(
                created["errmsg"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("系统繁忙"),
                "{created}"
            );
        }
        let oa = self.marker("oa");
        let headers = signed_headers(self.app, DEFAULT_APPID, DEFAULT_ACCOUNT_SECRET);
        let added = call(
            self.app,
            Method::POST,
            "/openapi/crm/add",
            &headers,
            Body::Json(&json!({"customerName": oa})),
        )
        .await;
        let oa_ok = added.status == 200;
        if !oa_ok {
            assert_eq!(added.status, 503, "OpenAPI: {}", added.body);
            assert_eq!(added.body["code"], "503", "{}", added.body);
            assert_eq!(added.body["success"], false, "{}", added.body);
            assert!(added.body["traceId"].is_string(), "{}", added.body);
        }
        let v1 = self.marker("v1");
        let body = json!({"creatorUserId": "outage", "data": {"customer_name": v1}, "skipDuplicateCheck": true});
        let reply = self.v1.post("/v1.0/crm/personalCustomers", &body).await;
        let v1_ok = reply.status == 200;
        if !v1_ok {
            assert_eq!(reply.status, 503, "v1.0: {}", reply.body);
            assert_eq!(reply.body["code"], "system.error", "{}", reply.body);
            assert!(reply.body["requestid"].is_string(), "{}", reply.body);
        }
        let mut acked = 0;
        for (marker, ok) in [(dt, dt_ok), (oa, oa_ok), (v1, v1_ok)] {
            if ok {
                acked += 1;
                self.acked.push(marker);
            } else {
                self.failed.push(marker);
            }
        }
        acked
    }

    /// `n` DingTalk creates at once (more than a pool holds connections), each answered
    /// as a success or as the service failing; how many succeeded. Their markers join
    /// the ledger.
    pub async fn burst(&mut self, n: usize) -> usize {
        let markers: Vec<String> = (0..n).map(|_| self.marker("burst")).collect();
        let dt = &self.dt;
        let answers = futures_util::future::join_all(markers.iter().map(|marker| async move {
            let mut body = crate::dingtalk::seed_create_body();
            body["customer"][0]["name"] = json!(marker);
            body["userIds"] = json!([]);
            dt.post("/crm/customer/create?user_id=outage", &body).await
        }))
        .await;
        let mut acked = 0;
        for (marker, answer) in markers.into_iter().zip(answers) {
            if answer["errcode"] == 0 {
                acked += 1;
                self.acked.push(marker);
            } else {
                assert_eq!(answer["errcode"], -1, "DingTalk: {answer}");
                self.failed.push(marker);
            }
        }
        acked
    }

    /// Rounds until all three writes of one are acknowledged; how long that took.
    pub async fn until_healed(&mut self) -> Duration {
        let started = Instant::now();
        while self.round().await < 3 {
            assert!(
                started.elapsed() < HEAL_WITHIN,
                "no full round of writes succeeded within {HEAL_WITHIN:?} of the fault's end"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        started.elapsed()
    }

    /// Every acknowledged write is stored exactly once, and no failed one twice.
    pub async fn verify(&self, database_url: &str) {
        for marker in &self.acked {
            let stored = stored(database_url, marker).await;
            assert_eq!(
                stored, 1,
                "the acknowledged write {marker} is stored {stored} times"
            );
        }
        for marker in &self.failed {
            let stored = stored(database_url, marker).await;
            assert!(
                stored <= 1,
                "the failed write {marker} is stored {stored} times"
            );
        }
    }
}

/// How many customers named `marker` the database holds (DingTalk and v1.0 customers
/// share a table; OpenAPI's have their own).
async fn stored(database_url: &str, marker: &str) -> i64 {
    const COUNT: &str = "SELECT (SELECT COUNT(*) FROM dt_customers WHERE name = $1) \
                         + (SELECT COUNT(*) FROM oa_customers WHERE customer_name = $1)";
    let mut conn = connect_directly(database_url).await;
    sqlx::query_scalar(COUNT)
        .bind(marker)
        .fetch_one(&mut conn)
        .await
        .expect("count")
}

/// `/_emulator/health` until it answers `status` (a check's answer is kept for a
/// second); its body.
pub async fn health_becomes(app: &TestApp, status: u16) -> Value {
    let started = Instant::now();
    loop {
        let response = app.get("/_emulator/health").await;
        let now = response.status().as_u16();
        let body = json_of(response).await;
        if now == status {
            return body;
        }
        assert!(
            started.elapsed() < HEAL_WITHIN,
            "health stayed {now}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The journal's newest entries.
pub async fn journal(app: &TestApp) -> Vec<Value> {
    let body = app.get_json("/_emulator/requests?limit=500").await;
    body.as_array()
        .cloned()
        .or_else(|| body["requests"].as_array().cloned())
        .unwrap_or_default()
}

crate::both_backends! {
    async fn a_write_answered_at_its_deadline_is_journaled_with_an_unknown_outcome(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| config.request_timeout = 1).await;
        let fault = json!({"api": "openapi", "latencyMs": 1500});
        assert_eq!(app.post_json("/_emulator/faults", &fault).await.status(), 201);
        let headers = signed_headers(&app, DEFAULT_APPID, DEFAULT_ACCOUNT_SECRET);
        let add = json!({"customerName": "deadline"});
        let added = call(&app, Method::POST, "/openapi/crm/add", &headers, Body::Json(&add)).await;
        assert_eq!(added.status, 503, "{}", added.body);
        assert_eq!(added.body["code"], "503", "{}", added.body);
        assert_eq!(added.body["message"], "request timed out", "{}", added.body);
        let listed = call(&app, Method::GET, "/openapi/crm/123", &headers, Body::None).await;
        assert_eq!(listed.status, 503, "{}", listed.body);

        let entries = journal(&app).await;
        let entry = |path: &str| entries.iter().find(|e| e["path"] == path).cloned().unwrap_or_else(|| panic!("no entry for {path}: {entries:?}"));
        let write = entry("/openapi/crm/add");
        assert_eq!(write["outcome"], "unknown", "{write}");
        assert_eq!(write["code"], "503", "{write}");
        let read = entry("/openapi/crm/123");
        assert!(read.get("outcome").is_none(), "a read has no outcome to doubt: {read}");
    }
}
