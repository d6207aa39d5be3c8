//! What the HTTP layer answers (`docs/running.md#request-limits`,
//! `docs/running.md#serving-and-shutdown`): an oversized head in each surface's envelope,
//! what hyper refuses before any router sees the request, and stalled connections closed
//! at the header-read timeout.

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use crm_emulator::http::head::{MAX_URI_BYTES, READ_HEADER_FIELDS};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::*;

/// The surfaces' paths, one each.
const DINGTALK: &str = "/crm/customer/list";
const OPENAPI: &str = "/openapi/crm/list";
const CONTROL_PLANE: &str = "/_emulator/health";

#[tokio::test]
async fn oversized_heads_are_refused_in_each_surfaces_envelope() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let long_query = format!("?pad={}", "a".repeat(MAX_URI_BYTES));
    let many: Vec<(String, String)> = (0..2000)
        .map(|i| (format!("x-pad-{i}"), "1".to_owned()))
        .collect();
    let megabyte = [("x-pad".to_owned(), "a".repeat(1 << 20))];
    let cases = [
        (
            long_query.as_str(),
            &[][..],
            414,
            "uri.size",
            "the limit is 8192",
        ),
        (
            "",
            &many[..],
            431,
            "headers.size",
            "the limits are 100 fields",
        ),
        (
            "",
            &megabyte[..],
            431,
            "headers.size",
            "the limits are 100 fields",
        ),
    ];
    for (query, headers, status, rule, needle) in cases {
        for path in [DINGTALK, OPENAPI, CONTROL_PLANE] {
            let mut request = app.client.get(app.url(&format!("{path}{query}")));
            for (name, value) in headers {
                request = request.header(name, value);
            }
            let response = request.send().await.expect("an answer");
            let (got, headers) = (response.status().as_u16(), response.headers().clone());
            let body = json_of(response).await;
            let rule_header = headers.get("x-emulator-rule").map(|h| h.to_str().ok());
            let message = match path {
                DINGTALK => {
                    assert_eq!((got, &body["errcode"]), (200, &41101.into()), "{body}");
                    assert_eq!(rule_header, Some(Some(&*format!("dingtalk.{rule}"))));
                    &body["errmsg"]
                }
                OPENAPI => {
                    assert_eq!((got, &body["code"]), (status, &status.to_string().into()));
                    assert_eq!(rule_header, Some(Some(&*format!("openapi.{rule}"))));
                    assert!(headers.contains_key("x-trace-id"), "{body}");
                    &body["message"]
                }
                _ => {
                    assert_eq!((got, &body["error"]["status"]), (status, &status.into()));
                    &body["error"]["message"]
                }
            };
            let message = message.as_str().unwrap_or_default();
            assert!(
                message.contains(needle),
                "{path}: {needle:?} not in {message:?}"
            );
        }
    }
}

#[tokio::test]
async fn what_hyper_refuses_before_any_router_has_an_empty_body() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let long_uri = format!(
        "GET /crm/customer/list?pad={} HTTP/1.1\r\n\r\n",
        "a".repeat(100_000)
    );
    assert_eq!(
        raw(app.addr, long_uri.as_bytes()).await,
        (414, String::new())
    );
    let control = b"GET /crm/customer/list HTTP/1.1\r\nx-bad: a\x01b\r\n\r\n";
    assert_eq!(raw(app.addr, control).await, (400, String::new()));
    let fields: String = (0..=READ_HEADER_FIELDS)
        .map(|i| format!("x-{i}: 1\r\n"))
        .collect();
    let many = format!("GET /crm/customer/list HTTP/1.1\r\n{fields}\r\n");
    assert_eq!(raw(app.addr, many.as_bytes()).await, (431, String::new()));
}

#[tokio::test]
async fn connections_that_never_finish_their_head_are_closed_at_the_header_read_timeout() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.header_read_timeout = 1).await;
    let mut stalled = Vec::new();
    for _ in 0..20 {
        let mut stream = TcpStream::connect(app.addr).await.expect("connect");
        let half = b"GET /crm/customer/list HTTP/1.1\r\nhost: emulator\r\n";
        stream.write_all(half).await.expect("half a head");
        stalled.push(stream);
    }
    stalled.push(TcpStream::connect(app.addr).await.expect("connect"));
    assert_eq!(app.get(CONTROL_PLANE).await.status(), 200);
    let started = Instant::now();
    for mut stream in stalled {
        let mut answer = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer));
        assert!(
            closed.await.is_ok(),
            "still open {:?} after the others",
            started.elapsed()
        );
        assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    }
}

/// Sends `request` on a connection of its own and reads until the server closes it:
/// the status and the body.
async fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("the request");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer));
    read.await.expect("closed in time").expect("the answer");
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok());
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    (status.expect("a status line"), body.to_owned())
}
