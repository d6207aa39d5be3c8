//! Replay records written many at once: one `INSERT … ON CONFLICT DO NOTHING
//! RETURNING` of a batch's first uses of each key (the plain twin:
//! `openapi::nonces::record`).

use std::{collections::HashSet, sync::Arc};

use super::{
    batch::Job,
    sql::{push_rows, slots},
};
use crate::store::{
    error::StoreResult,
    exec::Conn,
    openapi::nonces::{record_sqlite, sqlite_values, values, Key, NonceUse, INSERT, RETURNING},
    stmt::Stmt,
};

impl Job for Arc<NonceUse> {
    /// Whether the use is the first: `false` for a replay.
    type Out = bool;
    const MAX: usize = 64;

    async fn write_all(mut conn: Conn<'_>, jobs: &[Self]) -> StoreResult<Vec<bool>> {
        let first = first_uses(jobs);
        let stmt = record(jobs, &first, conn.binds_arrays());
        let recorded: Vec<Key> = conn.fetch_all(&stmt).await?;
        Ok(fresh(jobs, &first, &recorded))
    }
}

/// For each use, whether it is the first of its key in `jobs`: within a batch the
/// first use of a key wins.
pub(super) fn first_uses(jobs: &[impl AsRef<NonceUse>]) -> Vec<bool> {
    let mut seen = HashSet::with_capacity(jobs.len());
    jobs.iter().map(|j| seen.insert(j.as_ref().key())).collect()
}

/// One statement recording the first uses, returning the keys recorded now: those not
/// returned were recorded before. On Postgres an `INSERT … ON CONFLICT DO NOTHING` with
/// one array per column (one text for any batch); on SQLite
/// `openapi::nonces::record_sqlite`, its rows padded to a power of two.
pub(super) fn record<'a>(
    jobs: &'a [impl AsRef<NonceUse>],
    first: &[bool],
    arrays: bool,
) -> Stmt<'a> {
    let uses: Vec<&NonceUse> = jobs
        .iter()
        .zip(first)
        .filter(|(_, first)| **first)
        .map(|(job, _)| job.as_ref())
        .collect();
    if !arrays {
        return record_sqlite(slots(uses.into_iter().map(sqlite_values).collect()));
    }
    let mut stmt = Stmt::new(INSERT);
    let rows = uses.into_iter().map(values).collect();
    push_rows(&mut stmt, rows, ["bigint", "text", "text", "bigint"], true);
    stmt.push(" ON CONFLICT DO NOTHING");
    stmt.push(RETURNING);
    stmt
}

/// For each use, whether it was the first: the first of its key in the batch, and
/// among the keys `recorded` returned.
pub(super) fn fresh(jobs: &[impl AsRef<NonceUse>], first: &[bool], recorded: &[Key]) -> Vec<bool> {
    let recorded: HashSet<(i64, &str, &str)> = recorded
        .iter()
        .map(|(account, nonce, timestamp)| (*account, nonce.as_str(), timestamp.as_str()))
        .collect();
    jobs.iter()
        .zip(first)
        .map(|(job, first)| *first && recorded.contains(&job.as_ref().key()))
        .collect()
}
