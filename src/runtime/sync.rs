//! Keeps this instance's copies of the shared runtime state (the clock offset, the
//! fault rules) in step with the database when another instance announces a change
//! (Postgres; on SQLite nothing is ever announced).

use std::sync::Arc;

use tokio::{sync::broadcast::error::RecvError, task::JoinHandle};

use super::{clock::Clock, faults::Faults};
use crate::store::{Store, Topic};

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
            if reload_clock {
                if let Err(err) = clock.reload().await {
                    tracing::warn!(error = %crate::telemetry::chain(&err), "could not reload the shared clock offset");
                }
            }
            if reload_faults {
                if let Err(err) = faults.reload().await {
                    tracing::warn!(error = %crate::telemetry::chain(&err), "could not reload the shared fault rules");
                }
            }
        }
    })
}
