//! Storing, reading and searching customers (`oa_customers` and its search index
//! `oa_customer_values`). Every statement is scoped by `account_id`, so another
//! account's id behaves exactly like an unknown one.

use serde_json::{Map, Value};
use sqlx::FromRow;

use super::{
    customer::{Customer, CustomerPatch, IndexEntry, LIST_FIELDS},
    filter::{CustomerQuery, Operand},
    sql::{order_by, where_clause},
};
use crate::store::{with_pool, with_tx, Backend, Store, StoreError, StoreResult};

const COLUMNS: &str = "c.id, c.account_id, c.customer_name, c.owner, c.first_owner, \
    c.assign_time, c.first_assign_time, c.create_method, c.mobile, c.email, c.qq, c.wechat, \
    c.customer_source, c.visitor_id, c.open_sea_ids, c.custom_values, c.create_time, \
    c.update_time, c.create_agent, c.update_agent";

/// Index rows per statement: three binds each keeps far below both engines' limits.
const INDEX_CHUNK: usize = 500;

#[derive(FromRow)]
struct CustomerRow {
    id: i64,
    account_id: i64,
    customer_name: String,
    owner: Option<String>,
    first_owner: Option<String>,
    assign_time: Option<i64>,
    first_assign_time: Option<i64>,
    create_method: String,
    mobile: Option<String>,
    email: Option<String>,
    qq: Option<String>,
    wechat: Option<String>,
    customer_source: Option<String>,
    visitor_id: Option<String>,
    open_sea_ids: Option<String>,
    custom_values: String,
    create_time: i64,
    update_time: i64,
    create_agent: String,
    update_agent: String,
}

fn from_json<T: serde::de::DeserializeOwned>(text: Option<String>) -> StoreResult<Option<T>> {
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

fn to_json<T: serde::Serialize>(value: &Option<T>) -> Option<String> {
    // Serializing plain strings and lists of them cannot fail.
    value.as_ref().and_then(|v| serde_json::to_string(v).ok())
}

impl CustomerRow {
    fn into_customer(self) -> StoreResult<Customer> {
        let custom: Map<String, Value> = from_json(Some(self.custom_values))?.unwrap_or_default();
        Ok(Customer {
            id: self.id,
            account_id: self.account_id,
            customer_name: self.customer_name,
            owner: self.owner,
            first_owner: self.first_owner,
            assign_time: self.assign_time,
            first_assign_time: self.first_assign_time,
            create_method: self.create_method,
            mobile: from_json(self.mobile)?,
            email: from_json(self.email)?,
            qq: from_json(self.qq)?,
            wechat: from_json(self.wechat)?,
            customer_source: from_json(self.customer_source)?,
            visitor_id: self.visitor_id,
            open_sea_ids: from_json(self.open_sea_ids)?,
            custom,
            create_time: self.create_time,
            update_time: self.update_time,
            create_agent: self.create_agent,
            update_agent: self.update_agent,
        })
    }
}

/// Binds a [`Customer`]'s columns, in `COLUMNS` order, to a query.
macro_rules! bind_customer {
    ($query:expr, $c:expr) => {{
        let c: &Customer = $c;
        $query
            .bind(c.id)
            .bind(c.account_id)
            .bind(&c.customer_name)
            .bind(&c.owner)
            .bind(&c.first_owner)
            .bind(c.assign_time)
            .bind(c.first_assign_time)
            .bind(&c.create_method)
            .bind(to_json(&c.mobile))
            .bind(to_json(&c.email))
            .bind(to_json(&c.qq))
            .bind(to_json(&c.wechat))
            .bind(to_json(&c.customer_source))
            .bind(&c.visitor_id)
            .bind(to_json(&c.open_sea_ids))
            .bind(serde_json::to_string(&c.custom).unwrap_or_else(|_| "{}".into()))
            .bind(c.create_time)
            .bind(c.update_time)
            .bind(&c.create_agent)
            .bind(&c.update_agent)
    }};
}

/// Binds [`Operand`]s in order.
macro_rules! bind_operands {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for operand in $binds {
            query = match operand {
                Operand::Text(s) => query.bind(s.as_str()),
                Operand::Int(i) => query.bind(*i),
                Operand::Real(f) => query.bind(*f),
            };
        }
        query
    }};
}

/// Writes the search-index rows of one customer, a few hundred per statement.
/// `account_id` and `customer_id` are our own integers, written inline.
macro_rules! insert_index {
    ($tx:expr, $account_id:expr, $customer_id:expr, $rows:expr) => {{
        let rows: &[(&str, &IndexEntry)] = $rows;
        for chunk in rows.chunks(INDEX_CHUNK) {
            let tuples: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let n = i * 3;
                    format!(
                        "({}, {}, ${}, ${}, ${})",
                        $account_id,
                        $customer_id,
                        n + 1,
                        n + 2,
                        n + 3
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO oa_customer_values (account_id, customer_id, field, value, num) \
                 VALUES {} ON CONFLICT DO NOTHING",
                tuples.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (field, entry) in chunk {
                query = query.bind(*field).bind(entry.text.as_str()).bind(entry.num);
            }
            query.execute(&mut *$tx).await?;
        }
    }};
}

/// The index rows a patch makes: every list-valued system field (they are cheap and
/// the owner rules may change `openSeaIds`) plus the custom values it touches.
fn index_rows<'a>(
    lists: &'a [(&'static str, Vec<IndexEntry>)],
    patch_custom: &'a [(String, Vec<IndexEntry>)],
) -> Vec<(&'a str, &'a IndexEntry)> {
    lists
        .iter()
        .map(|(f, entries)| (*f, entries))
        .chain(
            patch_custom
                .iter()
                .map(|(f, entries)| (f.as_str(), entries)),
        )
        .flat_map(|(f, entries)| entries.iter().map(move |e| (f, e)))
        .collect()
}

/// Splits the custom changes of a patch into (field, index entries); a cleared value
/// has no entries.
fn custom_index(patch: &CustomerPatch) -> Vec<(String, Vec<IndexEntry>)> {
    patch
        .custom
        .iter()
        .map(|c| {
            let entries = c
                .value
                .as_ref()
                .map(|v| v.index.clone())
                .unwrap_or_default();
            (c.field.clone(), entries)
        })
        .collect()
}

impl Store {
    /// Creates a customer from `patch` with id `id`: the record and its search index in
    /// one transaction.
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
        let lists = customer.list_index();
        let rows = index_rows(&lists, &custom);
        let placeholders: Vec<String> = (1..=20).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO oa_customers ({}) VALUES ({})",
            COLUMNS.replace("c.", ""),
            placeholders.join(", ")
        );
        with_tx!(self, |tx| {
            bind_customer!(sqlx::query(&sql), &customer)
                .execute(&mut *tx)
                .await?;
            insert_index!(tx, account_id, id, &rows);
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
            let rows = index_rows(&lists, &custom);
            insert_index!(tx, account_id, id, &rows);
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
        let done = with_pool!(self, |pool| sqlx::query(sql)
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
        let filter = where_clause(self.backend(), account_id, &query.conditions);
        let count_sql = format!("SELECT COUNT(*) FROM oa_customers c WHERE {}", filter.text);
        let mut page = filter.clone();
        let (join, order) = order_by(&mut page, &query.sort);
        let limit = page.bind(Operand::Int(query.limit));
        let offset = page.bind(Operand::Int(query.offset));
        let page_sql = format!(
            "SELECT {COLUMNS} FROM oa_customers c{join} WHERE {} ORDER BY {order} \
             LIMIT {limit} OFFSET {offset}",
            filter.text
        );
        let (count, rows): (i64, Vec<CustomerRow>) = with_pool!(self, |pool| {
            let count = bind_operands!(sqlx::query_scalar(&count_sql), &filter.binds)
                .fetch_one(pool)
                .await?;
            let rows = bind_operands!(sqlx::query_as(&page_sql), &page.binds)
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
}
