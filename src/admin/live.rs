//! `GET /_emulator/live`: the process serves requests (docs/instances.md#when-the-database-fails).

use serde::Serialize;
use utoipa::ToSchema;

use crate::http::Json;

#[derive(Serialize, ToSchema)]
pub struct Live {
    /// Always `live`.
    status: &'static str,
}

/// `GET /_emulator/live`: 200 while the process serves requests at all. It asks nothing
/// of the database, so an instance whose database is away (and which still answers
/// every request in its API's envelope) keeps its traffic; `/health` says whether the
/// database answers. Always open, like health: the image's `HEALTHCHECK` and the
/// staging proxy call it.
#[utoipa::path(get, path = "/live", tag = "Control plane", security(()),
    responses((status = 200, description = "The process serves requests", body = Live)))]
pub async fn live() -> Json<Live> {
    Json(Live { status: "live" })
}
