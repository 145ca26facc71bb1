//! TLS with rustls: the `tls-*` parameters turned into an acceptor.
//!
//! The TLS listener shares the bind addresses of plain TCP and runs beside it, as in Redis. The
//! certificate, key and CA are read when the server starts listening, and again when `CONFIG
//! SET` changes a `tls-*` parameter: new connections then get the new context, established ones
//! keep theirs, and a context that cannot be built is refused with the old one left in place.
//! `CONFIG SET tls-port` opens, moves or (with 0) closes the TLS listener.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use rustls::crypto::ring::default_provider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, SupportedProtocolVersion};
use tokio::net::TcpListener;
use tokio::runtime::Handle;
use tokio::task::AbortHandle;
use tokio_rustls::TlsAcceptor;
use tracing::{info, warn};
use vermilion_engine::{Config, ConfigChange, ConfigError};

use crate::accept::accept_tls;
use crate::listener::bind_tcp_all;
use crate::settings::ServerState;

/// `tls-auth-clients`: whether clients must present a certificate signed by the CA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsAuthClients {
    /// A client without a valid certificate is refused (Redis's default).
    Yes,
    /// Certificates are neither asked for nor checked.
    No,
    /// A client may go without one, but one it presents must be valid.
    Optional,
}

/// How a server speaks TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// Addresses, with the `bind` syntax of [`crate::ServeOptions::bind`].
    pub bind: Vec<String>,
    /// TLS port; 0 picks a free one, see [`crate::ServerHandle::tls_port`].
    pub port: u16,
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    /// CA certificates that client certificates must chain to.
    pub ca_cert_file: Option<PathBuf>,
    pub auth_clients: TlsAuthClients,
    /// TLS versions accepted (`TLSv1.2`, `TLSv1.3`); empty: both.
    pub protocols: Vec<String>,
}

impl TlsOptions {
    /// The TLS settings of a configuration, on `bind`; `None` when `tls-port` is 0.
    pub fn from_config(config: &Config, bind: &[String]) -> Option<TlsOptions> {
        (config.tls_port != 0).then(|| TlsOptions::from_config_values(config, bind))
    }

    /// The TLS settings of a configuration with TLS off (`tls-port` 0), for a server that may
    /// turn it on later.
    pub(crate) fn disabled(config: &Config, bind: &[String]) -> TlsOptions {
        TlsOptions { port: 0, ..TlsOptions::from_config_values(config, bind) }
    }

    /// The TLS settings of a configuration, whether or not `tls-port` enables them.
    fn from_config_values(config: &Config, bind: &[String]) -> TlsOptions {
        let path = |file: &str| (!file.is_empty()).then(|| PathBuf::from(file));
        TlsOptions {
            bind: bind.to_vec(),
            port: config.tls_port,
            cert_file: PathBuf::from(&config.tls_cert_file),
            key_file: PathBuf::from(&config.tls_key_file),
            ca_cert_file: path(&config.tls_ca_cert_file),
            auth_clients: match config.tls_auth_clients.as_str() {
                "no" => TlsAuthClients::No,
                "optional" => TlsAuthClients::Optional,
                _ => TlsAuthClients::Yes,
            },
            protocols: config.tls_protocols.split_whitespace().map(String::from).collect(),
        }
    }

    /// Reads the certificate, key and CA, and builds the acceptor.
    ///
    /// # Errors
    ///
    /// When a file cannot be read or holds no usable certificate or key, when client
    /// authentication is on without a CA, or when `protocols` names a version not supported.
    pub(crate) fn acceptor(&self) -> io::Result<TlsAcceptor> {
        let provider = Arc::new(default_provider());
        let versions = protocol_versions(&self.protocols)?;
        let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_protocol_versions(&versions)
            .map_err(invalid)?;
        let builder = if self.auth_clients == TlsAuthClients::No {
            builder.with_no_client_auth()
        } else {
            let Some(ca_file) = &self.ca_cert_file else {
                return Err(invalid("tls-ca-cert-file must be specified when tls-auth-clients is enabled"));
            };
            let mut roots = RootCertStore::empty();
            for cert in read_certificates(ca_file)? {
                roots.add(cert).map_err(|e| invalid(format!("{}: {e}", ca_file.display())))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = if self.auth_clients == TlsAuthClients::Optional { verifier.allow_unauthenticated() } else { verifier };
            builder.with_client_cert_verifier(verifier.build().map_err(invalid)?)
        };
        let key = PrivateKeyDer::from_pem_file(&self.key_file)
            .map_err(|e| invalid(format!("Failed to load private key: {}: {e}", self.key_file.display())))?;
        let config = builder.with_single_cert(read_certificates(&self.cert_file)?, key).map_err(invalid)?;
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

/// The parameters a TLS context is built from.
const CONTEXT_PARAMS: [&str; 5] = ["tls-cert-file", "tls-key-file", "tls-ca-cert-file", "tls-auth-clients", "tls-protocols"];
/// Redis's reasons for refusing a `CONFIG SET` of TLS parameters; the cause goes to the log.
const CONTEXT_REFUSED: &str = "Unable to update TLS configuration. Check server logs.";
const LISTEN_REFUSED: &str = "Unable to listen on this port. Check server logs.";

impl TlsOptions {
    /// These settings with the `tls-*` parameters a `CONFIG SET` names taken from its new values.
    fn updated(&self, change: &ConfigChange<'_>) -> TlsOptions {
        let new = TlsOptions::from_config_values(change.new, &self.bind);
        let mut next = self.clone();
        if change.names("tls-port") {
            next.port = new.port;
        }
        if change.names("tls-cert-file") {
            next.cert_file = new.cert_file;
        }
        if change.names("tls-key-file") {
            next.key_file = new.key_file;
        }
        if change.names("tls-ca-cert-file") {
            next.ca_cert_file = new.ca_cert_file;
        }
        if change.names("tls-auth-clients") {
            next.auth_clients = new.auth_clients;
        }
        if change.names("tls-protocols") {
            next.protocols = new.protocols;
        }
        next
    }
}

/// A running server's TLS: the acceptor new connections get, the port and the tasks accepting
/// on it. Changed only through [`LiveTls::apply`], one change at a time.
pub(crate) struct LiveTls {
    acceptor: RwLock<Option<TlsAcceptor>>,
    /// The TLS port listened on; 0 without TLS.
    port: AtomicU16,
    listening: Mutex<Listening>,
}

struct Listening {
    /// The settings in force; `port` is the one listened on (0: TLS off).
    options: TlsOptions,
    accepting: Vec<AbortHandle>,
}

impl LiveTls {
    /// TLS as a server starts with: `options` with its `acceptor`, listening on `port` (0: off).
    pub(crate) fn new(mut options: TlsOptions, acceptor: Option<TlsAcceptor>, port: u16) -> LiveTls {
        options.port = port;
        LiveTls {
            acceptor: RwLock::new(acceptor),
            port: AtomicU16::new(port),
            listening: Mutex::new(Listening { options, accepting: Vec::new() }),
        }
    }

    /// The context a connection accepted now is handshaken with; `None` once TLS is turned off.
    pub(crate) fn acceptor(&self) -> Option<TlsAcceptor> {
        self.acceptor.read().clone()
    }

    pub(crate) fn port(&self) -> u16 {
        self.port.load(Ordering::Acquire)
    }

    /// Starts accepting TLS clients on `listeners`. Must run inside the server's runtime.
    pub(crate) fn accept_on(&self, listeners: Vec<std::net::TcpListener>, server: &Arc<ServerState>) -> io::Result<()> {
        let listeners = listeners.into_iter().map(TcpListener::from_std).collect::<io::Result<Vec<_>>>()?;
        let mut listening = self.listening.lock();
        for listener in listeners {
            let task = tokio::spawn(accept_tls(listener, Arc::clone(server)));
            listening.accepting.push(task.abort_handle());
        }
        Ok(())
    }

    /// Puts the `tls-*` parameters of a `CONFIG SET` into effect, or refuses them and leaves
    /// everything as it was: a new context for new connections, and the listener opened, moved
    /// (the new port listens before the old one closes) or closed per `tls-port`.
    pub(crate) fn apply(&self, change: &ConfigChange<'_>, server: &Arc<ServerState>, runtime: &Handle) -> Result<(), ConfigError> {
        let context_changed = CONTEXT_PARAMS.iter().any(|param| change.names(param));
        if !context_changed && !change.names("tls-port") {
            return Ok(());
        }
        let mut listening = self.listening.lock();
        let next = listening.options.updated(change);
        if next.port == 0 {
            // TLS off (or staying off): the files are only remembered, as Redis does.
            self.stop_accepting(&mut listening);
            *self.acceptor.write() = None;
            self.port.store(0, Ordering::Release);
            listening.options = next;
            return Ok(());
        }
        let blamed = CONTEXT_PARAMS.into_iter().find(|param| change.names(param)).unwrap_or("tls-port");
        let acceptor = next.acceptor().map_err(|e| refusal(blamed, CONTEXT_REFUSED, &e))?;
        let moving = next.port != self.port();
        let listeners = if moving {
            let (listeners, port) = bind_tcp_all(&next.bind, next.port).map_err(|e| refusal("tls-port", LISTEN_REFUSED, &e))?;
            let _context = runtime.enter();
            let listeners = listeners.into_iter().map(TcpListener::from_std).collect::<io::Result<Vec<_>>>();
            Some((listeners.map_err(|e| refusal("tls-port", LISTEN_REFUSED, &e))?, port))
        } else {
            None
        };
        *self.acceptor.write() = Some(acceptor);
        if let Some((listeners, port)) = listeners {
            self.stop_accepting(&mut listening);
            for listener in listeners {
                let task = runtime.spawn(accept_tls(listener, Arc::clone(server)));
                listening.accepting.push(task.abort_handle());
            }
            self.port.store(port, Ordering::Release);
            info!("TLS listening on port {port}");
        } else {
            info!("TLS context reloaded");
        }
        listening.options = next;
        Ok(())
    }

    fn stop_accepting(&self, listening: &mut Listening) {
        // Aborting a task drops its listener, which closes the socket.
        for task in listening.accepting.drain(..) {
            task.abort();
        }
    }
}

/// Logs why new TLS settings cannot be used, and the refusal CONFIG SET replies with.
fn refusal(param: &str, reason: &str, cause: &io::Error) -> ConfigError {
    warn!("Failed applying new configuration. Possibly related to new {param} setting. Restoring previous settings.");
    warn!("{cause}");
    ConfigError::InvalidValue { name: param.to_string(), reason: reason.to_string() }
}

fn read_certificates(path: &Path) -> io::Result<Vec<CertificateDer<'static>>> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .and_then(Iterator::collect)
        .map_err(|e| invalid(format!("Failed to load certificate: {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(invalid(format!("Failed to load certificate: {}: no certificate found", path.display())));
    }
    Ok(certs)
}

fn protocol_versions(names: &[String]) -> io::Result<Vec<&'static SupportedProtocolVersion>> {
    if names.is_empty() {
        return Ok(vec![&rustls::version::TLS13, &rustls::version::TLS12]);
    }
    names
        .iter()
        .map(|name| match name.to_ascii_lowercase().as_str() {
            "tlsv1.3" => Ok(&rustls::version::TLS13),
            "tlsv1.2" => Ok(&rustls::version::TLS12),
            _ => Err(invalid(format!("Unsupported TLS protocol '{name}'"))),
        })
        .collect()
}

fn invalid(error: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("Failed to configure TLS: {error}"))
}
