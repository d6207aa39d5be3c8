//! What can go wrong below the HTTP surfaces.

use std::sync::Arc;

use thiserror::Error;

/// Everything that can go wrong in the store. Surfaces map these to their own
/// envelopes; the text of `Database`, `Migrate` and the driver's text carried by
/// `Conflict` and `MissingReference` is logged, never sent to clients.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("invalid database URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("cannot connect to the database at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A uniqueness rule was broken (an id or key that already exists).
    #[error("already exists: {0}")]
    Conflict(String),
    /// A row names a parent row that does not exist (a foreign key was broken).
    #[error("missing reference: {0}")]
    MissingReference(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// The store's writer stopped (the store is closing): a write handed to it was not
    /// done.
    #[error("the store is closing: the write was not done")]
    Closing,
    /// The failure of a whole batch of writes (group commit: `store::fast`), given to
    /// each of its jobs; it displays and chains as its cause.
    #[error(transparent)]
    Batch(Arc<StoreError>),
    /// A batch writer answered fewer jobs than it was given (a bug of the store).
    #[error("a batched write answered {answered} of {asked} jobs")]
    Unanswered { asked: usize, answered: usize },
    /// Every id worker number is leased by a live instance.
    #[error("all 256 id worker numbers are leased by live instances sharing this database")]
    NoWorkerNumber,
    /// No connection to the database could be had (none came within the pool's wait,
    /// or opening one failed): nothing was sent, so nothing was written.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// A statement that did not finish within `limit` (a dead connection, a database
    /// that stopped answering) and was abandoned: its outcome is unknown.
    #[error("{what} did not finish within {limit:?}")]
    Abandoned {
        what: &'static str,
        limit: std::time::Duration,
    },
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A store operation chosen at run time (a write path: `openapi::writes`).
pub(crate) type StoreFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = StoreResult<T>> + Send + 'a>>;

/// Why the database cannot serve (docs/instances.md#when-the-database-fails).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// It cannot be reached, or its connection broke, or it did not answer in time.
    Unreachable,
    /// It has no space left to write (SQLite's disk, Postgres's `disk_full`).
    DiskFull,
    /// It can be read but not written (a read-only file, a standby after a failover).
    ReadOnly,
}

impl Problem {
    /// The problem `name` ([`Problem::as_str`]) names.
    pub fn named(name: &str) -> Option<Problem> {
        [Problem::Unreachable, Problem::DiskFull, Problem::ReadOnly]
            .into_iter()
            .find(|problem| problem.as_str() == name)
    }

    /// How `/_emulator/health` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::Unreachable => "unreachable",
            Problem::DiskFull => "disk full",
            Problem::ReadOnly => "read-only",
        }
    }
}

/// SQLite's primary result codes (the low byte of an extended one) that mean the
/// database cannot serve rather than that the statement was wrong.
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;
const SQLITE_READONLY: i64 = 8;
const SQLITE_IOERR: i64 = 10;
const SQLITE_FULL: i64 = 13;
const SQLITE_CANTOPEN: i64 = 14;

impl StoreError {
    /// This error, or the one a batch failed with when it stands for it.
    pub fn cause(&self) -> &StoreError {
        match self {
            StoreError::Batch(cause) => cause.cause(),
            other => other,
        }
    }

    /// Whether the database failed rather than the request: it cannot be reached or
    /// cannot write. The surfaces answer this as the service failing (DingTalk `-1`,
    /// OpenAPI and v1.0 503), and the health check reports it.
    pub fn problem(&self) -> Option<Problem> {
        match self.cause() {
            StoreError::Unavailable(source) | StoreError::Connect { source, .. } => {
                Some(problem_of(source).unwrap_or(Problem::Unreachable))
            }
            StoreError::Database(source) => problem_of(source),
            StoreError::Abandoned { .. } => Some(Problem::Unreachable),
            _ => None,
        }
    }

    /// Whether the database failed while a statement was under way, after it was
    /// sent: a write's commit may or may not have happened (the connection died during
    /// `COMMIT`, or the statement was abandoned). Answered as a failure, and the
    /// journal marks it `outcome unknown`.
    pub fn outcome_unknown(&self) -> bool {
        match self.cause() {
            StoreError::Database(source) => matches!(
                source,
                sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed
            ),
            StoreError::Abandoned { .. } => true,
            _ => false,
        }
    }

    /// What the surfaces leave in the response extensions for this failure, if the
    /// database caused it: its problem's name and whether the outcome is unknown.
    pub fn failure(&self) -> Option<(&'static str, bool)> {
        let problem = self.problem()?;
        Some((problem.as_str(), self.outcome_unknown()))
    }
}

/// The problem a driver error reports, if it is one of the database's own.
fn problem_of(err: &sqlx::Error) -> Option<Problem> {
    match err {
        sqlx::Error::Io(io) if io.raw_os_error() == Some(28) => Some(Problem::DiskFull),
        sqlx::Error::Io(io) if io.raw_os_error() == Some(30) => Some(Problem::ReadOnly),
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::BeginFailed => Some(Problem::Unreachable),
        sqlx::Error::Database(db) => {
            let code = db.code()?;
            if let Ok(sqlite) = code.parse::<i64>() {
                return match sqlite & 0xff {
                    SQLITE_FULL => Some(Problem::DiskFull),
                    SQLITE_READONLY => Some(Problem::ReadOnly),
                    SQLITE_BUSY | SQLITE_LOCKED | SQLITE_IOERR | SQLITE_CANTOPEN => {
                        Some(Problem::Unreachable)
                    }
                    _ => None,
                };
            }
            // Postgres SQLSTATE classes: 08 connection exception, 53 insufficient
            // resources (53100 disk full), 57P0x the server shutting down or starting,
            // 57014 a statement cancelled (its timeout), 25006 a read-only transaction
            // (a standby, after a failover), 58 a system error.
            match code.as_ref() {
                "53100" => Some(Problem::DiskFull),
                "25006" => Some(Problem::ReadOnly),
                c if c.starts_with("08")
                    || c.starts_with("53")
                    || c.starts_with("57P")
                    || c.starts_with("58")
                    || c == "57014" =>
                {
                    Some(Problem::Unreachable)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

impl From<sqlx::Error> for StoreError {
    /// Classifies by sqlx's portable error kinds, not by constraint names (only the
    /// Postgres driver reports those).
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.message().to_owned())
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::MissingReference(db.message().to_owned())
            }
            _ => StoreError::Database(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, SqliteConnection};

    use super::*;

    #[tokio::test]
    async fn a_write_to_a_read_only_sqlite_file_is_the_read_only_problem() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("ro.db");
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut conn = SqliteConnection::connect(&url).await.expect("create");
        sqlx::query("CREATE TABLE t (a INTEGER)")
            .execute(&mut conn)
            .await
            .expect("a table");
        conn.close().await.expect("close");
        let url = format!("sqlite://{}?mode=ro", path.display());
        let mut conn = SqliteConnection::connect(&url)
            .await
            .expect("open read-only");
        let err = sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&mut conn)
            .await
            .expect_err("a read-only file refuses writes");
        let err = StoreError::from(err);
        assert_eq!(err.problem(), Some(Problem::ReadOnly));
        assert!(!err.outcome_unknown());
        assert_eq!(err.failure(), Some(("read-only", false)));
    }

    #[test]
    fn no_connection_is_unavailable_and_a_lost_one_leaves_the_outcome_unknown() {
        let none = StoreError::Unavailable(sqlx::Error::PoolTimedOut);
        assert_eq!(none.problem(), Some(Problem::Unreachable));
        assert!(!none.outcome_unknown());
        let lost =
            StoreError::Database(sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into()));
        assert_eq!(lost.problem(), Some(Problem::Unreachable));
        assert!(lost.outcome_unknown());
        let limit = std::time::Duration::from_secs(1);
        let abandoned = StoreError::Abandoned {
            what: "a write",
            limit,
        };
        assert!(abandoned.outcome_unknown());
        let full = StoreError::Database(sqlx::Error::Io(std::io::Error::from_raw_os_error(28)));
        assert_eq!(full.problem(), Some(Problem::DiskFull));
        // A batch's failure, given to each of its jobs, keeps its class.
        for err in [none, lost, abandoned, full] {
            let (problem, unknown) = (err.problem(), err.outcome_unknown());
            let batch = StoreError::Batch(std::sync::Arc::new(err));
            assert_eq!(batch.problem(), problem, "{batch}");
            assert_eq!(batch.outcome_unknown(), unknown, "{batch}");
        }
        // A request's own fault is no database problem.
        let conflict = StoreError::Conflict("k".into());
        assert_eq!(conflict.problem(), None);
        let batch = StoreError::Batch(std::sync::Arc::new(conflict));
        assert_eq!(batch.problem(), None);
    }
}
