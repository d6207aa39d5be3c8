//! The corp's employee directory (`docs/dingtalk.md#employees`): kept by the control
//! plane, and as the CRM writes see it: a lenient corp registers an unknown employee on
//! first use, a strict corp refuses it.

use std::collections::HashSet;

use super::{CorpScope, DingTalkStore, DtStoreError, DtStoreResult, Employee, Registered, CHUNK};
use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt, tenants::Mode};

/// The one insert of the directory: `(userid, name, created_at)` rows of the corp.
/// Callers add their own `ON CONFLICT` clause.
pub(crate) fn insert<'a>(
    corp_id: i64,
    rows: impl IntoIterator<Item = (&'a str, Option<&'a str>, i64)>,
) -> Stmt<'a> {
    let mut stmt = Stmt::new("INSERT INTO dt_employees (corp_id, userid, name, created_at)");
    stmt.push_values(rows, |row, (userid, name, created_at)| {
        row.bind(corp_id).bind(userid).bind(name).bind(created_at);
    });
    stmt
}

/// Makes sure every id of `userids` is an employee of `corp`, inside the caller's
/// transaction.
///
/// Lenient corps get the unknown ones inserted in the same transaction as the write they
/// come with, so a write that fails registers nobody; they are returned, for the
/// caller's warning. Strict corps get [`DtStoreError::UnknownEmployee`] naming the
/// first unknown id in `userids`' order (callers put the calling employee first).
pub(super) async fn ensure(
    tx: &mut impl Exec,
    corp: CorpScope,
    userids: &[String],
    now_ms: i64,
) -> DtStoreResult<Registered> {
    let mut registered = Vec::new();
    match corp.mode {
        Mode::Lenient => {
            // Sorted, so that concurrent writes take the row locks in one order and
            // cannot deadlock each other on Postgres.
            let mut sorted: Vec<&str> = userids.iter().map(String::as_str).collect();
            sorted.sort_unstable();
            sorted.dedup();
            for chunk in sorted.chunks(CHUNK) {
                let rows = chunk.iter().map(|userid| (*userid, None, now_ms));
                let mut stmt = insert(corp.id, rows);
                stmt.push(" ON CONFLICT (corp_id, userid) DO NOTHING RETURNING userid");
                registered.extend(tx.fetch_column::<String>(&stmt).await?);
            }
        }
        Mode::Strict => {
            let mut known = HashSet::new();
            for chunk in userids.chunks(CHUNK) {
                let mut stmt =
                    Stmt::new("SELECT userid FROM dt_employees WHERE corp_id = $1 AND userid")
                        .bind(corp.id);
                stmt.push_in(chunk);
                let found: Vec<String> = tx.fetch_column(&stmt).await?;
                known.extend(found);
            }
            if let Some(unknown) = userids.iter().find(|u| !known.contains(*u)) {
                return Err(DtStoreError::UnknownEmployee(unknown.clone()));
            }
        }
    }
    // In the request's order, as the warnings name them.
    registered.sort_by_key(|r| userids.iter().position(|u| u == r));
    Ok(registered)
}

impl DingTalkStore<'_> {
    /// Adds an employee to the corp's directory, or renames an existing one.
    pub async fn upsert_employee(
        &self,
        corp_id: i64,
        userid: &str,
        name: Option<&str>,
        now_ms: i64,
    ) -> StoreResult<Employee> {
        let mut stmt = insert(corp_id, [(userid, name, now_ms)]);
        stmt.push(
            " ON CONFLICT (corp_id, userid) DO UPDATE SET \
             name = COALESCE(excluded.name, dt_employees.name) \
             RETURNING userid, name, created_at",
        );
        self.db.write().await?.fetch_one(&stmt).await
    }

    pub async fn list_employees(&self, corp_id: i64) -> StoreResult<Vec<Employee>> {
        let stmt = Stmt::new(
            "SELECT userid, name, created_at FROM dt_employees WHERE corp_id = $1 ORDER BY userid",
        )
        .bind(corp_id);
        self.db.read().await?.fetch_all(&stmt).await
    }
}
