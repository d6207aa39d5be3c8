//! Customer endpoints: add, update, find by id, delete (《CRM客户管理接口》 1, 2, 4, 5;
//! `docs/openapi.md#endpoints`).

use axum::extract::{Path, State};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{
    auth::Caller,
    error::{ApiError, ApiOk, ApiResult, Envelope, Null},
    extract::{unknown_key, ApiJson, OptionalJson},
    input::{
        check_assign_time, needs_owner_check, read_patch, Context, Mode, RecordInput, RecordUpdate,
    },
    nonce::{self, PendingNonce},
    record::Record,
};
use crate::{
    ids,
    runtime::{
        clock::Clock,
        rules::{openapi as oa, Judge},
    },
    state::AppState,
};

/// Now, in whole seconds: the wire shows seconds, and storing what is shown keeps
/// searches on times exact.
pub fn now_whole_secs(clock: &Clock) -> i64 {
    clock.now_ms().div_euclid(1000) * 1000
}

/// Reads an id as sent: a string of digits (the vendor document's form, read by
/// `ids::parse`), or a JSON number where the vendor document types a String
/// (`openapi.field.number`). `None` when it cannot name a customer, which then is an
/// unknown one.
fn customer_id(judge: &Judge, value: Option<&Value>, key: &str) -> Result<Option<i64>, ApiError> {
    match value {
        Some(Value::String(s)) => Ok(ids::parse(s)),
        Some(Value::Number(n)) => {
            judge.check_instead(
                &oa::FIELD_NUMBER,
                format!("`{key}` must be a string, got the number {n}"),
                oa::DECIMAL_TEXT,
            )?;
            Ok(ids::parse(&n.to_string()))
        }
        None | Some(Value::Null) => Err(ApiError::refused(
            &oa::RECORD_ID_REQUIRED,
            format!("`{key}` is required: the customer's _id"),
        )),
        Some(other) => Err(ApiError::refused(
            &oa::VALUE_TYPE,
            format!("`{key}` must be a customer id string, got {other}"),
        )),
    }
}

fn no_such_customer(id: impl std::fmt::Display) -> ApiError {
    ApiError::refused(
        &oa::RECORD_KNOWN,
        format!("no customer with _id {id} in this account"),
    )
}

/// 《CRM客户管理接口》 1、添加客户, `POST /openapi/crm/add`: the record's fields (`customerName`
/// required); the stored record back, with its new 18-digit `_id`. Unknown and read-only
/// keys (`_id`, `createTime`, …) are refused for strict accounts (naming the valid keys)
/// and ignored with a warning for lenient ones (docs/rules.md).
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
    judge: Judge,
    pending: PendingNonce,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> ApiResult<Record> {
    let fields = state.store.openapi().custom_fields(account.id).await?;
    let cx = Context {
        account: &account,
        fields: &fields,
        clock: &state.clock,
        judge: &judge,
    };
    let patch = read_patch(&body, &cx, Mode::Add)?;
    let now = now_whole_secs(&state.clock);
    let id = state.ids.next(state.clock.now_ms());
    let openapi = state.store.openapi();
    let Some(nonce) = pending.take() else {
        let customer = openapi.add_customer(account.id, id, patch, now).await?;
        return Ok(ApiOk(Record::new(customer, &account.appid, &state.clock)));
    };
    // The replay record is written with the customer, in one transaction.
    let refuse_replay = judge.refuses(&oa::NONCE_ONCE);
    let added = openapi
        .add_signed_customer(nonce.clone(), refuse_replay, id, patch, now)
        .await?;
    if !added.fresh {
        nonce::replayed(&judge, &account, &nonce)?;
    }
    let customer = added.customer.ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal error: a refused replay was not refused",
        )
    })?;
    Ok(ApiOk(Record::new(customer, &account.appid, &state.clock)))
}

/// 《CRM客户管理接口》 2、修改客户, `POST /openapi/crm/update`: `_id` plus the fields to change;
/// absent keys keep their values, lists are replaced whole, `null` clears a value.
/// Unknown `_id` → 404. The keys the emulator sets (`accountId`, `createTime`, …) are
/// refused for strict accounts and ignored for lenient ones, so a record read back can
/// be sent back.
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
    judge: Judge,
    ApiJson(mut body): ApiJson<Map<String, Value>>,
) -> ApiResult<Record> {
    let raw_id = body.shift_remove("_id").unwrap_or(Value::Null);
    let id = customer_id(&judge, Some(&raw_id), "_id")?;
    let fields = state.store.openapi().custom_fields(account.id).await?;
    let cx = Context {
        account: &account,
        fields: &fields,
        clock: &state.clock,
        judge: &judge,
    };
    let patch = read_patch(&body, &cx, Mode::Update)?;
    let Some(id) = id else {
        return Err(no_such_customer(raw_id));
    };
    if needs_owner_check(&patch) {
        let stored = state.store.openapi().customer_by_id(account.id, id).await?;
        let stored = stored.ok_or_else(|| no_such_customer(id))?;
        check_assign_time(&patch, &judge, stored.owner.is_some())?;
    }
    let now = now_whole_secs(&state.clock);
    let customer = state
        .store
        .openapi()
        .update_customer(account.id, id, patch, now)
        .await?
        .ok_or_else(|| no_such_customer(id))?;
    Ok(ApiOk(Record::new(customer, &account.appid, &state.clock)))
}

/// 《CRM客户管理接口》 4、根据id查询客户: `GET` (or `POST`, as its example does with `{}`)
/// `/openapi/crm/{id}` and `/openapi/crm/findById/{id}`. A body, if any, must be JSON
/// and is otherwise ignored. Unknown id → 404.
#[utoipa::path(
    method(get, post),
    path = "/crm/{id}",
    tag = "OpenAPI",
    params(("id" = String, Path, description = "The customer's `_id`")),
    request_body(content = Option<Object>, description = "Optional; `{}` as in the vendor document's example, otherwise ignored"),
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

/// 《CRM客户管理接口》 4、根据id查询客户 by its other path, `/openapi/crm/findById/{id}`: the same as
/// `/openapi/crm/{id}`.
#[utoipa::path(
    method(get, post),
    path = "/crm/findById/{id}",
    tag = "OpenAPI",
    params(("id" = String, Path, description = "The customer's `_id`")),
    request_body(content = Option<Object>, description = "Optional; `{}` as in the vendor document's example, otherwise ignored"),
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

/// The body of `POST /openapi/crm/delete` (for the OpenAPI document; the handler reads
/// the keys itself).
#[derive(Serialize, ToSchema)]
pub struct DeleteRequest {
    /// The customer's `_id`, as a string (the vendor document's form).
    id: String,
}

/// 《CRM客户管理接口》 5、根据id删除客户, `POST /openapi/crm/delete` with `{"id": …}`: `data` null.
/// Unknown id → 404. `_id` instead of `id` is refused for strict accounts and used as
/// `id` for lenient ones; another key is an unknown key.
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
    judge: Judge,
    ApiJson(mut body): ApiJson<Map<String, Value>>,
) -> ApiResult<Null> {
    let mut raw_id = body.shift_remove("id");
    if let Some(other) = body.shift_remove("_id") {
        judge.check(
            &oa::DELETE_ID_KEY,
            "the customer is named by `_id`; the delete takes `id`",
        )?;
        raw_id.get_or_insert(other);
    }
    for key in body.keys() {
        unknown_key(&judge, "", key, &["id"])?;
    }
    let id = customer_id(&judge, raw_id.as_ref(), "id")?;
    let id = id.ok_or_else(|| no_such_customer(raw_id.unwrap_or_default()))?;
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
