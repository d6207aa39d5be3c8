//! Faults injected through the control plane (`/_emulator/faults`, `"api":
//! "dingtalk-v1"`), answered in the v1.0 error format: the rule's `status` and `code`,
//! each defaulting from the other (500 `system.error` when neither is given).

use std::future::Future;

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
    http::original_path,
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
    let tenant = || async move {
        let token = token?;
        let store = state.store.dingtalk();
        match store.token_owner(&token, state.clock.now_ms()).await {
            Ok(owner) => owner.map(|o| o.corp.corpid.clone()),
            Err(err) => {
                tracing::warn!(error = %crate::telemetry::chain(&err), "fault injection could not resolve the caller's corp");
                None
            }
        }
    };
    let (method, path) = (req.method().as_str(), original_path(&req));
    match state
        .faults
        .apply(Api::DingtalkV1, method, path, tenant)
        .await
    {
        Some(fault) if fault.answers() => FaultFired::mark(response(&fault)),
        Some(_) => FaultFired::mark(run(req).await),
        None => run(req).await,
    }
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
