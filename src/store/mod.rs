//! The one storage layer: domain types and queries over SQLite or Postgres.
//!
//! [`Store`](crate::store::Store) is the facade; its views `dingtalk()` and `openapi()`
//! hold each API's operations. Underneath, every statement is written once as a
//! `stmt::Stmt` with `$n` placeholders and run through `exec::Exec`: `exec`, `handle` and
//! `db` match on the backend's connections, and [`Backend`](crate::store::Backend) gives
//! the few SQL fragments the dialects spell differently
//! (`docs/architecture.md#inside-the-store`). Machinery only one backend has is in
//! `sqlite` (the writer turn) and `postgres` (the listener of other instances' changes);
//! the caches (`cache`) serve both. The frequent writes take one of two paths
//! ([`WritePath`](crate::store::WritePath)): plain transactions in the modules owning
//! their tables, or group commit and its hand-written SQL, all in `fast`. Times are
//! stored as epoch milliseconds (BIGINT), ids as BIGINT, lists and nested objects as
//! JSON text (`columns`).
//!
//! Module order, lowest first: `error`, `columns`, `cache`, `stmt`, `changes`, `exec`,
//! `backend`, `sqlite`, `handle`, `migrations`, `db`, `health`, `postgres`, `tenants`,
//! `upkeep`, then `dingtalk`, `openapi` and `emulator`, then `fast` (which implements
//! their frequent writes), `reset` and `snapshot`, which use both APIs' tables; no module
//! imports one above it, nor this facade.

mod backend;
mod cache;
mod changes;
mod columns;
mod db;
pub mod dingtalk;
pub mod emulator;
mod error;
mod exec;
mod fast;
mod handle;
mod health;
mod migrations;
pub mod openapi;
mod postgres;
pub mod reset;
pub mod snapshot;
mod sqlite;
mod stmt;
pub mod tenants;
mod upkeep;

use std::sync::{Arc, Mutex, PoisonError, Weak};

pub use changes::Topic;
pub use db::{redact_url, Backend};
pub use error::{Problem, StoreError, StoreResult};

use db::Db;
use dingtalk::{DingTalkState, DingTalkStore};
use emulator::{journal::JournalWrites, EmulatorStore};
use exec::Exec;
use openapi::{writes::OpenApiWrites, OpenApiState, OpenApiStore};
use reset::{FullReset, TenantReset};
use snapshot::Snapshot;
use stmt::Stmt;
use tenants::Mode;

use crate::telemetry::chain;

/// The most characters a string may have where it is (part of) a key of a database
/// index: a user id of a DingTalk corp's directory and followers, an OpenAPI customer's
/// name, owner and visitor id, and every row of its search index. Postgres's B-tree
/// refuses an index row over 2704 bytes (an 8 KiB page) and answers an error for the
/// write; SQLite has no such bound. At 4 bytes a character at most (3 for Chinese),
/// 500 characters are at most 2000 bytes, which leaves room for the rest of the key
/// (account, customer and field). The surfaces refuse longer strings before writing, so
/// both backends answer alike.
pub const INDEXED_TEXT_MAX: usize = 500;

/// How many characters `text` has, when that is more than [`INDEXED_TEXT_MAX`]: too
/// long to index. (Counted only when its bytes are: a character is at least one byte.)
pub fn over_index_limit(text: &str) -> Option<usize> {
    if text.len() <= INDEXED_TEXT_MAX {
        return None;
    }
    Some(text.chars().count()).filter(|chars| *chars > INDEXED_TEXT_MAX)
}
use tokio::{sync::broadcast, task::JoinHandle};

/// Which implementation the writes that come often take (signed adds with their replay
/// records, replay records alone, unsigned adds, journal entries): both answer alike.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WritePath {
    /// Group commit: many requests' writes in one batch (`fast`). What the emulator
    /// runs.
    #[default]
    Fast,
    /// Each write its own ordinary transaction: the reference the fast path is
    /// compared with (`tests/api/store_paths.rs`).
    Plain,
}

/// Handle to the database and what the store keeps beside it; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    db: Db,
    dingtalk: DingTalkState,
    openapi: OpenApiState,
    journal: Box<dyn JournalWrites>,
    /// On Postgres, the task hearing other instances' changes.
    listener: Mutex<Option<JoinHandle<()>>>,
    /// Whether the database serves.
    health: health::Health,
}

impl Inner {
    /// Forgets every answer kept for reuse.
    fn forget(&self) {
        self.dingtalk.clear();
        self.openapi.clear();
    }

    /// Applies a change another instance announced.
    fn apply(&self, topic: Topic) {
        let changes = self.db.changes();
        match topic {
            Topic::Tenants | Topic::Everything => {
                self.forget();
                changes.bump();
            }
            Topic::DingTalk => changes.bump(),
            Topic::Faults | Topic::Clock => {}
        }
        changes.publish(topic);
    }
}

impl Store {
    /// Connects to the database named by `url` (scheme `sqlite:` or `postgres:`) and
    /// brings its schema up to date. On Postgres it listens for other instances'
    /// changes from then on.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        Store::connect_with(url, WritePath::Fast).await
    }

    /// [`Store::connect`], with the frequent writes taking `path`.
    pub async fn connect_with(url: &str, path: WritePath) -> StoreResult<Store> {
        let db = Db::connect(url).await?;
        openapi::nonces::backfill_key_hashes(&db).await?;
        let (openapi, journal): (Box<dyn OpenApiWrites>, Box<dyn JournalWrites>) = match path {
            WritePath::Fast => (
                Box::new(fast::Fast::spawn(&db)),
                Box::new(fast::FastJournal),
            ),
            WritePath::Plain => (
                Box::new(openapi::writes::Plain),
                Box::new(emulator::journal::Plain),
            ),
        };
        let inner = Arc::new(Inner {
            db,
            dingtalk: DingTalkState::default(),
            openapi: OpenApiState::new(openapi),
            journal,
            listener: Mutex::default(),
            health: health::Health::of(url),
        });
        if let Some(pool) = inner.db.postgres_pool() {
            let weak: Weak<Inner> = Arc::downgrade(&inner);
            let apply = move |topic| weak.upgrade().map(|inner| inner.apply(topic)).is_some();
            let task = postgres::listen::spawn(pool, inner.db.changes().clone(), apply).await?;
            *inner
                .listener
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(task);
        }
        Ok(Store(inner))
    }

    pub fn backend(&self) -> Backend {
        self.0.db.backend()
    }

    /// The pool's connections now: (idle, in use).
    pub fn connections(&self) -> (i64, i64) {
        self.0.db.connections()
    }

    /// The DingTalk API's corps, employees, customers, tokens and rate windows.
    pub fn dingtalk(&self) -> DingTalkStore<'_> {
        DingTalkStore::new(&self.0.db, &self.0.dingtalk)
    }

    /// The OpenAPI API's accounts, custom fields, customers and replay records.
    pub fn openapi(&self) -> OpenApiStore<'_> {
        OpenApiStore::new(&self.0.db, &self.0.openapi)
    }

    /// The emulator's bookkeeping and the runtime state instances share.
    pub fn emulator(&self) -> EmulatorStore<'_> {
        EmulatorStore::new(&self.0.db, &*self.0.journal)
    }

    /// Every change other instances announce from now on (the runtime services whose
    /// state is shared reload on them). Nothing arrives on SQLite.
    pub fn changes(&self) -> broadcast::Receiver<Topic> {
        self.0.db.changes().subscribe()
    }

    /// Forgets every answer kept for reuse, after a change to tenants or to everything,
    /// and tells the other instances to do the same.
    async fn forget(&self) {
        self.0.forget();
        self.0.db.tenants_changed().await;
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        let mut conn = self.0.db.read().await?;
        conn.execute(&Stmt::new("SELECT 1")).await.map(drop)
    }

    /// The database's problem now, if it has one (`/_emulator/health`: a cheap check,
    /// its answer kept for a second; `store::health`).
    pub async fn problem(&self) -> Option<Problem> {
        self.0.health.check(&self.0.db).await
    }

    /// A request failed for the database's sake (`problem`): health reports it until a
    /// write succeeds again.
    pub fn note_problem(&self, problem: Problem) {
        self.0.health.note(problem);
    }

    /// Creates the well-known default tenants, in `mode`, the first time the database
    /// is used. Returns whether they were created now. Safe when several instances start
    /// at once: the first-start marker is claimed in the same transaction.
    pub async fn ensure_default_tenants(&self, now_ms: i64, mode: Mode) -> StoreResult<bool> {
        let mut conn = self.0.db.write().await?;
        let mut tx = conn.begin().await?;
        let created = reset::create_defaults_once(&mut tx, now_ms, mode).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Deletes the corp's customers (with contacts and followers), tokens and rate
    /// windows. `None` when there is no such corp.
    #[tracing::instrument(skip_all, fields(corpid))]
    pub async fn reset_corp(&self, corpid: &str) -> StoreResult<Option<TenantReset>> {
        let done = reset::corp(&self.0.db, corpid).await?;
        self.forget().await;
        Ok(done)
    }

    /// Deletes the account's customers (with their index rows) and replay records.
    /// `None` when there is no such account.
    #[tracing::instrument(skip_all, fields(appid))]
    pub async fn reset_account(&self, appid: &str) -> StoreResult<Option<TenantReset>> {
        let done = reset::account(&self.0.db, appid).await?;
        self.forget().await;
        Ok(done)
    }

    /// Deletes every tenant and all data, then recreates the well-known default tenants
    /// (in `mode`) exactly as a first start does.
    #[tracing::instrument(skip_all)]
    pub async fn reset_all(&self, now_ms: i64, mode: Mode) -> StoreResult<FullReset> {
        let done = reset::everything(&self.0.db, now_ms, mode).await?;
        self.forget().await;
        Ok(done)
    }

    /// Every tenant and all of its data, read in one transaction.
    pub async fn snapshot(&self) -> StoreResult<Snapshot> {
        snapshot::read::snapshot(&self.0.db).await
    }

    /// Replaces every tenant and all data with `snapshot`, in one transaction, then
    /// refreshes the planner's statistics: an import or seed may bring a million rows
    /// at once, and without statistics SQLite's planner walks an account's customers in
    /// `createTime` order instead of using a selective search index (issue 14).
    pub async fn restore(&self, snapshot: &Snapshot, now_ms: i64) -> StoreResult<()> {
        snapshot::write::restore(&self.0.db, snapshot, now_ms).await?;
        self.forget().await;
        self.refresh_statistics().await
    }

    /// Starts the store's upkeep (`upkeep`): expired replay records pruned (as of
    /// `now`, the emulator's clock in epoch ms) and the planner's statistics refreshed
    /// as the searched tables grow. It ends with the store.
    pub fn upkeep(&self, now: impl Fn() -> i64 + Send + 'static) -> JoinHandle<()> {
        let weak = Arc::downgrade(&self.0);
        tokio::spawn(async move {
            let mut upkeep = upkeep::Upkeep::new(std::time::Instant::now());
            loop {
                tokio::time::sleep(upkeep::TICK).await;
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                let (nonces, customers) = inner.openapi.tally.take();
                let chores = upkeep.tick(nonces, customers, std::time::Instant::now());
                let store = Store(inner);
                if chores.prune {
                    match store.openapi().prune_nonces(now()).await {
                        Ok(pruned) => tracing::debug!(pruned, "expired replay records pruned"),
                        Err(err) => {
                            tracing::warn!(error = %chain(&err), "pruning replay records failed")
                        }
                    }
                }
                if chores.analyze {
                    if let Err(err) = store.refresh_statistics().await {
                        tracing::warn!(error = %chain(&err), "refreshing planner statistics failed");
                    }
                }
            }
        })
    }

    /// Refreshes the planner's statistics of the tables searched by more than their key
    /// (`ANALYZE`): so that a search picks its selective index (e.g.
    /// `oa_customers_by_name` for an `eq` on `customerName`) rather than walking the
    /// account's customers in `createTime` order. The upkeep does it as they grow.
    pub async fn refresh_statistics(&self) -> StoreResult<()> {
        self.0.db.analyze(snapshot::ANALYZED).await
    }

    /// Stops listening, waits for running queries and closes every connection.
    pub async fn close(&self) {
        let listener = self
            .0
            .listener
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = listener {
            task.abort();
        }
        self.0.db.close().await;
    }
}
