//! Request extractors whose rejections come back in the DingTalk envelope, in the order
//! a DingTalk gateway checks them: body size, empty body, content type, JSON syntax,
//! then the shape of each field (named by its path, e.g. `customer.name`).

use axum::{
    extract::{FromRequest, FromRequestParts, Query, Request},
    http::{header::CONTENT_TYPE, request::Parts},
};
use serde::de::DeserializeOwned;

use super::error::DtError;
use crate::json::{self, BodyError};

/// A JSON body, deserialized with the path of any ill-typed field reported.
pub struct DtJson<T>(pub T);

impl<T, S> FromRequest<S> for DtJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = DtError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = json::read_body(req, state).await?;
        if !content_type.as_deref().is_some_and(is_json) {
            return Err(DtError::BadContentType(format!(
                "expected application/json, got {}",
                content_type.as_deref().unwrap_or("none")
            )));
        }
        parse_json(&bytes).map(DtJson)
    }
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || (essence.len() > 5 && essence[essence.len() - 5..].eq_ignore_ascii_case("+json"))
}

/// Deserializes `bytes`, telling malformed JSON (47001) from a well-formed document of
/// the wrong shape (40035, naming the field).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DtError> {
    Ok(json::parse(bytes)?)
}

impl From<BodyError> for DtError {
    fn from(err: BodyError) -> Self {
        match err {
            BodyError::TooLarge => DtError::TooLong("request body exceeds the size limit".into()),
            BodyError::Unreadable(m) => {
                DtError::InvalidParam(format!("cannot read the request body: {m}"))
            }
            BodyError::Empty => DtError::EmptyBody,
            BodyError::Syntax(m) => DtError::BadJson(m),
            BodyError::Shape { path, message } => {
                DtError::InvalidParam(BodyError::shape_detail(&path, &message))
            }
        }
    }
}

/// Query parameters; a malformed query string is 40035.
pub struct DtQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for DtQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = DtError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(value) = Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| DtError::InvalidParam(rejection.body_text()))?;
        Ok(DtQuery(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        customer: Customer,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Customer {
        name: Option<String>,
    }

    #[test]
    fn syntax_errors_are_47001_and_type_errors_name_the_field() {
        assert_eq!(
            parse_json::<Body>(b"{\"customer\":").unwrap_err().errcode(),
            47001
        );
        let err = parse_json::<Body>(br#"{"customer":{"name":5}}"#).unwrap_err();
        assert_eq!(err.errcode(), 40035);
        assert!(err.errmsg().contains("customer.name"), "{}", err.errmsg());
    }

    #[test]
    fn json_content_types_are_recognised() {
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/merge-patch+json"));
        assert!(!is_json("text/plain"));
    }
}
