//! OpenAPI-style CRM (`docs/openapi.md`, after 《CRM客户管理接口》), mounted at `/openapi/crm/`.

pub mod auth;
mod customers;
pub mod error;
pub mod extract;
pub mod faults;
mod field_list;
pub mod fields;
mod input;
mod list;
pub mod nonce;
pub mod record;
pub mod search;
pub mod times;
pub mod values;

use std::future::Future;

use axum::{
    extract::{OriginalUri, Request, State},
    http::{HeaderName, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    http::{
        doc::{self, Guard},
        head::Head,
        request_id, time_limited, Api,
    },
    runtime::rules::openapi as oa,
    state::{AppState, RouterState},
};
pub use error::{ApiError, ApiOk, ApiResult};
pub(crate) use field_list::{custom_vo, customer_source_vo, FieldVo};
use nonce::NonceWrite;

pub static X_TRACE_ID: HeaderName = HeaderName::from_static("x-trace-id");

/// The OpenAPI surface, nested at `/openapi`: its routes behind signature
/// authentication (a `route_layer`, so unknown paths still get the 404 envelope), its
/// answers to unknown paths and wrong methods, and the surface middleware (`around`)
/// wrapping all of them.
pub fn routes(state: &AppState) -> OpenApiRouter<RouterState> {
    let authenticated = |nonce| {
        let auth = auth::Authentication {
            state: state.clone(),
            nonce,
        };
        middleware::from_fn_with_state(auth, auth::authenticate)
    };
    // The add records its nonce with its customer, in one transaction (its handler
    // takes the `nonce::PendingNonce`); every other route before its handler runs.
    let with_the_write = OpenApiRouter::new()
        .routes(routes!(customers::add))
        .route_layer(authenticated(NonceWrite::WithTheWrite));
    let routes = OpenApiRouter::new()
        .routes(routes!(customers::update))
        .routes(routes!(list::list))
        .routes(routes!(customers::delete))
        .routes(routes!(field_list::list))
        .routes(routes!(customers::find_by_id))
        .routes(routes!(customers::find));
    type Failure = error::Envelope<error::Null>;
    let guard = Guard::new(&doc::SIGNATURE_HEADERS)
        .answers::<Failure>(
            "400",
            "Malformed JSON, or a key breaking its rule; `message` names it",
        )
        .answers::<Failure>(
            "401",
            "A signature header missing, stale, replayed or wrong; `message` names it",
        )
        .answers::<Failure>(
            "413",
            "The body is larger than `--max-body-bytes` (default 1 MiB)",
        )
        .answers::<Failure>("414", "The URI is over 8 KiB")
        .answers::<Failure>(
            "415",
            "A body that is not JSON by its Content-Type, from a strict account \
             (rule `openapi.body.content-type`)",
        )
        .answers::<Failure>("431", "More than 100 header fields, or over 64 KiB of them")
        .answers::<Failure>("500", "Internal failure; quote `traceId`")
        .answers::<Failure>(
            "503",
            "The database cannot be reached or cannot write, or the request ran out of \
             time (`--request-timeout`): retry later",
        );
    let routes = with_the_write.merge(routes.route_layer(authenticated(NonceWrite::First)));
    let routes = doc::secured(routes, &guard);
    doc::map_router(routes, |router| {
        router
            .method_not_allowed_fallback(method_not_allowed)
            .fallback(not_found)
            .layer(middleware::from_fn_with_state(state.clone(), around))
    })
}

/// Around every OpenAPI call, known path or not, in this order: the metrics, the
/// request journal and the rule warnings (`Shared::watch`), the trace-id scope, the
/// head's size, the request timeout (a 503 envelope), and injected faults. One flat
/// future, as DingTalk's.
async fn around(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (req, watch) = state.watch(req).await;
    let trace_id = request_id(&req).to_owned();
    let guarded = async {
        if let Some((rule, message)) = Head::oversized(&req, &oa::URI_SIZE, &oa::HEADERS_SIZE) {
            return ApiError::refused(rule, message).into_response();
        }
        let served = faults::inject(&state, req, |req| next.run(req));
        time_limited(state.config.request_timeout(), served, timed_out).await
    };
    let response = with_trace_id(trace_id, guarded).await;
    state.watched(Api::OpenApi, watch, response).await
}

/// Runs an `/openapi/` request with its trace id (the request id) in scope, so that
/// every envelope carries it, and returns it in the `x-trace-id` header too.
async fn with_trace_id(trace_id: String, request: impl Future<Output = Response>) -> Response {
    let trace_id = if trace_id.is_empty() {
        uuid::Uuid::new_v4().to_string()
    } else {
        trace_id
    };
    let header = HeaderValue::from_str(&trace_id).ok();
    let mut response = error::TRACE_ID.scope(trace_id, request).await;
    if let Some(header) = header {
        response.headers_mut().insert(X_TRACE_ID.clone(), header);
    }
    response
}

/// Answer for an unknown path under `/openapi/`, naming the path as sent.
async fn not_found(OriginalUri(uri): OriginalUri) -> Response {
    ApiError::refused(&oa::PATH_KNOWN, format!("no such endpoint: {}", uri.path())).into_response()
}

/// Answer for a known path called with a method it does not take.
async fn method_not_allowed(method: Method) -> Response {
    ApiError::refused(
        &oa::METHOD,
        format!("method not allowed: this endpoint does not take {method}"),
    )
    .into_response()
}

/// Answer for a request that ran past the configured timeout.
fn timed_out() -> Response {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "request timed out").into_response()
}
