//! DingTalk-style CRM API (SPEC §1, `seeds/dingtalk-crm-api.md`), mounted at the root:
//! `/gettoken` and `/crm/{customer,contact,empcustomer}/*`.
//!
//! Reading order: `token` (/gettoken) → `auth` (token check, rate limit, `user_id`) →
//! one file per resource → `validate` (field rules) and `wire` (response shapes).

pub mod auth;
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
    routing::{get, post},
    Router,
};

use crate::app::AppState;
pub use cache::TokenCache;
pub use error::{ok, DtError, DtOk, DtResult};

/// The DingTalk surface's routes. Each `/crm/...` route takes exactly one method (the
/// app's fallback answers the other with 43001/43002) and runs behind the token check.
pub fn router(state: &AppState) -> Router<AppState> {
    let crm = Router::new()
        .route("/crm/customer/create", post(customer::create))
        .route("/crm/customer/update", post(customer::update))
        .route("/crm/customer/delete", post(customer::delete))
        .route("/crm/customer/get", get(customer_read::get))
        .route("/crm/customer/list", get(customer_read::list))
        .route("/crm/contact/create", post(contact::create))
        .route("/crm/contact/update", post(contact::update))
        .route("/crm/contact/delete", post(contact::delete))
        .route("/crm/empcustomer/create", post(empcustomer::create))
        .route("/crm/empcustomer/delete", post(empcustomer::delete))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ));
    Router::new()
        .route("/gettoken", get(token::gettoken))
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
