//! Signature replay records (`oa_nonces`): each (account, nonce, timestamp) is
//! accepted once. The records live in the database so that every instance sharing it
//! agrees on what was already used. Many are written in one statement (see
//! [`crate::store::batch`]).

use std::{collections::HashSet, sync::Arc};

use super::OpenApiStore;
use crate::store::{
    batch::Job,
    error::StoreResult,
    exec::{Conn, Exec},
    stmt::Stmt,
};

/// One use of a (nonce, timestamp) by an account, kept until `expires_at` (epoch ms).
#[derive(Debug)]
pub struct NonceUse {
    pub account_id: i64,
    pub nonce: String,
    pub timestamp: String,
    pub expires_at: i64,
}

impl NonceUse {
    fn key(&self) -> (i64, &str, &str) {
        (self.account_id, &self.nonce, &self.timestamp)
    }
}

impl Job for NonceUse {
    /// Whether the use is the first: `false` for a replay.
    type Out = bool;
    const MAX: usize = 64;

    async fn write_all(conn: Conn<'_>, jobs: &[Self]) -> StoreResult<Vec<bool>> {
        write_uses(conn, jobs).await
    }
}

/// The queued form: the request keeps its copy for the message about a replay.
impl Job for Arc<NonceUse> {
    type Out = bool;
    const MAX: usize = 64;

    async fn write_all(conn: Conn<'_>, jobs: &[Self]) -> StoreResult<Vec<bool>> {
        write_uses(conn, jobs).await
    }
}

/// Records the batch's first uses of each key with one statement ([`record`]);
/// whether each use was the first.
async fn write_uses(
    mut conn: Conn<'_>,
    jobs: &[impl AsRef<NonceUse> + Sync],
) -> StoreResult<Vec<bool>> {
    let first = first_uses(jobs);
    let stmt = record(jobs, &first, conn.binds_arrays());
    let recorded: Vec<Key> = conn.fetch_all(&stmt).await?;
    Ok(fresh(jobs, &first, &recorded))
}

/// A recorded (account, nonce, timestamp).
pub(crate) type Key = (i64, String, String);

/// For each use, whether it is the first of its key in `jobs`: within a batch the
/// first use of a key wins.
pub(crate) fn first_uses(jobs: &[impl AsRef<NonceUse>]) -> Vec<bool> {
    let mut seen = HashSet::with_capacity(jobs.len());
    jobs.iter().map(|j| seen.insert(j.as_ref().key())).collect()
}

/// One `INSERT … ON CONFLICT DO NOTHING RETURNING` of the first uses: the keys not
/// returned were already recorded. One statement, so two instances racing on the same
/// nonce cannot both win.
pub(crate) fn record<'a>(
    jobs: &'a [impl AsRef<NonceUse>],
    first: &[bool],
    arrays: bool,
) -> Stmt<'a> {
    let mut stmt = Stmt::new("INSERT INTO oa_nonces (account_id, nonce, timestamp, expires_at)");
    let rows: Vec<_> = jobs
        .iter()
        .zip(first)
        .filter(|(_, first)| **first)
        .map(|(job, _)| {
            let job = job.as_ref();
            [
                job.account_id.into(),
                job.nonce.as_str().into(),
                job.timestamp.as_str().into(),
                job.expires_at.into(),
            ]
        })
        .collect();
    let several = rows.len() > 1;
    stmt.push_rows(rows, ["bigint", "text", "text", "bigint"], arrays);
    stmt.push(" ON CONFLICT DO NOTHING RETURNING account_id, nonce, timestamp");
    if several && !arrays {
        stmt = stmt.transient();
    }
    stmt
}

/// For each use, whether it was the first: the first of its key in the batch, and
/// among the keys `recorded` returned.
pub(crate) fn fresh(jobs: &[impl AsRef<NonceUse>], first: &[bool], recorded: &[Key]) -> Vec<bool> {
    let recorded: HashSet<(i64, &str, &str)> = recorded
        .iter()
        .map(|(account, nonce, timestamp)| (*account, nonce.as_str(), timestamp.as_str()))
        .collect();
    jobs.iter()
        .zip(first)
        .map(|(job, first)| *first && recorded.contains(&job.as_ref().key()))
        .collect()
}

impl AsRef<NonceUse> for NonceUse {
    fn as_ref(&self) -> &NonceUse {
        self
    }
}

impl OpenApiStore<'_> {
    /// Records a use of (`nonce`, `timestamp`) by the account, to be kept until
    /// `expires_at_ms`. `false` when it was already recorded: a replay.
    pub async fn record_nonce(
        &self,
        account_id: i64,
        nonce: &str,
        timestamp: &str,
        expires_at_ms: i64,
    ) -> StoreResult<bool> {
        let nonce = NonceUse {
            account_id,
            nonce: nonce.to_owned(),
            timestamp: timestamp.to_owned(),
            expires_at: expires_at_ms,
        };
        self.record_nonce_use(Arc::new(nonce)).await
    }

    /// [`OpenApiStore::record_nonce`] of a use already made.
    #[tracing::instrument(skip_all, fields(account_id = nonce.account_id))]
    pub async fn record_nonce_use(&self, nonce: Arc<NonceUse>) -> StoreResult<bool> {
        self.state.nonces.write(nonce).await
    }

    /// Deletes replay records that expired before `now_ms`; how many.
    #[tracing::instrument(skip_all)]
    pub async fn prune_nonces(&self, now_ms: i64) -> StoreResult<u64> {
        let stmt = Stmt::new("DELETE FROM oa_nonces WHERE expires_at < $1").bind(now_ms);
        self.db.write().await?.execute(&stmt).await
    }
}
