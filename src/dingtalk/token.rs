//! `GET /gettoken` (`docs/dingtalk.md#tokens`): an access token for a corp's credentials.

use std::sync::Arc;

use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use tracing::instrument;
use utoipa::{IntoParams, ToSchema};

use super::{
    error::{DtError, DtErrorBody, DtResult},
    extract::DtQuery,
};
use crate::http::Json;
use crate::{
    http::Tenant,
    runtime::rules::dingtalk as dt,
    state::AppState,
    store::{dingtalk::Corp, Store},
};

/// The two documented credential pairs: `corpid`/`corpsecret` and `appkey`/`appsecret`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Credentials {
    /// The corp's id; takes precedence over `appkey` when both are given.
    corpid: Option<String>,
    /// Required with `corpid`.
    corpsecret: Option<String>,
    /// The app key, instead of `corpid`.
    appkey: Option<String>,
    /// Required with `appkey`.
    appsecret: Option<String>,
}

/// The answer of `/gettoken`, in the key order DingTalk's own answers have
/// (`errcode`, `access_token`, `errmsg`, `expires_in`), unlike every other DingTalk
/// answer, whose `errcode` and `errmsg` come first.
#[derive(Serialize, ToSchema)]
pub struct TokenIssued {
    #[schema(minimum = 0, maximum = 0)]
    errcode: i64,
    access_token: String,
    errmsg: &'static str,
    expires_in: u64,
}

/// What `/gettoken` answers: the token, or an error.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "only described: the handler returns its parts")]
pub enum TokenReply {
    Ok(TokenIssued),
    Error(DtErrorBody),
}

/// `GET /gettoken?corpid=ID&corpsecret=SECRET` or `?appkey=KEY&appsecret=SECRET` →
/// `{"errcode":0,"access_token":"…","errmsg":"ok","expires_in":7200}`.
///
/// While the corp's token is valid, asking again returns the same token and renews its
/// expiry (DingTalk's 7200 s rule); `expires_in` is the configured TTL. The token lives
/// in the database, so every instance sharing it accepts the token.
#[utoipa::path(
    get,
    path = "/gettoken",
    tag = "DingTalk",
    params(Credentials),
    responses((status = 200, description = "`access_token` and `expires_in`, or errcode 41002, 41004, 40089", body = TokenReply))
)]
#[instrument(skip_all)]
pub async fn gettoken(
    State(state): State<AppState>,
    DtQuery(credentials): DtQuery<Credentials>,
) -> DtResult<Response> {
    let corp = match authenticate(&state.store, &credentials).await {
        Ok(corp) => corp,
        // Refused, for the corp the credentials name if there is one (its tenant, for
        // the journal and integration coverage).
        Err((err, named)) => {
            let mut response = err.into_response();
            if let Some(corp) = named {
                response.extensions_mut().insert(Tenant(Arc::from(corp)));
            }
            return Ok(response);
        }
    };
    let ttl_secs = state.config.token_ttl.max(1);
    let now_ms = state.clock.now_ms();
    let ttl_ms = i64::try_from(ttl_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let expires_at = now_ms.saturating_add(ttl_ms);
    // 128 random bits as 32 hex digits, the shape of DingTalk's tokens.
    let candidate = uuid::Uuid::new_v4().simple().to_string();
    let issued = state
        .store
        .dingtalk()
        .issue_token(&corp, &candidate, now_ms, expires_at)
        .await?;
    let tenant = Tenant(Arc::from(corp.corpid.as_str()));
    let mut response = Json(TokenIssued {
        errcode: 0,
        access_token: issued.token,
        errmsg: "ok",
        expires_in: ttl_secs,
    })
    .into_response();
    response.extensions_mut().insert(tenant);
    Ok(response)
}

/// The corp whose credentials were given. `corpid` takes precedence when both pairs are
/// present; a missing key is 41002, a missing secret 41004, a wrong pair 40089. A
/// refusal comes with the corpid of the corp the key names, if one does.
async fn authenticate(
    store: &Store,
    credentials: &Credentials,
) -> Result<Corp, (DtError, Option<String>)> {
    let store_failed = |e| (DtError::from(e), None);
    let (corp, secret, expected, pair): (_, _, fn(&Corp) -> Option<&String>, _) =
        if let Some(corpid) = given(&credentials.corpid) {
            let corp = store.dingtalk().corp_by_corpid(corpid).await;
            let expected: fn(&Corp) -> Option<&String> = |c| Some(&c.corpsecret);
            let secret = (
                &credentials.corpsecret,
                "corpsecret is required with corpid",
            );
            (corp, secret, expected, "corpid and corpsecret")
        } else if let Some(appkey) = given(&credentials.appkey) {
            let corp = store.dingtalk().corp_by_appkey(appkey).await;
            let expected: fn(&Corp) -> Option<&String> = |c| c.appsecret.as_ref();
            let secret = (&credentials.appsecret, "appsecret is required with appkey");
            (corp, secret, expected, "appkey and appsecret")
        } else {
            return Err((DtError::refused(&dt::GETTOKEN_KEY, ""), None));
        };
    let corp = corp.map_err(store_failed)?;
    let Some(secret) = given(secret.0) else {
        let named = corp.map(|c| c.corpid);
        return Err((DtError::refused(&dt::GETTOKEN_SECRET, secret.1), named));
    };
    check_secret(corp, expected, secret, pair)
}

/// `corp` if it exists and `given` is its secret; otherwise 40089, without telling
/// which half of the pair was wrong.
fn check_secret(
    corp: Option<Corp>,
    expected: impl Fn(&Corp) -> Option<&String>,
    given: &str,
    pair: &str,
) -> Result<Corp, (DtError, Option<String>)> {
    match corp {
        Some(corp) if expected(&corp).is_some_and(|e| secrets_match(given, e)) => Ok(corp),
        corp => Err((
            DtError::refused(
                &dt::GETTOKEN_CREDENTIALS,
                format!("no corp has this {pair}"),
            ),
            corp.map(|c| c.corpid),
        )),
    }
}

/// A query parameter that is present and not empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// Compares secrets in constant time, so response timing does not leak them.
fn secrets_match(given: &str, expected: &str) -> bool {
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}
