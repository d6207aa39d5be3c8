//! `/_emulator/faults`: add, list and remove the fault injection rules
//! (`runtime::faults`), which the two API surfaces apply to their calls.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{extract::AdminJson, AdminError, AdminResult};
use crate::http::Json;
use crate::{
    runtime::faults::{validate, Fault, NewFault},
    state::AppState,
};

/// `POST /_emulator/faults`
#[utoipa::path(post, path = "/faults", tag = "Control plane", request_body = NewFault,
    responses((status = 201, description = "The stored rule", body = Fault)))]
pub async fn create(
    State(state): State<AppState>,
    AdminJson(new): AdminJson<NewFault>,
) -> AdminResult<impl IntoResponse> {
    validate(&new).map_err(AdminError::bad_request)?;
    let fault = state.faults.add(new).await?;
    Ok((StatusCode::CREATED, Json(fault)))
}

/// `GET /_emulator/faults`
#[utoipa::path(get, path = "/faults", tag = "Control plane",
    responses((status = 200, description = "Every rule, with how often it fired", body = Vec<Fault>)))]
pub async fn list(State(state): State<AppState>) -> AdminResult<Json<Vec<Fault>>> {
    Ok(Json(state.faults.list().await?))
}

/// The answer of the deletes: how many rules went.
#[derive(Serialize, ToSchema)]
pub struct Removed {
    removed: usize,
}

/// `DELETE /_emulator/faults`
#[utoipa::path(delete, path = "/faults", tag = "Control plane",
    responses((status = 200, description = "Every rule removed", body = Removed)))]
pub async fn clear(State(state): State<AppState>) -> AdminResult<Json<Removed>> {
    Ok(Json(Removed {
        removed: state.faults.remove(None).await?,
    }))
}

/// `DELETE /_emulator/faults/{id}`
#[utoipa::path(delete, path = "/faults/{id}", tag = "Control plane",
    params(("id" = u64, Path, description = "The rule's id")),
    responses((status = 200, description = "The rule removed", body = Removed)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AdminResult<Json<Removed>> {
    let removed = match id.parse() {
        Ok(id) => state.faults.remove(Some(id)).await?,
        Err(_) => 0,
    };
    if removed == 0 {
        return Err(AdminError::not_found(format!("no fault with id {id:?}")));
    }
    Ok(Json(Removed { removed }))
}
