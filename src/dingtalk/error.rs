//! The DingTalk `errcode`/`errmsg` envelope and every error code the emulator uses
//! (`docs/dingtalk.md#envelope-and-errors`, from DingTalk's global error table).
//!
//! Every response is HTTP 200: real clients call `raise_for_status()` first and then
//! read `errcode`, so business errors must not be HTTP errors.

use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::errcodes::{compose, entry};
use crate::http::Json;
use crate::{
    runtime::rules::{dingtalk as dt, Answer, Broken, RefusedBy, Rule, X_EMULATOR_RULE},
    store::{dingtalk::DtStoreError, StoreError},
};

/// A DingTalk-style failure. The `errmsg` is the vendor's text, followed by `: detail`
/// naming the field, id or header at fault where there is one.
#[derive(Debug, thiserror::Error)]
pub enum DtError {
    /// Internal failure; the cause is logged, the client sees only 系统繁忙.
    #[error("internal failure: {0}")]
    System(#[from] StoreError),
    #[error("request timed out")]
    Timeout,
    /// A handler failed unexpectedly (a panic the app caught and logged): 系统繁忙, as
    /// any internal failure.
    #[error("internal failure: a handler panicked")]
    Panicked,
    /// A fault injected through the control plane.
    #[error("injected fault {errcode}")]
    Injected { errcode: i64, errmsg: String },
    /// A rule of the rulebook refused the request (`runtime::rules::dingtalk`).
    #[error("refused by {}: {}", .0.rule.id, .0.detail)]
    Refused(Broken),
}

impl From<Broken> for DtError {
    fn from(broken: Broken) -> Self {
        DtError::Refused(broken)
    }
}

impl DtError {
    /// `rule` refused the request for the reason `detail` gives (empty: the code's
    /// standing hint, if it has one).
    pub fn refused(rule: &'static Rule, detail: impl Into<String>) -> DtError {
        DtError::Refused(rule.broken(detail))
    }

    /// The `errcode` this error answers with: a refusal's comes from its rule.
    pub fn errcode(&self) -> i64 {
        match self {
            DtError::System(_) | DtError::Timeout | DtError::Panicked => -1,
            DtError::Injected { errcode, .. } => *errcode,
            DtError::Refused(broken) => match broken.rule.answer {
                Answer::Errcode(errcode) => errcode,
                // Every DingTalk rule answers an errcode (a unit test checks it).
                Answer::Status(_) | Answer::Code(..) => 40035,
            },
        }
    }

    /// The vendor's message for the code, then the detail that names the fault.
    pub fn errmsg(&self) -> String {
        let own = match self {
            DtError::Injected { errmsg, .. } => return errmsg.clone(),
            DtError::Timeout => Some("request timed out".to_owned()),
            DtError::Refused(broken) if !broken.detail.is_empty() => Some(broken.message()),
            _ => None,
        };
        match entry(self.errcode()) {
            Some((message, detail)) => compose(message, own.as_deref().or(detail.hint())),
            // Every code a rule answers has an entry (a unit test checks it).
            None => own.unwrap_or_default(),
        }
    }
}

impl DtError {
    /// Maps a store failure into the envelope. `field` is the request field that held
    /// the customer, contact or relation at fault; `employee_field` tells which request
    /// field an employee id came from.
    pub fn from_store(
        err: DtStoreError,
        field: &str,
        employee_field: impl Fn(&str) -> &'static str,
    ) -> DtError {
        match err {
            DtStoreError::Store(cause) => DtError::System(cause),
            DtStoreError::UnknownEmployee(userid) => DtError::refused(
                &dt::EMPLOYEE_KNOWN,
                format!(
                    "{} {userid} is not in the corp's employee directory",
                    employee_field(&userid)
                ),
            ),
            DtStoreError::UnknownCustomers(ids) => DtError::no_such(field, "customer", &ids),
            DtStoreError::UnknownContacts(ids) => DtError::no_such(field, "contact", &ids),
            DtStoreError::UnknownRelation => DtError::refused(
                &dt::RECORD_KNOWN,
                format!("{field}: no such employee-customer relation"),
            ),
            // Only v1.0 writes ask for the duplicate-name check; this API never does.
            DtStoreError::DuplicateName(id) => {
                DtError::System(StoreError::Conflict(format!("customer {id} has the name")))
            }
        }
    }

    /// 40035 naming the field and the ids that match no record of the corp.
    pub fn no_such(field: &str, what: &str, ids: &[impl std::fmt::Display]) -> DtError {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        DtError::refused(
            &dt::RECORD_KNOWN,
            format!("{field}: no such {what}: {}", ids.join(", ")),
        )
    }
}

/// The body of every DingTalk error: `errcode` ≠ 0, and `errmsg` with the vendor's text.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"errcode": 40035, "errmsg": "不合法的参数: customer.name is required"}))]
pub struct DtErrorBody {
    #[schema(schema_with = error_code)]
    errcode: i64,
    /// With errcode 88 (鉴权异常): the reason's code, e.g. `60011`.
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_code: Option<String>,
    /// With errcode 88: the reason, e.g. 没有调用该接口的权限.
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_msg: Option<String>,
    errmsg: String,
    /// With errcode 88: the id of the request at DingTalk.
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

impl DtErrorBody {
    /// DingTalk's answer to a call the app may not make: errcode 88 with `sub_code`
    /// 60011, in the key order DingTalk's own answers have.
    pub fn permission_denied(request_id: String) -> Self {
        const SUB_CODE: &str = "60011";
        const SUB_MSG: &str = "没有调用该接口的权限";
        DtErrorBody {
            errcode: 88,
            sub_code: Some(SUB_CODE.into()),
            sub_msg: Some(SUB_MSG.into()),
            errmsg: format!("ding talk error[subcode={SUB_CODE},submsg={SUB_MSG}]"),
            request_id: Some(request_id),
        }
    }
}

impl IntoResponse for DtErrorBody {
    fn into_response(self) -> Response {
        let errcode = self.errcode.to_string();
        let mut response = Json(self).into_response();
        // Read by the request journal and the access log.
        response
            .extensions_mut()
            .insert(crate::http::ErrorCode(errcode));
        response
    }
}

/// The document's `errcode` of an error: any code but 0.
fn error_code() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .maximum(Some(-1)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1)),
        )
        .into()
}

impl IntoResponse for DtError {
    fn into_response(self) -> Response {
        if let DtError::System(cause) = &self {
            tracing::error!(error = %crate::telemetry::chain(cause), "dingtalk request failed");
        }
        let mut response = DtErrorBody {
            errcode: self.errcode(),
            sub_code: None,
            sub_msg: None,
            errmsg: self.errmsg(),
            request_id: None,
        }
        .into_response();
        if let DtError::System(cause) = &self {
            if let Some(failure) = crate::http::DatabaseFailure::of(cause.failure()) {
                response.extensions_mut().insert(failure);
            }
        }
        if let DtError::Refused(broken) = &self {
            let refused_by = RefusedBy(broken.rule);
            response
                .headers_mut()
                .insert(X_EMULATOR_RULE.clone(), refused_by.header());
            response.extensions_mut().insert(refused_by);
        }
        response
    }
}

/// A successful DingTalk response: `errcode` 0 and `errmsg` "ok" first, then the payload's
/// own keys (`Empty` for none).
#[derive(Serialize, ToSchema)]
pub struct DtOk<T: Serialize> {
    #[schema(minimum = 0, maximum = 0)]
    errcode: i64,
    errmsg: &'static str,
    #[serde(flatten)]
    payload: T,
}

pub fn ok<T: Serialize>(payload: T) -> Json<DtOk<T>> {
    Json(DtOk {
        errcode: 0,
        errmsg: "ok",
        payload,
    })
}

pub type DtResult<T> = Result<T, DtError>;

/// The payload of answers that carry only `errcode` and `errmsg`.
#[derive(Serialize, ToSchema)]
pub struct Empty {}

/// What a DingTalk call answers, always with HTTP 200: `errcode` 0 with the payload, or
/// an error. (The document's name for what handlers return as a `DtResult`.)
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum DtReply<T: Serialize> {
    Ok(DtOk<T>),
    Error(DtErrorBody),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_follow_the_vendor_message() {
        let err = DtError::refused(&dt::FIELD_REQUIRED, "customer.name is required");
        assert_eq!(err.errcode(), 40035);
        assert_eq!(err.errmsg(), "不合法的参数: customer.name is required");
        assert_eq!(
            DtError::refused(&dt::TOKEN_REQUIRED, "").errmsg(),
            "缺少access_token参数: the access_token query parameter is required"
        );
        let strict = DtError::refused(&dt::FIELD_BLANK, "customer.name is blank").errmsg();
        assert!(strict.ends_with("(rule dingtalk.field.blank: the tenant is strict; a lenient tenant is served with a warning)"), "{strict}");
    }

    #[test]
    fn every_rule_answers_an_errcode_with_a_vendor_message() {
        use super::super::errcodes::vendor_message;
        for rule in dt::RULES {
            let err = DtError::refused(rule, "d");
            let message = vendor_message(err.errcode()).expect("a vendor message");
            assert!(err.errmsg().starts_with(message), "{}", rule.id);
            assert!(matches!(rule.answer, Answer::Errcode(_)), "{}", rule.id);
        }
        assert!(vendor_message(DtError::Timeout.errcode()).is_some());
    }

    #[test]
    fn success_puts_errcode_and_errmsg_first() {
        #[derive(Serialize)]
        struct Payload {
            customerid: String,
        }
        let body = serde_json::to_string(
            &ok(Payload {
                customerid: "1".into(),
            })
            .0,
        )
        .unwrap();
        assert_eq!(body, r#"{"errcode":0,"errmsg":"ok","customerid":"1"}"#);
        assert_eq!(
            serde_json::to_string(&ok(Empty {}).0).unwrap(),
            r#"{"errcode":0,"errmsg":"ok"}"#
        );
    }
}
