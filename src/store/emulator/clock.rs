//! The clock offset shared by the instances on one database.

use super::EmulatorStore;
use crate::store::{changes::Topic, error::StoreResult, exec::Exec, stmt::Stmt};

impl EmulatorStore<'_> {
    /// The shared clock offset, in milliseconds.
    pub async fn clock_offset(&self) -> StoreResult<i64> {
        let stmt = Stmt::new("SELECT offset_ms FROM emulator_clock WHERE id = 1");
        let offset: Option<(i64,)> = self.db.read().await?.fetch_optional(&stmt).await?;
        Ok(offset.map_or(0, |(ms,)| ms))
    }

    /// Moves the shared clock by `by_ms`, or back to real time with `None`; the new
    /// offset, or `None` when the move would take it past `limit_ms` either way (the
    /// offset is left as it was). One statement, so concurrent moves through different
    /// instances add up and none can push the sum past the limit.
    pub async fn move_clock(&self, by_ms: Option<i64>, limit_ms: i64) -> StoreResult<Option<i64>> {
        let stmt = Stmt::new(
            "UPDATE emulator_clock SET offset_ms = CASE WHEN $1 THEN offset_ms + $2 ELSE 0 END \
             WHERE id = 1 AND (NOT $1 OR offset_ms + $2 BETWEEN -$3 AND $3) RETURNING offset_ms",
        )
        .bind(by_ms.is_some())
        .bind(by_ms.unwrap_or(0))
        .bind(limit_ms);
        let offset: Option<(i64,)> = self.db.write().await?.fetch_optional(&stmt).await?;
        if offset.is_some() {
            self.announce(Topic::Clock).await;
        }
        Ok(offset.map(|(ms,)| ms))
    }
}
