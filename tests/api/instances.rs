//! Several instances on one Postgres database behave as one emulator
//! (`docs/instances.md#shared-state`): two in-process instances, A and B, share a test
//! database. These tests need Postgres: on SQLite each process keeps its runtime state to
//! itself.

use std::{
    collections::HashSet,
    sync::Arc,
    time::{Duration, Instant},
};

use serde_json::{json, Value};

use crate::{
    helpers::*,
    openapi::{send, signed_headers},
};

/// How long a change through one instance may take to be in force on another.
const PROPAGATION_LIMIT: Duration = Duration::from_secs(1);

/// Two instances on one fresh Postgres database, or `None` without the Postgres leg.
async fn two_instances() -> (TestApp, TestApp) {
    require_postgres();
    let a = TestApp::spawn(Backend::Postgres).await;
    let b = a.spawn_beside().await;
    (a, b)
}

/// Asks `probe` until it answers `true`, at most for [`PROPAGATION_LIMIT`] and then
/// some; how long that took.
async fn time_until<F, Fut>(mut probe: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !probe().await {
        assert!(
            started.elapsed() < PROPAGATION_LIMIT * 3,
            "no change seen after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    started.elapsed()
}

async fn errcode(app: &TestApp, path: &str) -> i64 {
    app.get_json(path).await["errcode"]
        .as_i64()
        .unwrap_or(i64::MIN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "Postgres only: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn a_fault_set_through_one_instance_fires_on_the_other_and_its_times_are_spent_across_both() {
    let (a, b) = two_instances().await;
    let rule =
        json!({"api": "dingtalk", "path": "/crm/customer/list", "errcode": 45009, "times": 3});
    assert_eq!(a.post_json("/_emulator/faults", &rule).await.status(), 201);
    // Without a token the call answers 41001; the fault answers 45009 before that.
    let seen = time_until(|| async { errcode(&b, "/crm/customer/list").await == 45009 }).await;
    eprintln!("a fault added through A fired on B after {seen:?}");
    assert!(seen < PROPAGATION_LIMIT, "{seen:?}");
    assert_eq!(
        errcode(&a, "/crm/customer/list").await,
        45009,
        "second firing, on A"
    );
    assert_eq!(
        errcode(&b, "/crm/customer/list").await,
        45009,
        "third firing, on B"
    );
    assert_eq!(
        errcode(&a, "/crm/customer/list").await,
        41001,
        "the budget is spent"
    );
    assert_eq!(errcode(&b, "/crm/customer/list").await, 41001, "on both");
    for app in [&a, &b] {
        let rules = app.get_json("/_emulator/faults").await;
        assert_eq!(rules[0]["fired"], 3, "{rules}");
    }
    assert_eq!(
        b.client
            .delete(b.url("/_emulator/faults"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(a.get_json("/_emulator/faults").await, json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "Postgres only: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn a_clock_moved_through_one_instance_is_moved_on_the_other() {
    let (a, b) = two_instances().await;
    let token = a
        .get_json("/gettoken?corpid=dingemulator&corpsecret=emulator-secret")
        .await;
    let token = token["access_token"].as_str().unwrap().to_owned();
    let list = format!("/crm/customer/list?access_token={token}");
    assert_eq!(errcode(&b, &list).await, 0);
    let moved = a
        .post_json("/_emulator/clock", &json!({"advanceSeconds": 7201}))
        .await;
    assert_eq!(json_of(moved).await["offsetSeconds"], 7201);
    let seen =
        time_until(|| async { b.get_json("/_emulator/clock").await["offsetSeconds"] == 7201 })
            .await;
    eprintln!("a clock moved through A was moved on B after {seen:?}");
    assert!(seen < PROPAGATION_LIMIT, "{seen:?}");
    assert_eq!(
        errcode(&b, &list).await,
        42001,
        "the token expired on B's clock too"
    );
    // Moves through different instances add up.
    b.post_json("/_emulator/clock", &json!({"advanceSeconds": -7200}))
        .await;
    let seen =
        time_until(|| async { a.get_json("/_emulator/clock").await["offsetSeconds"] == 1 }).await;
    assert!(seen < PROPAGATION_LIMIT, "{seen:?}");
    a.post_json("/_emulator/clock", &json!({"reset": true}))
        .await;
    time_until(|| async { b.get_json("/_emulator/clock").await["offsetSeconds"] == 0 }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "Postgres only: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn the_journal_of_one_instance_lists_the_requests_the_other_served() {
    let (a, b) = two_instances().await;
    let (id_a, id_b) = (a.state.instance.id(), b.state.instance.id());
    assert_ne!(id_a, id_b);
    a.get("/crm/customer/get?from=a").await;
    b.get("/crm/customer/get?from=b").await;
    let journal = || async { a.get_json("/_emulator/requests").await };
    time_until(|| async { journal().await.as_array().map(Vec::len) == Some(2) }).await;
    let entries = journal().await.as_array().cloned().unwrap_or_default();
    let served: Vec<(Value, Value)> = entries
        .iter()
        .map(|e| (e["query"].clone(), e["instance"].clone()))
        .collect();
    assert_eq!(
        served,
        [
            (json!("from=b"), json!(id_b)),
            (json!("from=a"), json!(id_a))
        ],
        "newest first, each with the instance that served it"
    );
    // B lists the same journal, and a clear through B empties it for both.
    assert_eq!(
        b.get_json("/_emulator/requests")
            .await
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    b.client
        .delete(b.url("/_emulator/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(a.get_json("/_emulator/requests").await, json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "Postgres only: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn a_secret_changed_through_one_instance_is_refused_on_the_other_within_a_second() {
    let (a, b) = two_instances().await;
    let signed_list = |secret: &'static str| {
        let b = &b;
        async move {
            let headers = signed_headers(b, "1090", secret);
            send(
                b,
                reqwest::Method::POST,
                "/openapi/crm/list",
                &headers,
                Some(&json!({})),
            )
            .await
            .status
        }
    };
    assert_eq!(
        signed_list("emulator-secret").await,
        200,
        "B now trusts its cached account"
    );
    let patch = a
        .client
        .patch(a.url("/_emulator/openapi/accounts/1090"))
        .json(&json!({"secret": "rotated"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 200);
    let delay = time_until(|| async { signed_list("emulator-secret").await == 401 }).await;
    eprintln!("measured invalidation delay (secret changed through A, refused on B): {delay:?}");
    assert!(delay < PROPAGATION_LIMIT, "{delay:?}");
    assert_eq!(signed_list("rotated").await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "Postgres only: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn a_custom_field_added_through_one_instance_is_in_force_on_the_other_within_a_second() {
    let (a, b) = two_instances().await;
    let add_without_it = || async {
        let headers = signed_headers(&b, "1090", "emulator-secret");
        let body = json!({"customerName": "no note"});
        send(
            &b,
            reqwest::Method::POST,
            "/openapi/crm/add",
            &headers,
            Some(&body),
        )
        .await
        .status
    };
    assert_eq!(
        add_without_it().await,
        200,
        "B now trusts its cached field list"
    );
    let field = json!({"field": "f_note", "name": "备注", "type": "text", "required": true});
    let created = a
        .post_json("/_emulator/openapi/accounts/1090/fields", &field)
        .await;
    assert_eq!(created.status(), 201);
    let delay = time_until(|| async { add_without_it().await == 400 }).await;
    eprintln!(
        "measured invalidation delay (required field added through A, enforced on B): {delay:?}"
    );
    assert!(delay < PROPAGATION_LIMIT, "{delay:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "Postgres only: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn a_corp_deleted_through_one_instance_is_refused_on_the_other_within_a_second() {
    let (a, b) = two_instances().await;
    let token = b
        .get_json("/gettoken?corpid=dingemulator&corpsecret=emulator-secret")
        .await;
    let list = format!(
        "/crm/customer/list?access_token={}",
        token["access_token"].as_str().unwrap()
    );
    assert_eq!(errcode(&b, &list).await, 0, "B now trusts its cached token");
    let deleted = a
        .client
        .delete(a.url("/_emulator/dingtalk/corps/dingemulator"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    let delay = time_until(|| async { errcode(&b, &list).await == 40014 }).await;
    eprintln!(
        "measured invalidation delay (corp deleted through A, token refused on B): {delay:?}"
    );
    assert!(delay < PROPAGATION_LIMIT, "{delay:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "Postgres only: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn a_customer_changed_through_one_instance_is_read_back_changed_on_the_other() {
    let (a, b) = two_instances().await;
    let token = a
        .get_json("/gettoken?corpid=dingemulator&corpsecret=emulator-secret")
        .await;
    let token = token["access_token"].as_str().unwrap().to_owned();
    let created = a
        .post_json(
            &format!("/crm/customer/create?access_token={token}&user_id=u1"),
            &json!({"customer": {"name": "before", "address": "a", "description": "d", "telephone": "1"}, "create_by": "t"}),
        )
        .await;
    let id = json_of(created).await["customerid"]
        .as_str()
        .unwrap()
        .to_owned();
    let get = format!("/crm/customer/get?access_token={token}&id={id}");
    assert_eq!(
        b.get_json(&get).await["customer"]["name"],
        "before",
        "B caches the detail"
    );
    let update = format!("/crm/customer/update?access_token={token}&user_id=u1");
    let updated = a
        .post_json(&update, &json!({"id": id, "name": "after"}))
        .await;
    assert_eq!(json_of(updated).await["errcode"], 0);
    let delay =
        time_until(|| async { b.get_json(&get).await["customer"]["name"] == "after" }).await;
    eprintln!("a customer updated through A was read back updated on B after {delay:?}");
    assert!(delay < PROPAGATION_LIMIT, "{delay:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "Postgres only: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn after_300_starts_two_live_instances_take_4000_concurrent_adds_with_unique_ids() {
    require_postgres();
    let first = TestApp::spawn(Backend::Postgres).await;
    // 300 starts (and clean stops) on the same database. The second live instance is
    // registered exactly 256 after the first: with worker numbers taken as the
    // registration number mod 256, as before leases, the two would share one.
    let start_and_stop = || async {
        first.spawn_beside().await.stop().await;
    };
    for _ in 0..255 {
        start_and_stop().await;
    }
    let second = first.spawn_beside().await;
    for _ in 0..45 {
        start_and_stop().await;
    }
    let (id_a, id_b) = (first.state.instance.id(), second.state.instance.id());
    assert_eq!((id_b - id_a) % 256, 0, "{id_a} {id_b}");
    let live = first.get_json("/_emulator/instances").await;
    let live = live.as_array().unwrap();
    assert_eq!(live.len(), 2, "{live:?}");
    assert_ne!(live[0]["worker"], live[1]["worker"], "{live:?}");
    for instance in live {
        assert_eq!(instance["version"], env!("CARGO_PKG_VERSION"));
        assert!(
            instance["startedAt"].as_str().is_some() && instance["lastSeen"].as_str().is_some()
        );
    }

    let apps = Arc::new([first, second]);
    let permits = Arc::new(tokio::sync::Semaphore::new(64));
    let mut adds = tokio::task::JoinSet::new();
    for i in 0..4000usize {
        let (apps, permits) = (apps.clone(), permits.clone());
        adds.spawn(async move {
            let _permit = permits.acquire().await.expect("a permit");
            let app = &apps[i % 2];
            let headers = signed_headers(app, "1090", "emulator-secret");
            let body = json!({"customerName": format!("load {i}")});
            send(
                app,
                reqwest::Method::POST,
                "/openapi/crm/add",
                &headers,
                Some(&body),
            )
            .await
        });
    }
    let (mut ids, mut failures) = (HashSet::new(), Vec::new());
    while let Some(reply) = adds.join_next().await {
        let reply = reply.expect("an add task");
        match reply.body["data"]["_id"].as_str() {
            Some(id) if reply.status == 200 => {
                assert!(ids.insert(id.to_owned()), "id {id} was handed out twice");
            }
            _ => failures.push(format!("{} {}", reply.status, reply.body)),
        }
    }
    assert_eq!(
        failures.len(),
        0,
        "{:?}",
        &failures[..failures.len().min(5)]
    );
    assert_eq!(ids.len(), 4000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "Postgres only: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn a_postgres_url_with_sslmode_require_connects_over_tls() {
    require_postgres();
    let database = TestDatabase::create(Backend::Postgres)
        .await
        .expect("a test database");
    let plain = database.url().to_owned();
    let tls = format!("{plain}?sslmode=require");
    let app = TestApp::spawn_on(database, Backend::Postgres, |config| {
        config.database_url = Some(tls);
    })
    .await;
    assert_eq!(app.get("/_emulator/health").await.status(), 200);
    // The server's own view: every connection of the emulator to this database is TLS.
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&plain)
        .await
        .unwrap();
    let name = plain.rsplit('/').next().unwrap().to_owned();
    let (tls_connections, plain_connections): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE s.ssl), COUNT(*) FILTER (WHERE NOT s.ssl) \
         FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
         WHERE a.datname = $1 AND a.pid <> pg_backend_pid()",
    )
    .bind(&name)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert!(
        tls_connections >= 2,
        "{tls_connections} TLS connections (pool and listener)"
    );
    assert_eq!(plain_connections, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "Postgres only: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn sslmode_verify_full_refuses_a_server_certificate_no_trusted_root_signed() {
    require_postgres();
    // The local server's certificate is self-signed: not signed by any bundled root.
    let database = TestDatabase::create(Backend::Postgres)
        .await
        .expect("a test database");
    let mut config =
        crm_emulator::Config::for_tests(format!("{}?sslmode=verify-full", database.url()));
    config.database_url = config
        .database_url
        .map(|u| u.replace("127.0.0.1", "localhost"));
    let listener = tokio::net::TcpListener::bind(config.bind).await.unwrap();
    let refused = crm_emulator::App::build(config, listener).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("cannot connect to the database"),
        "{message}"
    );
}
