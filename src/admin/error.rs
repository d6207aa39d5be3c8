//! The control plane's own error shape: `{"error": {"status": 404, "message": "…"}}`.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::Json;
use crate::store::StoreError;

#[derive(Debug)]
pub struct AdminError {
    pub status: StatusCode,
    pub message: String,
}

impl AdminError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        AdminError {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl From<StoreError> for AdminError {
    /// A uniqueness conflict is a 409 with a generic message (callers that know which
    /// key clashed say so with `corps::conflict_names`); the driver's text names tables
    /// and constraints, so it is logged, never sent. The database failing is a logged 503
    /// naming its problem; anything else is a logged 500.
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(driver_text) => {
                tracing::warn!(error = %driver_text, "control-plane write conflicts with a stored record");
                AdminError::new(
                    StatusCode::CONFLICT,
                    "a record with this key already exists",
                )
            }
            other => {
                tracing::error!(error = %crate::telemetry::chain(&other), "control-plane request failed");
                match other.problem() {
                    Some(problem) => AdminError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        format!("database {}", problem.as_str()),
                    ),
                    None => AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error"),
                }
            }
        }
    }
}

/// The body of every control-plane error.
#[derive(Serialize, ToSchema)]
pub struct AdminErrorBody {
    error: AdminErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct AdminErrorDetail {
    /// The HTTP status, again.
    status: u16,
    /// What was wrong, naming the key, path or tenant at fault.
    message: String,
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let body = AdminErrorBody {
            error: AdminErrorDetail {
                status: self.status.as_u16(),
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_never_shows_the_drivers_text() {
        let err = AdminError::from(StoreError::Conflict(
            "UNIQUE constraint failed: dt_corps.corpid".into(),
        ));
        assert_eq!(err.status, StatusCode::CONFLICT);
        assert_eq!(err.message, "a record with this key already exists");
    }
}
