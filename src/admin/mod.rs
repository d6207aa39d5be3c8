//! The control plane under `/_emulator/` (SPEC §3): health, and everything an emulator
//! user needs around the two APIs.

pub mod error;

use std::time::Duration;

use axum::{
    extract::State,
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde::Serialize;

use crate::app::AppState;
pub use error::AdminError;

/// The control plane's routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/_emulator/health", get(health))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Health {
    status: &'static str,
    version: &'static str,
    database: &'static str,
    uptime_seconds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `GET /_emulator/health`: 200 while the database answers, 503 otherwise. Always
/// open, without the admin guard, because container health checks call it.
async fn health(State(state): State<AppState>) -> Response {
    let ping = tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await;
    let error = match ping {
        Ok(Ok(())) => None,
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check: database unreachable");
            Some("database unreachable".to_owned())
        }
        Err(_) => Some("database did not answer within 2 s".to_owned()),
    };
    let status = if error.is_some() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let body = Health {
        status: if error.is_some() { "unavailable" } else { "ok" },
        version: env!("CARGO_PKG_VERSION"),
        database: state.store.backend().name(),
        uptime_seconds: state.started_at.elapsed().as_secs(),
        error,
    };
    (status, Json(body)).into_response()
}

/// Answer for an unknown path under `/_emulator/`.
pub fn not_found(path: &str) -> Response {
    AdminError::not_found(format!("no such control-plane endpoint: {path}")).into_response()
}

/// Answer for a known path called with a method it does not take.
pub fn method_not_allowed(method: &Method) -> Response {
    AdminError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method not allowed: this endpoint does not take {method}"),
    )
    .into_response()
}

/// Answer for a request that ran past the configured timeout.
pub fn timed_out() -> Response {
    AdminError::new(StatusCode::SERVICE_UNAVAILABLE, "request timed out").into_response()
}
