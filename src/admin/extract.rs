//! The control plane's JSON body extractor: rejections in the control plane's shape.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::AdminError;
use crate::json::{self, BodyError};

pub struct AdminJson<T>(pub T);

impl<T, S> FromRequest<S> for AdminJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AdminError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json::read_body(req, state)
            .await
            .map_err(AdminError::from)?;
        Ok(AdminJson(json::parse(&bytes).map_err(AdminError::from)?))
    }
}

/// A JSON body too large to parse on the runtime's worker threads (an import, up to
/// 512 MiB): read here, then parsed and checked by [`parse_blocking`].
pub struct AdminBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for AdminBody {
    type Rejection = AdminError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json::read_body(req, state).await?;
        Ok(AdminBody(bytes))
    }
}

/// Parses `bytes` as [`AdminJson`] would, then runs `then` on the value, on a thread
/// for blocking work: parsing and checking hundreds of megabytes takes seconds, which
/// would stall every request whose task shares the worker thread.
pub async fn parse_blocking<T, U>(
    bytes: Bytes,
    then: impl FnOnce(T) -> Result<U, AdminError> + Send + 'static,
) -> Result<U, AdminError>
where
    T: DeserializeOwned,
    U: Send + 'static,
{
    let work = move || then(json::parse(&bytes)?);
    tokio::task::spawn_blocking(work).await.map_err(|err| {
        tracing::error!(error = %crate::telemetry::chain(&err), "parsing a body failed");
        AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "parsing the body failed")
    })?
}

impl From<BodyError> for AdminError {
    fn from(err: BodyError) -> Self {
        match err {
            BodyError::TooLarge => AdminError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request body exceeds the size limit",
            ),
            BodyError::Unreadable(m) => {
                AdminError::bad_request(format!("cannot read the body: {m}"))
            }
            BodyError::Empty => {
                AdminError::bad_request("request body is empty: expected a JSON object")
            }
            BodyError::Syntax(m) => AdminError::bad_request(format!("malformed JSON: {m}")),
            BodyError::Shape { path, message } => AdminError::bad_request(format!(
                "invalid body: {}",
                BodyError::shape_detail(&path, &message)
            )),
            BodyError::Nul { path } => {
                AdminError::bad_request(format!("invalid body: {}", BodyError::nul_detail(&path)))
            }
        }
    }
}

/// For `#[serde(default, deserialize_with = "some")]` on `Option<Option<T>>` fields:
/// an absent key stays `None`, an explicit `null` becomes `Some(None)`.
pub fn some<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    T::deserialize(deserializer).map(Some)
}
