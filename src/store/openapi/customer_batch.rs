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
    exec::{Begin, Conn, Exec},
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
        let arrays = conn.binds_arrays();
        let mut customers = insert(jobs.iter().map(|job| &job.customer), arrays);
        if jobs.len() > 1 && !arrays {
            customers = customers.transient();
        }
        let lists: Vec<_> = jobs.iter().map(|job| job.customer.list_index()).collect();
        let rows: Vec<IndexRow> = jobs
            .iter()
            .zip(&lists)
            .flat_map(|(job, lists)| index_rows(&job.customer, lists, &job.custom))
            .collect();
        let written = || jobs.iter().map(|job| job.customer.clone()).collect();
        if arrays {
            let both = Stmt::new("WITH added AS (")
                .chain("", customers)
                .chain(") ", insert_index(&rows, true));
            conn.execute(&both).await?;
            return Ok(written());
        }
        if rows.is_empty() {
            conn.execute(&customers).await?;
            return Ok(written());
        }
        let mut tx = conn.begin(Begin::Write).await?;
        tx.execute(&customers).await?;
        for chunk in rows.chunks(INDEX_CHUNK) {
            tx.execute(&insert_index(chunk, false).transient()).await?;
        }
        tx.commit().await?;
        Ok(written())
    }
}
