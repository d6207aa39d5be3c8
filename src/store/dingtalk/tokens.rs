//! The DingTalk API's runtime state: access tokens (`docs/dingtalk.md#tokens`) and
//! rate-limit windows (`docs/dingtalk.md#rate-limits`). All of it lives in the database
//! so that instances sharing it agree; the corp holding a token is also kept for a moment
//! in this process, so that the token check of a hot `/crm/...` call costs no database
//! round trip.

use std::sync::Arc;

use sqlx::FromRow;
use tracing::instrument;

use super::{Corp, DingTalkStore};
use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt};

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

impl DingTalkStore<'_> {
    /// The corp's access token, renewed to expire at `expires_at`: the current token if
    /// it is still valid at `now_ms`, otherwise `candidate`, which replaces it. One
    /// upsert, so concurrent fetches — on any instance — agree on the token.
    #[instrument(skip_all, fields(corp_id = corp.id))]
    pub async fn issue_token(
        &self,
        corp: &Corp,
        candidate: &str,
        now_ms: i64,
        expires_at: i64,
    ) -> StoreResult<IssuedToken> {
        let stmt = Stmt::new(
            "INSERT INTO dt_tokens (corp_id, token, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (corp_id) DO UPDATE SET \
             token = CASE WHEN dt_tokens.expires_at > $4 THEN dt_tokens.token \
             ELSE excluded.token END, \
             expires_at = excluded.expires_at \
             RETURNING token, expires_at",
        )
        .bind(corp.id)
        .bind(candidate)
        .bind(expires_at)
        .bind(now_ms);
        let issued: IssuedToken = self.db.write().await?.fetch_one(&stmt).await?;
        let owner = TokenOwner {
            corp: corp.clone(),
            expires_at: issued.expires_at,
        };
        self.state.tokens.put(issued.token.clone(), Arc::new(owner));
        Ok(issued)
    }

    /// The corp holding `token` and the token's expiry: from this process's recent
    /// answers while the token is valid at `now_ms` (the emulator's clock), else one
    /// indexed lookup. An answer that looks expired is not reused: the database decides
    /// (another instance may have renewed the token).
    #[instrument(level = "debug", skip_all)]
    pub async fn token_owner(
        &self,
        token: &str,
        now_ms: i64,
    ) -> StoreResult<Option<Arc<TokenOwner>>> {
        if let Some(owner) = self.state.tokens.get(token) {
            if now_ms < owner.expires_at {
                return Ok(Some(owner));
            }
        }
        let stmt = Stmt::new(
            "SELECT c.id, c.corpid, c.corpsecret, c.appkey, c.appsecret, c.mode, \
             c.rate_limit_per_minute, c.created_at, t.expires_at \
             FROM dt_tokens t JOIN dt_corps c ON c.id = t.corp_id WHERE t.token = $1",
        )
        .bind(token);
        let owner: Option<TokenOwner> = self.db.read().await?.fetch_optional(&stmt).await?;
        let owner = owner.map(Arc::new);
        if let Some(owner) = owner.as_ref().filter(|o| now_ms < o.expires_at) {
            self.state.tokens.put(token.to_owned(), owner.clone());
        }
        Ok(owner)
    }

    /// Counts one call of `endpoint` by the corp in the one-minute window starting at
    /// `window_start` (epoch ms) and returns the calls so far in that window. A call in
    /// a new window starts the count again.
    #[instrument(level = "debug", skip_all, fields(corp_id = corp_id, endpoint = endpoint))]
    pub async fn count_call(
        &self,
        corp_id: i64,
        endpoint: &str,
        window_start: i64,
    ) -> StoreResult<i64> {
        let stmt = Stmt::new(
            "INSERT INTO dt_rate_windows (corp_id, endpoint, window_start, calls) \
             VALUES ($1, $2, $3, 1) ON CONFLICT (corp_id, endpoint) DO UPDATE SET \
             calls = CASE WHEN dt_rate_windows.window_start = excluded.window_start \
             THEN dt_rate_windows.calls + 1 ELSE 1 END, \
             window_start = excluded.window_start \
             RETURNING calls",
        )
        .bind(corp_id)
        .bind(endpoint)
        .bind(window_start);
        let (calls,): (i64,) = self.db.write().await?.fetch_one(&stmt).await?;
        Ok(calls)
    }
}
