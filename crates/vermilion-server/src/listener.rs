//! Opening the listening sockets: TCP on each `bind` address, and the unix socket.
//!
//! `bind` follows Redis: `*` is every IPv4 address, `::*` every IPv6 one, and a leading `-` marks
//! an address as optional — skipped when the machine lacks it (no IPv6, say), though a port
//! already in use is still an error. IPv6 sockets are IPv6-only, so `0.0.0.0` and `::` can both
//! be bound on one port.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, ToSocketAddrs};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};

use socket2::{Domain, Protocol, Socket, Type};

/// Pending-connection queue length (Redis's `tcp-backlog` default).
const TCP_BACKLOG: i32 = 511;
/// Tries at finding an ephemeral port free on every bind address.
const EPHEMERAL_ATTEMPTS: usize = 8;

/// Sockets bound and listening, not yet handed to the runtime.
pub(crate) struct BoundSockets {
    pub(crate) tcp: Vec<TcpListener>,
    /// The TCP port every TCP socket listens on (0 without TCP).
    pub(crate) port: u16,
    pub(crate) unix: Option<(UnixListener, PathBuf)>,
}

/// One entry of `bind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BindAddress {
    pub(crate) host: String,
    /// Written with a leading `-`: skip it if the address is not available here.
    pub(crate) optional: bool,
}

impl BindAddress {
    pub(crate) fn parse(entry: &str) -> Self {
        match entry.strip_prefix('-') {
            Some(host) => BindAddress { host: host.to_string(), optional: true },
            None => BindAddress { host: entry.to_string(), optional: false },
        }
    }

    fn ip(&self) -> io::Result<IpAddr> {
        match self.host.as_str() {
            "*" => return Ok(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            "::*" => return Ok(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
            _ => {}
        }
        if let Ok(ip) = self.host.parse() {
            return Ok(ip);
        }
        (self.host.as_str(), 0)
            .to_socket_addrs()?
            .next()
            .map(|addr| addr.ip())
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no address for {}", self.host)))
    }
}

/// Binds every TCP address of `bind` on `port` (0: one ephemeral port shared by all), and the
/// unix socket at `unixsocket` with permissions `unixsocketperm` (0: leave the umask's).
pub(crate) fn bind_all(bind: &[String], port: u16, unixsocket: Option<&Path>, unixsocketperm: u32) -> io::Result<BoundSockets> {
    let (tcp, port) = bind_tcp_all(bind, port)?;
    let unix = unixsocket.map(|path| bind_unix(path, unixsocketperm).map(|l| (l, path.to_path_buf()))).transpose()?;
    Ok(BoundSockets { tcp, port, unix })
}

/// Binds every TCP address of `bind` on `port` (0: one ephemeral port shared by all); returns
/// the listeners and the port.
pub(crate) fn bind_tcp_all(bind: &[String], port: u16) -> io::Result<(Vec<TcpListener>, u16)> {
    let addresses: Vec<BindAddress> = bind.iter().map(|entry| BindAddress::parse(entry)).collect();
    if port == 0 {
        bind_ephemeral(&addresses)
    } else {
        Ok((bind_tcp(&addresses, port)?, port))
    }
}

/// Binds every address on one port the kernel picks for the first of them.
fn bind_ephemeral(addresses: &[BindAddress]) -> io::Result<(Vec<TcpListener>, u16)> {
    let mut last_error = None;
    for _ in 0..EPHEMERAL_ATTEMPTS {
        let mut listeners = Vec::new();
        let mut port = 0;
        let mut outcome = Ok(());
        for address in addresses {
            match bind_one(address, port) {
                Ok(Some(listener)) => {
                    port = listener.local_addr()?.port();
                    listeners.push(listener);
                }
                Ok(None) => {}
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        match outcome {
            Ok(()) => return Ok((listeners, port)),
            // Another process holds the port on a later address: try another port.
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse)))
}

fn bind_tcp(addresses: &[BindAddress], port: u16) -> io::Result<Vec<TcpListener>> {
    let mut listeners = Vec::new();
    for address in addresses {
        listeners.extend(bind_one(address, port)?);
    }
    Ok(listeners)
}

/// Binds one address; `Ok(None)` when an optional address is unavailable on this machine.
fn bind_one(address: &BindAddress, port: u16) -> io::Result<Option<TcpListener>> {
    match listen_tcp(address, port) {
        Ok(listener) => Ok(Some(listener)),
        Err(e) if address.optional && means_unavailable(&e) => {
            tracing::debug!("Skipping optional bind address {}: {e}", address.host);
            Ok(None)
        }
        Err(e) => Err(io::Error::new(
            e.kind(),
            format!("Could not create server TCP listening socket {}:{port}: {e}", address.host),
        )),
    }
}

fn listen_tcp(address: &BindAddress, port: u16) -> io::Result<TcpListener> {
    let addr = SocketAddr::new(address.ip()?, port);
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.bind(&addr.into())?;
    socket.listen(TCP_BACKLOG)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// The errors for which Redis skips an optional (`-`) bind address: the address or its family
/// does not exist here.
fn means_unavailable(error: &io::Error) -> bool {
    matches!(
        error.raw_os_error(),
        Some(libc::ENOPROTOOPT | libc::EPROTONOSUPPORT | libc::ESOCKTNOSUPPORT | libc::EPFNOSUPPORT | libc::EAFNOSUPPORT | libc::EADDRNOTAVAIL)
    )
}

fn bind_unix(path: &Path, perm: u32) -> io::Result<UnixListener> {
    // A socket file left by an earlier run would make bind fail; Redis removes it too.
    let _ = std::fs::remove_file(path);
    let listener = UnixListener::bind(path)
        .map_err(|e| io::Error::new(e.kind(), format!("Failed opening Unix socket {}: {e}", path.display())))?;
    if perm != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(perm))?;
    }
    listener.set_nonblocking(true)?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_entries_parse_like_redis() {
        assert_eq!(BindAddress::parse("-::1"), BindAddress { host: "::1".into(), optional: true });
        assert_eq!(BindAddress::parse("127.0.0.1").ip().unwrap(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(BindAddress::parse("*").ip().unwrap(), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert_eq!(BindAddress::parse("::*").ip().unwrap(), IpAddr::V6(Ipv6Addr::UNSPECIFIED));
    }

    #[test]
    fn an_ephemeral_port_is_shared_by_every_address() {
        let bound = bind_all(&["127.0.0.1".into(), "-::1".into()], 0, None, 0).unwrap();
        assert_ne!(bound.port, 0);
        for listener in &bound.tcp {
            assert_eq!(listener.local_addr().unwrap().port(), bound.port);
        }
    }

    #[test]
    fn a_missing_optional_address_is_skipped_but_a_required_one_fails() {
        // 192.0.2.1 (TEST-NET-1) is not assigned to any local interface.
        let bound = bind_all(&["127.0.0.1".into(), "-192.0.2.1".into()], 0, None, 0).unwrap();
        assert_eq!(bound.tcp.len(), 1);
        assert!(bind_all(&["192.0.2.1".into()], 0, None, 0).is_err());
    }

    #[test]
    fn a_port_in_use_fails_even_for_optional_addresses() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let error = bind_all(&["-127.0.0.1".into()], port, None, 0).err().unwrap();
        assert_eq!(error.kind(), io::ErrorKind::AddrInUse);
    }

    #[test]
    fn the_unix_socket_gets_its_permissions() {
        let dir = std::env::temp_dir().join(format!("vermilion-listener-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("test.sock");
        std::fs::write(&path, b"stale").unwrap();
        let bound = bind_all(&[], 0, Some(&path), 0o700).unwrap();
        assert!(bound.tcp.is_empty());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        drop(bound);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
