//! The whole state as one value (`docs/control-plane.md#export-and-import`): every tenant
//! and all of its data, and nothing of the runtime state (tokens, rate windows, replay
//! records).
//!
//! `Store::snapshot` reads it (`read`) and `Store::restore` replaces the database's
//! state with it (`write`), each in one transaction. The types are domain types; the
//! wire document is the control plane's (`crate::admin::export`).

pub(crate) mod read;
pub(crate) mod write;

use sqlx::FromRow;

use super::{
    dingtalk::{CustomerExtra, Employee, NewCorp},
    openapi::{CustomField, Customer, IndexEntry, NewAccount},
};

/// Every tenant with its data, tenants in key order.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub corps: Vec<CorpData>,
    pub accounts: Vec<AccountData>,
}

/// A DingTalk corp, its employee directory and its customers (oldest id first).
#[derive(Clone, Debug)]
pub struct CorpData {
    pub corp: NewCorp,
    pub created_at: i64,
    pub employees: Vec<Employee>,
    pub customers: Vec<DtCustomerData>,
}

/// A DingTalk customer with its contacts (by id) and followers (in the order added).
#[derive(Clone, Debug)]
pub struct DtCustomerData {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub description: String,
    pub telephone: String,
    pub create_by: String,
    pub modified_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The DingTalk v1.0 columns.
    pub extra: CustomerExtra,
    pub contacts: Vec<DtContactData>,
    pub followers: Vec<FollowerData>,
}

/// A contact of a DingTalk customer.
#[derive(Clone, Debug, FromRow)]
pub struct DtContactData {
    pub id: i64,
    pub name: String,
    pub mobile: String,
    pub attached: String,
    pub create_by: Option<String>,
    pub modified_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The DingTalk v1.0 columns.
    pub creator_userid: String,
    pub data_extra: String,
    pub extend_data: String,
}

/// An employee following a DingTalk customer.
#[derive(Clone, Debug, FromRow)]
pub struct FollowerData {
    pub userid: String,
    pub create_by: Option<String>,
    pub created_at: i64,
    /// `owner` or `participant`.
    pub role: String,
}

/// An OpenAPI account, its custom fields (in `sort` order) and its customers.
#[derive(Clone, Debug)]
pub struct AccountData {
    pub account: NewAccount,
    pub created_at: i64,
    /// `account_id` is ignored on restore.
    pub fields: Vec<CustomField>,
    pub customers: Vec<IndexedCustomer>,
}

/// An OpenAPI customer as stored, with the search-index entries of its custom values
/// (the list-valued system fields index themselves, see [`Customer::list_index`]).
/// A snapshot read from the database leaves `custom_index` empty.
#[derive(Clone, Debug)]
pub struct IndexedCustomer {
    /// `account_id` is ignored on restore.
    pub record: Customer,
    pub custom_index: Vec<(String, Vec<IndexEntry>)>,
}

/// Rows per multi-row statement: at most 20 binds each, far below both engines' limits.
const ROWS: usize = 200;

/// The tables whose planner statistics a restore refreshes: those searched by more
/// than their key.
pub(crate) const ANALYZED: &[&str] = &["oa_customers", "oa_customer_values", "dt_customers"];
