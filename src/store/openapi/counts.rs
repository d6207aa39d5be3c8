//! How many customers an account has, without counting them: `oa_customer_counts`,
//! kept by triggers in the transaction of every insert and delete of `oa_customers`
//! (migration 0012). SQLite keeps one row per account; Postgres appends a delta row per
//! statement (so that concurrent batches of adds never wait on one row's lock), which a
//! read folds into one row once an account has gathered [`FOLD_AT`] of them.

use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt};

/// Delta rows of one account beyond which a read folds them into one (Postgres only:
/// SQLite's single row never reaches it).
const FOLD_AT: i64 = 64;

/// The number of the account's customers, as of this statement.
pub(super) async fn customer_count(conn: &mut impl Exec, account_id: i64) -> StoreResult<i64> {
    let read = Stmt::new(
        "SELECT CAST(COALESCE(SUM(customers), 0) AS BIGINT), COUNT(*) \
         FROM oa_customer_counts WHERE account_id = $1",
    )
    .bind(account_id);
    let (count, rows): (i64, i64) = conn.fetch_one(&read).await?;
    if rows > FOLD_AT {
        fold(conn, account_id).await?;
    }
    Ok(count)
}

/// Replaces the account's delta rows by one holding their sum. A delta committed
/// meanwhile is neither deleted nor summed (it stays beside the new row), and of two
/// folds at once the second deletes nothing the first did: the sum stays exact.
async fn fold(conn: &mut impl Exec, account_id: i64) -> StoreResult<()> {
    let fold = Stmt::new(
        "WITH gone AS (DELETE FROM oa_customer_counts WHERE account_id = $1 \
         RETURNING customers) \
         INSERT INTO oa_customer_counts (account_id, customers) \
         SELECT $1, SUM(customers) FROM gone HAVING COUNT(*) > 0",
    )
    .bind(account_id);
    conn.execute(&fold).await.map(drop)
}
