//! Building the application: state, routes (`routes`), and the serve loop.
//!
//! [`App::build`] takes an already bound listener so that tests can bind port 0 and
//! `main` can report a taken port before touching the database.

mod banner;
mod panic;
mod routes;
mod serve;

use std::{future::Future, net::SocketAddr, path::Path, sync::Arc, time::Instant};

use axum::Router;
use tokio::net::TcpListener;

use tokio::task::JoinHandle;

use self::serve::{Listeners, Serving};
use crate::{
    config::{Config, ConfigError},
    runtime::{
        clock::{self, Clock},
        coverage::Coverage,
        faults::Faults,
        instances::Instance,
        journal::Journal,
        metrics::Metrics,
        sync,
    },
    seed::{self, SeedError},
    state::{AppState, Shared},
    store::{Backend, Store, StoreResult},
    tls::{Tls, TlsError},
};

/// Why the emulator could not start. Each variant's text is one line naming the cause.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("cannot read the listener's address: {0}")]
    Listener(std::io::Error),
    /// The `--seed` file could not be read or is not a valid export document; the
    /// error names the file and the first bad path.
    #[error(transparent)]
    Seed(#[from] SeedError),
    #[error("cannot set up the metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    /// `--tls-bind`'s certificate could not be read or made.
    #[error("HTTPS: {0}")]
    Tls(#[from] TlsError),
}

/// A built emulator, ready to serve on its listener.
pub struct App {
    listener: TcpListener,
    /// `--tls-bind`'s listener and what it presents, once [`App::with_tls`] added it.
    tls: Option<(TcpListener, Tls)>,
    router: Router,
    state: AppState,
    created_defaults: bool,
    /// The lease's renewal and the shared state's follower, stopped at shutdown.
    tasks: Vec<JoinHandle<()>>,
    /// Coverage's writer, stopped after its write in flight at shutdown.
    coverage_task: JoinHandle<()>,
}

/// The runtime services, each in this process's memory (SQLite) or shared through the
/// database with every instance using it (Postgres).
struct Runtime {
    clock: Clock,
    faults: Arc<Faults>,
    journal: Journal,
}

impl Runtime {
    async fn new(config: &Config, store: &Store, instance: i64) -> StoreResult<Runtime> {
        let (size, bodies, max) = (
            config.journal_size,
            config.journal_bodies,
            config.max_body_bytes,
        );
        if store.backend() == Backend::Sqlite {
            return Ok(Runtime {
                clock: Clock::new(config.timezone),
                faults: Arc::default(),
                journal: Journal::new(instance, size, bodies, max),
            });
        }
        Ok(Runtime {
            clock: Clock::shared(config.timezone, store.clone()).await?,
            faults: Arc::new(Faults::shared(store.clone()).await?),
            journal: Journal::shared(store.clone(), instance, size, bodies, max),
        })
    }
}

impl App {
    /// Connects to the database, runs migrations, creates the default tenants on first
    /// start, and assembles the router.
    pub async fn build(config: Config, listener: TcpListener) -> Result<App, StartupError> {
        config.check()?;
        let store = Store::connect(&config.database_url()).await?;
        let instance = Arc::new(Instance::register(&store).await?);
        let Runtime {
            clock,
            faults,
            journal,
        } = Runtime::new(&config, &store, instance.id()).await?;
        let ids = instance.ids().clone();
        let seed = match &config.seed {
            Some(file) => Some((file, seed::load(file, &clock, &ids, config.default_mode)?)),
            None => None,
        };
        let created_defaults = store
            .ensure_default_tenants(clock.now_ms(), config.default_mode)
            .await?;
        match &seed {
            Some((file, snapshot)) if created_defaults => {
                seed::import(&store, file, snapshot, clock.now_ms()).await?
            }
            Some((file, _)) => tracing::info!(
                seed = %file.display(),
                "the database already has data: seed file skipped"
            ),
            None => {}
        }
        let metrics = Arc::new(Metrics::new(store.backend().name())?);
        let coverage = Arc::new(Coverage::new(store.clone()));
        let upkeep_clock = clock.clone();
        let tasks = vec![
            instance.keep(),
            sync::follow(&store, clock.clone(), faults.clone()),
            store.upkeep(move || upkeep_clock.now_ms()),
        ];
        let coverage_task = coverage.keep_flushing();
        let state = AppState::new(Shared {
            metrics,
            store,
            clock,
            ids,
            journal: Arc::new(journal),
            faults,
            coverage,
            instance,
            config: Arc::new(config),
            started_at: Instant::now(),
        });
        let router = routes::router(state.clone());
        Ok(App {
            listener,
            tls: None,
            router,
            state,
            created_defaults,
            tasks,
            coverage_task,
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

    /// Also serves HTTPS on `listener` (`--tls-bind`), with the certificate the
    /// configuration names or one signed by the local CA (made on first use).
    pub fn with_tls(mut self, listener: TcpListener) -> Result<App, StartupError> {
        let tls = Tls::from_config(&self.state.config, clock::real_now_secs())?;
        self.tls = Some((listener, tls));
        Ok(self)
    }

    /// The HTTPS listener's address, with [`App::with_tls`].
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls.as_ref().and_then(|(l, _)| l.local_addr().ok())
    }

    /// The local CA's certificate, which HTTPS clients trust (`None` without HTTPS or
    /// with `--tls-cert`).
    pub fn tls_ca(&self) -> Option<&Path> {
        self.tls.as_ref().and_then(|(_, tls)| tls.ca.as_deref())
    }

    /// Serves until `shutdown` completes, then stops accepting and lets requests in
    /// flight finish within `--shutdown-grace` (`serve` says how each kind of connection
    /// ends); then stops the background tasks, writes the journal's last entries and
    /// coverage's last counts, gives the worker number back and closes the database
    /// pool, all by the grace period's end.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let config = &self.state.config;
        let serving = Serving {
            header_read_timeout: config.header_read_timeout(),
            grace: config.shutdown_grace(),
        };
        let listeners = Listeners {
            plain: self.listener,
            tls: self
                .tls
                .map(|(listener, tls)| (listener, tls.server.into())),
        };
        let deadline = serve::serve(listeners, self.router, serving, shutdown).await;
        for task in &self.tasks {
            task.abort();
        }
        let state = &self.state;
        state.coverage.stop();
        let coverage_task = self.coverage_task;
        let close = async {
            state.journal.flush().await;
            let _ = coverage_task.await;
            if let Err(err) = state.coverage.flush().await {
                tracing::warn!(error = %err, "coverage's last counts could not be written");
            }
            state.instance.release().await;
            state.store.close().await;
        };
        if tokio::time::timeout_at(deadline, close).await.is_err() {
            tracing::warn!(
                "shutdown grace period over before the journal, the worker lease and the \
                 database pool were closed"
            );
        }
    }
}
