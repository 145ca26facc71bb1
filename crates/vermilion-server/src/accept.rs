//! Accepting connections: admission (`maxclients`, protected mode), socket options, TLS
//! handshakes, one task per client.

use std::io;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use socket2::{SockRef, TcpKeepalive};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UnixListener};
use tracing::{debug, warn};
use vermilion_engine::{ClientKind, ConnectionInfo};

use crate::connection::serve_client;
use crate::settings::ServerState;

/// Sent to a client that would exceed `maxclients`, before closing it (Redis's exact bytes).
const MAX_CLIENTS_REACHED: &[u8] = b"-ERR max number of clients reached\r\n";
/// Sent to a non-local client in protected mode, before closing it. The first sentence is
/// Redis's, which tools recognise; the rest gives the same ways out.
const PROTECTED_MODE_DENIED: &[u8] = b"-DENIED Redis is running in protected mode because protected mode is enabled and \
no password is set for the default user. In this mode connections are only accepted from the loopback interface. \
To accept clients from other computers, do one of the following: \
1) Disable protected mode by sending 'CONFIG SET protected-mode no' from the loopback interface (a client on the \
server's own host), but first MAKE SURE the server cannot be reached from the internet; CONFIG REWRITE then makes \
the change permanent. \
2) Set 'protected-mode no' in the configuration file and restart the server. \
3) If the server was started by hand for testing, restart it with the '--protected-mode no' option. \
4) Set a password for the default user. \
NOTE: Any one of these is enough for the server to accept clients from other computers.\r\n";
/// Pause after a failed accept (out of file descriptors, typically) so the loop does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(50);
/// How long a refused client gets to take the error line before it is closed.
const REFUSAL_WRITE_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a TLS client may take over its handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) async fn accept_tcp(listener: TcpListener, server: Arc<ServerState>) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let info = tcp_info(&stream, peer, ClientKind::Tcp);
                configure_tcp(&stream, &server);
                admit(stream, info, &server);
            }
            Err(e) => accept_failed(e).await,
        }
    }
}

pub(crate) async fn accept_tls(listener: TcpListener, server: Arc<ServerState>) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                // The context in force now: a CONFIG SET of the TLS files applies from the next client.
                let Some(acceptor) = server.tls.acceptor() else { continue };
                let info = tcp_info(&stream, peer, ClientKind::Tls);
                configure_tcp(&stream, &server);
                // The handshake runs on the client's own task, so a slow client holds up no one.
                let server = Arc::clone(&server);
                tokio::spawn(async move {
                    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => admit(tls, info, &server),
                        Ok(Err(e)) => debug!("Error accepting a client connection: {e} (addr={})", info.addr),
                        Err(_) => debug!("TLS handshake timed out (addr={})", info.addr),
                    }
                });
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

fn tcp_info(stream: &TcpStream, peer: std::net::SocketAddr, kind: ClientKind) -> ConnectionInfo {
    let laddr = stream.local_addr().map_or_else(|_| String::new(), |a| a.to_string());
    ConnectionInfo { kind, addr: peer.to_string(), laddr, fd: i64::from(stream.as_raw_fd()) }
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

/// Starts serving a new connection, or turns it away: when `maxclients` clients are connected,
/// or when protected mode refuses a client from another machine.
fn admit<S>(stream: S, info: ConnectionInfo, server: &Arc<ServerState>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let engine = &server.engine;
    if engine.connected_clients() as u64 >= server.settings.maxclients() {
        debug!("Rejected {}: max number of clients reached", info.addr);
        refuse(stream, MAX_CLIENTS_REACHED, server);
        return;
    }
    if server.settings.protected_mode() && !engine.requires_auth() && !info.is_local() {
        debug!("Refused {}: protected mode is on and the default user has no password", info.addr);
        refuse(stream, PROTECTED_MODE_DENIED, server);
        return;
    }
    debug!("Accepted {}", info.addr);
    let addr = info.addr.clone();
    let client = engine.connect(info);
    tokio::spawn(serve_client(stream, client, addr, Arc::clone(server)));
}

/// Sends a refused client its error line, then closes the connection.
fn refuse<S>(mut stream: S, error_line: &'static [u8], server: &ServerState)
where
    S: AsyncWrite + Unpin + Send + 'static,
{
    server.engine.stats.rejected_connections.fetch_add(1, Ordering::Relaxed);
    tokio::spawn(async move {
        let _ = tokio::time::timeout(REFUSAL_WRITE_TIMEOUT, async {
            stream.write_all(error_line).await?;
            stream.shutdown().await
        })
        .await;
    });
}

async fn accept_failed(error: io::Error) {
    warn!("Accepting client connection: {error}");
    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
}
