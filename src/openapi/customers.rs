//! Customer endpoints: add, update, find by id, delete (seed §1, §2, §4, §5).

use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{
    auth::Caller,
    error::{ApiError, ApiOk, ApiResult, Envelope, Null},
    extract::{ApiJson, OptionalJson},
    input::{read_patch, Context, Mode, RecordInput, RecordUpdate},
    record::Record,
};
use crate::{ids, runtime::clock::Clock, state::AppState};

/// Now, in whole seconds: the wire shows seconds, and storing what is shown keeps
/// searches on times exact.
pub fn now_whole_secs(clock: &Clock) -> i64 {
    clock.now_ms().div_euclid(1000) * 1000
}

/// Reads an id as sent: a string of digits (the seed's form, read by `ids::parse`) or
/// a JSON integer. Anything else cannot name a customer, so it is an unknown id.
fn customer_id(value: &Value, key: &str) -> Result<Option<i64>, ApiError> {
    match value {
        Value::String(s) => Ok(ids::parse(s)),
        Value::Number(n) => Ok(n.as_i64()),
        Value::Null => Err(ApiError::bad_request(format!("`{key}` is required"))),
        other => Err(ApiError::bad_request(format!(
            "`{key}` must be a customer id string, got {other}"
        ))),
    }
}

fn no_such_customer(id: impl std::fmt::Display) -> ApiError {
    ApiError::not_found(format!("no customer with _id {id} in this account"))
}

/// Seed §1 添加客户, `POST /openapi/crm/add`: the record's fields (`customerName`
/// required); the stored record back, with its new 18-digit `_id`. Unknown keys are a
/// 400 listing the valid ones (SPEC §2.5); read-only keys (`_id`, `createTime`, …) too.
#[utoipa::path(
    post,
    path = "/crm/add",
    tag = "OpenAPI",
    request_body = RecordInput,
    responses((status = 200, description = "The stored record, with its new `_id`", body = Envelope<Record>))
)]
#[tracing::instrument(skip_all, fields(appid = %account.appid))]
pub async fn add(
    State(state): State<AppState>,
    Caller(account): Caller,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> ApiResult<Record> {
    let fields = state.store.openapi().custom_fields(account.id).await?;
    let cx = Context {
        account: &account,
        fields: &fields,
        clock: &state.clock,
    };
    let patch = read_patch(&body, &cx, Mode::Add)?;
    let now = now_whole_secs(&state.clock);
    let id = state.ids.next(state.clock.now_ms());
    let customer = state
        .store
        .openapi()
        .add_customer(account.id, id, patch, now)
        .await?;
    Ok(ApiOk(Record::new(customer, &account.appid, &state.clock)))
}

/// Seed §2 修改客户, `POST /openapi/crm/update`: `_id` plus the fields to change;
/// absent keys keep their values, lists are replaced whole, `null` clears a value.
/// Unknown `_id` → 404.
#[utoipa::path(
    post,
    path = "/crm/update",
    tag = "OpenAPI",
    request_body = RecordUpdate,
    responses((status = 200, description = "The record after the change", body = Envelope<Record>),
        (status = 404, description = "No customer with that `_id` in this account", body = Envelope<Null>))
)]
#[tracing::instrument(skip_all, fields(appid = %account.appid))]
pub async fn update(
    State(state): State<AppState>,
    Caller(account): Caller,
    ApiJson(mut body): ApiJson<Map<String, Value>>,
) -> ApiResult<Record> {
    let raw_id = body.shift_remove("_id").unwrap_or(Value::Null);
    let id = customer_id(&raw_id, "_id")?;
    let fields = state.store.openapi().custom_fields(account.id).await?;
    let cx = Context {
        account: &account,
        fields: &fields,
        clock: &state.clock,
    };
    let patch = read_patch(&body, &cx, Mode::Update)?;
    let Some(id) = id else {
        return Err(no_such_customer(raw_id));
    };
    let now = now_whole_secs(&state.clock);
    let customer = state
        .store
        .openapi()
        .update_customer(account.id, id, patch, now)
        .await?
        .ok_or_else(|| no_such_customer(id))?;
    Ok(ApiOk(Record::new(customer, &account.appid, &state.clock)))
}

/// Seed §4 根据id查询客户: `GET` (or `POST`, as the seed's example does with `{}`)
/// `/openapi/crm/{id}` and `/openapi/crm/findById/{id}`. A body, if any, must be JSON
/// and is otherwise ignored. Unknown id → 404.
#[utoipa::path(
    method(get, post),
    path = "/crm/{id}",
    tag = "OpenAPI",
    params(("id" = String, Path, description = "The customer's `_id`")),
    request_body(content = Option<Object>, description = "Optional; `{}` as in the seed's example, otherwise ignored"),
    responses((status = 200, description = "The record", body = Envelope<Record>),
        (status = 404, description = "No customer with that `_id` in this account", body = Envelope<Null>))
)]
#[tracing::instrument(skip_all, fields(appid = %account.appid))]
pub async fn find(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
    OptionalJson(_): OptionalJson<serde::de::IgnoredAny>,
) -> ApiResult<Record> {
    let customer = match ids::parse(&id) {
        Some(n) => state.store.openapi().customer_by_id(account.id, n).await?,
        None => None,
    };
    let customer = customer.ok_or_else(|| no_such_customer(&id))?;
    Ok(ApiOk(Record::new(customer, &account.appid, &state.clock)))
}

/// Seed §4 by its other path, `/openapi/crm/findById/{id}`: the same as `/openapi/crm/{id}`.
#[utoipa::path(
    method(get, post),
    path = "/crm/findById/{id}",
    tag = "OpenAPI",
    params(("id" = String, Path, description = "The customer's `_id`")),
    request_body(content = Option<Object>, description = "Optional; `{}` as in the seed's example, otherwise ignored"),
    responses(
        (status = 200, description = "The record", body = Envelope<Record>),
        (status = 404, description = "No customer with that `_id` in this account", body = Envelope<Null>)
    )
)]
pub async fn find_by_id(
    state: State<AppState>,
    caller: Caller,
    id: Path<String>,
    body: OptionalJson<serde::de::IgnoredAny>,
) -> ApiResult<Record> {
    find(state, caller, id, body).await
}

/// The body of `POST /openapi/crm/delete`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteRequest {
    /// The customer's `_id`: a string (the seed's form) or an integer.
    #[serde(default)]
    #[schema(value_type = String)]
    id: Value,
}

/// Seed §5 根据id删除客户, `POST /openapi/crm/delete` with `{"id": …}`: `data` null.
/// Unknown id → 404.
#[utoipa::path(
    post,
    path = "/crm/delete",
    tag = "OpenAPI",
    request_body = DeleteRequest,
    responses((status = 200, description = "Deleted; `data` is null", body = Envelope<Null>),
        (status = 404, description = "No customer with that `_id` in this account", body = Envelope<Null>))
)]
#[tracing::instrument(skip_all, fields(appid = %account.appid))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(account): Caller,
    ApiJson(request): ApiJson<DeleteRequest>,
) -> ApiResult<Null> {
    let id = customer_id(&request.id, "id")?.ok_or_else(|| no_such_customer(&request.id))?;
    if !state
        .store
        .openapi()
        .delete_customer(account.id, id)
        .await?
    {
        return Err(no_such_customer(id));
    }
    Ok(ApiOk(Null))
}
