//! Replay records of `/openapi/crm/*` requests (the last check of [`super::auth`]): each
//! (appid, nonce, timestamp) is accepted once. Most requests record theirs during
//! authentication; the signed add defers it to its handler, which writes it with the
//! customer ([`DeferredNonce`]). Expired records are pruned in the background.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc, Mutex, PoisonError,
};

use axum::{
    extract::{FromRequestParts, MatchedPath, Request},
    http::{request::Parts, Method},
};

use super::error::ApiError;
use crate::{
    runtime::rules::{openapi as oa, Judge},
    state::AppState,
    store::{
        openapi::{Account, NonceUse},
        Backend,
    },
};

/// Replay records are pruned once every this many recorded requests (per process), in
/// the background, so no request pays for it; SQLite's planner statistics are
/// refreshed at every `REFRESH_EVERY`-th pruning (Postgres has autovacuum for that).
const PRUNE_EVERY: u64 = 1024;
const REFRESH_EVERY: u64 = 16;
static RECORDED: AtomicU64 = AtomicU64::new(0);

/// The replay record of a signed add, which the handler writes in the same transaction
/// as the customer (one batch instead of two: `store::openapi::signed_add`). The
/// authentication has checked everything else. If the handler does not take it (it
/// refused the request first), the record is written after it, as for any other
/// request: a refused request still consumes its nonce, and a replay is still refused
/// as one, whatever else was wrong with it.
#[derive(Clone, Debug, Default)]
pub struct DeferredNonce(Arc<Mutex<Option<Arc<NonceUse>>>>);

impl DeferredNonce {
    /// The record to write, once; `None` when nothing was deferred (`--signature-mode
    /// off`) or it was taken already.
    pub fn take(&self) -> Option<Arc<NonceUse>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for DeferredNonce {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<DeferredNonce>()
            .cloned()
            .unwrap_or_default())
    }
}

/// Whether the request is the signed add, whose handler writes the replay record.
pub(super) fn defers_nonce(req: &Request) -> bool {
    req.method() == Method::POST
        && req
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|path| path.as_str().ends_with("/crm/add"))
}

impl DeferredNonce {
    /// Holds `nonce` for the handler.
    pub(super) fn new(nonce: Arc<NonceUse>) -> Self {
        DeferredNonce(Arc::new(Mutex::new(Some(nonce))))
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
    recorded(state);
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

/// Counts a recorded nonce; every `PRUNE_EVERY`th starts the pruning of expired
/// ones in the background.
pub fn recorded(state: &AppState) {
    let recorded = RECORDED.fetch_add(1, Ordering::Relaxed) + 1;
    if recorded.is_multiple_of(PRUNE_EVERY) {
        let refresh = recorded.is_multiple_of(PRUNE_EVERY * REFRESH_EVERY);
        maintain_in_background(state, refresh);
    }
}

fn maintain_in_background(state: &AppState, refresh_statistics: bool) {
    let store = state.store.clone();
    let now = state.clock.now_ms();
    tokio::spawn(async move {
        match store.openapi().prune_nonces(now).await {
            Ok(pruned) => tracing::debug!(pruned, "expired replay records pruned"),
            Err(err) => tracing::warn!(error = %err, "pruning replay records failed"),
        }
        if refresh_statistics && store.backend() == Backend::Sqlite {
            if let Err(err) = store.openapi().refresh_statistics().await {
                tracing::warn!(error = %err, "refreshing planner statistics failed");
            }
        }
    });
}
