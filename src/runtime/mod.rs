//! The runtime services the surfaces share, below them and above the store: the
//! emulator's clock, the request journal, the fault injection rules, the rulebook, the
//! metrics, and this instance's registration among those sharing its database. None knows
//! which surface calls it. Each keeps its state in this process's memory on SQLite; on
//! Postgres the clock offset, the fault rules and the journal are shared by every
//! instance through the database (`docs/instances.md#shared-state`), behind the same
//! interface, and `sync` keeps the local copies in step. The metrics are per instance;
//! integration coverage's counts are kept in the database on both backends.

pub mod clock;
pub mod coverage;
pub mod faults;
pub mod instances;
pub mod journal;
pub mod metrics;
pub mod rules;
pub mod sync;
