//! The state every handler and middleware shares, and the router's state around it.

use std::{ops::Deref, sync::Arc, time::Instant};

use axum::extract::FromRef;

use crate::{
    config::Config,
    http::doc::ApiDocument,
    ids::IdGenerator,
    runtime::{
        clock::Clock, faults::Faults, instances::Instance, journal::Journal, metrics::Metrics,
    },
    store::Store,
};

/// Everything handlers share, behind one `Arc`. axum clones the state of every
/// `from_fn_with_state` layer and every `State` extractor, several times per request:
/// one reference count is far cheaper than one per field, each a cache line the cores
/// take turns on.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    /// Shares `shared` with every handler and middleware.
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
    pub metrics: Arc<Metrics>,
    /// This instance among those sharing the database (its id and worker number).
    pub instance: Arc<Instance>,
}

/// The router's state: handlers extract `State<AppState>`, the document handler
/// `State<ApiDocument>`. The document is made from the assembled routes, so it joins
/// the state only once they are all built, when the app sets the state.
#[derive(Clone, FromRef)]
pub struct RouterState {
    /// What handlers and middleware share.
    pub app: AppState,
    /// The served OpenAPI document.
    pub document: ApiDocument,
}
