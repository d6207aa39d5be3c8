//! This instance among the others sharing its database
//! (`docs/instances.md#shared-state`): its registration, the id worker number it leases,
//! and the task that renews the lease.
//!
//! A lease lasts [`LEASE`] and is renewed every [`RENEW_EVERY`], so a number is free
//! again within [`LEASE`] of its holder dying, and a holder that cannot reach the
//! database for several renewals in a row still keeps it. An instance that finds its
//! number taken (it was cut off for longer than a lease) leases another and switches
//! its id generator to it, above the last millisecond the new number was used for.

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use tokio::task::JoinHandle;

use crate::{
    ids::IdGenerator,
    store::{emulator::Lease, Store, StoreResult},
};

/// How long a lease lasts without renewal.
pub const LEASE: Duration = Duration::from_secs(10);
/// How often the lease is renewed.
pub const RENEW_EVERY: Duration = Duration::from_secs(2);
/// How soon a failed renewal is tried again: once the database is back, the lease is
/// renewed (or, if lost, another taken) within this.
const RETRY_EVERY: Duration = Duration::from_millis(250);
/// Longest a renewal may take: a connection that died silently must not stop them.
const RENEW_LIMIT: Duration = Duration::from_secs(2);
/// How long a number given back stays unused: ids minted ahead of the clock (a
/// millisecond whose 4096 ids are spent borrows the next) must lie in the past.
const RELEASE_GRACE: Duration = Duration::from_secs(1);

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// This instance: its registration and its id generator.
#[derive(Debug)]
pub struct Instance {
    store: Store,
    lease: Mutex<Lease>,
    ids: Arc<IdGenerator>,
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl Instance {
    /// Registers this instance in `store` and leases it a worker number.
    pub async fn register(store: &Store) -> StoreResult<Instance> {
        let lease = store
            .emulator()
            .register_instance(VERSION, millis(LEASE))
            .await?;
        tracing::debug!(
            instance = lease.instance,
            worker = lease.worker,
            "worker number leased"
        );
        Ok(Instance {
            store: store.clone(),
            ids: Arc::new(IdGenerator::above(lease.worker, lease.id_floor_ms)),
            lease: Mutex::new(lease),
        })
    }

    /// This instance's id, as the journal and `GET /_emulator/instances` show it.
    pub fn id(&self) -> i64 {
        self.lease().instance
    }

    /// The worker number this instance holds now.
    pub fn worker(&self) -> i64 {
        self.lease().worker
    }

    /// This instance's id generator.
    pub fn ids(&self) -> &Arc<IdGenerator> {
        &self.ids
    }

    fn lease(&self) -> Lease {
        *self.lease.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts renewing the lease every [`RENEW_EVERY`] (every 250 ms after a
    /// failure) until the task is aborted.
    pub fn keep(self: &Arc<Self>) -> JoinHandle<()> {
        let instance = self.clone();
        tokio::spawn(async move {
            let mut pause = RENEW_EVERY;
            loop {
                tokio::time::sleep(pause).await;
                let renewed = tokio::time::timeout(RENEW_LIMIT, instance.renew()).await;
                pause = match renewed {
                    Ok(Ok(())) => RENEW_EVERY,
                    Ok(Err(err)) => {
                        tracing::warn!(error = %crate::telemetry::chain(&err), "could not renew the worker number's lease");
                        RETRY_EVERY
                    }
                    Err(_) => {
                        tracing::warn!("renewing the worker number's lease took too long");
                        RETRY_EVERY
                    }
                };
            }
        })
    }

    async fn renew(&self) -> StoreResult<()> {
        let lease = self.lease();
        let emulator = self.store.emulator();
        if emulator
            .renew_lease(&lease, millis(LEASE), self.ids.last_ms())
            .await?
        {
            return Ok(());
        }
        tracing::warn!(
            worker = lease.worker,
            "the worker number's lease was lost: leasing another"
        );
        let new = emulator
            .lease_worker(lease.instance, VERSION, millis(LEASE))
            .await?;
        self.ids.switch(new.worker, new.id_floor_ms);
        *self.lease.lock().unwrap_or_else(PoisonError::into_inner) = new;
        Ok(())
    }

    /// Gives the worker number back (at shutdown, after the last request).
    pub async fn release(&self) {
        let lease = self.lease();
        let released = self
            .store
            .emulator()
            .release_lease(&lease, millis(RELEASE_GRACE), self.ids.last_ms())
            .await;
        if let Err(err) = released {
            tracing::warn!(error = %crate::telemetry::chain(&err), "could not give the worker number back; it frees itself when its lease expires");
        }
    }
}
