//! Customer reads: `GET /crm/customer/get?id=` (获取客户详细信息) and the customer list,
//! `GET /crm/customer/get` without `id` (获取客户列表) or `GET /crm/customer/list`.

use axum::{extract::State, Json};
use serde::Deserialize;
use tracing::instrument;
use utoipa::IntoParams;

use super::{
    auth::Caller,
    error::{ok, DtError, DtOk, DtReply, DtResult},
    extract::DtQuery,
    wire::{parse_id, CustomerListView, CustomerRead},
};
use crate::state::AppState;

/// Largest (and default) page of the list (SPEC §1.3).
const MAX_PAGE: i64 = 1000;

/// The query of the reads, besides `access_token`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// A customer id: its detail (`/crm/customer/get` only). Without it, a page of the list.
    id: Option<String>,
    /// Customers to skip, oldest first (default 0).
    offset: Option<String>,
    /// Page size, 1–1000 (default 1000).
    size: Option<String>,
}

/// `GET /crm/customer/get?access_token=&id=` → `customer{id,name,address,description,
/// telephone}`, `contactList[{contactid,name,mobile,attached}]`, `userIds`, `create_by`.
/// Without `id`, the same URL is the customer list (the seed documents both under it).
#[utoipa::path(
    get,
    path = "/crm/customer/get",
    tag = "DingTalk",
    params(ReadQuery),
    responses((status = 200, description = "With `id`: the customer's detail (`CustomerDetailView`); without: a page of the list (`CustomerListView`)", body = DtReply<CustomerRead>))
)]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    DtQuery(query): DtQuery<ReadQuery>,
) -> DtResult<Json<DtOk<CustomerRead>>> {
    let Some(id_text) = query.id.as_deref() else {
        return Ok(ok(CustomerRead::List(page(&state, &caller, &query).await?)));
    };
    if id_text.is_empty() {
        return Err(DtError::InvalidParam(
            "id is empty: give a customer id, or leave id out to list customers".into(),
        ));
    }
    let unknown = || DtError::no_such("id", "customer", &[id_text]);
    let id = parse_id(id_text).ok_or_else(unknown)?;
    let detail = state
        .store
        .dingtalk()
        .customer(caller.scope.id, id)
        .await?
        .ok_or_else(unknown)?;
    Ok(ok(CustomerRead::Detail(detail.into())))
}

/// `GET /crm/customer/list?access_token=&offset=&size=` → `customerlist`, `hasMore`.
#[utoipa::path(
    get,
    path = "/crm/customer/list",
    tag = "DingTalk",
    params(ReadQuery),
    responses((status = 200, description = "A page of the corp's customers", body = DtReply<CustomerListView>))
)]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    DtQuery(query): DtQuery<ReadQuery>,
) -> DtResult<Json<DtOk<CustomerListView>>> {
    Ok(ok(page(&state, &caller, &query).await?))
}

/// One page of the corp's customers, oldest first: `offset` (default 0) customers are
/// skipped and at most `size` (default and maximum 1000) returned.
async fn page(state: &AppState, caller: &Caller, query: &ReadQuery) -> DtResult<CustomerListView> {
    let offset = match query.offset.as_deref() {
        None => 0,
        Some(text) => parse_in_range(text, 0, i64::MAX).ok_or_else(|| {
            DtError::InvalidParam(format!(
                "offset must be a whole number of 0 or more, got {text:?}"
            ))
        })?,
    };
    let size = match query.size.as_deref() {
        None => MAX_PAGE,
        Some(text) => parse_in_range(text, 1, MAX_PAGE).ok_or_else(|| {
            DtError::InvalidParam(format!(
                "size must be a whole number from 1 to {MAX_PAGE}, got {text:?}"
            ))
        })?,
    };
    let page = state
        .store
        .dingtalk()
        .customer_page(caller.scope.id, offset, size)
        .await?;
    Ok(page.into())
}

fn parse_in_range(text: &str, min: i64, max: i64) -> Option<i64> {
    text.parse::<i64>().ok().filter(|n| (min..=max).contains(n))
}

#[cfg(test)]
mod tests {
    use super::parse_in_range;

    #[test]
    fn paging_numbers_must_be_plain_integers_in_range() {
        assert_eq!(parse_in_range("10", 1, 1000), Some(10));
        assert_eq!(parse_in_range("0", 1, 1000), None);
        assert_eq!(parse_in_range("1001", 1, 1000), None);
        assert_eq!(parse_in_range("ten", 1, 1000), None);
        assert_eq!(parse_in_range("1.5", 1, 1000), None);
    }
}
