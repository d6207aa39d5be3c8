//! The one storage layer: domain types and queries over SQLite or Postgres.
//!
//! SQL is written once and compiled for both backends with [`with_pool!`] and
//! [`with_tx!`], which expand their body once per backend. `$1`-style placeholders,
//! `RETURNING` and `ON CONFLICT` mean the same on both; where the dialects truly differ,
//! a query branches on [`Backend`]. Times are stored as epoch milliseconds (BIGINT),
//! ids as BIGINT, lists and nested objects as JSON text.

pub(crate) mod batch;
#[cfg(test)]
mod batch_tests;
pub mod cache;
pub mod dingtalk;
mod error;
pub mod openapi;
pub mod reset;
pub mod snapshot;
pub mod tenants;

use std::{str::FromStr, sync::Arc, time::Duration};

use sqlx::{
    pool::PoolOptions,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    ConnectOptions, Connection, Database, PgPool, SqlitePool,
};

pub use error::StoreError;

pub type StoreResult<T> = Result<T, StoreError>;

/// Which database engine a [`Store`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Handle to the database; cheap to clone (it is a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
    /// The SQLite writer turn (see [`cache::Writer`]). Unused on Postgres.
    pub(crate) sqlite_writer: Arc<cache::Writer>,
    /// Customer details read on SQLite, invalidated by every writer turn. Unused on
    /// Postgres, where other instances write too.
    pub(crate) details: Arc<cache::DetailCache>,
    /// The SQLite group-commit tasks (see [`batch`]); `None` on Postgres.
    pub(crate) batches: Option<Arc<batch::Queues>>,
}

/// Runs `$body` with `$pool` bound to the backend's pool. The body is compiled once per
/// backend, so the same SQL text and binds serve both.
macro_rules! with_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside one transaction, committed when the body finishes without `?`
/// returning early; an early return drops the transaction, which rolls it back.
/// SQLite transactions take this process's writer turn (and its connection) and start
/// with `BEGIN IMMEDIATE`, so that writers never fail with SQLITE_BUSY when a read lock
/// is upgraded.
macro_rules! with_tx {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite(pool) => {
                let mut turn = $store.sqlite_writer.turn().await;
                #[allow(unused_mut)]
                let mut $tx = match turn.connection() {
                    Some(conn) => sqlx::Connection::begin_with(conn, "BEGIN IMMEDIATE").await?,
                    None => pool.begin_with("BEGIN IMMEDIATE").await?,
                };
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::store::Pool::Postgres(pool) => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}

/// Like [`with_pool!`], for a statement that writes: on SQLite it waits for this
/// process's writer turn and runs on the writer's connection (see [`cache::Writer`]).
macro_rules! with_write {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite(pool) => {
                let mut turn = $store.sqlite_writer.turn().await;
                let mut pooled = None;
                let $pool = match turn.connection() {
                    Some(conn) => conn,
                    None => &mut **pooled.insert(pool.acquire().await?),
                };
                $body
            }
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}

pub(crate) use {with_pool, with_tx, with_write};

/// A pooled connection idle for at least this long is pinged before it is handed out.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// sqlx pings every connection before handing it out by default: one more round trip
/// (a hand-off to the SQLite worker thread, a network round trip to Postgres) before
/// every query. A connection in steady use cannot have gone stale unnoticed, so only
/// one that sat idle is pinged; a failed ping discards it and the pool takes another.
fn ping_when_idle<DB: Database>(options: PoolOptions<DB>) -> PoolOptions<DB> {
    options
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    fn new(pool: Pool, writer: cache::Writer) -> Store {
        let sqlite_writer = Arc::new(writer);
        let batches = match &pool {
            Pool::Sqlite(pool) => Some(Arc::new(batch::Queues::spawn(pool, &sqlite_writer))),
            Pool::Postgres(_) => None,
        };
        Store {
            pool,
            sqlite_writer,
            details: Arc::default(),
            batches,
        }
    }

    /// Connects to the database named by `url` (scheme `sqlite:` or `postgres:`) and
    /// brings its schema up to date.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        let store = if url.starts_with("sqlite:") {
            Store::connect_sqlite(url).await?
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Store::connect_postgres(url).await?
        } else {
            return Err(StoreError::InvalidUrl {
                url: redact_url(url),
                reason: "expected a sqlite:// or postgres:// URL".into(),
            });
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn connect_sqlite(url: &str) -> StoreResult<Store> {
        let invalid = |e: sqlx::Error| StoreError::InvalidUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        };
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let mut options = SqliteConnectOptions::from_str(url)
            .map_err(invalid)?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .synchronous(SqliteSynchronous::Normal);
        let pool_options = if in_memory {
            // Each SQLite connection to `:memory:` is its own database, so a throw-away
            // run uses exactly one connection that is never closed.
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            options = options.journal_mode(SqliteJournalMode::Wal);
            // WAL lets readers run beside the one writer; a few connections per core
            // keep both cores busy without piling up worker threads.
            SqlitePoolOptions::new()
                .max_connections(8)
                .min_connections(1)
        };
        let failed = |source| StoreError::Connect {
            url: url.to_owned(),
            source,
        };
        let pool = ping_when_idle(pool_options)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await
            .map_err(failed)?;
        let writer = match in_memory {
            true => None,
            false => Some(options.connect().await.map_err(failed)?),
        };
        Ok(Store::new(Pool::Sqlite(pool), cache::Writer::new(writer)))
    }

    async fn connect_postgres(url: &str) -> StoreResult<Store> {
        let options = PgConnectOptions::from_str(url).map_err(|e| StoreError::InvalidUrl {
            url: redact_url(url),
            reason: e.to_string(),
        })?;
        let pool = ping_when_idle(PgPoolOptions::new())
            .max_connections(10)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Connect {
                url: redact_url(url),
                source,
            })?;
        Ok(Store::new(Pool::Postgres(pool), cache::Writer::default()))
    }

    /// Applies the embedded migrations of this backend. On Postgres, sqlx holds an
    /// advisory lock meanwhile, so several instances may start at once.
    async fn migrate(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Checks that the database answers (used by the health endpoint).
    pub async fn ping(&self) -> StoreResult<()> {
        let _: i32 = with_pool!(self, |pool| sqlx::query_scalar("SELECT 1")
            .fetch_one(pool)
            .await)?;
        Ok(())
    }

    /// Registers this process and returns its worker number for the id generator; the
    /// database hands out distinct numbers to processes that share it.
    pub async fn register_instance(&self, now_ms: i64) -> StoreResult<i64> {
        let sql = "INSERT INTO emulator_instances (started_at) VALUES ($1) RETURNING id";
        let id: i64 = with_write!(self, |pool| sqlx::query_scalar(sql)
            .bind(now_ms)
            .fetch_one(pool)
            .await)?;
        Ok(id)
    }

    /// Waits for running queries and closes every connection.
    pub async fn close(&self) {
        self.sqlite_writer.close().await;
        with_pool!(self, |pool| pool.close().await)
    }
}

/// The URL with any password replaced, safe for logs and error messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_appear_in_redacted_urls() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/crm"),
            "postgres://app:***@db:5432/crm"
        );
        assert_eq!(redact_url("postgres://app@db/crm"), "postgres://app@db/crm");
        assert_eq!(redact_url("sqlite://crm.db"), "sqlite://crm.db");
    }
}
