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
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A store operation chosen at run time (a write path: `openapi::writes`).
pub(crate) type StoreFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = StoreResult<T>> + Send + 'a>>;

impl StoreError {
    /// This error, or the one a batch failed with when it stands for it.
    pub fn cause(&self) -> &StoreError {
        match self {
            StoreError::Batch(cause) => cause.cause(),
            other => other,
        }
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
