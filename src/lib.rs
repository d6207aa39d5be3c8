//! crm-emulator: a stateful emulator of two CRM HTTP APIs, for developing and testing
//! CRM integrations without touching the real services.
//!
//! The modules are listed in layers, top to bottom, which is also the reading order for
//! newcomers; each imports only from the layers below it (`docs/architecture.md` walks
//! a request through them, and `tests/api/architecture.rs` keeps them acyclic).

/// Building the app (state, routes, shared middleware) and serving it until shutdown.
pub mod app;
/// The command line: `serve` (the default), `sign`, `rules`, `healthcheck`, `coverage`.
pub mod cli;
/// `crm-emulator coverage`: a running emulator's integration coverage report, as a CI
/// gate.
pub mod coverage_cli;
/// `--seed FILE`: an export document imported into an empty database at start-up.
pub mod seed;

/// The control plane: `/_emulator/*`.
pub mod admin;
/// The DingTalk-style API: `/gettoken`, `/crm/*`.
pub mod dingtalk;
/// DingTalk's v1.0 CRM server API, as the official SDK speaks it: `/v1.0/*`.
pub mod dingtalk_v1;
/// The OpenAPI-style API: `/openapi/crm/*`.
pub mod openapi;

/// Runtime services: the emulator's movable clock, the request journal, fault rules.
pub mod runtime;
/// The state every handler and middleware shares, and the router's state.
pub mod state;

/// Storage over SQLite or Postgres: tenants, records, runtime state.
pub mod store;

/// The serve configuration: flags and their environment twins (`docs/running.md`).
pub mod config;
/// `crm-emulator healthcheck`, for container health checks without curl.
pub mod healthcheck;
/// The shared HTTP vocabulary: error-code and tenant extensions, the request id, which
/// API a request is for, and the API document's description helpers.
pub mod http;
/// Snowflake-style 18-digit ids, and the one parser of ids sent as text.
pub mod ids;
/// Reading and parsing JSON bodies, shared by the surfaces' extractors.
pub mod json;
/// The tenant mode: strict or lenient (`docs/rules.md#strict-and-lenient`).
pub mod mode;
/// Database URLs with their passwords hidden, for the banner, logs and errors.
pub mod redact;
/// `crm-emulator sign`: the OpenAPI auth headers for a request, for trying by hand.
pub mod sign;
/// HMAC request signatures of the OpenAPI surface.
pub mod signature;
/// Logging set-up and the per-request span.
pub mod telemetry;
/// HTTPS beside HTTP: the certificate (the user's, or a kept local CA's) and rustls.
pub mod tls;

pub use app::{App, StartupError};
pub use config::Config;
/// The clock's old path, kept for embedders.
pub use runtime::clock;
pub use state::AppState;
