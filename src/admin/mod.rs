//! The control plane under `/_emulator/` (SPEC §3): health, and everything an emulator
//! user needs around the two APIs.

mod accounts;
mod clock;
mod corps;
pub mod document;
pub mod error;
pub mod export;
mod extract;
pub mod faults;
mod fields;
pub mod guard;
mod health;
pub mod import;
pub mod journal;
mod reset;

use axum::{
    extract::DefaultBodyLimit,
    http::{Method, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    routing::{delete, get, patch, post},
    Router,
};

use crate::app::AppState;
pub use error::AdminError;

pub type AdminResult<T> = Result<T, AdminError>;

/// The control plane's routes: everything behind the admin guard, then health, which
/// stays open for container health checks.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/_emulator/clock", get(clock::get).post(clock::change))
        .route(
            "/_emulator/faults",
            get(faults::list).post(faults::create).delete(faults::clear),
        )
        .route("/_emulator/faults/{id}", delete(faults::delete))
        .route(
            "/_emulator/requests",
            get(journal::list).delete(journal::clear),
        )
        .route(
            "/_emulator/dingtalk/corps",
            get(corps::list).post(corps::create),
        )
        .route(
            "/_emulator/dingtalk/corps/{corpid}",
            get(corps::get).patch(corps::patch).delete(corps::delete),
        )
        .route(
            "/_emulator/dingtalk/corps/{corpid}/employees",
            get(corps::list_employees).post(corps::add_employee),
        )
        .route(
            "/_emulator/openapi/accounts",
            get(accounts::list).post(accounts::create),
        )
        .route(
            "/_emulator/openapi/accounts/{appid}",
            get(accounts::get)
                .patch(accounts::patch)
                .delete(accounts::delete),
        )
        .route(
            "/_emulator/openapi/accounts/{appid}/fields",
            get(fields::list).post(fields::create),
        )
        .route(
            "/_emulator/openapi/accounts/{appid}/fields/{field}",
            patch(fields::patch),
        )
        .route("/_emulator/reset", post(reset::reset))
        .route("/_emulator/export", get(export::export))
        // An export grows with the data, far past the request limit of the APIs; the
        // import of one must still fit.
        .route(
            "/_emulator/import",
            post(export::import).layer(DefaultBodyLimit::max(export::IMPORT_LIMIT_BYTES)),
        )
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_admin,
        ))
        .route("/_emulator/health", get(health::health))
}

/// Answer for an unknown path under `/_emulator/`.
pub fn not_found(path: &str) -> Response {
    AdminError::not_found(format!("no such control-plane endpoint: {path}")).into_response()
}

/// Answer for a known path called with a method it does not take.
pub fn method_not_allowed(method: &Method) -> Response {
    AdminError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method not allowed: this endpoint does not take {method}"),
    )
    .into_response()
}

/// Answer for a request that ran past the configured timeout.
pub fn timed_out() -> Response {
    AdminError::new(StatusCode::SERVICE_UNAVAILABLE, "request timed out").into_response()
}
