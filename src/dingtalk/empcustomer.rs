//! Employee–customer relations: `/crm/empcustomer/create` and `/crm/empcustomer/delete`
//! (《客户通讯录接口（暂未开放）》 sections 员工客户关系新增, 员工客户关系删除). The vendor document gives these no
//! `user_id` query parameter: the body's `userId` is the employee concerned.

use axum::extract::State;
use serde_json::Value;
use tracing::instrument;

use super::{
    auth::{warn_added, Caller},
    bodies::{CreateRelationBody, DeleteRelationBody},
    error::{ok, DtError, DtOk, DtReply, DtResult, Empty},
    extract::DtJson,
    validate::*,
    wire::parse_id,
};
use crate::http::Json;
use crate::{
    runtime::rules::{dingtalk as dt, Judge},
    state::AppState,
    store::dingtalk::DtStoreError,
};

/// `POST /crm/empcustomer/create?access_token=`.
///
/// The vendor document: `customerId`, `userId`, `create_by` required. Creating a relation
/// that exists succeeds and changes nothing; a new follower goes last in `userIds`. A
/// lenient corp registers an unknown `userId`; a strict corp answers 60121.
#[utoipa::path(
    post,
    path = "/crm/empcustomer/create",
    tag = "DingTalk",
    request_body = CreateRelationBody,
    responses((status = 200, description = "errcode 0, or the fault", body = DtReply<Empty>))
)]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    DtJson(body): DtJson<Value>,
) -> DtResult<Json<DtOk<Empty>>> {
    let (customer_id, user_id, create_by) = relation(&Fields::body(&body, &judge)?, "create_by")?;
    let added = state
        .store
        .dingtalk()
        .add_follower(
            caller.scope,
            customer_id,
            &user_id,
            &create_by,
            state.clock.now_ms(),
        )
        .await
        .map_err(|err| DtError::from_store(err, "customerId", |_| "userId"))?;
    warn_added(&judge, &added, |_| "userId")?;
    Ok(ok(Empty {}))
}

/// `POST /crm/empcustomer/delete?access_token=`.
///
/// The vendor document: `customerId`, `userId`, `modified_by` required. An unknown
/// relation is 40035; in a strict corp an unknown employee is 60121.
#[utoipa::path(
    post,
    path = "/crm/empcustomer/delete",
    tag = "DingTalk",
    request_body = DeleteRelationBody,
    responses((status = 200, description = "errcode 0, or the fault", body = DtReply<Empty>))
)]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    DtJson(body): DtJson<Value>,
) -> DtResult<Json<DtOk<Empty>>> {
    let (customer_id, user_id, _) = relation(&Fields::body(&body, &judge)?, "modified_by")?;
    state
        .store
        .dingtalk()
        .remove_follower(caller.scope, customer_id, &user_id, state.clock.now_ms())
        .await
        .map_err(|err| match err {
            DtStoreError::UnknownRelation => DtError::refused(
                &dt::RECORD_KNOWN,
                format!("userId {user_id} does not follow the customer {customer_id} (customerId)"),
            ),
            other => DtError::from_store(other, "customerId", |_| "userId"),
        })?;
    Ok(ok(Empty {}))
}

/// The body of both relation calls, checked in the vendor document's order: `customerId`,
/// `userId`, then the time stamp (`create_by` or `modified_by`).
fn relation(fields: &Fields<'_>, stamp: &str) -> DtResult<(i64, String, String)> {
    let customer_text = fields.required("customerId", NO_LIMIT)?;
    let user_id = fields.user_id("userId")?;
    let stamp = fields.required(stamp, STAMP_MAX)?;
    let customer_id = parse_id(&customer_text)
        .ok_or_else(|| DtError::no_such("customerId", "customer", &[&customer_text]))?;
    Ok((customer_id, user_id, stamp))
}
