//! When the store's upkeep task (`Store::upkeep`) does its chores: pruning expired
//! replay records, and refreshing the planner's statistics as the searched tables grow.
//!
//! Statistics matter on both backends: without them SQLite's planner walks an
//! account's customers in `createTime` order instead of using a selective search index,
//! and on a Postgres server whose autovacuum is off (or behind) a filtered list went
//! from milliseconds to seconds at a few thousand customers. The emulator therefore
//! does not wait for the server: it runs `ANALYZE` itself once the customers written
//! since the last one reach a fifth of those written before it (at least
//! [`ANALYZE_AFTER`]), much as autovacuum's own threshold grows with the table.

use std::time::{Duration, Instant};

/// How often the task looks at what was written.
pub(crate) const TICK: Duration = Duration::from_secs(1);

/// Replay records recorded since the last pruning that call for the next.
const PRUNE_AFTER: u64 = 1024;
/// The longest time between two prunings while anything is recorded.
const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// The fewest customers written that call for an `ANALYZE`.
const ANALYZE_AFTER: u64 = 500;

/// What to do now.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Chores {
    pub(crate) prune: bool,
    pub(crate) analyze: bool,
}

/// What the task counted since its chores were last done.
#[derive(Debug)]
pub(crate) struct Upkeep {
    nonces: u64,
    pruned_at: Instant,
    /// Customers written since the last `ANALYZE`, and before it.
    customers: u64,
    analyzed: u64,
}

impl Upkeep {
    pub(crate) fn new(now: Instant) -> Self {
        Upkeep {
            nonces: 0,
            pruned_at: now,
            customers: 0,
            analyzed: 0,
        }
    }

    /// Counts what was written since the last tick (`nonces`, `customers`); the chores
    /// due at `now`, counted as done.
    pub(crate) fn tick(&mut self, nonces: u64, customers: u64, now: Instant) -> Chores {
        self.nonces += nonces;
        self.customers += customers;
        let prune = self.nonces >= PRUNE_AFTER
            || (self.nonces > 0 && now.duration_since(self.pruned_at) >= PRUNE_EVERY);
        if prune {
            self.nonces = 0;
            self.pruned_at = now;
        }
        let analyze = self.customers >= ANALYZE_AFTER.max(self.analyzed / 5);
        if analyze {
            self.analyzed += self.customers;
            self.customers = 0;
        }
        Chores { prune, analyze }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_pruned_after_many_or_after_a_while() {
        let start = Instant::now();
        let mut upkeep = Upkeep::new(start);
        assert!(!upkeep.tick(PRUNE_AFTER - 1, 0, start).prune);
        assert!(upkeep.tick(1, 0, start).prune);
        assert!(!upkeep.tick(0, 0, start + PRUNE_EVERY).prune, "nothing new");
        assert!(!upkeep.tick(1, 0, start + PRUNE_EVERY / 2).prune);
        assert!(upkeep.tick(0, 0, start + PRUNE_EVERY).prune);
    }

    #[test]
    fn statistics_are_refreshed_as_the_tables_grow_by_a_fifth() {
        let start = Instant::now();
        let mut upkeep = Upkeep::new(start);
        let mut analyses = 0;
        for _ in 0..1000 {
            if upkeep.tick(0, 100, start).analyze {
                analyses += 1;
            }
        }
        // 100 000 customers: at 500, then at each fifth more (a geometric series).
        assert!((15..=30).contains(&analyses), "{analyses} analyses");
    }
}
