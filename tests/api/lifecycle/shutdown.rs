//! SIGTERM: requests in flight finish and the process exits 0; a client that never
//! finishes its request head cannot hold the process past the grace period.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::{io::AsyncWriteExt, net::TcpStream};

use super::Emulator;
use crate::{both_backends, dingtalk::seed_create_body, helpers::*};

/// How long each request of the in-flight test stays in the server (a fault's latency).
const LATENCY_MS: u64 = 1500;

both_backends! {
    async fn sigterm_lets_requests_in_flight_finish_and_exits_0(backend: Backend) {
        let database = TestDatabase::create(backend).await.expect("a database");
        let mut emulator = Emulator::start(database.url(), &[]).await;
        let token = emulator.dingtalk_token().await;
        for api in ["openapi", "dingtalk"] {
            let path = if api == "openapi" { "/openapi/crm/add" } else { "/crm/customer/create" };
            let fault = json!({"api": api, "path": path, "latencyMs": LATENCY_MS});
            let added = emulator.client.post(emulator.url("/_emulator/faults")).json(&fault).send().await.expect("POST fault");
            assert_eq!(added.status(), 201);
        }
        let mut requests = Vec::new();
        for i in 0..4 {
            let add = emulator.signed_post("/openapi/crm/add", &json!({"customerName": format!("in flight {i}")}));
            requests.push(tokio::spawn(add.send()));
            let create = emulator.client
                .post(emulator.url(&format!("/crm/customer/create?user_id=li&access_token={token}")))
                .json(&seed_create_body());
            requests.push(tokio::spawn(create.send()));
        }
        wait_until_fired(&emulator, requests.len() as u64).await;

        emulator.signal("TERM");
        for request in requests {
            let response = request.await.expect("the request task").expect("an answer after SIGTERM");
            assert_eq!(response.status(), 200);
            let body: Value = response.json().await.expect("a JSON answer");
            assert!(body["errcode"] == 0 || body["success"] == true, "{body}");
        }
        let status = emulator.exit(Duration::from_secs(10)).await;
        assert_eq!(status.and_then(|s| s.code()), Some(0), "{}", emulator.logs());
    }

    async fn sigterm_with_a_stalled_client_exits_within_the_grace_period(backend: Backend) {
        let database = TestDatabase::create(backend).await.expect("a database");
        // The header-read timeout is far off: only the grace period can end the wait.
        let args = ["--shutdown-grace", "1", "--header-read-timeout", "60"];
        let mut emulator = Emulator::start(database.url(), &args).await;
        let mut stalled = TcpStream::connect(emulator.addr).await.expect("connect");
        stalled.write_all(b"POST /openapi/crm/list HTTP/1.1\r\nhost: emulator\r\n").await.expect("half a head");
        let served = emulator.client.get(emulator.url("/_emulator/health")).send().await.expect("health");
        assert_eq!(served.status(), 200, "the server is up and has taken the stalled connection");

        let signalled = Instant::now();
        emulator.signal("TERM");
        let status = emulator.exit(Duration::from_secs(15)).await;
        let took = signalled.elapsed();
        assert_eq!(status.and_then(|s| s.code()), Some(0), "still running after {took:?}: {}", emulator.logs());
        assert!(took < Duration::from_secs(4), "exited {took:?} after SIGTERM; the grace period is 1 s");
    }
}

/// Waits until the faults have fired `count` times: every request is inside the server.
async fn wait_until_fired(emulator: &Emulator, count: u64) {
    let started = Instant::now();
    loop {
        let faults: Value = emulator
            .client
            .get(emulator.url("/_emulator/faults"))
            .send()
            .await
            .expect("GET faults")
            .json()
            .await
            .expect("a JSON answer");
        let fired: u64 = faults
            .as_array()
            .expect("a list")
            .iter()
            .map(|f| f["fired"].as_u64().unwrap_or(0))
            .sum();
        if fired >= count {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "only {fired} of {count} requests arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
