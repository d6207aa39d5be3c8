//! Storage of the OpenAPI-style CRM (`docs/openapi.md`): accounts, custom fields,
//! customers with their search index, and signature replay records, reached through
//! [`OpenApiStore`], the view `Store::openapi` gives. Domain types only; the wire format
//! is the surface's (`crate::openapi`).

pub(crate) mod accounts;
mod counts;
pub mod customer;
pub(crate) mod customer_rows;
mod customers;
pub(crate) mod field_rows;
pub mod fields;
pub mod filter;
pub(crate) mod new_customer;
pub(crate) mod nonces;
mod sql;
pub(crate) mod writes;

use std::sync::Arc;

pub use accounts::{Account, AccountPatch, NewAccount};
pub use customer::{
    Contact, CustomChange, Customer, CustomerPatch, IndexEntry, OwnerChange, StoredValue,
};
pub use field_rows::{generate_field_id, CONTROL_PLANE_AGENT, LAST_SYSTEM_SORT};
pub use fields::{
    check_choices, type_names, CascadeNode, CascadeOptions, Choice, CustomField, CustomFieldUpdate,
    FieldType, NewCustomField, ValidCustomField, STATUS_DELETED, STATUS_OFF, STATUS_ON,
};
pub use filter::{
    Column, Condition, CustomerQuery, Op, Operand, Sort, SortKey, Target, MAX_CONDITIONS,
    MAX_CONDITION_VALUES,
};

use self::writes::{OpenApiWrites, Tally};
pub use self::{nonces::NonceUse, writes::SignedAdded};
use super::{cache::TrustCache, db::Db};

/// What the OpenAPI view keeps between calls: answers it may reuse, the path the
/// frequent writes take (`writes`), and what they wrote since the store's upkeep
/// last looked.
#[derive(Debug)]
pub struct OpenApiState {
    accounts: TrustCache<String, Arc<Account>>,
    fields: TrustCache<i64, Arc<Vec<CustomField>>>,
    writes: Box<dyn OpenApiWrites>,
    pub(crate) tally: Tally,
}

impl OpenApiState {
    pub(crate) fn new(writes: Box<dyn OpenApiWrites>) -> Self {
        OpenApiState {
            accounts: TrustCache::default(),
            fields: TrustCache::default(),
            writes,
            tally: Tally::default(),
        }
    }

    /// Forgets every reused answer (after a change to accounts, fields or the whole
    /// state).
    pub fn clear(&self) {
        self.accounts.clear();
        self.fields.clear();
    }
}

/// The OpenAPI API's operations on the store.
#[derive(Clone, Copy)]
pub struct OpenApiStore<'a> {
    db: &'a Db,
    state: &'a OpenApiState,
}

impl<'a> OpenApiStore<'a> {
    pub(crate) fn new(db: &'a Db, state: &'a OpenApiState) -> Self {
        OpenApiStore { db, state }
    }
}
