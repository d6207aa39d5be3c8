//! The OpenAPI writes that come often — the signed add with its replay record, a
//! replay record alone, the unsigned add — and their plain path: each an ordinary
//! transaction (begin, statements, commit; an early `?` rolls it back), the way every
//! other write of the store is made.
//!
//! The store methods (`add_signed_customer`, `record_nonce_use`, `add_customer`) call
//! whichever [`OpenApiWrites`] the store was connected with: [`Plain`], or the batched
//! fast path of `store::fast` (group commit and the SQL it writes by hand), which
//! answers the same (`tests/api/store_paths.rs` runs both on the same inputs and
//! compares the answers and the stored rows).

use std::{
    fmt,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use super::{
    customer::Customer,
    new_customer::{insert_new, NewCustomer},
    nonces::{record, NonceUse},
};
use crate::store::{
    db::Db,
    error::{StoreFuture, StoreResult},
};

/// A signed add: its replay record and its customer.
pub(crate) struct SignedAdd {
    pub(crate) nonce: Arc<NonceUse>,
    /// Whether a replay is refused (nothing is added) or served (the account is
    /// lenient about replays).
    pub(crate) refuse_replay: bool,
    pub(crate) add: NewCustomer,
}

impl AsRef<NonceUse> for SignedAdd {
    fn as_ref(&self) -> &NonceUse {
        &self.nonce
    }
}

/// What a signed add did.
#[derive(Debug)]
pub struct SignedAdded {
    /// Whether the nonce was used for the first time (`false`: a replay).
    pub fresh: bool,
    /// The customer added; `None` for a refused replay.
    pub customer: Option<Customer>,
}

impl SignedAdd {
    /// What the add did, given whether its nonce was fresh: a refused replay adds
    /// nothing.
    pub(crate) fn added(&self, fresh: bool) -> SignedAdded {
        SignedAdded {
            fresh,
            customer: self.admitted(fresh).then(|| self.add.customer.clone()),
        }
    }

    /// Whether its customer is stored, given whether its nonce was fresh.
    pub(crate) fn admitted(&self, fresh: bool) -> bool {
        fresh || !self.refuse_replay
    }
}

/// How the frequent OpenAPI writes are made: [`Plain`], or `store::fast`'s batches.
pub(crate) trait OpenApiWrites: Send + Sync + fmt::Debug {
    /// Records the add's nonce and, unless it is a replay the add refuses, stores its
    /// customer: both or neither.
    fn add_signed<'a>(&'a self, db: &'a Db, add: SignedAdd) -> StoreFuture<'a, SignedAdded>;
    /// Records a nonce on its own (on `Db::relaxed`); whether it was its first use.
    fn record_nonce<'a>(&'a self, db: &'a Db, nonce: Arc<NonceUse>) -> StoreFuture<'a, bool>;
    /// Stores a customer and its index rows.
    fn add<'a>(&'a self, db: &'a Db, add: NewCustomer) -> StoreFuture<'a, Customer>;
}

/// Each write its own transaction.
#[derive(Debug)]
pub(crate) struct Plain;

impl OpenApiWrites for Plain {
    fn add_signed<'a>(&'a self, db: &'a Db, add: SignedAdd) -> StoreFuture<'a, SignedAdded> {
        Box::pin(async move {
            let mut conn = db.write().await?;
            let mut tx = conn.begin().await?;
            let fresh = record(&mut tx, db.backend(), &add.nonce).await?;
            if add.admitted(fresh) {
                insert_new(&mut tx, &add.add).await?;
            }
            tx.commit().await?;
            Ok(add.added(fresh))
        })
    }

    fn record_nonce<'a>(&'a self, db: &'a Db, nonce: Arc<NonceUse>) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut conn = db.relaxed().handle().await?;
            let mut tx = conn.begin().await?;
            let fresh = record(&mut tx, db.backend(), &nonce).await?;
            tx.commit().await?;
            Ok(fresh)
        })
    }

    fn add<'a>(&'a self, db: &'a Db, add: NewCustomer) -> StoreFuture<'a, Customer> {
        Box::pin(async move {
            let mut conn = db.write().await?;
            let mut tx = conn.begin().await?;
            insert_new(&mut tx, &add).await?;
            tx.commit().await?;
            Ok(add.customer)
        })
    }
}

/// What the store's upkeep (`store::upkeep`) needs to know of the writes: how many
/// replay records and customers were written since it last looked.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    nonces: AtomicU64,
    customers: AtomicU64,
}

impl Tally {
    pub(crate) fn nonce(&self) {
        self.nonces.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn customer(&self) {
        self.customers.fetch_add(1, Ordering::Relaxed);
    }

    /// (replay records, customers) written since the last call.
    pub(crate) fn take(&self) -> (u64, u64) {
        (
            self.nonces.swap(0, Ordering::Relaxed),
            self.customers.swap(0, Ordering::Relaxed),
        )
    }
}

/// A write's result, unchanged, once it is counted in `tally` (when it succeeded).
pub(crate) fn counted<T>(result: StoreResult<T>, count: impl FnOnce()) -> StoreResult<T> {
    if result.is_ok() {
        count();
    }
    result
}
