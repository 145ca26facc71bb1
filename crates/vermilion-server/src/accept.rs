//! Accepting connections: admission (`maxclients`), socket options, one task per client.

use std::io;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use socket2::{SockRef, TcpKeepalive};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tracing::{debug, warn};
use vermilion_engine::{ClientKind, ConnectionInfo};

use crate::connection::serve_client;
use crate::settings::ServerState;

/// Sent to a client that would exceed `maxclients`, before closing it (Redis's exact bytes).
const MAX_CLIENTS_REACHED: &[u8] = b"-ERR max number of clients reached\r\n";
/// Pause after a failed accept (out of file descriptors, typically) so the loop does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(50);

pub(crate) async fn accept_tcp(listener: TcpListener, server: Arc<ServerState>) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let laddr = stream.local_addr().map_or_else(|_| String::new(), |a| a.to_string());
                let info = ConnectionInfo { kind: ClientKind::Tcp, addr: peer.to_string(), laddr, fd: i64::from(stream.as_raw_fd()) };
                configure_tcp(&stream, &server);
                admit(stream, info, &server);
            }
            Err(e) => accept_failed(e).await,
        }
    }
}

pub(crate) async fn accept_unix(listener: UnixListener, path: PathBuf, server: Arc<ServerState>) {
    // Redis shows unix clients as `path:0`.
    let addr = format!("{}:0", path.display());
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let info = ConnectionInfo { kind: ClientKind::Unix, addr: addr.clone(), laddr: addr.clone(), fd: i64::from(stream.as_raw_fd()) };
                admit(stream, info, &server);
            }
            Err(e) => accept_failed(e).await,
        }
    }
}

/// Latency over throughput, as Redis: no Nagle delay; keepalive per `tcp-keepalive`.
fn configure_tcp(stream: &TcpStream, server: &ServerState) {
    if let Err(e) = stream.set_nodelay(true) {
        debug!("Setting TCP_NODELAY: {e}");
    }
    if let Some(period) = server.settings.tcp_keepalive() {
        // Like Redis's anetKeepAlive: probe after `period` idle, then every third of it, 3 times.
        let keepalive = TcpKeepalive::new().with_time(period).with_interval(period / 3).with_retries(3);
        if let Err(e) = SockRef::from(stream).set_tcp_keepalive(&keepalive) {
            debug!("Setting TCP keepalive: {e}");
        }
    }
}

/// Starts serving a new connection, or turns it away when `maxclients` clients are connected.
fn admit<S>(stream: S, info: ConnectionInfo, server: &Arc<ServerState>)
where
    S: ClientStream,
{
    let engine = &server.engine;
    if engine.connected_clients() as u64 >= server.settings.maxclients() {
        // Best effort, as in Redis: a fresh socket's send buffer is empty, so this rarely fails.
        let _ = stream.try_write_bytes(MAX_CLIENTS_REACHED);
        engine.stats.rejected_connections.fetch_add(1, Ordering::Relaxed);
        debug!("Rejected {}: max number of clients reached", info.addr);
        return;
    }
    debug!("Accepted {}", info.addr);
    let addr = info.addr.clone();
    let client = engine.connect(info);
    tokio::spawn(serve_client(stream, client, addr, Arc::clone(server)));
}

async fn accept_failed(error: io::Error) {
    warn!("Accepting client connection: {error}");
    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
}

/// The streams a client may connect with.
pub(crate) trait ClientStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static {
    fn try_write_bytes(&self, bytes: &[u8]) -> io::Result<usize>;
}

impl ClientStream for TcpStream {
    fn try_write_bytes(&self, bytes: &[u8]) -> io::Result<usize> {
        self.try_write(bytes)
    }
}

impl ClientStream for UnixStream {
    fn try_write_bytes(&self, bytes: &[u8]) -> io::Result<usize> {
        self.try_write(bytes)
    }
}
