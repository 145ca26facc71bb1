//! TLS beside plain TCP: handshakes with and without client certificates, `tls-auth-clients`,
//! `tls-protocols`, and redis-cli `--tls` when it was built with TLS.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore, SupportedProtocolVersion};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vermilion_engine::{Config, Engine};
use vermilion_server::{serve_with_tls, ServeOptions, ServerHandle, TlsAuthClients, TlsOptions};

use common::{command, RawClient, DEADLINE};

/// A CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files in a
/// directory of their own.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn generate(name: &str) -> Pki {
        let dir = std::env::temp_dir().join(format!("vermilion-tls-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CommonName, "Vermilion test CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        std::fs::write(dir.join("ca.crt"), ca_cert.pem()).unwrap();
        let ca = Issuer::new(ca_params, ca_key);
        for (leaf, names) in [("server", vec!["127.0.0.1".to_string(), "localhost".to_string()]), ("client", vec!["client".to_string()])] {
            let key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::new(names).unwrap();
            params.distinguished_name.push(DnType::CommonName, leaf);
            let cert = params.signed_by(&key, &ca).unwrap();
            std::fs::write(dir.join(format!("{leaf}.crt")), cert.pem()).unwrap();
            std::fs::write(dir.join(format!("{leaf}.key")), key.serialize_pem()).unwrap();
        }
        Pki { dir }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn options(&self, auth_clients: TlsAuthClients, protocols: &[&str]) -> TlsOptions {
        TlsOptions {
            bind: vec!["127.0.0.1".into()],
            port: 0,
            cert_file: self.file("server.crt"),
            key_file: self.file("server.key"),
            ca_cert_file: Some(self.file("ca.crt")),
            auth_clients,
            protocols: protocols.iter().map(|p| p.to_string()).collect(),
        }
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start(tls: TlsOptions) -> (Arc<Engine>, ServerHandle) {
    let engine = Engine::open(Config::default()).unwrap();
    let options = ServeOptions { bind: vec!["127.0.0.1".into()], port: 0, unixsocket: None };
    let server = serve_with_tls(Arc::clone(&engine), options, Some(tls)).expect("server listens");
    (engine, server)
}

/// How a test client connects.
struct Client<'a> {
    pki: &'a Pki,
    certificate: bool,
    versions: &'a [&'static SupportedProtocolVersion],
}

impl Client<'_> {
    fn config(&self) -> ClientConfig {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(self.pki.file("ca.crt")).unwrap() {
            roots.add(cert.unwrap()).unwrap();
        }
        let builder = ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(self.versions)
            .unwrap()
            .with_root_certificates(roots);
        if self.certificate {
            let certs = CertificateDer::pem_file_iter(self.pki.file("client.crt")).unwrap().map(Result::unwrap).collect();
            let key = PrivateKeyDer::from_pem_file(self.pki.file("client.key")).unwrap();
            builder.with_client_auth_cert(certs, key).unwrap()
        } else {
            builder.with_no_client_auth()
        }
    }

    /// Sends `request` over TLS and returns the first reply line, or why there is none.
    fn request(&self, port: u16, request: &[u8]) -> Result<String, String> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(self.config()));
        runtime.block_on(async {
            tokio::time::timeout(DEADLINE, async {
                let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.map_err(|e| e.to_string())?;
                let name = ServerName::try_from("127.0.0.1").unwrap();
                let mut tls = connector.connect(name, tcp).await.map_err(|e| format!("handshake: {e}"))?;
                tls.write_all(request).await.map_err(|e| e.to_string())?;
                let mut reply = Vec::new();
                let mut chunk = [0u8; 4096];
                while !reply.ends_with(b"\r\n") {
                    match tls.read(&mut chunk).await {
                        Ok(0) => return Err("closed".to_string()),
                        Ok(n) => reply.extend_from_slice(&chunk[..n]),
                        Err(e) => return Err(e.to_string()),
                    }
                }
                Ok(String::from_utf8_lossy(&reply).into_owned())
            })
            .await
            .map_err(|_| "timed out".to_string())?
        })
    }

    fn ping(&self, port: u16) -> Result<String, String> {
        self.request(port, b"PING\r\n")
    }
}

const BOTH: &[&SupportedProtocolVersion] = &[&rustls::version::TLS13, &rustls::version::TLS12];

#[test]
fn tls_and_plain_tcp_listen_side_by_side() {
    let pki = Pki::generate("side-by-side");
    let (_engine, server) = start(pki.options(TlsAuthClients::Yes, &[]));
    assert_ne!(server.tls_port(), 0);
    assert_ne!(server.tls_port(), server.port());
    let client = Client { pki: &pki, certificate: true, versions: BOTH };
    assert_eq!(client.ping(server.tls_port()).unwrap(), "+PONG\r\n");
    // Both faces reach the same data.
    assert_eq!(client.request(server.tls_port(), &command(&[b"SET", b"k", b"over tls"])).unwrap(), "+OK\r\n");
    let mut plain = RawClient::new(std::net::TcpStream::connect(("127.0.0.1", server.port())).unwrap());
    plain.roundtrip(&command(&[b"GET", b"k"]), b"$8\r\nover tls\r\n");
    // The TLS client is listed with the TLS port as its local address.
    let info = client.request(server.tls_port(), &command(&[b"CLIENT", b"INFO"])).unwrap();
    assert!(info.contains(&format!("laddr=127.0.0.1:{}", server.tls_port())), "{info}");
}

#[test]
fn a_client_without_a_certificate_is_refused_when_auth_is_required() {
    let pki = Pki::generate("required");
    let (_engine, server) = start(pki.options(TlsAuthClients::Yes, &[]));
    let anonymous = Client { pki: &pki, certificate: false, versions: BOTH };
    let outcome = anonymous.ping(server.tls_port());
    assert!(outcome.is_err(), "{outcome:?}");
}

#[test]
fn optional_auth_accepts_clients_with_or_without_certificates() {
    let pki = Pki::generate("optional");
    let (_engine, server) = start(pki.options(TlsAuthClients::Optional, &[]));
    for certificate in [false, true] {
        let client = Client { pki: &pki, certificate, versions: BOTH };
        assert_eq!(client.ping(server.tls_port()).unwrap(), "+PONG\r\n", "certificate: {certificate}");
    }
}

#[test]
fn no_auth_asks_for_no_certificate_and_needs_no_ca() {
    let pki = Pki::generate("no-auth");
    let mut options = pki.options(TlsAuthClients::No, &[]);
    options.ca_cert_file = None;
    let (_engine, server) = start(options);
    let client = Client { pki: &pki, certificate: false, versions: BOTH };
    assert_eq!(client.ping(server.tls_port()).unwrap(), "+PONG\r\n");
}

#[test]
fn tls_protocols_limit_the_versions_accepted() {
    let pki = Pki::generate("protocols");
    let (_engine, server) = start(pki.options(TlsAuthClients::Yes, &["TLSv1.2"]));
    let tls12 = Client { pki: &pki, certificate: true, versions: &[&rustls::version::TLS12] };
    assert_eq!(tls12.ping(server.tls_port()).unwrap(), "+PONG\r\n");
    let tls13 = Client { pki: &pki, certificate: true, versions: &[&rustls::version::TLS13] };
    assert!(tls13.ping(server.tls_port()).is_err());
}

#[test]
fn bad_tls_settings_fail_before_listening() {
    let pki = Pki::generate("bad");
    let engine = Engine::open(Config::default()).unwrap();
    let options = || ServeOptions { bind: vec!["127.0.0.1".into()], port: 0, unixsocket: None };
    let mut missing_key = pki.options(TlsAuthClients::No, &[]);
    missing_key.key_file = pki.file("nope.key");
    let error = serve_with_tls(Arc::clone(&engine), options(), Some(missing_key)).unwrap_err();
    assert!(error.to_string().contains("Failed to configure TLS"), "{error}");
    let mut no_ca = pki.options(TlsAuthClients::Yes, &[]);
    no_ca.ca_cert_file = None;
    let error = serve_with_tls(Arc::clone(&engine), options(), Some(no_ca)).unwrap_err();
    assert!(error.to_string().contains("tls-ca-cert-file"), "{error}");
}

#[test]
fn tls_settings_come_from_the_configuration() {
    let pki = Pki::generate("config");
    let mut config = Config::default();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    for (name, value) in [
        ("tls-port", port.to_string()),
        ("tls-cert-file", path_text(&pki.file("server.crt"))),
        ("tls-key-file", path_text(&pki.file("server.key"))),
        ("tls-ca-cert-file", path_text(&pki.file("ca.crt"))),
        ("tls-auth-clients", "optional".into()),
        ("tls-protocols", "TLSv1.2 TLSv1.3".into()),
    ] {
        config.set(name, &value).unwrap();
    }
    let tls = TlsOptions::from_config(&config, &["127.0.0.1".into()]).unwrap();
    assert_eq!(tls.port, port);
    assert_eq!(tls.auth_clients, TlsAuthClients::Optional);
    assert_eq!(tls.protocols, vec!["TLSv1.2", "TLSv1.3"]);
    assert!(TlsOptions::from_config(&Config::default(), &[]).is_none());
}

fn path_text(path: &Path) -> String {
    path.to_str().unwrap().to_string()
}

/// Whether this machine's redis-cli speaks TLS.
fn redis_cli_has_tls() -> bool {
    std::process::Command::new("redis-cli")
        .arg("--help")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("--tls") || String::from_utf8_lossy(&out.stderr).contains("--tls"))
}

#[test]
fn redis_cli_connects_with_tls() {
    if !redis_cli_has_tls() {
        eprintln!("skipped: redis-cli is missing or was built without TLS");
        return;
    }
    let pki = Pki::generate("redis-cli");
    let (_engine, server) = start(pki.options(TlsAuthClients::Yes, &[]));
    let port = server.tls_port().to_string();
    let run = |certificate: bool| {
        let mut args = vec!["--tls", "--cacert"];
        let ca = path_text(&pki.file("ca.crt"));
        let (cert, key) = (path_text(&pki.file("client.crt")), path_text(&pki.file("client.key")));
        args.push(&ca);
        if certificate {
            args.extend(["--cert", cert.as_str(), "--key", key.as_str()]);
        }
        let output = std::process::Command::new("redis-cli").args(&args).args(["-h", "127.0.0.1", "-p", &port, "PING"]).output().unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
    };
    assert_eq!(run(true).trim(), "PONG");
    assert_ne!(run(false).trim(), "PONG");
}
