//! An in-process cache of validated access tokens, so that the token check of a hot
//! `/crm/...` call costs no database round trip.
//!
//! It can never accept a token the database would refuse for long: an entry is only
//! made from a database answer (or a token just issued), its expiry is checked against
//! the emulator's clock on every use, and it is trusted for at most [`TRUST`] of real
//! time before the database is asked again — so a token or corp removed by another
//! instance sharing the database stops working within a second. An entry that looks
//! expired is not an answer either: the database decides (another instance may have
//! renewed the token).

use std::{
    collections::HashMap,
    sync::{PoisonError, RwLock},
    time::{Duration, Instant},
};

use super::auth::Caller;

/// How long (real time) a database answer is trusted without asking again. Real time,
/// not the emulator's clock: this bounds staleness between instances, which moving the
/// emulator's clock must not stretch.
pub const TRUST: Duration = Duration::from_secs(1);

/// Most entries kept; past this, stale entries are dropped, then everything.
const CAPACITY: usize = 10_000;

struct Entry {
    caller: Caller,
    expires_at_ms: i64,
    checked: Instant,
}

/// Validated tokens of this process. Cheap to share behind an `Arc`.
#[derive(Default)]
pub struct TokenCache {
    entries: RwLock<HashMap<String, Entry>>,
}

impl TokenCache {
    /// The caller holding `token`, if a recent database answer says it is valid at
    /// `now_ms` (the emulator's clock).
    pub fn get(&self, token: &str, now_ms: i64) -> Option<Caller> {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.get(token)?;
        (now_ms < entry.expires_at_ms && entry.checked.elapsed() < TRUST)
            .then(|| entry.caller.clone())
    }

    /// Remembers that the database just said `token` belongs to `caller` until
    /// `expires_at_ms`.
    pub fn put(&self, token: String, caller: Caller, expires_at_ms: i64) {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY && !entries.contains_key(&token) {
            entries.retain(|_, e| e.checked.elapsed() < TRUST);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            token,
            Entry {
                caller,
                expires_at_ms,
                checked: Instant::now(),
            },
        );
    }

    /// Forgets every token (the control plane calls this when it resets or deletes
    /// tenants, so that nothing stale outlives the change on this instance).
    pub fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// How many tokens are cached.
    pub fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::store::{dingtalk::CorpScope, tenants::CorpMode};

    fn caller() -> Caller {
        Caller {
            scope: CorpScope {
                id: 1,
                mode: CorpMode::Lenient,
            },
            corpid: Arc::from("c"),
            rate_limit_per_minute: None,
        }
    }

    #[test]
    fn expired_entries_are_never_answers() {
        let cache = TokenCache::default();
        cache.put("t".into(), caller(), 1_000);
        assert!(cache.get("t", 999).is_some());
        assert!(cache.get("t", 1_000).is_none());
        assert!(cache.get("other", 0).is_none());
    }

    #[test]
    fn clearing_forgets_every_token() {
        let cache = TokenCache::default();
        cache.put("t".into(), caller(), 1_000);
        cache.clear();
        assert!(cache.is_empty());
        assert!(cache.get("t", 0).is_none());
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = TokenCache::default();
        for i in 0..CAPACITY + 10 {
            cache.put(format!("t{i}"), caller(), 1_000);
        }
        assert!(cache.len() <= CAPACITY);
    }
}
