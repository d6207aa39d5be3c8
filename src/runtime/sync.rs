//! Keeps this instance's copies of the shared runtime state (the clock offset, the
//! fault rules) in step with the database when another instance announces a change
//! (Postgres; on SQLite nothing is ever announced).

use std::{sync::Arc, time::Duration};

use tokio::{sync::broadcast::error::RecvError, task::JoinHandle};

use super::{clock::Clock, faults::Faults};
use crate::store::{Store, Topic};

/// Longest a reload may take.
const RELOAD_LIMIT: Duration = Duration::from_secs(5);

/// Starts following `store`'s changes until the task is aborted.
pub fn follow(store: &Store, clock: Clock, faults: Arc<Faults>) -> JoinHandle<()> {
    let mut changes = store.changes();
    tokio::spawn(async move {
        loop {
            let (reload_clock, reload_faults) = match changes.recv().await {
                Ok(Topic::Clock) => (true, false),
                Ok(Topic::Faults) => (false, true),
                Ok(Topic::Everything) | Err(RecvError::Lagged(_)) => (true, true),
                Ok(Topic::Tenants | Topic::DingTalk) => continue,
                Err(RecvError::Closed) => return,
            };
            // A reload on a connection that died silently must not stop the task.
            if reload_clock {
                match tokio::time::timeout(RELOAD_LIMIT, clock.reload()).await {
                    Ok(Ok(())) => {}
                    Ok(Err(err)) => {
                        tracing::warn!(error = %crate::telemetry::chain(&err), "could not reload the shared clock offset")
                    }
                    Err(_) => tracing::warn!("reloading the shared clock offset took too long"),
                }
            }
            if reload_faults {
                match tokio::time::timeout(RELOAD_LIMIT, faults.reload()).await {
                    Ok(Ok(())) => {}
                    Ok(Err(err)) => {
                        tracing::warn!(error = %crate::telemetry::chain(&err), "could not reload the shared fault rules")
                    }
                    Err(_) => tracing::warn!("reloading the shared fault rules took too long"),
                }
            }
        }
    })
}
