//! DingTalk-style CRM records (`docs/dingtalk.md`): corps and their employee directories,
//! customers, their contacts and followers, and the API's runtime state (access tokens,
//! rate-limit windows). Reached through [`DingTalkStore`], the view `Store::dingtalk`
//! gives.
//!
//! Every method takes the caller's corp and touches only that corp's rows, so an id of
//! another corp behaves exactly like an id that does not exist. Multi-row changes run in
//! one transaction; a business failure (unknown id, unknown employee) returns early,
//! which drops the transaction and so rolls the whole change back.

mod contact_batch;
pub(crate) mod contacts;
pub(crate) mod corps;
mod counts;
pub(crate) mod customers;
pub(crate) mod employees;
pub(crate) mod followers;
mod query;
mod records;
mod records_read;
mod records_write;
mod roles;
mod tokens;

use std::sync::Arc;

use sqlx::FromRow;

use super::{
    cache::{ReadCache, TrustCache},
    changes::Topic,
    db::Db,
    error::{StoreError, StoreResult},
    exec::{Exec, Tx},
    tenants::Mode,
};

pub use contact_batch::{ContactChange, ItemOutcome};
pub use query::{Condition, Group, RecordField, RecordFilter};
pub use records::{
    ContactExtra, ContactRecord, CustomerExtra, CustomerRecord, Duplicates, Page, RecordPatch,
    Role, Saved, CONTACT_COLUMNS, CRM_CUSTOMER, CUSTOMER_COLUMNS, RELATION_TYPES,
};
pub use records_write::{CustomerChange, ExtraChange};
pub use roles::Share;
pub use tokens::{IssuedToken, TokenOwner};

/// Largest number of rows one multi-row statement writes or names: far below SQLite's
/// limit of bound variables, so a long list becomes a few statements, never one per row.
pub(crate) const CHUNK: usize = 500;

/// A DingTalk corp, with its credentials.
#[derive(Clone, Debug, FromRow)]
pub struct Corp {
    pub id: i64,
    pub corpid: String,
    pub corpsecret: String,
    pub appkey: Option<String>,
    pub appsecret: Option<String>,
    pub mode: Mode,
    pub rate_limit_per_minute: Option<i64>,
    pub created_at: i64,
}

/// What it takes to create a corp.
#[derive(Clone, Debug)]
pub struct NewCorp {
    pub corpid: String,
    pub corpsecret: String,
    pub appkey: Option<String>,
    pub appsecret: Option<String>,
    pub mode: Mode,
    pub rate_limit_per_minute: Option<i64>,
}

/// A partial change to a corp; `None` leaves a value as it is. For the nullable ones,
/// `Some(None)` clears the value.
#[derive(Clone, Debug, Default)]
pub struct CorpPatch {
    pub corpsecret: Option<String>,
    pub appkey: Option<Option<String>>,
    pub appsecret: Option<Option<String>>,
    pub mode: Option<Mode>,
    pub rate_limit_per_minute: Option<Option<i64>>,
}

/// One entry of a corp's employee directory.
#[derive(Clone, Debug, FromRow)]
pub struct Employee {
    pub userid: String,
    pub name: Option<String>,
    pub created_at: i64,
}

/// The corp a request acts for, as the store needs it.
#[derive(Clone, Copy, Debug)]
pub struct CorpScope {
    pub id: i64,
    /// Decides what happens to an unknown employee: registered (lenient) or refused.
    pub mode: Mode,
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
    pub extra: ContactExtra,
}

/// A customer to create, with its contacts and followers (de-duplicated, in order):
/// `followers` are owners, then `participants` (none of them owners).
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
    pub participants: Vec<String>,
    pub extra: CustomerExtra,
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
    /// Another customer of the corp has this name and relation type (a v1.0 write
    /// that asked for the check: [`Duplicates::Refuse`]).
    #[error("a customer with this name exists: {0}")]
    DuplicateName(i64),
}

pub type DtStoreResult<T> = Result<T, DtStoreError>;

/// The employees a write added to a lenient corp's directory, in the request's order
/// (empty for a strict corp, which refuses them instead).
pub type Registered = Vec<String>;

/// What the DingTalk view keeps between calls: answers it may reuse.
#[derive(Debug, Default)]
pub struct DingTalkState {
    /// The corp holding each recently checked access token.
    tokens: TrustCache<String, Arc<TokenOwner>>,
    /// Customer details, valid until the data generation moves (`Db::generation`).
    details: ReadCache<(i64, i64), Option<CustomerDetail>>,
}

impl DingTalkState {
    /// Forgets every reused answer (after a change to corps or to the whole state).
    pub fn clear(&self) {
        self.tokens.clear();
    }
}

/// The DingTalk API's operations on the store.
#[derive(Clone, Copy)]
pub struct DingTalkStore<'a> {
    db: &'a Db,
    state: &'a DingTalkState,
}

impl<'a> DingTalkStore<'a> {
    pub(crate) fn new(db: &'a Db, state: &'a DingTalkState) -> Self {
        DingTalkStore { db, state }
    }

    /// Commits a change to customers, contacts or followers. On Postgres the change is
    /// announced in the same transaction, so the other instances hear of it exactly
    /// when it commits; this process's cached details go stale at once.
    async fn commit(&self, mut tx: Tx<'_>) -> StoreResult<()> {
        if let Some(announcement) = self.db.announcement(Topic::DingTalk) {
            tx.execute(&announcement).await?;
        }
        tx.commit().await?;
        self.db.changes().bump();
        Ok(())
    }

    /// After a change to a corp: this process forgets its token answers, the others
    /// are told.
    async fn corps_changed(&self) {
        self.state.clear();
        self.db.tenants_changed().await;
    }
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
