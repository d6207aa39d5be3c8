//! The state every handler and middleware shares, and the router's state around it.

use std::{ops::Deref, sync::Arc, time::Instant};

use axum::{
    extract::{FromRef, Request},
    response::Response,
};

use crate::{
    config::Config,
    http::{doc::ApiDocument, Api, DatabaseFailure},
    ids::IdGenerator,
    runtime::{
        clock::Clock,
        coverage::Coverage,
        faults::Faults,
        instances::Instance,
        journal::{Call, Journal},
        metrics::{Metrics, Observed},
        rules::Warnings,
    },
    store::{Problem, Store},
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
    /// Integration coverage's counts (docs/coverage.md).
    pub coverage: Arc<Coverage>,
    /// This instance among those sharing the database (its id and worker number).
    pub instance: Arc<Instance>,
}

impl Shared {
    /// Starts watching an API call, before the rest of its surface's middleware: its
    /// metrics, its journal entry, the operation coverage counts it under, and a fresh
    /// collection of rule warnings in `req`'s extensions. [`Shared::watched`] ends it.
    pub async fn watch(&self, req: Request) -> (Request, Watch) {
        let observed = Observed::start(&req);
        let operation = self.coverage.operation_of(&req);
        let (mut req, call) = self.journal.open(&self.clock, req).await;
        let warnings = Warnings::attach(&mut req);
        let watch = Watch {
            observed,
            call,
            warnings,
            operation,
        };
        (req, watch)
    }

    /// Ends watching `api`'s call, answered with `response`: a database failure it met
    /// is noted for the health check, the warnings become its headers, then the journal
    /// records it, and the metrics and coverage count it.
    pub async fn watched(&self, api: Api, watch: Watch, response: Response) -> Response {
        let failure = response.extensions().get::<DatabaseFailure>();
        if let Some(problem) = failure.and_then(|f| f.problem).and_then(Problem::named) {
            self.store.note_problem(problem);
        }
        let response = watch.warnings.report(response);
        let response = self.journal.close(api, watch.call, response).await;
        watch.observed.count(&self.metrics, api, &response);
        self.coverage.count(watch.operation, &response);
        response
    }
}

/// An API call being watched ([`Shared::watch`]).
pub struct Watch {
    observed: Observed,
    call: Call,
    warnings: Warnings,
    operation: Option<u16>,
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
