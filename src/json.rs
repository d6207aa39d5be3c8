//! Reading and parsing JSON request bodies, shared by the three surfaces. Each surface
//! maps [`BodyError`](crate::json::BodyError) into its own envelope, so the rules (size
//! limit, empty body, syntax vs. shape errors, the path of an ill-typed field) are
//! decided once.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::StatusCode,
};
use serde::de::DeserializeOwned;

/// Why a JSON body was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Over `--max-body-bytes`.
    TooLarge,
    /// The body could not be read (client went away, bad chunking, …).
    Unreadable(String),
    /// No body, or only white space.
    Empty,
    /// Not well-formed JSON.
    Syntax(String),
    /// Well-formed, but a field has the wrong shape. `path` is like `customer.name`
    /// (empty when the document as a whole is wrong).
    Shape { path: String, message: String },
}

impl BodyError {
    /// `path: message`, or the message alone for the whole document.
    pub fn shape_detail(path: &str, message: &str) -> String {
        if path.is_empty() {
            message.to_owned()
        } else {
            format!("{path}: {message}")
        }
    }
}

/// Reads the whole body, within the router's `DefaultBodyLimit`; it may be blank.
pub async fn read_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, BodyError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            BodyError::TooLarge
        } else {
            BodyError::Unreadable(rejection.body_text())
        }
    })
}

/// Reads the whole body, which must not be blank.
pub async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, BodyError> {
    let bytes = read_bytes(req, state).await?;
    if is_blank(&bytes) {
        return Err(BodyError::Empty);
    }
    Ok(bytes)
}

/// The media type of a `Content-Type` header value, lowercased, without parameters
/// (empty when there is no header).
pub fn media_type(content_type: Option<&str>) -> String {
    content_type
        .and_then(|c| c.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type is JSON: `application/json`, or a `+json` suffix type.
pub fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || (media_type.len() > 5 && media_type.ends_with("+json"))
}

/// No body, or only white space.
pub fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// Deserializes `bytes`, telling malformed JSON from a document of the wrong shape and
/// naming the path of an ill-typed field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            BodyError::Syntax(inner.to_string())
        } else {
            shape(path, &inner)
        }
    })?;
    de.end().map_err(|e| BodyError::Syntax(e.to_string()))?;
    Ok(value)
}

/// Deserializes a JSON document already parsed, naming the path of an ill-typed field.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, BodyError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        shape(path, err.inner())
    })
}

fn shape(path: String, inner: &serde_json::Error) -> BodyError {
    BodyError::Shape {
        path: if path == "." { String::new() } else { path },
        message: strip_position(&inner.to_string()),
    }
}

/// serde_json appends " at line 1 column 17" to shape errors; the path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        customer: Inner,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        name: Option<String>,
    }

    #[test]
    fn syntax_and_shape_errors_are_told_apart() {
        assert!(matches!(
            parse::<Outer>(b"{\"customer\":"),
            Err(BodyError::Syntax(_))
        ));
        assert!(matches!(
            parse::<Outer>(br#"{"customer":{}} x"#),
            Err(BodyError::Syntax(_))
        ));
        match parse::<Outer>(br#"{"customer":{"name":5}}"#) {
            Err(BodyError::Shape { path, message }) => {
                assert_eq!(path, "customer.name");
                assert_eq!(message, "invalid type: integer `5`, expected a string");
            }
            other => panic!("unexpected {other:?}"),
        }
        match parse::<Outer>(b"[]") {
            Err(BodyError::Shape { path, .. }) => assert_eq!(path, ""),
            other => panic!("unexpected {other:?}"),
        }
    }
}
