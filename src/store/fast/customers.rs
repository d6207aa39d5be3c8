//! New customers written many at once: one multi-row insert of the customers and one
//! (per few hundred rows) of their search-index rows (the plain twin:
//! `openapi::new_customer::insert_new`).

use super::{
    batch::Job,
    sql::{chain, push_rows},
};
use crate::store::{
    error::StoreResult,
    exec::{Begin, Conn, Exec, Tx},
    openapi::{
        customer::{Customer, IndexEntry},
        customer_rows::{
            index_values, values, IndexRow, INDEX_CHUNK, INDEX_TYPES, INSERT, INSERT_INDEX, TYPES,
        },
        new_customer::NewCustomer,
    },
    stmt::Stmt,
};

impl Job for NewCustomer {
    type Out = Customer;
    /// 20 binds per customer: 64 customers stay far below SQLite's 32 766.
    const MAX: usize = 64;

    /// On Postgres the two inserts are one statement (the customers' insert inside a
    /// `WITH`), which is its own transaction: one round trip instead of four (`BEGIN`,
    /// two inserts, `COMMIT`); and it binds one array per column, so its text is the
    /// same for every batch and is prepared once per connection, not parsed, described
    /// and planned for each batch (an extra round trip, and most of Postgres's work on
    /// a small batch).
    async fn write_all(mut conn: Conn<'_>, jobs: &[Self]) -> StoreResult<Vec<Customer>> {
        let jobs: Vec<&NewCustomer> = jobs.iter().collect();
        let written = || jobs.iter().map(|job| job.customer.clone()).collect();
        if conn.binds_arrays() {
            let lists = lists(&jobs);
            let rows = rows(&jobs, &lists);
            let added = insert(&jobs, true);
            let index = insert_index(&rows, true);
            let both = chain(chain(Stmt::new("WITH added AS ("), "", added), ") ", index);
            conn.execute(&both).await?;
            return Ok(written());
        }
        let mut tx = conn.begin(Begin::Write).await?;
        insert_sqlite(&mut tx, &jobs).await?;
        tx.commit().await?;
        Ok(written())
    }
}

/// The list-valued system fields' index entries of each customer.
pub(super) fn lists(jobs: &[&NewCustomer]) -> Vec<Vec<(&'static str, Vec<IndexEntry>)>> {
    jobs.iter().map(|job| job.lists()).collect()
}

/// The index rows of every customer, `lists` being [`lists`] of them.
pub(super) fn rows<'a>(
    jobs: &[&'a NewCustomer],
    lists: &'a [Vec<(&'static str, Vec<IndexEntry>)>],
) -> Vec<IndexRow<'a>> {
    jobs.iter()
        .zip(lists)
        .flat_map(|(job, lists)| job.index_rows(lists))
        .collect()
}

/// The SQLite statements inserting `jobs` and their index `rows` ([`rows`] of them), as
/// one text (`;`-separated): one insert of the customers, one of their index rows per
/// [`INDEX_CHUNK`], each padded to a power of two ([`super::sql::slots`]).
pub(super) fn inserts_sqlite<'a>(jobs: &[&'a NewCustomer], rows: &[IndexRow<'a>]) -> Stmt<'a> {
    rows.chunks(INDEX_CHUNK)
        .fold(insert(jobs, false), |stmt, chunk| {
            chain(stmt, "; ", insert_index(chunk, false))
        })
}

/// The one insert of `jobs`' customers ([`push_rows`]: one array per column with
/// `arrays`, else padded rows).
fn insert<'a>(jobs: &[&'a NewCustomer], arrays: bool) -> Stmt<'a> {
    let mut stmt = Stmt::new(INSERT.as_str());
    let customers = jobs.iter().map(|job| values(&job.customer)).collect();
    push_rows(&mut stmt, customers, TYPES, arrays);
    stmt
}

/// The one insert of index `rows`, as [`insert`] writes the customers'.
fn insert_index<'a>(rows: &[IndexRow<'a>], arrays: bool) -> Stmt<'a> {
    let mut stmt = Stmt::new(INSERT_INDEX);
    let values = rows.iter().map(index_values).collect();
    push_rows(&mut stmt, values, INDEX_TYPES, arrays);
    stmt.push(" ON CONFLICT DO NOTHING");
    stmt
}

/// Inserts the customers and their index rows on SQLite, inside the caller's
/// transaction: one insert of the customers, one of their index rows per
/// [`INDEX_CHUNK`].
pub(super) async fn insert_sqlite(tx: &mut Tx<'_>, jobs: &[&NewCustomer]) -> StoreResult<()> {
    let lists = lists(jobs);
    let rows = rows(jobs, &lists);
    tx.execute(&inserts_sqlite(jobs, &rows)).await?;
    Ok(())
}
