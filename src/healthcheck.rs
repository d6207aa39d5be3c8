//! `crm-emulator healthcheck`: asks a running emulator's `/_emulator/live` and exits 0
//! only on HTTP 200. The container image's `HEALTHCHECK` uses it, so the runtime image
//! needs no curl.
//!
//! It asks `/live`, not `/health`: an instance whose database is away still answers
//! every request in its API's envelope (docs/instances.md#when-the-database-fails), so
//! an orchestrator must not restart it or take its traffic away; `/_emulator/health`
//! says whether the database answers.
//!
//! The address comes from `--bind` / `CRM_EMULATOR_BIND`, the variable `serve` reads,
//! so a container that moves its port stays healthy without a second setting.

use std::{
    net::{Ipv4Addr, Ipv6Addr, SocketAddr},
    time::Duration,
};

use clap::Args;

use crate::{config::DEFAULT_BIND, http::client};

/// The path asked: answered while the process serves requests at all.
pub const LIVE_PATH: &str = "/_emulator/live";

/// The flags of `crm-emulator healthcheck`.
#[derive(Args, Debug, Clone)]
pub struct HealthcheckArgs {
    /// The emulator's listening address, as given to `serve`; a wildcard address
    /// (`0.0.0.0`, `::`) is checked on loopback.
    #[arg(long, env = "CRM_EMULATOR_BIND", default_value = DEFAULT_BIND)]
    pub bind: SocketAddr,
    /// Check this address instead of the one `--bind` gives.
    #[arg(long)]
    pub addr: Option<SocketAddr>,
}

impl HealthcheckArgs {
    /// The address to connect to.
    pub fn target(&self) -> SocketAddr {
        self.addr.unwrap_or_else(|| reachable(self.bind))
    }
}

/// `bind` as a client reaches it: a wildcard address becomes the loopback address of
/// its family.
pub fn reachable(bind: SocketAddr) -> SocketAddr {
    let mut addr = bind;
    if bind.ip().is_unspecified() {
        addr.set_ip(match bind {
            SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
        });
    }
    addr
}

/// Returns `Ok(())` when the emulator at `addr` answers [`LIVE_PATH`] with 200, else a
/// one-line reason.
pub fn check(addr: SocketAddr) -> Result<(), String> {
    let host = addr.to_string();
    let answer = client::get(addr, &host, LIVE_PATH, "", Duration::from_secs(3))?;
    match answer.status {
        200 => Ok(()),
        status => Err(format!("not live: HTTP status {status}")),
    }
}

#[cfg(test)]
mod tests {
    use std::{
        io::{BufRead, Write},
        net::TcpListener,
    };

    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: HealthcheckArgs,
    }

    fn target(args: &[&str]) -> SocketAddr {
        let args = [&["healthcheck"][..], args].concat();
        Cli::parse_from(args).args.target()
    }

    #[test]
    fn the_bind_address_is_checked_and_a_wildcard_on_loopback() {
        assert_eq!(
            target(&["--bind", "127.0.0.1:9000"]).to_string(),
            "127.0.0.1:9000"
        );
        assert_eq!(
            target(&["--bind", "0.0.0.0:9000"]).to_string(),
            "127.0.0.1:9000"
        );
        assert_eq!(target(&["--bind", "[::]:9000"]).to_string(), "[::1]:9000");
        let addr = ["--bind", "0.0.0.0:9000", "--addr", "127.0.0.2:7000"];
        assert_eq!(target(&addr).to_string(), "127.0.0.2:7000");
    }

    #[test]
    fn the_check_asks_the_live_endpoint() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut line = String::new();
            std::io::BufReader::new(&stream)
                .read_line(&mut line)
                .unwrap();
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                .unwrap();
            line
        });
        assert_eq!(check(addr), Ok(()));
        assert_eq!(server.join().unwrap(), "GET /_emulator/live HTTP/1.1\r\n");
    }
}
