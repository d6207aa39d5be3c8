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
//!   no reader still needs (and syncs the WAL and the database file) and never blocks
//!   a writer or a reader; it runs again at once while writes come faster than it
//!   copies;
//! - when the WAL has grown past [`RESTART_FRAMES`], one more `PASSIVE` checkpoint
//!   inside the writer turn, but only right after a pass that left little to copy
//!   ([`CAUGHT_UP`]). A busy writer keeps appending while the passive pass copies, so
//!   the log is never fully copied and its file would grow without bound; with nothing
//!   appended meanwhile, this one copies the rest, and the next write starts the log
//!   again from its beginning (and cuts its file back to [`JOURNAL_SIZE_LIMIT`]). Each
//!   costs the writes a stop as long as that copy, so it comes once per ~16 MiB of log,
//!   and only once the passive passes have caught up with the writer: they run back to
//!   back (up to [`CHASE`] of them) until one finds that fewer than [`SETTLED`] pages
//!   were appended since the pass before it began. Taken right after a pass that had
//!   run for 10–15 ms, the turn had to copy what the writer appended meanwhile (~600
//!   pages under the signed adds' load), and the writes stopped for 5–25 ms, 8 times a
//!   second: the signed add's p99;
//! - once writes have stopped for [`IDLE_PASSES`] passes (~1 s: nothing new, nothing
//!   left to copy), a `TRUNCATE` checkpoint in the writer turn empties the log's file,
//!   so an idle emulator holds no log on its disk.
//!
//! The log used to start again only past 64 MiB, and its file kept that size: on a
//! small disk it filled 16 MB in 0.4 s while holding 0.46 MB of data, and once the disk
//! was full nothing progressed, even without load.
//!
//! A first version did the second step every 250 ms once the log passed 16 MiB,
//! whatever the first had left: under the soak's mixed load (DingTalk creates write
//! ~10 pages each, ~40 MiB/s of log) the passive pass fell behind, and the checkpoint
//! in the writer turn copied and synced tens of MiB, stopping every write for up to 2 s.
//!
//! Durability does not change: a commit is in the WAL before it is answered
//! (`synchronous = NORMAL`), and a checkpoint only copies committed pages.

use std::{sync::Weak, time::Duration};

use sqlx::SqlitePool;

use super::Writer;

/// How often the WAL is copied back when the last pass had copied everything.
const PERIOD: Duration = Duration::from_millis(100);

/// How soon the next pass runs when the last one could not copy everything (writes
/// came faster than it copied).
const AGAIN: Duration = Duration::from_millis(5);

/// WAL pages (4 KiB each) past which a checkpoint takes the writer turn to let the log
/// start again (~16 MiB): not often, since each such checkpoint stops the writes. At
/// 8 MiB (its file cut back to 8 MiB) the signed add's p99 was 10.6–11.9 ms against
/// 8.8–11.3 ms at 16 MiB, alternated eight times on one machine; larger was worse
/// (`docs/performance.md`).
const RESTART_FRAMES: i64 = 4_096;

/// The most bytes the log's file keeps once the log starts again (the writer
/// connection's `journal_size_limit`): the size it reaches between two restarts, at
/// SQLite's default 4 KiB pages.
pub const JOURNAL_SIZE_LIMIT: i64 = RESTART_FRAMES * 4_096;

/// Passes in a row that found the log unchanged and fully copied before the writer
/// turn empties its file.
const IDLE_PASSES: u32 = 10;

/// A checkpoint takes the writer turn only when the passive pass before it left at
/// most this many pages uncopied, so that the turn is held for little copying...
const CAUGHT_UP: i64 = 1_024;

/// ...unless the log has grown past this (~256 MiB): then it does, whatever it costs.
const FORCE_FRAMES: i64 = 16 * RESTART_FRAMES;

/// Pages (~512 KiB) that the checkpoint in the writer turn may have to copy: fewer
/// than this appended since the last passive pass began, and the passes have caught up.
const SETTLED: i64 = 128;

/// Passive passes in a row that chase the writer before the turn is taken anyway (the
/// writer may append as fast as a pass copies).
const CHASE: u32 = 16;

/// `PRAGMA wal_checkpoint(PASSIVE)`'s answer: (busy, pages in the log, pages copied).
type Outcome = (i64, i64, i64);

const PASSIVE: &str = "PRAGMA wal_checkpoint(PASSIVE)";
const TRUNCATE: &str = "PRAGMA wal_checkpoint(TRUNCATE)";

/// Starts the task; it ends when the pool is closed or the writer dropped.
pub fn spawn(pool: SqlitePool, writer: Weak<Writer>) {
    tokio::spawn(async move {
        let mut pacing = Pacing::default();
        let mut pause = PERIOD;
        let mut failing = false;
        loop {
            tokio::time::sleep(pause).await;
            if pool.is_closed() {
                return;
            }
            let started = std::time::Instant::now();
            let (_, log, copied) = match sqlx::query_as::<_, Outcome>(PASSIVE)
                .fetch_one(&pool)
                .await
            {
                Ok(outcome) => outcome,
                Err(sqlx::Error::PoolClosed) => return,
                Err(err) => {
                    // Once per run of failures (a full disk fails every pass).
                    if !failing {
                        tracing::warn!(error = %crate::telemetry::chain(&err), "a WAL checkpoint failed");
                    }
                    failing = true;
                    pause = PERIOD;
                    continue;
                }
            };
            failing = false;
            tracing::trace!(log, copied, took = ?started.elapsed(), "a passive WAL checkpoint");
            let pragma = match pacing.after(log, copied) {
                Next::Pass(after) => {
                    pause = after;
                    continue;
                }
                Next::InTurn(pragma) => pragma,
            };
            pause = PERIOD;
            let Some(writer) = writer.upgrade() else {
                return;
            };
            let started = std::time::Instant::now();
            match writer.checkpoint(pragma).await {
                Ok(()) => {
                    tracing::debug!(log, left = log - copied, took = ?started.elapsed(), "a WAL checkpoint in the writer turn")
                }
                Err(err) => {
                    tracing::warn!(error = %crate::telemetry::chain(&err), "a WAL checkpoint in the writer turn failed")
                }
            }
        }
    });
}

/// What the task does after a passive pass.
#[derive(Debug, PartialEq)]
enum Next {
    /// Another passive pass after this pause.
    Pass(Duration),
    /// This checkpoint in the writer turn.
    InTurn(&'static str),
}

/// What the task remembers of the passes before: the log's length at the last one,
/// how many in a row found it unchanged and fully copied, and how many have chased
/// the writer.
#[derive(Debug, Default)]
struct Pacing {
    last_log: i64,
    unchanged: u32,
    chased: u32,
}

impl Pacing {
    /// The step after a passive pass that found `log` pages in the log and `copied`
    /// of them copied back.
    fn after(&mut self, log: i64, copied: i64) -> Next {
        let left = log - copied;
        self.unchanged = match left == 0 && log > 0 && log == self.last_log {
            true => self.unchanged + 1,
            false => 0,
        };
        // The log starts again at its beginning after a restart.
        let appended = if log >= self.last_log {
            log - self.last_log
        } else {
            log
        };
        self.last_log = log;
        if self.unchanged >= IDLE_PASSES {
            self.unchanged = 0;
            return Next::InTurn(TRUNCATE);
        }
        let restart = log >= RESTART_FRAMES && left <= CAUGHT_UP;
        if restart && appended >= SETTLED && self.chased < CHASE && log < FORCE_FRAMES {
            self.chased += 1;
            return Next::Pass(Duration::ZERO);
        }
        self.chased = 0;
        if restart || log >= FORCE_FRAMES {
            return Next::InTurn(PASSIVE);
        }
        Next::Pass(if left > 0 { AGAIN } else { PERIOD })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_restarts_once_the_passes_have_caught_up_with_the_writer() {
        let mut pacing = Pacing::default();
        assert_eq!(pacing.after(100, 100), Next::Pass(PERIOD));
        assert_eq!(
            pacing.after(900, 800),
            Next::Pass(AGAIN),
            "pages left behind a reader"
        );
        // Past RESTART_FRAMES, while the writer appended thousands of pages and then 300
        // since the pass before began: the passes go on at once.
        let past = RESTART_FRAMES + 452;
        assert_eq!(pacing.after(past, past), Next::Pass(Duration::ZERO));
        assert_eq!(
            pacing.after(past + 300, past + 300),
            Next::Pass(Duration::ZERO)
        );
        // Fewer than SETTLED appended: the turn copies that little.
        assert_eq!(pacing.after(past + 350, past + 350), Next::InTurn(PASSIVE));
        // A writer appending as fast as a pass copies is chased CHASE times, no more.
        let mut pacing = Pacing::default();
        let mut log = RESTART_FRAMES;
        for _ in 0..CHASE {
            log += 500;
            assert_eq!(pacing.after(log, log), Next::Pass(Duration::ZERO));
        }
        assert_eq!(pacing.after(log + 500, log + 500), Next::InTurn(PASSIVE));
        // Too much left behind a reader: no restart yet, unless the log is huge.
        let mut pacing = Pacing::default();
        let past = RESTART_FRAMES + 952;
        assert_eq!(pacing.after(past, past - 2_000), Next::Pass(AGAIN));
        assert_eq!(pacing.after(FORCE_FRAMES, 1_000), Next::InTurn(PASSIVE));
    }

    #[test]
    fn an_idle_log_is_emptied_after_enough_unchanged_passes() {
        let mut pacing = Pacing::default();
        assert_eq!(pacing.after(40, 40), Next::Pass(PERIOD));
        for _ in 1..IDLE_PASSES {
            assert_eq!(pacing.after(40, 40), Next::Pass(PERIOD));
        }
        assert_eq!(pacing.after(40, 40), Next::InTurn(TRUNCATE));
        assert_eq!(
            pacing.after(0, 0),
            Next::Pass(PERIOD),
            "an empty log is not emptied again"
        );
    }
}
