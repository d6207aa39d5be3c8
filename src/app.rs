//! Building the application: state, routes, middleware, and the serve loop.
//!
//! [`App::build`] takes an already bound listener so that tests can bind port 0 and
//! `main` can report a taken port before touching the database.

use std::{
    future::Future,
    net::SocketAddr,
    sync::{Arc, OnceLock},
    time::{Duration, Instant},
};

use axum::{
    extract::{DefaultBodyLimit, Request, State},
    http::{Method, Uri},
    middleware::{self, Next},
    response::Response,
    Router,
};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use utoipa_axum::router::OpenApiRouter;

use crate::{
    admin::{self, journal::Journal},
    clock::Clock,
    config::{Config, LogFormat},
    dingtalk,
    http::{doc, X_REQUEST_ID},
    ids::IdGenerator,
    openapi,
    store::{tenants::*, Store},
    telemetry,
};

pub use crate::state::{AppState, Shared};

/// Why the emulator could not start. Each variant's text is one line naming the cause.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("cannot read the listener's address: {0}")]
    Listener(std::io::Error),
    /// The `--seed` file could not be read or imported; `detail` names the bad path.
    #[error("seed file {file}: {detail}")]
    Seed { file: String, detail: String },
}

/// A built emulator, ready to serve on its listener.
pub struct App {
    listener: TcpListener,
    router: Router,
    state: AppState,
    created_defaults: bool,
}

impl App {
    /// Connects to the database, runs migrations, creates the default tenants on first
    /// start, and assembles the router.
    pub async fn build(config: Config, listener: TcpListener) -> Result<App, StartupError> {
        let clock = Clock::new(config.timezone);
        let store = Store::connect(&config.database_url()).await?;
        let worker = store.register_instance(clock.now_ms()).await?;
        let ids = Arc::new(IdGenerator::new(worker));
        let seed = match &config.seed {
            Some(file) => Some((file, crate::seed::load(file, &clock, &ids)?)),
            None => None,
        };
        let created_defaults = store.ensure_default_tenants(clock.now_ms()).await?;
        match &seed {
            Some((file, snapshot)) if created_defaults => {
                crate::seed::import(&store, file, snapshot, clock.now_ms()).await?
            }
            Some((file, _)) => tracing::info!(
                seed = %file.display(),
                "the database already has data: seed file skipped"
            ),
            None => {}
        }
        let state = AppState::new(Shared {
            store,
            clock,
            ids,
            journal: Arc::new(Journal::new(
                config.journal_size,
                config.journal_bodies,
                config.max_body_bytes,
            )),
            faults: Arc::default(),
            config: Arc::new(config),
            started_at: Instant::now(),
            token_cache: Arc::default(),
            account_cache: Arc::default(),
            api_doc: OnceLock::new(),
        });
        let router = router(state.clone());
        Ok(App {
            listener,
            router,
            state,
            created_defaults,
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr, StartupError> {
        self.listener.local_addr().map_err(StartupError::Listener)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Whether this start created the well-known default tenants (an empty database).
    pub fn created_defaults(&self) -> bool {
        self.created_defaults
    }

    /// Prints where the emulator listens, its database and the well-known credentials
    /// (while the default tenants still have them), as other emulators print their
    /// published dev keys. With `--log-format json` the banner is one log event instead.
    pub async fn print_banner(&self, started: Instant) {
        let addr = self
            .local_addr()
            .map_or_else(|_| "?".to_owned(), |a| a.to_string());
        let config = &self.state.config;
        let database = crate::store::redact_url(&config.database_url());
        let corp = self
            .state
            .store
            .corp_by_corpid(DEFAULT_CORPID)
            .await
            .ok()
            .flatten();
        let account = self
            .state
            .store
            .account_by_appid(DEFAULT_APPID)
            .await
            .ok()
            .flatten();
        let corp_line = corp
            .filter(|c| c.corpsecret == DEFAULT_CORPSECRET)
            .map(|_| format!("corpid={DEFAULT_CORPID} corpsecret={DEFAULT_CORPSECRET} (or appkey={DEFAULT_APPKEY} appsecret={DEFAULT_APPSECRET})"));
        let account_line = account
            .filter(|a| a.secret == DEFAULT_ACCOUNT_SECRET)
            .map(|_| format!("appid={DEFAULT_APPID} secret={DEFAULT_ACCOUNT_SECRET}"));
        let ready_ms = started.elapsed().as_millis() as u64;
        if config.log_format == LogFormat::Json {
            tracing::info!(
                address = %addr, database = %database, ready_ms,
                dingtalk_corp = corp_line.as_deref(), openapi_account = account_line.as_deref(),
                "crm-emulator {} ready", env!("CARGO_PKG_VERSION")
            );
            return;
        }
        let unchanged = |line: Option<String>| {
            line.unwrap_or_else(|| "(changed from the well-known defaults)".into())
        };
        println!(
            "crm-emulator {version} ready in {ready_ms} ms\n  \
             listening on     http://{addr}\n  \
             database         {database}\n  \
             DingTalk corp    {corp}\n  \
             OpenAPI account  {account}\n  \
             health           http://{addr}/_emulator/health",
            version = env!("CARGO_PKG_VERSION"),
            corp = unchanged(corp_line),
            account = unchanged(account_line),
        );
    }

    /// Serves until `shutdown` completes, then stops accepting, lets in-flight requests
    /// finish, and closes the database pool.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await?;
        self.state.store.close().await;
        Ok(())
    }
}

/// The whole HTTP surface: the three surfaces' routes, one fallback, and the shared
/// middleware.
pub fn router(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    let (routes, api) = OpenApiRouter::with_openapi(doc::base())
        .merge(dingtalk::routes(&state))
        .merge(openapi::routes(&state))
        .merge(admin::routes(&state))
        .split_for_parts();
    // The same routes give the same document: a router built twice keeps the first.
    let _ = state.api_doc.set(doc::finish(api));
    routes
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            admin::faults::inject,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), surface_guard))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            admin::journal::record,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(
                    X_REQUEST_ID.clone(),
                    MakeRequestUuid,
                ))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(telemetry::make_request_span)
                        .on_response(telemetry::on_response),
                )
                .layer(PropagateRequestIdLayer::new(X_REQUEST_ID.clone())),
        )
        .with_state(state)
}

/// Which API a path belongs to; decides the envelope of answers the router itself
/// gives (unknown path, wrong method, timeout).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    DingTalk,
    OpenApi,
    Admin,
}

impl Surface {
    pub fn of(path: &str) -> Surface {
        if path == "/openapi" || path.starts_with("/openapi/") {
            Surface::OpenApi
        } else if path == "/_emulator" || path.starts_with("/_emulator/") {
            Surface::Admin
        } else {
            // The DingTalk API is mounted at the root (SPEC §1).
            Surface::DingTalk
        }
    }
}

/// A known path called with a method it does not take.
async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    match Surface::of(uri.path()) {
        Surface::DingTalk => dingtalk::method_not_allowed(&method),
        Surface::OpenApi => openapi::method_not_allowed(&method),
        Surface::Admin => admin::method_not_allowed(&method),
    }
}

async fn fallback(uri: Uri) -> Response {
    match Surface::of(uri.path()) {
        Surface::DingTalk => dingtalk::not_found(),
        Surface::OpenApi => openapi::not_found(uri.path()),
        Surface::Admin => admin::not_found(uri.path()),
    }
}

/// Per-surface handling around every request: the OpenAPI trace-id scope and the
/// request timeout, answered in the surface's envelope.
async fn surface_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let surface = Surface::of(req.uri().path());
    let limit = state.config.request_timeout();
    if surface == Surface::OpenApi {
        let trace_id = req
            .headers()
            .get(&X_REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        openapi::with_trace_id(trace_id, guarded(surface, limit, req, next)).await
    } else {
        guarded(surface, limit, req, next).await
    }
}

async fn guarded(surface: Surface, limit: Duration, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_secs = limit.as_secs(), "request timed out");
            match surface {
                Surface::DingTalk => dingtalk::timed_out(),
                Surface::OpenApi => openapi::timed_out(),
                Surface::Admin => admin::timed_out(),
            }
        }
    }
}
