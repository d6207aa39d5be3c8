//! The service foundation: health, request ids, surface envelopes for the router's own
//! answers, default tenants, start-up failures.

use std::process::Command;

use crate::both_backends;
use crate::helpers::*;
use crm_emulator::store::tenants::{DEFAULT_APPID, DEFAULT_CORPID};

both_backends! {
    async fn health_reports_version_backend_and_uptime(app: TestApp) {
        let response = app.get("/_emulator/health").await;
        assert_eq!(response.status(), 200);
        let body = json_of(response).await;
        assert_eq!(body["status"], "ok");
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
        let expected = match app.backend { Backend::Sqlite => "sqlite", Backend::Postgres => "postgres" };
        assert_eq!(body["database"], expected);
        assert!(body["uptimeSeconds"].is_u64());
    }

    async fn health_is_503_when_the_database_cannot_be_reached(app: TestApp) {
        app.state.store.close().await;
        let response = app.get("/_emulator/health").await;
        assert_eq!(response.status(), 503);
        let body = json_of(response).await;
        assert_eq!(body["status"], "degraded");
        assert_eq!(body["problem"], "unreachable");
    }

    async fn first_start_creates_the_default_tenants_once(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let corp = app.state.store.dingtalk().corp_by_corpid(DEFAULT_CORPID).await.unwrap().expect("default corp");
        let account = app.state.store.openapi().account_by_appid(DEFAULT_APPID).await.unwrap().expect("default account");
        let database = app.stop().await;

        let again = TestApp::spawn_on(database, backend, |_| {}).await;
        let corp_again = again.state.store.dingtalk().corp_by_corpid(DEFAULT_CORPID).await.unwrap().unwrap();
        let account_again = again.state.store.openapi().account_by_appid(DEFAULT_APPID).await.unwrap().unwrap();
        assert_eq!(corp.id, corp_again.id, "the default corp was recreated");
        assert_eq!(account.id, account_again.id, "the default account was recreated");
        assert_eq!(again.get("/_emulator/health").await.status(), 200);
    }

    async fn every_response_carries_a_request_id(app: TestApp) {
        let response = app.get("/_emulator/health").await;
        let id = response.headers().get("x-request-id").expect("x-request-id").to_str().unwrap().to_owned();
        assert!(!id.is_empty());
        let other = app.get("/_emulator/health").await;
        assert_ne!(other.headers()["x-request-id"].to_str().unwrap(), id);

        let echoed = app.client.get(app.url("/_emulator/health")).header("x-request-id", "abc-123").send().await.unwrap();
        assert_eq!(echoed.headers()["x-request-id"], "abc-123");
    }

    async fn unknown_crm_paths_are_errcode_404_with_http_200(app: TestApp) {
        let response = app.get("/crm/customer/nope").await;
        assert_eq!(response.status(), 200);
        let body = json_of(response).await;
        assert_eq!(body["errcode"], 404);
        assert_eq!(body["errmsg"], "请求的URI地址不存在");
    }

    async fn unknown_openapi_paths_are_404_envelopes_with_a_trace_id(app: TestApp) {
        let response = app.client.post(app.url("/openapi/crm/nope/deeper")).json(&serde_json::json!({})).send().await.unwrap();
        assert_eq!(response.status(), 404);
        let trace = response.headers()["x-trace-id"].to_str().unwrap().to_owned();
        let body = json_of(response).await;
        assert_eq!(body["success"], false);
        assert_eq!(body["code"], "404");
        assert!(body["data"].is_null());
        assert_eq!(body["traceId"], trace.as_str());
        assert!(body["message"].as_str().unwrap().contains("/openapi/crm/nope/deeper"));
    }

    async fn unknown_control_plane_paths_are_json_404s(app: TestApp) {
        let response = app.get("/_emulator/nope").await;
        assert_eq!(response.status(), 404);
        assert_eq!(json_of(response).await["error"]["status"], 404);
    }

    async fn control_plane_wrong_method_is_a_json_405(app: TestApp) {
        let response = app.post_json("/_emulator/health", &serde_json::json!({})).await;
        assert_eq!(response.status(), 405);
        let body = json_of(response).await;
        assert!(body["error"]["message"].as_str().unwrap().contains("does not take POST"), "{body}");
    }

    async fn the_edges_of_each_prefix_are_answered_by_its_own_surface(app: TestApp) {
        for path in ["/openapi", "/openapi/"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 404, "{path}");
            assert!(response.headers().contains_key("x-trace-id"), "{path}");
            let body = json_of(response).await;
            assert_eq!(body["message"], format!("no such endpoint: {path}"));
        }
        for path in ["/_emulator", "/_emulator/"] {
            let body = json_of(app.get(path).await).await;
            assert_eq!(body["error"]["message"], format!("no such control-plane endpoint: {path}"));
        }
        for path in ["/_emulatorx", "/openapix", "/crm/nope", "/"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(json_of(response).await["errcode"], 404, "{path}");
        }
    }

    async fn nested_surfaces_answer_wrong_methods_and_journal_the_path_as_sent(app: TestApp) {
        let response = app.get("/openapi/crm/add").await;
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()["allow"], "POST");
        assert_eq!(json_of(response).await["code"], "405");
        let journal = app.get_json("/_emulator/requests").await;
        assert_eq!(journal[0]["path"], "/openapi/crm/add");
        assert_eq!(journal[0]["api"], "openapi");
        assert_eq!(journal.as_array().unwrap().len(), 1, "control-plane calls are not journaled");
    }

    async fn a_fault_rule_matches_the_openapi_path_as_sent(app: TestApp) {
        let rule = serde_json::json!({"api": "openapi", "path": "/openapi/crm/*", "status": 503});
        assert_eq!(app.post_json("/_emulator/faults", &rule).await.status(), 201);
        let response = app.client.post(app.url("/openapi/crm/list")).header("appid", "1090").json(&serde_json::json!({})).send().await.unwrap();
        assert_eq!(response.status(), 503);
        assert_eq!(json_of(response).await["message"], "injected fault");
        assert_eq!(app.get_json("/_emulator/faults").await[0]["fired"], 1);
    }
}

fn emulator() -> Command {
    Command::new(env!("CARGO_BIN_EXE_crm-emulator"))
}

/// Runs the binary with `args` (no inherited database settings) and returns its exit
/// status and stderr.
fn run_failing(args: &[&str]) -> (i32, String) {
    let output = emulator()
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("CRM_EMULATOR_DATABASE_URL")
        .output()
        .expect("run crm-emulator");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().unwrap_or(-1), stderr)
}

fn assert_one_line_error(stderr: &str, needle: &str) {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("crm-emulator: error:"))
        .collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {stderr}");
    assert!(
        lines[0].contains(needle),
        "expected {needle:?} in: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "panicked: {stderr}");
}

#[test]
fn an_unparsable_database_url_is_a_one_line_error() {
    let (code, stderr) = run_failing(&["--bind", "127.0.0.1:0", "--database-url", "mysql://nope"]);
    assert_eq!(code, 1);
    assert_one_line_error(&stderr, "invalid database URL");
}

#[test]
fn an_unreachable_database_is_a_one_line_error() {
    let (code, stderr) = run_failing(&[
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        "postgres://postgres@127.0.0.1:1/nothing",
    ]);
    assert_eq!(code, 1);
    assert_one_line_error(
        &stderr,
        "cannot connect to the database at postgres://postgres@127.0.0.1:1/nothing",
    );
}

#[test]
fn a_port_in_use_is_a_one_line_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, stderr) = run_failing(&["--bind", &addr, "--database-url", "sqlite::memory:"]);
    assert_eq!(code, 1);
    assert_one_line_error(&stderr, &format!("cannot listen on {addr}"));
}

#[test]
fn help_explains_every_flag() {
    let output = emulator().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--bind",
        "--database-url",
        "--admin-token",
        "--seed",
        "--signature-mode",
        "--signature-window",
        "--token-ttl",
        "--timezone",
        "--log-format",
        "--max-body-bytes",
        "--journal-size",
        "--journal-bodies",
        "--request-timeout",
        "--header-read-timeout",
        "--shutdown-grace",
    ] {
        assert!(help.contains(flag), "--help does not mention {flag}");
    }
}

both_backends! {
    async fn the_healthcheck_subcommand_asks_live_which_outlasts_the_database(app: TestApp) {
        let healthcheck = |addr: String| async move {
            tokio::task::spawn_blocking(move || {
                emulator().args(["healthcheck", "--addr", &addr]).output().unwrap()
            }).await.unwrap()
        };
        assert!(healthcheck(app.addr.to_string()).await.status.success());
        // Without its database the emulator still answers every request in its API's
        // envelope: it is live, and health says what is wrong.
        app.state.store.close().await;
        let output = healthcheck(app.addr.to_string()).await;
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(app.get("/_emulator/health").await.status(), 503);
        // Nothing answers: not live.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = closed.local_addr().unwrap().to_string();
        drop(closed);
        let output = healthcheck(addr).await;
        assert_eq!(output.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&output.stderr).contains("cannot connect"));
    }

    async fn live_is_open_and_asks_nothing_of_the_database(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| {
            config.admin_token = Some("s3cret".parse().unwrap());
        }).await;
        app.state.store.close().await;
        let response = app.get("/_emulator/live").await;
        assert_eq!(response.status(), 200);
        assert_eq!(json_of(response).await, serde_json::json!({"status": "live"}));
        assert_eq!(app.get("/_emulator/faults").await.status(), 401, "the rest stays guarded");
    }
}

#[test]
fn logs_are_plain_text_when_stdout_is_not_a_terminal() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = emulator()
        .args(["--bind", "127.0.0.1:0", "--database-url", "sqlite::memory:"])
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run crm-emulator");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut addr = None;
    let mut line = String::new();
    while addr.is_none() && stdout.read_line(&mut line).unwrap_or(0) > 0 {
        addr = line
            .split_once("listening on     http://")
            .map(|(_, a)| a.trim().to_owned());
        line.clear();
    }
    let addr = addr.expect("the banner names the address");
    // One request: its access line is logged at info level, inside its span.
    let mut conn = std::net::TcpStream::connect(&addr).expect("connect");
    conn.write_all(b"GET /nope HTTP/1.0\r\n\r\n").unwrap();
    conn.read_to_end(&mut Vec::new()).unwrap();
    let mut log = String::new();
    while !log.contains("served") && stdout.read_line(&mut log).unwrap_or(0) > 0 {}
    let _ = child.kill();
    let _ = child.wait();
    assert!(log.contains("served"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "ANSI escapes in a piped log: {log:?}"
    );
}

/// The checksum a database migrated by an earlier release holds for migration 2, whose
/// comments were reworded since (`src/store/migrations.rs`).
fn released_checksum_of_migration_2(backend: Backend) -> Vec<u8> {
    let hex = match backend {
        Backend::Sqlite => "445bee322fc4e16a63182dc0b263a2cb462a114eccaea50779f5aa6fd487dd8bb909a65d23c6130c7cfa5b878e915ff5",
        Backend::Postgres => "7687b13e6e27bc74261b70848be9adf185f095373fe61bef7b2aab2aa4eb766951eeab7f7ad01eb26eac09d4b2b13ace",
    };
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The checksum the test database records for migration 2, after setting it to `set`.
async fn checksum_of_migration_2(database: &TestDatabase, set: Option<&[u8]>) -> Vec<u8> {
    let update = "UPDATE _sqlx_migrations SET checksum = $1 WHERE version = 2";
    let read = "SELECT checksum FROM _sqlx_migrations WHERE version = 2";
    let mut conn = connect_directly(database.url()).await;
    if let Some(set) = set {
        sqlx::query(update)
            .bind(set)
            .execute(&mut conn)
            .await
            .expect("update");
    }
    sqlx::query_scalar(read)
        .fetch_one(&mut conn)
        .await
        .expect("read")
}

both_backends! {
    async fn a_database_an_earlier_release_migrated_still_starts(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let database = app.stop().await;
        let released = released_checksum_of_migration_2(backend);
        let current = checksum_of_migration_2(&database, None).await;
        assert_ne!(current, released, "the text of migration 2 changed since its release");
        checksum_of_migration_2(&database, Some(&released)).await;

        let app = TestApp::spawn_on(database, backend, |_| {}).await;
        assert_eq!(app.get("/_emulator/health").await.status(), 200);
        let database = app.stop().await;
        let after = checksum_of_migration_2(&database, None).await;
        assert_eq!(after, current, "the released checksum was moved to the current one");
    }
}
