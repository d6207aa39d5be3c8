//! The customer reads (docs/dingtalk-v1.md#operations): ListCrmPersonalCustomers
//! (batchQuery), QueryCrmPersonalCustomer, QueryAllCustomer and the object meta. Pages
//! are keyset pages (docs/dingtalk-v1.md#paging-and-queries).

use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::instrument;
use utoipa::{IntoParams, ToSchema};

use super::{
    auth::{Caller, Employees},
    dsl,
    error::{V1Error, V1ErrorBody, V1Result},
    extract::{V1Json, V1Query},
    fields::{self, Fields},
    params::{self, RELATION_TYPES},
    schemas::QueryAllRequest,
    wire::{Customer, CustomerAll, CustomerPlus},
};
use crate::http::Json;
use crate::{
    runtime::rules::Judge,
    state::AppState,
    store::dingtalk::{RecordField, RecordFilter, CUSTOMER_COLUMNS},
};

/// What a `fieldId` of a customer query names.
fn customer_field(key: &str) -> RecordField {
    match CUSTOMER_COLUMNS.iter().find(|(_, k)| *k == key) {
        Some((column, _)) => RecordField::Column(column),
        None => RecordField::Extra(key.to_owned()),
    }
}

/// Registers or checks the employee a read names (a lenient corp's is added and
/// warned of), before the records are read.
async fn reader(
    state: &AppState,
    caller: &Caller,
    judge: &Judge,
    key: &'static str,
    userid: Option<String>,
) -> V1Result<()> {
    let Some(userid) = userid.filter(|u| !u.is_empty()) else {
        return Ok(());
    };
    fields::storable_user_id(key, &userid)?;
    let mut employees = Employees::default();
    employees.add(key, &userid);
    let now_ms = state.clock.now_ms();
    let registered = state
        .store
        .dingtalk()
        .ensure_employees(caller.scope, &employees.ids(), now_ms)
        .await
        .map_err(|err| employees.store_error(err, key))?;
    employees.warn(judge, &registered)
}

/// The query of ListCrmPersonalCustomers.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct TypeQuery {
    /// The employee reading.
    current_operator_user_id: Option<String>,
    /// `crm_customer` or `crm_customer_personal`.
    relation_type: Option<String>,
}

/// ListCrmPersonalCustomersResponseBody.
#[derive(Serialize, ToSchema)]
#[schema(as = V1Listed)]
pub struct Listed {
    result: Vec<CustomerPlus>,
}

/// `POST /v1.0/crm/personalCustomers/batchQuery` (ListCrmPersonalCustomers): the body is
/// a JSON array of instance ids; the customers that exist come back in the request's
/// order, each once, unknown ids left out.
#[utoipa::path(post, path = "/crm/personalCustomers/batchQuery", tag = "DingTalk v1.0",
    params(TypeQuery), request_body(content = Vec<String>, description = "Instance ids, 1 to 100"),
    responses(
        (status = 200, description = "The customers found", body = Listed),
        (status = 400, description = "`Missingbody`, `param.error`, `relationType.not.exists` or `currentOperatorUserId.not.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn batch_query(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    V1Query(query): V1Query<TypeQuery>,
    V1Json(body): V1Json,
) -> V1Result<Json<Listed>> {
    let Value::Array(items) = &body else {
        let detail = format!(
            "the body must be a JSON array of instance ids, got {}",
            fields::type_name(&body)
        );
        return Err(fields::shape(detail));
    };
    let texts = items
        .iter()
        .enumerate()
        .map(|(i, item)| fields::text(&judge, item, &format!("body[{i}]")))
        .collect::<V1Result<Vec<_>>>()?;
    params::batch_size(&judge, "body", texts.len())?;
    let relation_type = match query.relation_type.filter(|t| !t.is_empty()) {
        Some(given) => Some(params::relation_type("relationType", Some(given))?),
        None => None,
    };
    reader(
        &state,
        &caller,
        &judge,
        "currentOperatorUserId",
        query.current_operator_user_id,
    )
    .await?;
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<i64> = texts
        .iter()
        .filter_map(|t| crate::ids::parse(t))
        .filter(|id| seen.insert(*id))
        .collect();
    let records = state
        .store
        .dingtalk()
        .customer_records(caller.scope.id, &ids, relation_type.as_deref())
        .await?;
    let result = ids
        .iter()
        .filter_map(|id| records.iter().find(|r| r.id == *id))
        .map(|record| CustomerPlus::of(record, &state.clock))
        .collect();
    Ok(Json(Listed { result }))
}

/// The query of QueryCrmPersonalCustomer.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct PageQuery {
    /// The employee reading.
    current_operator_user_id: Option<String>,
    /// Records a page, 1 to 100 (required).
    #[param(required = true, value_type = Option<i64>)]
    max_results: Option<String>,
    /// The `nextToken` of the page before; absent, empty or `0` for the first.
    next_token: Option<String>,
    /// A JSON string: `{"queryGroupList":[{"logicType","queryObjectList":[{"fieldId","filterType":"EQ","value"}]}]}`.
    query_dsl: Option<String>,
    /// `crm_customer` (the default) or `crm_customer_personal`.
    relation_type: Option<String>,
}

/// QueryCrmPersonalCustomerResponseBody: `nextToken` only when more records follow.
#[derive(Serialize, ToSchema)]
#[schema(as = V1CustomerPage)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPage {
    has_more: bool,
    max_results: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
    total_count: i64,
    values: Vec<Customer>,
}

/// `GET /v1.0/crm/personalCustomers` (QueryCrmPersonalCustomer): a keyset page of the
/// corp's customers of the relation type that `queryDsl` admits, oldest first, and how
/// many match in all.
#[utoipa::path(get, path = "/crm/personalCustomers", tag = "DingTalk v1.0",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of customers", body = CustomerPage),
        (status = 400, description = "`MissingmaxResults`, `param.error`, `relationType.not.exists` or `currentOperatorUserId.not.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn query(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    V1Query(query): V1Query<PageQuery>,
) -> V1Result<Json<CustomerPage>> {
    let given = query.max_results.as_deref().filter(|m| !m.is_empty());
    let given = given.ok_or_else(|| V1Error::missing("maxResults"))?;
    let max_results =
        params::max_results(&judge, params::query_number("maxResults", Some(given))?)?;
    let after = params::next_token(query.next_token.as_deref())?;
    let filter = dsl::parse(&judge, query.query_dsl.as_deref(), customer_field)?;
    let relation_type = params::relation_type("relationType", query.relation_type)?;
    reader(
        &state,
        &caller,
        &judge,
        "currentOperatorUserId",
        query.current_operator_user_id,
    )
    .await?;
    let store = state.store.dingtalk();
    let page = store
        .customer_records_page(caller.scope.id, &relation_type, after, max_results, &filter)
        .await?;
    let total_count = store
        .customer_total(caller.scope.id, &relation_type, &filter)
        .await?;
    let last = page.records.last().map(|r| r.id);
    Ok(Json(CustomerPage {
        has_more: page.has_more,
        max_results,
        next_token: params::token_after(last, page.has_more),
        total_count,
        values: page
            .records
            .iter()
            .map(|r| Customer::of(r, &state.clock))
            .collect(),
    }))
}

/// QueryAllCustomerResponseBody: `result` with the page; no `hasMore` in the model, so
/// the last page is the one without `nextToken`.
#[derive(Serialize, ToSchema)]
#[schema(as = V1AllCustomers)]
pub struct AllCustomers {
    result: AllPage,
}

#[derive(Serialize, ToSchema)]
#[schema(as = V1AllPage)]
#[serde(rename_all = "camelCase")]
pub struct AllPage {
    max_results: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
    values: Vec<CustomerAll>,
}

/// `POST /v1.0/crm/customerInstances` (QueryAllCustomer): a keyset page of the corp's
/// customers of the object type, no filter.
#[utoipa::path(post, path = "/crm/customerInstances", tag = "DingTalk v1.0",
    request_body = QueryAllRequest,
    responses(
        (status = 200, description = "A page of customers", body = AllCustomers),
        (status = 400, description = "`Missingbody`, `param.error`, `invalid.objectType` or `operatorUserId.not.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn query_all(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    V1Json(body): V1Json,
) -> V1Result<Json<AllCustomers>> {
    let fields = Fields::body(&body, &judge)?;
    let max_results = params::max_results(&judge, fields.integer("maxResults")?)?;
    let after = params::next_token(fields.string("nextToken")?.as_deref())?;
    let object_type = params::object_type(
        &judge,
        fields.string("objectType")?,
        &RELATION_TYPES,
        RELATION_TYPES[0],
    )?;
    let operator = fields.optional_user_id("operatorUserId")?;
    reader(&state, &caller, &judge, "operatorUserId", operator).await?;
    let mut result = AllPage {
        max_results,
        next_token: None,
        values: Vec::new(),
    };
    // A lenient corp's unknown object type has no records.
    if let Some(object_type) = object_type {
        let page = state
            .store
            .dingtalk()
            .customer_records_page(
                caller.scope.id,
                &object_type,
                after,
                max_results,
                &RecordFilter::default(),
            )
            .await?;
        result.next_token = params::token_after(page.records.last().map(|r| r.id), page.has_more);
        result.values = page
            .records
            .iter()
            .map(|r| CustomerAll::of(r, &state.clock))
            .collect();
    }
    Ok(Json(AllCustomers { result }))
}
