//! The baseline of `scripts/bench.sh`: a bare axum hello-world on the same runtime
//! settings as the emulator, so the emulator's throughput can be stated as a share of
//! what the machine does with no work at all.
//!
//! `cargo run --release --example hello -- 127.0.0.1:18090`

use axum::{routing::get, Router};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18090".into());
    let app = Router::new().route("/", get(|| async { "Hello, World!" }));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
