//! Fault rules shared by the instances on one database: each rule's JSON (the
//! runtime's type), its `times` budget and how often it fired on any instance. Spending
//! one firing is one guarded update, so two instances cannot both spend the last one.

use sqlx::FromRow;

use super::EmulatorStore;
use crate::store::{changes::Topic, error::StoreResult, exec::Exec, stmt::Stmt};

/// A stored rule.
#[derive(Clone, Debug, FromRow)]
pub struct FaultRow {
    pub id: i64,
    pub rule: String,
    pub fired: i64,
}

impl EmulatorStore<'_> {
    /// Stores a rule (`rule` is its JSON) and returns its id.
    pub async fn insert_fault(&self, rule: &str, times: Option<i64>) -> StoreResult<i64> {
        let stmt =
            Stmt::new("INSERT INTO emulator_faults (rule, times) VALUES ($1, $2) RETURNING id")
                .bind(rule)
                .bind(times);
        let (id,): (i64,) = self.db.write().await?.fetch_one(&stmt).await?;
        self.announce(Topic::Faults).await;
        Ok(id)
    }

    /// Every rule, oldest first.
    pub async fn faults(&self) -> StoreResult<Vec<FaultRow>> {
        let stmt = Stmt::new("SELECT id, rule, fired FROM emulator_faults ORDER BY id");
        self.db.read().await?.fetch_all(&stmt).await
    }

    /// Spends one firing of rule `id`: how often it has fired now, or `None` when its
    /// budget is spent (or it is gone). Spending the last one tells the other
    /// instances, so they stop offering it.
    pub async fn spend_fault(&self, id: i64) -> StoreResult<Option<i64>> {
        let stmt = Stmt::new(
            "UPDATE emulator_faults SET fired = fired + 1 \
             WHERE id = $1 AND (times IS NULL OR fired < times) RETURNING fired, times",
        )
        .bind(id);
        let spent: Option<(i64, Option<i64>)> =
            self.db.write().await?.fetch_optional(&stmt).await?;
        if spent.is_some_and(|(fired, times)| Some(fired) == times) {
            self.announce(Topic::Faults).await;
        }
        Ok(spent.map(|(fired, _)| fired))
    }

    /// Deletes rule `id`, or every rule; how many went.
    pub async fn delete_faults(&self, id: Option<i64>) -> StoreResult<u64> {
        let stmt = match id {
            Some(id) => Stmt::new("DELETE FROM emulator_faults WHERE id = $1").bind(id),
            None => Stmt::new("DELETE FROM emulator_faults"),
        };
        let removed = self.db.write().await?.execute(&stmt).await?;
        self.announce(Topic::Faults).await;
        Ok(removed)
    }
}
