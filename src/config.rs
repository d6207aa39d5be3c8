//! The serve configuration (`docs/running.md#configuration`): the flags of
//! `crm-emulator serve`.
//!
//! Every flag has a `CRM_EMULATOR_*` environment twin. `DATABASE_URL` is never read: in a
//! developer's shell it names the application's own database, which the emulator must
//! not migrate its tables into. Secrets are wrapped in
//! [`Secret`](crate::config::Secret) so that `Debug` output (and therefore logs) never
//! shows them.

use std::{
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    str::FromStr,
    time::Duration,
};

use chrono::FixedOffset;
use clap::{Args, Parser, ValueEnum};

use crate::mode::Mode;

/// The default database: a SQLite file in the working directory, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://crm-emulator.db";

/// The default listening address: loopback only (the container image binds `0.0.0.0:8080`).
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// How strictly OpenAPI request signatures are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SignatureMode {
    /// A bad signature is rejected with 401.
    Strict,
    /// Headers are still required; a bad signature is logged and reported in the
    /// `x-emulator-signature-warning` response header but the request is served.
    Lenient,
    /// Signatures are not checked at all.
    Off,
}

/// Log line format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable, coloured when stdout is a terminal.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Server configuration: the flags of `crm-emulator serve`.
#[derive(Args, Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "CRM_EMULATOR_BIND", default_value = DEFAULT_BIND)]
    pub bind: SocketAddr,

    /// Database URL: `sqlite://FILE` (created if missing), `sqlite::memory:` for a throw-away
    /// run, or `postgres://USER@HOST/DB` for shared staging. `DATABASE_URL` is not read.
    #[arg(long, env = "CRM_EMULATOR_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: Option<String>,

    /// Bearer token required on control-plane calls. Without one, the control plane
    /// (except /_emulator/health) is served to loopback peers only.
    #[arg(long, env = "CRM_EMULATOR_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<Secret>,

    /// JSON document (the format of GET /_emulator/export) imported at start-up into an
    /// empty database.
    #[arg(long, env = "CRM_EMULATOR_SEED")]
    pub seed: Option<PathBuf>,

    /// OpenAPI signature verification: strict, lenient or off.
    #[arg(
        long,
        env = "CRM_EMULATOR_SIGNATURE_MODE",
        value_enum,
        default_value = "strict"
    )]
    pub signature_mode: SignatureMode,

    /// Accepted distance, in seconds, between an OpenAPI `timestamp` header and the clock.
    #[arg(long, env = "CRM_EMULATOR_SIGNATURE_WINDOW", default_value_t = 300)]
    pub signature_window: u64,

    /// Lifetime, in seconds, of a DingTalk access token (renewed on each /gettoken).
    #[arg(long, env = "CRM_EMULATOR_TOKEN_TTL", default_value_t = 7200)]
    pub token_ttl: u64,

    /// UTC offset used for every time the APIs read or write, e.g. `+08:00`.
    #[arg(long, env = "CRM_EMULATOR_TIMEZONE", default_value = "+08:00", value_parser = parse_offset)]
    pub timezone: FixedOffset,

    /// Log format: pretty or json. The level is set with RUST_LOG (default `info`).
    #[arg(
        long,
        env = "CRM_EMULATOR_LOG_FORMAT",
        value_enum,
        default_value = "pretty"
    )]
    pub log_format: LogFormat,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "CRM_EMULATOR_MAX_BODY_BYTES", default_value_t = 1_048_576)]
    pub max_body_bytes: usize,

    /// How many recent requests the journal keeps.
    #[arg(long, env = "CRM_EMULATOR_JOURNAL_SIZE", default_value_t = 1000)]
    pub journal_size: usize,

    /// Capture (redacted) request and response bodies in the journal.
    #[arg(long, env = "CRM_EMULATOR_JOURNAL_BODIES")]
    pub journal_bodies: bool,

    /// The mode of the well-known tenants and of tenants created or imported without
    /// one: lenient (guesses are served with a warning) or strict (refused).
    #[arg(
        long,
        env = "CRM_EMULATOR_DEFAULT_MODE",
        value_enum,
        default_value = "lenient"
    )]
    pub default_mode: Mode,

    /// Longest time, in seconds, a request may take before it is answered with the
    /// owning API's "system busy" error.
    #[arg(long, env = "CRM_EMULATOR_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,

    /// Longest time, in seconds, a client may take to send a request head, and an idle
    /// keep-alive connection may wait for its next request, before it is closed.
    #[arg(long, env = "CRM_EMULATOR_HEADER_READ_TIMEOUT", default_value_t = 10)]
    pub header_read_timeout: u64,

    /// After SIGTERM or Ctrl-C, longest time, in seconds, that requests in flight have to
    /// finish; then the connections still open are closed and the emulator exits.
    /// The default covers the longest a request may take (`--request-timeout`), so that
    /// every request in flight at a shutdown is answered.
    #[arg(long, env = "CRM_EMULATOR_SHUTDOWN_GRACE", default_value_t = 30)]
    pub shutdown_grace: u64,

    /// Also serve HTTPS (HTTP/1.1 and HTTP/2) on this address, beside `--bind`'s HTTP.
    #[arg(long, env = "CRM_EMULATOR_TLS_BIND")]
    pub tls_bind: Option<SocketAddr>,

    /// PEM certificate chain for `--tls-bind`; without it the emulator makes its own
    /// local CA and a server certificate signed by it.
    #[arg(long, env = "CRM_EMULATOR_TLS_CERT", requires_all = ["tls_bind", "tls_key"])]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of `--tls-cert`.
    #[arg(long, env = "CRM_EMULATOR_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// A further name for the local CA's server certificate (beside `localhost`,
    /// `127.0.0.1` and `::1`), e.g. `oapi.dingtalk.com` for a client that hard-codes the
    /// vendor's host and is pointed here by a hosts entry. Repeatable; comma-separated
    /// in the environment.
    #[arg(
        long,
        env = "CRM_EMULATOR_TLS_HOSTNAME",
        value_delimiter = ',',
        requires = "tls_bind",
        conflicts_with = "tls_cert"
    )]
    pub tls_hostname: Vec<String>,

    /// Where the local CA is kept and reused across restarts (`ca.pem`, which clients
    /// trust, and its key). Default: `crm-emulator-tls/` beside the SQLite file, or in
    /// the working directory on Postgres or in memory.
    #[arg(
        long,
        env = "CRM_EMULATOR_TLS_DIR",
        requires = "tls_bind",
        conflicts_with = "tls_cert"
    )]
    pub tls_dir: Option<PathBuf>,
}

impl Config {
    /// The database URL (`--database-url`, else the default SQLite file).
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned())
    }

    /// Refuses what clap accepts but the emulator cannot run with.
    pub fn check(&self) -> Result<(), ConfigError> {
        match &self.admin_token {
            Some(token) if token.expose().trim().is_empty() => Err(ConfigError::BlankAdminToken),
            _ => Ok(()),
        }
    }

    /// Where the local CA of `--tls-bind` is kept: `--tls-dir`, else `crm-emulator-tls/`
    /// beside the SQLite file, else in the working directory.
    pub fn tls_dir(&self) -> PathBuf {
        const DIR: &str = "crm-emulator-tls";
        if let Some(dir) = &self.tls_dir {
            return dir.clone();
        }
        match sqlite_file(&self.database_url())
            .as_deref()
            .and_then(Path::parent)
        {
            Some(parent) => parent.join(DIR),
            None => PathBuf::from(DIR),
        }
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout.max(1))
    }

    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout.max(1))
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace)
    }

    /// A configuration with every default, listening on an ephemeral loopback port;
    /// the starting point of tests and embedders.
    pub fn for_tests(database_url: impl Into<String>) -> Self {
        let mut config = Defaults::parse_from(["crm-emulator"]).config;
        config.bind = SocketAddr::from(([127, 0, 0, 1], 0));
        config.database_url = Some(database_url.into());
        config
    }
}

/// Whether the SQLite database URL `url` names a database in memory, not a file.
pub fn sqlite_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// The file of the SQLite database `url` names: none for a database in memory or on
/// Postgres.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    if !url.starts_with("sqlite:") || sqlite_in_memory(url) {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    Some(options.get_filename().to_path_buf())
}

/// A configuration the emulator refuses at start-up.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "the admin token (--admin-token / CRM_EMULATOR_ADMIN_TOKEN) is empty: give a \
         token, or leave it unset to serve the control plane to loopback callers only"
    )]
    BlankAdminToken,
}

/// The configuration alone as a command line, so that [`Config::for_tests`] gets every
/// default from the same `#[arg]` attributes as `crm-emulator serve`.
#[derive(Parser)]
struct Defaults {
    #[command(flatten)]
    config: Config,
}

fn parse_offset(s: &str) -> Result<FixedOffset, String> {
    let bad = || format!("expected an offset like +08:00 or -05:30, got {s:?}");
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if h > 23 || m > 59 {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

/// A secret string whose `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_parse_both_signs_and_reject_garbage() {
        assert_eq!(parse_offset("+08:00").unwrap().local_minus_utc(), 8 * 3600);
        assert_eq!(
            parse_offset("-05:30").unwrap().local_minus_utc(),
            -(5 * 3600 + 1800)
        );
        assert!(parse_offset("08:00").is_err());
        assert!(parse_offset("+25:00").is_err());
    }

    #[test]
    fn the_local_ca_is_kept_beside_the_sqlite_file_else_in_the_working_directory() {
        let dir = |url: &str| Config::for_tests(url).tls_dir();
        assert_eq!(
            dir("sqlite:///data/crm.db"),
            PathBuf::from("/data/crm-emulator-tls")
        );
        assert_eq!(dir("sqlite://crm.db"), PathBuf::from("crm-emulator-tls"));
        assert_eq!(
            dir("sqlite://db/crm.db?mode=rwc"),
            PathBuf::from("db/crm-emulator-tls")
        );
        assert_eq!(dir("sqlite::memory:"), PathBuf::from("crm-emulator-tls"));
        assert_eq!(
            dir("postgres://app@db/crm"),
            PathBuf::from("crm-emulator-tls")
        );
        let mut config = Config::for_tests("sqlite://crm.db");
        config.tls_dir = Some(PathBuf::from("/etc/crm"));
        assert_eq!(config.tls_dir(), PathBuf::from("/etc/crm"));
    }

    #[test]
    fn a_blank_admin_token_is_refused_and_none_is_fine() {
        let check = |args: &[&str]| {
            let args = [&["crm-emulator"][..], args].concat();
            Defaults::parse_from(args).config.check()
        };
        assert!(check(&[]).is_ok());
        assert!(check(&["--admin-token", "s3cret"]).is_ok());
        assert!(matches!(
            check(&["--admin-token", " \t"]),
            Err(ConfigError::BlankAdminToken)
        ));
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let config = Defaults::parse_from(["crm-emulator", "--admin-token", "hunter2"]).config;
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
