//! The SQLite writer turn, its connection, and what it invalidates: a cache of
//! customer details.
//!
//! On SQLite every write of this process — each `with_tx!` and `with_write!` — takes
//! the writer turn, and ending a turn (after its commit) bumps the write generation.
//! The detail cache tags each entry with the generation read *before* its database
//! read and answers only while the generation is unchanged, so any write of this
//! process, to any table, invalidates every entry; an entry read concurrently with a
//! write is born stale and never served. The cache is not used on Postgres, where other
//! instances write too. Another process writing the same SQLite file is not seen by the
//! generation: entries are trusted for at most [`TRUST`] of real time, as the token and
//! account caches are, which bounds that case (and a write whose request timed out
//! while its commit was still in flight) to a second.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        PoisonError, RwLock,
    },
    time::{Duration, Instant},
};

use sqlx::{Connection, SqliteConnection};
use tokio::sync::{Mutex, MutexGuard};

use super::dingtalk::CustomerDetail;

/// How long (real time) a cached detail is trusted, whatever the generation says.
pub const TRUST: Duration = Duration::from_secs(1);

/// Most details kept; past this the cache starts again empty.
const CAPACITY: usize = 10_000;

/// SQLite allows one writer at a time. Writers of this process queue here, in order,
/// instead of colliding inside SQLite, whose busy handler backs off by sleeping
/// (1–100 ms) and turns contention into latency. Another process on the same file is
/// still covered by the busy timeout.
///
/// The turn comes with a connection of its own, outside the pool: writes then skip the
/// pool's hand-out and its ping on return (a round trip to the connection's worker
/// thread each), and the writer's page cache stays warm instead of being dropped by
/// every pooled connection that sees another one's commit. An in-memory database has
/// exactly one connection, the pool's, so there the turn has none.
#[derive(Debug, Default)]
pub struct Writer {
    turn: Mutex<Option<SqliteConnection>>,
    generation: AtomicU64,
}

/// One writer's turn; ending it (dropping it, after the commit) bumps the generation.
pub struct WriteTurn<'a> {
    guard: MutexGuard<'a, Option<SqliteConnection>>,
    generation: &'a AtomicU64,
}

impl WriteTurn<'_> {
    /// The writer's own connection; `None` when writes use the pool's.
    pub fn connection(&mut self) -> Option<&mut SqliteConnection> {
        self.guard.as_mut()
    }
}

impl Writer {
    /// A writer that writes through `connection` (`None`: through the pool).
    pub fn new(connection: Option<SqliteConnection>) -> Self {
        Writer {
            turn: Mutex::new(connection),
            generation: AtomicU64::new(0),
        }
    }

    /// Waits for this process's writer turn.
    pub async fn turn(&self) -> WriteTurn<'_> {
        WriteTurn {
            guard: self.turn.lock().await,
            generation: &self.generation,
        }
    }

    /// Waits for the running write and closes the writer's connection.
    pub async fn close(&self) {
        if let Some(connection) = self.turn.lock().await.take() {
            if let Err(err) = connection.close().await {
                tracing::warn!(error = %err, "closing the SQLite writer connection failed");
            }
        }
    }

    /// The number of writer turns ended so far.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
}

impl Drop for WriteTurn<'_> {
    fn drop(&mut self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

struct Entry {
    generation: u64,
    checked: Instant,
    detail: Option<CustomerDetail>,
}

/// Customer details (and "no such customer") by (corp id, customer id).
#[derive(Default)]
pub struct DetailCache {
    entries: RwLock<HashMap<(i64, i64), Entry>>,
}

impl std::fmt::Debug for DetailCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DetailCache")
    }
}

impl DetailCache {
    /// The detail cached at `generation`, if nothing was written since.
    pub fn get(&self, key: (i64, i64), generation: u64) -> Option<Option<CustomerDetail>> {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.get(&key)?;
        (entry.generation == generation && entry.checked.elapsed() < TRUST)
            .then(|| entry.detail.clone())
    }

    /// Remembers what a read that started at `generation` found.
    pub fn put(&self, key: (i64, i64), generation: u64, detail: Option<CustomerDetail>) {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.clear();
        }
        let checked = Instant::now();
        entries.insert(
            key,
            Entry {
                generation,
                checked,
                detail,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dingtalk::Customer;

    fn detail(name: &str) -> Option<CustomerDetail> {
        Some(CustomerDetail {
            customer: Customer {
                id: 1,
                name: name.into(),
                address: String::new(),
                description: String::new(),
                telephone: String::new(),
                create_by: String::new(),
            },
            contacts: Vec::new(),
            followers: Vec::new(),
        })
    }

    #[tokio::test]
    async fn any_write_turn_invalidates_every_entry() {
        let writer = Writer::default();
        let cache = DetailCache::default();
        let before = writer.generation();
        cache.put((1, 1), before, detail("a"));
        cache.put((1, 2), before, None);
        assert!(cache.get((1, 1), writer.generation()).is_some());
        assert_eq!(
            cache.get((1, 2), writer.generation()).map(|d| d.is_none()),
            Some(true)
        );
        drop(writer.turn().await);
        assert!(cache.get((1, 1), writer.generation()).is_none());
        assert!(cache.get((1, 2), writer.generation()).is_none());
    }

    #[tokio::test]
    async fn a_read_that_overlapped_a_write_is_never_served() {
        let writer = Writer::default();
        let cache = DetailCache::default();
        let read_started = writer.generation();
        drop(writer.turn().await); // a write commits while the read runs
        cache.put((1, 1), read_started, detail("old"));
        assert!(cache.get((1, 1), writer.generation()).is_none());
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = DetailCache::default();
        for i in 0..CAPACITY as i64 + 10 {
            cache.put((1, i), 0, None);
        }
        assert!(cache.entries.read().unwrap().len() <= CAPACITY);
    }
}
