//! Signature replay records (`oa_nonces`): each (account, nonce, timestamp) is
//! accepted once. The records live in the database so that every instance sharing it
//! agrees on what was already used. Many are written in one statement (see
//! [`crate::store::batch`]).

use std::collections::HashSet;

use super::OpenApiStore;
use crate::store::{
    batch::Job,
    error::StoreResult,
    exec::{Conn, Exec},
    stmt::Stmt,
};

/// One use of a (nonce, timestamp) by an account, kept until `expires_at`.
pub(crate) struct NonceUse {
    pub(crate) account_id: i64,
    pub(crate) nonce: String,
    pub(crate) timestamp: String,
    pub(crate) expires_at: i64,
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

    /// One `INSERT … ON CONFLICT DO NOTHING RETURNING` of every distinct key: the keys
    /// not returned were already recorded. Within a batch the first use of a key wins.
    /// One statement, so two instances racing on the same nonce cannot both win.
    async fn write_all(mut conn: Conn<'_>, jobs: &[Self]) -> StoreResult<Vec<bool>> {
        let mut seen = HashSet::new();
        let distinct: Vec<&NonceUse> = jobs.iter().filter(|j| seen.insert(j.key())).collect();
        let arrays = conn.binds_arrays();
        let mut stmt =
            Stmt::new("INSERT INTO oa_nonces (account_id, nonce, timestamp, expires_at)");
        let rows = distinct
            .iter()
            .map(|job| {
                [
                    job.account_id.into(),
                    job.nonce.as_str().into(),
                    job.timestamp.as_str().into(),
                    job.expires_at.into(),
                ]
            })
            .collect();
        stmt.push_rows(rows, ["bigint", "text", "text", "bigint"], arrays);
        stmt.push(" ON CONFLICT DO NOTHING RETURNING account_id, nonce, timestamp");
        if distinct.len() > 1 && !arrays {
            stmt = stmt.transient();
        }
        let recorded: Vec<(i64, String, String)> = conn.fetch_all(&stmt).await?;
        let mut fresh: HashSet<(i64, &str, &str)> = recorded
            .iter()
            .map(|(account, nonce, timestamp)| (*account, nonce.as_str(), timestamp.as_str()))
            .collect();
        Ok(jobs.iter().map(|job| fresh.remove(&job.key())).collect())
    }
}

impl OpenApiStore<'_> {
    /// Records a use of (`nonce`, `timestamp`) by the account, to be kept until
    /// `expires_at_ms`. `false` when it was already recorded: a replay.
    #[tracing::instrument(skip_all, fields(account_id))]
    pub async fn record_nonce(
        &self,
        account_id: i64,
        nonce: &str,
        timestamp: &str,
        expires_at_ms: i64,
    ) -> StoreResult<bool> {
        let job = NonceUse {
            account_id,
            nonce: nonce.to_owned(),
            timestamp: timestamp.to_owned(),
            expires_at: expires_at_ms,
        };
        self.state.nonces.write(job).await
    }

    /// Deletes replay records that expired before `now_ms`; how many.
    #[tracing::instrument(skip_all)]
    pub async fn prune_nonces(&self, now_ms: i64) -> StoreResult<u64> {
        let stmt = Stmt::new("DELETE FROM oa_nonces WHERE expires_at < $1").bind(now_ms);
        self.db.write().await?.execute(&stmt).await
    }
}
