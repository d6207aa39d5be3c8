//! The request journal shared by the instances on one database: entries (the runtime's
//! JSON) with the columns a query filters on, appended in batches by each instance's
//! background writer, which also keeps the table to its size.

use std::fmt;

use super::EmulatorStore;
use crate::store::{
    db::Db,
    error::{StoreFuture, StoreResult},
    exec::Exec,
    stmt::Stmt,
};

/// `INSERT INTO emulator_journal (…)` with the columns of [`values`].
pub(crate) const INSERT: &str =
    "INSERT INTO emulator_journal (instance_id, answered_at, api, tenant, status, entry)";

/// The Postgres types of [`values`].
pub(crate) const TYPES: [&str; 6] = ["bigint", "bigint", "text", "text", "bigint", "text"];

/// The column values of an entry, in [`INSERT`] order.
pub(crate) fn values(row: &JournalRow) -> [crate::store::stmt::Arg<'_>; 6] {
    [
        row.instance.into(),
        row.answered_at.into(),
        row.api.as_str().into(),
        row.tenant.as_deref().into(),
        row.status.into(),
        row.entry.as_str().into(),
    ]
}

/// How journal entries are appended: [`Plain`], or `store::fast`'s one statement for
/// all of them.
pub(crate) trait JournalWrites: Send + Sync + fmt::Debug {
    /// Appends `rows` (at least one) and trims (see [`EmulatorStore::append_journal`]).
    fn append<'a>(
        &'a self,
        db: &'a Db,
        rows: &'a [JournalRow],
        keep: i64,
        trimmed: i64,
    ) -> StoreFuture<'a, i64>;
}

/// One insert per entry and the trim, in one transaction.
#[derive(Debug)]
pub(crate) struct Plain;

impl JournalWrites for Plain {
    fn append<'a>(
        &'a self,
        db: &'a Db,
        rows: &'a [JournalRow],
        keep: i64,
        trimmed: i64,
    ) -> StoreFuture<'a, i64> {
        Box::pin(async move {
            let mut conn = db.relaxed().handle().await?;
            let mut tx = conn.begin().await?;
            let mut newest = 0;
            for row in rows {
                let mut insert = Stmt::new(INSERT);
                insert.push_rows(vec![values(row)]);
                insert.push(" RETURNING seq");
                let (seq,): (i64,) = tx.fetch_one(&insert).await?;
                newest = newest.max(seq);
            }
            let mark = trim(&mut tx, newest, keep, trimmed).await?;
            tx.commit().await?;
            Ok(mark)
        })
    }
}

/// Drops what lies more than `keep` entries behind `newest`, from `trimmed` on; the
/// new mark.
pub(crate) async fn trim(
    conn: &mut impl Exec,
    newest: i64,
    keep: i64,
    trimmed: i64,
) -> StoreResult<i64> {
    let mark = newest.saturating_sub(keep);
    if mark <= trimmed {
        return Ok(trimmed);
    }
    let trim = Stmt::new("DELETE FROM emulator_journal WHERE seq > $1 AND seq <= $2")
        .bind(trimmed)
        .bind(mark);
    conn.execute(&trim).await?;
    Ok(mark)
}

/// One entry to append.
#[derive(Clone, Debug)]
pub struct JournalRow {
    pub instance: i64,
    /// When the call was answered (real epoch ms): listings are newest first by it.
    pub answered_at: i64,
    pub api: String,
    pub tenant: Option<String>,
    pub status: i64,
    /// The entry as JSON.
    pub entry: String,
}

/// Which entries to read, newest first.
#[derive(Clone, Debug, Default)]
pub struct JournalQuery<'a> {
    pub api: Option<&'a str>,
    pub tenant: Option<&'a str>,
    pub status: Option<i64>,
    pub limit: i64,
}

impl EmulatorStore<'_> {
    /// Appends `rows` (in order), then drops what lies more than
    /// `keep` entries behind the newest of them, from `trimmed` (what this writer
    /// dropped up to last time) on; returns the new mark.
    ///
    /// Only the new stretch is deleted, by a range starting at the mark: a delete of
    /// "everything below" walked every dead index entry the earlier deletes left until
    /// autovacuum came by, and after a few hundred thousand journaled gets it cost more
    /// than the rest of a signed add (p99 255 ms in one run).
    pub async fn append_journal(
        &self,
        rows: &[JournalRow],
        keep: i64,
        trimmed: i64,
    ) -> StoreResult<i64> {
        if rows.is_empty() {
            return Ok(trimmed);
        }
        self.journal.append(self.db, rows, keep, trimmed).await
    }

    /// The newest entries matching `query`, newest first, as JSON.
    pub async fn journal(&self, query: &JournalQuery<'_>) -> StoreResult<Vec<String>> {
        let stmt = Stmt::new(
            "SELECT entry FROM emulator_journal WHERE ($1 OR api = $2) AND ($3 OR tenant = $4) \
             AND ($5 OR status = $6) ORDER BY answered_at DESC, seq DESC LIMIT $7",
        )
        .bind(query.api.is_none())
        .bind(query.api.unwrap_or_default())
        .bind(query.tenant.is_none())
        .bind(query.tenant.unwrap_or_default())
        .bind(query.status.is_none())
        .bind(query.status.unwrap_or_default())
        .bind(query.limit);
        self.db.read().await?.fetch_column(&stmt).await
    }

    /// Forgets every entry.
    pub async fn clear_journal(&self) -> StoreResult<()> {
        let stmt = Stmt::new("DELETE FROM emulator_journal");
        self.db.write().await?.execute(&stmt).await.map(drop)
    }
}
