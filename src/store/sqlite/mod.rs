//! Machinery that exists only on SQLite, where this process is the only writer it
//! knows of: the writer turn ([`writer`]), group commit ([`batch`]), and a cache of
//! reads that stays valid until this process's next write ([`ReadCache`]).

pub mod batch;
pub mod writer;

use std::hash::Hash;

pub use writer::{WriteTurn, Writer};

use super::cache::TrustCache;

/// Values read from the database, answered again until this process writes anything.
///
/// Each entry carries the write generation read *before* its database read, and is
/// answered only while the generation is unchanged: any write of this process, to any
/// table, invalidates every entry, and an entry read concurrently with a write is born
/// stale. Another process writing the same file is not seen by the generation; the
/// entries' trust window ([`super::cache::TRUST`]) bounds that case (and a write whose
/// request timed out while its commit was still in flight) to a second.
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

    async fn writer() -> Writer {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("an in-memory pool");
        Writer::new(None, pool)
    }

    use sqlx::sqlite::SqlitePoolOptions;

    #[tokio::test]
    async fn any_write_turn_invalidates_every_entry() {
        let writer = writer().await;
        let cache = ReadCache::default();
        let before = writer.generation();
        cache.put((1, 1), before, Some("a"));
        cache.put((1, 2), before, None);
        assert_eq!(cache.get(&(1, 1), writer.generation()), Some(Some("a")));
        assert_eq!(cache.get(&(1, 2), writer.generation()), Some(None));
        drop(writer.turn().await.expect("a turn"));
        assert!(cache.get(&(1, 1), writer.generation()).is_none());
        assert!(cache.get(&(1, 2), writer.generation()).is_none());
    }

    #[tokio::test]
    async fn a_read_that_overlapped_a_write_is_never_served() {
        let writer = writer().await;
        let cache = ReadCache::default();
        let read_started = writer.generation();
        drop(writer.turn().await.expect("a turn")); // a write commits while the read runs
        cache.put((1, 1), read_started, "old");
        assert!(cache.get(&(1, 1), writer.generation()).is_none());
    }
}
