//! OpenAPI accounts: the appid (also the `accountId` of its records), the secret, and
//! the open seas. The signed calls read an account on every request, so it is also
//! kept for a moment in this process; changing or deleting one forgets that.

use std::sync::Arc;

use sqlx::FromRow;

use super::{fields::Choice, OpenApiStore};
use crate::store::{
    columns::{from_json, from_json_opt, to_json, to_json_opt},
    error::StoreResult,
    exec::Exec,
    stmt::Stmt,
    tenants::Mode,
};

/// An OpenAPI account (`appid` is also the `accountId` of its records).
#[derive(Clone, Debug)]
pub struct Account {
    pub id: i64,
    pub appid: String,
    pub secret: String,
    pub open_sea_ids: Vec<String>,
    pub mode: Mode,
    /// The choices of the system field `customerSource`; `None`: the emulator's.
    pub customer_sources: Option<Vec<Choice>>,
    pub created_at: i64,
}

/// What it takes to create an account.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub appid: String,
    pub secret: String,
    pub open_sea_ids: Vec<String>,
    pub mode: Mode,
    pub customer_sources: Option<Vec<Choice>>,
}

/// A partial change to an account; `None` leaves a value as it is. `Some(None)` puts
/// `customerSource` back on the emulator's choices.
#[derive(Clone, Debug, Default)]
pub struct AccountPatch {
    pub secret: Option<String>,
    pub open_sea_ids: Option<Vec<String>>,
    pub mode: Option<Mode>,
    pub customer_sources: Option<Option<Vec<Choice>>>,
}

#[derive(FromRow)]
pub(crate) struct AccountRow {
    id: i64,
    appid: String,
    secret: String,
    open_sea_ids: String,
    mode: Mode,
    customer_sources: Option<String>,
    created_at: i64,
}

impl AccountRow {
    pub(crate) fn into_account(self) -> StoreResult<Account> {
        Ok(Account {
            id: self.id,
            appid: self.appid,
            secret: self.secret,
            open_sea_ids: from_json(&self.open_sea_ids)?,
            mode: self.mode,
            customer_sources: from_json_opt(self.customer_sources)?,
            created_at: self.created_at,
        })
    }
}

const COLUMNS: &str = "id, appid, secret, open_sea_ids, mode, customer_sources, created_at";

/// The one insert of an account, created at `created_at`; returns the row.
pub(crate) fn insert(account: &NewAccount, created_at: i64) -> Stmt<'_> {
    let mut stmt = Stmt::new(
        "INSERT INTO oa_accounts (appid, secret, open_sea_ids, mode, customer_sources, \
         created_at)",
    );
    stmt.push_values([account], |row, account| {
        row.bind(&account.appid)
            .bind(&account.secret)
            .bind(to_json(&account.open_sea_ids))
            .bind(account.mode.as_str())
            .bind(to_json_opt(&account.customer_sources))
            .bind(created_at);
    });
    stmt.push(" RETURNING ").push(COLUMNS);
    stmt
}

/// Every account, in key order (for the control plane and the export).
pub(crate) fn all() -> Stmt<'static> {
    Stmt::new(format!("SELECT {COLUMNS} FROM oa_accounts ORDER BY appid"))
}

impl OpenApiStore<'_> {
    /// Creates an account; a taken `appid` is a [`crate::store::StoreError::Conflict`].
    pub async fn create_account(&self, account: &NewAccount, now_ms: i64) -> StoreResult<Account> {
        let mut conn = self.db.write().await?;
        let row: AccountRow = conn.fetch_one(&insert(account, now_ms)).await?;
        row.into_account()
    }

    /// The account with this appid, read from the database.
    pub async fn account_by_appid(&self, appid: &str) -> StoreResult<Option<Account>> {
        let sql = format!("SELECT {COLUMNS} FROM oa_accounts WHERE appid = $1");
        let mut conn = self.db.read().await?;
        let row: Option<AccountRow> = conn.fetch_optional(&Stmt::new(sql).bind(appid)).await?;
        row.map(AccountRow::into_account).transpose()
    }

    /// The account with this appid, as the signed calls need it on every request: from
    /// this process's recent answers, or one indexed lookup.
    pub async fn account(&self, appid: &str) -> StoreResult<Option<Arc<Account>>> {
        if let Some(account) = self.state.accounts.get(appid) {
            return Ok(Some(account));
        }
        let Some(account) = self.account_by_appid(appid).await? else {
            return Ok(None);
        };
        let account = Arc::new(account);
        self.state.accounts.put(appid.to_owned(), account.clone());
        Ok(Some(account))
    }

    pub async fn list_accounts(&self) -> StoreResult<Vec<Account>> {
        let rows: Vec<AccountRow> = self.db.read().await?.fetch_all(&all()).await?;
        rows.into_iter().map(AccountRow::into_account).collect()
    }

    /// Applies `patch` to the account and returns it, or `None` if there is no such account.
    pub async fn update_account(
        &self,
        appid: &str,
        patch: &AccountPatch,
    ) -> StoreResult<Option<Account>> {
        let sql = format!(
            "UPDATE oa_accounts SET secret = COALESCE($2, secret), \
             open_sea_ids = COALESCE($3, open_sea_ids), mode = COALESCE($4, mode), \
             customer_sources = CASE WHEN $5 THEN $6 ELSE customer_sources END \
             WHERE appid = $1 RETURNING {COLUMNS}"
        );
        let stmt = Stmt::new(sql)
            .bind(appid)
            .bind(&patch.secret)
            .bind(patch.open_sea_ids.as_ref().map(to_json))
            .bind(patch.mode.map(Mode::as_str))
            .bind(patch.customer_sources.is_some())
            .bind(patch.customer_sources.as_ref().and_then(to_json_opt));
        let row: Option<AccountRow> = self.db.write().await?.fetch_optional(&stmt).await?;
        self.state.clear();
        self.db.tenants_changed().await;
        row.map(AccountRow::into_account).transpose()
    }

    /// Deletes the account and, through `ON DELETE CASCADE`, all of its data.
    pub async fn delete_account(&self, appid: &str) -> StoreResult<bool> {
        let stmt = Stmt::new("DELETE FROM oa_accounts WHERE appid = $1").bind(appid);
        let done = self.db.write().await?.execute(&stmt).await?;
        self.state.clear();
        self.db.tenants_changed().await;
        Ok(done == 1)
    }
}
