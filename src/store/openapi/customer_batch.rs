//! Writing new customers: one transaction holding one multi-row insert of the customers
//! and one (per few hundred rows) of their search-index rows. On SQLite many adds share
//! one such transaction (see [`crate::store::sqlite::batch`]); on Postgres each add is a
//! batch of one.

use super::{
    customer::{Customer, IndexEntry},
    customer_rows::{index_rows, insert, insert_index, IndexRow, INDEX_CHUNK},
};
use crate::store::{
    error::StoreResult,
    exec::{Begin, Conn, Exec},
    sqlite::batch::Job,
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

    async fn write_all(conn: Conn<'_>, jobs: &[Self]) -> StoreResult<Vec<Customer>> {
        let mut tx = conn.begin(Begin::Write).await?;
        let mut customers = insert(jobs.iter().map(|job| &job.customer));
        if jobs.len() > 1 {
            customers = customers.transient();
        }
        tx.execute(&customers).await?;
        let lists: Vec<_> = jobs.iter().map(|job| job.customer.list_index()).collect();
        let rows: Vec<IndexRow> = jobs
            .iter()
            .zip(&lists)
            .flat_map(|(job, lists)| index_rows(&job.customer, lists, &job.custom))
            .collect();
        for chunk in rows.chunks(INDEX_CHUNK) {
            tx.execute(&insert_index(chunk).transient()).await?;
        }
        tx.commit().await?;
        Ok(jobs.iter().map(|job| job.customer.clone()).collect())
    }
}
