//! DingTalk-style CRM records (SPEC §1): customers, their contacts, the employees who
//! follow them, and the API's runtime state (access tokens, rate-limit windows).
//!
//! Every method takes the caller's corp and touches only that corp's rows, so an id of
//! another corp behaves exactly like an id that does not exist. Multi-row changes run in
//! one transaction; a business failure (unknown id, unknown employee) returns early,
//! which rolls the whole change back.

mod contacts;
mod customers;
mod employees;
mod followers;
mod runtime;

use sqlx::{Database, Encode, FromRow, QueryBuilder, Type};

use super::{tenants::CorpMode, StoreError};

pub use runtime::{IssuedToken, TokenOwner};

/// Largest number of rows one multi-row statement writes or names: far below SQLite's
/// limit of bound variables, so a long list becomes a few statements, never one per row.
pub(crate) const CHUNK: usize = 500;

/// The corp a request acts for, as the store needs it.
#[derive(Clone, Copy, Debug)]
pub struct CorpScope {
    pub id: i64,
    /// Decides what happens to an unknown employee: registered (lenient) or refused.
    pub mode: CorpMode,
}

/// A customer as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub description: String,
    pub telephone: String,
    pub create_by: String,
}

/// A customer contact as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Contact {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub mobile: String,
    pub attached: String,
}

/// A customer with its contacts (oldest first) and followers (in the order added).
#[derive(Clone, Debug)]
pub struct CustomerDetail {
    pub customer: Customer,
    pub contacts: Vec<Contact>,
    pub followers: Vec<String>,
}

/// One page of a corp's customers, oldest first.
#[derive(Clone, Debug)]
pub struct CustomerPage {
    pub customers: Vec<Customer>,
    pub has_more: bool,
}

/// The text fields of a contact.
#[derive(Clone, Debug, Default)]
pub struct ContactFields {
    pub name: String,
    pub mobile: String,
    pub attached: String,
}

/// A contact to create, with its id already allocated.
#[derive(Clone, Debug)]
pub struct NewContact {
    pub id: i64,
    pub fields: ContactFields,
}

/// A customer to create, with its contacts and followers (de-duplicated, in order).
#[derive(Clone, Debug)]
pub struct NewCustomer {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub description: String,
    pub telephone: String,
    pub create_by: String,
    pub contacts: Vec<NewContact>,
    pub followers: Vec<String>,
}

/// A partial customer update: `None` keeps the stored value.
#[derive(Clone, Debug, Default)]
pub struct CustomerPatch {
    pub name: Option<String>,
    pub address: Option<String>,
    pub description: Option<String>,
    pub telephone: Option<String>,
    pub modified_by: Option<String>,
}

/// Why a DingTalk write or read did not happen.
#[derive(Debug, thiserror::Error)]
pub enum DtStoreError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The employee is not in a strict corp's directory.
    #[error("not an employee of the corp: {0}")]
    UnknownEmployee(String),
    /// These customer ids do not exist in the corp.
    #[error("unknown customers: {0:?}")]
    UnknownCustomers(Vec<i64>),
    /// These contact ids do not exist in the corp.
    #[error("unknown contacts: {0:?}")]
    UnknownContacts(Vec<i64>),
    /// The employee does not follow the customer.
    #[error("unknown employee-customer relation")]
    UnknownRelation,
}

impl From<sqlx::Error> for DtStoreError {
    fn from(err: sqlx::Error) -> Self {
        DtStoreError::Store(err.into())
    }
}

pub type DtStoreResult<T> = Result<T, DtStoreError>;

/// Appends ` IN ($n, $n+1, …)` binding `values`, for a chunk of at most [`CHUNK`].
fn push_in<'args, DB, T>(qb: &mut QueryBuilder<'args, DB>, values: impl IntoIterator<Item = T>)
where
    DB: Database,
    T: 'args + Encode<'args, DB> + Type<DB>,
{
    qb.push(" IN (");
    let mut list = qb.separated(", ");
    for value in values {
        list.push_bind(value);
    }
    list.push_unseparated(")");
}

/// The ids of `wanted` that are not in `found`, in `wanted`'s order.
fn missing(wanted: &[i64], found: &[i64]) -> Vec<i64> {
    let found: std::collections::HashSet<i64> = found.iter().copied().collect();
    wanted
        .iter()
        .copied()
        .filter(|id| !found.contains(id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::missing;

    #[test]
    fn missing_keeps_the_order_of_the_request() {
        assert_eq!(missing(&[3, 1, 2], &[2]), vec![3, 1]);
        assert!(missing(&[1], &[1]).is_empty());
    }
}
