//! `GET /_emulator/metrics`: the Prometheus text exposition
//! (`docs/control-plane.md#metrics`, `runtime::metrics`), under the control plane's
//! access rules.

use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

use super::AdminError;
use crate::{runtime::metrics::CONTENT_TYPE, state::AppState};

/// The metrics of this instance, with its database pool's connections now.
#[utoipa::path(get, path = "/metrics", tag = "Control plane",
    responses((status = 200, description = "Prometheus text exposition (version 0.0.4)", content_type = "text/plain", body = String)))]
pub async fn serve(State(state): State<AppState>) -> Response {
    let (idle, in_use) = state.store.connections();
    match state.metrics.render(idle, in_use) {
        Ok(text) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
            text,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %crate::telemetry::chain(&err), "rendering the metrics failed");
            AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}
