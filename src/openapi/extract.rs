//! Request extractors whose rejections come back in the OpenAPI envelope, each the rule
//! it is (`runtime::rules::openapi`), checked in this order: the body's size, an empty
//! body, its Content-Type, JSON syntax, a NUL character, unknown keys, then the shape of
//! each key (named by its path, e.g. `search[0].value`).

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::header::CONTENT_TYPE,
};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::{Map, Value};

use super::error::ApiError;
use crate::{
    json::{self, BodyError},
    runtime::rules::{openapi as oa, Judge},
};

/// The keys a body may have, and for a key holding an object or a list of objects, the
/// keys of those objects. A key outside them is rule `openapi.request.unknown-key`:
/// refused for strict accounts, dropped (and warned) for lenient ones.
pub struct Keys {
    pub body: &'static [&'static str],
    pub nested: &'static [(&'static str, &'static [&'static str])],
}

/// A body type: the keys it has, or `None` when the handler reads the keys itself.
pub trait Body: DeserializeOwned {
    const KEYS: Option<&'static Keys>;
}

impl Body for Map<String, Value> {
    const KEYS: Option<&'static Keys> = None;
}

impl Body for IgnoredAny {
    const KEYS: Option<&'static Keys> = None;
}

/// A JSON body that must be there.
pub struct ApiJson<T>(pub T);

impl<T: Body, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (judge, sent_as, bytes) = read(req, state).await?;
        if json::is_blank(&bytes) {
            return Err(BodyError::Empty.into());
        }
        parse(&judge, sent_as.as_deref(), &bytes).map(ApiJson)
    }
}

/// A JSON body that may be left out: an empty body reads as `T::default()` (for
/// endpoints whose keys are all optional, which clients call with `{}` or nothing).
/// A body that is present is read as [`ApiJson`] reads it.
pub struct OptionalJson<T>(pub T);

impl<T: Body + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (judge, sent_as, bytes) = read(req, state).await?;
        if json::is_blank(&bytes) {
            return Ok(OptionalJson(T::default()));
        }
        parse(&judge, sent_as.as_deref(), &bytes).map(OptionalJson)
    }
}

/// The request's judge, the Content-Type it was sent as, and its body within the size
/// limit.
async fn read<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<(Judge, Option<String>, Bytes), ApiError> {
    let judge = Judge::of_request(req.extensions());
    let sent_as = req
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let bytes = json::read_bytes(req, state).await?;
    Ok((judge, sent_as, bytes))
}

/// A non-empty body: sent as JSON (or, for a lenient account, parsed as JSON anyway),
/// well-formed, without unknown keys, of `T`'s shape.
fn parse<T: Body>(judge: &Judge, sent_as: Option<&str>, bytes: &[u8]) -> Result<T, ApiError> {
    if !json::is_json(&json::media_type(sent_as)) {
        judge.check(
            &oa::BODY_CONTENT_TYPE,
            format!(
                "Content-Type: expected application/json, got {}",
                sent_as.unwrap_or("none")
            ),
        )?;
    }
    let Some(keys) = T::KEYS else {
        return Ok(json::parse(bytes)?);
    };
    let mut value: Value = json::parse(bytes)?;
    if let Value::Object(body) = &mut value {
        known_keys(judge, body, "", keys.body)?;
        for (key, inner) in keys.nested {
            match body.get_mut(*key) {
                Some(Value::Object(object)) => known_keys(judge, object, key, inner)?,
                Some(Value::Array(items)) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        if let Value::Object(object) = item {
                            known_keys(judge, object, &format!("{key}[{i}]"), inner)?;
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(json::from_value(value)?)
}

/// Drops the keys of `object` (at `path`) that are not `valid`, judging each.
fn known_keys(
    judge: &Judge,
    object: &mut Map<String, Value>,
    path: &str,
    valid: &[&str],
) -> Result<(), ApiError> {
    let unknown: Vec<String> = object
        .keys()
        .filter(|k| !valid.contains(&k.as_str()))
        .cloned()
        .collect();
    for key in unknown {
        unknown_key(judge, path, &key, valid)?;
        object.shift_remove(&key);
    }
    Ok(())
}

/// `key` of the object at `path` is none of `valid`: refused, or warned and ignored.
pub fn unknown_key(judge: &Judge, path: &str, key: &str, valid: &[&str]) -> Result<(), ApiError> {
    let at = if path.is_empty() {
        format!("`{key}`")
    } else {
        format!("`{path}.{key}`")
    };
    let detail = format!("unknown key {at}; valid keys are {}", valid.join(", "));
    Ok(judge.check(&oa::REQUEST_UNKNOWN_KEY, detail)?)
}

impl From<BodyError> for ApiError {
    fn from(err: BodyError) -> Self {
        match err {
            BodyError::TooLarge => {
                ApiError::refused(&oa::BODY_SIZE, "request body exceeds the size limit")
            }
            BodyError::Unreadable(m) => {
                ApiError::refused(&oa::BODY_JSON, format!("cannot read the request body: {m}"))
            }
            BodyError::Empty => ApiError::refused(
                &oa::BODY_EMPTY,
                "request body is empty: expected a JSON object",
            ),
            BodyError::Syntax(m) => {
                ApiError::refused(&oa::BODY_JSON, format!("malformed JSON: {m}"))
            }
            BodyError::Shape { path, message } if path.is_empty() => {
                ApiError::refused(&oa::BODY_SHAPE, format!("invalid request body: {message}"))
            }
            BodyError::Shape { path, message } => ApiError::refused(
                &oa::BODY_SHAPE,
                format!("invalid field `{path}`: {message}"),
            ),
            BodyError::Nul { path } => {
                let at = match path.as_str() {
                    "" => path,
                    _ => format!("`{path}`"),
                };
                ApiError::refused(&oa::TEXT_NUL, BodyError::nul_detail(&at))
            }
        }
    }
}
