//! Tenants: DingTalk corps (with their employee directory) and OpenAPI accounts, and
//! the well-known default tenants created on first start (SPEC §3).

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::{with_pool, with_tx, with_write, Store, StoreResult};

/// The well-known DingTalk corp created on first start (lenient mode).
pub const DEFAULT_CORPID: &str = "dingemulator";
pub const DEFAULT_CORPSECRET: &str = "emulator-secret";
pub const DEFAULT_APPKEY: &str = "dingemulatorkey";
pub const DEFAULT_APPSECRET: &str = "emulator-secret";
/// The well-known OpenAPI account created on first start.
pub const DEFAULT_APPID: &str = "1090";
pub const DEFAULT_ACCOUNT_SECRET: &str = "emulator-secret";

/// How a corp treats a `user_id` that is not in its employee directory (SPEC §1.4).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum CorpMode {
    /// Unknown employees are added to the directory on first use.
    Lenient,
    /// Unknown employees are rejected with 60121.
    Strict,
}

/// A DingTalk corp, with its credentials.
#[derive(Clone, Debug, FromRow)]
pub struct Corp {
    pub id: i64,
    pub corpid: String,
    pub corpsecret: String,
    pub appkey: Option<String>,
    pub appsecret: Option<String>,
    pub mode: CorpMode,
    pub rate_limit_per_minute: Option<i64>,
    pub created_at: i64,
}

/// What it takes to create a corp.
#[derive(Clone, Debug)]
pub struct NewCorp {
    pub corpid: String,
    pub corpsecret: String,
    pub appkey: Option<String>,
    pub appsecret: Option<String>,
    pub mode: CorpMode,
    pub rate_limit_per_minute: Option<i64>,
}

/// An OpenAPI account (`appid` is also the `accountId` of its records).
#[derive(Clone, Debug)]
pub struct Account {
    pub id: i64,
    pub appid: String,
    pub secret: String,
    pub open_sea_ids: Vec<String>,
    pub created_at: i64,
}

#[derive(FromRow)]
pub(super) struct AccountRow {
    id: i64,
    appid: String,
    secret: String,
    open_sea_ids: String,
    created_at: i64,
}

impl From<AccountRow> for Account {
    fn from(row: AccountRow) -> Self {
        Account {
            id: row.id,
            appid: row.appid,
            secret: row.secret,
            // Written only by this crate as a JSON array of strings.
            open_sea_ids: serde_json::from_str(&row.open_sea_ids).unwrap_or_default(),
            created_at: row.created_at,
        }
    }
}

/// What it takes to create an account.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub appid: String,
    pub secret: String,
    pub open_sea_ids: Vec<String>,
}

/// A list of strings as the JSON text stored in the database.
pub(super) fn json_list(items: &Vec<String>) -> String {
    // Serializing strings cannot fail.
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

pub(super) const CORP_COLUMNS: &str =
    "id, corpid, corpsecret, appkey, appsecret, mode, rate_limit_per_minute, created_at";
pub(super) const ACCOUNT_COLUMNS: &str = "id, appid, secret, open_sea_ids, created_at";

impl NewCorp {
    /// The well-known default corp of SPEC §3.
    pub fn well_known() -> Self {
        NewCorp {
            corpid: DEFAULT_CORPID.into(),
            corpsecret: DEFAULT_CORPSECRET.into(),
            appkey: Some(DEFAULT_APPKEY.into()),
            appsecret: Some(DEFAULT_APPSECRET.into()),
            mode: CorpMode::Lenient,
            rate_limit_per_minute: None,
        }
    }
}

impl NewAccount {
    /// The well-known default account of SPEC §3.
    pub fn well_known() -> Self {
        NewAccount {
            appid: DEFAULT_APPID.into(),
            secret: DEFAULT_ACCOUNT_SECRET.into(),
            open_sea_ids: Vec::new(),
        }
    }
}

impl Store {
    /// Creates the well-known default tenants the first time the database is used.
    /// Returns whether they were created now. Safe when several instances start at
    /// once: the `initialized` marker is claimed in the same transaction.
    pub async fn ensure_default_tenants(&self, now_ms: i64) -> StoreResult<bool> {
        with_tx!(self, |tx| Ok(create_defaults_once!(tx, now_ms)))
    }

    /// Creates a corp; a taken `corpid` or `appkey` is a [`super::StoreError::Conflict`].
    pub async fn create_corp(&self, corp: &NewCorp, now_ms: i64) -> StoreResult<Corp> {
        with_write!(self, |pool| Ok(insert_corp!(pool, corp, now_ms)))
    }

    pub async fn corp_by_corpid(&self, corpid: &str) -> StoreResult<Option<Corp>> {
        let sql = format!("SELECT {CORP_COLUMNS} FROM dt_corps WHERE corpid = $1");
        let corp = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(corpid)
            .fetch_optional(pool)
            .await)?;
        Ok(corp)
    }

    pub async fn corp_by_appkey(&self, appkey: &str) -> StoreResult<Option<Corp>> {
        let sql = format!("SELECT {CORP_COLUMNS} FROM dt_corps WHERE appkey = $1");
        let corp = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(appkey)
            .fetch_optional(pool)
            .await)?;
        Ok(corp)
    }

    /// Creates an account; a taken `appid` is a [`super::StoreError::Conflict`].
    pub async fn create_account(&self, account: &NewAccount, now_ms: i64) -> StoreResult<Account> {
        with_write!(self, |pool| Ok(insert_account!(pool, account, now_ms)))
    }

    pub async fn account_by_appid(&self, appid: &str) -> StoreResult<Option<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM oa_accounts WHERE appid = $1");
        let row: Option<AccountRow> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(appid)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Account::from))
    }
}

/// Inserts a corp through any executor (pool or transaction) and evaluates to the row.
/// Paths are spelled out so that the store's other modules can expand it too.
macro_rules! insert_corp {
    ($executor:expr, $corp:expr, $now:expr) => {{
        let corp: &$crate::store::tenants::NewCorp = $corp;
        let sql = format!(
            "INSERT INTO dt_corps (corpid, corpsecret, appkey, appsecret, mode, \
             rate_limit_per_minute, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             RETURNING {}",
            $crate::store::tenants::CORP_COLUMNS
        );
        let row: $crate::store::tenants::Corp = sqlx::query_as(&sql)
            .bind(&corp.corpid)
            .bind(&corp.corpsecret)
            .bind(&corp.appkey)
            .bind(&corp.appsecret)
            .bind(corp.mode)
            .bind(corp.rate_limit_per_minute)
            .bind($now)
            .fetch_one($executor)
            .await?;
        row
    }};
}

/// Inserts an account through any executor and evaluates to the row.
macro_rules! insert_account {
    ($executor:expr, $account:expr, $now:expr) => {{
        let account: &$crate::store::tenants::NewAccount = $account;
        let sql = format!(
            "INSERT INTO oa_accounts (appid, secret, open_sea_ids, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING {}",
            $crate::store::tenants::ACCOUNT_COLUMNS
        );
        let row: $crate::store::tenants::AccountRow = sqlx::query_as(&sql)
            .bind(&account.appid)
            .bind(&account.secret)
            .bind($crate::store::tenants::json_list(&account.open_sea_ids))
            .bind($now)
            .fetch_one($executor)
            .await?;
        $crate::store::tenants::Account::from(row)
    }};
}

/// Inside the transaction `$tx`: claims the `initialized` marker of `emulator_meta` and,
/// if this call claimed it, creates the well-known default tenants. Evaluates to whether
/// it did. First start and a full reset (which deletes the marker first) share it, so
/// a reset leaves the database exactly as a first start does.
macro_rules! create_defaults_once {
    ($tx:ident, $now:expr) => {{
        let now_ms: i64 = $now;
        let claimed = sqlx::query(
            "INSERT INTO emulator_meta (key, value) VALUES ('initialized', $1) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(now_ms.to_string())
        .execute(&mut *$tx)
        .await?
        .rows_affected()
            == 1;
        if claimed {
            let corp = $crate::store::tenants::NewCorp::well_known();
            let account = $crate::store::tenants::NewAccount::well_known();
            let _ = $crate::store::tenants::insert_corp!(&mut *$tx, &corp, now_ms);
            let _ = $crate::store::tenants::insert_account!(&mut *$tx, &account, now_ms);
        }
        claimed
    }};
}

pub(super) use {create_defaults_once, insert_account, insert_corp};

/// One entry of a corp's employee directory.
#[derive(Clone, Debug, FromRow)]
pub struct Employee {
    pub userid: String,
    pub name: Option<String>,
    pub created_at: i64,
}

/// A partial change to a corp; `None` leaves a value as it is. For the nullable ones,
/// `Some(None)` clears the value.
#[derive(Clone, Debug, Default)]
pub struct CorpPatch {
    pub corpsecret: Option<String>,
    pub appkey: Option<Option<String>>,
    pub appsecret: Option<Option<String>>,
    pub mode: Option<CorpMode>,
    pub rate_limit_per_minute: Option<Option<i64>>,
}

/// A partial change to an account; `None` leaves a value as it is.
#[derive(Clone, Debug, Default)]
pub struct AccountPatch {
    pub secret: Option<String>,
    pub open_sea_ids: Option<Vec<String>>,
}

impl Store {
    pub async fn list_corps(&self) -> StoreResult<Vec<Corp>> {
        let sql = format!("SELECT {CORP_COLUMNS} FROM dt_corps ORDER BY corpid");
        let corps = with_pool!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
        Ok(corps)
    }

    /// Applies `patch` to the corp and returns it, or `None` if there is no such corp.
    pub async fn update_corp(&self, corpid: &str, patch: &CorpPatch) -> StoreResult<Option<Corp>> {
        let sql = format!(
            "UPDATE dt_corps SET \
               corpsecret = COALESCE($2, corpsecret), \
               appkey = CASE WHEN $3 THEN $4 ELSE appkey END, \
               appsecret = CASE WHEN $5 THEN $6 ELSE appsecret END, \
               mode = COALESCE($7, mode), \
               rate_limit_per_minute = CASE WHEN $8 THEN $9 ELSE rate_limit_per_minute END \
             WHERE corpid = $1 RETURNING {CORP_COLUMNS}"
        );
        let corp = with_write!(self, |pool| sqlx::query_as(&sql)
            .bind(corpid)
            .bind(&patch.corpsecret)
            .bind(patch.appkey.is_some())
            .bind(patch.appkey.clone().flatten())
            .bind(patch.appsecret.is_some())
            .bind(patch.appsecret.clone().flatten())
            .bind(patch.mode)
            .bind(patch.rate_limit_per_minute.is_some())
            .bind(patch.rate_limit_per_minute.flatten())
            .fetch_optional(pool)
            .await)?;
        Ok(corp)
    }

    /// Deletes the corp and, through `ON DELETE CASCADE`, all of its data, in one
    /// statement. Returns whether it existed.
    pub async fn delete_corp(&self, corpid: &str) -> StoreResult<bool> {
        let sql = "DELETE FROM dt_corps WHERE corpid = $1";
        let done = with_write!(self, |pool| sqlx::query(sql)
            .bind(corpid)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Adds an employee to the corp's directory, or renames an existing one.
    pub async fn upsert_employee(
        &self,
        corp_id: i64,
        userid: &str,
        name: Option<&str>,
        now_ms: i64,
    ) -> StoreResult<Employee> {
        let sql = "INSERT INTO dt_employees (corp_id, userid, name, created_at) \
                   VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (corp_id, userid) DO UPDATE SET name = COALESCE(excluded.name, dt_employees.name) \
                   RETURNING userid, name, created_at";
        let employee = with_write!(self, |pool| sqlx::query_as(sql)
            .bind(corp_id)
            .bind(userid)
            .bind(name)
            .bind(now_ms)
            .fetch_one(pool)
            .await)?;
        Ok(employee)
    }

    pub async fn list_employees(&self, corp_id: i64) -> StoreResult<Vec<Employee>> {
        let sql =
            "SELECT userid, name, created_at FROM dt_employees WHERE corp_id = $1 ORDER BY userid";
        let employees = with_pool!(self, |pool| sqlx::query_as(sql)
            .bind(corp_id)
            .fetch_all(pool)
            .await)?;
        Ok(employees)
    }

    pub async fn list_accounts(&self) -> StoreResult<Vec<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM oa_accounts ORDER BY appid");
        let rows: Vec<AccountRow> =
            with_pool!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(Account::from).collect())
    }

    /// Applies `patch` to the account and returns it, or `None` if there is no such account.
    pub async fn update_account(
        &self,
        appid: &str,
        patch: &AccountPatch,
    ) -> StoreResult<Option<Account>> {
        let sql = format!(
            "UPDATE oa_accounts SET secret = COALESCE($2, secret), \
             open_sea_ids = COALESCE($3, open_sea_ids) WHERE appid = $1 RETURNING {ACCOUNT_COLUMNS}"
        );
        let open_sea_ids = patch.open_sea_ids.as_ref().map(json_list);
        let row: Option<AccountRow> = with_write!(self, |pool| sqlx::query_as(&sql)
            .bind(appid)
            .bind(&patch.secret)
            .bind(open_sea_ids)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Account::from))
    }

    /// Deletes the account and, through `ON DELETE CASCADE`, all of its data.
    pub async fn delete_account(&self, appid: &str) -> StoreResult<bool> {
        let sql = "DELETE FROM oa_accounts WHERE appid = $1";
        let done = with_write!(self, |pool| sqlx::query(sql)
            .bind(appid)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}
