//! The in-process test harness: every test gets a fresh database and its own emulator
//! on an ephemeral port, on SQLite and (when `CRM_EMULATOR_TEST_POSTGRES_URL` is set)
//! on Postgres.

use std::{net::SocketAddr, time::Duration};

use crm_emulator::{mode::Mode, App, AppState, Config};
use serde_json::Value;
use sqlx::Connection;
use tokio::{net::TcpListener, sync::oneshot};

pub const POSTGRES_URL_VAR: &str = "CRM_EMULATOR_TEST_POSTGRES_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database for one test; removed when dropped.
pub enum TestDatabase {
    Sqlite {
        url: String,
        _dir: tempfile::TempDir,
    },
    Postgres {
        url: String,
        admin_url: String,
        name: String,
    },
    /// Another test's database, which that test removes.
    Borrowed { url: String },
}

impl TestDatabase {
    /// `None` for Postgres when `CRM_EMULATOR_TEST_POSTGRES_URL` is not set.
    pub async fn create(backend: Backend) -> Option<TestDatabase> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("create a temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(TestDatabase::Sqlite { url, _dir: dir })
            }
            Backend::Postgres => {
                let admin_url = std::env::var(POSTGRES_URL_VAR).ok()?;
                let name = format!("crmemu_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR} is set but unreachable: {e}"));
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create the test database");
                let url = with_database(&admin_url, &name);
                Some(TestDatabase::Postgres {
                    url,
                    admin_url,
                    name,
                })
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDatabase::Sqlite { url, .. }
            | TestDatabase::Postgres { url, .. }
            | TestDatabase::Borrowed { url } => url,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let TestDatabase::Postgres {
            admin_url, name, ..
        } = self
        else {
            return;
        };
        // Drop runs outside any async context we can await in, so the database is
        // dropped from a short-lived runtime of its own. FORCE ends the app's connections.
        let (admin_url, name) = (admin_url.clone(), name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(&sql).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// A running emulator and an HTTP client pointed at it.
pub struct TestApp {
    pub addr: SocketAddr,
    /// The HTTPS address, when the configuration sets `tls_bind`.
    pub tls_addr: Option<SocketAddr>,
    /// The local CA's certificate, when the emulator made one for HTTPS.
    pub tls_ca: Option<std::path::PathBuf>,
    pub client: reqwest::Client,
    pub state: AppState,
    pub backend: Backend,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    // Last, so the database outlives the server.
    pub database: TestDatabase,
}

impl TestApp {
    /// An emulator with the default configuration.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// An emulator whose configuration `configure` may change first.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
        let database = TestDatabase::create(backend)
            .await
            .expect("the Postgres leg needs CRM_EMULATOR_TEST_POSTGRES_URL");
        Self::spawn_on(database, backend, configure).await
    }

    /// An emulator on an existing test database (e.g. to restart on the same data).
    pub async fn spawn_on(
        database: TestDatabase,
        backend: Backend,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        let mut config = Config::for_tests(database.url());
        // The suite's tenants are lenient, as a user's are by default
        // (docs/rules.md#strict-and-lenient); tests of strict tenants ask for them.
        config.default_mode = Mode::Lenient;
        configure(&mut config);
        let listener = TcpListener::bind(config.bind).await.expect("bind port 0");
        let tls_listener = match config.tls_bind {
            Some(addr) => Some(TcpListener::bind(addr).await.expect("bind the HTTPS port")),
            None => None,
        };
        let mut app = App::build(config, listener).await.expect("build the app");
        if let Some(listener) = tls_listener {
            app = app.with_tls(listener).expect("set up HTTPS");
        }
        let addr = app.local_addr().expect("local address");
        let (tls_addr, tls_ca) = (app.tls_addr(), app.tls_ca().map(|ca| ca.to_owned()));
        let state = app.state().clone();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run(async {
            let _ = rx.await;
        }));
        TestApp {
            addr,
            tls_addr,
            tls_ca,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            state,
            backend,
            shutdown: Some(tx),
            server: Some(server),
            database,
        }
    }

    /// A second emulator on this one's database: another instance sharing it.
    pub async fn spawn_beside(&self) -> TestApp {
        let database = TestDatabase::Borrowed {
            url: self.database.url().to_owned(),
        };
        Self::spawn_on(database, self.backend, |_| {}).await
    }

    /// Another instance on this one's database, reached at `url` (when this one reaches
    /// it another way, e.g. through a proxy).
    pub async fn spawn_beside_on(&self, url: &str) -> TestApp {
        let database = TestDatabase::Borrowed {
            url: url.to_owned(),
        };
        Self::spawn_on(database, self.backend, |_| {}).await
    }

    /// Stops the server gracefully and hands back its database, for a restart.
    pub async fn stop(mut self) -> TestDatabase {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        let placeholder = TestDatabase::Sqlite {
            url: String::new(),
            _dir: tempfile::tempdir().expect("tempdir"),
        };
        std::mem::replace(&mut self.database, placeholder)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("GET request")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST request")
    }

    /// GET `path` and parse the JSON body.
    pub async fn get_json(&self, path: &str) -> Value {
        json_of(self.get(path).await).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// The body of `response` as JSON (panics with the body text if it is not JSON).
pub async fn json_of(response: reqwest::Response) -> Value {
    let text = response.text().await.expect("response body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// What a test body receives: a running app, or just the backend to build one itself.
pub trait Fixture: Sized {
    fn for_backend(backend: Backend) -> impl std::future::Future<Output = Self>;
}

impl Fixture for TestApp {
    async fn for_backend(backend: Backend) -> Self {
        TestApp::spawn(backend).await
    }
}

impl Fixture for Backend {
    async fn for_backend(backend: Backend) -> Self {
        backend
    }
}

/// A connection of its own to a test database, either backend (as another instance or
/// an operator would open it): for tests that read or change the database behind the
/// emulator's back. Statements use `$n` placeholders, which both backends read.
pub async fn connect_directly(url: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"))
}

/// Whether the Postgres leg runs (`CRM_EMULATOR_TEST_POSTGRES_URL` is set).
pub fn postgres_enabled() -> bool {
    std::env::var_os(POSTGRES_URL_VAR).is_some()
}

/// Fails a Postgres-only test built for the Postgres leg but run without its URL (tests
/// built without it are ignored, never passed: see `build.rs`).
pub fn require_postgres() {
    assert!(
        postgres_enabled(),
        "the tests were built for the Postgres leg: run them with {POSTGRES_URL_VAR} set"
    );
}

/// Writes each test once and runs it on both backends, as `<name>::sqlite` and
/// `<name>::postgres`. The argument is either `app: TestApp` (a running emulator with
/// the default configuration) or `backend: Backend` (the test builds its own).
///
/// ```ignore
/// both_backends! {
///     async fn health_is_ok(app: TestApp) { assert_eq!(app.get("/_emulator/health").await.status(), 200); }
/// }
/// ```
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($arg:ident : $fixture:ty) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $arg = <$fixture as $crate::helpers::Fixture>::for_backend(
                    $crate::helpers::Backend::Sqlite,
                )
                .await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(postgres_tests),
                ignore = "the Postgres leg: build and run with CRM_EMULATOR_TEST_POSTGRES_URL set"
            )]
            async fn postgres() {
                $crate::helpers::require_postgres();
                let $arg = <$fixture as $crate::helpers::Fixture>::for_backend(
                    $crate::helpers::Backend::Postgres,
                )
                .await;
                $body
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://postgres@localhost?sslmode=disable", "x"),
            "postgres://postgres@localhost/x?sslmode=disable"
        );
    }
}
