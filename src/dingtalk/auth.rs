//! Who is calling `/crm/...`: the access token (`docs/dingtalk.md#tokens`), the optional
//! per-corp rate limit (`docs/dingtalk.md#rate-limits`), and the `user_id` query
//! parameter of the writes (`docs/dingtalk.md#endpoints`).
//!
//! [`require_token`] is a `route_layer`, so it runs only for known routes: an unknown
//! path still gets errcode 404 and a wrong method 43001/43002, not a token error.

use std::sync::Arc;

use axum::{
    extract::{FromRequestParts, MatchedPath, Request, State},
    http::{request::Parts, Uri},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    error::{DtError, DtResult},
    extract::{self, DtQuery},
    validate::storable_user_id,
};
use crate::{
    http::Tenant,
    runtime::rules::{dingtalk as dt, Judge},
    state::AppState,
    store::{
        dingtalk::{Corp, CorpScope},
        StoreError,
    },
};

/// The corp an access token belongs to, as handlers need it.
#[derive(Clone, Debug)]
pub struct Caller {
    pub scope: CorpScope,
    pub corpid: Arc<str>,
    pub rate_limit_per_minute: Option<i64>,
}

impl Caller {
    pub fn of(corp: &Corp) -> Caller {
        Caller {
            scope: CorpScope {
                id: corp.id,
                mode: corp.mode,
            },
            corpid: Arc::from(corp.corpid.as_str()),
            rate_limit_per_minute: corp.rate_limit_per_minute,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = DtError;

    /// Put there by [`require_token`]; a route without that layer has no caller, which
    /// answers like a request without a token rather than panicking.
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, DtError> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| DtError::refused(&dt::TOKEN_REQUIRED, ""))
    }
}

/// Resolves `access_token` to its corp, applies the corp's rate limit, and passes the
/// caller, its [`Tenant`] and the [`Judge`] of its mode on to the handler; the tenant is
/// also left on the response for the access log and the request journal.
pub async fn require_token(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let caller = match authenticate(&state, req.uri()).await {
        Ok(caller) => caller,
        Err(Refused(err, expired)) => {
            let mut response = err.into_response();
            if let Some(corp) = expired {
                response.extensions_mut().insert(Tenant(corp.corpid));
            }
            return response;
        }
    };
    let tenant = Tenant(caller.corpid.clone());
    let admitted = match caller.rate_limit_per_minute {
        None => Ok(()),
        Some(limit) => {
            let endpoint = req
                .extensions()
                .get::<MatchedPath>()
                .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
            enforce_rate_limit(&state, caller.scope.id, limit, &endpoint).await
        }
    };
    let mut response = match admitted {
        Ok(()) => {
            let judge = Judge::of(caller.scope.mode, req.extensions());
            req.extensions_mut().insert(judge);
            req.extensions_mut().insert(tenant.clone());
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        Err(err) => err.into_response(),
    };
    response.extensions_mut().insert(tenant);
    response
}

/// A refused token, with the corp of an expired one (its tenant, for the journal and
/// integration coverage).
struct Refused(DtError, Option<Caller>);

impl<E: Into<DtError>> From<E> for Refused {
    fn from(err: E) -> Self {
        Refused(err.into(), None)
    }
}

async fn authenticate(state: &AppState, uri: &Uri) -> Result<Caller, Refused> {
    #[derive(Deserialize)]
    struct TokenQuery {
        access_token: Option<String>,
    }
    let query: TokenQuery = extract::query(uri)?;
    let token = query
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| DtError::refused(&dt::TOKEN_REQUIRED, ""))?;
    match token_holder(state, &token, state.clock.now_ms()).await? {
        Some(TokenHolder::Valid(caller)) => Ok(caller),
        Some(TokenHolder::Expired(corp)) => {
            Err(Refused(DtError::refused(&dt::TOKEN_FRESH, ""), Some(corp)))
        }
        None => Err(DtError::refused(&dt::TOKEN_KNOWN, "").into()),
    }
}

/// The corp an access token was issued to, and whether the token still holds.
pub enum TokenHolder {
    /// Valid now: the caller.
    Valid(Caller),
    /// Issued to this corp, and expired.
    Expired(Caller),
}

impl TokenHolder {
    /// The corp the token was issued to, valid or not.
    pub fn caller(&self) -> &Caller {
        match self {
            TokenHolder::Valid(caller) | TokenHolder::Expired(caller) => caller,
        }
    }
}

/// Whom `token` belongs to at `now_ms` (the store keeps recent answers, so a hot token
/// costs no round trip). `None` for a token no corp holds. Authentication and fault
/// injection's tenant rules both ask this.
pub async fn token_holder(
    state: &AppState,
    token: &str,
    now_ms: i64,
) -> Result<Option<TokenHolder>, StoreError> {
    let owner = state.store.dingtalk().token_owner(token, now_ms).await?;
    Ok(owner.map(|owner| {
        let caller = Caller::of(&owner.corp);
        if owner.expires_at <= now_ms {
            TokenHolder::Expired(caller)
        } else {
            TokenHolder::Valid(caller)
        }
    }))
}

/// Counts the call in the corp's current one-minute window for this endpoint (in the
/// database, so instances sharing it agree) and refuses it past the corp's limit.
async fn enforce_rate_limit(
    state: &AppState,
    corp_id: i64,
    limit: i64,
    endpoint: &str,
) -> DtResult<()> {
    let now_ms = state.clock.now_ms();
    let window_start = now_ms - now_ms.rem_euclid(60_000);
    let calls = state
        .store
        .dingtalk()
        .count_call(corp_id, endpoint, window_start)
        .await?;
    if calls > limit {
        let wait_secs = (window_start + 60_000 - now_ms + 999) / 1000;
        return Err(DtError::refused(
            &dt::RATE_LIMIT,
            format!(
                "{endpoint} allows {limit} calls per minute for this corp; the next window \
                 opens in {wait_secs} s"
            ),
        ));
    }
    Ok(())
}

/// For a lenient corp, a warning per employee a write added to the directory
/// (`dingtalk.employee.known`); `field` names the request field each came from. A
/// strict corp's store refuses unknown employees instead, so it never gets here.
pub fn warn_added(
    judge: &Judge,
    added: &[String],
    field: impl Fn(&str) -> &'static str,
) -> DtResult<()> {
    for userid in added {
        let detail = format!(
            "{} {userid} is not in the corp's employee directory",
            field(userid)
        );
        judge.check(&dt::EMPLOYEE_KNOWN, detail)?;
    }
    Ok(())
}

/// The calling employee: the `user_id` query parameter the vendor document requires on
/// every write but the `empcustomer` pair. Missing or empty is 41009.
pub struct UserId(pub String);

/// The `user_id` query parameter of the customer and contact writes.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserIdParam {
    /// The employee making the change (41009 when missing; at most 500 characters).
    #[param(required = true, max_length = 500)]
    user_id: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for UserId {
    type Rejection = DtError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, DtError> {
        let DtQuery(query) = DtQuery::<UserIdParam>::from_request_parts(parts, state).await?;
        match query.user_id {
            Some(user_id) if !user_id.trim().is_empty() => {
                storable_user_id("user_id", &user_id)?;
                Ok(UserId(user_id))
            }
            _ => Err(DtError::refused(&dt::USER_ID_REQUIRED, "")),
        }
    }
}
