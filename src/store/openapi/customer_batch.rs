//! New customers written in batches on SQLite (see [`crate::store::batch`]): one
//! transaction holding one multi-row insert of the customers and one (per few hundred
//! rows) of their search-index rows.

use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection};

use super::{
    customer::{Customer, IndexEntry},
    customer_rows::{bind_customer, index_rows, insert_columns, INDEX_CHUNK},
};
use crate::store::{batch::Job, StoreError, StoreResult};

/// A customer ready to store, with the custom values its patch indexes.
pub(crate) struct NewCustomer {
    pub(crate) customer: Customer,
    pub(crate) custom: Vec<(String, Vec<IndexEntry>)>,
}

impl Job for NewCustomer {
    type Out = Customer;
    /// 20 binds per customer: 64 customers stay far below SQLite's 32 766.
    const MAX: usize = 64;

    async fn write_all(conn: &mut SqliteConnection, jobs: &[Self]) -> StoreResult<Vec<Customer>> {
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let mut insert = QueryBuilder::<Sqlite>::new(insert_columns());
        insert.push_values(jobs, |mut row, job| {
            bind_customer!(row, &job.customer, push_bind);
        });
        insert.build().persistent(false).execute(&mut *tx).await?;
        let lists: Vec<_> = jobs.iter().map(|j| j.customer.list_index()).collect();
        let rows: Vec<(i64, i64, &str, &IndexEntry)> = jobs
            .iter()
            .zip(&lists)
            .flat_map(|(job, lists)| {
                let account_id = job.customer.account_id;
                index_rows(job.customer.id, lists, &job.custom)
                    .into_iter()
                    .map(move |(id, field, entry)| (account_id, id, field, entry))
            })
            .collect();
        for chunk in rows.chunks(INDEX_CHUNK) {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO oa_customer_values (account_id, customer_id, field, value, num) ",
            );
            insert.push_values(chunk, |mut row, (account_id, id, field, entry)| {
                row.push_bind(*account_id)
                    .push_bind(*id)
                    .push_bind(*field)
                    .push_bind(entry.text.as_str())
                    .push_bind(entry.num);
            });
            insert.push(" ON CONFLICT DO NOTHING");
            insert.build().persistent(false).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(jobs.iter().map(|job| job.customer.clone()).collect())
    }

    /// A single add (after a failed batch): a batch of one, in a transaction of its own.
    async fn write_one(conn: &mut SqliteConnection, job: &Self) -> StoreResult<Customer> {
        let mut written = Self::write_all(conn, std::slice::from_ref(job)).await?;
        written
            .pop()
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }
}
