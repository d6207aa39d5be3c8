//! `GET /_emulator/instances`: the live instances sharing this emulator's database
//! (`docs/instances.md#shared-state`), each with the id worker number it leases.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::AdminResult;
use crate::http::Json;
use crate::state::AppState;

// A live instance. (A `//` comment: a doc comment would become the schema's
// description in the served document.)
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    /// The instance's id, as journal entries name it.
    id: i64,
    /// The id worker number it leases (0–255), held by no other live instance.
    worker: i64,
    /// Its crate version.
    version: String,
    /// When it registered (real time, in the configured zone).
    started_at: String,
    /// When it last renewed its lease (every 2 s while it runs).
    last_seen: String,
}

/// `GET /_emulator/instances`
#[utoipa::path(get, path = "/instances", tag = "Control plane",
    responses((status = 200, description = "The live instances sharing the database, oldest first", body = Vec<InstanceView>)))]
pub async fn list(State(state): State<AppState>) -> AdminResult<Json<Vec<InstanceView>>> {
    let rows = state.store.emulator().live_instances().await?;
    let clock = &state.clock;
    let instances = rows
        .into_iter()
        .map(|row| InstanceView {
            id: row.instance_id,
            worker: row.worker,
            version: row.version,
            started_at: clock.format(row.started_at),
            last_seen: clock.format(row.last_seen),
        })
        .collect();
    Ok(Json(instances))
}
