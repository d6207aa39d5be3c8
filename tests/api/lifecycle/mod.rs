//! The real binary's life: shutdown on SIGTERM (`shutdown`) and recovery after SIGKILL
//! (`crash`). [`Emulator`] runs `crm-emulator` as a child process on a test database.

mod crash;
mod shutdown;

use std::{
    fs::File,
    net::SocketAddr,
    path::PathBuf,
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use crm_emulator::{clock::real_now_secs, signature, store::tenants::*};

/// `crm-emulator` running as a child process; killed when dropped.
pub struct Emulator {
    child: Child,
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    stdout: PathBuf,
    _dir: tempfile::TempDir,
}

impl Emulator {
    /// Starts the binary on `database_url`, on an ephemeral loopback port, with `args`,
    /// and waits for its banner.
    pub async fn start(database_url: &str, args: &[&str]) -> Emulator {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let stdout = dir.path().join("stdout.log");
        let file = |path: PathBuf| Stdio::from(File::create(path).expect("a log file"));
        let child = Command::new(env!("CARGO_BIN_EXE_crm-emulator"))
            .args(["--bind", "127.0.0.1:0", "--database-url", database_url])
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(file(stdout.clone()))
            .stderr(file(dir.path().join("stderr.log")))
            .spawn()
            .expect("start crm-emulator");
        let mut emulator = Emulator {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client"),
            stdout,
            _dir: dir,
        };
        emulator.addr = emulator.banner_address().await;
        emulator
    }

    /// The address the banner reports (`listening on http://…`).
    async fn banner_address(&mut self) -> SocketAddr {
        let started = Instant::now();
        loop {
            let printed = std::fs::read_to_string(&self.stdout).unwrap_or_default();
            let address = printed
                .lines()
                .find_map(|line| line.trim().strip_prefix("listening on"))
                .and_then(|rest| rest.trim().strip_prefix("http://"))
                .and_then(|addr| addr.parse().ok());
            if let Some(address) = address {
                return address;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "crm-emulator exited at start-up ({status}): {}",
                    self.logs()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no banner after 30 s: {}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends `signal` (`TERM`, `KILL`) to the process.
    pub fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args(["-s", signal, &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -s {signal} failed");
    }

    /// Waits up to `limit` for the process to exit.
    pub async fn exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().expect("the child's status") {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }

    /// What the process printed, for failure messages.
    pub fn logs(&self) -> String {
        let read = |name: &str| {
            let path = self.stdout.with_file_name(name);
            std::fs::read_to_string(path).unwrap_or_default()
        };
        format!(
            "stdout:\n{}\nstderr:\n{}",
            read("stdout.log"),
            read("stderr.log")
        )
    }

    /// A DingTalk access token of the well-known corp.
    pub async fn dingtalk_token(&self) -> String {
        let path = format!("/gettoken?corpid={DEFAULT_CORPID}&corpsecret={DEFAULT_CORPSECRET}");
        let body: serde_json::Value = self
            .client
            .get(self.url(&path))
            .send()
            .await
            .expect("GET /gettoken")
            .json()
            .await
            .expect("a JSON answer");
        body["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {body}"))
            .to_owned()
    }

    /// A POST of `body` to `path` signed as the well-known OpenAPI account.
    pub fn signed_post(&self, path: &str, body: &serde_json::Value) -> reqwest::RequestBuilder {
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let timestamp = real_now_secs().to_string();
        let secret = DEFAULT_ACCOUNT_SECRET;
        let sig = signature::sign(secret, DEFAULT_APPID, &nonce, &timestamp);
        self.client
            .post(self.url(path))
            .header("appid", DEFAULT_APPID)
            .header("nonce", nonce)
            .header("timestamp", timestamp)
            .header("signature", sig)
            .json(body)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
