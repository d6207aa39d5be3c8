//! The one place that runs statements. Every query of the store is built as a
//! [`Stmt`] and run through [`Exec`], whose only required method hands out a [`Conn`]:
//! the enum over the two drivers' connections. `Conn` is where a statement meets a
//! backend, so the store's control flow never branches on one.

use std::borrow::Cow;

use sqlx::{
    postgres::PgRow, sqlite::SqliteRow, Arguments, Connection, Database, Encode, FromRow,
    PgConnection, Postgres, Sqlite, SqliteConnection, Transaction, Type,
};

use super::stmt::Stmt;
use super::{
    error::{StoreError, StoreResult},
    stmt::{placeholder, Arg},
};

/// A type that a row of either backend decodes into (derive `sqlx::FromRow`; tuples
/// of column types work too).
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A connection of either backend, borrowed for a statement.
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Conn<'_> {
    /// Whether this is Postgres, whose statements may bind arrays ([`Arg::Ints`] and its
    /// kin), so that a multi-row insert is one text for any number of rows (`UNNEST`),
    /// prepared once per connection instead of parsed, described and planned for every
    /// batch; and whose data-modifying `WITH` can carry one insert inside another, so
    /// that two inserts are one statement, its own transaction.
    pub fn binds_arrays(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }

    /// Runs `stmt`; the number of rows it changed.
    pub async fn execute(&mut self, stmt: &Stmt<'_>) -> StoreResult<u64> {
        let done = match self {
            Conn::Sqlite(conn) => {
                sqlx::query_with(&sqlite_text(&stmt.sql), sqlite_arguments(&stmt.args)?)
                    .persistent(stmt.persistent)
                    .execute(&mut **conn)
                    .await?
                    .rows_affected()
            }
            Conn::Postgres(conn) => sqlx::query_with(&stmt.sql, postgres_arguments(&stmt.args)?)
                .persistent(stmt.persistent)
                .execute(&mut **conn)
                .await?
                .rows_affected(),
        };
        Ok(done)
    }

    /// Runs `stmt` and decodes every row it returns.
    pub async fn fetch_all<T: Record>(&mut self, stmt: &Stmt<'_>) -> StoreResult<Vec<T>> {
        let rows = match self {
            Conn::Sqlite(conn) => {
                sqlx::query_as_with::<Sqlite, T, _>(
                    &sqlite_text(&stmt.sql),
                    sqlite_arguments(&stmt.args)?,
                )
                .persistent(stmt.persistent)
                .fetch_all(&mut **conn)
                .await?
            }
            Conn::Postgres(conn) => {
                sqlx::query_as_with::<Postgres, T, _>(&stmt.sql, postgres_arguments(&stmt.args)?)
                    .persistent(stmt.persistent)
                    .fetch_all(&mut **conn)
                    .await?
            }
        };
        Ok(rows)
    }
}

/// How a transaction starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Begin {
    /// A transaction that will write. On SQLite it starts with `BEGIN IMMEDIATE`, so
    /// that it never fails with SQLITE_BUSY when a read lock would be upgraded.
    Write,
    /// A transaction that only reads: one consistent snapshot.
    Read,
}

impl<'c> Conn<'c> {
    /// Starts a transaction on this connection.
    pub async fn begin(self, kind: Begin) -> StoreResult<Tx<'c>> {
        let tx = match self {
            Conn::Sqlite(conn) => {
                let statement = match kind {
                    Begin::Write => "BEGIN IMMEDIATE",
                    Begin::Read => "BEGIN",
                };
                Tx::Sqlite(conn.begin_with(statement).await?)
            }
            Conn::Postgres(conn) => Tx::Postgres(conn.begin().await?),
        };
        Ok(tx)
    }
}

/// A transaction: committed by [`Tx::commit`], rolled back when dropped without it
/// (so an early `?` return undoes everything it wrote).
pub enum Tx<'c> {
    Sqlite(Transaction<'c, Sqlite>),
    Postgres(Transaction<'c, Postgres>),
}

impl Tx<'_> {
    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// The text SQLite is sent. SQLite resolves a `$N` placeholder by name, scanning every
/// name seen before it (a batch insert of 1 280 binds spent most of its time in
/// `strncmp`, and sqlx looks each name up again to bind it), but numbers a bare `?`
/// in order at no cost. Text whose placeholders are `$1, $2, …` in order, each once —
/// everything the builders write — is sent with `?`; text that reuses a placeholder
/// keeps its names.
fn sqlite_text(sql: &str) -> Cow<'_, str> {
    let mut positional = String::with_capacity(sql.len());
    let (mut expected, mut copied) = (1usize, 0);
    while let Some(found) = placeholder(sql, copied) {
        if found.number != Some(expected) {
            return Cow::Borrowed(sql);
        }
        positional.push_str(&sql[copied..found.at]);
        positional.push('?');
        expected += 1;
        copied = found.end;
    }
    if expected == 1 {
        return Cow::Borrowed(sql);
    }
    positional.push_str(&sql[copied..]);
    Cow::Owned(positional)
}

/// The scalar binds of a statement as one driver's arguments; `Err(list)` at the first
/// list (an array), which the caller binds if its driver can.
fn arguments<'q, DB: Database>(
    args: &'q [Arg<'_>],
    mut list: impl FnMut(&mut DB::Arguments<'q>, &'q Arg<'_>) -> StoreResult<()>,
) -> StoreResult<DB::Arguments<'q>>
where
    Option<i64>: Encode<'q, DB> + Type<DB>,
    Option<f64>: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
    Option<bool>: Encode<'q, DB> + Type<DB>,
{
    let mut out = DB::Arguments::default();
    out.reserve(args.len(), 0);
    for arg in args {
        let added = match arg {
            Arg::Int(v) => out.add(*v),
            Arg::Real(v) => out.add(*v),
            Arg::Text(v) => out.add(v.as_deref()),
            Arg::Bool(v) => out.add(*v),
            Arg::Ints(_) | Arg::Reals(_) | Arg::Texts(_) => {
                list(&mut out, arg)?;
                Ok(())
            }
        };
        added.map_err(encode_error)?;
    }
    Ok(out)
}

fn encode_error(err: sqlx::error::BoxDynError) -> StoreError {
    StoreError::Database(sqlx::Error::Encode(err))
}

fn sqlite_arguments<'q>(args: &'q [Arg<'_>]) -> StoreResult<<Sqlite as Database>::Arguments<'q>> {
    arguments::<Sqlite>(args, |_, _| {
        Err(encode_error(
            "SQLite has no arrays: a list was bound".into(),
        ))
    })
}

fn postgres_arguments<'q>(
    args: &'q [Arg<'_>],
) -> StoreResult<<Postgres as Database>::Arguments<'q>> {
    arguments::<Postgres>(args, |out, arg| {
        let added = match arg {
            Arg::Ints(v) => out.add(v),
            Arg::Reals(v) => out.add(v),
            Arg::Texts(v) => out.add(v),
            _ => Ok(()),
        };
        added.map_err(encode_error)
    })
}

/// Something statements run on: a pooled connection, the SQLite writer's, or a
/// transaction.
pub trait Exec {
    fn conn(&mut self) -> Conn<'_>;

    /// Runs `stmt`; the number of rows it changed.
    async fn execute(&mut self, stmt: &Stmt<'_>) -> StoreResult<u64> {
        self.conn().execute(stmt).await
    }

    /// Every row `stmt` returns.
    async fn fetch_all<T: Record>(&mut self, stmt: &Stmt<'_>) -> StoreResult<Vec<T>> {
        self.conn().fetch_all(stmt).await
    }

    /// The row of a statement that returns at most one (a lookup by key).
    async fn fetch_optional<T: Record>(&mut self, stmt: &Stmt<'_>) -> StoreResult<Option<T>> {
        Ok(self.fetch_all(stmt).await?.into_iter().next())
    }

    /// The row of a statement that returns exactly one (`INSERT … RETURNING`).
    async fn fetch_one<T: Record>(&mut self, stmt: &Stmt<'_>) -> StoreResult<T> {
        self.fetch_optional(stmt)
            .await?
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }

    /// The first column of every row.
    async fn fetch_column<T>(&mut self, stmt: &Stmt<'_>) -> StoreResult<Vec<T>>
    where
        (T,): Record,
    {
        let rows: Vec<(T,)> = self.fetch_all(stmt).await?;
        Ok(rows.into_iter().map(|(value,)| value).collect())
    }
}

impl Exec for Tx<'_> {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx) => Conn::Sqlite(tx),
            Tx::Postgres(tx) => Conn::Postgres(tx),
        }
    }
}

impl Exec for Conn<'_> {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(conn) => Conn::Sqlite(conn),
            Conn::Postgres(conn) => Conn::Postgres(conn),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sqlite_text;

    #[test]
    fn sqlite_gets_bare_placeholders_only_for_text_that_numbers_them_in_order() {
        assert_eq!(
            sqlite_text("INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
        assert_eq!(sqlite_text("SELECT 1"), "SELECT 1");
        let reused = "SELECT a FROM t WHERE b = $1 UNION SELECT a FROM u WHERE b = $1";
        assert_eq!(sqlite_text(reused), reused);
        let unordered = "UPDATE t SET a = $2 WHERE id = $1";
        assert_eq!(sqlite_text(unordered), unordered);
        let unnumbered = "SELECT '$', $1";
        assert_eq!(sqlite_text(unnumbered), unnumbered);
        let huge = "SELECT $1, $99999999999999999999999";
        assert_eq!(sqlite_text(huge), huge);
    }
}
