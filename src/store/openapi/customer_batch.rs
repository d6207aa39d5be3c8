//! Writing new customers: one transaction holding one multi-row insert of the customers
//! and one (per few hundred rows) of their search-index rows. Many adds share one such
//! transaction (see [`crate::store::batch`]).

use super::{
    customer::{Customer, IndexEntry},
    customer_rows::{index_rows, insert, insert_index, IndexRow, INDEX_CHUNK},
};
use crate::store::{
    batch::Job,
    error::StoreResult,
    exec::{Begin, Conn, Exec, Tx},
    stmt::Stmt,
};

/// A customer ready to store, with the search-index entries of its custom values.
pub(crate) struct NewCustomer {
    pub(crate) customer: Customer,
    pub(crate) custom: Vec<(String, Vec<IndexEntry>)>,
}

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
            let both = Stmt::new("WITH added AS (")
                .chain("", insert(jobs.iter().map(|job| &job.customer), true))
                .chain(") ", insert_index(&rows, true));
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
pub(crate) fn lists(jobs: &[&NewCustomer]) -> Vec<Vec<(&'static str, Vec<IndexEntry>)>> {
    jobs.iter().map(|job| job.customer.list_index()).collect()
}

/// The index rows of every customer, `lists` being [`lists`] of them.
pub(crate) fn rows<'a>(
    jobs: &[&'a NewCustomer],
    lists: &'a [Vec<(&'static str, Vec<IndexEntry>)>],
) -> Vec<IndexRow<'a>> {
    jobs.iter()
        .zip(lists)
        .flat_map(|(job, lists)| index_rows(&job.customer, lists, &job.custom))
        .collect()
}

/// The SQLite statements inserting `jobs` and their index `rows` ([`rows`] of them), as
/// one text (`;`-separated): one insert of the customers, one of their index rows per
/// [`INDEX_CHUNK`].
pub(crate) fn inserts_sqlite<'a>(jobs: &[&'a NewCustomer], rows: &[IndexRow<'a>]) -> Stmt<'a> {
    let mut stmt = insert(jobs.iter().map(|job| &job.customer), false);
    for chunk in rows.chunks(INDEX_CHUNK) {
        stmt = stmt.chain("; ", insert_index(chunk, false));
    }
    match jobs.len() > 1 {
        true => stmt.transient(),
        false => stmt,
    }
}

/// Inserts the customers and their index rows on SQLite, inside the caller's
/// transaction: one insert of the customers, one of their index rows per
/// [`INDEX_CHUNK`].
pub(crate) async fn insert_sqlite(tx: &mut Tx<'_>, jobs: &[&NewCustomer]) -> StoreResult<()> {
    let lists = lists(jobs);
    let rows = rows(jobs, &lists);
    tx.execute(&inserts_sqlite(jobs, &rows)).await?;
    Ok(())
}
