//! The SQLite writer turn and its connection.
//!
//! SQLite allows one writer at a time. Writers of this process queue here, in order,
//! instead of colliding inside SQLite, whose busy handler backs off by sleeping
//! (1–100 ms) and turns contention into latency. Another process on the same file is
//! still covered by the busy timeout.
//!
//! The turn comes with a connection of its own, outside the pool: writes then skip the
//! pool's hand-out and its ping on return (a round trip to the connection's worker
//! thread each), and the writer's page cache stays warm instead of being dropped by
//! every pooled connection that sees another one's commit. An in-memory database has
//! exactly one connection, the pool's, so there the turn borrows it.
//!
//! Ending a turn (after its commit) bumps the write generation, which
//! [`super::ReadCache`] uses to know that nothing was written since a read.
//!
//! A turn never starts on a connection left inside a transaction. When a write fails
//! for lack of space, SQLite may end the transaction itself; the rollback sqlx then
//! sends fails ("no transaction is active") and sqlx goes on counting the transaction
//! as open, refusing every later `BEGIN` on that connection ("begin_with at non-zero
//! transaction depth") until a restart. Such a connection is closed and a new one
//! opened in its place at the start of the next turn.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{
    pool::PoolConnection, sqlite::SqliteConnectOptions, ConnectOptions, Connection, Sqlite,
    SqliteConnection, SqlitePool,
};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

/// This process's SQLite writer: the turn, its connection, and the write generation.
#[derive(Debug)]
pub struct Writer {
    connection: Mutex<Option<SqliteConnection>>,
    pool: SqlitePool,
    /// How the writer's own connection is opened again (see the module's text).
    options: SqliteConnectOptions,
    generation: AtomicU64,
}

/// One writer's turn; ending it (dropping it, after the commit) bumps the generation.
pub struct WriteTurn<'a> {
    connection: TurnConnection<'a>,
    generation: &'a AtomicU64,
}

enum TurnConnection<'a> {
    Own(MappedMutexGuard<'a, SqliteConnection>),
    /// An in-memory database: the turn is held, the pool's one connection used.
    Pooled {
        _turn: MutexGuard<'a, Option<SqliteConnection>>,
        connection: PoolConnection<Sqlite>,
    },
}

impl WriteTurn<'_> {
    pub fn connection(&mut self) -> &mut SqliteConnection {
        match &mut self.connection {
            TurnConnection::Own(connection) => connection,
            TurnConnection::Pooled { connection, .. } => connection,
        }
    }
}

impl Drop for WriteTurn<'_> {
    fn drop(&mut self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

impl Writer {
    /// A writer that writes through `connection` (opened with `options`), or through
    /// `pool`'s when `None`.
    pub fn new(
        connection: Option<SqliteConnection>,
        pool: SqlitePool,
        options: SqliteConnectOptions,
    ) -> Self {
        Writer {
            connection: Mutex::new(connection),
            pool,
            options,
            generation: AtomicU64::new(0),
        }
    }

    /// Waits for this process's writer turn.
    pub async fn turn(&self) -> Result<WriteTurn<'_>, sqlx::Error> {
        let mut guard = self.connection.lock().await;
        if let Some(own) = guard.as_mut() {
            if own.is_in_transaction() {
                // A rollback sqlx queued when the last transaction was dropped may not
                // have run yet: a round trip to the connection's thread lets it.
                own.ping().await?;
            }
            if own.is_in_transaction() {
                tracing::warn!(
                    "the SQLite writer's connection was left inside a transaction: reopened"
                );
                if let Some(stuck) = guard.take() {
                    // Closing rolls back whatever SQLite still holds, freeing the lock.
                    if let Err(err) = stuck.close().await {
                        tracing::debug!(error = %err, "closing the stuck SQLite writer connection");
                    }
                }
                *guard = Some(self.options.connect().await?);
            }
        }
        let connection = match MutexGuard::try_map(guard, Option::as_mut) {
            Ok(own) => TurnConnection::Own(own),
            Err(turn) => TurnConnection::Pooled {
                _turn: turn,
                connection: self.pool.acquire().await?,
            },
        };
        Ok(WriteTurn {
            connection,
            generation: &self.generation,
        })
    }

    /// The number of writer turns ended so far.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Runs `pragma` (a checkpoint) on the writer's own connection during a turn of its
    /// own, which does not move the write generation: nothing is written.
    pub async fn checkpoint(&self, pragma: &'static str) -> Result<(), sqlx::Error> {
        if let Some(connection) = self.connection.lock().await.as_mut() {
            sqlx::query(pragma).execute(connection).await?;
        }
        Ok(())
    }

    /// Waits for the running write and closes the writer's own connection.
    pub async fn close(&self) {
        if let Some(connection) = self.connection.lock().await.take() {
            if let Err(err) = connection.close().await {
                tracing::warn!(error = %crate::telemetry::chain(&err), "closing the SQLite writer connection failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::cache::ReadCache;

    async fn writer() -> Writer {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("an in-memory pool");
        Writer::new(None, pool, SqliteConnectOptions::new())
    }

    use sqlx::sqlite::SqlitePoolOptions;

    #[tokio::test]
    async fn any_write_turn_invalidates_every_entry() {
        let writer = writer().await;
        let cache = ReadCache::default();
        let before = writer.generation();
        cache.put((1, 1), before, Some("a"));
        cache.put((1, 2), before, None);
        assert_eq!(cache.get(&(1, 1), writer.generation()), Some(Some("a")));
        assert_eq!(cache.get(&(1, 2), writer.generation()), Some(None));
        drop(writer.turn().await.expect("a turn"));
        assert!(cache.get(&(1, 1), writer.generation()).is_none());
        assert!(cache.get(&(1, 2), writer.generation()).is_none());
    }

    #[tokio::test]
    async fn a_read_that_overlapped_a_write_is_never_served() {
        let writer = writer().await;
        let cache = ReadCache::default();
        let read_started = writer.generation();
        drop(writer.turn().await.expect("a turn")); // a write commits while the read runs
        cache.put((1, 1), read_started, "old");
        assert!(cache.get(&(1, 1), writer.generation()).is_none());
    }
}
