//! The serve loop: HTTP/1.1 connections through hyper on `--bind`, and — with
//! `--tls-bind` — the same router over HTTPS, HTTP/2 or HTTP/1.1 as ALPN chose, with the
//! same read limits the surfaces' envelope refusals rely on (`http::head`), the same
//! header-read timeout, and one graceful shutdown that is bounded.
//!
//! `axum::serve` can do neither of the last two: it sets no timer, so a client that
//! never finishes its request head holds its connection (and the shutdown) forever, and
//! its graceful shutdown waits for every connection without a limit.

use std::{future::Future, net::SocketAddr, pin::pin, sync::Arc, time::Duration};

use axum::{extract::ConnectInfo, serve::Listener, Router};
use hyper::{
    body::Incoming,
    server::conn::{http1, http2},
    Request,
};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::graceful::GracefulConnection,
    service::TowerToHyperService,
};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::{TcpListener, TcpStream},
    sync::watch,
    task::JoinSet,
    time::Instant,
};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::http::head::{READ_HEADER_FIELDS, READ_HEAD_BYTES};

/// Where connections come from: `--bind`'s plain HTTP, and `--tls-bind`'s HTTPS.
pub(super) struct Listeners {
    pub plain: TcpListener,
    pub tls: Option<(TcpListener, TlsAcceptor)>,
}

/// How connections are served and stopped.
pub(super) struct Serving {
    /// Hyper closes a connection whose request head takes longer than this, and an idle
    /// keep-alive connection after this long.
    pub header_read_timeout: Duration,
    /// How long requests in flight have to finish once the shutdown begins.
    pub grace: Duration,
}

/// Serves `router` on the listeners until `shutdown` completes. Then it stops
/// accepting, lets hyper close idle connections and finish requests in flight, and
/// gives them the grace period; the connections still open then are closed
/// unanswered. Returns the end of the grace period.
pub(super) async fn serve(
    listeners: Listeners,
    router: Router,
    serving: Serving,
    shutdown: impl Future<Output = ()>,
) -> Instant {
    let http = Arc::new(Protocols::new(serving.header_read_timeout));
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = pin!(shutdown);
    let Listeners { mut plain, mut tls } = listeners;
    let shared = || (http.clone(), router.clone(), stopping.clone());
    loop {
        tokio::select! {
            // `Listener::accept` retries failed accepts (e.g. out of file descriptors).
            (stream, peer) = Listener::accept(&mut plain) => {
                let (http, router, stopping) = shared();
                connections.spawn(connection(http, stream, false, peer, router, stopping));
            }
            (stream, peer, acceptor) = accept_tls(&mut tls) => {
                let (http, router, stopping) = shared();
                connections.spawn(handshake(http, acceptor, stream, peer, router, stopping));
            }
            // Reap finished connections, so the set holds only open ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut shutdown => break,
        }
    }
    drop((plain, tls));
    let deadline = Instant::now() + serving.grace;
    let _ = stop.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout_at(deadline, drained).await.is_err() {
        tracing::warn!(
            connections = connections.len(),
            grace_secs = serving.grace.as_secs(),
            "shutdown grace period over: closing the connections still open"
        );
        connections.shutdown().await;
    }
    deadline
}

/// The next connection on the HTTPS listener, if there is one (else never), with what
/// its handshake needs.
async fn accept_tls(
    tls: &mut Option<(TcpListener, TlsAcceptor)>,
) -> (TcpStream, SocketAddr, TlsAcceptor) {
    match tls {
        Some((listener, acceptor)) => {
            let (stream, peer) = Listener::accept(listener).await;
            (stream, peer, acceptor.clone())
        }
        None => std::future::pending().await,
    }
}

/// Hyper's two protocols, with the same limits.
struct Protocols {
    http1: http1::Builder,
    http2: http2::Builder<TokioExecutor>,
    /// Also the longest a TLS handshake may take.
    header_read_timeout: Duration,
}

impl Protocols {
    fn new(header_read_timeout: Duration) -> Protocols {
        let mut http1 = http1::Builder::new();
        http1
            .timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout)
            .max_buf_size(READ_HEAD_BYTES)
            .max_headers(READ_HEADER_FIELDS);
        // HTTP/2 has no header-read timeout: a peer that stops answering pings within it
        // is closed instead.
        let mut http2 = http2::Builder::new(TokioExecutor::new());
        http2
            .timer(TokioTimer::new())
            .max_header_list_size(READ_HEAD_BYTES as u32)
            .keep_alive_interval(header_read_timeout)
            .keep_alive_timeout(header_read_timeout);
        Protocols {
            http1,
            http2,
            header_read_timeout,
        }
    }
}

/// Completes a TLS handshake within the header-read timeout (or drops the connection,
/// as it does at a shutdown), then serves the connection in the protocol ALPN chose.
async fn handshake(
    http: Arc<Protocols>,
    acceptor: TlsAcceptor,
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    mut stopping: watch::Receiver<bool>,
) {
    let limit = http.header_read_timeout;
    let tls = tokio::select! {
        tls = tokio::time::timeout(limit, acceptor.accept(stream)) => tls,
        () = async { drop(stopping.wait_for(|&stop| stop).await) } => return,
    };
    match tls {
        Ok(Ok(tls)) => {
            let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
            connection(http, tls, h2, peer, router, stopping).await
        }
        Ok(Err(err)) => {
            tracing::debug!(%peer, error = %crate::telemetry::chain(&err), "TLS handshake failed")
        }
        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
    }
}

/// Serves one connection, HTTP/2 or HTTP/1.1, until it closes, or — once `stopping`
/// turns true — until hyper's graceful shutdown has closed it: at once when idle or
/// unused, after the response when a request is in flight, at the header-read timeout
/// when an HTTP/1.1 head is stalled.
async fn connection<I>(
    http: Arc<Protocols>,
    io: I,
    h2: bool,
    peer: SocketAddr,
    router: Router,
    stopping: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = router.map_request(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        req
    });
    let (io, service) = (TokioIo::new(io), TowerToHyperService::new(service));
    let result = match h2 {
        true => until_closed(http.http2.serve_connection(io, service), stopping).await,
        false => until_closed(http.http1.serve_connection(io, service), stopping).await,
    };
    if let Err(err) = result {
        tracing::debug!(%peer, error = %crate::telemetry::chain(&err), "connection closed with an error");
    }
}

async fn until_closed<C: GracefulConnection>(
    conn: C,
    mut stopping: watch::Receiver<bool>,
) -> Result<(), C::Error> {
    let mut conn = pin!(conn);
    tokio::select! {
        result = conn.as_mut() => result,
        // (The guard `wait_for` returns is not `Send`: it is dropped inside.)
        () = async { drop(stopping.wait_for(|&stop| stop).await) } => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    }
}
