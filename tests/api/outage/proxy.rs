//! A TCP proxy between an emulator and its Postgres server that fails the way networks
//! do: it resets every connection (a database restart, a crashed host: RST), or drops
//! everything without a word (a partition, a host gone: no RST, connections hang), and
//! lets new connections through again.

use std::{net::SocketAddr, time::Duration};

use tokio::{
    io::copy_bidirectional,
    net::{TcpListener, TcpStream},
    sync::watch,
};

/// What the proxy does with connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forwards new connections (connections black-holed before stay silent).
    None,
    /// Resets every open connection at once, and every new one.
    Cut,
    /// Forwards nothing from now on, on open connections and new ones, and says nothing.
    BlackHole,
}

/// The proxy, listening on `addr` until dropped.
pub struct Proxy {
    pub addr: SocketAddr,
    fault: watch::Sender<Fault>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// A proxy to `upstream`, forwarding.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let addr = listener.local_addr().expect("the proxy's address");
        let (fault, watching) = watch::channel(Fault::None);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, upstream, watching.clone()));
            }
        });
        Proxy { addr, fault, task }
    }

    /// From now on, `fault`.
    pub fn set(&self, fault: Fault) {
        self.fault.send_replace(fault);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut client: TcpStream, upstream: SocketAddr, mut fault: watch::Receiver<Fault>) {
    let now = *fault.borrow_and_update();
    match now {
        Fault::Cut => return reset(client),
        Fault::BlackHole => return hold(fault, [Some(client), None]).await,
        Fault::None => {}
    }
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return reset(client);
    };
    let next_fault = async {
        loop {
            if fault.changed().await.is_err() {
                return Fault::None; // the proxy is gone
            }
            let now = *fault.borrow_and_update();
            if now != Fault::None {
                return now;
            }
        }
    };
    let struck = tokio::select! {
        _ = copy_bidirectional(&mut client, &mut server) => return,
        struck = next_fault => struck,
    };
    match struck {
        Fault::Cut => {
            reset(client);
            reset(server);
        }
        Fault::BlackHole => hold(fault, [Some(client), Some(server)]).await,
        Fault::None => {}
    }
}

/// Closes `stream` with a reset (RST), not a FIN. (`SO_LINGER` is deprecated in tokio
/// because a linger time blocks the closing thread; a zero one resets at once.)
#[allow(deprecated)]
fn reset(stream: TcpStream) {
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// Keeps `streams` open, forwarding nothing, until the proxy is gone.
async fn hold(mut fault: watch::Receiver<Fault>, streams: [Option<TcpStream>; 2]) {
    while fault.changed().await.is_ok() {}
    drop(streams);
}
