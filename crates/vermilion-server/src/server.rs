//! Starting and stopping a server around an engine: the API the binary and the embedding faces
//! (Python, Node) share.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::runtime::Runtime;
use vermilion_engine::Engine;

use crate::accept::{accept_tcp, accept_unix};
use crate::listener::bind_all;
use crate::settings::{refresh_settings, ServerState};

/// How long `stop` waits for connection tasks to wind down.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// Where a server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeOptions {
    /// TCP addresses, with Redis's `bind` syntax (`*`, `::*`, `-` for optional). Empty: no TCP.
    pub bind: Vec<String>,
    /// TCP port; 0 picks a free port (shared by every bind address), see [`ServerHandle::port`].
    /// Unlike the `port 0` configuration directive, 0 here does not disable TCP: leave `bind`
    /// empty for that.
    pub port: u16,
    /// Unix socket path; its permissions come from the engine's `unixsocketperm`.
    pub unixsocket: Option<PathBuf>,
}

impl Default for ServeOptions {
    /// Loopback (IPv4, and IPv6 where available) on a free port.
    fn default() -> Self {
        ServeOptions { bind: vec!["127.0.0.1".into(), "-::1".into()], port: 0, unixsocket: None }
    }
}

/// A running server. Stops when dropped.
pub struct ServerHandle {
    port: u16,
    local_addrs: Vec<SocketAddr>,
    unixsocket: Option<PathBuf>,
    runtime: Mutex<Option<Runtime>>,
}

/// Starts serving `engine` on its own background threads; returns once every socket listens.
///
/// # Errors
///
/// When a socket cannot be opened (address in use, missing required address, unix socket path
/// not writable) or the runtime cannot start.
pub fn serve(engine: Arc<Engine>, options: ServeOptions) -> io::Result<ServerHandle> {
    let unixsocketperm = engine.config().unixsocketperm;
    let sockets = bind_all(&options.bind, options.port, options.unixsocket.as_deref(), unixsocketperm)?;
    let local_addrs = sockets.tcp.iter().map(std::net::TcpListener::local_addr).collect::<io::Result<Vec<_>>>()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().thread_name("vermilion-net").enable_all().build()?;
    let state = Arc::new(ServerState::new(engine));
    {
        let _context = runtime.enter();
        for listener in sockets.tcp {
            runtime.spawn(accept_tcp(tokio::net::TcpListener::from_std(listener)?, Arc::clone(&state)));
        }
        if let Some((listener, path)) = sockets.unix {
            runtime.spawn(accept_unix(tokio::net::UnixListener::from_std(listener)?, path, Arc::clone(&state)));
        }
        runtime.spawn(refresh_settings(state));
    }
    Ok(ServerHandle { port: sockets.port, local_addrs, unixsocket: options.unixsocket, runtime: Mutex::new(Some(runtime)) })
}

impl ServerHandle {
    /// The TCP port listened on (the one picked, if `ServeOptions::port` was 0); 0 without TCP.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every TCP address listened on.
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.local_addrs
    }

    /// The unix socket path, if listening on one.
    pub fn unixsocket(&self) -> Option<&Path> {
        self.unixsocket.as_deref()
    }

    /// Whether the server is still running.
    pub fn is_running(&self) -> bool {
        self.runtime.lock().is_some()
    }

    /// Stops accepting, closes every connection (their engine clients disconnect) and removes the
    /// unix socket file. The engine itself keeps running. Calling it again does nothing.
    pub fn stop(&self) {
        let Some(runtime) = self.runtime.lock().take() else { return };
        // Shutting the runtime down drops every task: listeners and connections close with them.
        if tokio::runtime::Handle::try_current().is_ok() {
            // Blocking inside an async context is not allowed; let the threads finish on their own.
            runtime.shutdown_background();
        } else {
            runtime.shutdown_timeout(STOP_GRACE);
        }
        if let Some(path) = &self.unixsocket {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

impl std::fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerHandle")
            .field("port", &self.port)
            .field("local_addrs", &self.local_addrs)
            .field("unixsocket", &self.unixsocket)
            .field("running", &self.is_running())
            .finish_non_exhaustive()
    }
}
