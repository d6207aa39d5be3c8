//! The `crm-emulator` binary: parse configuration, start logging, serve until a
//! shutdown signal. Every start-up failure is one line on stderr and exit status 1.

use std::{net::SocketAddr, process::ExitCode, time::Instant};

use clap::Parser;
use crm_emulator::{
    cli::{Cli, Command},
    coverage_cli, healthcheck,
    runtime::{clock, rules},
    sign, telemetry, App, Config,
};
use tokio::net::TcpListener;

/// mimalloc rather than the system allocator: a request allocates dozens of small
/// buffers, and glibc's malloc spent ~17 % of a token-authenticated get's CPU on them
/// (docs/performance.md). Built without transparent huge pages (`no_thp`), which took
/// the idle server's resident memory from 21 to 40 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let started = Instant::now();
    let result = match Cli::parse().into_command() {
        Command::Serve(config) => {
            telemetry::init(config.log_format);
            serve(config, started).await
        }
        Command::Healthcheck(args) => healthcheck::check(args.target()),
        Command::Coverage(args) => return coverage_cli::run(&args),
        Command::Sign(args) => {
            print!("{}", sign::render(&args, clock::real_now_secs()));
            Ok(())
        }
        Command::Rules { always } => {
            match always {
                true => print!("{}", rules::always_guesses_markdown()),
                false => print!("{}", rules::markdown()),
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("crm-emulator: error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config, started: Instant) -> Result<(), String> {
    let listener = listen(config.bind).await?;
    let tls_listener = match config.tls_bind {
        Some(addr) => Some(listen(addr).await?),
        None => None,
    };
    let mut app = App::build(config, listener)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(listener) = tls_listener {
        app = app.with_tls(listener).map_err(|e| e.to_string())?;
    }
    app.print_banner(started).await;
    release_start_up_memory();
    app.run(shutdown_signal()).await;
    tracing::info!("shut down");
    Ok(())
}

/// Hands the memory start-up allocated and freed (the migrations, the API document's
/// construction) back to the system: mimalloc keeps freed pages for reuse, which held
/// ~4.5 MiB of the idle server's resident memory (docs/performance.md#memory).
fn release_start_up_memory() {
    // SAFETY: `mi_collect` takes no pointer; it frees this thread's empty pages and
    // returns unused segments, and is safe to call at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

async fn listen(addr: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM (docker stop).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received: finishing requests in flight");
}
