//! `POST /_emulator/reset` (`docs/control-plane.md#reset`): one tenant's data, or
//! everything.
//!
//! `{"corpid": …}` or `{"appid": …}` keeps that tenant — credentials, mode and
//! employees, or secret, open seas and custom fields — and deletes its data. `{}` deletes
//! every tenant and all data and recreates the well-known defaults as a first start
//! does. The body is required (an empty POST is a 400), so that nothing is wiped by
//! accident.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{extract::AdminJson, AdminError, AdminResult};
use crate::http::Json;
use crate::{
    state::AppState,
    store::tenants::{DEFAULT_APPID, DEFAULT_CORPID},
};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    corpid: Option<String>,
    appid: Option<String>,
}

/// What a reset did.
#[derive(Default, Serialize, ToSchema)]
pub struct ResetDone {
    /// `corp`, `account` or `all`.
    reset: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    corpid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    appid: Option<String>,
    deleted: Counts,
    /// After a full reset: the well-known default tenants, created again.
    #[serde(skip_serializing_if = "Option::is_none")]
    recreated: Option<Defaults>,
}

/// How many of each were deleted.
#[derive(Default, Serialize, ToSchema)]
pub struct Counts {
    #[serde(skip_serializing_if = "Option::is_none")]
    customers: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    corps: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accounts: Option<u64>,
}

impl Counts {
    fn customers(n: u64) -> Counts {
        Counts {
            customers: Some(n),
            ..Counts::default()
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Defaults {
    corpid: &'static str,
    appid: &'static str,
}

/// `POST /_emulator/reset`
#[utoipa::path(post, path = "/reset", tag = "Control plane", request_body = ResetBody,
    responses((status = 200, description = "What was deleted", body = ResetDone)))]
pub async fn reset(
    State(state): State<AppState>,
    AdminJson(body): AdminJson<ResetBody>,
) -> AdminResult<Json<ResetDone>> {
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
            ResetDone {
                reset: "corp",
                corpid: Some(corpid),
                deleted: Counts::customers(done.customers),
                ..ResetDone::default()
            }
        }
        (None, Some(appid)) => {
            let done = state.store.reset_account(&appid).await?;
            let done = done
                .ok_or_else(|| AdminError::not_found(format!("no account with appid {appid:?}")))?;
            ResetDone {
                reset: "account",
                appid: Some(appid),
                deleted: Counts::customers(done.customers),
                ..ResetDone::default()
            }
        }
        (None, None) => {
            let done = state
                .store
                .reset_all(state.clock.now_ms(), state.config.default_mode)
                .await?;
            ResetDone {
                reset: "all",
                deleted: Counts {
                    corps: Some(done.corps),
                    accounts: Some(done.accounts),
                    ..Counts::default()
                },
                recreated: Some(Defaults {
                    corpid: DEFAULT_CORPID,
                    appid: DEFAULT_APPID,
                }),
                ..ResetDone::default()
            }
        }
    };
    Ok(Json(answer))
}
