//! Integration coverage's counts (`runtime::coverage`): per API, tenant, operation and
//! outcome, merged from every instance's in-memory deltas with one upsert per batch, so
//! instances sharing the database count together.

use sqlx::FromRow;

use super::EmulatorStore;
use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt};

/// How many rows one statement merges at most (SQLite's bound parameters).
const BATCH: usize = 500;

/// One count: an addition when merged, a total when read. `tenant` is `""` for calls
/// that named no known tenant.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct CoverageRow {
    pub api: String,
    pub tenant: String,
    pub operation: String,
    pub outcome: String,
    pub count: i64,
    pub injected: i64,
}

impl EmulatorStore<'_> {
    /// Adds `rows` to the stored counts (each key at most once in `rows`).
    pub async fn add_coverage(&self, rows: &[CoverageRow]) -> StoreResult<()> {
        for chunk in rows.chunks(BATCH) {
            let mut conn = self.db.relaxed().handle().await?;
            let mut insert = Stmt::new(
                "INSERT INTO emulator_coverage (api, tenant, operation, outcome, count, injected)",
            );
            insert.push_rows(
                chunk
                    .iter()
                    .map(|row| {
                        [
                            row.api.as_str().into(),
                            row.tenant.as_str().into(),
                            row.operation.as_str().into(),
                            row.outcome.as_str().into(),
                            row.count.into(),
                            row.injected.into(),
                        ]
                    })
                    .collect(),
            );
            insert.push(
                " ON CONFLICT (api, tenant, operation, outcome) DO UPDATE SET \
                 count = emulator_coverage.count + excluded.count, \
                 injected = emulator_coverage.injected + excluded.injected",
            );
            // Its text varies with the number of rows.
            let insert = insert.transient();
            conn.execute(&insert).await?;
        }
        Ok(())
    }

    /// The counts of `api` and `tenant` (each `None` for all), in a stable order.
    pub async fn coverage(
        &self,
        api: Option<&str>,
        tenant: Option<&str>,
    ) -> StoreResult<Vec<CoverageRow>> {
        let stmt = Stmt::new(
            "SELECT api, tenant, operation, outcome, count, injected FROM emulator_coverage \
             WHERE ($1 OR api = $2) AND ($3 OR tenant = $4) \
             ORDER BY api, tenant, operation, outcome",
        )
        .bind(api.is_none())
        .bind(api.unwrap_or_default())
        .bind(tenant.is_none())
        .bind(tenant.unwrap_or_default());
        self.db.read().await?.fetch_all(&stmt).await
    }

    /// Forgets the counts of `api` and `tenant` (each `None` for all) and makes
    /// `since_ms` the time counting starts from.
    pub async fn reset_coverage(
        &self,
        api: Option<&str>,
        tenant: Option<&str>,
        since_ms: i64,
    ) -> StoreResult<()> {
        let delete = Stmt::new(
            "DELETE FROM emulator_coverage WHERE ($1 OR api = $2) AND ($3 OR tenant = $4)",
        )
        .bind(api.is_none())
        .bind(api.unwrap_or_default())
        .bind(tenant.is_none())
        .bind(tenant.unwrap_or_default());
        let mut conn = self.db.write().await?;
        conn.execute(&delete).await?;
        conn.execute(&since_stmt(since_ms, true)).await.map(drop)
    }

    /// When counting started: the last reset, or `now_ms` (recorded) if there was none.
    pub async fn coverage_since(&self, now_ms: i64) -> StoreResult<i64> {
        let read = Stmt::new("SELECT since_ms FROM emulator_coverage_since WHERE id = 1");
        let since: Option<(i64,)> = self.db.read().await?.fetch_optional(&read).await?;
        if let Some((since,)) = since {
            return Ok(since);
        }
        let mut conn = self.db.write().await?;
        conn.execute(&since_stmt(now_ms, false)).await?;
        let since: Option<(i64,)> = conn.fetch_optional(&read).await?;
        Ok(since.map_or(now_ms, |(ms,)| ms))
    }
}

/// Records `since_ms` as the start of counting: always (`replace`), or only if none is.
fn since_stmt(since_ms: i64, replace: bool) -> Stmt<'static> {
    let conflict = match replace {
        true => "DO UPDATE SET since_ms = excluded.since_ms",
        false => "DO NOTHING",
    };
    Stmt::new(format!(
        "INSERT INTO emulator_coverage_since (id, since_ms) VALUES (1, $1) ON CONFLICT (id) {conflict}"
    ))
    .bind(since_ms)
}
