//! Faults injected through the control plane (`/_emulator/faults`), applied to DingTalk
//! calls and answered in the DingTalk envelope.

use std::{future::Future, sync::Arc};

use axum::{
    extract::Request,
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::{auth, errcodes::injected_errmsg, error::DtErrorBody, DtError};
use crate::{
    http::{Call, Tenant},
    ids::random_tag,
    runtime::faults::{Api, FaultFired},
    state::AppState,
};

/// The surface middleware's fault step: answers the call as the first firing rule says
/// (after its latency), or passes it on to `run`.
pub async fn inject<F, Fut>(state: &AppState, req: Request, run: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let query = req.uri().query();
    let tenant = || tenant_of(state, query);
    let call = Call::of(&req);
    match state.faults.apply(Api::Dingtalk, call, tenant).await {
        Some(fault) if fault.answers() => {
            let mut answer = response(fault.errcode(), fault.status());
            if let Some(tenant) = caller(state, query).await {
                answer.extensions_mut().insert(tenant);
            }
            FaultFired::mark(answer, true)
        }
        Some(_) => FaultFired::mark(run(req).await, false),
        None => run(req).await,
    }
}

/// The corp an injected answer is counted for (integration coverage): the one holding
/// the `access_token`, or whose `corpid`/`appkey` a `/gettoken` names; none when it is
/// not a corp's.
async fn caller(state: &AppState, query: Option<&str>) -> Option<Tenant> {
    let named = |name: &str| param(query, name).filter(|v| !v.is_empty());
    let store = state.store.dingtalk();
    let corp = if let Some(token) = named("access_token") {
        let owner = auth::token_holder(state, &token, state.clock.now_ms()).await;
        return owner.ok()?.map(|o| Tenant(o.caller().corpid.clone()));
    } else if let Some(corpid) = named("corpid") {
        store.corp_by_corpid(&corpid).await
    } else {
        store.corp_by_appkey(&named("appkey")?).await
    };
    corp.ok()?
        .map(|corp| Tenant(Arc::from(corp.corpid.as_str())))
}

/// The value of the query parameter `name`, as sent.
fn param(query: Option<&str>, name: &str) -> Option<String> {
    query?
        .split('&')
        .find_map(|pair| match pair.split_once('=') {
            Some((key, value)) if key == name => Some(value.to_owned()),
            _ => None,
        })
}

/// The corp a call acts for, as a fault rule names it: the `corpid`/`appkey` of
/// `/gettoken`, or the corp holding the `access_token` (through the token cache that
/// authentication uses; asked only when a tenant rule could fire).
async fn tenant_of(state: &AppState, query: Option<&str>) -> Option<String> {
    let param = |name: &str| param(query, name);
    if let Some(named) = param("corpid").or_else(|| param("appkey")) {
        return Some(named);
    }
    let token = param("access_token")?;
    match auth::token_holder(state, &token, state.clock.now_ms()).await {
        Ok(owner) => owner.map(|o| o.caller().corpid.to_string()),
        Err(err) => {
            tracing::warn!(error = %crate::telemetry::chain(&err), "fault injection could not resolve the caller's corp");
            None
        }
    }
}

/// The answer to a call hit by an injected fault: the given `errcode` (default -1) with
/// its vendor message (or "injected fault" for a code the emulator does not know), with
/// HTTP 200 like every DingTalk answer unless the rule asks for another HTTP status.
/// Errcode 88 (a permission fault) has DingTalk's own shape: `sub_code`, `sub_msg`,
/// `request_id`.
fn response(errcode: Option<i64>, status: Option<StatusCode>) -> Response {
    let errcode = errcode.unwrap_or(-1);
    let mut response = match errcode {
        88 => DtErrorBody::permission_denied(random_tag(12)).into_response(),
        _ => {
            let errmsg = injected_errmsg(errcode);
            DtError::Injected { errcode, errmsg }.into_response()
        }
    };
    if let Some(status) = status {
        *response.status_mut() = status;
    }
    response
}
