//! The serve loop: HTTP/1.1 connections through hyper, with the read limits the
//! surfaces' envelope refusals rely on (`http::head`), a header-read timeout, and a
//! graceful shutdown that is bounded.
//!
//! `axum::serve` can do neither of the last two: it sets no timer, so a client that
//! never finishes its request head holds its connection (and the shutdown) forever, and
//! its graceful shutdown waits for every connection without a limit.

use std::{future::Future, net::SocketAddr, pin::pin, sync::Arc, time::Duration};

use axum::{extract::ConnectInfo, serve::Listener, Router};
use hyper::{body::Incoming, server::conn::http1, Request};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::watch,
    task::JoinSet,
    time::Instant,
};
use tower::ServiceExt;

use crate::http::head::{READ_HEADER_FIELDS, READ_HEAD_BYTES};

/// How connections are served and stopped.
pub(super) struct Serving {
    /// Hyper closes a connection whose request head takes longer than this, and an idle
    /// keep-alive connection after this long.
    pub header_read_timeout: Duration,
    /// How long requests in flight have to finish once the shutdown begins.
    pub grace: Duration,
}

/// Serves `router` on `listener` until `shutdown` completes. Then it stops accepting,
/// lets hyper close idle connections and finish requests in flight, and gives them
/// the grace period; the connections still open then are closed unanswered. Returns
/// the end of the grace period.
pub(super) async fn serve(
    mut listener: TcpListener,
    router: Router,
    serving: Serving,
    shutdown: impl Future<Output = ()>,
) -> Instant {
    let http = Arc::new(builder(serving.header_read_timeout));
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = pin!(shutdown);
    loop {
        tokio::select! {
            // `Listener::accept` retries failed accepts (e.g. out of file descriptors).
            (stream, peer) = Listener::accept(&mut listener) => {
                let (http, router, stopping) = (http.clone(), router.clone(), stopping.clone());
                connections.spawn(connection(http, stream, peer, router, stopping));
            }
            // Reap finished connections, so the set holds only open ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut shutdown => break,
        }
    }
    drop(listener);
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

fn builder(header_read_timeout: Duration) -> http1::Builder {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .max_buf_size(READ_HEAD_BYTES)
        .max_headers(READ_HEADER_FIELDS);
    http
}

/// Serves one connection until it closes, or — once `stopping` turns true — until
/// hyper's graceful shutdown has closed it: at once when idle or unused, after the
/// response when a request is in flight, at the header-read timeout when a head is
/// stalled.
async fn connection(
    http: Arc<http1::Builder>,
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    mut stopping: watch::Receiver<bool>,
) {
    let service = router.map_request(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        req
    });
    let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    let mut conn = pin!(conn);
    let result = tokio::select! {
        result = conn.as_mut() => result,
        // (The guard `wait_for` returns is not `Send`: it is dropped inside.)
        () = async { drop(stopping.wait_for(|&stop| stop).await) } => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(err) = result {
        tracing::debug!(%peer, error = %err, "connection closed with an error");
    }
}
