//! [`Json`], the JSON answer of every surface.

use axum::{
    http::{header::CONTENT_TYPE, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// Most answers fit in this many bytes, so their buffer grows at most once or twice.
const USUAL_SIZE: usize = 512;

/// A JSON answer: `T` serialized, as `application/json`. The same answer as axum's
/// `Json` (a value that cannot be serialized is a 500 with the error as text), written
/// into a `Vec` instead of through `BytesMut`'s `io::Write` adapter: every string of an
/// answer is three writes, and through the adapter each write cost several times as
/// many instructions (`callgrind`, `docs/performance.md#every-request`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(USUAL_SIZE);
        match serde_json::to_writer(&mut body, &self.0) {
            Ok(()) => (
                [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                body,
            )
                .into_response(),
            Err(err) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                err.to_string(),
            )
                .into_response(),
        }
    }
}
