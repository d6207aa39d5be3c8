//! Rows of `oa_customers` and of its search index `oa_customer_values`: the column
//! list, decoding a row into a [`Customer`], and the one insert of each table, shared
//! by the add, the update, the batch and the restore.

use std::sync::LazyLock;

use serde_json::{Map, Value};
use sqlx::FromRow;

use super::customer::{Customer, CustomerPatch, IndexEntry};
use crate::store::{
    columns::{from_json, from_json_opt, to_json, to_json_opt},
    error::StoreResult,
    stmt::{Arg, Stmt},
};

/// The columns of `oa_customers`, in the order of [`values`] and [`TYPES`].
pub(crate) const NAMES: [&str; 20] = [
    "id",
    "account_id",
    "customer_name",
    "owner",
    "first_owner",
    "assign_time",
    "first_assign_time",
    "create_method",
    "mobile",
    "email",
    "qq",
    "wechat",
    "customer_source",
    "visitor_id",
    "open_sea_ids",
    "custom_values",
    "create_time",
    "update_time",
    "create_agent",
    "update_agent",
];

/// [`NAMES`] qualified by the alias `c` the queries use (a unit test checks they agree).
pub(crate) const COLUMNS: &str = "c.id, c.account_id, c.customer_name, c.owner, c.first_owner, \
    c.assign_time, c.first_assign_time, c.create_method, c.mobile, c.email, c.qq, c.wechat, \
    c.customer_source, c.visitor_id, c.open_sea_ids, c.custom_values, c.create_time, \
    c.update_time, c.create_agent, c.update_agent";

/// Index rows per statement: five binds each keeps far below both engines' limits.
pub(crate) const INDEX_CHUNK: usize = 500;

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

impl CustomerRow {
    pub(crate) fn into_customer(self) -> StoreResult<Customer> {
        let custom: Map<String, Value> = from_json(&self.custom_values)?;
        Ok(Customer {
            id: self.id,
            account_id: self.account_id,
            customer_name: self.customer_name,
            owner: self.owner,
            first_owner: self.first_owner,
            assign_time: self.assign_time,
            first_assign_time: self.first_assign_time,
            create_method: self.create_method,
            mobile: from_json_opt(self.mobile)?,
            email: from_json_opt(self.email)?,
            qq: from_json_opt(self.qq)?,
            wechat: from_json_opt(self.wechat)?,
            customer_source: from_json_opt(self.customer_source)?,
            visitor_id: self.visitor_id,
            open_sea_ids: from_json_opt(self.open_sea_ids)?,
            custom,
            create_time: self.create_time,
            update_time: self.update_time,
            create_agent: self.create_agent,
            update_agent: self.update_agent,
        })
    }
}

/// The column values of a customer, in `COLUMNS` order, beginning with `id` and
/// `account_id` (an update sets the others).
pub(crate) fn values(c: &Customer) -> [Arg<'_>; 20] {
    [
        c.id.into(),
        c.account_id.into(),
        (&c.customer_name).into(),
        (&c.owner).into(),
        (&c.first_owner).into(),
        c.assign_time.into(),
        c.first_assign_time.into(),
        (&c.create_method).into(),
        to_json_opt(&c.mobile).into(),
        to_json_opt(&c.email).into(),
        to_json_opt(&c.qq).into(),
        to_json_opt(&c.wechat).into(),
        to_json_opt(&c.customer_source).into(),
        (&c.visitor_id).into(),
        to_json_opt(&c.open_sea_ids).into(),
        to_json(&c.custom).into(),
        c.create_time.into(),
        c.update_time.into(),
        (&c.create_agent).into(),
        (&c.update_agent).into(),
    ]
}

/// `INSERT INTO oa_customers (…)` with the columns in [`NAMES`] order.
pub(crate) static INSERT: LazyLock<String> =
    LazyLock::new(|| format!("INSERT INTO oa_customers ({})", NAMES.join(", ")));

/// `UPDATE oa_customers SET …` of every column but the key, whose binds are the
/// values in [`NAMES`] order.
static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let assignments: Vec<String> = NAMES
        .iter()
        .enumerate()
        .skip(2)
        .map(|(i, column)| format!("{column} = ${}", i + 1))
        .collect();
    format!(
        "UPDATE oa_customers SET {} WHERE id = $1 AND account_id = $2",
        assignments.join(", ")
    )
});

/// The Postgres types of the columns, in [`NAMES`] order.
pub(crate) const TYPES: [&str; 20] = [
    "bigint", "bigint", "text", "text", "text", "bigint", "bigint", "text", "text", "text", "text",
    "text", "text", "text", "text", "text", "bigint", "bigint", "text", "text",
];

/// The one insert of customers (each keeps its own `account_id`).
pub(crate) fn insert<'a>(customers: impl IntoIterator<Item = &'a Customer>) -> Stmt<'a> {
    let mut stmt = Stmt::new(INSERT.as_str());
    stmt.push_rows(customers.into_iter().map(values).collect());
    stmt
}

/// Stores every column of `customer` but its key.
pub(crate) fn update(customer: &Customer) -> Stmt<'_> {
    values(customer)
        .into_iter()
        .fold(Stmt::new(UPDATE.as_str()), |stmt, value| stmt.bind(value))
}

/// One row of the search index: (account id, customer id, field, entry).
pub(crate) type IndexRow<'a> = (i64, i64, &'a str, &'a IndexEntry);

/// `INSERT INTO oa_customer_values (…)` with the columns of [`index_values`].
pub(crate) const INSERT_INDEX: &str =
    "INSERT INTO oa_customer_values (account_id, customer_id, field, value, num)";

/// The one insert of search-index rows, at most [`INDEX_CHUNK`] of them.
pub(crate) fn insert_index<'a>(rows: &[IndexRow<'a>]) -> Stmt<'a> {
    let mut stmt = Stmt::new(INSERT_INDEX);
    stmt.push_rows(rows.iter().map(index_values).collect());
    stmt.push(" ON CONFLICT DO NOTHING");
    stmt
}

/// The column values of an index row.
pub(crate) fn index_values<'a>(
    &(account_id, customer_id, field, entry): &IndexRow<'a>,
) -> [Arg<'a>; 5] {
    [
        account_id.into(),
        customer_id.into(),
        field.into(),
        entry.text.as_str().into(),
        entry.num.into(),
    ]
}

/// The Postgres types of an index row's columns.
pub(crate) const INDEX_TYPES: [&str; 5] = ["bigint", "bigint", "text", "text", "float8"];

/// The index rows of a customer: every list-valued system field (they are cheap and
/// the owner rules may change `openSeaIds`) plus the custom values given.
pub(crate) fn index_rows<'a>(
    customer: &Customer,
    lists: &'a [(&'static str, Vec<IndexEntry>)],
    custom: &'a [(String, Vec<IndexEntry>)],
) -> Vec<IndexRow<'a>> {
    let (account_id, customer_id) = (customer.account_id, customer.id);
    lists
        .iter()
        .map(|(f, entries)| (*f, entries))
        .chain(custom.iter().map(|(f, entries)| (f.as_str(), entries)))
        .flat_map(|(f, entries)| entries.iter().map(move |e| (account_id, customer_id, f, e)))
        .collect()
}

/// Splits the custom changes of a patch into (field, index entries); a cleared value
/// has no entries.
pub(crate) fn custom_index(patch: &CustomerPatch) -> Vec<(String, Vec<IndexEntry>)> {
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_qualified_columns_are_the_names() {
        let qualified: Vec<String> = super::NAMES.iter().map(|n| format!("c.{n}")).collect();
        assert_eq!(super::COLUMNS, qualified.join(", "));
    }
}
