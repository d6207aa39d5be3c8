//! HTTPS beside HTTP (`--tls-bind`, docs/running.md#https): the same app over TLS,
//! HTTP/2 or HTTP/1.1 by ALPN, with a certificate from a local CA that is kept and
//! reused across restarts, or from the user's own files. Clients here trust only the
//! certificate under test, never the system's roots.

use std::{net::SocketAddr, path::Path};

use crm_emulator::store::tenants::*;
use reqwest::{Certificate, Version};

use crate::{both_backends, helpers::*};

/// An emulator with HTTPS on an ephemeral port and its CA in `tls_dir`.
async fn spawn_https(backend: Backend, tls_dir: &Path, hostnames: &[&str]) -> TestApp {
    let (dir, names) = (
        tls_dir.to_owned(),
        hostnames.iter().map(|h| h.to_string()).collect(),
    );
    TestApp::spawn_with(backend, move |config| {
        config.tls_bind = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
        config.tls_dir = Some(dir);
        config.tls_hostname = names;
    })
    .await
}

/// A client that trusts only the PEM certificate at `ca`.
fn client_trusting(ca: &Path) -> reqwest::ClientBuilder {
    let pem = std::fs::read(ca).expect("read the CA certificate");
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(Certificate::from_pem(&pem).expect("a PEM certificate"))
}

fn token_path() -> String {
    format!("/gettoken?corpid={DEFAULT_CORPID}&corpsecret={DEFAULT_CORPSECRET}")
}

async fn token_over(client: &reqwest::Client, base: &str) -> (Version, serde_json::Value) {
    let response = client
        .get(format!("{base}{}", token_path()))
        .send()
        .await
        .expect("an HTTPS answer");
    (response.version(), json_of(response).await)
}

both_backends! {
    async fn https_serves_the_same_app_over_http2_trusting_only_the_local_ca(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let app = spawn_https(backend, dir.path(), &[]).await;
        let ca = app.tls_ca.clone().expect("the emulator made a CA");
        assert_eq!(ca, dir.path().join("ca.pem"));
        let port = app.tls_addr.expect("an HTTPS address").port();
        let client = client_trusting(&ca).build().unwrap();
        // (The certificate also names ::1; the listener is on 127.0.0.1.)
        for host in ["localhost", "127.0.0.1"] {
            let (version, body) = token_over(&client, &format!("https://{host}:{port}")).await;
            assert_eq!(version, Version::HTTP_2, "{host}");
            assert_eq!(body["errcode"], 0, "{body}");
        }
        let http1 = client_trusting(&ca).http1_only().build().unwrap();
        let (version, body) = token_over(&http1, &format!("https://localhost:{port}")).await;
        assert_eq!((version, &body["errcode"]), (Version::HTTP_11, &0.into()));
        // The same app: a token fetched over HTTPS works over HTTP.
        let token = body["access_token"].as_str().unwrap().to_owned();
        let list = app.get_json(&format!("/crm/customer/list?access_token={token}")).await;
        assert_eq!(list["errcode"], 0, "{list}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_ca_is_kept_and_reused_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_https(Backend::Sqlite, dir.path(), &[]).await;
    let ca = app.tls_ca.clone().unwrap();
    let first = std::fs::read_to_string(&ca).unwrap();
    let client = client_trusting(&ca).build().unwrap();
    let database = app.stop().await;
    let tls_dir = dir.path().to_owned();
    let app = TestApp::spawn_on(database, Backend::Sqlite, move |config| {
        config.tls_bind = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
        config.tls_dir = Some(tls_dir);
    })
    .await;
    assert_eq!(app.tls_ca.as_deref(), Some(ca.as_path()));
    assert_eq!(
        std::fs::read_to_string(&ca).unwrap(),
        first,
        "the CA was made again"
    );
    let base = format!("https://localhost:{}", app.tls_addr.unwrap().port());
    let (_, body) = token_over(&client, &base).await;
    assert_eq!(
        body["errcode"], 0,
        "a client trusting the first CA is served: {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_hostnames_are_in_the_certificate_and_other_cas_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_https(Backend::Sqlite, dir.path(), &["oapi.dingtalk.com"]).await;
    let addr = app.tls_addr.unwrap();
    let ca = app.tls_ca.clone().unwrap();
    // As a client whose hosts file points the vendor's host here.
    let vendor = client_trusting(&ca)
        .resolve("oapi.dingtalk.com", addr)
        .build()
        .unwrap();
    let base = format!("https://oapi.dingtalk.com:{}", addr.port());
    let (_, body) = token_over(&vendor, &base).await;
    assert_eq!(body["errcode"], 0, "{body}");
    // A name the certificate does not hold, and a client that does not trust the CA.
    let other = client_trusting(&ca)
        .resolve("example.com", addr)
        .build()
        .unwrap();
    let path = token_path();
    let url = format!("https://example.com:{}{path}", addr.port());
    assert!(other.get(url).send().await.is_err());
    let other_dir = tempfile::tempdir().unwrap();
    let elsewhere = spawn_https(Backend::Sqlite, other_dir.path(), &[]).await;
    let stranger = client_trusting(elsewhere.tls_ca.as_ref().unwrap())
        .build()
        .unwrap();
    let url = format!("https://localhost:{}{path}", addr.port());
    assert!(stranger.get(url).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_and_key_of_the_users_own_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let own = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, own.cert.pem()).unwrap();
    std::fs::write(&key, own.signing_key.serialize_pem()).unwrap();
    let (given_cert, given_key) = (cert.clone(), key.clone());
    let app = TestApp::spawn_with(Backend::Sqlite, move |config| {
        config.tls_bind = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
        config.tls_cert = Some(given_cert);
        config.tls_key = Some(given_key);
    })
    .await;
    assert_eq!(app.tls_ca, None, "no local CA with the user's certificate");
    let client = client_trusting(&cert).build().unwrap();
    let base = format!("https://localhost:{}", app.tls_addr.unwrap().port());
    let (version, body) = token_over(&client, &base).await;
    assert_eq!((version, &body["errcode"]), (Version::HTTP_2, &0.into()));
}
