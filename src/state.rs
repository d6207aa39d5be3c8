//! The state every handler and middleware shares.

use std::{
    ops::Deref,
    sync::{Arc, OnceLock},
    time::Instant,
};

use crate::{
    admin::{faults::Faults, journal::Journal},
    clock::Clock,
    config::Config,
    dingtalk,
    ids::IdGenerator,
    openapi,
    store::Store,
};

/// Everything handlers share, behind one `Arc`. axum clones the state of every
/// `from_fn_with_state` layer and every `State` extractor, several times per request:
/// one reference count is far cheaper than one per field, each a cache line the cores
/// take turns on.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        AppState(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The fields of [`AppState`].
pub struct Shared {
    pub store: Store,
    pub clock: Clock,
    pub ids: Arc<IdGenerator>,
    pub config: Arc<Config>,
    pub started_at: Instant,
    pub journal: Arc<Journal>,
    pub faults: Arc<Faults>,
    /// DingTalk access tokens this process has validated recently (see `dingtalk::cache`).
    pub token_cache: Arc<dingtalk::TokenCache>,
    /// OpenAPI accounts and custom fields this process read recently (see `openapi::cache`).
    pub account_cache: Arc<openapi::cache::AccountCache>,
    /// The served OpenAPI document, set when the router is built (see `http::doc`).
    pub api_doc: OnceLock<crate::http::doc::ApiDocument>,
}
