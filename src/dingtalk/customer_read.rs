//! Customer reads: `GET /crm/customer/get?id=` (获取客户详细信息) and the customer list,
//! `GET /crm/customer/get` without `id` (获取客户列表) or `GET /crm/customer/list`.

use axum::extract::State;
use serde::Deserialize;
use tracing::instrument;
use utoipa::IntoParams;

use super::{
    auth::Caller,
    error::{ok, DtError, DtOk, DtReply, DtResult},
    extract::DtQuery,
    wire::{parse_id, CustomerListView, CustomerRead},
};
use crate::http::Json;
use crate::{
    runtime::rules::{dingtalk as dt, Judge},
    state::AppState,
};

/// Largest (and default) page of a paged list.
const MAX_PAGE: i64 = 1000;

/// The query of the reads, besides `access_token`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// A customer id: its detail (`/crm/customer/get` only). Without it, a page of the list.
    id: Option<String>,
    /// Customers to skip, oldest first (default 0).
    #[param(value_type = Option<i64>, minimum = 0)]
    offset: Option<String>,
    /// Page size, 1–1000 (default 1000; out of range: refused for strict corps, clamped
    /// for lenient ones). Without offset and size, every customer.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    size: Option<String>,
}

/// `GET /crm/customer/get?access_token=&id=` → `customer{id,name,address,description,
/// telephone}`, `contactList[{contactid,name,mobile,attached}]`, `userIds`, `create_by`.
/// Without `id`, the same URL is the customer list (the vendor document has both under it).
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
    judge: Judge,
    DtQuery(query): DtQuery<ReadQuery>,
) -> DtResult<Json<DtOk<CustomerRead>>> {
    let id_text = query.id.as_deref().unwrap_or_default();
    if query.id.is_some() && id_text.is_empty() {
        let detail = "id is empty: give a customer id, or leave id out to list customers";
        judge.check(&dt::GET_ID, detail)?;
    }
    if id_text.is_empty() {
        let page = page(&state, &caller, &judge, &query).await?;
        return Ok(ok(CustomerRead::List(page)));
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
    judge: Judge,
    DtQuery(query): DtQuery<ReadQuery>,
) -> DtResult<Json<DtOk<CustomerListView>>> {
    Ok(ok(page(&state, &caller, &judge, &query).await?))
}

/// The corp's customers, oldest first. Without `offset` and `size`, every one of them
/// (the vendor document's list has no paging); with either, `offset` (default 0) are
/// skipped and at most `size` (default and maximum 1000) returned.
async fn page(
    state: &AppState,
    caller: &Caller,
    judge: &Judge,
    query: &ReadQuery,
) -> DtResult<CustomerListView> {
    let paged = query.offset.is_some() || query.size.is_some();
    let offset = paging(judge, "offset", query.offset.as_deref(), 0, i64::MAX)?.unwrap_or(0);
    let size = paging(judge, "size", query.size.as_deref(), 1, MAX_PAGE)?;
    let size = paged.then(|| size.unwrap_or(MAX_PAGE));
    let page = state
        .store
        .dingtalk()
        .customer_page(caller.scope.id, offset, size)
        .await?;
    Ok(page.into())
}

/// The paging parameter `name`, a whole number within `min..=max` (a lenient corp's
/// number outside it is clamped into it).
fn paging(
    judge: &Judge,
    name: &str,
    text: Option<&str>,
    min: i64,
    max: i64,
) -> DtResult<Option<i64>> {
    let Some(text) = text else { return Ok(None) };
    let range = match max {
        i64::MAX => format!("of {min} or more"),
        _ => format!("from {min} to {max}"),
    };
    let fault = format!("{name} must be a whole number {range}, got {text:?}");
    let number: i64 = text
        .parse()
        .map_err(|_| DtError::refused(&dt::LIST_NUMBER, fault.clone()))?;
    if !(min..=max).contains(&number) {
        judge.check(&dt::LIST_PAGING, fault)?;
    }
    Ok(Some(number.clamp(min, max)))
}

#[cfg(test)]
mod tests {
    use super::paging;
    use crate::{
        mode::Mode,
        runtime::rules::{Judge, Warnings},
    };

    #[test]
    fn paging_numbers_must_be_whole_and_in_range_or_are_clamped_for_lenient_corps() {
        let strict = Judge::new(Mode::Strict, Warnings::default());
        assert_eq!(
            paging(&strict, "size", Some("10"), 1, 1000).unwrap(),
            Some(10)
        );
        assert_eq!(paging(&strict, "size", None, 1, 1000).unwrap(), None);
        assert!(paging(&strict, "size", Some("0"), 1, 1000).is_err());
        assert!(paging(&strict, "size", Some("1001"), 1, 1000).is_err());
        assert!(paging(&strict, "size", Some("1.5"), 1, 1000).is_err());
        let lenient = Judge::new(Mode::Lenient, Warnings::default());
        assert_eq!(
            paging(&lenient, "size", Some("5000"), 1, 1000).unwrap(),
            Some(1000)
        );
        assert!(paging(&lenient, "size", Some("ten"), 1, 1000).is_err());
    }
}
