//! Integration coverage (docs/coverage.md): every answer of the three CRM surfaces,
//! counted per tenant, operation (method and matched route template) and outcome, and
//! the report of what each tenant's calls met and never met (`report`), against the
//! catalogue of outcomes a client of each operation should be ready for (`catalogue`).
//!
//! Counting costs a request a hashed lookup of its operation when it starts and one
//! short lock of its thread's shard of the in-memory tallies when it ends; a background
//! task merges the tallies into the database every second (`count = count + delta`, so
//! instances sharing a Postgres database count together). A report, a reset and the
//! shutdown write this instance's tallies first.

mod catalogue;
mod report;

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex, OnceLock,
    },
    time::Duration,
};

use axum::{
    extract::{MatchedPath, Request},
    response::Response,
};

pub use catalogue::Operation;
pub use report::{
    api_named, CoverageRatio, CoverageReport, CoverageSummary, MissingOutcome, OperationCoverage,
    OutcomeCount, ReportQuery,
};

use super::faults::FaultFired;
use crate::{
    http::{Api, ErrorCode, Tenant},
    store::{emulator::CoverageRow, Store, StoreResult},
};

/// How often the tallies are merged into the database.
const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// Shards of the tallies; each thread counts into one, so request threads rarely meet.
const SHARDS: usize = 8;

/// An operation's index in the table the app hands over ([`Coverage::set_operations`]).
type OperationId = u16;

/// What one answer is counted under.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    operation: OperationId,
    tenant: Option<Arc<str>>,
    outcome: Outcome,
}

/// An answer's outcome, spelled by its API when reported (`errcode 42001`, …).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Outcome {
    Ok,
    /// The envelope's `errcode` / `code`.
    Code(String),
    /// An HTTP status with no envelope code.
    Status(u16),
}

impl Outcome {
    fn of(response: &Response) -> Outcome {
        match response.extensions().get::<ErrorCode>() {
            Some(code) => Outcome::Code(code.0.clone()),
            None if response.status().is_success() => Outcome::Ok,
            None => Outcome::Status(response.status().as_u16()),
        }
    }

    fn spelled(&self, api: Api) -> String {
        match (self, api) {
            (Outcome::Ok, _) => "ok".to_owned(),
            (Outcome::Code(code), Api::DingTalk) => format!("errcode {code}"),
            (Outcome::Code(code), Api::DingTalkV1) => format!("code {code}"),
            (Outcome::Code(code), _) => format!("status {code}"),
            (Outcome::Status(status), _) => format!("status {status}"),
        }
    }
}

/// How often, and how often by an injected fault.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    count: i64,
    injected: i64,
}

/// The operations of the three surfaces, and a lookup by route template and method.
#[derive(Debug, Default)]
struct Operations {
    list: Vec<Operation>,
    by_route: HashMap<String, Vec<(String, OperationId)>>,
}

/// The counts of this instance not yet written, and the way to the stored ones.
#[derive(Debug)]
pub struct Coverage {
    store: Store,
    operations: OnceLock<Operations>,
    shards: [Mutex<HashMap<Key, Tally>>; SHARDS],
    /// Held while tallies are being written, so that a report waits for a flush in
    /// flight rather than read before it.
    writing: tokio::sync::Mutex<()>,
    stop: tokio::sync::Notify,
}

/// The shard of the calling thread.
fn shard() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|s| *s)
}

impl Coverage {
    pub fn new(store: Store) -> Coverage {
        Coverage {
            store,
            operations: OnceLock::new(),
            shards: Default::default(),
            writing: tokio::sync::Mutex::new(()),
            stop: tokio::sync::Notify::new(),
        }
    }

    /// The operations the app serves (once, when its routes are assembled).
    pub fn set_operations(&self, list: Vec<Operation>) {
        let mut by_route: HashMap<String, Vec<(String, OperationId)>> = HashMap::new();
        for (id, op) in list.iter().enumerate() {
            let Ok(id) = OperationId::try_from(id) else {
                break;
            };
            let methods = by_route.entry(op.route.clone()).or_default();
            methods.push((op.method.clone(), id));
        }
        // A second call (none is made) keeps the first table.
        let _ = self.operations.set(Operations { list, by_route });
    }

    /// The operations, in the order the app handed them over.
    pub fn operations(&self) -> &[Operation] {
        self.operations.get().map_or(&[], |ops| &ops.list)
    }

    /// The operation `req` calls, if it calls one (a known route, with a method it
    /// takes): noted when the call starts, counted by [`Coverage::count`].
    pub fn operation_of(&self, req: &Request) -> Option<u16> {
        let route = req.extensions().get::<MatchedPath>()?.as_str();
        let methods = self.operations.get()?.by_route.get(route)?;
        let method = req.method().as_str();
        methods.iter().find(|(m, _)| m == method).map(|(_, id)| *id)
    }

    /// Counts `response` as an answer of `operation`, for the tenant it names.
    pub fn count(&self, operation: Option<u16>, response: &Response) {
        let Some(operation) = operation else {
            return;
        };
        let extensions = response.extensions();
        let key = Key {
            operation,
            tenant: extensions.get::<Tenant>().map(|t| t.0.clone()),
            outcome: Outcome::of(response),
        };
        let injected = extensions.get::<FaultFired>().is_some_and(|f| f.answered);
        let mut tallies = self.shards[shard()]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let tally = tallies.entry(key).or_default();
        tally.count += 1;
        tally.injected += i64::from(injected);
    }

    /// Merges the tallies into the database every second until [`Coverage::stop`].
    pub fn keep_flushing(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let coverage = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(FLUSH_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut failing = false;
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    () = coverage.stop.notified() => return,
                }
                // Said once per outage, not every second of it.
                match coverage.flush().await {
                    Err(err) if !failing => {
                        tracing::warn!(error = %err, "coverage counts not written; kept, retrying");
                        failing = true;
                    }
                    Err(_) => {}
                    Ok(()) if failing => {
                        tracing::info!("coverage counts written again");
                        failing = false;
                    }
                    Ok(()) => {}
                }
            }
        })
    }

    /// Ends [`Coverage::keep_flushing`]'s task after its flush in flight, if any.
    pub fn stop(&self) {
        self.stop.notify_one();
    }

    /// Writes this instance's tallies. If the database refuses them they are kept for
    /// the next flush.
    pub async fn flush(&self) -> StoreResult<()> {
        let _writing = self.writing.lock().await;
        self.write(self.take(|_, _| true)).await
    }

    async fn write(&self, tallies: HashMap<Key, Tally>) -> StoreResult<()> {
        if tallies.is_empty() {
            return Ok(());
        }
        let rows = self.rows(&tallies);
        let written = self.store.emulator().add_coverage(&rows).await;
        if written.is_err() {
            let mut shard = self.shards[0].lock().unwrap_or_else(|p| p.into_inner());
            for (key, tally) in tallies {
                let kept = shard.entry(key).or_default();
                kept.count += tally.count;
                kept.injected += tally.injected;
            }
        }
        written
    }

    /// Takes the tallies of `api`'s operations and `tenant` out of every shard.
    fn take(&self, wanted: impl Fn(&Operation, Option<&str>) -> bool) -> HashMap<Key, Tally> {
        let operations = self.operations();
        let mut taken: HashMap<Key, Tally> = HashMap::new();
        for shard in &self.shards {
            let mut shard = shard.lock().unwrap_or_else(|p| p.into_inner());
            let keys: Vec<Key> = shard
                .keys()
                .filter(|k| {
                    let op = operations.get(usize::from(k.operation));
                    op.is_some_and(|op| wanted(op, k.tenant.as_deref()))
                })
                .cloned()
                .collect();
            for key in keys {
                if let Some(tally) = shard.remove(&key) {
                    let sum = taken.entry(key).or_default();
                    sum.count += tally.count;
                    sum.injected += tally.injected;
                }
            }
        }
        taken
    }

    fn rows(&self, tallies: &HashMap<Key, Tally>) -> Vec<CoverageRow> {
        let operations = self.operations();
        let mut rows: HashMap<(String, String, String, String), Tally> = HashMap::new();
        for (key, tally) in tallies {
            let Some(op) = operations.get(usize::from(key.operation)) else {
                continue;
            };
            let tenant = key.tenant.as_deref().unwrap_or_default().to_owned();
            let outcome = key.outcome.spelled(op.api);
            let row = (op.api.as_str().to_owned(), tenant, op.name(), outcome);
            let sum = rows.entry(row).or_default();
            sum.count += tally.count;
            sum.injected += tally.injected;
        }
        let mut rows: Vec<CoverageRow> = rows
            .into_iter()
            .map(|((api, tenant, operation, outcome), t)| CoverageRow {
                api,
                tenant,
                operation,
                outcome,
                count: t.count,
                injected: t.injected,
            })
            .collect();
        // One order for every writer, so concurrent upserts lock rows alike.
        rows.sort_by(|a, b| {
            (&a.api, &a.tenant, &a.operation, &a.outcome).cmp(&(
                &b.api,
                &b.tenant,
                &b.operation,
                &b.outcome,
            ))
        });
        rows
    }

    /// Forgets the counts of `api` and `tenant` (each `None` for all), this instance's
    /// unwritten ones included, and starts counting anew at `now_ms` (real time).
    pub async fn reset(
        &self,
        api: Option<Api>,
        tenant: Option<&str>,
        now_ms: i64,
    ) -> StoreResult<()> {
        let _writing = self.writing.lock().await;
        let _forgotten = self.take(|op, t| {
            api.is_none_or(|api| op.api == api) && tenant.is_none_or(|want| t == Some(want))
        });
        self.write(self.take(|_, _| true)).await?;
        let emulator = self.store.emulator();
        emulator
            .reset_coverage(api.map(Api::as_str), tenant, now_ms)
            .await
    }

    /// The stored counts of `api` and `tenant`, this instance's written first, and when
    /// counting started (real epoch ms).
    async fn stored(
        &self,
        api: Option<Api>,
        tenant: Option<&str>,
        now_ms: i64,
    ) -> StoreResult<(Vec<CoverageRow>, i64)> {
        self.flush().await?;
        let emulator = self.store.emulator();
        let rows = emulator.coverage(api.map(Api::as_str), tenant).await?;
        let since = emulator.coverage_since(now_ms).await?;
        Ok((rows, since))
    }
}
