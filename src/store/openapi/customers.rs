//! Storing, reading and searching customers (`oa_customers` and its search index
//! `oa_customer_values`). Every statement is scoped by `account_id`, so another
//! account's id behaves exactly like an unknown one.

use std::sync::Arc;

use super::{
    counts::customer_count,
    customer::{Customer, CustomerPatch, LIST_FIELDS},
    customer_rows::{
        self, custom_index, index_rows, insert_index, CustomerRow, COLUMNS, INDEX_CHUNK,
    },
    filter::{CustomerQuery, Operand},
    new_customer::NewCustomer,
    nonces::NonceUse,
    sql::{order_by, where_clause},
    writes::{counted, SignedAdd, SignedAdded},
    OpenApiStore,
};
use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt};

impl OpenApiStore<'_> {
    /// Creates a customer from `patch` with id `id`: the record and its search index in
    /// one transaction (on the fast path, shared with the other adds pending: see
    /// `super::writes`).
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
        let job = NewCustomer { customer, custom };
        let added = self.state.writes.add(self.db, job).await;
        counted(added, || self.state.tally.customer())
    }

    /// Records `nonce` and, unless it is a replay that `refuse_replay` refuses, creates a
    /// customer as [`OpenApiStore::add_customer`] does: both in one transaction (on the
    /// fast path, shared with the other signed adds pending: see `super::writes`).
    #[tracing::instrument(skip_all, fields(account_id, id))]
    pub async fn add_signed_customer(
        &self,
        nonce: Arc<NonceUse>,
        refuse_replay: bool,
        id: i64,
        patch: CustomerPatch,
        now_ms: i64,
    ) -> StoreResult<SignedAdded> {
        let custom = custom_index(&patch);
        let mut customer = Customer::blank(nonce.account_id, id, now_ms);
        customer.apply(patch, now_ms);
        let add = NewCustomer { customer, custom };
        let job = SignedAdd {
            nonce,
            refuse_replay,
            add,
        };
        let added = self.state.writes.add_signed(self.db, job).await;
        if let Ok(added) = &added {
            self.state.tally.nonce();
            if added.customer.is_some() {
                self.state.tally.customer();
            }
        }
        added
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
        let select = Stmt::new(format!(
            "SELECT {COLUMNS} FROM oa_customers c WHERE c.account_id = $1 AND c.id = $2{}",
            self.db.backend().lock_row()
        ))
        .bind(account_id)
        .bind(id);
        let custom = custom_index(&patch);
        let mut clear = Stmt::new(
            "DELETE FROM oa_customer_values WHERE account_id = $1 AND customer_id = $2 AND field",
        )
        .bind(account_id)
        .bind(id);
        clear.push_in(
            LIST_FIELDS
                .iter()
                .copied()
                .chain(custom.iter().map(|(f, _)| f.as_str())),
        );
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let Some(row) = tx.fetch_optional::<CustomerRow>(&select).await? else {
            return Ok(None);
        };
        let mut customer = row.into_customer()?;
        customer.apply(patch, now_ms);
        tx.execute(&customer_rows::update(&customer)).await?;
        tx.execute(&clear).await?;
        let lists = customer.list_index();
        let rows = index_rows(&customer, &lists, &custom);
        for chunk in rows.chunks(INDEX_CHUNK) {
            tx.execute(&insert_index(chunk).transient()).await?;
        }
        tx.commit().await?;
        Ok(Some(customer))
    }

    /// The account's customer `id`, if any.
    #[tracing::instrument(skip_all, fields(account_id, id))]
    pub async fn customer_by_id(&self, account_id: i64, id: i64) -> StoreResult<Option<Customer>> {
        let stmt = Stmt::new(format!(
            "SELECT {COLUMNS} FROM oa_customers c WHERE c.account_id = $1 AND c.id = $2"
        ))
        .bind(account_id)
        .bind(id);
        let row: Option<CustomerRow> = self.db.read().await?.fetch_optional(&stmt).await?;
        row.map(CustomerRow::into_customer).transpose()
    }

    /// Deletes the account's customer `id` and its index rows, in one transaction (on
    /// Postgres no foreign key cascades to them: see migration 0011). Whether it
    /// existed.
    #[tracing::instrument(skip_all, fields(account_id, id))]
    pub async fn delete_customer(&self, account_id: i64, id: i64) -> StoreResult<bool> {
        let index =
            Stmt::new("DELETE FROM oa_customer_values WHERE account_id = $1 AND customer_id = $2")
                .bind(account_id)
                .bind(id);
        let customer = Stmt::new("DELETE FROM oa_customers WHERE account_id = $1 AND id = $2")
            .bind(account_id)
            .bind(id);
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        tx.execute(&index).await?;
        let deleted = tx.execute(&customer).await?;
        tx.commit().await?;
        Ok(deleted > 0)
    }

    /// One page of the account's customers matching `query`, and how many match in
    /// all. Both are computed by the database from the same `WHERE`, on one connection;
    /// without conditions the count is the account's kept count (`counts`), not a walk
    /// over its customers.
    #[tracing::instrument(skip_all, fields(account_id))]
    pub async fn find_customers(
        &self,
        account_id: i64,
        query: &CustomerQuery,
    ) -> StoreResult<(Vec<Customer>, i64)> {
        let (count, page) = self.customer_sql(account_id, query);
        let mut conn = self.db.read().await?;
        let count = if query.conditions.is_empty() {
            customer_count(&mut conn, account_id).await?
        } else {
            conn.fetch_one::<(i64,)>(&count).await?.0
        };
        let rows: Vec<CustomerRow> = conn.fetch_all(&page).await?;
        let customers = rows
            .into_iter()
            .map(CustomerRow::into_customer)
            .collect::<StoreResult<_>>()?;
        Ok((customers, count))
    }

    /// The count query of a search and its page query.
    fn customer_sql(
        &self,
        account_id: i64,
        query: &CustomerQuery,
    ) -> (Stmt<'static>, Stmt<'static>) {
        let filter = where_clause(self.db.backend(), account_id, &query.conditions);
        let plan_per_call = filter.plan_per_call;
        let count =
            filter.to_stmt(|filter| format!("SELECT COUNT(*) FROM oa_customers c WHERE {filter}"));
        let mut page = filter;
        let (join, order) = order_by(&mut page, &query.sort);
        let limit = page.bind(Operand::Int(query.limit));
        let offset = page.bind(Operand::Int(query.offset));
        let page = page.to_stmt(|filter| {
            format!(
                "SELECT {COLUMNS} FROM oa_customers c{join} WHERE {filter} ORDER BY {order} \
                 LIMIT {limit} OFFSET {offset}"
            )
        });
        // Postgres plans a prepared statement for its parameters five times, then may
        // keep one generic plan for any parameters, and a generic plan cannot tell a
        // selective `LIKE '%a9x2kq%'` from a loose one: it walks the account's customers
        // in `createTime` order, a million rows for one match. Such a search is sent
        // unnamed, planned for its own values each time (one more round trip per
        // statement; other searches stay prepared).
        if plan_per_call {
            return (count.transient(), page.transient());
        }
        (count, page)
    }

    /// The database's plan for the page query of [`OpenApiStore::find_customers`], one
    /// line per plan row: which indexes a search uses.
    #[doc(hidden)]
    pub async fn explain_find_customers(
        &self,
        account_id: i64,
        query: &CustomerQuery,
    ) -> StoreResult<Vec<String>> {
        let (_, page) = self.customer_sql(account_id, query);
        self.db.explain(&page).await
    }
}
