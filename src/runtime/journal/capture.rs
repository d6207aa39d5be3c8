//! Capturing bodies for the journal (`--journal-bodies`), with secrets, signatures and
//! tokens redacted, in bodies and in queries.

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::header::CONTENT_LENGTH,
    response::Response,
};
use serde_json::{json, Value};

/// Keys whose values never reach the journal.
const SECRET_KEYS: &[&str] = &[
    "access_token",
    "corpsecret",
    "appsecret",
    "secret",
    "signature",
    "token",
    "password",
];
const REDACTED: &str = "[redacted]";

/// Buffers a request body whose declared length is within the limit; a body without a
/// length or over the limit is passed on untouched and not captured.
pub(super) async fn capture_request(req: Request, max: usize) -> (Request, Option<Value>) {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if !declared.is_some_and(|n| n > 0 && n <= max) {
        return (req, None);
    }
    let (parts, body) = req.into_parts();
    match to_bytes(body, max).await {
        Ok(bytes) => {
            let captured = body_value(&bytes);
            (
                Request::from_parts(parts, Body::from(bytes)),
                Some(captured),
            )
        }
        // The client broke off; the handler sees an empty body and answers for it.
        Err(_) => (Request::from_parts(parts, Body::empty()), None),
    }
}

pub(super) async fn capture_response(response: Response) -> (Response, Option<Value>) {
    let (parts, body) = response.into_parts();
    match to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            let captured = body_value(&bytes);
            (
                Response::from_parts(parts, Body::from(bytes)),
                Some(captured),
            )
        }
        Err(_) => (Response::from_parts(parts, Body::empty()), None),
    }
}

/// A body as JSON with secrets redacted, or as text when it is not JSON.
fn body_value(bytes: &[u8]) -> Value {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut value) => {
            redact(&mut value);
            value
        }
        Err(_) => json!(String::from_utf8_lossy(bytes)),
    }
}

fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if SECRET_KEYS.contains(&key.as_str()) {
                    *v = json!(REDACTED);
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

pub(super) fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if SECRET_KEYS.contains(&key) => format!("{key}={REDACTED}"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_at_any_depth_and_in_queries() {
        let mut body = json!({"corpsecret": "s", "nested": [{"access_token": "t", "name": "n"}]});
        redact(&mut body);
        assert_eq!(
            body,
            json!({"corpsecret": REDACTED, "nested": [{"access_token": REDACTED, "name": "n"}]})
        );
        assert_eq!(
            redact_query("access_token=abc&id=1&corpsecret=x"),
            "access_token=[redacted]&id=1&corpsecret=[redacted]"
        );
    }
}
