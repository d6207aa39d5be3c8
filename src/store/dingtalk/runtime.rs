//! The DingTalk API's runtime state: access tokens (SPEC §1.2), rate-limit windows
//! (SPEC §1.5), and the per-corp settings that steer them. All of it lives in the
//! database so that instances sharing it agree.

use sqlx::FromRow;
use tracing::instrument;

use crate::store::{tenants::Corp, with_pool, with_write, Store, StoreResult};

/// The token `/gettoken` hands out and when it expires (epoch ms).
#[derive(Clone, Debug, FromRow)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: i64,
}

/// The corp an access token belongs to, and when the token expires (epoch ms).
#[derive(Clone, Debug, FromRow)]
pub struct TokenOwner {
    #[sqlx(flatten)]
    pub corp: Corp,
    pub expires_at: i64,
}

impl Store {
    /// The corp's access token, renewed to expire at `expires_at`: the current token if
    /// it is still valid at `now_ms`, otherwise `candidate`, which replaces it. One
    /// upsert, so concurrent fetches — on any instance — agree on the token.
    #[instrument(skip_all, fields(corp_id = corp_id))]
    pub async fn dt_issue_token(
        &self,
        corp_id: i64,
        candidate: &str,
        now_ms: i64,
        expires_at: i64,
    ) -> StoreResult<IssuedToken> {
        let sql = "INSERT INTO dt_tokens (corp_id, token, expires_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (corp_id) DO UPDATE SET \
                   token = CASE WHEN dt_tokens.expires_at > $4 THEN dt_tokens.token \
                   ELSE excluded.token END, \
                   expires_at = excluded.expires_at \
                   RETURNING token, expires_at";
        let issued = with_write!(self, |pool| sqlx::query_as(sql)
            .bind(corp_id)
            .bind(candidate)
            .bind(expires_at)
            .bind(now_ms)
            .fetch_one(pool)
            .await)?;
        Ok(issued)
    }

    /// The corp holding `token` and the token's expiry, in one indexed lookup.
    #[instrument(level = "debug", skip_all)]
    pub async fn dt_token_owner(&self, token: &str) -> StoreResult<Option<TokenOwner>> {
        let sql = "SELECT c.id, c.corpid, c.corpsecret, c.appkey, c.appsecret, c.mode, \
                   c.rate_limit_per_minute, c.created_at, t.expires_at \
                   FROM dt_tokens t JOIN dt_corps c ON c.id = t.corp_id WHERE t.token = $1";
        let owner = with_pool!(self, |pool| sqlx::query_as(sql)
            .bind(token)
            .fetch_optional(pool)
            .await)?;
        Ok(owner)
    }

    /// Counts one call of `endpoint` by the corp in the one-minute window starting at
    /// `window_start` (epoch ms) and returns the calls so far in that window. A call in
    /// a new window starts the count again.
    #[instrument(level = "debug", skip_all, fields(corp_id = corp_id, endpoint = endpoint))]
    pub async fn dt_count_call(
        &self,
        corp_id: i64,
        endpoint: &str,
        window_start: i64,
    ) -> StoreResult<i64> {
        let sql = "INSERT INTO dt_rate_windows (corp_id, endpoint, window_start, calls) \
                   VALUES ($1, $2, $3, 1) ON CONFLICT (corp_id, endpoint) DO UPDATE SET \
                   calls = CASE WHEN dt_rate_windows.window_start = excluded.window_start \
                   THEN dt_rate_windows.calls + 1 ELSE 1 END, \
                   window_start = excluded.window_start \
                   RETURNING calls";
        let calls = with_write!(self, |pool| sqlx::query_scalar(sql)
            .bind(corp_id)
            .bind(endpoint)
            .bind(window_start)
            .fetch_one(pool)
            .await)?;
        Ok(calls)
    }
}
