//! How many customers of a relation type a corp has, without counting them:
//! `dt_customer_counts`, kept by triggers in the transaction of every insert and delete
//! of `dt_customers` (migration 0020). SQLite keeps one row per (corp, type); Postgres
//! appends a delta row per statement, which a read folds into one once there are
//! [`FOLD_AT`] of them — as `oa_customer_counts` does for OpenAPI accounts.

use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt};

/// Delta rows of one (corp, type) beyond which a read folds them into one (Postgres
/// only: SQLite's single row never reaches it).
const FOLD_AT: i64 = 64;

/// The number of the corp's customers of `relation_type`, as of this statement.
pub(super) async fn customer_count(
    conn: &mut impl Exec,
    corp_id: i64,
    relation_type: &str,
) -> StoreResult<i64> {
    let read = Stmt::new(
        "SELECT CAST(COALESCE(SUM(customers), 0) AS BIGINT), COUNT(*) \
         FROM dt_customer_counts WHERE corp_id = $1 AND relation_type = $2",
    )
    .bind(corp_id)
    .bind(relation_type);
    let (count, rows): (i64, i64) = conn.fetch_one(&read).await?;
    if rows > FOLD_AT {
        // A delta committed meanwhile is neither deleted nor summed: the sum stays exact.
        let fold = Stmt::new(
            "WITH gone AS (DELETE FROM dt_customer_counts \
             WHERE corp_id = $1 AND relation_type = $2 RETURNING customers) \
             INSERT INTO dt_customer_counts (corp_id, relation_type, customers) \
             SELECT $1, $2, SUM(customers) FROM gone HAVING COUNT(*) > 0",
        )
        .bind(corp_id)
        .bind(relation_type);
        conn.execute(&fold).await?;
    }
    Ok(count)
}
