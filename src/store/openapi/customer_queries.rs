//! Storing, reading and searching customers (`oa_customers` and its search index
//! `oa_customer_values`). Every statement is scoped by `account_id`, so another
//! account's id behaves exactly like an unknown one.

use super::sql::Sql;
use super::{
    customer::{Customer, CustomerPatch, LIST_FIELDS},
    customer_batch::NewCustomer,
    customer_rows::{
        bind_customer, bind_operands, custom_index, index_rows, insert_columns, insert_index,
        CustomerRow, COLUMNS,
    },
    filter::{CustomerQuery, Operand},
    sql::{order_by, where_clause},
};
use crate::store::{with_pool, with_tx, with_write, Backend, Pool, Store, StoreResult};

impl Store {
    /// Creates a customer from `patch` with id `id`: the record and its search index in
    /// one transaction (on SQLite, shared with the other adds pending: see
    /// [`crate::store::batch`]).
    #[tracing::instrument(skip_all, fields(account_id, id))]
    pub async fn add_customer(
        &self,
        account_id: i64,
        id: i64,
        patch: CustomerPatch,
        now_ms: i64,
    ) -> StoreResult<Customer> {
        let custom = custom_index(&patch);
        let mut customer = Customer::blank(account_id, id, now_ms);
        customer.apply(patch, now_ms);
        if let Some(queues) = &self.batches {
            let job = NewCustomer { customer, custom };
            return queues.customers.write(job).await;
        }
        let lists = customer.list_index();
        let rows = index_rows(id, &lists, &custom);
        let placeholders: Vec<String> = (1..=20).map(|i| format!("${i}")).collect();
        let sql = format!("{}VALUES ({})", insert_columns(), placeholders.join(", "));
        with_tx!(self, |tx| {
            bind_customer!(sqlx::query(&sql), &customer)
                .execute(&mut *tx)
                .await?;
            insert_index!(tx, account_id, &rows);
        });
        Ok(customer)
    }

    /// Applies `patch` to the account's customer `id` in one transaction (the row is
    /// locked meanwhile). `None` when the account has no such customer.
    #[tracing::instrument(skip_all, fields(account_id, id))]
    pub async fn update_customer(
        &self,
        account_id: i64,
        id: i64,
        patch: CustomerPatch,
        now_ms: i64,
    ) -> StoreResult<Option<Customer>> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "", // BEGIN IMMEDIATE already holds the write lock.
        };
        let select = format!(
            "SELECT {COLUMNS} FROM oa_customers c WHERE c.account_id = $1 AND c.id = $2{lock}"
        );
        let assignments: Vec<String> = COLUMNS
            .replace("c.", "")
            .split(", ")
            .enumerate()
            .skip(2)
            .map(|(i, column)| format!("{column} = ${}", i + 1))
            .collect();
        let update = format!(
            "UPDATE oa_customers SET {} WHERE id = $1 AND account_id = $2",
            assignments.join(", ")
        );
        let custom = custom_index(&patch);
        let touched: Vec<String> = LIST_FIELDS
            .iter()
            .map(|f| (*f).to_owned())
            .chain(custom.iter().map(|(f, _)| f.clone()))
            .collect();
        let clear = format!(
            "DELETE FROM oa_customer_values WHERE account_id = $1 AND customer_id = $2 \
             AND field IN ({})",
            (3..touched.len() + 3)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let customer = with_tx!(self, |tx| {
            let row: Option<CustomerRow> = sqlx::query_as(&select)
                .bind(account_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else { return Ok(None) };
            let mut customer = row.into_customer()?;
            customer.apply(patch, now_ms);
            bind_customer!(sqlx::query(&update), &customer)
                .execute(&mut *tx)
                .await?;
            let mut query = sqlx::query(&clear).bind(account_id).bind(id);
            for field in &touched {
                query = query.bind(field.as_str());
            }
            query.execute(&mut *tx).await?;
            let lists = customer.list_index();
            let rows = index_rows(id, &lists, &custom);
            insert_index!(tx, account_id, &rows);
            customer
        });
        Ok(Some(customer))
    }

    /// The account's customer `id`, if any.
    #[tracing::instrument(skip_all, fields(account_id, id))]
    pub async fn customer_by_id(&self, account_id: i64, id: i64) -> StoreResult<Option<Customer>> {
        let sql =
            format!("SELECT {COLUMNS} FROM oa_customers c WHERE c.account_id = $1 AND c.id = $2");
        let row: Option<CustomerRow> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(account_id)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        row.map(CustomerRow::into_customer).transpose()
    }

    /// Deletes the account's customer `id` and (by cascade, in the same statement) its
    /// index rows. Whether it existed.
    #[tracing::instrument(skip_all, fields(account_id, id))]
    pub async fn delete_customer(&self, account_id: i64, id: i64) -> StoreResult<bool> {
        let sql = "DELETE FROM oa_customers WHERE account_id = $1 AND id = $2";
        let done = with_write!(self, |pool| sqlx::query(sql)
            .bind(account_id)
            .bind(id)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(done > 0)
    }

    /// One page of the account's customers matching `query`, and how many match in
    /// all. Both are computed by the database from the same `WHERE`.
    #[tracing::instrument(skip_all, fields(account_id))]
    pub async fn find_customers(
        &self,
        account_id: i64,
        query: &CustomerQuery,
    ) -> StoreResult<(Vec<Customer>, i64)> {
        let (filter, page) = self.customer_sql(account_id, query);
        let count_sql = format!("SELECT COUNT(*) FROM oa_customers c WHERE {}", filter.text);
        let (count, rows): (i64, Vec<CustomerRow>) = with_pool!(self, |pool| {
            let count = bind_operands!(sqlx::query_scalar(&count_sql), &filter.binds)
                .fetch_one(pool)
                .await?;
            let rows = bind_operands!(sqlx::query_as(&page.text), &page.binds)
                .fetch_all(pool)
                .await?;
            (count, rows)
        });
        let customers = rows
            .into_iter()
            .map(CustomerRow::into_customer)
            .collect::<StoreResult<_>>()?;
        Ok((customers, count))
    }

    /// The `WHERE` of a search (with its binds) and the whole page query.
    fn customer_sql(&self, account_id: i64, query: &CustomerQuery) -> (Sql, Sql) {
        let filter = where_clause(self.backend(), account_id, &query.conditions);
        let mut page = filter.clone();
        let (join, order) = order_by(&mut page, &query.sort);
        let limit = page.bind(Operand::Int(query.limit));
        let offset = page.bind(Operand::Int(query.offset));
        page.text = format!(
            "SELECT {COLUMNS} FROM oa_customers c{join} WHERE {} ORDER BY {order} \
             LIMIT {limit} OFFSET {offset}",
            filter.text
        );
        (filter, page)
    }

    /// The database's plan for the page query of [`Store::find_customers`], one line per
    /// plan row: which indexes a search uses. On Postgres sequential scans are
    /// discouraged for the explanation (`SET LOCAL enable_seqscan = off`), so the plan
    /// shows the indexes a search can use even on a table too small to need them.
    #[doc(hidden)]
    pub async fn explain_find_customers(
        &self,
        account_id: i64,
        query: &CustomerQuery,
    ) -> StoreResult<Vec<String>> {
        let (_, page) = self.customer_sql(account_id, query);
        let lines = match &self.pool {
            Pool::Sqlite(pool) => {
                // A plan is made when a statement is prepared, from the connection's
                // copy of the schema and statistics; reading the schema table first
                // brings that copy up to date.
                let mut conn = pool.acquire().await?;
                sqlx::query("SELECT COUNT(*) FROM sqlite_schema")
                    .execute(&mut *conn)
                    .await?;
                let sql = format!("EXPLAIN QUERY PLAN {}", page.text);
                let rows: Vec<(i64, i64, i64, String)> =
                    bind_operands!(sqlx::query_as(&sql), &page.binds)
                        .fetch_all(&mut *conn)
                        .await?;
                rows.into_iter().map(|row| row.3).collect()
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET LOCAL enable_seqscan = off")
                    .execute(&mut *tx)
                    .await?;
                let sql = format!("EXPLAIN {}", page.text);
                let lines: Vec<String> = bind_operands!(sqlx::query_scalar(&sql), &page.binds)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.rollback().await?;
                lines
            }
        };
        Ok(lines)
    }
}
