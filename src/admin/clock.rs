//! `GET/POST /_emulator/clock`: read or shift the emulator's clock, which token expiry,
//! the signature window and every stored time use, so expiry and window handling can be
//! tested in seconds.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{extract::AdminJson, AdminError, AdminResult};
use crate::http::Json;
use crate::{runtime::clock::MAX_OFFSET_SECS, state::AppState};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClockChange {
    /// Seconds to move the clock by (negative goes back). The offset from real time
    /// must stay within 100 years (3,153,600,000 s) either way.
    #[schema(minimum = -3_153_600_000_i64, maximum = 3_153_600_000_i64)]
    advance_seconds: Option<i64>,
    reset: Option<bool>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClockView {
    now: String,
    now_ms: i64,
    offset_seconds: i64,
}

fn view(state: &AppState) -> ClockView {
    let now_ms = state.clock.now_ms();
    ClockView {
        now: state.clock.format(now_ms),
        now_ms,
        offset_seconds: state.clock.offset_secs(),
    }
}

/// `GET /_emulator/clock`
#[utoipa::path(get, path = "/clock", tag = "Control plane",
    responses((status = 200, description = "The emulator's now and its offset from real time", body = ClockView)))]
pub async fn get(State(state): State<AppState>) -> Json<ClockView> {
    Json(view(&state))
}

/// `POST /_emulator/clock` with `{"advanceSeconds": n}` (negative goes back) or
/// `{"reset": true}`.
#[utoipa::path(post, path = "/clock", tag = "Control plane", request_body = ClockChange,
    responses((status = 200, description = "The clock after the change", body = ClockView)))]
pub async fn change(
    State(state): State<AppState>,
    AdminJson(body): AdminJson<ClockChange>,
) -> AdminResult<Json<ClockView>> {
    match (body.advance_seconds, body.reset) {
        (Some(secs), None) => state.clock.advance(secs).await?.map_err(|_| {
            AdminError::bad_request(format!(
                "advanceSeconds: the clock's offset from real time must stay within \
                 {MAX_OFFSET_SECS} seconds (100 years) either way"
            ))
        })?,
        (None, Some(true)) => state.clock.reset().await?,
        _ => {
            return Err(AdminError::bad_request(
                "expected exactly one of {\"advanceSeconds\": n} or {\"reset\": true}",
            ))
        }
    }
    tracing::info!(offset_seconds = state.clock.offset_secs(), "clock moved");
    Ok(Json(view(&state)))
}
