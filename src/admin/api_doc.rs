//! `GET /_emulator/openapi.json`: the OpenAPI document of all three surfaces.

use axum::extract::State;

use crate::http::doc::ApiDocument;

/// `GET /_emulator/openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "Control plane",
    responses((status = 200, description = "The OpenAPI 3.1 document of all three surfaces", content_type = "application/json"))
)]
pub async fn serve(State(document): State<ApiDocument>) -> ApiDocument {
    document
}
