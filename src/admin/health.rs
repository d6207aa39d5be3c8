//! `GET /_emulator/health`.

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::Json;
use crate::{state::AppState, store::Problem};

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `ok`, or `degraded` while the database cannot serve.
    status: &'static str,
    version: &'static str,
    /// The backend: `sqlite` or `postgres`.
    database: &'static str,
    /// While degraded: `unreachable`, `disk full` or `read-only`.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<&'static str>,
    uptime_seconds: u64,
}

/// `GET /_emulator/health`: 200 while the database serves, 503 `degraded` naming the
/// problem while it cannot be reached or cannot write
/// (docs/instances.md#when-the-database-fails). The check is cheap and its answer is
/// kept for a second (`store::health`). Always open, without the admin guard, because
/// orchestrators and people call it; the staging proxy and the image's `HEALTHCHECK`
/// ask `/_emulator/live`.
#[utoipa::path(get, path = "/health", tag = "Control plane", security(()),
    responses(
        (status = 200, description = "The database serves", body = Health),
        (status = 503, description = "The database cannot be reached or cannot write", body = Health)
    ))]
pub async fn health(State(state): State<AppState>) -> Response {
    let problem = state.store.problem().await;
    let status = match problem {
        Some(_) => StatusCode::SERVICE_UNAVAILABLE,
        None => StatusCode::OK,
    };
    let body = Health {
        status: if problem.is_some() { "degraded" } else { "ok" },
        version: env!("CARGO_PKG_VERSION"),
        database: state.store.backend().name(),
        problem: problem.map(Problem::as_str),
        uptime_seconds: state.started_at.elapsed().as_secs(),
    };
    (status, Json(body)).into_response()
}
