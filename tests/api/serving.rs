//! What the HTTP layer answers (docs/decisions.md, "Serving and shutdown"): stalled
//! connections are closed at the header-read timeout.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::*;

const CONTROL_PLANE: &str = "/_emulator/health";

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
