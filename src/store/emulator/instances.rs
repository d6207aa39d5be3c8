//! Leased id worker numbers (`docs/instances.md#shared-state`): an instance takes the
//! number whose lease expired longest ago, renews it while it runs and gives it back when
//! it stops, so no two live instances ever hold the same number, however many have
//! started before.

use sqlx::FromRow;

use super::EmulatorStore;
use crate::store::{
    error::{StoreError, StoreResult},
    exec::Exec,
    stmt::Stmt,
};

/// This instance's registration: its id and the worker number it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lease {
    pub instance: i64,
    pub worker: i64,
    /// The last millisecond the number's previous holder used for ids.
    pub id_floor_ms: i64,
}

/// A live instance, as `GET /_emulator/instances` lists it (times in epoch ms).
#[derive(Clone, Debug, FromRow)]
pub struct InstanceRow {
    pub instance_id: i64,
    pub worker: i64,
    pub version: String,
    pub started_at: i64,
    pub last_seen: i64,
}

/// Claims tried before giving up: each failure is a number another instance claimed at
/// the same moment (Postgres skips numbers being claimed), so a few suffice.
const CLAIM_TRIES: usize = 16;

impl EmulatorStore<'_> {
    /// Registers a new instance of `version` and leases it a worker number for
    /// `ttl_ms`. Fails when all 256 numbers are leased by live instances.
    pub async fn register_instance(&self, version: &str, ttl_ms: i64) -> StoreResult<Lease> {
        let now = self.db.backend().now_ms();
        let insert = Stmt::new(format!(
            "INSERT INTO emulator_instances (started_at) VALUES ({now}) RETURNING id"
        ));
        let (instance,): (i64,) = self.db.write().await?.fetch_one(&insert).await?;
        self.lease_worker(instance, version, ttl_ms).await
    }

    /// Leases instance `instance` a worker number for `ttl_ms` (at registration, or
    /// after its lease was lost).
    pub async fn lease_worker(
        &self,
        instance: i64,
        version: &str,
        ttl_ms: i64,
    ) -> StoreResult<Lease> {
        for _ in 0..CLAIM_TRIES {
            if let Some(lease) = self.claim(instance, version, ttl_ms).await? {
                return Ok(lease);
            }
            if !self.any_free().await? {
                break;
            }
        }
        Err(StoreError::NoWorkerNumber)
    }

    /// Takes the worker number whose lease expired longest ago, if any.
    async fn claim(&self, instance: i64, version: &str, ttl_ms: i64) -> StoreResult<Option<Lease>> {
        let backend = self.db.backend();
        let (now, skip_locked) = (backend.now_ms(), backend.skip_locked());
        let stmt = Stmt::new(format!(
            "UPDATE emulator_workers SET instance_id = $1, version = $2, started_at = {now}, \
             last_seen = {now}, expires_at = {now} + $3 \
             WHERE worker = (SELECT worker FROM emulator_workers WHERE expires_at < {now} \
             ORDER BY expires_at, worker LIMIT 1{skip_locked}) AND expires_at < {now} \
             RETURNING worker, id_floor_ms"
        ))
        .bind(instance)
        .bind(version)
        .bind(ttl_ms);
        let row: Option<(i64, i64)> = self.db.write().await?.fetch_optional(&stmt).await?;
        Ok(row.map(|(worker, id_floor_ms)| Lease {
            instance,
            worker,
            id_floor_ms,
        }))
    }

    async fn any_free(&self) -> StoreResult<bool> {
        let now = self.db.backend().now_ms();
        let stmt = Stmt::new(format!(
            "SELECT COUNT(*) FROM emulator_workers WHERE expires_at < {now}"
        ));
        let (free,): (i64,) = self.db.read().await?.fetch_one(&stmt).await?;
        Ok(free > 0)
    }

    /// Extends the lease by `ttl_ms` from now and records `id_floor_ms`. `false` when
    /// the number is no longer this instance's (its lease expired and another took it).
    pub async fn renew_lease(
        &self,
        lease: &Lease,
        ttl_ms: i64,
        id_floor_ms: i64,
    ) -> StoreResult<bool> {
        let now = self.db.backend().now_ms();
        let stmt = Stmt::new(format!(
            "UPDATE emulator_workers SET last_seen = {now}, expires_at = {now} + $3, \
             id_floor_ms = $4 WHERE worker = $1 AND instance_id = $2"
        ))
        .bind(lease.worker)
        .bind(lease.instance)
        .bind(ttl_ms)
        .bind(id_floor_ms);
        Ok(self.db.write().await?.execute(&stmt).await? == 1)
    }

    /// Gives the number back: free for another instance after `grace_ms`, which covers
    /// ids this one minted ahead of the clock (a full millisecond borrows the next).
    pub async fn release_lease(
        &self,
        lease: &Lease,
        grace_ms: i64,
        id_floor_ms: i64,
    ) -> StoreResult<()> {
        let now = self.db.backend().now_ms();
        let stmt = Stmt::new(format!(
            "UPDATE emulator_workers SET instance_id = NULL, expires_at = {now} + $3, \
             id_floor_ms = $4 WHERE worker = $1 AND instance_id = $2"
        ))
        .bind(lease.worker)
        .bind(lease.instance)
        .bind(grace_ms)
        .bind(id_floor_ms);
        self.db.write().await?.execute(&stmt).await.map(drop)
    }

    /// The instances whose lease is live, oldest registration first.
    pub async fn live_instances(&self) -> StoreResult<Vec<InstanceRow>> {
        let now = self.db.backend().now_ms();
        let stmt = Stmt::new(format!(
            "SELECT instance_id, worker, version, started_at, last_seen FROM emulator_workers \
             WHERE instance_id IS NOT NULL AND expires_at >= {now} ORDER BY instance_id"
        ));
        self.db.read().await?.fetch_all(&stmt).await
    }
}
