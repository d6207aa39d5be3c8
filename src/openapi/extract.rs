//! Request extractors whose rejections come back in the OpenAPI envelope.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::json::{self, BodyError};

/// A JSON body. An empty body, malformed JSON or an ill-typed field is a 400 naming the
/// problem (and the field's path); a body over the size limit is a 413.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json::read_body(req, state).await?;
        Ok(ApiJson(json::parse(&bytes)?))
    }
}

/// A JSON body that may be left out: an empty body reads as `T::default()` (for
/// endpoints whose keys are all optional, which clients call with `{}` or nothing).
/// A body that is present must be valid, as with [`ApiJson`].
pub struct OptionalJson<T>(pub T);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json::read_bytes(req, state).await?;
        if json::is_blank(&bytes) {
            return Ok(OptionalJson(T::default()));
        }
        Ok(OptionalJson(json::parse(&bytes)?))
    }
}

impl From<BodyError> for ApiError {
    fn from(err: BodyError) -> Self {
        match err {
            BodyError::TooLarge => {
                ApiError::payload_too_large("request body exceeds the size limit")
            }
            BodyError::Unreadable(m) => {
                ApiError::bad_request(format!("cannot read the request body: {m}"))
            }
            BodyError::Empty => {
                ApiError::bad_request("request body is empty: expected a JSON object")
            }
            BodyError::Syntax(m) => ApiError::bad_request(format!("malformed JSON: {m}")),
            BodyError::Shape { path, message } if path.is_empty() => {
                ApiError::bad_request(format!("invalid request body: {message}"))
            }
            BodyError::Shape { path, message } => {
                ApiError::bad_request(format!("invalid field `{path}`: {message}"))
            }
        }
    }
}
