//! Whether the database serves, for `/_emulator/health`
//! (docs/instances.md#when-the-database-fails).
//!
//! A check asks the database something within [`CHECK_LIMIT`]: `SELECT 1` while no
//! request has failed for the database's sake, and a small write (a row of
//! `emulator_meta`) after one did, until it succeeds again — a SQLite file whose disk is
//! full or which became read-only still answers reads. Its answer is kept for
//! [`CACHE_FOR`], so a health check polled by many clients costs the database one
//! statement a second.

use std::{
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use super::{
    db::Db,
    error::{Problem, StoreResult},
    exec::Exec,
    stmt::Stmt,
};

/// How long a check may take; past it the database counts as unreachable.
const CHECK_LIMIT: Duration = Duration::from_secs(1);
/// How long a check's answer is kept.
const CACHE_FOR: Duration = Duration::from_secs(1);

/// The health of one database: the problem a request last met, and the last check.
#[derive(Debug, Default)]
pub struct Health {
    noted: Mutex<Option<Problem>>,
    checked: Mutex<Option<(Instant, Option<Problem>)>>,
}

impl Health {
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
        let answer = match tokio::time::timeout(CHECK_LIMIT, probe(db, noted.is_some())).await {
            Ok(Ok(())) => {
                *self.noted.lock().unwrap_or_else(PoisonError::into_inner) = None;
                None
            }
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "health check: the database does not serve");
                Some(err.problem().or(noted).unwrap_or(Problem::Unreachable))
            }
            Err(_) => Some(Problem::Unreachable),
        };
        *self.checked.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((Instant::now(), answer));
        answer
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
