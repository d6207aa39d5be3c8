//! Request extractors whose rejections come back in the v1.0 error format, in the order
//! the real service checks them: a body that is absent or not sent as JSON
//! (`Missingbody`), one over the size limit, malformed JSON, a NUL character; query
//! strings that cannot be read. The keys are read afterwards, by [`super::fields`].

use axum::{
    extract::{FromRequest, FromRequestParts, Query, Request},
    http::{header::CONTENT_TYPE, request::Parts},
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::V1Error;
use crate::{
    json::{self, BodyError},
    runtime::rules::dingtalk_v1 as v1,
};

/// A JSON body, as a value whose keys the handler reads in the model's order.
pub struct V1Json(pub Value);

impl<S: Send + Sync> FromRequest<S> for V1Json {
    type Rejection = V1Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let sent_as = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|c| json::media_type(Some(c)));
        let bytes = json::read_bytes(req, state).await?;
        if json::is_blank(&bytes) {
            return Err(BodyError::Empty.into());
        }
        if !sent_as.as_deref().is_some_and(json::is_json) {
            let got = sent_as.filter(|s| !s.is_empty());
            let detail = format!(
                "the body must be sent as application/json, got {}",
                got.as_deref().unwrap_or("no Content-Type")
            );
            return Err(V1Error::Refused {
                broken: v1::BODY_REQUIRED.broken(detail),
                code: "Missingbody".to_owned(),
            });
        }
        Ok(V1Json(json::parse(&bytes)?))
    }
}

impl From<BodyError> for V1Error {
    fn from(err: BodyError) -> Self {
        match err {
            BodyError::TooLarge => {
                V1Error::refused(&v1::BODY_SIZE, "the request body exceeds the size limit")
            }
            BodyError::Unreadable(m) => {
                V1Error::refused(&v1::BODY_JSON, format!("cannot read the request body: {m}"))
            }
            BodyError::Empty => V1Error::Refused {
                broken: v1::BODY_REQUIRED.broken("the request has no body"),
                code: "Missingbody".to_owned(),
            },
            BodyError::Syntax(m) => V1Error::refused(&v1::BODY_JSON, m),
            BodyError::Shape { path, message } => {
                V1Error::refused(&v1::FIELD_SHAPE, BodyError::shape_detail(&path, &message))
            }
            BodyError::Nul { path } => {
                V1Error::refused(&v1::TEXT_NUL, BodyError::nul_detail(&path))
            }
        }
    }
}

/// Query parameters, read as text (the handler parses numbers, naming the key).
pub struct V1Query<T>(pub T);

impl<T, S> FromRequestParts<S> for V1Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = V1Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or_default();
        if raw.contains("%00") {
            for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
                if value.contains('\0') || key.contains('\0') {
                    let key = key.replace('\0', "\\u0000");
                    return Err(BodyError::Nul { path: key }.into());
                }
            }
        }
        let Query(value) = Query::try_from_uri(&parts.uri)
            .map_err(|rejection| V1Error::refused(&v1::QUERY_FORM, rejection.body_text()))?;
        Ok(V1Query(value))
    }
}
