//! DingTalk-style CRM API (SPEC §1, `seeds/dingtalk-crm-api.md`), mounted at the root:
//! `/gettoken` and `/crm/{customer,contact,empcustomer}/*`.

pub mod error;
pub mod extract;
pub mod injected;

use axum::{
    http::Method,
    response::{IntoResponse, Response},
    Router,
};

use crate::app::AppState;
pub use error::{ok, DtError, DtOk, DtResult};

/// The DingTalk surface's routes.
pub fn router() -> Router<AppState> {
    Router::new()
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
