//! Whether the database serves, for `/_emulator/health`
//! (docs/instances.md#when-the-database-fails).
//!
//! A check asks the database something within [`CHECK_LIMIT`]: `SELECT 1` while no
//! request has failed for the database's sake, and a small write (a row of
//! `emulator_meta`) after one did, until it succeeds again — a SQLite file whose disk is
//! full or which became read-only still answers reads. Its answer is kept for
//! [`CACHE_FOR`], so a health check polled by many clients costs the database one
//! statement a second.
//!
//! A write the size of the probe can still fit in log space that failed writes left
//! behind while the writes clients send do not, so after SQLite's disk was full the
//! probe is only tried once the file system has [`HEADROOM`] free again.

use std::{
    path::PathBuf,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use super::{
    db::Db,
    error::{Problem, StoreResult},
    exec::Exec,
    stmt::Stmt,
};
use crate::config::sqlite_file;

/// How long a check may take; past it the database counts as unreachable.
const CHECK_LIMIT: Duration = Duration::from_secs(1);
/// How long a check's answer is kept.
const CACHE_FOR: Duration = Duration::from_secs(1);
/// The free space a SQLite database's file system needs before a disk found full counts
/// as writable again: about what a batch of 64 signed adds appends to the log.
const HEADROOM: u64 = 1024 * 1024;

/// The health of one database: the problem a request last met, and the last check.
#[derive(Debug, Default)]
pub struct Health {
    /// The directory of a SQLite database's file (none in memory or on Postgres).
    directory: Option<PathBuf>,
    noted: Mutex<Option<Problem>>,
    checked: Mutex<Option<(Instant, Option<Problem>)>>,
}

impl Health {
    /// The health of the database at `url`.
    pub fn of(url: &str) -> Health {
        let directory = sqlite_file(url).map(|file| match file.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        });
        Health {
            directory,
            ..Health::default()
        }
    }

    /// A request failed for the database's sake: until a write succeeds, health says so.
    pub fn note(&self, problem: Problem) {
        *self.noted.lock().unwrap_or_else(PoisonError::into_inner) = Some(problem);
        *self.checked.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// The database's problem now, if it has one (a check at most every [`CACHE_FOR`]).
    pub async fn check(&self, db: &Db) -> Option<Problem> {
        let cached = *self.checked.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, answer)) = cached.filter(|(at, _)| at.elapsed() < CACHE_FOR) {
            return answer;
        }
        let noted = *self.noted.lock().unwrap_or_else(PoisonError::into_inner);
        let answer = if noted == Some(Problem::DiskFull) && self.short_of_space() {
            noted
        } else {
            self.probe(db, noted).await
        };
        *self.checked.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((Instant::now(), answer));
        answer
    }

    /// Whether the SQLite file's file system has less than [`HEADROOM`] free (`false`
    /// when that cannot be known).
    fn short_of_space(&self) -> bool {
        #[cfg(unix)]
        if let Some(Ok(fs)) = self.directory.as_deref().map(rustix::fs::statvfs) {
            return fs.f_bavail.saturating_mul(fs.f_frsize) < HEADROOM;
        }
        false
    }

    /// Asks the database (see [`probe`]); a success clears the noted problem.
    async fn probe(&self, db: &Db, noted: Option<Problem>) -> Option<Problem> {
        match tokio::time::timeout(CHECK_LIMIT, probe(db, noted.is_some())).await {
            Ok(Ok(())) => {
                *self.noted.lock().unwrap_or_else(PoisonError::into_inner) = None;
                None
            }
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "health check: the database does not serve");
                Some(err.problem().or(noted).unwrap_or(Problem::Unreachable))
            }
            Err(_) => Some(Problem::Unreachable),
        }
    }
}

/// `SELECT 1` on a pooled connection, or, after a failure (`write`), a write where
/// writes go.
async fn probe(db: &Db, write: bool) -> StoreResult<()> {
    if !write {
        let mut conn = db.read().await?;
        return conn.execute(&Stmt::new("SELECT 1")).await.map(drop);
    }
    let now = chrono::Utc::now().timestamp_millis().to_string();
    let stmt = Stmt::new(
        "INSERT INTO emulator_meta (key, value) VALUES ('health_probe', $1) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(now);
    let mut conn = db.write().await?;
    conn.execute(&stmt).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_space_watched_is_the_directory_of_a_sqlite_file() {
        let directory = |url| Health::of(url).directory;
        assert_eq!(
            directory("sqlite:///var/lib/crm/crm.db"),
            Some("/var/lib/crm".into())
        );
        assert_eq!(directory("sqlite://crm.db?mode=rwc"), Some(".".into()));
        assert_eq!(directory("sqlite::memory:"), None);
        assert_eq!(directory("sqlite://crm?mode=memory&cache=shared"), None);
        assert_eq!(directory("postgres://postgres@127.0.0.1:5432/crm"), None);
    }
}
