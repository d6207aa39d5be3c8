//! Signature replay records (`oa_nonces`): each (account, nonce, timestamp) is
//! accepted once. The records live in the database so that every instance sharing it
//! agrees on what was already used. On SQLite they are written in batches (see
//! [`crate::store::batch`]).

use std::collections::HashSet;

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::store::{batch::Job, with_write, Store, StoreResult};

const INSERT: &str = "INSERT INTO oa_nonces (account_id, nonce, timestamp, expires_at) ";

/// Binds a [`NonceUse`] to [`ONE`] (a macro, to expand once per backend).
macro_rules! insert_one {
    ($job:expr) => {
        sqlx::query(ONE)
            .bind($job.account_id)
            .bind($job.nonce.as_str())
            .bind($job.timestamp.as_str())
            .bind($job.expires_at)
    };
}

/// The one-row statement: today's path on Postgres, the fallback on SQLite.
const ONE: &str = "INSERT INTO oa_nonces (account_id, nonce, timestamp, expires_at) \
                   VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";

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
    async fn write_all(conn: &mut SqliteConnection, jobs: &[Self]) -> StoreResult<Vec<bool>> {
        let mut seen = HashSet::new();
        let distinct: Vec<&NonceUse> = jobs.iter().filter(|j| seen.insert(j.key())).collect();
        let mut insert = QueryBuilder::<Sqlite>::new(INSERT);
        insert.push_values(&distinct, |mut row, job| {
            row.push_bind(job.account_id)
                .push_bind(job.nonce.as_str())
                .push_bind(job.timestamp.as_str())
                .push_bind(job.expires_at);
        });
        insert.push(" ON CONFLICT DO NOTHING RETURNING account_id, nonce, timestamp");
        let recorded: Vec<(i64, String, String)> = insert
            .build_query_as()
            .persistent(false)
            .fetch_all(&mut *conn)
            .await?;
        let mut fresh: HashSet<(i64, &str, &str)> = recorded
            .iter()
            .map(|(account, nonce, timestamp)| (*account, nonce.as_str(), timestamp.as_str()))
            .collect();
        Ok(jobs.iter().map(|job| fresh.remove(&job.key())).collect())
    }

    async fn write_one(conn: &mut SqliteConnection, job: &Self) -> StoreResult<bool> {
        let done = insert_one!(job).execute(&mut *conn).await?;
        Ok(done.rows_affected() == 1)
    }
}

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
        let job = NonceUse {
            account_id,
            nonce: nonce.to_owned(),
            timestamp: timestamp.to_owned(),
            expires_at: expires_at_ms,
        };
        if let Some(queues) = &self.batches {
            return queues.nonces.write(job).await;
        }
        let done = with_write!(self, |pool| insert_one!(&job)
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
