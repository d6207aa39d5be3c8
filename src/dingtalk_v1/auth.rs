//! Who is calling `/v1.0/crm/...` (docs/dingtalk-v1.md#tokens): the token in the
//! `x-acs-dingtalk-access-token` header — the old API's token, one store for both —
//! and the corp's optional rate limit; and the employees a request names
//! (docs/dingtalk-v1.md#employees).
//!
//! [`require_token`] is a `route_layer`, so it runs only for known routes: an unknown
//! path or a wrong method still gets `resource.not.found`, not a token error.

use std::sync::Arc;

use axum::{
    extract::{FromRequestParts, MatchedPath, Request, State},
    http::{request::Parts, HeaderMap, HeaderName},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::error::{V1Error, V1Result};
use crate::{
    http::Tenant,
    runtime::rules::{dingtalk_v1 as v1, Judge},
    state::AppState,
    store::dingtalk::{CorpScope, DtStoreError, Registered},
};

/// The header every v1.0 CRM call carries its token in (its name in any case).
pub static ACCESS_TOKEN: HeaderName = HeaderName::from_static("x-acs-dingtalk-access-token");

/// The corp a token belongs to, as handlers need it.
#[derive(Clone, Debug)]
pub struct Caller {
    pub scope: CorpScope,
    pub corpid: Arc<str>,
    pub rate_limit_per_minute: Option<i64>,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = V1Error;

    /// Put there by [`require_token`]; a route without that layer has no caller, which
    /// answers like a request without a token rather than panicking.
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, V1Error> {
        let caller = parts.extensions.get::<Caller>().cloned();
        caller.ok_or_else(|| V1Error::refused(&v1::TOKEN_REQUIRED, ""))
    }
}

/// Resolves the token to its corp, applies the corp's rate limit, and passes the
/// caller, its [`Tenant`] and the [`Judge`] of its mode on to the handler; the tenant is
/// also left on the response for the access log and the request journal.
pub async fn require_token(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let caller = match authenticate(&state, req.headers()).await {
        Ok(caller) => caller,
        Err(Refused(err, expired)) => {
            let mut response = err.into_response();
            if let Some(corpid) = expired {
                response.extensions_mut().insert(Tenant(Arc::from(corpid)));
            }
            return response;
        }
    };
    let tenant = Tenant(caller.corpid.clone());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
    let mut response = match rate_limit(&state, &caller, &route).await {
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
struct Refused(V1Error, Option<String>);

impl<E: Into<V1Error>> From<E> for Refused {
    fn from(err: E) -> Self {
        Refused(err.into(), None)
    }
}

async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller, Refused> {
    let token = headers
        .get(&ACCESS_TOKEN)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            let detail = "the x-acs-dingtalk-access-token header is required";
            V1Error::refused(&v1::TOKEN_REQUIRED, detail)
        })?;
    if token.starts_with('"') {
        let detail = "the token is JSON-quoted; send it bare";
        return Err(V1Error::refused(&v1::TOKEN_KNOWN, detail).into());
    }
    let now_ms = state.clock.now_ms();
    let Some(owner) = state.store.dingtalk().token_owner(token, now_ms).await? else {
        let detail = "unknown token; fetch one from /v1.0/oauth2/accessToken";
        return Err(V1Error::refused(&v1::TOKEN_KNOWN, detail).into());
    };
    if owner.expires_at <= now_ms {
        let detail = "the token has expired; fetch a new one from /v1.0/oauth2/accessToken";
        let refusal = V1Error::refused(&v1::TOKEN_FRESH, detail);
        return Err(Refused(refusal, Some(owner.corp.corpid.clone())));
    }
    let corp = &owner.corp;
    Ok(Caller {
        scope: CorpScope {
            id: corp.id,
            mode: corp.mode,
        },
        corpid: Arc::from(corp.corpid.as_str()),
        rate_limit_per_minute: corp.rate_limit_per_minute,
    })
}

/// Counts the call in the corp's current one-minute window for this route (in the
/// database, shared with the old API's windows) and refuses it past the corp's limit.
async fn rate_limit(state: &AppState, caller: &Caller, route: &str) -> V1Result<()> {
    let Some(limit) = caller.rate_limit_per_minute else {
        return Ok(());
    };
    let now_ms = state.clock.now_ms();
    let window_start = now_ms - now_ms.rem_euclid(60_000);
    let store = state.store.dingtalk();
    let calls = store
        .count_call(caller.scope.id, route, window_start)
        .await?;
    if calls > limit {
        let wait_secs = (window_start + 60_000 - now_ms + 999) / 1000;
        return Err(V1Error::refused(
            &v1::RATE_LIMIT,
            format!(
                "{route} allows {limit} calls per minute for this corp; the next window \
                 opens in {wait_secs} s"
            ),
        ));
    }
    Ok(())
}

/// The employees a request names, each with the key that named it, callers first.
#[derive(Default)]
pub struct Employees(Vec<(&'static str, String)>);

impl Employees {
    /// Adds `userid`, named by `key`.
    pub fn add(&mut self, key: &'static str, userid: &str) {
        self.0.push((key, userid.to_owned()));
    }

    /// Adds each of `userids`, named by `key`.
    pub fn add_all<'u>(
        &mut self,
        key: &'static str,
        userids: impl IntoIterator<Item = &'u String>,
    ) {
        for userid in userids {
            self.add(key, userid);
        }
    }

    /// The user ids, de-duplicated, in order.
    pub fn ids(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.0
            .iter()
            .filter(|(_, u)| seen.insert(u.as_str()))
            .map(|(_, u)| u.clone())
            .collect()
    }

    /// The key that first named `userid`.
    fn key_of(&self, userid: &str) -> &'static str {
        let named = self.0.iter().find(|(_, u)| u == userid);
        named.map_or("userId", |(key, _)| key)
    }

    /// For a lenient corp, a warning per employee the request added to the directory.
    pub fn warn(&self, judge: &Judge, registered: &Registered) -> V1Result<()> {
        for userid in registered {
            let key = self.key_of(userid);
            let detail = format!("{key} {userid} is not in the corp's employee directory");
            judge.check(&v1::EMPLOYEE_KNOWN, detail)?;
        }
        Ok(())
    }

    /// Maps a store failure: an unknown employee by the key that named it, an unknown
    /// record by `record_key`.
    pub fn store_error(&self, err: DtStoreError, record_key: &str) -> V1Error {
        match err {
            DtStoreError::Store(cause) => V1Error::System(cause),
            DtStoreError::UnknownEmployee(userid) => {
                V1Error::unknown_employee(self.key_of(&userid), &userid)
            }
            DtStoreError::UnknownCustomers(ids) => V1Error::no_such(record_key, "customer", &ids),
            DtStoreError::UnknownContacts(ids) => V1Error::no_such(record_key, "contact", &ids),
            DtStoreError::UnknownRelation => V1Error::no_such(record_key, "relation", &[""]),
            DtStoreError::DuplicateName(id) => duplicate(id),
        }
    }
}

/// `same.data.exists`: customer `id` has the name.
fn duplicate(id: i64) -> V1Error {
    V1Error::refused(&v1::CUSTOMER_DUPLICATE_NAME, duplicate_detail(id))
}

/// What a duplicate name is: customer `id` has it.
pub fn duplicate_detail(id: i64) -> String {
    format!("data.customer_name: customer {id} of the same relation type has this name")
}
