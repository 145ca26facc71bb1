//! Starting and stopping a server around an engine: the API the binary and the embedding faces
//! (Python, Node) share.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::runtime::Runtime;
use tokio::sync::watch;
use vermilion_engine::Engine;

use crate::accept::{accept_tcp, accept_unix};
use crate::listener::{bind_all, bind_tcp_all};
use crate::settings::{refresh_settings, ServerState};
use crate::tls::{LiveTls, TlsOptions};

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

/// A running server. Stops when dropped, or when a client sends SHUTDOWN.
pub struct ServerHandle {
    port: u16,
    local_addrs: Vec<SocketAddr>,
    running: Arc<Running>,
}

/// What stopping needs, shared with the SHUTDOWN listener.
struct Running {
    engine: Arc<Engine>,
    state: Arc<ServerState>,
    unixsocket: Option<PathBuf>,
    runtime: Mutex<Option<Runtime>>,
    /// The engine's id for this server's SHUTDOWN listener.
    listener_id: Mutex<Option<u64>>,
    /// The engine's id for this server's `CONFIG SET` applier.
    applier_id: Mutex<Option<u64>>,
    /// Becomes true once the server has stopped.
    stopped: watch::Sender<bool>,
}

/// Starts serving `engine` on its own background threads; returns once every socket listens.
/// Speaks TLS too when the engine's configuration sets `tls-port` (on the same addresses).
///
/// # Errors
///
/// When a socket cannot be opened (address in use, missing required address, unix socket path
/// not writable), the TLS files cannot be used, or the runtime cannot start.
pub fn serve(engine: Arc<Engine>, options: ServeOptions) -> io::Result<ServerHandle> {
    let config = engine.config();
    let bind = if options.bind.is_empty() { &config.bind } else { &options.bind };
    let tls = TlsOptions::from_config(&config, bind);
    serve_with_tls(engine, options, tls)
}

/// Like [`serve`], with TLS set explicitly (`None`: no TLS listener) rather than from the
/// engine's configuration.
///
/// # Errors
///
/// As [`serve`].
pub fn serve_with_tls(engine: Arc<Engine>, options: ServeOptions, tls: Option<TlsOptions>) -> io::Result<ServerHandle> {
    let config = engine.config();
    // The acceptor first: a bad certificate is reported before any port is taken.
    let acceptor = tls.as_ref().map(TlsOptions::acceptor).transpose()?;
    let sockets = bind_all(&options.bind, options.port, options.unixsocket.as_deref(), config.unixsocketperm)?;
    let (tls_listeners, tls_port) = match &tls {
        Some(tls) => bind_tcp_all(&tls.bind, tls.port)?,
        None => (Vec::new(), 0),
    };
    // Without TLS now, `CONFIG SET tls-port` may start it later, on the TCP addresses.
    let tls = tls.unwrap_or_else(|| TlsOptions::disabled(&config, if options.bind.is_empty() { &config.bind } else { &options.bind }));
    let local_addrs = sockets.tcp.iter().map(std::net::TcpListener::local_addr).collect::<io::Result<Vec<_>>>()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().thread_name("vermilion-net").enable_all().build()?;
    let state = Arc::new(ServerState::new(Arc::clone(&engine), LiveTls::new(tls, acceptor, tls_port)));
    {
        let _context = runtime.enter();
        for listener in sockets.tcp {
            runtime.spawn(accept_tcp(tokio::net::TcpListener::from_std(listener)?, Arc::clone(&state)));
        }
        state.tls.accept_on(tls_listeners, &state)?;
        if let Some((listener, path)) = sockets.unix {
            runtime.spawn(accept_unix(tokio::net::UnixListener::from_std(listener)?, path, Arc::clone(&state)));
        }
        runtime.spawn(refresh_settings(Arc::clone(&state)));
    }
    let runtime_handle = runtime.handle().clone();
    let running = Arc::new(Running {
        engine: Arc::clone(&engine),
        state,
        unixsocket: options.unixsocket,
        runtime: Mutex::new(Some(runtime)),
        listener_id: Mutex::new(None),
        applier_id: Mutex::new(None),
        stopped: watch::Sender::new(false),
    });
    let listener_id = engine.add_shutdown_listener(shutdown_listener(Arc::downgrade(&running)));
    *running.listener_id.lock() = Some(listener_id);
    let applier_id = engine.add_config_applier(tls_applier(&running.state, runtime_handle));
    *running.applier_id.lock() = Some(applier_id);
    Ok(ServerHandle { port: sockets.port, local_addrs, running })
}

/// What this server does on a `CONFIG SET` of `tls-*` parameters: reload its TLS context, and
/// open, move or close its TLS listener.
fn tls_applier(state: &Arc<ServerState>, runtime: tokio::runtime::Handle) -> vermilion_engine::ConfigApplier {
    let state = Arc::downgrade(state);
    Arc::new(move |change| match state.upgrade() {
        Some(state) => state.tls.apply(change, &state, &runtime),
        None => Ok(()),
    })
}

/// What this server does on SHUTDOWN: its connections stop replying at once, and a thread of
/// its own stops it (the listener runs inside the command, with the keyspace locked).
fn shutdown_listener(running: Weak<Running>) -> vermilion_engine::ShutdownListener {
    Arc::new(move || {
        let Some(running) = running.upgrade() else { return };
        running.state.stopping.store(true, Ordering::Release);
        let spawned = std::thread::Builder::new().name("vermilion-shutdown".into()).spawn(move || running.stop());
        if let Err(e) = spawned {
            tracing::warn!("Cannot start the shutdown thread: {e}");
        }
    })
}

impl Running {
    fn stop(&self) {
        let Some(runtime) = self.runtime.lock().take() else { return };
        self.state.stopping.store(true, Ordering::Release);
        if let Some(id) = self.listener_id.lock().take() {
            self.engine.remove_shutdown_listener(id);
        }
        if let Some(id) = self.applier_id.lock().take() {
            self.engine.remove_config_applier(id);
        }
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
        self.stopped.send_replace(true);
    }
}

impl ServerHandle {
    /// The TCP port listened on (the one picked, if `ServeOptions::port` was 0); 0 without TCP.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The TLS port listened on now (`CONFIG SET tls-port` may change it); 0 without TLS.
    pub fn tls_port(&self) -> u16 {
        self.running.state.tls.port()
    }

    /// Every TCP address listened on (not the TLS ones).
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.local_addrs
    }

    /// The unix socket path, if listening on one.
    pub fn unixsocket(&self) -> Option<&Path> {
        self.running.unixsocket.as_deref()
    }

    /// Whether the server is still running.
    pub fn is_running(&self) -> bool {
        self.running.runtime.lock().is_some()
    }

    /// Stops accepting, closes every connection (their engine clients disconnect) and removes the
    /// unix socket file. The engine itself keeps running. Calling it again does nothing.
    pub fn stop(&self) {
        self.running.stop();
    }

    /// Resolves once the server has stopped: after [`ServerHandle::stop`], or after a client's
    /// SHUTDOWN. Works from any runtime.
    pub async fn stopped(&self) {
        let mut stopped = self.running.stopped.subscribe();
        let _ = stopped.wait_for(|stopped| *stopped).await;
    }

    /// Whether a client asked this server to shut down.
    pub fn shutdown_requested(&self) -> bool {
        self.running.state.is_stopping()
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
            .field("tls_port", &self.tls_port())
            .field("local_addrs", &self.local_addrs)
            .field("unixsocket", &self.running.unixsocket)
            .field("running", &self.is_running())
            .finish_non_exhaustive()
    }
}
