//! The database: its pool, migrations, and the connections reads and writes run on.
//!
//! Reads take a pooled connection ([`Db::read`]). Writes take [`Db::write`]: on SQLite
//! that is this process's writer turn with its own connection ([`super::sqlite`]), on
//! Postgres a pooled connection. Either can [`begin`](Handle::begin) a transaction.
//! This module and [`super::exec`] are the only places that know which backend runs;
//! where the two dialects differ in SQL text, [`Backend`] says how.

use std::{str::FromStr, sync::Arc, time::Duration};

use sqlx::{
    pool::PoolOptions,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    ConnectOptions, Connection, Database, PgPool, SqlitePool,
};

/// Where the store's error messages get their URLs from (re-exported as `store::redact_url`).
pub use crate::redact::redact_url;

pub use super::backend::Backend;
use super::handle::{unavailable, HandleConnection};
pub use super::handle::{Handle, Writes};
use super::{
    changes::{Changes, Topic},
    error::{StoreError, StoreResult},
    exec::Exec,
    migrations,
    sqlite::{checkpoint, Writer},
    stmt::Stmt,
};

enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database: a pool, the way writes go ([`Writes`]), and the changes this process
/// announces and hears.
pub struct Db {
    pool: Pool,
    writes: Writes,
    relaxed: Writes,
    changes: Arc<Changes>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({})", self.backend().name())
    }
}

/// Postgres connections: the write lanes of the customer queue, the reads that miss the
/// caches, and the control plane. 32 concurrent clients (the benchmark's load) never
/// waited for a connection with 16.
const POSTGRES_POOL_SIZE: u32 = 16;
/// Postgres connections of [`Db::relaxed`]: the replay records' write lanes and the
/// journal's writer.
const POSTGRES_RELAXED_POOL_SIZE: u32 = 4;

/// Settings of every Postgres session (docs/instances.md#when-the-database-fails): the
/// server ends a statement running past a minute, and a session left inside a
/// transaction by a client that vanished (its locks held) after 30 s, and it probes an
/// idle client's socket (every 5 s after 10 s idle, giving up after 3 unanswered), so
/// that sessions of a client cut off by a partition end on the server's side too.
const POSTGRES_SESSION: [(&str, &str); 5] = [
    ("statement_timeout", "60s"),
    ("idle_in_transaction_session_timeout", "30s"),
    ("tcp_keepalives_idle", "10"),
    ("tcp_keepalives_interval", "5"),
    ("tcp_keepalives_count", "3"),
];

/// How long a request waits for a pooled connection before it is answered as the
/// service failing; opening a new connection counts against it too (a connection
/// attempt into a partition is abandoned then).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The page cache of each pooled SQLite connection (negative: KiB), against SQLite's
/// default of 2 MiB.
const READER_CACHE_KIB: &str = "-256";

/// A pooled connection idle for at least this long is pinged before it is handed out.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// sqlx pings every connection before handing it out by default: one more round trip
/// (a hand-off to the SQLite worker thread, a network round trip to Postgres) before
/// every query. A connection in steady use cannot have gone stale unnoticed, so only
/// one that sat idle is pinged; a failed ping discards it and the pool takes another.
/// A connection still inside a transaction (its rollback failed: a SQLite write that
/// failed for lack of space can end its transaction itself) is discarded too: handed
/// out, its next `BEGIN` would fail, and so would every one after it.
fn ping_when_idle<DB: Database>(options: PoolOptions<DB>) -> PoolOptions<DB> {
    options
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if conn.is_in_transaction() {
                    return Ok(false);
                }
                if meta.idle_for >= PING_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

impl Db {
    /// Connects to the database named by `url` (scheme `sqlite:` or `postgres:`) and
    /// brings its schema up to date. On Postgres, sqlx holds an advisory lock while it
    /// migrates, so several instances may start at once.
    pub async fn connect(url: &str) -> StoreResult<Db> {
        let db = if url.starts_with("sqlite:") {
            Db::connect_sqlite(url).await?
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Db::connect_postgres(url).await?
        } else {
            return Err(StoreError::InvalidUrl {
                url: redact_url(url),
                reason: "expected a sqlite:// or postgres:// URL".into(),
            });
        };
        match &db.pool {
            Pool::Sqlite(pool) => migrations::SQLITE.run(pool).await?,
            Pool::Postgres(pool) => migrations::POSTGRES.run(pool).await?,
        }
        Ok(db)
    }

    async fn connect_sqlite(url: &str) -> StoreResult<Db> {
        let invalid = |e: sqlx::Error| StoreError::InvalidUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        };
        let in_memory = crate::config::sqlite_in_memory(url);
        let mut options = SqliteConnectOptions::from_str(url)
            .map_err(invalid)?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .synchronous(SqliteSynchronous::Normal)
            // Statement journals in memory: spilled to a file past 64 KiB, one was created,
            // written and unlinked for every batch of signed adds (docs/performance.md).
            .pragma("temp_store", "memory");
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
        // A pooled connection reads (the writer's own connection writes): under writes
        // its page cache is dropped at the start of every read after another
        // connection's commit, so SQLite's default of 2 MiB per connection bought
        // nothing but memory, which grew for minutes (one malloc arena per connection's
        // thread, each filling towards its cache's size) before it levelled off.
        let readers = match in_memory {
            true => options.clone(),
            false => options.clone().pragma("cache_size", READER_CACHE_KIB),
        };
        let pool = ping_when_idle(pool_options)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(readers)
            .await
            .map_err(failed)?;
        // The writer never checkpoints the WAL inside a commit: a task does, beside it
        // (see `sqlite::checkpoint`).
        let own_options = options.clone().pragma("wal_autocheckpoint", "0").pragma(
            "journal_size_limit",
            checkpoint::JOURNAL_SIZE_LIMIT.to_string(),
        );
        let own = match in_memory {
            true => None,
            false => Some(own_options.connect().await.map_err(failed)?),
        };
        let writer = Arc::new(Writer::new(own, pool.clone(), own_options));
        if !in_memory {
            checkpoint::spawn(pool.clone(), Arc::downgrade(&writer));
        }
        Ok(Db {
            pool: Pool::Sqlite(pool),
            writes: Writes::Sqlite(writer.clone()),
            relaxed: Writes::Sqlite(writer),
            changes: Arc::default(),
        })
    }

    async fn connect_postgres(url: &str) -> StoreResult<Db> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::InvalidUrl {
                url: redact_url(url),
                reason: e.to_string(),
            })?
            .options(POSTGRES_SESSION);
        // TLS (`sslmode=require`, `verify-full` with `sslrootcert` or the bundled web
        // roots) comes from the URL: sqlx is built with rustls.
        let failed = |source| StoreError::Connect {
            url: redact_url(url),
            source,
        };
        let pool = ping_when_idle(PgPoolOptions::new())
            .max_connections(POSTGRES_POOL_SIZE)
            .min_connections(2)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await
            .map_err(failed)?;
        // Runtime records nobody was promised would survive a crash: their commits do
        // not wait for the WAL to reach the disk (see `Db::relaxed`).
        let relaxed = ping_when_idle(PgPoolOptions::new())
            .max_connections(POSTGRES_RELAXED_POOL_SIZE)
            .min_connections(0)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options.options([("synchronous_commit", "off")]));
        Ok(Db {
            writes: Writes::Postgres(pool.clone()),
            relaxed: Writes::Postgres(relaxed),
            pool: Pool::Postgres(pool),
            changes: Arc::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The pool's connections now: (idle, in use).
    pub fn connections(&self) -> (i64, i64) {
        let (size, idle) = match &self.pool {
            Pool::Sqlite(pool) => (pool.size(), pool.num_idle()),
            Pool::Postgres(pool) => (pool.size(), pool.num_idle()),
        };
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        (idle, (i64::from(size) - idle).max(0))
    }

    /// Where writes go, for the group-commit queues.
    pub fn writes(&self) -> &Writes {
        &self.writes
    }

    /// Where writes of runtime records go that no client was promised would survive a
    /// database crash (signature replay records, journal entries). On Postgres their
    /// commits do not wait for the WAL flush (`synchronous_commit = off`): the wait was
    /// most of a signed add's time (each request made two commits, each waiting for the
    /// disk), and a crash can lose only the last fraction of a second of them, never a
    /// customer. The same writer turn on SQLite.
    pub fn relaxed(&self) -> &Writes {
        &self.relaxed
    }

    /// What this process announces and hears.
    pub fn changes(&self) -> &Arc<Changes> {
        &self.changes
    }

    /// The Postgres pool, for the change listener; `None` on SQLite.
    pub fn postgres_pool(&self) -> Option<&PgPool> {
        match &self.pool {
            Pool::Postgres(pool) => Some(pool),
            Pool::Sqlite(_) => None,
        }
    }

    /// A number that moves whenever DingTalk data may have changed, read before a read
    /// whose answer is cached: on SQLite every writer turn of this process, on Postgres
    /// every DingTalk write of this process and every one another instance announced.
    pub fn generation(&self) -> u64 {
        match &self.writes {
            Writes::Sqlite(writer) => writer.generation(),
            Writes::Postgres(_) => self.changes.generation(),
        }
    }

    /// The statement announcing `topic` to the other instances, to run inside the
    /// transaction that makes the change; `None` on SQLite.
    pub fn announcement(&self, topic: Topic) -> Option<Stmt<'static>> {
        self.postgres_pool()
            .map(|_| self.changes.announcement(topic))
    }

    /// Announces `topic` after a change that is already committed (on Postgres;
    /// nothing to do on SQLite). A failure is logged, not returned: the change stands,
    /// and the other instances' caches stop trusting what they hold within a second.
    pub async fn announce(&self, topic: Topic) {
        let Some(stmt) = self.announcement(topic) else {
            return;
        };
        let sent = match self.read().await {
            Ok(mut conn) => conn.execute(&stmt).await.map(drop),
            Err(err) => Err(err),
        };
        if let Err(err) = sent {
            tracing::warn!(error = %crate::telemetry::chain(&err), ?topic, "could not announce a change to other instances");
        }
    }

    /// After a change to tenants (or to everything) committed: this process's caches
    /// were cleared by the caller; cached details go stale, and the others are told.
    pub async fn tenants_changed(&self) {
        self.changes.bump();
        self.announce(Topic::Tenants).await;
    }

    /// A pooled connection, for reads.
    pub async fn read(&self) -> StoreResult<Handle<'_>> {
        let connection = match &self.pool {
            Pool::Sqlite(pool) => {
                HandleConnection::Sqlite(pool.acquire().await.map_err(unavailable)?)
            }
            Pool::Postgres(pool) => {
                HandleConnection::Postgres(pool.acquire().await.map_err(unavailable)?)
            }
        };
        Ok(Handle { connection })
    }

    /// The connection writes go through: on SQLite this process's writer turn.
    pub async fn write(&self) -> StoreResult<Handle<'_>> {
        self.writes.handle().await
    }

    /// The planner's plan of `stmt`, one line per plan row. On Postgres sequential
    /// scans are discouraged for the explanation (`SET LOCAL enable_seqscan = off`), so
    /// the plan shows the indexes a query can use even on a table too small to need
    /// them. On SQLite the schema table is read first: a plan is made from the
    /// connection's copy of the schema and statistics, which that brings up to date.
    pub async fn explain(&self, stmt: &Stmt<'_>) -> StoreResult<Vec<String>> {
        let mut handle = self.read().await?;
        let mut tx = handle.begin().await?;
        let lines = match self.backend() {
            Backend::Sqlite => {
                tx.execute(&Stmt::new("SELECT COUNT(*) FROM sqlite_schema"))
                    .await?;
                let rows: Vec<(i64, i64, i64, String)> =
                    tx.fetch_all(&stmt.prefixed("EXPLAIN QUERY PLAN ")).await?;
                rows.into_iter().map(|row| row.3).collect()
            }
            Backend::Postgres => {
                tx.execute(&Stmt::new("SET LOCAL enable_seqscan = off"))
                    .await?;
                tx.fetch_column(&stmt.prefixed("EXPLAIN ")).await?
            }
        };
        drop(tx); // rolled back: the explanation changed nothing
        Ok(lines)
    }

    /// Refreshes the planner's statistics of `tables` with `ANALYZE`. SQLite samples at
    /// most `SQLITE_ANALYSIS_LIMIT` rows per index, so it takes milliseconds whatever
    /// the table size; its connections read the statistics when they load the schema,
    /// so pooled connections pick them up as the pool renews them. Postgres samples on
    /// its own (and its autovacuum does the same on its own schedule).
    pub async fn analyze(&self, tables: &[&str]) -> StoreResult<()> {
        const SQLITE_ANALYSIS_LIMIT: u32 = 1000;
        // ANALYZE writes the statistics tables: on SQLite it takes the writer's turn.
        let mut handle = self.write().await?;
        if self.backend() == Backend::Sqlite {
            // `analysis_limit` is per connection, so both run on the same one.
            let limit = format!("PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}");
            handle.execute(&Stmt::new(limit)).await?;
        }
        for table in tables {
            handle
                .execute(&Stmt::new(format!("ANALYZE {table}")))
                .await?;
        }
        Ok(())
    }

    /// Waits for running queries and closes every connection.
    pub async fn close(&self) {
        match (&self.writes, &self.relaxed) {
            (Writes::Sqlite(writer), _) => writer.close().await,
            (_, Writes::Postgres(relaxed)) => relaxed.close().await,
            _ => {}
        }
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}
