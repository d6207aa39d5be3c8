//! The connections statements run on ([`Handle`]) and where writes go ([`Writes`]).

use std::sync::Arc;

use sqlx::{pool::PoolConnection, PgPool, Postgres, Sqlite};

use super::{
    error::StoreResult,
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

impl Writes {
    /// A connection to write on: the writer turn, or a pooled connection.
    pub async fn handle(&self) -> StoreResult<Handle<'_>> {
        let connection = match self {
            Writes::Sqlite(writer) => HandleConnection::Writer(writer.turn().await?),
            Writes::Postgres(pool) => HandleConnection::Postgres(pool.acquire().await?),
        };
        Ok(Handle { connection })
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
