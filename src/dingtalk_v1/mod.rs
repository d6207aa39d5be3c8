//! DingTalk's v1.0 CRM server API (docs/dingtalk-v1.md), nested at `/v1.0`: the paths,
//! methods, keys and answers of the official SDK `alibabacloud-dingtalk` (`crm_1_0`,
//! `oauth2_1_0`), so that the SDK works unchanged against the emulator. A second door to
//! the old API's corps, tokens and records: the same store, the same rows.
//!
//! Reading order: `token` (the access token) → `auth` (the token header, rate limit,
//! employees) → one file per group of operations (`customers`, `update`,
//! `customer_query`, `meta`, `contacts`, `data_auth`) → `fields`, `data`, `params`,
//! `dsl` (reading requests) and `wire` (the answers' shapes) → `error` (the envelope).

mod auth;
mod contacts;
mod customer_query;
mod customers;
mod data;
mod data_auth;
mod dsl;
pub mod error;
mod extract;
mod faults;
mod fields;
mod input;
mod meta;
mod params;
mod schemas;
mod token;
mod update;
mod wire;

use axum::{
    extract::{OriginalUri, Request, State},
    http::{header::CONTENT_TYPE, HeaderName, HeaderValue, Method},
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
    runtime::rules::dingtalk_v1 as v1,
    state::{AppState, RouterState},
};
use error::{new_request_id, V1Error, V1ErrorBody, REQUEST_ID};

/// The request id of every answer (an upper-case UUID), also the error body's
/// `requestid`.
pub static X_ACS_REQUEST_ID: HeaderName = HeaderName::from_static("x-acs-request-id");
/// The trace id of every answer: the emulator's request id (`x-request-id`).
pub static X_ACS_TRACE_ID: HeaderName = HeaderName::from_static("x-acs-trace-id");
/// The content type of every answer, as the real service spells it.
const JSON_UTF8: &str = "application/json;charset=utf-8";

/// The v1.0 surface, nested at `/v1.0`: the token endpoint, the CRM routes behind the
/// token header (a `route_layer`, so unknown paths and wrong methods still get
/// `resource.not.found`), and the surface middleware (`around`) wrapping all of them.
pub fn routes(state: &AppState) -> OpenApiRouter<RouterState> {
    let crm = OpenApiRouter::new()
        .routes(routes!(customers::create_customer))
        .routes(routes!(
            customers::add_personal_customer,
            update::update_personal_customer,
            customer_query::query
        ))
        .routes(routes!(customers::delete_personal_customer))
        .routes(routes!(customer_query::batch_query))
        .routes(routes!(customer_query::query_all))
        .routes(routes!(meta::object_meta))
        .routes(routes!(contacts::get_contacts))
        .routes(routes!(contacts::batch_add, contacts::batch_update))
        .routes(routes!(data_auth::append))
        .routes(routes!(data_auth::override_update));
    let guard = Guard::new(&[doc::DINGTALK_V1_TOKEN])
        .answers::<V1ErrorBody>(
            "400",
            "`InvalidAuthentication` (the token header absent, unknown or expired), or a \
             rule's refusal; `code` and `message` name it",
        )
        .answers::<V1ErrorBody>(
            "403",
            "`Forbidden.AccessDenied.QpsLimitForApi`: over the corp's rate limit",
        )
        .answers::<V1ErrorBody>("500", "`system.error`: internal failure")
        .answers::<V1ErrorBody>(
            "503",
            "`system.error`: the database cannot be reached or cannot write, or the \
             request ran out of time (`--request-timeout`)",
        );
    let crm = doc::secured(crm, &guard).route_layer(middleware::from_fn_with_state(
        state.clone(),
        auth::require_token,
    ));
    let routes = OpenApiRouter::new()
        .routes(routes!(token::access_token))
        .merge(crm);
    doc::map_router(routes, |router| {
        router
            .method_not_allowed_fallback(method_not_allowed)
            .fallback(not_found)
            .layer(middleware::from_fn_with_state(state.clone(), around))
    })
}

/// Around every v1.0 call, known path or not, in this order: the metrics, the request
/// journal and the rule warnings (`Shared::watch`), the request-id scope (every error
/// body carries it), the head's size, the request timeout (503 `system.error`), and
/// injected faults; then the headers every answer has.
async fn around(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (req, watch) = state.watch(req).await;
    let trace_id = match request_id(&req) {
        "" => uuid::Uuid::new_v4().simple().to_string(),
        id => id.to_owned(),
    };
    let request_id = new_request_id();
    let guarded = async {
        if let Some((rule, message)) = Head::oversized(&req, &v1::URI_SIZE, &v1::HEADERS_SIZE) {
            return V1Error::refused(rule, message).into_response();
        }
        let served = faults::inject(&state, req, |req| next.run(req));
        let limit = state.config.request_timeout();
        time_limited(limit, served, || V1Error::Timeout.into_response()).await
    };
    let mut response = REQUEST_ID.scope(request_id.clone(), guarded).await;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    for (name, value) in [(&X_ACS_REQUEST_ID, request_id), (&X_ACS_TRACE_ID, trace_id)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name.clone(), value);
        }
    }
    state.watched(Api::DingTalkV1, watch, response).await
}

/// Answer for an unknown path under `/v1.0/`, naming the path as sent.
async fn not_found(OriginalUri(uri): OriginalUri) -> Response {
    let detail = format!("no such operation: {}", uri.path());
    V1Error::refused(&v1::PATH_KNOWN, detail).into_response()
}

/// Answer for a known path called with a method it does not take.
async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> Response {
    let detail = format!("{} does not take {method}", uri.path());
    V1Error::refused(&v1::METHOD_KNOWN, detail).into_response()
}
