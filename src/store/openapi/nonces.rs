//! Signature replay records (`oa_nonces`): each (account, nonce, timestamp) is
//! accepted once. The records live in the database so that every instance sharing it
//! agrees on what was already used.

use std::sync::Arc;

use super::{writes::counted, OpenApiStore};
use crate::store::{
    error::StoreResult,
    exec::{Exec, Tx},
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
    /// What makes a use a replay of another: (account, nonce, timestamp).
    pub(crate) fn key(&self) -> (i64, &str, &str) {
        (self.account_id, &self.nonce, &self.timestamp)
    }
}

impl AsRef<NonceUse> for NonceUse {
    fn as_ref(&self) -> &NonceUse {
        self
    }
}

/// `INSERT INTO oa_nonces (…)` with the columns of [`values`].
pub(crate) const INSERT: &str = "INSERT INTO oa_nonces (account_id, nonce, timestamp, expires_at)";

/// What `… ON CONFLICT DO NOTHING RETURNING` gives back of a recorded use: its key.
pub(crate) const RECORDED: &str = " ON CONFLICT DO NOTHING RETURNING account_id, nonce, timestamp";

/// A recorded (account, nonce, timestamp).
pub(crate) type Key = (i64, String, String);

/// The column values of a use, in [`INSERT`] order.
pub(crate) fn values(nonce: &NonceUse) -> [crate::store::stmt::Arg<'_>; 4] {
    [
        nonce.account_id.into(),
        nonce.nonce.as_str().into(),
        nonce.timestamp.as_str().into(),
        nonce.expires_at.into(),
    ]
}

/// Records `nonce` inside the caller's transaction: whether it was the first use of
/// its key (`false`: a replay). One `INSERT … ON CONFLICT DO NOTHING`, so two
/// instances racing on the same nonce cannot both win.
pub(crate) async fn record(tx: &mut Tx<'_>, nonce: &NonceUse) -> StoreResult<bool> {
    let mut stmt = Stmt::new(INSERT);
    stmt.push_rows(vec![values(nonce)]);
    stmt.push(RECORDED);
    Ok(tx.fetch_optional::<Key>(&stmt).await?.is_some())
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

    /// [`OpenApiStore::record_nonce`] of a use already made. Written on the relaxed
    /// writes (`Db::relaxed`), by the store's write path (`super::writes`).
    #[tracing::instrument(skip_all, fields(account_id = nonce.account_id))]
    pub async fn record_nonce_use(&self, nonce: Arc<NonceUse>) -> StoreResult<bool> {
        let fresh = self.state.writes.record_nonce(self.db, nonce).await;
        counted(fresh, || self.state.tally.nonce())
    }

    /// Deletes replay records that expired before `now_ms`; how many.
    #[tracing::instrument(skip_all)]
    pub async fn prune_nonces(&self, now_ms: i64) -> StoreResult<u64> {
        let stmt = Stmt::new("DELETE FROM oa_nonces WHERE expires_at < $1").bind(now_ms);
        self.db.write().await?.execute(&stmt).await
    }
}
