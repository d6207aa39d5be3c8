//! The HTTP vocabulary every layer shares: the response extensions the surfaces leave
//! for the access log and the request journal, the request-id header, which API a
//! request belongs to, the limits of a request head, the call a request makes (as
//! fault rules match it), the two helpers each surface's middleware needs, the JSON
//! answer every surface sends ([`Json`](crate::http::Json)), and the commands' small
//! HTTP client.
//!
//! A leaf: it imports nothing else of the crate, so the surfaces, the runtime services
//! and the telemetry can all speak it without importing each other.

pub mod client;
pub mod doc;
pub mod head;
mod json;

use std::{future::Future, sync::Arc, time::Duration};

pub use json::Json;

use axum::{
    extract::{MatchedPath, OriginalUri, Request},
    http::HeaderName,
    response::Response,
};

/// The request id: set by the app's middleware when the client sends none, echoed on
/// the response, and the OpenAPI envelope's `traceId`.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's id (empty if it has none, which the app's middleware prevents).
pub fn request_id(req: &Request) -> &str {
    req.headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The `errcode` / `code` of an error response, left in the response extensions by the
/// surfaces' error types for the access log and the request journal.
#[derive(Clone, Debug)]
pub struct ErrorCode(pub String);

/// Left in the response extensions by the surfaces' error types when the database, not
/// the request, failed (docs/instances.md#when-the-database-fails): what was wrong with
/// it (`unreachable`, `disk full`, `read-only`; none for a request that ran out of
/// time), and whether a write may have been applied all the same — the connection was
/// lost after its statement was sent, or the request was abandoned at its deadline.
/// The request journal marks such a write `outcome unknown`, and the health check
/// hears of the problem.
#[derive(Clone, Copy, Debug)]
pub struct DatabaseFailure {
    pub problem: Option<&'static str>,
    pub outcome_unknown: bool,
}

impl DatabaseFailure {
    /// From a store error's `failure()`: its problem's name and whether the outcome is
    /// unknown.
    pub fn of(failure: Option<(&'static str, bool)>) -> Option<DatabaseFailure> {
        failure.map(|(problem, outcome_unknown)| DatabaseFailure {
            problem: Some(problem),
            outcome_unknown,
        })
    }

    /// A request answered at its deadline, whatever it was waiting for.
    pub const TIMED_OUT: DatabaseFailure = DatabaseFailure {
        problem: None,
        outcome_unknown: true,
    };
}

/// The string-to-sign of an OpenAPI request whose signature did not match, left in the
/// response extensions by the surface's authentication for the request journal.
#[derive(Clone, Debug)]
pub struct StringToSign(pub String);

/// The tenant a request acts for (a DingTalk `corpid` or an OpenAPI `appid`). Each
/// surface's auth puts it in the request extensions (for handlers and later layers) and
/// in the response extensions (for the access log and the request journal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tenant(pub Arc<str>);

/// The APIs the emulator serves, and its control plane. Each surface names itself; nothing classifies a
/// request by its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// `/gettoken`, `/crm/*` (and every path no other surface owns).
    DingTalk,
    /// `/openapi/*`.
    OpenApi,
    /// DingTalk's v1.0 server API: `/v1.0/*`.
    DingTalkV1,
    /// The control plane, `/_emulator/*`.
    Admin,
}

impl Api {
    /// The name the journal and the fault rules use: `dingtalk`, `openapi`,
    /// `dingtalk-v1`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Api::DingTalk => "dingtalk",
            Api::OpenApi => "openapi",
            Api::DingTalkV1 => "dingtalk-v1",
            Api::Admin => "admin",
        }
    }
}

/// Runs `request` for at most `limit`; past it, logs the timeout and answers
/// `timed_out()` instead (the caller's envelope), marked [`DatabaseFailure::TIMED_OUT`]. The answer is made only when needed,
/// and inside whatever scope the caller runs this in (the OpenAPI trace id).
pub async fn time_limited(
    limit: Duration,
    request: impl Future<Output = Response>,
    timed_out: impl FnOnce() -> Response,
) -> Response {
    match tokio::time::timeout(limit, request).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_secs = limit.as_secs(), "request timed out");
            let mut response = timed_out();
            response.extensions_mut().insert(DatabaseFailure::TIMED_OUT);
            response
        }
    }
}

/// The path as the client sent it. Inside a nested router the request's URI has lost
/// the prefix (`/openapi`, `/_emulator`); axum's router keeps the original in
/// [`OriginalUri`] when it first sees a request.
pub fn original_path(req: &Request) -> &str {
    req.extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().path(), |original| original.path())
}

/// A call as fault rules match it: its method, the path the client sent (prefix and
/// all, [`original_path`]) and the route template it matched, if any.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub route: Option<&'a str>,
}

impl<'a> Call<'a> {
    /// The call `req` makes.
    pub fn of(req: &'a Request) -> Self {
        Call {
            method: req.method().as_str(),
            path: original_path(req),
            route: req
                .extensions()
                .get::<MatchedPath>()
                .map(MatchedPath::as_str),
        }
    }
}
