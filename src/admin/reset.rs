//! `POST /_emulator/reset` (SPEC §3 "Reset"): one tenant's data, or everything.
//!
//! `{"corpid": …}` or `{"appid": …}` keeps that tenant — credentials, mode and
//! employees, or secret, open seas and custom fields — and deletes its data. `{}` deletes
//! every tenant and all data and recreates the well-known defaults as a first start
//! does. The body is required (an empty POST is a 400), so that nothing is wiped by
//! accident.

use axum::{extract::State, Json};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{extract::AdminJson, AdminError, AdminResult};
use crate::{
    app::AppState,
    store::tenants::{DEFAULT_APPID, DEFAULT_CORPID},
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    corpid: Option<String>,
    appid: Option<String>,
}

/// `POST /_emulator/reset`
pub async fn reset(
    State(state): State<AppState>,
    AdminJson(body): AdminJson<ResetBody>,
) -> AdminResult<Json<Value>> {
    let answer = match (body.corpid, body.appid) {
        (Some(_), Some(_)) => {
            return Err(AdminError::bad_request(
                "give corpid or appid (one tenant) or neither (everything), not both",
            ))
        }
        (Some(corpid), None) => {
            let done = state.store.reset_corp(&corpid).await?;
            let done = done
                .ok_or_else(|| AdminError::not_found(format!("no corp with corpid {corpid:?}")))?;
            json!({ "reset": "corp", "corpid": corpid, "deleted": { "customers": done.customers } })
        }
        (None, Some(appid)) => {
            let done = state.store.reset_account(&appid).await?;
            let done = done
                .ok_or_else(|| AdminError::not_found(format!("no account with appid {appid:?}")))?;
            json!({ "reset": "account", "appid": appid, "deleted": { "customers": done.customers } })
        }
        (None, None) => {
            let done = state.store.reset_all(state.clock.now_ms()).await?;
            json!({
                "reset": "all",
                "deleted": { "corps": done.corps, "accounts": done.accounts },
                "recreated": { "corpid": DEFAULT_CORPID, "appid": DEFAULT_APPID },
            })
        }
    };
    // Cached token answers name corps (and their ids) that may be gone or renumbered.
    state.token_cache.clear();
    state.account_cache.clear();
    Ok(Json(answer))
}
