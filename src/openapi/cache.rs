//! An in-process cache of accounts (by appid) and of their custom-field configuration,
//! so that a signed call does not read either from the database every time.
//!
//! Like the DingTalk token cache, an entry is made only from a database answer and is
//! trusted for at most [`TRUST`] of real time, so a change made through another
//! instance sharing the database applies within a second; the control plane of this
//! instance clears the cache on every change to accounts, custom fields or whole state.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, PoisonError, RwLock},
    time::{Duration, Instant},
};

use crate::{
    state::AppState,
    store::{openapi::CustomField, tenants::Account, StoreResult},
};

/// How long (real time) a database answer is trusted without asking again.
pub const TRUST: Duration = Duration::from_secs(1);

/// Most entries kept per map; past this, the map starts over.
const CAPACITY: usize = 10_000;

struct Timed<T> {
    value: T,
    checked: Instant,
}

struct Map<K, V>(RwLock<HashMap<K, Timed<V>>>);

impl<K: Eq + Hash, V: Clone> Map<K, V> {
    fn get(&self, key: &K) -> Option<V> {
        let map = self.0.read().unwrap_or_else(PoisonError::into_inner);
        map.get(key)
            .filter(|t| t.checked.elapsed() < TRUST)
            .map(|t| t.value.clone())
    }

    fn put(&self, key: K, value: V) {
        let mut map = self.0.write().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= CAPACITY {
            map.clear();
        }
        let checked = Instant::now();
        map.insert(key, Timed { value, checked });
    }

    fn clear(&self) {
        self.0
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

impl<K, V> Default for Map<K, V> {
    fn default() -> Self {
        Map(RwLock::default())
    }
}

/// Accounts and custom fields this process read recently. Cheap to share behind an `Arc`.
#[derive(Default)]
pub struct AccountCache {
    accounts: Map<String, Arc<Account>>,
    fields: Map<i64, Arc<Vec<CustomField>>>,
}

impl AccountCache {
    /// Forgets everything (after any control-plane change to accounts or fields).
    pub fn clear(&self) {
        self.accounts.clear();
        self.fields.clear();
    }
}

/// The account with this appid: from the cache, or one indexed lookup.
pub async fn account(state: &AppState, appid: &str) -> StoreResult<Option<Arc<Account>>> {
    if let Some(account) = state.account_cache.accounts.get(&appid.to_owned()) {
        return Ok(Some(account));
    }
    let Some(account) = state.store.account_by_appid(appid).await? else {
        return Ok(None);
    };
    let account = Arc::new(account);
    state
        .account_cache
        .accounts
        .put(appid.to_owned(), account.clone());
    Ok(Some(account))
}

/// Every custom field of the account (deleted ones included), in `sort` order: from
/// the cache, or one indexed read.
pub async fn custom_fields(
    state: &AppState,
    account_id: i64,
) -> StoreResult<Arc<Vec<CustomField>>> {
    if let Some(fields) = state.account_cache.fields.get(&account_id) {
        return Ok(fields);
    }
    let fields = Arc::new(state.store.custom_fields(account_id).await?);
    state.account_cache.fields.put(account_id, fields.clone());
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_trusted_for_a_second_and_cleared_on_demand() {
        let map: Map<i64, &str> = Map::default();
        map.put(1, "a");
        assert_eq!(map.get(&1), Some("a"));
        map.0.write().unwrap().get_mut(&1).unwrap().checked -= TRUST;
        assert_eq!(map.get(&1), None, "a stale answer must be asked again");
        map.put(1, "b");
        map.clear();
        assert_eq!(map.get(&1), None);
    }
}
