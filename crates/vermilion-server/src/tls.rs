//! TLS with rustls: the `tls-*` parameters turned into an acceptor.
//!
//! The TLS listener shares the bind addresses of plain TCP and runs beside it, as in Redis. The
//! certificate, key and CA are read once, when the server starts listening.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::crypto::ring::default_provider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, SupportedProtocolVersion};
use tokio_rustls::TlsAcceptor;
use vermilion_engine::Config;

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
        if config.tls_port == 0 {
            return None;
        }
        let path = |file: &str| (!file.is_empty()).then(|| PathBuf::from(file));
        Some(TlsOptions {
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
        })
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
