//! The customer record of an account (`docs/openapi.md#the-customer-record`) and the
//! rules that change it.
//!
//! Add and update share one path: the surface turns a request into a
//! [`CustomerPatch`], and [`Customer::apply`] applies it to a blank record (add) or to
//! the stored one (update), so the owner and open-sea rules live in one place.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `createAgent` / `updateAgent` of records written through the API.
pub const API_AGENT: &str = "openApi";

/// One element of `mobile`, `email`, `qq` or `wechat`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

/// A customer as stored. `None` means never set (the key is omitted on the wire).
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    pub id: i64,
    pub account_id: i64,
    pub customer_name: String,
    pub owner: Option<String>,
    pub first_owner: Option<String>,
    pub assign_time: Option<i64>,
    pub first_assign_time: Option<i64>,
    pub create_method: String,
    pub mobile: Option<Vec<Contact>>,
    pub email: Option<Vec<Contact>>,
    pub qq: Option<Vec<Contact>>,
    pub wechat: Option<Vec<Contact>>,
    pub customer_source: Option<Vec<String>>,
    pub visitor_id: Option<String>,
    pub open_sea_ids: Option<Vec<String>>,
    /// Custom values by field id, in the order they were first set.
    pub custom: Map<String, Value>,
    pub create_time: i64,
    pub update_time: i64,
    pub create_agent: String,
    pub update_agent: String,
}

/// How a request changes the owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerChange {
    /// An employee id: the customer leaves any open sea.
    Employee(String),
    /// One of the account's open-sea ids: the customer goes to that pool, unowned.
    OpenSea(String),
    /// `null` or `""`: no owner.
    Clear,
}

/// A custom value ready to store: its canonical JSON and its search-index entries.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredValue {
    pub json: Value,
    pub index: Vec<IndexEntry>,
}

/// One row of the search index: the text form and, for numbers and dates, the number.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexEntry {
    pub text: String,
    pub num: Option<f64>,
}

impl IndexEntry {
    pub fn text(text: impl Into<String>) -> Self {
        IndexEntry {
            text: text.into(),
            num: None,
        }
    }
}

/// A change to a custom value: `None` clears it.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomChange {
    pub field: String,
    pub value: Option<StoredValue>,
}

/// What an add or update request changes. For every `Option<Option<T>>`: `None` leaves
/// the value alone, `Some(None)` clears it (never set again), `Some(Some(v))` sets it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerPatch {
    pub customer_name: Option<String>,
    pub owner: Option<OwnerChange>,
    pub assign_time: Option<Option<i64>>,
    pub create_method: Option<String>,
    pub mobile: Option<Option<Vec<Contact>>>,
    pub email: Option<Option<Vec<Contact>>>,
    pub qq: Option<Option<Vec<Contact>>>,
    pub wechat: Option<Option<Vec<Contact>>>,
    pub customer_source: Option<Option<Vec<String>>>,
    pub visitor_id: Option<Option<String>>,
    pub open_sea_ids: Option<Option<Vec<String>>>,
    pub custom: Vec<CustomChange>,
}

/// The index fields of the list-valued system fields, as named on the wire.
pub const LIST_FIELDS: [&str; 6] = [
    "mobile",
    "email",
    "qq",
    "wechat",
    "customerSource",
    "openSeaIds",
];

impl Customer {
    /// A record with nothing set yet, created at `now_ms` by the API.
    pub fn blank(account_id: i64, id: i64, now_ms: i64) -> Self {
        Customer {
            id,
            account_id,
            customer_name: String::new(),
            owner: None,
            first_owner: None,
            assign_time: None,
            first_assign_time: None,
            create_method: String::new(),
            mobile: None,
            email: None,
            qq: None,
            wechat: None,
            customer_source: None,
            visitor_id: None,
            open_sea_ids: None,
            custom: Map::new(),
            create_time: now_ms,
            update_time: now_ms,
            create_agent: API_AGENT.into(),
            update_agent: API_AGENT.into(),
        }
    }

    /// Applies `patch` at `now_ms`: setting an employee owner sets
    /// `assignTime` (the given one, else now) and, the first time, `firstOwner` /
    /// `firstAssignTime`; an open-sea id or a non-empty `openSeaIds` puts the customer in
    /// that pool with no owner. Re-sending the current owner changes nothing, so clients
    /// that send whole records do not reset `assignTime`.
    pub fn apply(&mut self, patch: CustomerPatch, now_ms: i64) {
        let given_assign_time = patch.assign_time;
        set(&mut self.customer_name, patch.customer_name);
        set(&mut self.create_method, patch.create_method);
        set(&mut self.mobile, patch.mobile);
        set(&mut self.email, patch.email);
        set(&mut self.qq, patch.qq);
        set(&mut self.wechat, patch.wechat);
        set(&mut self.customer_source, patch.customer_source);
        set(&mut self.visitor_id, patch.visitor_id);
        if let Some(Some(pools)) = &patch.open_sea_ids {
            if !pools.is_empty() {
                self.leave_owner();
            }
        }
        set(&mut self.open_sea_ids, patch.open_sea_ids);
        match patch.owner {
            Some(OwnerChange::Employee(owner)) if self.owner.as_ref() != Some(&owner) => {
                let at = given_assign_time.flatten().unwrap_or(now_ms);
                self.assign(owner, at);
            }
            Some(OwnerChange::OpenSea(pool)) => {
                self.leave_owner();
                self.open_sea_ids = Some(vec![pool]);
            }
            Some(OwnerChange::Clear) => self.leave_owner(),
            Some(OwnerChange::Employee(_)) | None => {}
        }
        // An explicit assignTime is the client's word, whatever the owner rules did.
        set(&mut self.assign_time, given_assign_time);
        for change in patch.custom {
            match change.value {
                Some(value) => {
                    self.custom.insert(change.field, value.json);
                }
                None => {
                    self.custom.shift_remove(&change.field);
                }
            }
        }
        self.update_time = now_ms;
        self.update_agent = API_AGENT.into();
    }

    fn assign(&mut self, owner: String, at: i64) {
        if self.first_owner.is_none() {
            self.first_owner = Some(owner.clone());
            self.first_assign_time = Some(at);
        }
        self.owner = Some(owner);
        self.assign_time = Some(at);
        // An owned customer is in no pool; the key stays if it was ever set.
        if let Some(pools) = &mut self.open_sea_ids {
            pools.clear();
        }
    }

    fn leave_owner(&mut self) {
        self.owner = None;
        self.assign_time = None;
    }

    /// The search-index entries of the list-valued system fields, by field.
    pub fn list_index(&self) -> Vec<(&'static str, Vec<IndexEntry>)> {
        let contacts = |list: &Option<Vec<Contact>>| {
            list.iter()
                .flatten()
                .map(|c| IndexEntry::text(c.value.clone()))
                .collect()
        };
        let strings = |list: &Option<Vec<String>>| {
            list.iter()
                .flatten()
                .map(|s| IndexEntry::text(s.clone()))
                .collect()
        };
        vec![
            ("mobile", contacts(&self.mobile)),
            ("email", contacts(&self.email)),
            ("qq", contacts(&self.qq)),
            ("wechat", contacts(&self.wechat)),
            ("customerSource", strings(&self.customer_source)),
            ("openSeaIds", strings(&self.open_sea_ids)),
        ]
    }
}

fn set<T>(slot: &mut T, change: Option<T>) {
    if let Some(value) = change {
        *slot = value;
    }
}

#[cfg(test)]
#[path = "customer_tests.rs"]
mod tests;
