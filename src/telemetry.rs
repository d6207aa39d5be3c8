//! Logging set-up and the per-request span.
//!
//! Every request gets one span carrying its method, matched route and request id; the
//! access line at its end adds status, latency and the envelope's error code.

use std::{io::IsTerminal, time::Duration};

use axum::{
    extract::{MatchedPath, Request},
    response::Response,
};
use tracing::Span;
use tracing_subscriber::{fmt, EnvFilter};

use crate::{
    config::LogFormat,
    http::{request_id, ErrorCode},
};

/// Installs the global subscriber. The level comes from `RUST_LOG` (default `info`).
/// Colours only when stdout is a terminal: a container's log, a file or a pipe gets
/// plain text. Safe to call more than once (later calls do nothing).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal());
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
    };
}

/// The span every request runs in.
pub fn make_request_span(req: &Request) -> Span {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| req.uri().path(), MatchedPath::as_str);
    let request_id = request_id(req);
    tracing::info_span!("request", method = %req.method(), path, request_id)
}

/// The access line, logged once per request inside its span.
pub fn on_response(response: &Response, latency: Duration, _span: &Span) {
    let code = response
        .extensions()
        .get::<ErrorCode>()
        .map(|c| c.0.as_str());
    tracing::info!(
        status = response.status().as_u16(),
        code,
        latency_us = latency.as_micros() as u64,
        "served"
    );
}

/// An error and every cause beneath it, `: `-separated, for a log line: the one way
/// errors are logged (`tracing::warn!(error = %chain(&err), …)`), so that the driver's
/// own words under a store error are never lost.
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        // `thiserror`'s `{0}` messages already hold their source's text.
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod chain_tests {
    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn every_cause_is_named_once() {
        let err = Outer(std::io::Error::other("disk full"));
        assert_eq!(super::chain(&err), "outer: disk full");
    }
}
