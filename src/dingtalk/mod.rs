//! DingTalk-style CRM API (SPEC §1, `seeds/dingtalk-crm-api.md`), mounted at the root:
//! `/gettoken` and `/crm/{customer,contact,empcustomer}/*`.
//!
//! Reading order: `token` (/gettoken) → `auth` (token check, rate limit, `user_id`) →
//! one file per resource → `validate` (field rules) and `wire` (response shapes).

pub mod auth;
mod bodies;
pub mod cache;
mod contact;
mod customer;
mod customer_read;
mod empcustomer;
pub mod error;
pub mod extract;
pub mod injected;
mod token;
pub mod validate;
pub mod wire;

use axum::{
    http::Method,
    middleware,
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    http::doc::{self, Guard},
    state::AppState,
};
pub use cache::TokenCache;
pub use error::{ok, DtError, DtOk, DtResult};

/// The DingTalk surface's routes. Each `/crm/...` route takes exactly one method (the
/// app's fallback answers the other with 43001/43002) and runs behind the token check.
pub fn routes(state: &AppState) -> OpenApiRouter<AppState> {
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
    OpenApiRouter::new()
        .routes(routes!(token::gettoken))
        .merge(crm)
}

/// Answer for an unknown path outside the other surfaces (errcode 404).
pub fn not_found() -> Response {
    DtError::UnknownPath.into_response()
}

/// Answer for a known path called with the wrong method: every DingTalk CRM route
/// takes exactly one of GET and POST, so a GET sent to a POST route is 43002 (需要POST请求)
/// and anything else sent to a GET route is 43001 (需要GET请求).
pub fn method_not_allowed(method: &Method) -> Response {
    if method == Method::GET {
        DtError::NeedPost.into_response()
    } else {
        DtError::NeedGet.into_response()
    }
}

/// Answer for a request that ran past the configured timeout.
pub fn timed_out() -> Response {
    DtError::Timeout.into_response()
}
