//! DingTalk corps: credentials, app key pair, lenient/strict mode, rate limit, and the
//! employee directory. Secrets are accepted, never returned.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    extract::{some, AdminJson},
    AdminError, AdminResult,
};
use crate::http::Json;
use crate::{
    state::AppState,
    store::{
        dingtalk::{Corp, CorpPatch, Employee, NewCorp},
        tenants::Mode,
    },
};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateCorp {
    #[schema(min_length = 1)]
    corpid: String,
    #[schema(min_length = 1)]
    corpsecret: String,
    appkey: Option<String>,
    appsecret: Option<String>,
    mode: Option<Mode>,
    /// Calls per minute per endpoint; absent for no limit.
    #[schema(minimum = 1)]
    rate_limit_per_minute: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatchCorp {
    corpsecret: Option<String>,
    #[serde(default, deserialize_with = "some")]
    appkey: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    appsecret: Option<Option<String>>,
    mode: Option<Mode>,
    /// `null` turns the limit off.
    #[serde(default, deserialize_with = "some")]
    #[schema(minimum = 1)]
    rate_limit_per_minute: Option<Option<i64>>,
}

/// A corp as the control plane shows it: everything but the secrets.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CorpView {
    corpid: String,
    appkey: Option<String>,
    mode: Mode,
    rate_limit_per_minute: Option<i64>,
    created_at: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEmployee {
    #[schema(min_length = 1)]
    userid: String,
    name: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeView {
    userid: String,
    name: Option<String>,
    created_at: String,
}

fn corp_view(state: &AppState, corp: Corp) -> CorpView {
    CorpView {
        corpid: corp.corpid,
        appkey: corp.appkey,
        mode: corp.mode,
        rate_limit_per_minute: corp.rate_limit_per_minute,
        created_at: state.clock.format(corp.created_at),
    }
}

fn employee_view(state: &AppState, employee: Employee) -> EmployeeView {
    EmployeeView {
        userid: employee.userid,
        name: employee.name,
        created_at: state.clock.format(employee.created_at),
    }
}

fn non_empty(field: &str, value: &str) -> Result<(), AdminError> {
    if value.trim().is_empty() {
        return Err(AdminError::bad_request(format!(
            "{field} must not be empty"
        )));
    }
    Ok(())
}

fn valid_rate_limit(limit: Option<i64>) -> Result<(), AdminError> {
    match limit {
        Some(n) if n < 1 => Err(AdminError::bad_request(
            "rateLimitPerMinute must be a positive integer (or null to turn the limit off)",
        )),
        _ => Ok(()),
    }
}

fn unknown_corp(corpid: &str) -> AdminError {
    AdminError::not_found(format!("no corp with corpid {corpid:?}"))
}

/// `POST /_emulator/dingtalk/corps`
#[utoipa::path(post, path = "/dingtalk/corps", tag = "Control plane", request_body = CreateCorp,
    responses((status = 201, description = "The new corp (secrets left out)", body = CorpView)))]
pub async fn create(
    State(state): State<AppState>,
    AdminJson(body): AdminJson<CreateCorp>,
) -> AdminResult<impl IntoResponse> {
    non_empty("corpid", &body.corpid)?;
    non_empty("corpsecret", &body.corpsecret)?;
    if body.appkey.is_some() != body.appsecret.is_some() {
        return Err(AdminError::bad_request(
            "appkey and appsecret go together: give both or neither",
        ));
    }
    valid_rate_limit(body.rate_limit_per_minute)?;
    let new = NewCorp {
        corpid: body.corpid,
        corpsecret: body.corpsecret,
        appkey: body.appkey,
        appsecret: body.appsecret,
        mode: body.mode.unwrap_or(state.config.default_mode),
        rate_limit_per_minute: body.rate_limit_per_minute,
    };
    let corp = state
        .store
        .dingtalk()
        .create_corp(&new, state.clock.now_ms())
        .await
        .map_err(|e| conflict_names(e, "a corp with this corpid or appkey already exists"))?;
    Ok((StatusCode::CREATED, Json(corp_view(&state, corp))))
}

/// Replaces the store's raw uniqueness message with one that names the fields.
pub fn conflict_names(err: crate::store::StoreError, message: &str) -> AdminError {
    match err {
        crate::store::StoreError::Conflict(_) => AdminError::new(StatusCode::CONFLICT, message),
        other => other.into(),
    }
}

/// `GET /_emulator/dingtalk/corps`
#[utoipa::path(get, path = "/dingtalk/corps", tag = "Control plane",
    responses((status = 200, description = "Every corp", body = Vec<CorpView>)))]
pub async fn list(State(state): State<AppState>) -> AdminResult<Json<Vec<CorpView>>> {
    let corps = state.store.dingtalk().list_corps().await?;
    Ok(Json(
        corps.into_iter().map(|c| corp_view(&state, c)).collect(),
    ))
}

/// `GET /_emulator/dingtalk/corps/{corpid}`
#[utoipa::path(get, path = "/dingtalk/corps/{corpid}", tag = "Control plane", params(("corpid" = String, Path, description = "The corp's corpid")),
    responses((status = 200, description = "The corp", body = CorpView)))]
pub async fn get(
    State(state): State<AppState>,
    Path(corpid): Path<String>,
) -> AdminResult<Json<CorpView>> {
    let corp = state.store.dingtalk().corp_by_corpid(&corpid).await?;
    let corp = corp.ok_or_else(|| unknown_corp(&corpid))?;
    Ok(Json(corp_view(&state, corp)))
}

/// `PATCH /_emulator/dingtalk/corps/{corpid}`: absent keys keep their value; `null`
/// clears `appkey`/`appsecret` or turns the rate limit off.
#[utoipa::path(patch, path = "/dingtalk/corps/{corpid}", tag = "Control plane", params(("corpid" = String, Path, description = "The corp's corpid")), request_body = PatchCorp,
    responses((status = 200, description = "The corp after the change", body = CorpView)))]
pub async fn patch(
    State(state): State<AppState>,
    Path(corpid): Path<String>,
    AdminJson(body): AdminJson<PatchCorp>,
) -> AdminResult<Json<CorpView>> {
    if let Some(secret) = &body.corpsecret {
        non_empty("corpsecret", secret)?;
    }
    valid_rate_limit(body.rate_limit_per_minute.flatten())?;
    let current = state.store.dingtalk().corp_by_corpid(&corpid).await?;
    let current = current.ok_or_else(|| unknown_corp(&corpid))?;
    let has_key = body
        .appkey
        .as_ref()
        .map_or(current.appkey.is_some(), Option::is_some);
    let has_secret = body
        .appsecret
        .as_ref()
        .map_or(current.appsecret.is_some(), Option::is_some);
    if has_key != has_secret {
        return Err(AdminError::bad_request(
            "appkey and appsecret go together: after this change the corp would have only one",
        ));
    }
    let patch = CorpPatch {
        corpsecret: body.corpsecret,
        appkey: body.appkey,
        appsecret: body.appsecret,
        mode: body.mode,
        rate_limit_per_minute: body.rate_limit_per_minute,
    };
    let corp = state
        .store
        .dingtalk()
        .update_corp(&corpid, &patch)
        .await
        .map_err(|e| conflict_names(e, "another corp already uses this appkey"))?;
    let corp = corp.ok_or_else(|| unknown_corp(&corpid))?;
    Ok(Json(corp_view(&state, corp)))
}

/// The answer of a delete.
#[derive(Serialize, ToSchema)]
pub struct CorpDeleted {
    deleted: bool,
    corpid: String,
}

/// `DELETE /_emulator/dingtalk/corps/{corpid}`: the corp and all of its data.
#[utoipa::path(delete, path = "/dingtalk/corps/{corpid}", tag = "Control plane", params(("corpid" = String, Path, description = "The corp's corpid")),
    responses((status = 200, description = "Deleted, with all of its data", body = CorpDeleted)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(corpid): Path<String>,
) -> AdminResult<Json<CorpDeleted>> {
    if !state.store.dingtalk().delete_corp(&corpid).await? {
        return Err(unknown_corp(&corpid));
    }
    Ok(Json(CorpDeleted {
        deleted: true,
        corpid,
    }))
}

/// `POST /_emulator/dingtalk/corps/{corpid}/employees`: adds (or renames) an employee.
#[utoipa::path(post, path = "/dingtalk/corps/{corpid}/employees", tag = "Control plane", params(("corpid" = String, Path, description = "The corp's corpid")), request_body = CreateEmployee,
    responses((status = 201, description = "The employee", body = EmployeeView)))]
pub async fn add_employee(
    State(state): State<AppState>,
    Path(corpid): Path<String>,
    AdminJson(body): AdminJson<CreateEmployee>,
) -> AdminResult<impl IntoResponse> {
    non_empty("userid", &body.userid)?;
    let corp = state.store.dingtalk().corp_by_corpid(&corpid).await?;
    let corp = corp.ok_or_else(|| unknown_corp(&corpid))?;
    let employee = state
        .store
        .dingtalk()
        .upsert_employee(
            corp.id,
            &body.userid,
            body.name.as_deref(),
            state.clock.now_ms(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(employee_view(&state, employee))))
}

/// `GET /_emulator/dingtalk/corps/{corpid}/employees`
#[utoipa::path(get, path = "/dingtalk/corps/{corpid}/employees", tag = "Control plane", params(("corpid" = String, Path, description = "The corp's corpid")),
    responses((status = 200, description = "The corp's employees", body = Vec<EmployeeView>)))]
pub async fn list_employees(
    State(state): State<AppState>,
    Path(corpid): Path<String>,
) -> AdminResult<Json<Vec<EmployeeView>>> {
    let corp = state.store.dingtalk().corp_by_corpid(&corpid).await?;
    let corp = corp.ok_or_else(|| unknown_corp(&corpid))?;
    let employees = state.store.dingtalk().list_employees(corp.id).await?;
    Ok(Json(
        employees
            .into_iter()
            .map(|e| employee_view(&state, e))
            .collect(),
    ))
}
