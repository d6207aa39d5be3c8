//! Deleting data: one tenant's, or everything (`docs/control-plane.md#reset`), and the
//! first-start marker with the well-known tenants it guards. The full delete here is the
//! one the restore of an import uses too.
//!
//! Each reset is one transaction, so a client never sees half a reset. Child rows are
//! deleted before their parents by explicit statements, not left to `ON DELETE
//! CASCADE`: one indexed statement per table instead of a cascade per parent row.

use super::{
    db::Db,
    dingtalk::{corps, Corp, NewCorp},
    error::StoreResult,
    exec::Exec,
    openapi::{
        accounts::{self, AccountRow},
        NewAccount,
    },
    stmt::Stmt,
    tenants::{
        Mode, DEFAULT_ACCOUNT_SECRET, DEFAULT_APPID, DEFAULT_APPKEY, DEFAULT_APPSECRET,
        DEFAULT_CORPID, DEFAULT_CORPSECRET,
    },
};

/// What a tenant reset deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TenantReset {
    /// Customers deleted (with their contacts and followers, or their index rows).
    pub customers: u64,
}

/// What a full reset deleted before recreating the default tenants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FullReset {
    pub corps: u64,
    pub accounts: u64,
}

/// The DingTalk data of one corp, children first; `$1` is the corp's id. The corp, its
/// credentials and its employee directory stay.
const CORP_DATA: [&str; 5] = [
    "DELETE FROM dt_followers WHERE corp_id = $1",
    "DELETE FROM dt_contacts WHERE corp_id = $1",
    "DELETE FROM dt_tokens WHERE corp_id = $1",
    "DELETE FROM dt_rate_windows WHERE corp_id = $1",
    "DELETE FROM dt_customers WHERE corp_id = $1",
];

/// The OpenAPI data of one account, children first; `$1` is the account's id. The
/// account, its secret, open seas and custom fields stay.
const ACCOUNT_DATA: [&str; 3] = [
    "DELETE FROM oa_customer_values WHERE account_id = $1",
    "DELETE FROM oa_nonces WHERE account_id = $1",
    "DELETE FROM oa_customers WHERE account_id = $1",
];

/// Every table's rows but the tenants', children first. `emulator_instances` stays: it
/// holds the worker numbers of running processes, which are runtime state, not data.
const EVERYTHING: [&str; 10] = [
    "DELETE FROM dt_followers",
    "DELETE FROM dt_contacts",
    "DELETE FROM dt_customers",
    "DELETE FROM dt_tokens",
    "DELETE FROM dt_rate_windows",
    "DELETE FROM dt_employees",
    "DELETE FROM oa_customer_values",
    "DELETE FROM oa_customers",
    "DELETE FROM oa_nonces",
    "DELETE FROM oa_custom_fields",
];

/// Deletes the data of the tenant whose key is `key` in `tenants` (`dt_corps` by
/// `corpid`, `oa_accounts` by `appid`) with `statements` (the last deletes the
/// customers). `None` when there is no such tenant.
async fn tenant(db: &Db, find: Stmt<'_>, statements: &[&str]) -> StoreResult<Option<TenantReset>> {
    let mut conn = db.write().await?;
    let mut tx = conn.begin().await?;
    let Some((id,)) = tx.fetch_optional::<(i64,)>(&find).await? else {
        return Ok(None);
    };
    let mut customers = 0;
    for sql in statements {
        customers = tx.execute(&Stmt::new(*sql).bind(id)).await?;
    }
    tx.commit().await?;
    Ok(Some(TenantReset { customers }))
}

/// Deletes the corp's customers (with contacts and followers), tokens and rate windows.
pub(crate) async fn corp(db: &Db, corpid: &str) -> StoreResult<Option<TenantReset>> {
    let find = Stmt::new("SELECT id FROM dt_corps WHERE corpid = $1").bind(corpid);
    tenant(db, find, &CORP_DATA).await
}

/// Deletes the account's customers (with their index rows) and replay records.
pub(crate) async fn account(db: &Db, appid: &str) -> StoreResult<Option<TenantReset>> {
    let find = Stmt::new("SELECT id FROM oa_accounts WHERE appid = $1").bind(appid);
    tenant(db, find, &ACCOUNT_DATA).await
}

/// Inside `tx`: deletes every tenant and all data (and the first-start marker).
pub(crate) async fn delete_everything(tx: &mut impl Exec) -> StoreResult<FullReset> {
    for sql in EVERYTHING {
        tx.execute(&Stmt::new(sql)).await?;
    }
    let corps = tx.execute(&Stmt::new("DELETE FROM dt_corps")).await?;
    let accounts = tx.execute(&Stmt::new("DELETE FROM oa_accounts")).await?;
    tx.execute(&Stmt::new(
        "DELETE FROM emulator_meta WHERE key = 'initialized'",
    ))
    .await?;
    Ok(FullReset { corps, accounts })
}

/// Inside `tx`: sets the first-start marker of `emulator_meta` unless it is set.
/// Whether this call set it.
pub(crate) async fn claim_first_start(tx: &mut impl Exec, now_ms: i64) -> StoreResult<bool> {
    let claim = Stmt::new(
        "INSERT INTO emulator_meta (key, value) VALUES ('initialized', $1) \
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(now_ms.to_string());
    Ok(tx.execute(&claim).await? == 1)
}

/// Inside `tx`: claims the first-start marker and, if this call claimed it, creates the
/// well-known default tenants, in `mode`. Whether it did. First start and a full reset
/// (which deletes the marker first) share it, so a reset leaves the database exactly as
/// a first start does.
pub(crate) async fn create_defaults_once(
    tx: &mut impl Exec,
    now_ms: i64,
    mode: Mode,
) -> StoreResult<bool> {
    if !claim_first_start(tx, now_ms).await? {
        return Ok(false);
    }
    let corp = NewCorp {
        corpid: DEFAULT_CORPID.into(),
        corpsecret: DEFAULT_CORPSECRET.into(),
        appkey: Some(DEFAULT_APPKEY.into()),
        appsecret: Some(DEFAULT_APPSECRET.into()),
        mode,
        rate_limit_per_minute: None,
    };
    let account = NewAccount {
        appid: DEFAULT_APPID.into(),
        secret: DEFAULT_ACCOUNT_SECRET.into(),
        open_sea_ids: Vec::new(),
        mode,
        customer_sources: None,
    };
    let _: Corp = tx.fetch_one(&corps::insert(&corp, now_ms)).await?;
    let _: AccountRow = tx.fetch_one(&accounts::insert(&account, now_ms)).await?;
    Ok(true)
}

/// Deletes every tenant and all data, then recreates the well-known default tenants
/// (in `mode`) exactly as a first start does.
pub(crate) async fn everything(db: &Db, now_ms: i64, mode: Mode) -> StoreResult<FullReset> {
    let mut conn = db.write().await?;
    let mut tx = conn.begin().await?;
    let done = delete_everything(&mut tx).await?;
    create_defaults_once(&mut tx, now_ms, mode).await?;
    tx.commit().await?;
    Ok(done)
}
