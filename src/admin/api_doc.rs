//! `GET /_emulator/openapi.json`: the OpenAPI document of all three surfaces.

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};

use crate::state::AppState;

/// `GET /_emulator/openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/_emulator/openapi.json",
    tag = "Control plane",
    responses((status = 200, description = "The OpenAPI 3.1 document of all three surfaces", content_type = "application/json"))
)]
pub async fn serve(State(state): State<AppState>) -> Response {
    match state.api_doc.get() {
        Some(doc) => doc.clone().into_response(),
        None => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
