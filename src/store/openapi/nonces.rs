//! Signature replay records (`oa_nonces`): each (account, nonce, timestamp) is
//! accepted once. The records live in the database so that every instance sharing it
//! agrees on what was already used.
//!
//! On Postgres the key is kept once by an exclusion constraint over a hash index of it
//! (migration 0025), and a use is recorded with `INSERT … ON CONFLICT DO NOTHING
//! RETURNING`. On SQLite the rows are appended in arrival order and found through a
//! narrow index of the request's timestamp and a 64-bit hash of the key ([`key_hash`]),
//! and the insert checks the whole key itself (`NOT EXISTS`): nonces are random, and
//! inserts at random places of a wide key cost twice as much (migration 0025); led by
//! the timestamp, the records of one moment share a few pages of the index instead of
//! dirtying one each (migration 0026). Either way one statement records a use, so two
//! requests racing on the same nonce cannot both win (on SQLite the writer is one at a
//! time).

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{writes::counted, OpenApiStore};
use crate::store::{
    backend::Backend,
    db::Db,
    error::StoreResult,
    exec::{Exec, Tx},
    stmt::{Arg, Stmt},
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

    /// [`key_hash`] of its key.
    pub(crate) fn key_hash(&self) -> i64 {
        key_hash(self.account_id, &self.nonce, &self.timestamp)
    }
}

impl AsRef<NonceUse> for NonceUse {
    fn as_ref(&self) -> &NonceUse {
        self
    }
}

/// A 64-bit hash of a use's key (account, nonce, timestamp): the first eight bytes of
/// its SHA-256, a function that never changes (the hashes are stored).
pub(crate) fn key_hash(account_id: i64, nonce: &str, timestamp: &str) -> i64 {
    let mut hasher = Sha256::new();
    hasher.update(account_id.to_le_bytes());
    hasher.update((nonce.len() as u64).to_le_bytes());
    hasher.update(nonce.as_bytes());
    hasher.update(timestamp.as_bytes());
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(first)
}

/// `INSERT INTO oa_nonces (…)` of the Postgres columns, [`values`].
pub(crate) const INSERT: &str = "INSERT INTO oa_nonces (account_id, nonce, timestamp, expires_at)";

/// What `… RETURNING` gives back of a recorded use: its key.
pub(crate) const RETURNING: &str = " RETURNING account_id, nonce, timestamp";

/// A recorded (account, nonce, timestamp).
pub(crate) type Key = (i64, String, String);

/// The column values of a use, in [`INSERT`] order.
pub(crate) fn values(nonce: &NonceUse) -> [Arg<'_>; 4] {
    [
        nonce.account_id.into(),
        nonce.nonce.as_str().into(),
        nonce.timestamp.as_str().into(),
        nonce.expires_at.into(),
    ]
}

/// The one statement recording `uses` (uses of distinct keys) as [`values`] rows:
/// it returns the [`Key`]s recorded now, and not those recorded before (replays).
pub(crate) fn record_rows<'a>(backend: Backend, uses: &[&'a NonceUse]) -> Stmt<'a> {
    let rows = uses.iter().map(|nonce| values(nonce)).collect();
    match backend {
        Backend::Postgres => {
            let mut stmt = Stmt::new(INSERT);
            stmt.push_rows(rows);
            stmt.push(" ON CONFLICT DO NOTHING");
            stmt.push(RETURNING);
            stmt
        }
        Backend::Sqlite => record_sqlite(uses.iter().map(|nonce| sqlite_values(nonce)).collect()),
    }
}

/// The column values of a use on SQLite: its key's hash, then [`values`].
pub(crate) fn sqlite_values(nonce: &NonceUse) -> [Arg<'_>; 5] {
    let [account, nonce_text, timestamp, expires] = values(nonce);
    [
        nonce.key_hash().into(),
        account,
        nonce_text,
        timestamp,
        expires,
    ]
}

/// SQLite's statement recording `rows` ([`sqlite_values`] of uses of distinct keys;
/// rows of NULLs are skipped), returning the [`Key`]s recorded now.
pub(crate) fn record_sqlite(rows: Vec<[Arg<'_>; 5]>) -> Stmt<'_> {
    let mut stmt =
        Stmt::new("INSERT INTO oa_nonces (key_hash, account_id, nonce, timestamp, expires_at)");
    stmt.push_select_rows(rows);
    stmt.push(
        " AND NOT EXISTS (SELECT 1 FROM oa_nonces o WHERE o.key_hash = v.column1 AND \
         o.account_id = v.column2 AND o.nonce = v.column3 AND o.timestamp = v.column4)",
    );
    stmt.push(RETURNING);
    stmt
}

/// Records `nonce` inside the caller's transaction: whether it was the first use of
/// its key (`false`: a replay).
pub(crate) async fn record(
    tx: &mut Tx<'_>,
    backend: Backend,
    nonce: &NonceUse,
) -> StoreResult<bool> {
    let stmt = record_rows(backend, &[nonce]);
    Ok(tx.fetch_optional::<Key>(&stmt).await?.is_some())
}

/// Fills in the key hashes of SQLite's rows copied by migration 0025 (none after
/// that): rows without one would not be found, and their nonces accepted again.
pub(crate) async fn backfill_key_hashes(db: &Db) -> StoreResult<()> {
    if db.backend() != Backend::Sqlite {
        return Ok(());
    }
    let missing =
        Stmt::new("SELECT seq, account_id, nonce, timestamp FROM oa_nonces WHERE key_hash IS NULL");
    let mut conn = db.write().await?;
    let mut tx = conn.begin().await?;
    let rows: Vec<(i64, i64, String, String)> = tx.fetch_all(&missing).await?;
    for (seq, account_id, nonce, timestamp) in rows {
        let fill = Stmt::new("UPDATE oa_nonces SET key_hash = $1 WHERE seq = $2")
            .bind(key_hash(account_id, &nonce, &timestamp))
            .bind(seq);
        tx.execute(&fill).await?;
    }
    tx.commit().await
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
