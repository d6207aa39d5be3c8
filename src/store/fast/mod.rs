//! The fast path of the writes that come often: group commit, and the SQL written by
//! hand for it. Nothing outside this module batches writes or chains statements.
//!
//! Each write here has a plain twin in the module that owns its tables, an ordinary
//! transaction (`openapi::writes::Plain`, `emulator::journal::Plain`); the store takes
//! one path or the other when it connects (`WritePath`), behind the same methods.
//! `tests/api/store_paths.rs` runs both on the same inputs, on both backends, and
//! compares the answers and the stored rows.
//!
//! - `batch`: the queue and its lanes ([`batch::Job`]: a write that can be done with
//!   others of its kind; one bad job fails alone).
//! - `nonces`, `customers`, `signed_add`: the jobs (replay records, unsigned adds,
//!   signed adds with their replay records).
//! - `journal`: journal entries in one statement (the runtime's writer gathers them).
//! - `sql`: statements chained into one text, rows bound as arrays (`UNNEST`) or
//!   padded to a power of two (SQLite).

mod batch;
#[cfg(test)]
mod batch_tests;
mod customers;
#[cfg(test)]
mod jobs_tests;
mod journal;
mod nonces;
mod signed_add;
mod sql;

use std::sync::Arc;

pub(crate) use journal::FastJournal;

use super::{
    db::Db,
    error::StoreFuture,
    openapi::{
        customer::Customer,
        new_customer::NewCustomer,
        nonces::NonceUse,
        writes::{OpenApiWrites, SignedAdd, SignedAdded},
    },
};
use batch::Queue;

/// The group-commit queues of the OpenAPI writes: signed adds (their replay record and
/// customer together), replay records of the other requests (on `Db::relaxed`), and
/// unsigned adds.
#[derive(Debug)]
pub(crate) struct Fast {
    signed_adds: Queue<SignedAdd>,
    nonces: Queue<Arc<NonceUse>>,
    customers: Queue<NewCustomer>,
}

impl Fast {
    /// Starts the queues' lanes.
    pub(crate) fn spawn(db: &Db) -> Self {
        Fast {
            signed_adds: Queue::spawn(db.writes()),
            nonces: Queue::spawn(db.relaxed()),
            customers: Queue::spawn(db.writes()),
        }
    }
}

impl OpenApiWrites for Fast {
    fn add_signed<'a>(&'a self, _: &'a Db, add: SignedAdd) -> StoreFuture<'a, SignedAdded> {
        Box::pin(self.signed_adds.write(add))
    }

    fn record_nonce<'a>(&'a self, _: &'a Db, nonce: Arc<NonceUse>) -> StoreFuture<'a, bool> {
        Box::pin(self.nonces.write(nonce))
    }

    fn add<'a>(&'a self, _: &'a Db, add: NewCustomer) -> StoreFuture<'a, Customer> {
        Box::pin(self.customers.write(add))
    }
}
