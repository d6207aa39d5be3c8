//! Corps: their credentials, mode and rate limit. Changing or deleting a corp forgets
//! the token answers this process keeps, since they carry the corp.

use super::{Corp, CorpPatch, DingTalkStore, NewCorp};
use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt};

const COLUMNS: &str =
    "id, corpid, corpsecret, appkey, appsecret, mode, rate_limit_per_minute, created_at";

/// The one insert of a corp, created at `created_at`; returns the row.
pub(crate) fn insert(corp: &NewCorp, created_at: i64) -> Stmt<'_> {
    let mut stmt = Stmt::new(
        "INSERT INTO dt_corps (corpid, corpsecret, appkey, appsecret, mode, \
         rate_limit_per_minute, created_at)",
    );
    stmt.push_values([corp], |row, corp| {
        row.bind(&corp.corpid)
            .bind(&corp.corpsecret)
            .bind(&corp.appkey)
            .bind(&corp.appsecret)
            .bind(corp.mode.as_str())
            .bind(corp.rate_limit_per_minute)
            .bind(created_at);
    });
    stmt.push(" RETURNING ").push(COLUMNS);
    stmt
}

/// Every corp, in key order (for the control plane and the export).
pub(crate) fn all() -> Stmt<'static> {
    Stmt::new(format!("SELECT {COLUMNS} FROM dt_corps ORDER BY corpid"))
}

impl DingTalkStore<'_> {
    /// Creates a corp; a taken `corpid` or `appkey` is a
    /// [`crate::store::StoreError::Conflict`].
    pub async fn create_corp(&self, corp: &NewCorp, now_ms: i64) -> StoreResult<Corp> {
        let mut conn = self.db.write().await?;
        conn.fetch_one(&insert(corp, now_ms)).await
    }

    pub async fn corp_by_corpid(&self, corpid: &str) -> StoreResult<Option<Corp>> {
        let sql = format!("SELECT {COLUMNS} FROM dt_corps WHERE corpid = $1");
        let mut conn = self.db.read().await?;
        conn.fetch_optional(&Stmt::new(sql).bind(corpid)).await
    }

    pub async fn corp_by_appkey(&self, appkey: &str) -> StoreResult<Option<Corp>> {
        let sql = format!("SELECT {COLUMNS} FROM dt_corps WHERE appkey = $1");
        let mut conn = self.db.read().await?;
        conn.fetch_optional(&Stmt::new(sql).bind(appkey)).await
    }

    pub async fn list_corps(&self) -> StoreResult<Vec<Corp>> {
        self.db.read().await?.fetch_all(&all()).await
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
             WHERE corpid = $1 RETURNING {COLUMNS}"
        );
        let stmt = Stmt::new(sql)
            .bind(corpid)
            .bind(&patch.corpsecret)
            .bind(patch.appkey.is_some())
            .bind(patch.appkey.clone().flatten())
            .bind(patch.appsecret.is_some())
            .bind(patch.appsecret.clone().flatten())
            .bind(patch.mode.map(|m| m.as_str()))
            .bind(patch.rate_limit_per_minute.is_some())
            .bind(patch.rate_limit_per_minute.flatten());
        let corp = self.db.write().await?.fetch_optional(&stmt).await?;
        // Token answers carry the corp's mode and rate limit.
        self.corps_changed().await;
        Ok(corp)
    }

    /// Deletes the corp and, through `ON DELETE CASCADE`, all of its data, in one
    /// statement. Returns whether it existed.
    pub async fn delete_corp(&self, corpid: &str) -> StoreResult<bool> {
        let stmt = Stmt::new("DELETE FROM dt_corps WHERE corpid = $1").bind(corpid);
        let done = self.db.write().await?.execute(&stmt).await?;
        self.corps_changed().await;
        Ok(done == 1)
    }
}
