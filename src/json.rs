//! Reading and parsing JSON request bodies, shared by the three surfaces. Each surface
//! maps [`BodyError`](crate::json::BodyError) into its own envelope, so the rules (size
//! limit, empty body, syntax vs. shape errors, NUL characters, the path of an ill-typed
//! field) are decided once.

use axum::{
    body::{Bytes, HttpBody},
    extract::{FromRequest, Request},
    http::StatusCode,
    RequestExt,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

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
    /// A string (or key) at `path` holds a NUL character (`\u0000`). Postgres cannot
    /// store one in text and SQLite can, so every surface refuses it, on both backends.
    Nul { path: String },
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

    /// What a [`BodyError::Nul`] says: the string at `path` holds a NUL character.
    pub fn nul_detail(path: &str) -> String {
        let at = if path.is_empty() { "the body" } else { path };
        format!("{at} holds a NUL character (\\u0000), which cannot be stored")
    }
}

/// Reads the whole body, within the router's `DefaultBodyLimit`; it may be blank.
///
/// A body whose `Content-Length` is over the limit is refused before any of it is read:
/// reading would only fail at the limit, and a client that sends less than it declared
/// would hold the request until `--request-timeout`. The limited body's size hint stops
/// at the route's limit, so a declared length above it is one over the limit.
pub async fn read_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, BodyError> {
    let declared = req.body().size_hint().lower();
    let req = req.with_limited_body();
    if req
        .body()
        .size_hint()
        .upper()
        .is_some_and(|limit| declared > limit)
    {
        return Err(BodyError::TooLarge);
    }
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
/// naming the path of an ill-typed field or of a string holding a NUL character.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyError> {
    // JSON can only spell a NUL inside a string as `\u0000`, so a body without that
    // text is not walked.
    if bytes.windows(6).any(|w| w == br"\u0000") {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| BodyError::Syntax(e.to_string()))?;
        check_nul(&value)?;
    }
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

/// Refuses a document with a NUL character in a string or a key, naming the first one's
/// path (`customer[0].name`, `search[3].value[0]`).
pub fn check_nul(value: &Value) -> Result<(), BodyError> {
    match nul_path(value, String::new()) {
        Some(path) => Err(BodyError::Nul { path }),
        None => Ok(()),
    }
}

fn nul_path(value: &Value, path: String) -> Option<String> {
    match value {
        Value::String(text) => text.contains('\0').then_some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let at = match path.as_str() {
                "" => key.clone(),
                _ => format!("{path}.{key}"),
            };
            if key.contains('\0') {
                return Some(at.replace('\0', "\\u0000"));
            }
            nul_path(item, at)
        }),
        _ => None,
    }
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

    #[test]
    fn a_nul_character_is_refused_by_its_path() {
        let nul = |body: &[u8]| match parse::<serde_json::Value>(body) {
            Err(BodyError::Nul { path }) => path,
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(
            nul(br#"{"customer":[{"name":"a\u0000"}]}"#),
            "customer[0].name"
        );
        assert_eq!(
            nul(br#"{"search":[{},{"value":["x","\u0000"]}]}"#),
            "search[1].value[1]"
        );
        assert_eq!(nul(br#"{"a":{"k\u0000":1}}"#), "a.k\\u0000");
        assert_eq!(nul(br#""\u0000""#), "");
        // An escaped backslash before `u0000` is no NUL; the shape is still checked.
        assert!(parse::<Outer>(br#"{"customer":{"name":"\\u0000"}}"#).is_ok());
        assert!(matches!(
            parse::<Outer>(br#"{"customer":{"name":"\u0000"}}"#),
            Err(BodyError::Nul { .. })
        ));
    }
}
