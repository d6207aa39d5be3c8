//! The tenants' data as the console shows it: a corp's customers (searched by name or
//! telephone, one opening to its contacts and followers) and an account's customers
//! (searched by name, one opening to its record). Reads only, in the shapes the two APIs
//! answer with, so what the console shows is what a client would read.

use axum::extract::{rejection::QueryRejection, Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{AdminError, AdminResult};
use crate::http::Json;
use crate::{
    dingtalk::wire::{CustomerDetailView, CustomerView},
    ids,
    openapi::record::Record,
    state::AppState,
    store::openapi::{Column, Condition, CustomerQuery, Op, Sort, Target},
};

/// The most customers one page holds.
const MAX_LIMIT: i64 = 200;

/// A search of a tenant's customers.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Search {
    /// Text the name (or, for a corp, the telephone) contains; absent or empty: all.
    #[serde(default)]
    q: String,
    /// Customers to skip (newest first); default 0.
    #[serde(default)]
    #[param(minimum = 0)]
    offset: i64,
    /// At most this many (1–200); default 50.
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 200)]
    limit: i64,
}

fn default_limit() -> i64 {
    50
}

impl Search {
    fn read(query: Result<Query<Search>, QueryRejection>) -> AdminResult<Search> {
        let Query(search) = query.map_err(|e| AdminError::bad_request(e.body_text()))?;
        if !(1..=MAX_LIMIT).contains(&search.limit) {
            return Err(AdminError::bad_request(format!(
                "limit must be from 1 to {MAX_LIMIT}, got {}",
                search.limit
            )));
        }
        if search.offset < 0 {
            return Err(AdminError::bad_request(format!(
                "offset must be 0 or more, got {}",
                search.offset
            )));
        }
        Ok(search)
    }
}

/// A page of a corp's customers.
#[derive(Serialize, ToSchema)]
pub struct CorpCustomers {
    customers: Vec<CustomerView>,
    /// How many match in all.
    total: i64,
}

/// A page of an account's customers.
#[derive(Serialize, ToSchema)]
pub struct AccountCustomers {
    list: Vec<Record>,
    /// How many match in all.
    count: i64,
}

fn unknown_corp(corpid: &str) -> AdminError {
    AdminError::not_found(format!("no corp with corpid {corpid:?}"))
}

/// `GET /_emulator/dingtalk/corps/{corpid}/customers?q=&offset=&limit=`, newest first.
#[utoipa::path(get, path = "/dingtalk/corps/{corpid}/customers", tag = "Control plane",
    params(("corpid" = String, Path, description = "The corp's corpid"), Search),
    responses((status = 200, description = "A page of the corp's customers, newest first", body = CorpCustomers)))]
pub async fn corp_customers(
    State(state): State<AppState>,
    Path(corpid): Path<String>,
    query: Result<Query<Search>, QueryRejection>,
) -> AdminResult<Json<CorpCustomers>> {
    let search = Search::read(query)?;
    let store = state.store.dingtalk();
    let corp = store.corp_by_corpid(&corpid).await?;
    let corp = corp.ok_or_else(|| unknown_corp(&corpid))?;
    let (customers, total) = store
        .search_customers(corp.id, search.q.trim(), search.offset, search.limit)
        .await?;
    Ok(Json(CorpCustomers {
        customers: customers.into_iter().map(Into::into).collect(),
        total,
    }))
}

/// `GET /_emulator/dingtalk/corps/{corpid}/customers/{id}`: the customer with its
/// contacts and followers, as `/crm/customer/get` answers it.
#[utoipa::path(get, path = "/dingtalk/corps/{corpid}/customers/{id}", tag = "Control plane",
    params(("corpid" = String, Path, description = "The corp's corpid"), ("id" = String, Path, description = "The customer's id")),
    responses((status = 200, description = "The customer, its contacts and its followers", body = CustomerDetailView)))]
pub async fn corp_customer(
    State(state): State<AppState>,
    Path((corpid, id)): Path<(String, String)>,
) -> AdminResult<Json<CustomerDetailView>> {
    let store = state.store.dingtalk();
    let corp = store.corp_by_corpid(&corpid).await?;
    let corp = corp.ok_or_else(|| unknown_corp(&corpid))?;
    let unknown = || AdminError::not_found(format!("corp {corpid:?} has no customer {id:?}"));
    let number = ids::parse(&id).ok_or_else(unknown)?;
    let detail = store.customer(corp.id, number).await?.ok_or_else(unknown)?;
    Ok(Json(detail.into()))
}

/// `GET /_emulator/openapi/accounts/{appid}/customers?q=&offset=&limit=`: records whose
/// `customerName` contains `q`, newest first.
#[utoipa::path(get, path = "/openapi/accounts/{appid}/customers", tag = "Control plane",
    params(("appid" = String, Path, description = "The account's appid"), Search),
    responses((status = 200, description = "A page of the account's customers, newest first", body = AccountCustomers)))]
pub async fn account_customers(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    query: Result<Query<Search>, QueryRejection>,
) -> AdminResult<Json<AccountCustomers>> {
    let search = Search::read(query)?;
    let store = state.store.openapi();
    let account = store.account_by_appid(&appid).await?;
    let account =
        account.ok_or_else(|| AdminError::not_found(format!("no account with appid {appid:?}")))?;
    let text = search.q.trim();
    let conditions = match text {
        "" => Vec::new(),
        text => vec![Condition {
            target: Target::Column(Column::CustomerName),
            op: Op::Contains(text.to_owned()),
        }],
    };
    let query = CustomerQuery {
        conditions,
        sort: Sort::default(),
        limit: search.limit,
        offset: search.offset,
    };
    let (customers, count) = store.find_customers(account.id, &query).await?;
    let list = customers
        .into_iter()
        .map(|c| Record::new(c, &account.appid, &state.clock))
        .collect();
    Ok(Json(AccountCustomers { list, count }))
}
