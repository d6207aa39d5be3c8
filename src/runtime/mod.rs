//! The runtime services the surfaces share, below them and above the store: the
//! emulator's clock, the request journal and the fault injection rules. Each is
//! in-memory state of one instance; none knows which surface calls it.

pub mod clock;
pub mod faults;
pub mod journal;
pub mod rules;
