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
    /// offset. One statement, so concurrent moves through different instances add up.
    pub async fn move_clock(&self, by_ms: Option<i64>) -> StoreResult<i64> {
        let stmt = Stmt::new(
            "UPDATE emulator_clock SET offset_ms = CASE WHEN $1 THEN offset_ms + $2 ELSE 0 END \
             WHERE id = 1 RETURNING offset_ms",
        )
        .bind(by_ms.is_some())
        .bind(by_ms.unwrap_or(0));
        let (offset,): (i64,) = self.db.write().await?.fetch_one(&stmt).await?;
        self.announce(Topic::Clock).await;
        Ok(offset)
    }
}
