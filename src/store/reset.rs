//! Resetting the emulator (SPEC §3 "Reset"): one tenant's data, or everything.
//!
//! Each reset is one transaction, so a client never sees half a reset. Child rows are
//! deleted before their parents by explicit statements, not left to `ON DELETE
//! CASCADE`: one indexed statement per table instead of a cascade per parent row.

use super::{tenants::create_defaults_once, with_tx, Store, StoreResult};

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
const CORP_DATA: [&str; 4] = [
    "DELETE FROM dt_followers WHERE corp_id = $1",
    "DELETE FROM dt_contacts WHERE corp_id = $1",
    "DELETE FROM dt_tokens WHERE corp_id = $1",
    "DELETE FROM dt_rate_windows WHERE corp_id = $1",
];

/// The OpenAPI data of one account, children first; `$1` is the account's id. The
/// account, its secret, open seas and custom fields stay.
const ACCOUNT_DATA: [&str; 2] = [
    "DELETE FROM oa_customer_values WHERE account_id = $1",
    "DELETE FROM oa_nonces WHERE account_id = $1",
];

/// Every table, children first. `emulator_instances` stays: it holds the worker numbers
/// of running processes, which are runtime state, not data.
pub(super) const EVERYTHING: [&str; 10] = [
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

impl Store {
    /// Deletes the corp's customers (with contacts and followers), tokens and rate
    /// windows. `None` when there is no such corp.
    #[tracing::instrument(skip_all, fields(corpid))]
    pub async fn reset_corp(&self, corpid: &str) -> StoreResult<Option<TenantReset>> {
        with_tx!(self, |tx| {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM dt_corps WHERE corpid = $1")
                .bind(corpid)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(id) = id else { return Ok(None) };
            for sql in CORP_DATA {
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
            let customers = sqlx::query("DELETE FROM dt_customers WHERE corp_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            Ok(Some(TenantReset { customers }))
        })
    }

    /// Deletes the account's customers (with their index rows) and replay records.
    /// `None` when there is no such account.
    #[tracing::instrument(skip_all, fields(appid))]
    pub async fn reset_account(&self, appid: &str) -> StoreResult<Option<TenantReset>> {
        with_tx!(self, |tx| {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM oa_accounts WHERE appid = $1")
                .bind(appid)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(id) = id else { return Ok(None) };
            for sql in ACCOUNT_DATA {
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
            let customers = sqlx::query("DELETE FROM oa_customers WHERE account_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            Ok(Some(TenantReset { customers }))
        })
    }

    /// Deletes every tenant and all data, then recreates the well-known default tenants
    /// exactly as a first start does (the `initialized` marker is deleted and claimed
    /// again in the same transaction).
    #[tracing::instrument(skip_all)]
    pub async fn reset_all(&self, now_ms: i64) -> StoreResult<FullReset> {
        with_tx!(self, |tx| {
            for sql in EVERYTHING {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
            let corps = sqlx::query("DELETE FROM dt_corps")
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let accounts = sqlx::query("DELETE FROM oa_accounts")
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM emulator_meta WHERE key = 'initialized'")
                .execute(&mut *tx)
                .await?;
            let _ = create_defaults_once!(tx, now_ms);
            Ok(FullReset { corps, accounts })
        })
    }
}
