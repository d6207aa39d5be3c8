//! The listener: one connection per instance, outside the pool, `LISTEN`ing on
//! [`CHANNEL`] for the changes other instances announce, each handed to `apply`.
//!
//! sqlx's `PgListener` reconnects by itself when its connection drops; notifications
//! sent meanwhile are lost, so a reconnect is applied as [`Topic::Everything`]. The
//! caches' trust window (one second) remains the backstop if the listener cannot
//! reconnect at all.

use std::{sync::Arc, time::Duration};

use sqlx::{postgres::PgListener, PgPool};
use tokio::task::JoinHandle;

use crate::store::{
    changes::{Changes, Topic, CHANNEL},
    error::StoreResult,
};

/// Starts listening (the `LISTEN` is in place when this returns, so no change made
/// after start-up is missed) and hands every change heard to `apply` until the task is
/// aborted or `apply` answers `false` (the store is gone).
pub async fn spawn(
    pool: &PgPool,
    changes: Arc<Changes>,
    apply: impl Fn(Topic) -> bool + Send + 'static,
) -> StoreResult<JoinHandle<()>> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(tokio::spawn(async move {
        loop {
            let topic = match listener.try_recv().await {
                Ok(Some(notification)) => match changes.heard(notification.payload()) {
                    Some(topic) => topic,
                    None => continue,
                },
                Ok(None) => {
                    tracing::warn!("change listener reconnected: every cache is dropped");
                    Topic::Everything
                }
                Err(err) => {
                    tracing::warn!(error = %crate::telemetry::chain(&err), "change listener failed; retrying");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Topic::Everything
                }
            };
            if !apply(topic) {
                return;
            }
        }
    }))
}
