//! Customer data authorisation (docs/dingtalk-v1.md#employees): AppendCustomerDataAuth
//! and OverrideUpdateCustomerDataAuth give employees a role — owner (负责人) or
//! participant (协同人) — on customers, as the old API's followers.

use axum::extract::State;
use tracing::instrument;

use super::{
    auth::{Caller, Employees},
    error::{V1ErrorBody, V1Result},
    extract::V1Json,
    fields::Fields,
    input::distinct,
    params,
    schemas::DataAuthRequest,
    wire::Done,
};
use crate::http::Json;
use crate::{
    runtime::rules::{dingtalk_v1 as v1, Judge},
    state::AppState,
    store::dingtalk::{Role, Share},
};

/// `POST /v1.0/crm/customers/dataAuth/append` (AppendCustomerDataAuth): each user
/// becomes a follower of each customer with the role (appended last; a follower already
/// there keeps its place and takes the role). All or nothing.
#[utoipa::path(post, path = "/crm/customers/dataAuth/append", tag = "DingTalk v1.0",
    request_body = DataAuthRequest,
    responses(
        (status = 200, description = "`result` true", body = Done),
        (status = 400, description = "`Missing<name>`, `param.error`, `relationType.not.exists`, `<key>.not.exists` or `data.not.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn append(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    V1Json(body): V1Json,
) -> V1Result<Json<Done>> {
    share(&state, &caller, &judge, &body, Share::Append).await
}

/// `PUT /v1.0/crm/customers/dataAuth/overrideUpdate` (OverrideUpdateCustomerDataAuth):
/// on each customer, the followers holding the role become exactly the users, in their
/// order (one who held the other role moves). All or nothing.
#[utoipa::path(put, path = "/crm/customers/dataAuth/overrideUpdate", tag = "DingTalk v1.0",
    request_body = DataAuthRequest,
    responses(
        (status = 200, description = "`result` true", body = Done),
        (status = 400, description = "`Missing<name>`, `param.error`, `relationType.not.exists`, `<key>.not.exists` or `data.not.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn override_update(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    V1Json(body): V1Json,
) -> V1Result<Json<Done>> {
    share(&state, &caller, &judge, &body, Share::Replace).await
}

async fn share(
    state: &AppState,
    caller: &Caller,
    judge: &Judge,
    body: &serde_json::Value,
    how: Share,
) -> V1Result<Json<Done>> {
    let fields = Fields::body(body, judge)?;
    for key in [
        "customerIds",
        "dataAuthUserIds",
        "operateUserId",
        "roleType",
    ] {
        fields.require(key)?;
    }
    let customers = fields.strings("customerIds")?.unwrap_or_default();
    params::batch_size(judge, "customerIds", customers.len())?;
    let users = distinct(fields.user_ids("dataAuthUserIds")?.unwrap_or_default());
    fields.string("formCode")?;
    let operator = fields.user_id("operateUserId")?;
    if let Some(given) = fields.string("relationType")?.filter(|t| !t.is_empty()) {
        params::relation_type("relationType", Some(given))?;
    }
    let role = role(judge, &fields.required_string("roleType")?)?;
    let mut employees = Employees::default();
    employees.add("operateUserId", &operator);
    employees.add_all("dataAuthUserIds", &users);
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<i64> = customers
        .iter()
        .map(|text| crate::ids::parse(text).unwrap_or(0))
        .filter(|id| seen.insert(*id))
        .collect();
    let now_ms = state.clock.now_ms();
    let registered = state
        .store
        .dingtalk()
        .share_customers(
            caller.scope,
            &employees.ids(),
            &ids,
            &users,
            role,
            how,
            now_ms,
        )
        .await
        .map_err(|err| match err {
            // Named as sent: an id that is not one is unknown too.
            crate::store::dingtalk::DtStoreError::UnknownCustomers(unknown) => {
                let texts: Vec<&String> = customers
                    .iter()
                    .filter(|t| unknown.contains(&crate::ids::parse(t).unwrap_or(0)))
                    .collect();
                super::error::V1Error::no_such("customerIds", "customer", &texts)
            }
            other => employees.store_error(other, "customerIds"),
        })?;
    employees.warn(judge, &registered)?;
    Ok(Json(Done { result: true }))
}

/// `roleType`: owner or participant, in any case; another value refuses a strict corp
/// and is a participant for a lenient one.
fn role(judge: &Judge, given: &str) -> V1Result<Role> {
    if given.eq_ignore_ascii_case("owner") {
        return Ok(Role::Owner);
    }
    if !given.eq_ignore_ascii_case("participant") {
        let detail = format!("roleType {given:?} is not owner or participant");
        judge.check(&v1::ROLE_TYPE_KNOWN, detail)?;
    }
    Ok(Role::Participant)
}
