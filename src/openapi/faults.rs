//! Faults injected through the control plane (`/_emulator/faults`), applied to OpenAPI
//! calls and answered in the OpenAPI envelope.

use std::{future::Future, sync::Arc};

use axum::{
    extract::Request,
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::ApiError;
use crate::{
    http::{Call, Tenant},
    runtime::faults::{Api, FaultFired},
    state::AppState,
};

/// The surface middleware's fault step: answers the call as the first firing rule says
/// (after its latency), or passes it on to `run`. A rule's tenant is the `appid` header.
pub async fn inject<F, Fut>(state: &AppState, req: Request, run: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let appid = req
        .headers()
        .get("appid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let call = Call::of(&req);
    let named = appid.clone();
    match state
        .faults
        .apply(Api::Openapi, call, || async { named })
        .await
    {
        Some(fault) if fault.answers() => {
            let mut answer = response(fault.status());
            // Counted for the account the appid names (integration coverage).
            if let Some(appid) = appid {
                if let Ok(Some(account)) = state.store.openapi().account(&appid).await {
                    let tenant = Tenant(Arc::from(account.appid.as_str()));
                    answer.extensions_mut().insert(tenant);
                }
            }
            FaultFired::mark(answer, true)
        }
        Some(_) => FaultFired::mark(run(req).await, false),
        None => run(req).await,
    }
}

/// The answer to a call hit by an injected fault: the envelope with the rule's HTTP
/// status (default 500) as `code`.
fn response(status: Option<StatusCode>) -> Response {
    let status = status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = match status {
        StatusCode::TOO_MANY_REQUESTS => "too many requests (injected fault)",
        StatusCode::UNAUTHORIZED => "unauthorized (injected fault)",
        _ => "injected fault",
    };
    ApiError::new(status, message).into_response()
}
