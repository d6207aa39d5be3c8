//! DingTalk-style CRM API (`docs/dingtalk.md`, after 《客户通讯录接口（暂未开放）》), mounted at the
//! root: `/gettoken` and `/crm/{customer,contact,empcustomer}/*`.
//!
//! Reading order: `token` (/gettoken) → `auth` (token check, rate limit, `user_id`) →
//! one file per resource → `validate` (field rules) and `wire` (response shapes).

pub mod auth;
mod bodies;
mod contact;
mod customer;
mod customer_read;
mod empcustomer;
pub mod errcodes;
pub mod error;
pub mod extract;
pub mod faults;
mod token;
pub mod validate;
pub mod wire;

use axum::{
    extract::{MatchedPath, Request, State},
    http::Uri,
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    http::{
        doc::{self, Guard},
        head::Head,
        time_limited, Api,
    },
    runtime::rules::dingtalk as dt,
    state::{AppState, RouterState},
};
pub use error::{ok, DtError, DtOk, DtResult};

/// The DingTalk surface, mounted at the root: its routes, each `/crm/...` one behind
/// the token check and taking exactly one method (the other answers 43001/43002), the
/// answer to every path no surface owns (errcode 404), and the surface middleware
/// (`around`) wrapping all of them.
pub fn routes(state: &AppState) -> OpenApiRouter<RouterState> {
    let crm = OpenApiRouter::new()
        .routes(routes!(customer::create))
        .routes(routes!(customer::update))
        .routes(routes!(customer::delete))
        .routes(routes!(customer_read::get))
        .routes(routes!(customer_read::list))
        .routes(routes!(contact::create))
        .routes(routes!(contact::update))
        .routes(routes!(contact::delete))
        .routes(routes!(empcustomer::create))
        .routes(routes!(empcustomer::delete));
    let crm = doc::secured(crm, &Guard::new(&[doc::ACCESS_TOKEN])).route_layer(
        middleware::from_fn_with_state(state.clone(), auth::require_token),
    );
    let routes = OpenApiRouter::new()
        .routes(routes!(token::gettoken))
        .merge(crm);
    doc::map_router(routes, |router| {
        router
            .method_not_allowed_fallback(method_not_allowed)
            .fallback(not_found)
            .layer(middleware::from_fn_with_state(state.clone(), around))
    })
}

/// Around every DingTalk call, known path or not, in this order: the metrics, the
/// request journal and the rule warnings (`Shared::watch`), the head's size, the
/// request timeout (errcode -1), and injected faults. One flat future rather than one
/// nested in the next: each level of nesting copied the whole of the levels below it.
async fn around(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (req, watch) = state.watch(req).await;
    let response = match Head::oversized(&req, &dt::URI_SIZE, &dt::HEADERS_SIZE) {
        Some((rule, message)) => DtError::refused(rule, message).into_response(),
        None => {
            let served = faults::inject(&state, req, |req| next.run(req));
            let limit = state.config.request_timeout();
            time_limited(limit, served, || DtError::Timeout.into_response()).await
        }
    };
    state.watched(Api::DingTalk, watch, response).await
}

/// Answer for an unknown path outside the other surfaces (errcode 404).
async fn not_found() -> Response {
    DtError::refused(&dt::PATH_KNOWN, "").into_response()
}

/// The routes that take GET; every other DingTalk route takes POST alone.
const GET_ROUTES: [&str; 3] = ["/gettoken", "/crm/customer/get", "/crm/customer/list"];

/// Answer for a known path called with the wrong method: any method but GET on a GET
/// route is 43001 (需要GET请求), any method but POST on a POST route 43002 (需要POST请求).
async fn method_not_allowed(route: Option<MatchedPath>, uri: Uri) -> Response {
    let path = route.as_ref().map_or(uri.path(), MatchedPath::as_str);
    let rule = match GET_ROUTES.contains(&path) {
        true => &dt::METHOD_GET,
        false => &dt::METHOD_POST,
    };
    DtError::refused(rule, "").into_response()
}
