//! Request extractors whose rejections come back in the DingTalk envelope, in the order
//! a DingTalk gateway checks them: body size, empty body, content type, JSON syntax,
//! a NUL character, then the shape of each field (named by its path, e.g.
//! `customer.name`). Query strings are read by [`query`], NUL characters first.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Query, Request},
    http::{header::CONTENT_TYPE, request::Parts, Uri},
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::DtError;
use crate::{
    json::{self, BodyError},
    runtime::rules::dingtalk as dt,
};

/// A JSON body, deserialized with the path of any ill-typed field reported.
pub struct DtJson<T>(pub T);

impl<T, S> FromRequest<S> for DtJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = DtError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (sent_as, bytes) = read(req, state).await?;
        let kind = Kind::of(sent_as.as_deref());
        match kind {
            Kind::Json => parse_json(&bytes).map(DtJson),
            Kind::Form | Kind::Other => Err(refused(&sent_as, false)),
        }
    }
}

/// The body of the deletes: JSON, or a form (`id[]=1&id[]=2`, the convention the vendor
/// document's `id[]` key comes from), as the JSON object it stands for.
pub struct DtJsonOrForm(pub Value);

impl<S: Send + Sync> FromRequest<S> for DtJsonOrForm {
    type Rejection = DtError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (sent_as, bytes) = read(req, state).await?;
        let kind = Kind::of(sent_as.as_deref());
        match kind {
            Kind::Json => parse_json(&bytes).map(DtJsonOrForm),
            Kind::Form => {
                let object = form_object(&bytes);
                json::check_nul(&object)?;
                Ok(DtJsonOrForm(object))
            }
            Kind::Other => Err(refused(&sent_as, true)),
        }
    }
}

/// What a body was sent as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Json,
    Form,
    Other,
}

impl Kind {
    fn of(content_type: Option<&str>) -> Kind {
        let essence = json::media_type(content_type);
        if json::is_json(&essence) {
            Kind::Json
        } else if essence == "application/x-www-form-urlencoded" {
            Kind::Form
        } else {
            Kind::Other
        }
    }
}

/// 43004 for a body sent as `sent_as`; `form` when the endpoint takes forms too.
fn refused(sent_as: &Option<String>, form: bool) -> DtError {
    let expected = match form {
        true => "application/json or application/x-www-form-urlencoded",
        false => "application/json",
    };
    let got = sent_as.as_deref().unwrap_or("none");
    DtError::refused(
        &dt::BODY_CONTENT_TYPE,
        format!("expected {expected}, got {got}"),
    )
}

/// Reads a non-empty body within the size limit, and the Content-Type it was sent as.
async fn read<S: Send + Sync>(req: Request, state: &S) -> Result<(Option<String>, Bytes), DtError> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = json::read_body(req, state).await?;
    Ok((content_type, bytes))
}

/// A form as a JSON object: a key given once is a string, a key given again (or ending
/// in `[]`) an array of them.
fn form_object(bytes: &[u8]) -> Value {
    let mut object = Map::new();
    for (key, value) in form_urlencoded::parse(bytes) {
        let (key, value) = (key.into_owned(), Value::String(value.into_owned()));
        match object.get_mut(&key) {
            Some(Value::Array(items)) => items.push(value),
            Some(first) => {
                let first = first.take();
                object.insert(key, Value::Array(vec![first, value]));
            }
            None if key.ends_with("[]") => {
                object.insert(key, Value::Array(vec![value]));
            }
            None => {
                object.insert(key, value);
            }
        }
    }
    Value::Object(object)
}

/// Deserializes `bytes`, telling malformed JSON (47001) from a well-formed document of
/// the wrong shape (40035, naming the field).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DtError> {
    Ok(json::parse(bytes)?)
}

impl From<BodyError> for DtError {
    fn from(err: BodyError) -> Self {
        match err {
            BodyError::TooLarge => {
                DtError::refused(&dt::BODY_SIZE, "the request body exceeds the size limit")
            }
            BodyError::Unreadable(m) => {
                DtError::refused(&dt::BODY_JSON, format!("cannot read the request body: {m}"))
            }
            BodyError::Empty => DtError::refused(&dt::BODY_EMPTY, ""),
            BodyError::Syntax(m) => DtError::refused(&dt::BODY_JSON, m),
            BodyError::Shape { path, message } => {
                DtError::refused(&dt::BODY_SHAPE, BodyError::shape_detail(&path, &message))
            }
            BodyError::Nul { path } => {
                DtError::refused(&dt::TEXT_NUL, BodyError::nul_detail(&path))
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

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        query(&parts.uri).map(DtQuery)
    }
}

/// The query string of `uri` as `T`. A parameter holding a NUL character (`%00`) is
/// refused first, naming it, then one that cannot be read.
pub fn query<T: DeserializeOwned>(uri: &Uri) -> Result<T, DtError> {
    let raw = uri.query().unwrap_or_default();
    if raw.contains("%00") {
        json::check_nul(&form_object(raw.as_bytes()))?;
    }
    let Query(value) = Query::try_from_uri(uri)
        .map_err(|rejection| DtError::refused(&dt::QUERY_FORM, rejection.body_text()))?;
    Ok(value)
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
    fn json_and_form_content_types_are_recognised() {
        let json = |c| Kind::of(Some(c)) == Kind::Json;
        assert!(json("application/json; charset=utf-8"));
        assert!(json("application/merge-patch+json"));
        assert!(!json("text/plain"));
        assert!(Kind::of(Some("application/x-www-form-urlencoded")) == Kind::Form);
        assert!(Kind::of(None) == Kind::Other);
    }

    #[test]
    fn a_form_reads_as_the_object_it_stands_for() {
        let object = form_object(b"id%5B%5D=1&id%5B%5D=2&one%5B%5D=3&name=a");
        assert_eq!(
            object,
            serde_json::json!({"id[]": ["1", "2"], "one[]": ["3"], "name": "a"})
        );
    }
}
