//! OpenAPI accounts: secret, open-sea (pool) ids and mode (strict or lenient,
//! `docs/rules.md#strict-and-lenient`). The secret is accepted, never returned.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{corps::conflict_names, extract::AdminJson, AdminError, AdminResult};
use crate::http::Json;
use crate::{
    state::AppState,
    store::{
        openapi::{Account, AccountPatch, NewAccount},
        tenants::Mode,
    },
};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateAccount {
    #[schema(min_length = 1)]
    appid: String,
    #[schema(min_length = 1)]
    secret: String,
    #[serde(default)]
    open_sea_ids: Vec<String>,
    /// Default: `--default-mode`.
    mode: Option<Mode>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatchAccount {
    secret: Option<String>,
    open_sea_ids: Option<Vec<String>>,
    mode: Option<Mode>,
}

/// An account as the control plane shows it: everything but the secret.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    appid: String,
    open_sea_ids: Vec<String>,
    mode: Mode,
    created_at: String,
}

fn view(state: &AppState, account: Account) -> AccountView {
    AccountView {
        appid: account.appid,
        open_sea_ids: account.open_sea_ids,
        mode: account.mode,
        created_at: state.clock.format(account.created_at),
    }
}

fn unknown_account(appid: &str) -> AdminError {
    AdminError::not_found(format!("no account with appid {appid:?}"))
}

fn check_open_seas(ids: &[String]) -> Result<(), AdminError> {
    if let Some(i) = ids.iter().position(|id| id.trim().is_empty()) {
        return Err(AdminError::bad_request(format!(
            "openSeaIds[{i}] must not be empty"
        )));
    }
    Ok(())
}

/// `POST /_emulator/openapi/accounts`
#[utoipa::path(post, path = "/openapi/accounts", tag = "Control plane", request_body = CreateAccount,
    responses((status = 201, description = "The new account (secret left out)", body = AccountView)))]
pub async fn create(
    State(state): State<AppState>,
    AdminJson(body): AdminJson<CreateAccount>,
) -> AdminResult<impl IntoResponse> {
    if body.appid.trim().is_empty() {
        return Err(AdminError::bad_request("appid must not be empty"));
    }
    if body.secret.is_empty() {
        return Err(AdminError::bad_request("secret must not be empty"));
    }
    check_open_seas(&body.open_sea_ids)?;
    let new = NewAccount {
        appid: body.appid,
        secret: body.secret,
        open_sea_ids: body.open_sea_ids,
        mode: body.mode.unwrap_or(state.config.default_mode),
        customer_sources: None,
    };
    let account = state
        .store
        .openapi()
        .create_account(&new, state.clock.now_ms())
        .await
        .map_err(|e| conflict_names(e, "an account with this appid already exists"))?;
    Ok((StatusCode::CREATED, Json(view(&state, account))))
}

/// `GET /_emulator/openapi/accounts`
#[utoipa::path(get, path = "/openapi/accounts", tag = "Control plane",
    responses((status = 200, description = "Every account", body = Vec<AccountView>)))]
pub async fn list(State(state): State<AppState>) -> AdminResult<Json<Vec<AccountView>>> {
    let accounts = state.store.openapi().list_accounts().await?;
    Ok(Json(
        accounts.into_iter().map(|a| view(&state, a)).collect(),
    ))
}

/// `GET /_emulator/openapi/accounts/{appid}`
#[utoipa::path(get, path = "/openapi/accounts/{appid}", tag = "Control plane", params(("appid" = String, Path, description = "The account's appid")),
    responses((status = 200, description = "The account", body = AccountView)))]
pub async fn get(
    State(state): State<AppState>,
    Path(appid): Path<String>,
) -> AdminResult<Json<AccountView>> {
    let account = state.store.openapi().account_by_appid(&appid).await?;
    let account = account.ok_or_else(|| unknown_account(&appid))?;
    Ok(Json(view(&state, account)))
}

/// `PATCH /_emulator/openapi/accounts/{appid}`: absent keys keep their value.
#[utoipa::path(patch, path = "/openapi/accounts/{appid}", tag = "Control plane", params(("appid" = String, Path, description = "The account's appid")), request_body = PatchAccount,
    responses((status = 200, description = "The account after the change", body = AccountView)))]
pub async fn patch(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    AdminJson(body): AdminJson<PatchAccount>,
) -> AdminResult<Json<AccountView>> {
    if body.secret.as_deref() == Some("") {
        return Err(AdminError::bad_request("secret must not be empty"));
    }
    if let Some(ids) = &body.open_sea_ids {
        check_open_seas(ids)?;
    }
    let patch = AccountPatch {
        secret: body.secret,
        open_sea_ids: body.open_sea_ids,
        mode: body.mode,
        customer_sources: None,
    };
    let account = state.store.openapi().update_account(&appid, &patch).await?;
    let account = account.ok_or_else(|| unknown_account(&appid))?;
    Ok(Json(view(&state, account)))
}

/// The answer of a delete.
#[derive(Serialize, ToSchema)]
pub struct AccountDeleted {
    deleted: bool,
    appid: String,
}

/// `DELETE /_emulator/openapi/accounts/{appid}`: the account and all of its data.
#[utoipa::path(delete, path = "/openapi/accounts/{appid}", tag = "Control plane", params(("appid" = String, Path, description = "The account's appid")),
    responses((status = 200, description = "Deleted, with all of its data", body = AccountDeleted)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(appid): Path<String>,
) -> AdminResult<Json<AccountDeleted>> {
    if !state.store.openapi().delete_account(&appid).await? {
        return Err(unknown_account(&appid));
    }
    Ok(Json(AccountDeleted {
        deleted: true,
        appid,
    }))
}
