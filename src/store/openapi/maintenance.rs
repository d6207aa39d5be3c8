//! Keeping the query planner informed, so that searches pick the selective index (e.g.
//! `oa_customers_by_name` for an `eq` on `customerName`) rather than walking the
//! account's customers in `createTime` order.

use crate::store::{Pool, Store, StoreResult};

/// Rows SQLite's `ANALYZE` looks at per index.
const ANALYSIS_LIMIT: u32 = 1000;

impl Store {
    /// Refreshes the planner's statistics of the customer tables with `ANALYZE`. On
    /// SQLite the analysis samples at most `ANALYSIS_LIMIT` rows per index, so it takes
    /// milliseconds whatever the table size; Postgres samples on its own (and its
    /// autovacuum does the same on its own schedule). SQLite connections read the
    /// statistics when they load the schema, so pooled connections pick them up as
    /// the pool renews them.
    #[tracing::instrument(skip_all)]
    pub async fn refresh_statistics(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                // `analysis_limit` is per connection, so both run on the same one.
                let mut conn = pool.acquire().await?;
                sqlx::query(&format!("PRAGMA analysis_limit = {ANALYSIS_LIMIT}"))
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("ANALYZE oa_customers")
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("ANALYZE oa_customer_values")
                    .execute(&mut *conn)
                    .await?;
            }
            Pool::Postgres(pool) => {
                sqlx::query("ANALYZE oa_customers, oa_customer_values")
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }
}
