//! The OpenAPI envelope (`docs/openapi.md#envelope`):
//! `{"success", "message", "code", "data", "traceId"}`, with `code` the HTTP status as a
//! string and the same HTTP status on the response.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::Json;
use crate::{
    http::DatabaseFailure,
    runtime::rules::{Answer, Broken, RefusedBy, Rule, X_EMULATOR_RULE},
    store::StoreError,
};

tokio::task_local! {
    /// The current request's trace id, set by the surface middleware (`with_trace_id`
    /// in `openapi/mod.rs`) around every request under `/openapi/`, so that envelopes
    /// can carry it.
    pub static TRACE_ID: String;
}

fn current_trace_id() -> String {
    TRACE_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| uuid::Uuid::new_v4().simple().to_string())
}

/// An OpenAPI failure: an HTTP status and a message naming the fault, and the rule
/// that refused the request when one did (every 4xx but an injected fault).
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    rule: Option<&'static Rule>,
    failure: Option<DatabaseFailure>,
}

impl ApiError {
    /// A failure no rule decides: an internal error, a timeout, an injected fault.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            rule: None,
            failure: None,
        }
    }

    /// The rule that refused the request, if one did.
    pub fn rule(&self) -> Option<&'static Rule> {
        self.rule
    }

    /// `rule` refused the request for the reason `detail` gives.
    pub fn refused(rule: &'static Rule, detail: impl Into<String>) -> Self {
        rule.broken(detail).into()
    }
}

impl From<Broken> for ApiError {
    fn from(broken: Broken) -> Self {
        let status = match broken.rule.answer {
            Answer::Status(status) => StatusCode::from_u16(status).ok(),
            Answer::Errcode(_) | Answer::Code(..) => None,
        };
        ApiError {
            // Every OpenAPI rule answers a status (a unit test checks it).
            status: status.unwrap_or(StatusCode::BAD_REQUEST),
            message: broken.message(),
            rule: Some(broken.rule),
            failure: None,
        }
    }
}

impl From<StoreError> for ApiError {
    /// Internal causes are logged here, once, inside the request span; the client gets
    /// a generic 500 with the trace id to quote — or, when the database failed rather
    /// than the emulator, a 503 saying so (docs/instances.md#when-the-database-fails).
    fn from(err: StoreError) -> Self {
        tracing::error!(error = %crate::telemetry::chain(&err), "openapi request failed");
        let Some((problem, outcome_unknown)) = err.failure() else {
            return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        };
        let message = match outcome_unknown {
            true => "service unavailable: the connection to the database was lost; whether \
                     the request was applied is unknown"
                .to_owned(),
            false => format!("service unavailable: database {problem}"),
        };
        ApiError {
            failure: DatabaseFailure::of(err.failure()),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
        }
    }
}

/// Every OpenAPI answer: `success`, `message`, `code` (the HTTP status, as a string),
/// `data` (null on errors) and `traceId` (also in the `x-trace-id` header).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<T: Serialize> {
    success: bool,
    message: String,
    code: String,
    data: T,
    trace_id: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.status.as_str().to_owned();
        let body = Envelope {
            success: false,
            message: self.message,
            code: code.clone(),
            data: Null,
            trace_id: current_trace_id(),
        };
        let mut response = (self.status, Json(body)).into_response();
        response
            .extensions_mut()
            .insert(crate::http::ErrorCode(code));
        if let Some(failure) = self.failure {
            response.extensions_mut().insert(failure);
        }
        if let Some(rule) = self.rule {
            let refused_by = RefusedBy(rule);
            response
                .headers_mut()
                .insert(X_EMULATOR_RULE.clone(), refused_by.header());
            response.extensions_mut().insert(refused_by);
        }
        response
    }
}

/// `data` of errors and of answers without a result: JSON `null`.
#[derive(Debug, Serialize)]
pub struct Null;

impl utoipa::PartialSchema for Null {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::Null)
            .into()
    }
}

impl ToSchema for Null {}

/// A successful OpenAPI response carrying `data`.
pub struct ApiOk<T>(pub T);

impl<T: Serialize> IntoResponse for ApiOk<T> {
    fn into_response(self) -> Response {
        Json(Envelope {
            success: true,
            message: "200 ok!".to_owned(),
            code: "200".to_owned(),
            data: self.0,
            trace_id: current_trace_id(),
        })
        .into_response()
    }
}

pub type ApiResult<T> = Result<ApiOk<T>, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_keys_are_in_the_seed_order() {
        let body = Envelope {
            success: true,
            message: "200 ok!".into(),
            code: "200".into(),
            data: Null,
            trace_id: "t".into(),
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"success":true,"message":"200 ok!","code":"200","data":null,"traceId":"t"}"#
        );
    }
}
