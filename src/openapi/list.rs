//! `POST /openapi/crm/list` (seed §3 查询客户列表, SPEC §2.5): a page of the account's
//! customers matching a search, and how many match in all. The search runs in the
//! database (see `store::openapi::sql`).

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    auth::Caller,
    error::{ApiError, ApiOk, ApiResult, Envelope},
    extract::OptionalJson,
    record::Record,
    search::{needs_custom_fields, Catalog, SearchItem, SortSpec},
};
use crate::{state::AppState, store::openapi::CustomerQuery};

/// Page size when `limit` is absent, and its bounds.
const DEFAULT_LIMIT: i64 = 10;
const MAX_LIMIT: i64 = 100;

/// The body; every key is optional (an empty body lists the first page).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListRequest {
    limit: Option<i64>,
    page: Option<i64>,
    search: Option<Vec<SearchItem>>,
    sort: Option<SortSpec>,
}

/// `data` of the answer.
#[derive(Serialize, ToSchema)]
pub struct Page {
    list: Vec<Record>,
    /// How many customers match in all.
    count: i64,
}

/// Seed §3: `limit` (default 10; outside 1–100 → 400), `page` (default 1; < 1 → 400),
/// `search` conditions ANDed, `sort` (default `createTime` desc, then `_id`). A page
/// past the last is an empty `list` with the full `count`.
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
    OptionalJson(request): OptionalJson<ListRequest>,
) -> ApiResult<Page> {
    let limit = request.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "`limit` must be between 1 and {MAX_LIMIT}, got {limit}"
        )));
    }
    let page = request.page.unwrap_or(1);
    if page < 1 {
        return Err(ApiError::bad_request(format!(
            "`page` must be 1 or more, got {page}"
        )));
    }
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
    };
    let query = CustomerQuery {
        conditions: catalog.conditions(&items).map_err(ApiError::bad_request)?,
        sort: catalog
            .sort(request.sort.as_ref())
            .map_err(ApiError::bad_request)?,
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
