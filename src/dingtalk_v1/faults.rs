//! Faults injected through the control plane (`/_emulator/faults`, `"api":
//! "dingtalk-v1"`), answered in the v1.0 error format: the rule's `status` and `code`,
//! each defaulting from the other (500 `system.error` when neither is given).

use std::{future::Future, sync::Arc};

use axum::{
    extract::Request,
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::{
    auth::ACCESS_TOKEN,
    error::{status_of, V1Error, SYSTEM_ERROR},
};
use crate::{
    http::{Call, Tenant},
    runtime::faults::{Api, Fault, FaultFired},
    state::AppState,
};

/// The surface middleware's fault step: answers the call as the first firing rule says
/// (after its latency), or passes it on to `run`. A rule's tenant is the corp of the
/// token header (through the token cache authentication uses).
pub async fn inject<F, Fut>(state: &AppState, req: Request, run: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let token = req
        .headers()
        .get(&ACCESS_TOKEN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let tenant = || async {
        let token = token.as_deref()?;
        let store = state.store.dingtalk();
        match store.token_owner(token, state.clock.now_ms()).await {
            Ok(owner) => owner.map(|o| o.corp.corpid.clone()),
            Err(err) => {
                tracing::warn!(error = %crate::telemetry::chain(&err), "fault injection could not resolve the caller's corp");
                None
            }
        }
    };
    let call = Call::of(&req);
    match state.faults.apply(Api::DingtalkV1, call, tenant).await {
        Some(fault) if fault.answers() => {
            let corp = match &token {
                Some(token) => tenant_of_token(state, token).await,
                None => tenant_of_app_key(state, req).await,
            };
            let mut answer = response(&fault);
            if let Some(corpid) = corp {
                answer.extensions_mut().insert(Tenant(Arc::from(corpid)));
            }
            FaultFired::mark(answer, true)
        }
        Some(_) => FaultFired::mark(run(req).await, false),
        None => run(req).await,
    }
}

/// The corp an injected answer is counted for (integration coverage): the one holding
/// the token.
async fn tenant_of_token(state: &AppState, token: &str) -> Option<String> {
    let store = state.store.dingtalk();
    let owner = store
        .token_owner(token, state.clock.now_ms())
        .await
        .ok()??;
    Some(owner.corp.corpid.clone())
}

/// The same for a call without a token (the token endpoint): the corp of the body's
/// `appKey`, if it is one.
async fn tenant_of_app_key(state: &AppState, req: Request) -> Option<String> {
    let limit = state.config.max_body_bytes;
    let body = axum::body::to_bytes(req.into_body(), limit).await.ok()?;
    let body: serde_json::Value = serde_json::from_slice(&body).ok()?;
    let app_key = body.get("appKey")?.as_str()?;
    let corp = state
        .store
        .dingtalk()
        .corp_by_appkey(app_key)
        .await
        .ok()??;
    Some(corp.corpid)
}

fn response(fault: &Fault) -> Response {
    let (status, code) = match (fault.status(), fault.code()) {
        (Some(status), Some(code)) => (status, code.to_owned()),
        (None, Some(code)) => (status_of(code), code.to_owned()),
        (Some(status), None) => (status, default_code(status).to_owned()),
        (None, None) => (StatusCode::INTERNAL_SERVER_ERROR, SYSTEM_ERROR.to_owned()),
    };
    V1Error::Injected { status, code }.into_response()
}

/// The code a status alone is answered with.
fn default_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "Forbidden.AccessDenied.QpsLimitForApi",
        404 => "resource.not.found",
        400..=499 => "param.error",
        _ => SYSTEM_ERROR,
    }
}
