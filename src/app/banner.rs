//! The start-up banner (docs/running.md#start-up): every URL a user needs — each API's
//! base, the console, the API document, health, and the HTTPS base with the CA to
//! trust — the database (never with its password), and the well-known credentials
//! while the default tenants still have them, as other emulators print their
//! published dev keys. With `--log-format json` it is one log event with the same URLs
//! as fields.

use std::{net::SocketAddr, path::PathBuf, time::Instant};

use super::App;
use crate::{config::LogFormat, healthcheck::reachable, store::tenants::*};

/// What the banner says.
struct Banner {
    /// The address `--bind` listens on, as bound.
    listening: String,
    /// The base of every HTTP URL: the bound address, a wildcard one as loopback.
    base: String,
    https: Option<String>,
    /// How HTTPS clients trust the server: the local CA's certificate, or the user's.
    trust: Option<String>,
    database: String,
    corp: Option<String>,
    account: Option<String>,
    ready_ms: u64,
}

impl Banner {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl App {
    /// Prints the banner, or logs it as one event with `--log-format json`.
    pub async fn print_banner(&self, started: Instant) {
        let banner = self.banner(started).await;
        match self.state.config.log_format {
            LogFormat::Json => log(&banner),
            LogFormat::Pretty => println!("{}", text(&banner)),
        }
    }

    async fn banner(&self, started: Instant) -> Banner {
        let addr = self.local_addr().ok();
        let http_base = |scheme: &str, addr: SocketAddr| format!("{scheme}://{}", reachable(addr));
        let corp = self
            .state
            .store
            .dingtalk()
            .corp_by_corpid(DEFAULT_CORPID)
            .await;
        let account = self
            .state
            .store
            .openapi()
            .account_by_appid(DEFAULT_APPID)
            .await;
        let corp = corp
            .ok()
            .flatten()
            .filter(|c| c.corpsecret == DEFAULT_CORPSECRET);
        let account = account
            .ok()
            .flatten()
            .filter(|a| a.secret == DEFAULT_ACCOUNT_SECRET);
        let ca = self
            .tls_ca()
            .map(|ca| std::path::absolute(ca).unwrap_or_else(|_| PathBuf::from(ca)));
        Banner {
            listening: addr.map_or_else(|| "?".to_owned(), |a| format!("http://{a}")),
            base: addr.map_or_else(|| "http://?".to_owned(), |a| http_base("http", a)),
            https: self.tls_addr().map(|a| http_base("https", a)),
            trust: match (&self.tls, ca) {
                (Some(_), Some(ca)) => Some(ca.display().to_string()),
                (Some(_), None) => Some("the certificate of --tls-cert".to_owned()),
                (None, _) => None,
            },
            database: crate::redact::redact_url(&self.state.config.database_url()),
            corp: corp.map(|_| format!("corpid={DEFAULT_CORPID} corpsecret={DEFAULT_CORPSECRET} (or appkey={DEFAULT_APPKEY} appsecret={DEFAULT_APPSECRET})")),
            account: account.map(|_| format!("appid={DEFAULT_APPID} secret={DEFAULT_ACCOUNT_SECRET}")),
            ready_ms: started.elapsed().as_millis() as u64,
        }
    }
}

const DINGTALK: &str = "/";
const DINGTALK_V1: &str = "/v1.0";
const OPENAPI: &str = "/openapi/crm";
const CONSOLE: &str = "/_emulator/ui/";
const API_DOCUMENT: &str = "/_emulator/openapi.json";
const HEALTH: &str = "/_emulator/health";

fn text(banner: &Banner) -> String {
    let unchanged = |line: &Option<String>| {
        line.clone()
            .unwrap_or_else(|| "(changed from the well-known defaults)".into())
    };
    let mut lines = vec![
        format!(
            "crm-emulator {} ready in {} ms",
            env!("CARGO_PKG_VERSION"),
            banner.ready_ms
        ),
        format!("  listening on     {}", banner.listening),
    ];
    if let (Some(https), Some(trust)) = (&banner.https, &banner.trust) {
        lines.push(format!(
            "  HTTPS            {https} (the same paths), trusting {trust}"
        ));
    }
    for (label, path) in [
        ("DingTalk API", DINGTALK),
        ("DingTalk v1.0", DINGTALK_V1),
        ("OpenAPI", OPENAPI),
        ("console", CONSOLE),
        ("API document", API_DOCUMENT),
        ("health", HEALTH),
    ] {
        lines.push(format!("  {label:<16} {}", banner.url(path)));
    }
    lines.push(format!("  database         {}", banner.database));
    lines.push(format!("  DingTalk corp    {}", unchanged(&banner.corp)));
    lines.push(format!("  OpenAPI account  {}", unchanged(&banner.account)));
    lines.join("\n")
}

fn log(banner: &Banner) {
    tracing::info!(
        address = %banner.listening,
        dingtalk_url = %banner.url(DINGTALK),
        dingtalk_v1_url = %banner.url(DINGTALK_V1),
        openapi_url = %banner.url(OPENAPI),
        console_url = %banner.url(CONSOLE),
        api_document_url = %banner.url(API_DOCUMENT),
        health_url = %banner.url(HEALTH),
        https_url = banner.https.as_deref(),
        tls_trust = banner.trust.as_deref(),
        database = %banner.database,
        ready_ms = banner.ready_ms,
        dingtalk_corp = banner.corp.as_deref(),
        openapi_account = banner.account.as_deref(),
        "crm-emulator {} ready", env!("CARGO_PKG_VERSION")
    );
}
