//! The binary's start-up as a user meets it (docs/running.md#start-up): what it reads
//! from the environment and refuses, the banner's URLs, a database password never
//! printed, and the health check's address.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::helpers::*;

/// `crm-emulator` started with `args` in `dir` as its working directory, its stdout in
/// a file there; killed when dropped.
struct Started {
    child: Child,
    stdout: PathBuf,
}

impl Started {
    fn new(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Started {
        let stdout = dir.join("stdout.log");
        let file = std::fs::File::create(&stdout).expect("a log file");
        let child = Command::new(env!("CARGO_BIN_EXE_crm-emulator"))
            .args(args)
            .current_dir(dir)
            .env_remove("CRM_EMULATOR_DATABASE_URL")
            .env_remove("CRM_EMULATOR_ADMIN_TOKEN")
            .env_remove("CRM_EMULATOR_BIND")
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::from(file))
            .stderr(Stdio::null())
            .spawn()
            .expect("start crm-emulator");
        Started { child, stdout }
    }

    /// Everything printed once a line containing `needle` has been.
    fn printed(&mut self, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let printed = std::fs::read_to_string(&self.stdout).unwrap_or_default();
            if printed.contains(needle) {
                return printed;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("crm-emulator exited ({status}) before printing {needle:?}: {printed}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no {needle:?} after 30 s: {printed}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The value of the banner line that starts with `label`.
    fn banner_line(&mut self, label: &str) -> String {
        let printed = self.printed("OpenAPI account");
        let line = printed
            .lines()
            .find_map(|line| line.trim().strip_prefix(label));
        line.unwrap_or_else(|| panic!("no {label:?} line in: {printed}"))
            .trim()
            .to_owned()
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the binary to its end, or kills it after 30 s (a server that should have
/// refused to start).
fn run(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crm-emulator"))
        .args(args)
        .env_remove("CRM_EMULATOR_ADMIN_TOKEN")
        .env_remove("CRM_EMULATOR_BIND")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run crm-emulator");
    let started = Instant::now();
    while child.try_wait().expect("the child's status").is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let output = child.wait_with_output().expect("its output");
            panic!(
                "still running after 30 s: {}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("its output")
}

#[test]
fn database_url_in_the_environment_is_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let app_db = dir.path().join("the-application.db");
    let app_url = format!("sqlite://{}", app_db.display());
    let mut emulator = Started::new(
        dir.path(),
        &["--bind", "127.0.0.1:0"],
        &[("DATABASE_URL", &app_url)],
    );
    assert_eq!(emulator.banner_line("database"), "sqlite://crm-emulator.db");
    assert!(dir.path().join("crm-emulator.db").exists());
    assert!(
        !app_db.exists(),
        "the emulator touched the application's database"
    );
}

#[test]
fn an_empty_or_blank_admin_token_is_refused_at_start_up() {
    let base = ["--bind", "127.0.0.1:0", "--database-url", "sqlite::memory:"];
    let blank_flag = [&base[..], &["--admin-token", "  "]].concat();
    let empty_variable = [("CRM_EMULATOR_ADMIN_TOKEN", "")];
    for (args, env) in [(&base[..], &empty_variable[..]), (&blank_flag, &[])] {
        let output = run(args, env);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?} {env:?}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(
            lines[0].starts_with("crm-emulator: error: the admin token"),
            "{stderr}"
        );
        assert!(lines[0].contains("CRM_EMULATOR_ADMIN_TOKEN"), "{stderr}");
    }
}

#[test]
fn the_healthcheck_asks_the_address_of_the_bind_variable_a_wildcard_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--bind", "127.0.0.1:0", "--database-url", "sqlite::memory:"];
    let mut emulator = Started::new(dir.path(), &args, &[]);
    let listening = emulator.banner_line("listening on");
    let addr = listening.trim_start_matches("http://").to_owned();
    let port = addr.rsplit(':').next().unwrap().to_owned();
    for bind in [addr, format!("0.0.0.0:{port}")] {
        let output = run(&["healthcheck"], &[("CRM_EMULATOR_BIND", &bind)]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "CRM_EMULATOR_BIND={bind}: {stderr}"
        );
    }
}

#[test]
fn the_banner_names_every_url_and_the_https_base_with_its_ca() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("crm.db").display());
    let args = [
        "--bind",
        "127.0.0.1:0",
        "--tls-bind",
        "127.0.0.1:0",
        "--database-url",
        &database,
    ];
    let mut emulator = Started::new(dir.path(), &args, &[]);
    let base = emulator.banner_line("listening on");
    for (label, path) in [
        ("DingTalk API", "/"),
        ("DingTalk v1.0", "/v1.0"),
        ("OpenAPI", "/openapi/crm"),
        ("console", "/_emulator/ui/"),
        ("API document", "/_emulator/openapi.json"),
        ("health", "/_emulator/health"),
    ] {
        assert_eq!(
            emulator.banner_line(label),
            format!("{base}{path}"),
            "{label}"
        );
    }
    // The CA is kept beside the SQLite file.
    let ca = dir.path().join("crm-emulator-tls").join("ca.pem");
    let https = emulator.banner_line("HTTPS");
    assert!(https.starts_with("https://127.0.0.1:"), "{https}");
    assert!(
        https.ends_with(&format!("(the same paths), trusting {}", ca.display())),
        "{https}"
    );
    assert!(ca.exists());
}

#[test]
fn the_json_start_up_event_carries_the_same_urls() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        "sqlite::memory:",
        "--log-format",
        "json",
    ];
    let mut emulator = Started::new(dir.path(), &args, &[]);
    let printed = emulator.printed("\"health_url\"");
    let fields: serde_json::Value = printed
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .find(|event: &serde_json::Value| event["health_url"].is_string())
        .expect("the start-up event");
    let base = fields["address"].as_str().unwrap();
    for (field, path) in [
        ("dingtalk_url", "/"),
        ("dingtalk_v1_url", "/v1.0"),
        ("openapi_url", "/openapi/crm"),
        ("console_url", "/_emulator/ui/"),
        ("api_document_url", "/_emulator/openapi.json"),
        ("health_url", "/_emulator/health"),
    ] {
        assert_eq!(fields[field], format!("{base}{path}"), "{field}");
    }
    assert_eq!(fields["database"], "sqlite::memory:");
}

/// Postgres takes a password in the user-info part and as a `password=` parameter (the
/// test cluster trusts every local connection, so any password is accepted).
#[test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "the Postgres leg: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
)]
fn a_database_password_is_printed_neither_in_the_banner_nor_in_json_logs() {
    require_postgres();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let database = runtime
        .block_on(TestDatabase::create(Backend::Postgres))
        .unwrap();
    let mut url = url::Url::parse(database.url()).unwrap();
    url.set_password(Some("hunter2")).unwrap();
    url.query_pairs_mut().append_pair("password", "hunter3");
    let url = url.to_string();
    let dir = tempfile::tempdir().unwrap();
    for (format, last) in [("pretty", "OpenAPI account"), ("json", "openapi_account")] {
        let args = [
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &url,
            "--log-format",
            format,
        ];
        let mut emulator = Started::new(dir.path(), &args, &[]);
        let printed = emulator.printed(last);
        assert!(
            printed.contains(":***@") && printed.contains("password=***"),
            "{printed}"
        );
        assert!(!printed.contains("hunter"), "{format}: {printed}");
    }
}
