//! The request journal: the most recent requests to the two APIs, newest first,
//! bounded by `--journal-size`. With `--journal-bodies`, request and response bodies
//! are captured too, with secrets, signatures and tokens redacted (`capture`).
//!
//! Each surface records its own calls through [`Journal::open`] and [`Journal::close`],
//! naming its [`Api`]; the journal never looks at a path to tell which API a call was
//! for. The control plane reads and clears it (`admin::journal`). Every entry names the
//! instance that served it. On SQLite the entries are kept in this process's memory; on
//! Postgres every instance's entries go to one table, written by a background task in
//! batches (`writer`), so no request waits for the database to be journaled.

mod capture;
mod writer;

use std::{collections::VecDeque, sync::Mutex, time::Instant};

use axum::{extract::Request, response::Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use self::{
    capture::{capture_request, capture_response, redact_query},
    writer::Writer,
};
use super::{
    clock::Clock,
    faults::FaultFired,
    rules::{RefusedBy, Warned, Warning},
};
use crate::{
    http::{original_path, request_id, Api, ErrorCode, StringToSign, Tenant},
    store::{emulator::JournalQuery, Store, StoreError, StoreResult},
};

// One recorded call, as `GET /_emulator/requests` lists it. (A `//` comment: a doc
// comment would become the schema's description in the served document.) Built in one
// place, `Journal::close`; read back from JSON on Postgres, so a new field needs
// `#[serde(default)]` to read entries written before it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub time: String,
    /// The id of the instance that served the call (`GET /_emulator/instances`).
    #[serde(default)]
    pub instance: i64,
    pub api: String,
    pub method: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    pub tenant: Option<String>,
    pub status: u16,
    /// `errcode` (DingTalk) or `code` (OpenAPI) of the answer.
    pub code: Option<String>,
    pub latency_ms: f64,
    pub trace_id: String,
    /// The rules a lenient tenant's request broke and was served anyway
    /// (docs/rules.md#strict-and-lenient).
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// The rule that refused the request, if a rule did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_by: Option<String>,
    /// For an OpenAPI request whose signature did not match: the string the emulator
    /// signed (appid + nonce + timestamp, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_to_sign: Option<String>,
    /// Whether a fault rule (`/_emulator/faults`) fired on the call: answered with its
    /// error, or with the real answer after its latency.
    #[serde(default)]
    pub injected: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<Value>,
}

/// Where the entries are kept.
#[derive(Debug)]
enum Storage {
    /// This process's memory, newest first (SQLite).
    Memory(Mutex<VecDeque<Entry>>),
    /// The database every instance shares, through this instance's writer (Postgres).
    Shared { store: Store, writer: Writer },
}

/// The recent calls of this instance, or of every instance sharing the database.
#[derive(Debug)]
pub struct Journal {
    storage: Storage,
    instance: i64,
    capacity: usize,
    capture_bodies: bool,
    max_body_bytes: usize,
}

impl Journal {
    /// A journal in this process's memory of at most `capacity` calls (0 keeps none),
    /// capturing bodies of at most `max_body_bytes` when `capture_bodies`; `instance`
    /// names this instance in its entries.
    pub fn new(
        instance: i64,
        capacity: usize,
        capture_bodies: bool,
        max_body_bytes: usize,
    ) -> Self {
        Journal {
            storage: Storage::Memory(Mutex::new(VecDeque::with_capacity(capacity.min(4096)))),
            instance,
            capacity,
            capture_bodies,
            max_body_bytes,
        }
    }

    /// The same, kept in `store`'s database together with every other instance's
    /// calls, to at most `capacity` calls in all.
    pub fn shared(
        store: Store,
        instance: i64,
        capacity: usize,
        capture_bodies: bool,
        max_body_bytes: usize,
    ) -> Self {
        let writer = Writer::spawn(store.clone(), capacity);
        Journal {
            storage: Storage::Shared { store, writer },
            ..Journal::new(instance, capacity, capture_bodies, max_body_bytes)
        }
    }

    fn push(&self, entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        match &self.storage {
            Storage::Memory(entries) => {
                let mut entries = entries.lock().unwrap_or_else(|p| p.into_inner());
                if entries.len() == self.capacity {
                    entries.pop_back();
                }
                entries.push_front(entry);
            }
            Storage::Shared { writer, .. } => writer.push(entry),
        }
    }

    /// The newest entries that pass `filter`, at most `limit`. On Postgres this
    /// instance's entries still queued are written first, so a call answered before
    /// this one is listed.
    pub async fn recent(&self, filter: &Filter) -> StoreResult<Vec<Entry>> {
        let limit = filter.limit.unwrap_or(100);
        let (store, writer) = match &self.storage {
            Storage::Memory(entries) => {
                let entries = entries.lock().unwrap_or_else(|p| p.into_inner());
                return Ok(entries
                    .iter()
                    .filter(|e| filter.matches(e))
                    .take(limit)
                    .cloned()
                    .collect());
            }
            Storage::Shared { store, writer } => (store, writer),
        };
        writer.flush().await;
        let query = JournalQuery {
            api: filter.api.as_deref(),
            tenant: filter.tenant.as_deref(),
            status: filter.status.map(i64::from),
            limit: i64::try_from(limit).unwrap_or(i64::MAX),
        };
        let rows = store.emulator().journal(&query).await?;
        rows.iter()
            .map(|json| {
                serde_json::from_str(json)
                    .map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))
            })
            .collect()
    }

    /// Waits until this instance's entries are written (at shutdown).
    pub async fn flush(&self) {
        if let Storage::Shared { writer, .. } = &self.storage {
            writer.flush().await;
        }
    }

    /// Forgets every call (of every instance, on Postgres).
    pub async fn clear(&self) -> StoreResult<()> {
        match &self.storage {
            Storage::Memory(entries) => {
                entries.lock().unwrap_or_else(|p| p.into_inner()).clear();
                Ok(())
            }
            Storage::Shared { store, writer } => {
                writer.flush().await;
                store.emulator().clear_journal().await
            }
        }
    }

    /// Notes what `req` is before it runs: what [`Journal::close`] records once it
    /// is answered. The path is the one the client sent.
    pub async fn open(&self, clock: &Clock, req: Request) -> (Request, Call) {
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
        let call = Call {
            started,
            time,
            method,
            path,
            query,
            trace_id,
            request_body,
        };
        (req, call)
    }

    /// Records `call`, answered with `response`, as one of `api`'s.
    pub async fn close(&self, api: Api, call: Call, response: Response) -> Response {
        let status = response.status().as_u16();
        let extensions = response.extensions();
        let tenant = extensions.get::<Tenant>().map(|t| t.0.to_string());
        let code = extensions
            .get::<ErrorCode>()
            .map(|c| c.0.clone())
            .or_else(|| (status == 200).then(|| success_code(api).to_owned()));
        let warnings = extensions.get::<Warned>().map(|w| w.0.clone());
        let refused_by = extensions.get::<RefusedBy>().map(|r| r.0.id.to_owned());
        let string_to_sign = extensions.get::<StringToSign>().map(|s| s.0.clone());
        let injected = extensions.get::<FaultFired>().is_some();
        let (response, response_body) = if self.capture_bodies {
            capture_response(response).await
        } else {
            (response, None)
        };
        self.push(Entry {
            time: call.time,
            instance: self.instance,
            api: api.as_str().to_owned(),
            method: call.method,
            path: call.path,
            query: call.query,
            tenant,
            status,
            code,
            latency_ms: call.started.elapsed().as_secs_f64() * 1000.0,
            trace_id: call.trace_id,
            warnings: warnings.unwrap_or_default(),
            refused_by,
            string_to_sign,
            injected,
            request_body: call.request_body,
            response_body,
        });
        response
    }
}

/// A call the journal has opened ([`Journal::open`]) and not yet recorded.
#[derive(Debug)]
pub struct Call {
    started: Instant,
    time: String,
    method: String,
    path: String,
    query: Option<String>,
    trace_id: String,
    request_body: Option<Value>,
}

/// Query of `GET /_emulator/requests`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// How many entries at most, newest first (default and cap: `--journal-size`).
    pub limit: Option<usize>,
    /// `dingtalk`, `openapi` or `dingtalk-v1`.
    pub api: Option<String>,
    /// A corpid or appid.
    pub tenant: Option<String>,
    /// An HTTP status.
    #[param(maximum = 65535)]
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
/// 0 (v1.0's too), otherwise the HTTP status.
fn success_code(api: Api) -> &'static str {
    match api {
        Api::DingTalk | Api::DingTalkV1 => "0",
        Api::OpenApi | Api::Admin => "200",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_journal_keeps_the_newest_entries_up_to_its_capacity() {
        let journal = Journal::new(7, 2, false, 0);
        for i in 0..3 {
            journal.push(Entry {
                time: String::new(),
                instance: 7,
                api: "dingtalk".into(),
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
                injected: false,
                request_body: None,
                response_body: None,
            });
        }
        let paths: Vec<String> = journal
            .recent(&Filter::default())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(paths, ["/2", "/1"]);
    }
}
