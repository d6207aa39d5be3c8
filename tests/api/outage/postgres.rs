//! Postgres cut off (every connection reset, as at a restart or a crash) and black-holed
//! (nothing forwarded, nothing said, as in a partition): the emulator answers in the
//! envelopes, says so in health, and heals by itself once new connections get through
//! — for a black hole, with every old connection still hanging.

use std::net::{SocketAddr, ToSocketAddrs};

use super::{
    proxy::{Fault, Proxy},
    *,
};

/// An emulator on a fresh Postgres database reached through a proxy.
async fn behind_proxy() -> (TestApp, Proxy, String) {
    require_postgres();
    let database = TestDatabase::create(Backend::Postgres)
        .await
        .expect("the Postgres leg");
    let real = database.url().to_owned();
    let url = url::Url::parse(&real).expect("a Postgres URL");
    let host = url.host_str().unwrap_or("127.0.0.1").to_owned();
    let port = url.port().unwrap_or(5432);
    let upstream: SocketAddr = (host.as_str(), port)
        .to_socket_addrs()
        .expect("resolve the Postgres host")
        .next()
        .expect("an address");
    let proxy = Proxy::start(upstream).await;
    let mut proxied = url.clone();
    proxied.set_host(Some("127.0.0.1")).expect("a host");
    proxied.set_port(Some(proxy.addr.port())).expect("a port");
    let proxied = proxied.to_string();
    let app = TestApp::spawn_on(database, Backend::Postgres, |config| {
        config.database_url = Some(proxied);
        config.request_timeout = REQUEST_TIMEOUT;
    })
    .await;
    (app, proxy, real)
}

/// The fault's course, the same for each fault.
async fn outage(fault: Fault) {
    let (app, proxy, real_url) = behind_proxy().await;
    let mut ledger = Ledger::new(&app).await;
    assert_eq!(
        ledger.round().await,
        3,
        "before the fault every write succeeds"
    );

    // Every connection of the pool open and just used (a connection idle for a second
    // is tested before it is handed out, one in steady use is not): then, at once, more
    // requests than the pool has connections, which in a black hole are each abandoned
    // at their deadline on a connection that never answers.
    assert_eq!(
        ledger.burst(24).await,
        24,
        "before the fault every write succeeds"
    );
    proxy.set(fault);
    assert_eq!(
        ledger.burst(24).await,
        0,
        "a write succeeded during {fault:?}"
    );
    // The first writes may still meet a connection the fault has not reached yet;
    // soon every one fails, in its envelope.
    let mut failed_rounds = 0;
    for _ in 0..20 {
        if ledger.round().await == 0 {
            failed_rounds += 1;
            if failed_rounds == 2 {
                break;
            }
        }
    }
    assert_eq!(failed_rounds, 2, "writes kept succeeding during {fault:?}");
    let health = health_becomes(&app, 503).await;
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["database"], "postgres", "{health}");
    assert_eq!(health["problem"], "unreachable", "{health}");
    assert_eq!(app.get("/_emulator/live").await.status(), 200);

    proxy.set(Fault::None);
    let took = ledger.until_healed().await;
    println!("{fault:?}: healed {took:?} after the fault ended");
    let health = health_becomes(&app, 200).await;
    assert_eq!(health["status"], "ok", "{health}");
    // Healed for good: more rounds succeed, on new connections.
    for _ in 0..3 {
        assert_eq!(ledger.round().await, 3, "a write failed after healing");
    }
    ledger.verify(&real_url).await;

    // The change listener subscribed again: a clock moved through another instance
    // (on its own connection, never cut) reaches this one.
    let other = app.spawn_beside_on(&real_url).await;
    let moved = other
        .post_json("/_emulator/clock", &json!({"advanceSeconds": 3600}))
        .await;
    assert_eq!(moved.status(), 200);
    let started = std::time::Instant::now();
    while app.get_json("/_emulator/clock").await["offsetSeconds"] != 3600 {
        assert!(
            started.elapsed() < HEAL_WITHIN,
            "the change listener never heard again"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    println!(
        "{fault:?}: a change by another instance heard after {:?}",
        started.elapsed()
    );

    // An entry marked `outcome unknown` is a write answered as a failure. (Entries of
    // the outage itself may be lost: the journal lives in the same database.)
    for entry in journal(&app).await {
        if entry.get("outcome").is_some() {
            assert_eq!(entry["outcome"], "unknown", "{entry}");
            assert_ne!(entry["method"], "GET", "{entry}");
            let code = entry["code"].as_str().unwrap_or_default();
            assert!(["-1", "503", "system.error"].contains(&code), "{entry}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "the Postgres leg: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn postgres_connections_reset() {
    outage(Fault::Cut).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "the Postgres leg: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
async fn postgres_black_holed() {
    outage(Fault::BlackHole).await;
}
