//! crm-emulator: a stateful emulator of two CRM HTTP APIs, for developing and testing
//! CRM integrations without touching the real services.
//!
//! Reading order for newcomers: `config` → `app` → the three surfaces (`dingtalk`,
//! `openapi`, `admin`) → `store`.

/// The control plane: `/_emulator/*`.
pub mod admin;
/// The OpenAPI document of all three surfaces, made from the routes themselves.
pub mod apidoc;
/// Building the app (state, routes, middleware) and serving it until shutdown.
pub mod app;
/// The emulator's movable clock; the only source of "now".
pub mod clock;
/// Command line and environment configuration (SPEC §4).
pub mod config;
/// The DingTalk-style API: `/gettoken`, `/crm/*`.
pub mod dingtalk;
/// `crm-emulator healthcheck`, for container health checks without curl.
pub mod healthcheck;
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
/// The state every handler and middleware shares.
pub mod state;
/// Storage over SQLite or Postgres: tenants, records, runtime state.
pub mod store;
/// Logging set-up and the per-request span.
pub mod telemetry;

pub use app::{App, AppState, StartupError};
pub use config::Config;
