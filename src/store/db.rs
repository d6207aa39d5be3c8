//! The database: its pool, migrations, and the connections reads and writes run on.
//!
//! Reads take a pooled connection ([`Db::read`]). Writes take [`Db::write`]: on SQLite
//! that is this process's writer turn with its own connection ([`super::sqlite`]), on
//! Postgres a pooled connection. Either can [`begin`](Handle::begin) a transaction.
//! This module and [`super::exec`] are the only places that know which backend runs;
//! where the two dialects differ in SQL text, [`Backend`] says how.

use std::{str::FromStr, sync::Arc, time::Duration};

use sqlx::{
    pool::{PoolConnection, PoolOptions},
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    ConnectOptions, Connection, Database, PgPool, Postgres, Sqlite, SqlitePool,
};

use super::{
    error::{StoreError, StoreResult},
    exec::{Begin, Conn, Exec, Tx},
    sqlite::{WriteTurn, Writer},
    stmt::Stmt,
};

/// Which database engine the store talks to.
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

    /// What follows a `SELECT` that reads a row it will update in the same
    /// transaction. SQLite's `BEGIN IMMEDIATE` already holds the write lock.
    pub fn lock_row(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// The function giving the 1-based position of a substring (0 when absent).
    pub fn position_function(self) -> &'static str {
        match self {
            Backend::Sqlite => "instr",
            Backend::Postgres => "strpos",
        }
    }

    /// A text parameter compared like the schema's text columns: byte order
    /// (SQLite's default; `COLLATE "C"` on Postgres).
    pub fn text_param(self, placeholder: &str) -> String {
        match self {
            Backend::Sqlite => format!("CAST({placeholder} AS TEXT)"),
            Backend::Postgres => format!("(CAST({placeholder} AS TEXT) COLLATE \"C\")"),
        }
    }
}

enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database: a pool, and on SQLite this process's writer.
pub struct Db {
    pool: Pool,
    writer: Option<Arc<Writer>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({})", self.backend().name())
    }
}

/// A connection statements run on: pooled, or the SQLite writer's during its turn.
pub struct Handle<'a> {
    connection: HandleConnection<'a>,
}

enum HandleConnection<'a> {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    Writer(WriteTurn<'a>),
}

impl Handle<'_> {
    /// Starts a transaction: a writing one on a handle from [`Db::write`].
    pub async fn begin(&mut self) -> StoreResult<Tx<'_>> {
        let kind = match self.connection {
            HandleConnection::Writer(_) => Begin::Write,
            _ => Begin::Read,
        };
        self.conn().begin(kind).await
    }
}

impl Exec for Handle<'_> {
    fn conn(&mut self) -> Conn<'_> {
        match &mut self.connection {
            HandleConnection::Sqlite(conn) => Conn::Sqlite(conn),
            HandleConnection::Postgres(conn) => Conn::Postgres(conn),
            HandleConnection::Writer(turn) => Conn::Sqlite(turn.connection()),
        }
    }
}

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
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(db)
    }

    async fn connect_sqlite(url: &str) -> StoreResult<Db> {
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
        let own = match in_memory {
            true => None,
            false => Some(options.connect().await.map_err(failed)?),
        };
        let writer = Arc::new(Writer::new(own, pool.clone()));
        Ok(Db {
            pool: Pool::Sqlite(pool),
            writer: Some(writer),
        })
    }

    async fn connect_postgres(url: &str) -> StoreResult<Db> {
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
        Ok(Db {
            pool: Pool::Postgres(pool),
            writer: None,
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

    /// This process's SQLite writer; `None` on Postgres, where other instances write
    /// too and no process can know of every write.
    pub fn sqlite_writer(&self) -> Option<&Arc<Writer>> {
        self.writer.as_ref()
    }

    /// A pooled connection, for reads.
    pub async fn read(&self) -> StoreResult<Handle<'_>> {
        let connection = match &self.pool {
            Pool::Sqlite(pool) => HandleConnection::Sqlite(pool.acquire().await?),
            Pool::Postgres(pool) => HandleConnection::Postgres(pool.acquire().await?),
        };
        Ok(Handle { connection })
    }

    /// The connection writes go through: on SQLite this process's writer turn.
    pub async fn write(&self) -> StoreResult<Handle<'_>> {
        match &self.writer {
            Some(writer) => Ok(Handle {
                connection: HandleConnection::Writer(writer.turn().await?),
            }),
            None => self.read().await,
        }
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
        if let Some(writer) = &self.writer {
            writer.close().await;
        }
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
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
