//! Envelopes for faults injected through the control plane (`/_emulator/faults`).

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::ApiError;

/// The answer to a call hit by an injected fault: the envelope with the rule's HTTP
/// status (default 500) as `code`.
pub fn response(status: Option<StatusCode>) -> Response {
    let status = status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = match status {
        StatusCode::TOO_MANY_REQUESTS => "too many requests (injected fault)",
        StatusCode::UNAUTHORIZED => "unauthorized (injected fault)",
        _ => "injected fault",
    };
    ApiError::new(status, message).into_response()
}
