//! Rows of `oa_customers` and `oa_customer_values`: the column list, decoding a row
//! into a [`Customer`], and the binding helpers the queries share (macros, because each
//! expands once per backend inside `with_pool!`/`with_tx!`).

use serde_json::{Map, Value};
use sqlx::FromRow;

use super::customer::{Customer, CustomerPatch, IndexEntry};
use crate::store::{StoreError, StoreResult};

pub(crate) const COLUMNS: &str = "c.id, c.account_id, c.customer_name, c.owner, c.first_owner, \
    c.assign_time, c.first_assign_time, c.create_method, c.mobile, c.email, c.qq, c.wechat, \
    c.customer_source, c.visitor_id, c.open_sea_ids, c.custom_values, c.create_time, \
    c.update_time, c.create_agent, c.update_agent";

/// Index rows per statement: three binds each keeps far below both engines' limits.
pub(crate) const INDEX_CHUNK: usize = 500;

/// `INSERT INTO oa_customers (…) ` with the columns in `COLUMNS` order, unqualified:
/// the start of every statement that stores customers.
pub(crate) fn insert_columns() -> String {
    format!("INSERT INTO oa_customers ({}) ", COLUMNS.replace("c.", ""))
}

#[derive(FromRow)]
pub(crate) struct CustomerRow {
    id: i64,
    pub(crate) account_id: i64,
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

pub(crate) fn to_json<T: serde::Serialize>(value: &Option<T>) -> Option<String> {
    // Serializing plain strings and lists of them cannot fail.
    value.as_ref().and_then(|v| serde_json::to_string(v).ok())
}

impl CustomerRow {
    pub(crate) fn into_customer(self) -> StoreResult<Customer> {
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

/// Binds a [`Customer`]'s columns, in `COLUMNS` order, to a query (or, with
/// `push_bind`, to one row of a multi-row `QueryBuilder` insert).
macro_rules! bind_customer {
    ($query:expr, $c:expr) => {
        $crate::store::openapi::customer_rows::bind_customer!($query, $c, bind)
    };
    ($query:expr, $c:expr, $bind:ident) => {{
        let c: &$crate::store::openapi::Customer = $c;
        $query
            .$bind(c.id)
            .$bind(c.account_id)
            .$bind(&c.customer_name)
            .$bind(&c.owner)
            .$bind(&c.first_owner)
            .$bind(c.assign_time)
            .$bind(c.first_assign_time)
            .$bind(&c.create_method)
            .$bind($crate::store::openapi::customer_rows::to_json(&c.mobile))
            .$bind($crate::store::openapi::customer_rows::to_json(&c.email))
            .$bind($crate::store::openapi::customer_rows::to_json(&c.qq))
            .$bind($crate::store::openapi::customer_rows::to_json(&c.wechat))
            .$bind($crate::store::openapi::customer_rows::to_json(
                &c.customer_source,
            ))
            .$bind(&c.visitor_id)
            .$bind($crate::store::openapi::customer_rows::to_json(
                &c.open_sea_ids,
            ))
            .$bind(serde_json::to_string(&c.custom).unwrap_or_else(|_| "{}".into()))
            .$bind(c.create_time)
            .$bind(c.update_time)
            .$bind(&c.create_agent)
            .$bind(&c.update_agent)
    }};
}

/// Binds [`Operand`](super::filter::Operand)s in order.
macro_rules! bind_operands {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for operand in $binds {
            query = match operand {
                $crate::store::openapi::Operand::Text(s) => query.bind(s.as_str()),
                $crate::store::openapi::Operand::Int(i) => query.bind(*i),
                $crate::store::openapi::Operand::Real(f) => query.bind(*f),
            };
        }
        query
    }};
}

/// Writes search-index rows, a few hundred per statement; each row is
/// `(customer id, field, entry)`. The ids are our own integers, written inline.
macro_rules! insert_index {
    ($tx:expr, $account_id:expr, $rows:expr) => {{
        let rows: &[(i64, &str, &$crate::store::openapi::IndexEntry)] = $rows;
        for chunk in rows.chunks($crate::store::openapi::customer_rows::INDEX_CHUNK) {
            let tuples: Vec<String> = chunk
                .iter()
                .enumerate()
                .map(|(i, (customer_id, _, _))| {
                    let n = i * 3;
                    format!(
                        "({}, {}, ${}, ${}, ${})",
                        $account_id,
                        customer_id,
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
            for (_, field, entry) in chunk {
                query = query.bind(*field).bind(entry.text.as_str()).bind(entry.num);
            }
            query.execute(&mut *$tx).await?;
        }
    }};
}

/// The index rows a patch makes: every list-valued system field (they are cheap and
/// the owner rules may change `openSeaIds`) plus the custom values it touches.
pub(crate) fn index_rows<'a>(
    customer_id: i64,
    lists: &'a [(&'static str, Vec<IndexEntry>)],
    patch_custom: &'a [(String, Vec<IndexEntry>)],
) -> Vec<(i64, &'a str, &'a IndexEntry)> {
    lists
        .iter()
        .map(|(f, entries)| (*f, entries))
        .chain(
            patch_custom
                .iter()
                .map(|(f, entries)| (f.as_str(), entries)),
        )
        .flat_map(|(f, entries)| entries.iter().map(move |e| (customer_id, f, e)))
        .collect()
}

/// Splits the custom changes of a patch into (field, index entries); a cleared value
/// has no entries.
pub(super) fn custom_index(patch: &CustomerPatch) -> Vec<(String, Vec<IndexEntry>)> {
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

pub(super) use bind_operands;
pub(crate) use {bind_customer, insert_index};
