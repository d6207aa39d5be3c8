//! `POST /openapi/crm/list` (《CRM客户管理接口》 3、查询客户列表; `docs/openapi.md#searching`): a page
//! of the account's customers matching a search, and how many match in all. The search
//! runs in the database (see `store::openapi::sql`).

use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{
    auth::Caller,
    error::{ApiError, ApiOk, ApiResult, Envelope},
    extract::{Body, Keys, OptionalJson},
    record::Record,
    search::{needs_custom_fields, Catalog, SearchItem, SortSpec},
};
use crate::{
    runtime::rules::{openapi as oa, Judge},
    state::AppState,
    store::openapi::CustomerQuery,
};

/// Page size when `limit` is absent, and its bounds.
const DEFAULT_LIMIT: i64 = 10;
const MAX_LIMIT: i64 = 100;

/// The body; every key is optional (an empty body lists the first page).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ListRequest {
    /// 1–100, default 10 (outside: refused for strict accounts, clamped for lenient ones).
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<Value>,
    /// From 1, default 1 (below 1: refused for strict accounts, page 1 for lenient ones).
    #[schema(value_type = Option<i64>, minimum = 1)]
    page: Option<Value>,
    /// At most 100 conditions, all of which must hold.
    #[schema(max_items = 100)]
    search: Option<Vec<SearchItem>>,
    /// Read by the handler (`search::sort`): another shape is refused for strict
    /// accounts and ignored for lenient ones.
    #[schema(value_type = Option<SortSpec>)]
    sort: Option<Value>,
}

impl Body for ListRequest {
    const KEYS: Option<&'static Keys> = Some(&Keys {
        body: &["limit", "page", "search", "sort"],
        nested: &[("search", &["field", "operator", "value"])],
    });
}

/// `data` of the answer.
#[derive(Serialize, ToSchema)]
pub struct Page {
    list: Vec<Record>,
    /// How many customers match in all.
    count: i64,
}

/// 《CRM客户管理接口》 3、查询客户列表: `limit` (default 10; outside 1–100 → 400 for strict
/// accounts, clamped for lenient ones), `page` (default 1; below 1 → 400 for strict
/// accounts, page 1 for lenient ones), `search` conditions ANDed, `sort` (default
/// `createTime` desc, then `_id`). A page past the last is an empty `list` with the full
/// `count`.
#[utoipa::path(
    post,
    path = "/crm/list",
    tag = "OpenAPI",
    request_body(content = Option<ListRequest>, description = "Every key optional; no body lists the first page"),
    responses((status = 200, description = "A page of matching records and the total count", body = Envelope<Page>))
)]
#[tracing::instrument(skip_all, fields(appid = %account.appid))]
pub async fn list(
    State(state): State<AppState>,
    Caller(account): Caller,
    judge: Judge,
    OptionalJson(request): OptionalJson<ListRequest>,
) -> ApiResult<Page> {
    let limit = match whole(&judge, "limit", request.limit.as_ref())? {
        Some(limit) => in_range(&judge, limit)?,
        None => DEFAULT_LIMIT,
    };
    let page = match whole(&judge, "page", request.page.as_ref())? {
        Some(page) if page < 1 => {
            let detail = format!("`page` must be at least 1, got {page}");
            judge.check(&oa::LIST_PAGE, detail)?;
            1
        }
        Some(page) => page,
        None => 1,
    };
    let items = request.search.unwrap_or_default();
    // Only searches that name custom fields pay for loading them.
    let fields = if needs_custom_fields(&items, request.sort.as_ref()) {
        state.store.openapi().custom_fields(account.id).await?
    } else {
        Default::default()
    };
    let catalog = Catalog {
        appid: &account.appid,
        fields: &fields,
        clock: &state.clock,
        judge: &judge,
    };
    let query = CustomerQuery {
        conditions: catalog.conditions(&items)?,
        sort: catalog.sort(request.sort.as_ref())?,
        limit,
        offset: (page - 1).saturating_mul(limit),
    };
    let (customers, count) = state
        .store
        .openapi()
        .find_customers(account.id, &query)
        .await?;
    let list = customers
        .into_iter()
        .map(|c| Record::new(c, &account.appid, &state.clock))
        .collect();
    Ok(ApiOk(Page { list, count }))
}

/// `limit` or `page`: a whole number, or `None` when absent. A numeric string is the
/// vendor document's String-for-number slip the other way round: refused for strict
/// accounts, read as its number for lenient ones.
fn whole(judge: &Judge, key: &str, value: Option<&Value>) -> Result<Option<i64>, ApiError> {
    let paging = |got: &Value| {
        ApiError::refused(
            &oa::LIST_PAGING,
            format!("`{key}` must be a whole number, got {got}"),
        )
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(number @ Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| paging(number)),
        Some(text @ Value::String(s)) => {
            let parsed: i64 = s.trim().parse().map_err(|_| paging(text))?;
            judge.check_instead(
                &oa::FIELD_NUMBER,
                format!("`{key}` must be a number, got the string {s:?}"),
                &format!("read as the number {parsed}"),
            )?;
            Ok(Some(parsed))
        }
        Some(other) => Err(paging(other)),
    }
}

/// `limit` within 1–100: outside, refused for strict accounts and clamped for lenient
/// ones.
fn in_range(judge: &Judge, limit: i64) -> Result<i64, ApiError> {
    let (bound, side) = match limit {
        ..=0 => (1, "least"),
        1..=MAX_LIMIT => return Ok(limit),
        _ => (MAX_LIMIT, "most"),
    };
    judge.check_instead(
        &oa::LIST_LIMIT,
        format!("`limit` must be at {side} {bound}, got {limit}"),
        &format!("clamped to {bound}"),
    )?;
    Ok(bound)
}
