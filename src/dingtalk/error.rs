//! The DingTalk `errcode`/`errmsg` envelope and every error code the emulator uses
//! (SPEC §1.1, from DingTalk's global error table).
//!
//! Every response is HTTP 200: real clients call `raise_for_status()` first and then
//! read `errcode`, so business errors must not be HTTP errors.

use axum::{
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::errcodes::{compose, entry};
use crate::store::{dingtalk::DtStoreError, StoreError};

/// A DingTalk-style failure. The `errmsg` is the vendor's text, followed by `: detail`
/// naming the field, id or header at fault where there is one.
#[derive(Debug, thiserror::Error)]
pub enum DtError {
    /// Internal failure; the cause is logged, the client sees only 系统繁忙.
    #[error("internal failure: {0}")]
    System(#[from] StoreError),
    #[error("request timed out")]
    Timeout,
    #[error("unknown path")]
    UnknownPath,
    #[error("missing access_token")]
    MissingToken,
    #[error("invalid access_token")]
    InvalidToken,
    #[error("access_token expired")]
    TokenExpired,
    #[error("invalid corpid or corpsecret: {0}")]
    BadCredentials(String),
    #[error("missing corpid")]
    MissingCorpid,
    #[error("missing secret: {0}")]
    MissingSecret(String),
    #[error("missing user_id")]
    MissingUserId,
    #[error("unknown user: {0}")]
    UnknownUser(String),
    #[error("invalid parameter: {0}")]
    InvalidParam(String),
    #[error("too long: {0}")]
    TooLong(String),
    #[error("GET required")]
    NeedGet,
    #[error("POST required")]
    NeedPost,
    #[error("bad content type: {0}")]
    BadContentType(String),
    #[error("empty body")]
    EmptyBody,
    #[error("malformed JSON: {0}")]
    BadJson(String),
    #[error("rate limited: {0}")]
    RateLimited(String),
    /// A fault injected through the control plane.
    #[error("injected fault {errcode}")]
    Injected { errcode: i64, errmsg: String },
}

impl DtError {
    /// The `errcode` this error answers with: the one place that maps errors to codes.
    pub fn errcode(&self) -> i64 {
        match self {
            DtError::System(_) | DtError::Timeout => -1,
            DtError::UnknownPath => 404,
            DtError::InvalidToken => 40014,
            DtError::MissingToken => 41001,
            DtError::TokenExpired => 42001,
            DtError::BadCredentials(_) => 40089,
            DtError::MissingCorpid => 41002,
            DtError::MissingSecret(_) => 41004,
            DtError::MissingUserId => 41009,
            DtError::UnknownUser(_) => 60121,
            DtError::InvalidParam(_) => 40035,
            DtError::TooLong(_) => 41101,
            DtError::NeedGet => 43001,
            DtError::NeedPost => 43002,
            DtError::BadContentType(_) => 43004,
            DtError::EmptyBody => 44002,
            DtError::BadJson(_) => 47001,
            DtError::RateLimited(_) => 45009,
            DtError::Injected { errcode, .. } => *errcode,
        }
    }

    /// The vendor's message for the code, then the detail that names the fault.
    pub fn errmsg(&self) -> String {
        let own: Option<&str> = match self {
            DtError::Injected { errmsg, .. } => return errmsg.clone(),
            DtError::Timeout => Some("request timed out"),
            DtError::BadCredentials(d)
            | DtError::MissingSecret(d)
            | DtError::UnknownUser(d)
            | DtError::InvalidParam(d)
            | DtError::TooLong(d)
            | DtError::BadContentType(d)
            | DtError::BadJson(d)
            | DtError::RateLimited(d) => Some(d),
            _ => None,
        };
        match entry(self.errcode()) {
            Some((message, detail)) => compose(message, own.or(detail.hint())),
            // Every code `errcode` gives has an entry (a unit test checks it).
            None => own.unwrap_or_default().to_owned(),
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
            DtStoreError::UnknownEmployee(userid) => DtError::UnknownUser(format!(
                "{} {userid} is not an employee of this corp (the corp is in strict mode)",
                employee_field(&userid)
            )),
            DtStoreError::UnknownCustomers(ids) => DtError::no_such(field, "customer", &ids),
            DtStoreError::UnknownContacts(ids) => DtError::no_such(field, "contact", &ids),
            DtStoreError::UnknownRelation => {
                DtError::InvalidParam(format!("{field}: no such employee-customer relation"))
            }
        }
    }

    /// 40035 naming the field and the ids that match no record of the corp.
    pub fn no_such(field: &str, what: &str, ids: &[impl std::fmt::Display]) -> DtError {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        DtError::InvalidParam(format!("{field}: no such {what}: {}", ids.join(", ")))
    }
}

/// The body of every DingTalk error: `errcode` ≠ 0, and `errmsg` with the vendor's text.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"errcode": 40035, "errmsg": "不合法的参数: customer.name is required"}))]
pub struct DtErrorBody {
    #[schema(schema_with = error_code)]
    errcode: i64,
    errmsg: String,
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
            tracing::error!(error = %cause, cause = ?std::error::Error::source(cause), "dingtalk request failed");
        }
        let errcode = self.errcode();
        let mut response = Json(DtErrorBody {
            errcode,
            errmsg: self.errmsg(),
        })
        .into_response();
        // Read by the request journal and the access log.
        response
            .extensions_mut()
            .insert(crate::http::ErrorCode(errcode.to_string()));
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
        let err = DtError::InvalidParam("customer.name is required".into());
        assert_eq!(err.errcode(), 40035);
        assert_eq!(err.errmsg(), "不合法的参数: customer.name is required");
        assert_eq!(
            DtError::MissingToken.errmsg(),
            "缺少access_token参数: the access_token query parameter is required"
        );
    }

    #[test]
    fn every_errcode_has_a_vendor_message() {
        use super::super::errcodes::vendor_message;
        let detail = || "d".to_owned();
        for err in [
            DtError::Timeout,
            DtError::UnknownPath,
            DtError::InvalidToken,
            DtError::MissingToken,
            DtError::TokenExpired,
            DtError::BadCredentials(detail()),
            DtError::MissingCorpid,
            DtError::MissingSecret(detail()),
            DtError::MissingUserId,
            DtError::UnknownUser(detail()),
            DtError::InvalidParam(detail()),
            DtError::TooLong(detail()),
            DtError::NeedGet,
            DtError::NeedPost,
            DtError::BadContentType(detail()),
            DtError::EmptyBody,
            DtError::BadJson(detail()),
            DtError::RateLimited(detail()),
        ] {
            let message = vendor_message(err.errcode()).expect("a vendor message");
            assert!(err.errmsg().starts_with(message), "{err:?}");
        }
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
