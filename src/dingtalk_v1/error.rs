//! The v1.0 error format (docs/dingtalk-v1.md#envelope-and-errors): a 4xx/5xx status
//! and `{"code", "message", "requestid"}`, the shape the official SDK reads into its
//! `TeaException`. `message` is the vendor's text for the code, then `: ` and the
//! detail naming the key, header or id at fault. This file is the one place that
//! knows a code's status and message.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::Json;
use crate::{
    http::{DatabaseFailure, ErrorCode},
    runtime::rules::{dingtalk_v1 as v1, Answer, Broken, RefusedBy, Rule, X_EMULATOR_RULE},
    store::StoreError,
};

tokio::task_local! {
    /// The current request's `x-acs-request-id`, set by the surface middleware around
    /// every request under `/v1.0/`, so that error bodies can carry it as `requestid`.
    pub static REQUEST_ID: String;
}

/// The request id in scope (a fresh one outside a request).
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| new_request_id())
}

/// A request id the way the real service spells them: an upper-case UUID.
pub fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string().to_uppercase()
}

/// The code of an internal failure and of a timeout.
pub const SYSTEM_ERROR: &str = "system.error";

/// Each code the emulator answers (a pattern for the two that name a key) and the
/// vendor's message for it.
const MESSAGES: [(&str, &str); 13] = [
    ("InvalidAuthentication", "不合法的access_token"),
    ("invalidClientIdOrSecret", "无效的clientId或者clientSecret"),
    ("param.error", "参数非法"),
    ("no.valid.parameter", "no valid parameter, can not update"),
    ("relationType.not.exists", "relationType不存在"),
    ("invalid.objectType", "objectType不合法"),
    ("data.not.exists", "数据不存在"),
    ("same.data.exists", "数据已存在"),
    ("Forbidden.AccessDenied.QpsLimitForApi", "请求过于频繁"),
    ("resource.not.found", "资源不存在"),
    (SYSTEM_ERROR, "系统错误"),
    ("<key>.not.exists", "用户不存在"),
    ("Missing<name>", "<name> is mandatory for this action."),
];

/// The vendor's message for `code`, if the emulator knows the code.
pub fn vendor_message(code: &str) -> Option<String> {
    if let Some(name) = code.strip_prefix("Missing").filter(|n| !n.is_empty()) {
        return Some(format!("{name} is mandatory for this action."));
    }
    if code.ends_with(".not.exists") && !MESSAGES.iter().any(|(c, _)| *c == code) {
        return Some("用户不存在".to_owned());
    }
    MESSAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, message)| (*message).to_owned())
}

/// The status a code is answered with when nothing else says (an injected fault that
/// names only its code).
pub fn status_of(code: &str) -> StatusCode {
    match code {
        "resource.not.found" => StatusCode::NOT_FOUND,
        "Forbidden.AccessDenied.QpsLimitForApi" => StatusCode::FORBIDDEN,
        SYSTEM_ERROR => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// A DingTalk v1.0 failure.
#[derive(Debug, thiserror::Error)]
pub enum V1Error {
    /// Internal failure; the cause is logged, the client sees only 系统错误.
    #[error("internal failure: {0}")]
    System(#[from] StoreError),
    #[error("request timed out")]
    Timeout,
    /// A fault injected through the control plane.
    #[error("injected fault {code}")]
    Injected { status: StatusCode, code: String },
    /// A rule refused the request; `code` is the rule's, or the one its pattern made
    /// (`MissingcreatorUserId`, `creatorUserId.not.exists`).
    #[error("refused by {}: {}", .broken.rule.id, .broken.detail)]
    Refused { broken: Broken, code: String },
}

impl From<Broken> for V1Error {
    fn from(broken: Broken) -> Self {
        let code = match broken.rule.answer {
            Answer::Code(_, code) => code.to_owned(),
            // Every v1.0 rule answers a code (a unit test checks it).
            Answer::Errcode(_) | Answer::Status(_) => "param.error".to_owned(),
        };
        V1Error::Refused { broken, code }
    }
}

impl V1Error {
    /// `rule` refused the request for the reason `detail` gives.
    pub fn refused(rule: &'static Rule, detail: impl Into<String>) -> V1Error {
        rule.broken(detail).into()
    }

    /// `Missing<name>`: a required top-level key is absent or null.
    pub fn missing(name: &str) -> V1Error {
        V1Error::Refused {
            broken: v1::FIELD_REQUIRED.broken(format!("{name} is required")),
            code: format!("Missing{name}"),
        }
    }

    /// `<key>.not.exists`: a strict corp's directory has no `userid` (named by `key`).
    pub fn unknown_employee(key: &str, userid: &str) -> V1Error {
        let detail = format!("{key} {userid} is not in the corp's employee directory");
        V1Error::Refused {
            broken: v1::EMPLOYEE_KNOWN.broken(detail),
            code: format!("{key}.not.exists"),
        }
    }

    /// `data.not.exists` naming the key and the ids that match no record of the corp.
    pub fn no_such(key: &str, what: &str, ids: &[impl std::fmt::Display]) -> V1Error {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        V1Error::refused(
            &v1::RECORD_KNOWN,
            format!("{key}: no such {what}: {}", ids.join(", ")),
        )
    }

    /// The `code` this error answers with.
    pub fn code(&self) -> &str {
        match self {
            V1Error::System(_) | V1Error::Timeout => SYSTEM_ERROR,
            V1Error::Injected { code, .. } | V1Error::Refused { code, .. } => code,
        }
    }

    /// The HTTP status this error answers with: 503 when the database failed or the
    /// request ran out of time (docs/instances.md#when-the-database-fails).
    pub fn status(&self) -> StatusCode {
        match self {
            V1Error::System(cause) if cause.problem().is_none() => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            V1Error::System(_) | V1Error::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            V1Error::Injected { status, .. } => *status,
            V1Error::Refused { broken, .. } => match broken.rule.answer {
                Answer::Code(status, _) => {
                    StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST)
                }
                Answer::Errcode(_) | Answer::Status(_) => StatusCode::BAD_REQUEST,
            },
        }
    }

    /// The vendor's message for the code, then the detail that names the fault.
    pub fn message(&self) -> String {
        let vendor = vendor_message(self.code()).unwrap_or_default();
        let detail = match self {
            V1Error::Timeout => "request timed out".to_owned(),
            V1Error::Injected { .. } => "injected fault".to_owned(),
            V1Error::Refused { broken, .. } if !broken.detail.is_empty() => broken.message(),
            _ => String::new(),
        };
        match (vendor.is_empty(), detail.is_empty()) {
            (_, true) => vendor,
            (true, false) => detail,
            (false, false) => format!("{vendor}: {detail}"),
        }
    }
}

/// The body of every v1.0 error.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"code": "MissingcreatorUserId", "message": "creatorUserId is mandatory for this action.: creatorUserId is required", "requestid": "0B7F5F1E-6A2C-4C55-9F0B-3F3C1B1E2A6D"}))]
pub struct V1ErrorBody {
    code: String,
    message: String,
    /// The `x-acs-request-id` of the answer.
    requestid: String,
}

impl IntoResponse for V1Error {
    fn into_response(self) -> Response {
        if let V1Error::System(cause) = &self {
            tracing::error!(error = %crate::telemetry::chain(cause), "dingtalk v1.0 request failed");
        }
        let body = V1ErrorBody {
            code: self.code().to_owned(),
            message: self.message(),
            requestid: current_request_id(),
        };
        let mut response = (self.status(), Json(body)).into_response();
        response
            .extensions_mut()
            .insert(ErrorCode(self.code().to_owned()));
        if let V1Error::System(cause) = &self {
            if let Some(failure) = DatabaseFailure::of(cause.failure()) {
                response.extensions_mut().insert(failure);
            }
        }
        if let V1Error::Refused { broken, .. } = &self {
            let refused_by = RefusedBy(broken.rule);
            response
                .headers_mut()
                .insert(X_EMULATOR_RULE.clone(), refused_by.header());
            response.extensions_mut().insert(refused_by);
        }
        response
    }
}

pub type V1Result<T> = Result<T, V1Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_answers_a_code_with_a_vendor_message() {
        for rule in v1::RULES {
            let Answer::Code(status, code) = rule.answer else {
                panic!("{} answers no v1.0 code", rule.id);
            };
            assert!(vendor_message(code).is_some(), "{}", rule.id);
            let err = V1Error::refused(rule, "d");
            assert_eq!(err.status().as_u16(), status, "{}", rule.id);
        }
    }

    #[test]
    fn patterned_codes_name_the_key() {
        let missing = V1Error::missing("creatorUserId");
        assert_eq!(missing.code(), "MissingcreatorUserId");
        assert_eq!(
            missing.message(),
            "creatorUserId is mandatory for this action.: creatorUserId is required"
        );
        let unknown = V1Error::unknown_employee("operatorUserId", "u9");
        assert_eq!(unknown.code(), "operatorUserId.not.exists");
        assert!(unknown
            .message()
            .starts_with("用户不存在: operatorUserId u9"));
        assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
        assert_eq!(V1Error::Timeout.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}
