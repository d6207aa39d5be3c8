//! The control plane (`/_emulator/*`).

mod clock;
mod console;
mod document;
mod export;
mod faults;
mod fields;
mod guard;
mod journal;
mod metrics;
mod reset;
mod schema;
mod tenants;
