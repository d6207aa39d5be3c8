//! One bounded cache type for answers the store may reuse for a short while: the
//! DingTalk token owners, the OpenAPI accounts and custom fields, and the customer
//! details (see [`ReadCache`]).
//!
//! An entry is made only from a database answer and is trusted for at most [`TRUST`]
//! of real time; the store clears a cache whenever it writes what the cache holds.
//! Real time, not the emulator's clock: the window bounds how long a change made by
//! another instance sharing the database can go unseen, which moving the emulator's
//! clock must not stretch.

use std::{
    borrow::Borrow,
    collections::HashMap,
    hash::Hash,
    sync::{PoisonError, RwLock},
    time::{Duration, Instant},
};

/// How long (real time) a database answer is trusted without asking again.
pub const TRUST: Duration = Duration::from_secs(1);

/// Most entries kept; past this, stale entries are dropped, then everything.
const CAPACITY: usize = 10_000;

struct Entry<V> {
    value: V,
    checked: Instant,
}

/// Values by key, each trusted for [`TRUST`] after it was read. Readers share a lock;
/// a write takes it alone, briefly.
pub struct TrustCache<K, V> {
    entries: RwLock<HashMap<K, Entry<V>>>,
}

impl<K, V> Default for TrustCache<K, V> {
    fn default() -> Self {
        TrustCache {
            entries: RwLock::default(),
        }
    }
}

impl<K, V> std::fmt::Debug for TrustCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrustCache")
    }
}

impl<K: Eq + Hash, V: Clone> TrustCache<K, V> {
    /// The value read for `key` less than [`TRUST`] ago, if any.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.get(key)?;
        (entry.checked.elapsed() < TRUST).then(|| entry.value.clone())
    }

    /// Remembers what the database just answered for `key`.
    pub fn put(&self, key: K, value: V) {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.retain(|_, e| e.checked.elapsed() < TRUST);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        let checked = Instant::now();
        entries.insert(key, Entry { value, checked });
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// How many entries are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Values read from the database, answered again until the data generation moves
/// (`Db::generation`: on SQLite any write of this process; on Postgres any DingTalk
/// write of this process or announced by another instance).
///
/// Each entry carries the generation read *before* its database read, and is answered
/// only while the generation is unchanged: an entry read concurrently with a write is
/// born stale. A write the generation does not see (another process on the same SQLite
/// file, an announcement lost with the listener's connection, a write whose request
/// timed out while its commit was still in flight) is bounded by the entries' trust
/// window ([`TRUST`]) to a second.
pub struct ReadCache<K, V> {
    entries: TrustCache<K, (u64, V)>,
}

impl<K, V> std::fmt::Debug for ReadCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadCache")
    }
}

impl<K, V> Default for ReadCache<K, V> {
    fn default() -> Self {
        ReadCache {
            entries: TrustCache::default(),
        }
    }
}

impl<K: Eq + Hash, V: Clone> ReadCache<K, V> {
    /// The value cached for `key` at `generation`, if nothing was written since.
    pub fn get(&self, key: &K, generation: u64) -> Option<V> {
        self.entries
            .get(key)
            .and_then(|(at, value)| (at == generation).then_some(value))
    }

    /// Remembers what a read that started at `generation` found.
    pub fn put(&self, key: K, generation: u64, value: V) {
        self.entries.put(key, (generation, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_trusted_for_a_while_and_cleared_on_demand() {
        let cache: TrustCache<String, i64> = TrustCache::default();
        cache.put("a".into(), 1);
        assert_eq!(cache.get("a"), Some(1));
        assert_eq!(cache.get("b"), None);
        cache.entries.write().unwrap().get_mut("a").unwrap().checked -= TRUST;
        assert_eq!(cache.get("a"), None, "a stale answer must be asked again");
        cache.put("a".into(), 2);
        cache.clear();
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache: TrustCache<usize, ()> = TrustCache::default();
        for i in 0..CAPACITY + 10 {
            cache.put(i, ());
        }
        assert!(cache.len() <= CAPACITY);
    }
}
