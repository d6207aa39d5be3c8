//! The control plane (`/_emulator/*`).

mod clock;
mod faults;
mod guard;
mod journal;
mod tenants;
