//! `GET` and `DELETE /_emulator/requests`: the request journal (`runtime::journal`) as
//! the control plane shows it.

use axum::extract::{rejection::QueryRejection, Query, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::AdminError;
use crate::http::Json;
use crate::{
    runtime::journal::{Entry, Filter},
    state::AppState,
};

/// The answer of `DELETE /_emulator/requests`.
#[derive(Serialize, ToSchema)]
pub struct Cleared {
    cleared: bool,
}

/// `GET /_emulator/requests?limit=&api=&tenant=&status=`
#[utoipa::path(get, path = "/requests", tag = "Control plane", params(Filter),
    responses((status = 200, description = "The most recent API requests, newest first", body = Vec<Entry>)))]
pub async fn list(
    State(state): State<AppState>,
    filter: Result<Query<Filter>, QueryRejection>,
) -> Result<Json<Vec<Entry>>, AdminError> {
    let Query(filter) = filter.map_err(|e| AdminError::bad_request(e.body_text()))?;
    Ok(Json(state.journal.recent(&filter).await?))
}

/// `DELETE /_emulator/requests`
#[utoipa::path(delete, path = "/requests", tag = "Control plane",
    responses((status = 200, description = "The journal emptied", body = Cleared)))]
pub async fn clear(State(state): State<AppState>) -> Result<Json<Cleared>, AdminError> {
    state.journal.clear().await?;
    Ok(Json(Cleared { cleared: true }))
}
