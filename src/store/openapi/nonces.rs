//! Signature replay records (`oa_nonces`): each (account, nonce, timestamp) is
//! accepted once. The records live in the database so that every instance sharing it
//! agrees on what was already used.

use crate::store::{with_write, Store, StoreResult};

impl Store {
    /// Records a use of (`nonce`, `timestamp`) by the account, to be kept until
    /// `expires_at_ms`. `false` when it was already recorded: a replay. One statement,
    /// so two instances racing on the same nonce cannot both win.
    #[tracing::instrument(skip_all, fields(account_id))]
    pub async fn record_nonce(
        &self,
        account_id: i64,
        nonce: &str,
        timestamp: &str,
        expires_at_ms: i64,
    ) -> StoreResult<bool> {
        let sql = "INSERT INTO oa_nonces (account_id, nonce, timestamp, expires_at) \
                   VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
        let done = with_write!(self, |pool| sqlx::query(sql)
            .bind(account_id)
            .bind(nonce)
            .bind(timestamp)
            .bind(expires_at_ms)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// Deletes replay records that expired before `now_ms`; how many.
    #[tracing::instrument(skip_all)]
    pub async fn prune_nonces(&self, now_ms: i64) -> StoreResult<u64> {
        let sql = "DELETE FROM oa_nonces WHERE expires_at < $1";
        let done = with_write!(self, |pool| sqlx::query(sql)
            .bind(now_ms)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(done)
    }
}
