//! Replay records of `/openapi/crm/*` requests (the last check of [`super::auth`]): each
//! (appid, nonce, timestamp) is accepted once.
//!
//! When a route's nonce is recorded is declared where the route is mounted
//! (`super::routes`), as its [`NonceWrite`]: most record it during authentication,
//! before the handler runs; the signed add records it with its own write, so the
//! handler receives it as a [`PendingNonce`]. The store prunes expired records itself
//! (`Store::upkeep`).

use std::sync::{Arc, Mutex, PoisonError};

use axum::{extract::FromRequestParts, http::request::Parts};

use super::error::ApiError;
use crate::{
    runtime::rules::{openapi as oa, Judge},
    state::AppState,
    store::openapi::{Account, NonceUse},
};

/// When a route records its request's nonce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonceWrite {
    /// During authentication, before the handler runs.
    First,
    /// By the handler, with its own write, in one transaction: the handler takes the
    /// [`PendingNonce`] (`store.openapi().add_signed_customer`).
    WithTheWrite,
}

/// The replay record of a request whose route records it [`NonceWrite::WithTheWrite`].
/// The authentication has checked everything else. If the handler does not take it (it
/// refused the request first), the record is written after it, as for any other
/// request: a refused request still consumes its nonce, and a replay is still refused
/// as one, whatever else was wrong with it.
#[derive(Clone, Debug, Default)]
pub struct PendingNonce(Arc<Mutex<Option<Arc<NonceUse>>>>);

impl PendingNonce {
    /// Holds `nonce` for the handler.
    pub(super) fn new(nonce: Arc<NonceUse>) -> Self {
        PendingNonce(Arc::new(Mutex::new(Some(nonce))))
    }

    /// The record to write, once; `None` when nothing is pending (`--signature-mode
    /// off`) or it was taken already.
    pub fn take(&self) -> Option<Arc<NonceUse>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PendingNonce {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<PendingNonce>()
            .cloned()
            .unwrap_or_default())
    }
}

/// Records a use of a nonce on its own (not with a signed add); a replay is refused or
/// warned about as the account's mode says.
pub(super) async fn record(
    state: &AppState,
    account: &Account,
    judge: &Judge,
    nonce: Arc<NonceUse>,
) -> Result<(), ApiError> {
    let fresh = state
        .store
        .openapi()
        .record_nonce_use(nonce.clone())
        .await?;
    if !fresh {
        replayed(judge, account, &nonce)?;
    }
    Ok(())
}

/// A replayed nonce: refused, or warned about for a lenient account.
pub fn replayed(judge: &Judge, account: &Account, nonce: &NonceUse) -> Result<(), ApiError> {
    tracing::warn!(appid = %account.appid, nonce = %nonce.nonce, "replayed request");
    judge.check(
        &oa::NONCE_ONCE,
        format!(
            "replayed request: nonce {:?} with timestamp {} was already used by appid {:?}; \
             send a new nonce with every request",
            nonce.nonce, nonce.timestamp, account.appid
        ),
    )?;
    Ok(())
}
