//! The runtime services the surfaces share, below them and above the store: the
//! emulator's clock, the request journal, the fault injection rules, the rulebook and
//! the metrics. Each is in-memory state of one instance; none knows which surface calls
//! it.

pub mod clock;
pub mod faults;
pub mod journal;
pub mod metrics;
pub mod rules;
