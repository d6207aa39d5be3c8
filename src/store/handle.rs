//! The connections statements run on ([`Handle`]) and where writes go ([`Writes`]).
//!
//! A pooled Postgres connection goes back to its pool through [`release`], within
//! [`RELEASE_LIMIT`]: sqlx tests a returned connection with a round trip first, which on
//! a connection whose peer vanished without a reset (a network partition, a host gone)
//! waits for the kernel to give up, a quarter of an hour, holding a place in the pool.
//! A request abandoned at its deadline on such a connection left it there; sixteen of
//! them and no request could get a connection, long after the database was back.

use std::{sync::Arc, time::Duration};

use sqlx::{pool::PoolConnection, PgPool, Postgres, Sqlite};

use super::{
    error::{StoreError, StoreResult},
    exec::{Begin, Conn, Exec, Tx},
    sqlite::{WriteTurn, Writer},
};

/// Where writes go: on SQLite this process's writer turn, on Postgres a pool (the
/// main one, or the one whose commits do not wait for the disk: see `Db::relaxed`).
/// Cheap to clone, so a group-commit queue (`super::batch`) can own one.
#[derive(Clone, Debug)]
pub enum Writes {
    Sqlite(Arc<Writer>),
    Postgres(PgPool),
}

/// How many batches of one group-commit queue may be written at once on Postgres, each
/// on its own pooled connection: while one is in flight the next one fills up, and is
/// written beside it only once that write has stalled (`super::batch::STALL`). On
/// SQLite there is one writer, so one lane.
const POSTGRES_WRITE_LANES: usize = 3;

/// Longest a pooled Postgres connection may take to prove itself usable when it is
/// handed back; one that does not is dropped (its socket closed) and its place freed.
pub const RELEASE_LIMIT: Duration = Duration::from_secs(2);

/// Longest a background write on Postgres (a group-commit batch, the journal, a lease
/// renewal) may take before it is abandoned as failed: nothing waits on a dead socket.
pub const BACKGROUND_LIMIT: Duration = Duration::from_secs(10);

/// A failure to get a connection: nothing was sent.
pub fn unavailable(err: sqlx::Error) -> StoreError {
    StoreError::Unavailable(err)
}

impl Writes {
    /// A connection to write on: the writer turn, or a pooled connection.
    pub async fn handle(&self) -> StoreResult<Handle<'_>> {
        let connection = match self {
            Writes::Sqlite(writer) => {
                HandleConnection::Writer(writer.turn().await.map_err(unavailable)?)
            }
            Writes::Postgres(pool) => {
                HandleConnection::Postgres(pool.acquire().await.map_err(unavailable)?)
            }
        };
        Ok(Handle { connection })
    }

    /// How long a background write may take, where a connection can die silently
    /// (Postgres: [`BACKGROUND_LIMIT`]); SQLite's writer is never abandoned mid-write.
    pub fn limit(&self) -> Option<Duration> {
        match self {
            Writes::Sqlite(_) => None,
            Writes::Postgres(_) => Some(BACKGROUND_LIMIT),
        }
    }

    /// How many batches may be written at once.
    pub fn lanes(&self) -> usize {
        match self {
            Writes::Sqlite(_) => 1,
            Writes::Postgres(_) => POSTGRES_WRITE_LANES,
        }
    }
}

/// A connection statements run on: pooled, or the SQLite writer's during its turn.
pub struct Handle<'a> {
    pub(super) connection: HandleConnection<'a>,
}

pub enum HandleConnection<'a> {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    Writer(WriteTurn<'a>),
}

impl Drop for Handle<'_> {
    fn drop(&mut self) {
        if let HandleConnection::Postgres(conn) = &mut self.connection {
            release(conn);
        }
    }
}

/// Hands `conn` back to its pool within [`RELEASE_LIMIT`] (see the module's text). The
/// connection is taken out of `conn`, which is left empty.
fn release(conn: &mut PoolConnection<Postgres>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return; // no runtime (at exit): the pool's own drop does what it can
    };
    // `return_to_pool` is what dropping the connection would spawn: sqlx's test and
    // release, here bounded. Abandoned, it drops the connection and frees its place.
    let returning = conn.return_to_pool();
    runtime.spawn(async move {
        if tokio::time::timeout(RELEASE_LIMIT, returning)
            .await
            .is_err()
        {
            tracing::warn!("a database connection did not answer when handed back: dropped");
        }
    });
}

impl Handle<'_> {
    /// Starts a transaction: a writing one on a handle from `Db::write`.
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
