//! The listener: one connection per instance, outside the pools, `LISTEN`ing on
//! [`CHANNEL`] for the changes other instances announce, each handed to `apply`.
//!
//! Notifications sent while the listener is not subscribed are lost, so every new
//! subscription is applied as [`Topic::Everything`]. A connection that broke (an error,
//! a reset) is replaced at once; one that went silent (a partition drops its packets
//! without a reset, so nothing ever arrives and nothing fails) is asked a `SELECT 1`
//! after [`QUIET`] without a notification, and replaced if it does not answer within
//! [`PROBE_LIMIT`]. Each subscription has a pool of its own, of one connection: a dead
//! connection, dropped, may take sqlx a long time to let go of, and must not hold a
//! place in the pool requests use. The caches' trust window (one second) is the
//! backstop while no subscription can be made.

use std::{sync::Arc, time::Duration};

use sqlx::{
    postgres::{PgListener, PgPoolOptions},
    PgPool,
};
use tokio::{task::JoinHandle, time::timeout};

use crate::store::{
    changes::{Changes, Topic, CHANNEL},
    error::StoreResult,
};

/// How long the listener may hear nothing before its connection is probed.
const QUIET: Duration = Duration::from_secs(2);
/// How long the probe, and a new subscription, may take.
const PROBE_LIMIT: Duration = Duration::from_secs(2);
/// The pause between failed attempts to subscribe again.
const RETRY: Duration = Duration::from_millis(250);

/// Starts listening (the `LISTEN` is in place when this returns, so no change made
/// after start-up is missed) and hands every change heard to `apply` until the task is
/// aborted or `apply` answers `false` (the store is gone).
pub async fn spawn(
    pool: &PgPool,
    changes: Arc<Changes>,
    apply: impl Fn(Topic) -> bool + Send + 'static,
) -> StoreResult<JoinHandle<()>> {
    let first = subscribe(pool).await?;
    let pool = pool.clone();
    Ok(tokio::spawn(async move {
        let mut listener = Some(first);
        loop {
            let Some(current) = listener.as_mut() else {
                if pool.is_closed() {
                    return;
                }
                match timeout(PROBE_LIMIT, subscribe(&pool)).await {
                    Ok(Ok(subscribed)) => {
                        tracing::warn!("change listener subscribed again: every cache is dropped");
                        listener = Some(subscribed);
                        if !apply(Topic::Everything) {
                            return;
                        }
                    }
                    _ => tokio::time::sleep(RETRY).await,
                }
                continue;
            };
            let topic = match timeout(QUIET, current.try_recv()).await {
                Ok(Ok(Some(notification))) => match changes.heard(notification.payload()) {
                    Some(topic) => topic,
                    None => continue,
                },
                Ok(Ok(None)) => {
                    tracing::warn!("change listener reconnected: every cache is dropped");
                    Topic::Everything
                }
                Ok(Err(sqlx::Error::PoolClosed)) => return,
                Ok(Err(err)) => {
                    tracing::warn!(error = %crate::telemetry::chain(&err), "change listener failed; subscribing again");
                    listener = None;
                    continue;
                }
                Err(_quiet) => {
                    let probe = sqlx::query("SELECT 1").execute(&mut *current);
                    if !matches!(timeout(PROBE_LIMIT, probe).await, Ok(Ok(_))) {
                        tracing::warn!(
                            "change listener's connection does not answer; subscribing again"
                        );
                        listener = None;
                    }
                    continue;
                }
            };
            if !apply(topic) {
                return;
            }
        }
    }))
}

/// A new subscription, on a connection of its own (see the module's text).
async fn subscribe(pool: &PgPool) -> StoreResult<PgListener> {
    let own = PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .acquire_timeout(PROBE_LIMIT)
        .connect_lazy_with((*pool.connect_options()).clone());
    let mut listener = PgListener::connect_with(&own).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
