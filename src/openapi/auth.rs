//! Request authentication for `/openapi/crm/*` (`docs/openapi.md#authentication`), as a
//! `route_layer`, so unknown paths still get the surface's 404.
//!
//! Checks, in order, each failure a 401 naming what failed and the rule it is
//! (`runtime::rules::openapi`): the headers `appid`, `nonce`, `timestamp`, `signature`
//! are present; the appid is an account; the timestamp is 10-digit seconds or 13-digit
//! milliseconds within the window of the emulator's clock; the signature is
//! `Base64(HMAC-SHA256(secret, appid + nonce + timestamp))` (compared in constant
//! time); the nonce fits the replay records (at most 500 characters); the (appid,
//! nonce, timestamp) triple was not used before (see [`super::nonce`]: a route mounted
//! with [`NonceWrite::WithTheWrite`] records it with its own write) — a guess, so a
//! lenient account is served a replay with a warning. Modes (`--signature-mode`):
//! `strict` checks everything; `lenient` serves a request whose signature is wrong, with
//! the warning of rule `openapi.auth.signature` (and, as before, the mismatch in an
//! `x-emulator-signature-warning` header); `off` needs only `appid` and checks and
//! records nothing else. The account's [`Judge`] goes in the request's extensions for
//! the checks after this one.

use std::sync::Arc;

use axum::{
    extract::{FromRequestParts, Request, State},
    http::{request::Parts, Extensions, HeaderMap, HeaderName, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::{
    error::ApiError,
    nonce::{record, NonceWrite, PendingNonce},
};
use crate::{
    config::SignatureMode,
    http::{StringToSign, Tenant},
    runtime::rules::{openapi as oa, Judge},
    signature,
    state::AppState,
    store::{
        openapi::{Account, NonceUse},
        over_index_limit, INDEXED_TEXT_MAX,
    },
};

pub static X_SIGNATURE_WARNING: HeaderName =
    HeaderName::from_static("x-emulator-signature-warning");

const HEADERS: [&str; 4] = ["appid", "nonce", "timestamp", "signature"];

/// The authenticated account, for handlers.
#[derive(Clone, Debug)]
pub struct Caller(pub Arc<Account>);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            tracing::error!("an /openapi/crm route is missing the authentication layer");
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal error",
            )
        })
    }
}

/// A refusal, with the tenant when the appid was known (for the log and journal).
struct Refusal(Option<Tenant>, ApiError);

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Refusal(None, error)
    }
}

/// What the middleware of a group of routes needs: the state, and when those routes
/// record their nonce.
#[derive(Clone)]
pub struct Authentication {
    pub state: AppState,
    pub nonce: NonceWrite,
}

/// The middleware: authenticates, then runs the handler with [`Caller`], [`Tenant`] and
/// the account's [`Judge`] (and, for a route that records its nonce with its write, the
/// [`PendingNonce`]) in the request extensions, and puts [`Tenant`] in the response's.
pub async fn authenticate(
    State(Authentication { state, nonce }): State<Authentication>,
    mut req: Request,
    next: Next,
) -> Response {
    let defer = nonce == NonceWrite::WithTheWrite;
    match verify(&state, req.headers(), req.extensions(), defer).await {
        Err(Refusal(tenant, error)) => refusal(&req, tenant, error),
        Ok((account, warning, deferred)) => {
            let string_to_sign = warning.is_some().then(|| string_to_sign(req.headers()));
            let tenant = Tenant(Arc::from(account.appid.as_str()));
            let judge = Judge::of(account.mode, req.extensions());
            let deferred = deferred.map(PendingNonce::new);
            if let Some(deferred) = &deferred {
                req.extensions_mut().insert(deferred.clone());
            }
            req.extensions_mut().insert(judge.clone());
            req.extensions_mut().insert(tenant.clone());
            req.extensions_mut().insert(Caller(account.clone()));
            let mut response = next.run(req).await;
            if let Some(nonce) = deferred.as_ref().and_then(PendingNonce::take) {
                // The handler refused the request before its write: the nonce is
                // recorded now, and a refused replay answers as one.
                if let Err(error) = record(&state, &account, &judge, nonce).await {
                    response = error.into_response();
                }
            }
            response.extensions_mut().insert(tenant);
            if let Some(warning) = warning {
                response
                    .headers_mut()
                    .insert(X_SIGNATURE_WARNING.clone(), warning);
            }
            if let Some(string_to_sign) = string_to_sign {
                response.extensions_mut().insert(string_to_sign);
            }
            response
        }
    }
}

fn refusal(req: &Request, tenant: Option<Tenant>, error: ApiError) -> Response {
    let mismatch = error.rule().is_some_and(|r| r.id == oa::AUTH_SIGNATURE.id);
    let string_to_sign = mismatch.then(|| string_to_sign(req.headers()));
    let mut response = error.into_response();
    if let Some(tenant) = tenant {
        response.extensions_mut().insert(tenant);
    }
    if let Some(string_to_sign) = string_to_sign {
        response.extensions_mut().insert(string_to_sign);
    }
    response
}

/// The four header values, as sent.
struct Signed<'a> {
    appid: &'a str,
    nonce: &'a str,
    timestamp: &'a str,
    signature: &'a str,
}

/// The account, the lenient signature warning if any, and the replay record when its
/// writing is `defer`red to the handler.
type Verified = (Arc<Account>, Option<HeaderValue>, Option<Arc<NonceUse>>);

async fn verify(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &Extensions,
    defer: bool,
) -> Result<Verified, Refusal> {
    let mode = state.config.signature_mode;
    let signed = read_headers(headers, mode)?;
    let account = state
        .store
        .openapi()
        .account(signed.appid)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(|| {
            ApiError::refused(
                &oa::AUTH_APPID,
                format!("unknown appid {:?}: no account has it", signed.appid),
            )
        })?;
    if mode == SignatureMode::Off {
        return Ok((account, None, None));
    }
    let tenant = Tenant(Arc::from(account.appid.as_str()));
    let judge = Judge::of(account.mode, extensions);
    match check_signed(state, &account, &signed, &judge, defer).await {
        Ok((warning, deferred)) => Ok((account, warning, deferred)),
        Err(e) => Err(Refusal(Some(tenant), e)),
    }
}

async fn check_signed(
    state: &AppState,
    account: &Account,
    signed: &Signed<'_>,
    judge: &Judge,
    defer: bool,
) -> Result<(Option<HeaderValue>, Option<Arc<NonceUse>>), ApiError> {
    let timestamp_ms = parse_timestamp(signed.timestamp)?;
    let window_ms = i64::try_from(state.config.signature_window)
        .unwrap_or(i64::MAX / 2)
        .saturating_mul(1000);
    // A timestamp in seconds is compared with the clock's whole seconds, so the
    // distance reported is exact.
    let now_ms = match signed.timestamp.len() {
        10 => state.clock.now_secs() * 1000,
        _ => state.clock.now_ms(),
    };
    check_window(timestamp_ms, now_ms, window_ms)?;
    let warning = check_signature(state.config.signature_mode, account, signed, judge)?;
    check_nonce_length(signed.nonce)?;
    let nonce = NonceUse {
        account_id: account.id,
        nonce: signed.nonce.to_owned(),
        timestamp: signed.timestamp.to_owned(),
        expires_at: timestamp_ms.saturating_add(window_ms).saturating_add(1000),
    };
    if defer {
        return Ok((warning, Some(Arc::new(nonce))));
    }
    record(state, account, judge, Arc::new(nonce)).await?;
    Ok((warning, None))
}

/// Reads the headers this mode needs; the error lists every one that is missing.
fn read_headers(headers: &HeaderMap, mode: SignatureMode) -> Result<Signed<'_>, ApiError> {
    let needed: &[&str] = if mode == SignatureMode::Off {
        &HEADERS[..1]
    } else {
        &HEADERS
    };
    let value = |name: &str| headers.get(name).map(|v| v.to_str().map(str::trim));
    let mut missing = Vec::new();
    for name in needed {
        match value(name) {
            None | Some(Ok("")) => missing.push(*name),
            Some(Err(_)) => {
                return Err(ApiError::refused(
                    &oa::AUTH_HEADER_TEXT,
                    format!("header {name} must be visible ASCII text"),
                ))
            }
            Some(Ok(_)) => {}
        }
    }
    if !missing.is_empty() {
        return Err(ApiError::refused(
            &oa::AUTH_HEADERS,
            format!(
                "missing header{} {}: every /openapi/crm request needs appid, nonce, timestamp and signature",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", ")
            ),
        ));
    }
    let get = |name: &str| value(name).and_then(Result::ok).unwrap_or_default();
    Ok(Signed {
        appid: get("appid"),
        nonce: get("nonce"),
        timestamp: get("timestamp"),
        signature: get("signature"),
    })
}

/// The string-to-sign of a request whose headers were read (for the journal).
fn string_to_sign(headers: &HeaderMap) -> StringToSign {
    let text = match read_headers(headers, SignatureMode::Strict) {
        Ok(signed) => signature::string_to_sign(signed.appid, signed.nonce, signed.timestamp),
        Err(_) => String::new(),
    };
    StringToSign(text)
}

/// Unix seconds (10 digits) or milliseconds (13 digits), as milliseconds.
fn parse_timestamp(text: &str) -> Result<i64, ApiError> {
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    let value: Option<i64> = if digits { text.parse().ok() } else { None };
    match (value, text.len()) {
        (Some(secs), 10) => Ok(secs * 1000),
        (Some(ms), 13) => Ok(ms),
        _ => Err(ApiError::refused(
            &oa::AUTH_TIMESTAMP,
            format!(
                "header timestamp must be Unix time in seconds (10 digits) or milliseconds (13 digits), got {text:?}"
            ),
        )),
    }
}

fn check_window(timestamp_ms: i64, now_ms: i64, window_ms: i64) -> Result<(), ApiError> {
    let skew_ms = now_ms - timestamp_ms;
    if skew_ms.abs() <= window_ms {
        return Ok(());
    }
    let over_secs = (skew_ms.abs() - window_ms + 999) / 1000;
    let (distance, side) = if skew_ms > 0 {
        (skew_ms, "behind")
    } else {
        (-skew_ms, "ahead of")
    };
    Err(ApiError::refused(&oa::AUTH_TIMESTAMP, format!(
        "header timestamp is outside the allowed window of ±{} s by {over_secs} s: it is {} s {side} \
         the emulator's clock (now {} s since the epoch)",
        window_ms / 1000,
        distance / 1000,
        now_ms.div_euclid(1000)
    )))
}

/// The nonce is a key of the replay records: one too long to index is refused (rule
/// `openapi.nonce.length`).
fn check_nonce_length(nonce: &str) -> Result<(), ApiError> {
    match over_index_limit(nonce) {
        Some(chars) => Err(ApiError::refused(
            &oa::NONCE_LENGTH,
            format!("header nonce is {chars} characters long; the limit is {INDEXED_TEXT_MAX}"),
        )),
        None => Ok(()),
    }
}

/// Strict: a wrong signature is refused. Lenient: it is served, with the rule's warning
/// (`x-emulator-warning`, the journal, the metrics) and the mismatch message in the
/// `x-emulator-signature-warning` header, which clients of earlier versions read.
fn check_signature(
    mode: SignatureMode,
    account: &Account,
    signed: &Signed<'_>,
    judge: &Judge,
) -> Result<Option<HeaderValue>, ApiError> {
    if signature::verify(
        &account.secret,
        signed.appid,
        signed.nonce,
        signed.timestamp,
        signed.signature,
    ) {
        return Ok(None);
    }
    let string_to_sign = signature::string_to_sign(signed.appid, signed.nonce, signed.timestamp);
    let explanation = format!(
        "signature mismatch: the emulator signs the string-to-sign {string_to_sign:?} (appid + nonce + \
         timestamp, as sent) with HMAC-SHA256 keyed by the account's secret and expects its standard \
         Base64 (with padding) in header signature"
    );
    tracing::warn!(appid = %signed.appid, nonce = %signed.nonce, lenient = (mode == SignatureMode::Lenient), "signature mismatch");
    if mode == SignatureMode::Lenient {
        let served = format!("{explanation}; served: --signature-mode is lenient");
        judge.warn(&oa::AUTH_SIGNATURE, served);
        return Ok(HeaderValue::from_str(&explanation).ok());
    }
    Err(ApiError::refused(&oa::AUTH_SIGNATURE, explanation))
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
