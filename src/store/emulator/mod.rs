//! The emulator's own tables: leased id worker numbers (`instances`) and the runtime
//! state that instances sharing a Postgres database share (`faults`, `clock`,
//! `journal`), and integration coverage's counts (`coverage`, on both backends),
//! reached through [`EmulatorStore`], the view `Store::emulator` gives.
//!
//! The store keeps rules and journal entries as JSON text it does not read: their
//! types belong to the runtime services (`crate::runtime`), which decide what is kept
//! in memory (SQLite) and what here (Postgres).

mod clock;
mod coverage;
mod faults;
mod instances;
pub(crate) mod journal;

pub use coverage::CoverageRow;
pub use faults::FaultRow;
pub use instances::{InstanceRow, Lease};
pub use journal::{JournalQuery, JournalRow};

use super::{changes::Topic, db::Db};
use journal::JournalWrites;

/// The emulator's bookkeeping and shared runtime state.
#[derive(Clone, Copy)]
pub struct EmulatorStore<'a> {
    db: &'a Db,
    /// The path journal entries take (`journal::Plain` or `store::fast`).
    journal: &'a dyn JournalWrites,
}

impl<'a> EmulatorStore<'a> {
    pub(crate) fn new(db: &'a Db, journal: &'a dyn JournalWrites) -> Self {
        EmulatorStore { db, journal }
    }

    /// Tells the other instances that `topic` changed.
    async fn announce(&self, topic: Topic) {
        self.db.announce(topic).await;
    }
}
