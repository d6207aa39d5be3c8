//! WAL checkpoints outside the request path.
//!
//! SQLite's default is for the connection whose commit takes the WAL past 1 000 pages
//! to copy the WAL back into the database file right then, inside that commit: with
//! group commit, the batch that crossed the line (and every request waiting behind the
//! writer turn) waited for ~4 MB of page writes and two `fsync`s. That was the signed
//! add's p99 (118–150 ms) and the soak's p99.9 (491 ms). The writer's connection now
//! never checkpoints (`wal_autocheckpoint = 0`); this task does, every [`PERIOD`]:
//!
//! - a `PASSIVE` checkpoint on a pooled connection, beside the writer: it copies what
//!   no reader still needs and never blocks a writer or a reader;
//! - when the WAL has grown past [`RESTART_FRAMES`] (a busy writer keeps appending
//!   while the passive checkpoint copies, so the log might never be fully copied and
//!   could grow without bound), one more `PASSIVE` checkpoint inside the writer turn.
//!   The passive one before it did the bulk, so only the last [`PERIOD`]'s pages are
//!   left to copy; with nothing appended meanwhile the log is then fully copied, and
//!   the next write starts it again from its beginning, keeping the file's size
//!   bounded.
//!
//! Durability does not change: a commit is in the WAL before it is answered
//! (`synchronous = NORMAL`), and a checkpoint only copies committed pages.

use std::{sync::Weak, time::Duration};

use sqlx::SqlitePool;

use super::Writer;

/// How often the WAL is copied back.
const PERIOD: Duration = Duration::from_millis(250);

/// WAL pages (4 KiB each) past which a checkpoint takes the writer turn (~16 MiB).
const RESTART_FRAMES: i64 = 4096;

/// `PRAGMA wal_checkpoint(PASSIVE)`'s answer: (busy, pages in the log, pages copied).
type Outcome = (i64, i64, i64);

const PASSIVE: &str = "PRAGMA wal_checkpoint(PASSIVE)";

/// Starts the task; it ends when the pool is closed or the writer dropped.
pub fn spawn(pool: SqlitePool, writer: Weak<Writer>) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PERIOD);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if pool.is_closed() {
                return;
            }
            let started = std::time::Instant::now();
            let outcome = match sqlx::query_as::<_, Outcome>(PASSIVE).fetch_one(&pool).await {
                Ok(outcome) => outcome,
                Err(sqlx::Error::PoolClosed) => return,
                Err(err) => {
                    tracing::warn!(error = %err, "a WAL checkpoint failed");
                    continue;
                }
            };
            tracing::trace!(?outcome, took = ?started.elapsed(), "a passive WAL checkpoint");
            if outcome.1 < RESTART_FRAMES {
                continue;
            }
            let Some(writer) = writer.upgrade() else {
                return;
            };
            let started = std::time::Instant::now();
            match writer.checkpoint(PASSIVE).await {
                Ok(()) => {
                    tracing::debug!(log = outcome.1, took = ?started.elapsed(), "a WAL checkpoint in the writer turn")
                }
                Err(err) => {
                    tracing::warn!(error = %err, "a WAL checkpoint in the writer turn failed")
                }
            }
        }
    });
}
