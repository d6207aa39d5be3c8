//! The request journal: the most recent requests to the two APIs, newest first,
//! bounded by `--journal-size`, kept in memory per instance. With `--journal-bodies`,
//! request and response bodies are captured too, with secrets, signatures and tokens
//! redacted.
//!
//! Each surface records its own calls through [`Journal::record`], naming its [`Api`];
//! the journal never looks at a path to tell which API a call was for. The control
//! plane reads and clears it (`admin::journal`).

use std::{collections::VecDeque, future::Future, sync::Mutex, time::Instant};

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::header::CONTENT_LENGTH,
    response::Response,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};

use super::clock::Clock;
use super::rules::{RefusedBy, Warned, Warning};
use crate::http::{original_path, request_id, Api, ErrorCode, StringToSign, Tenant};

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

// One recorded call, as `GET /_emulator/requests` lists it. (A `//` comment: a doc
// comment would become the schema's description in the served document.)
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub time: String,
    pub api: &'static str,
    pub method: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    pub tenant: Option<String>,
    pub status: u16,
    /// `errcode` (DingTalk) or `code` (OpenAPI) of the answer.
    pub code: Option<String>,
    pub latency_ms: f64,
    pub trace_id: String,
    /// The rules a lenient tenant's request broke and was served anyway (SPEC §5).
    pub warnings: Vec<Warning>,
    /// The rule that refused the request, if a rule did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused_by: Option<&'static str>,
    /// For an OpenAPI request whose signature did not match: the string the emulator
    /// signed (appid + nonce + timestamp, as sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_to_sign: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<Value>,
}

/// The recent calls of this instance.
#[derive(Debug)]
pub struct Journal {
    entries: Mutex<VecDeque<Entry>>,
    capacity: usize,
    capture_bodies: bool,
    max_body_bytes: usize,
}

impl Journal {
    /// A journal of at most `capacity` calls (0 keeps none), capturing bodies of at most
    /// `max_body_bytes` when `capture_bodies`.
    pub fn new(capacity: usize, capture_bodies: bool, max_body_bytes: usize) -> Self {
        Journal {
            entries: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
            capacity,
            capture_bodies,
            max_body_bytes,
        }
    }

    fn push(&self, entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() == self.capacity {
            entries.pop_back();
        }
        entries.push_front(entry);
    }

    /// The newest entries that pass `filter`, at most `limit`.
    pub fn recent(&self, filter: &Filter) -> Vec<Entry> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .iter()
            .filter(|e| filter.matches(e))
            .take(filter.limit.unwrap_or(100))
            .cloned()
            .collect()
    }

    /// Forgets every call.
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// Runs `request` through `run` (the rest of a surface's middleware and the handler)
    /// and records the call as one of `api`'s, under the path the client sent.
    pub async fn record<F, Fut>(&self, clock: &Clock, api: Api, req: Request, run: F) -> Response
    where
        F: FnOnce(Request) -> Fut,
        Fut: Future<Output = Response>,
    {
        let started = Instant::now();
        let time = clock.format(clock.now_ms());
        let method = req.method().to_string();
        let path = original_path(&req).to_owned();
        let query = req.uri().query().map(redact_query);
        let trace_id = request_id(&req).to_owned();
        let (req, request_body) = if self.capture_bodies {
            capture_request(req, self.max_body_bytes).await
        } else {
            (req, None)
        };
        let response = run(req).await;
        let status = response.status().as_u16();
        let tenant = response
            .extensions()
            .get::<Tenant>()
            .map(|t| t.0.to_string());
        let code = response
            .extensions()
            .get::<ErrorCode>()
            .map(|c| c.0.clone())
            .or_else(|| (status == 200).then(|| success_code(api).to_owned()));
        let warnings = response
            .extensions()
            .get::<Warned>()
            .map(|w| w.0.clone())
            .unwrap_or_default();
        let refused_by = response.extensions().get::<RefusedBy>().map(|r| r.0.id);
        let string_to_sign = response
            .extensions()
            .get::<StringToSign>()
            .map(|s| s.0.clone());
        let (response, response_body) = if self.capture_bodies {
            capture_response(response).await
        } else {
            (response, None)
        };
        self.push(Entry {
            time,
            api: api.as_str(),
            method,
            path,
            query,
            tenant,
            status,
            code,
            latency_ms: started.elapsed().as_secs_f64() * 1000.0,
            trace_id,
            warnings,
            refused_by,
            string_to_sign,
            request_body,
            response_body,
        });
        response
    }
}

/// Query of `GET /_emulator/requests`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// How many entries at most, newest first (default and cap: `--journal-size`).
    pub limit: Option<usize>,
    /// `dingtalk` or `openapi`.
    pub api: Option<String>,
    /// A corpid or appid.
    pub tenant: Option<String>,
    /// An HTTP status.
    pub status: Option<u16>,
}

impl Filter {
    fn matches(&self, entry: &Entry) -> bool {
        self.api.as_deref().is_none_or(|api| api == entry.api)
            && self
                .tenant
                .as_deref()
                .is_none_or(|t| entry.tenant.as_deref() == Some(t))
            && self.status.is_none_or(|s| s == entry.status)
    }
}

/// The code of a successful answer, which carries no [`ErrorCode`]: DingTalk's `errcode`
/// 0, otherwise the HTTP status.
fn success_code(api: Api) -> &'static str {
    match api {
        Api::DingTalk => "0",
        Api::OpenApi | Api::Admin => "200",
    }
}

/// Buffers a request body whose declared length is within the limit; a body without a
/// length or over the limit is passed on untouched and not captured.
async fn capture_request(req: Request, max: usize) -> (Request, Option<Value>) {
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

async fn capture_response(response: Response) -> (Response, Option<Value>) {
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

fn redact_query(query: &str) -> String {
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

    #[test]
    fn the_journal_keeps_the_newest_entries_up_to_its_capacity() {
        let journal = Journal::new(2, false, 0);
        for i in 0..3 {
            journal.push(Entry {
                time: String::new(),
                api: "dingtalk",
                method: "GET".into(),
                path: format!("/{i}"),
                query: None,
                tenant: None,
                status: 200,
                code: None,
                latency_ms: 0.0,
                trace_id: String::new(),
                warnings: Vec::new(),
                refused_by: None,
                string_to_sign: None,
                request_body: None,
                response_body: None,
            });
        }
        let paths: Vec<String> = journal
            .recent(&Filter::default())
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(paths, ["/2", "/1"]);
    }
}
