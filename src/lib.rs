//! crm-emulator: a stateful emulator of two CRM HTTP APIs, for developing and testing
//! CRM integrations without touching the real services.
//!
//! Reading order for newcomers: `config` → `app` → the three surfaces (`dingtalk`,
//! `openapi`, `admin`) → `store`.

/// The control plane: `/_emulator/*`.
pub mod admin;
/// Building the app (state, routes, middleware) and serving it until shutdown.
pub mod app;
/// The command line: `serve` (the default), `sign`, `healthcheck`.
pub mod cli;
/// The emulator's movable clock; the only source of "now".
pub mod clock;
/// The serve configuration: flags and their environment twins (SPEC §4).
pub mod config;
/// The DingTalk-style API: `/gettoken`, `/crm/*`.
pub mod dingtalk;
/// `crm-emulator healthcheck`, for container health checks without curl.
pub mod healthcheck;
/// The shared HTTP vocabulary: error-code and tenant extensions, the request id, the
/// API document's description helpers.
pub mod http;
/// Snowflake-style 18-digit ids.
pub mod ids;
/// Reading and parsing JSON bodies, shared by the surfaces' extractors.
pub mod json;
/// The OpenAPI-style API: `/openapi/crm/*`.
pub mod openapi;
/// `--seed FILE`: an export document imported into an empty database at start-up.
pub mod seed;
/// `crm-emulator sign`: the OpenAPI auth headers for a request, for trying by hand.
pub mod sign;
/// HMAC request signatures of the OpenAPI surface.
pub mod signature;
/// The state every handler and middleware shares.
pub mod state;
/// Storage over SQLite or Postgres: tenants, records, runtime state.
pub mod store;
/// Logging set-up and the per-request span.
pub mod telemetry;

pub use app::{App, AppState, StartupError};
pub use config::Config;
