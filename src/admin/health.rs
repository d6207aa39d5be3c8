//! `GET /_emulator/health`.

use std::time::Duration;

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    status: &'static str,
    version: &'static str,
    database: &'static str,
    uptime_seconds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `GET /_emulator/health`: 200 while the database answers, 503 otherwise. Always
/// open, without the admin guard, because container health checks call it.
#[utoipa::path(get, path = "/health", tag = "Control plane", security(()),
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, description = "The database does not answer", body = Health)
    ))]
pub async fn health(State(state): State<AppState>) -> Response {
    let ping = tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await;
    let error = match ping {
        Ok(Ok(())) => None,
        Ok(Err(err)) => {
            tracing::warn!(error = %crate::telemetry::chain(&err), "health check: database unreachable");
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
