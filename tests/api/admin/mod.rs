//! The control plane (`/_emulator/*`).

mod clock;
mod guard;
mod journal;
mod tenants;
