//! Operating a server: SHUTDOWN, SIGTERM, protected mode, CONFIG REWRITE, rename-command, the
//! `enable-protected-configs` gate, `--daemonize` and `pidfile`.

mod common;

use std::net::{IpAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use common::{command, wait_until, RawClient, TestServer};
use vermilion_engine::{Config, ConnectionInfo, Engine, Reply};
use vermilion_server::{serve, ServeOptions};

const BIN: &str = env!("CARGO_BIN_EXE_vermilion-server");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vermilion-ops-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn shutdown_closes_every_connection_without_a_reply_and_stops_the_server() {
    let server = TestServer::start();
    let mut idle = server.connect();
    idle.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let mut operator = server.connect();
    operator.send(&command(&[b"SHUTDOWN", b"NOSAVE"]));
    operator.expect_closed();
    idle.expect_closed();
    wait_until("the server stops", || !server.handle.is_running());
    // The engine itself lives on for its embedded clients.
    let mut embedded = server.engine.connect(ConnectionInfo::embedded("test"));
    assert!(matches!(embedded.execute(&[b"PING"]), Reply::Simple(text) if text == "PONG"));
}

#[test]
fn shutdown_arguments_follow_redis() {
    let server = TestServer::start();
    let mut client = server.connect();
    client.roundtrip(&command(&[b"SHUTDOWN", b"ABORT"]), b"-ERR No shutdown in progress.\r\n");
    client.roundtrip(&command(&[b"SHUTDOWN", b"SAVE", b"NOSAVE"]), b"-ERR syntax error\r\n");
    client.roundtrip(&command(&[b"SHUTDOWN", b"ABORT", b"NOW"]), b"-ERR syntax error\r\n");
    client.roundtrip(&command(&[b"SHUTDOWN", b"SOON"]), b"-ERR syntax error\r\n");
    client.roundtrip(b"PING\r\n", b"+PONG\r\n");
    assert!(server.handle.is_running());
}

#[test]
fn an_embedded_client_cannot_shut_its_host_down() {
    let server = TestServer::start();
    let mut embedded = server.engine.connect(ConnectionInfo::embedded("python"));
    let reply = embedded.execute(&[b"SHUTDOWN"]);
    assert!(matches!(&reply, Reply::Error(text) if text.starts_with("ERR SHUTDOWN is not available")), "{reply:?}");
    assert!(server.handle.is_running());
}

#[test]
fn stopped_resolves_after_shutdown() {
    let server = TestServer::start();
    server.connect().send(&command(&[b"SHUTDOWN"]));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async { tokio::time::timeout(common::DEADLINE, server.handle.stopped()).await }).expect("stopped");
    assert!(server.handle.shutdown_requested());
}

/// An IPv4 address of this machine that is not loopback (the container's eth0, say).
fn non_loopback_address() -> Option<IpAddr> {
    let output = Command::new("hostname").arg("-I").output().ok()?;
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .filter_map(|word| word.parse::<IpAddr>().ok())
        .find(|ip| ip.is_ipv4() && !ip.is_loopback())
}

#[test]
fn protected_mode_refuses_other_machines_until_a_password_is_set() {
    let Some(outside) = non_loopback_address() else {
        eprintln!("skipped: this machine has no non-loopback IPv4 address (hostname -I)");
        return;
    };
    let engine = Engine::open(Config::default()).unwrap();
    let options = ServeOptions { bind: vec!["*".into()], port: 0, unixsocket: None };
    let server = serve(Arc::clone(&engine), options).unwrap();
    let connect_from_outside = || RawClient::new(TcpStream::connect((outside, server.port())).unwrap());

    let mut refused = connect_from_outside();
    refused.send(b"PING\r\n");
    let reply = refused.read_until(b"\r\n");
    let text = String::from_utf8_lossy(&reply);
    assert!(text.starts_with("-DENIED Redis is running in protected mode because protected mode is enabled"), "{text}");
    assert!(text.contains("CONFIG SET protected-mode no") && text.contains("--protected-mode no"), "{text}");
    refused.expect_closed();
    assert!(engine.stats.rejected_connections.load(std::sync::atomic::Ordering::Relaxed) >= 1);

    // Loopback is always welcome.
    let mut local = RawClient::new(TcpStream::connect(("127.0.0.1", server.port())).unwrap());
    local.roundtrip(b"PING\r\n", b"+PONG\r\n");

    // With a password, other machines may connect (and must authenticate).
    local.roundtrip(&command(&[b"CONFIG", b"SET", b"requirepass", b"s3cret"]), b"+OK\r\n");
    let mut outsider = connect_from_outside();
    outsider.roundtrip(b"PING\r\n", b"-NOAUTH Authentication required.\r\n");

    // Without a password again, but with protected mode off: welcome too, once the server has
    // picked the setting up.
    local.roundtrip(&command(&[b"AUTH", b"s3cret"]), b"+OK\r\n");
    local.roundtrip(&command(&[b"CONFIG", b"SET", b"protected-mode", b"no", b"requirepass", b""]), b"+OK\r\n");
    wait_until("protected mode is off", || {
        let mut client = connect_from_outside();
        client.send(b"PING\r\n");
        client.read_until(b"\r\n") == b"+PONG\r\n"
    });
    server.stop();
    engine.shutdown();
}

#[test]
fn protected_configs_need_the_gate() {
    let server = TestServer::start();
    let mut client = server.connect();
    client.roundtrip(
        &command(&[b"CONFIG", b"SET", b"dir", b"/tmp"]),
        b"-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n",
    );
    let mut config = Config::default();
    config.set("enable-protected-configs", "local").unwrap();
    let local_allowed = TestServer::with_config(config);
    local_allowed.connect().roundtrip(&command(&[b"CONFIG", b"SET", b"dir", b"/tmp"]), b"+OK\r\n");
}

/// A `vermilion-server` process on a free port.
struct Process {
    child: Child,
    port: u16,
    data_dir: PathBuf,
}

impl Process {
    fn start(args: &[&str]) -> Process {
        let port = free_port();
        let port_text = port.to_string();
        // A data directory of its own: an engine locks the one it uses.
        let data_dir = scratch_dir(&format!("data-{port}"));
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--port", &port_text, "--bind", "127.0.0.1", "--save", "", "--dir", data_dir.to_str().unwrap()]);
        let child = Command::new(BIN).args(&all).stdout(Stdio::null()).spawn().unwrap();
        wait_until("the server listens", || TcpStream::connect(("127.0.0.1", port)).is_ok());
        Process { child, port, data_dir }
    }

    fn connect(&self) -> RawClient {
        RawClient::new(TcpStream::connect(("127.0.0.1", self.port)).unwrap())
    }

    /// Waits for the process to exit; its exit code.
    fn exit_code(&mut self) -> Option<i32> {
        let mut status = None;
        wait_until("the server exits", || {
            status = self.child.try_wait().unwrap();
            status.is_some()
        });
        status.and_then(|s| s.code())
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

#[test]
fn the_process_exits_zero_on_shutdown_and_removes_its_pidfile() {
    let dir = scratch_dir("shutdown");
    let pidfile = dir.join("server.pid");
    let mut server = Process::start(&["--pidfile", pidfile.to_str().unwrap()]);
    let pid: u32 = std::fs::read_to_string(&pidfile).unwrap().trim().parse().unwrap();
    assert_eq!(pid, server.child.id());
    let mut client = server.connect();
    client.send(&command(&[b"SHUTDOWN"]));
    client.expect_closed();
    assert_eq!(server.exit_code(), Some(0));
    assert!(!pidfile.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_is_a_graceful_shutdown() {
    let dir = scratch_dir("sigterm");
    let pidfile = dir.join("server.pid");
    let mut server = Process::start(&["--pidfile", pidfile.to_str().unwrap()]);
    let mut client = server.connect();
    client.roundtrip(b"PING\r\n", b"+PONG\r\n");
    // SAFETY: signalling a child process this test started.
    unsafe { libc::kill(server.child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(server.exit_code(), Some(0));
    client.expect_closed();
    assert!(!pidfile.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn daemonize_detaches_and_writes_the_pidfile() {
    let dir = scratch_dir("daemonize");
    let pidfile = dir.join("daemon.pid");
    let port = free_port();
    let status = Command::new(BIN)
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--daemonize", "yes", "--dir", dir.to_str().unwrap()])
        .args(["--pidfile", pidfile.to_str().unwrap(), "--logfile", dir.join("log").to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    wait_until("the daemon listens", || TcpStream::connect(("127.0.0.1", port)).is_ok());
    wait_until("the pidfile is written", || std::fs::read_to_string(&pidfile).is_ok_and(|t| t.ends_with('\n')));
    let pid: libc::pid_t = std::fs::read_to_string(&pidfile).unwrap().trim().parse().unwrap();
    let mut client = RawClient::new(TcpStream::connect(("127.0.0.1", port)).unwrap());
    client.send(&command(&[b"SHUTDOWN", b"NOSAVE"]));
    client.expect_closed();
    // SAFETY: signal 0 only checks that the process exists.
    wait_until("the daemon exits", || unsafe { libc::kill(pid, 0) } != 0);
    wait_until("the pidfile is removed", || !pidfile.exists());
    let log = std::fs::read_to_string(dir.join("log")).unwrap();
    assert!(log.contains("ready to exit, bye bye"), "{log}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn config_rewrite_keeps_the_file_and_updates_it() {
    let dir = scratch_dir("rewrite");
    let path = dir.join("server.conf");
    let original = "# Vermilion test configuration\n\n# Memory\nmaxmemory 100mb\n\nrename-command FLUSHALL \"\"\n";
    std::fs::write(&path, original).unwrap();
    let server = Process::start(&[path.to_str().unwrap()]);
    let mut client = server.connect();
    client.roundtrip(&command(&[b"CONFIG", b"SET", b"maxmemory", b"200mb", b"maxmemory-policy", b"allkeys-lru"]), b"+OK\r\n");
    client.roundtrip(&command(&[b"CONFIG", b"REWRITE"]), b"+OK\r\n");
    let rewritten = std::fs::read_to_string(&path).unwrap();
    assert!(
        rewritten.starts_with("# Vermilion test configuration\n\n# Memory\nmaxmemory 209715200\n\nrename-command FLUSHALL \"\"\n# Generated by CONFIG REWRITE\n"),
        "{rewritten}"
    );
    assert!(rewritten.contains("\nmaxmemory-policy allkeys-lru\n"), "{rewritten}");
    // The flags the server was started with are written too, since they differ from the defaults.
    assert!(rewritten.contains(&format!("\nport {}\n", server.port)), "{rewritten}");
    // The renamed-away command stays away.
    client.roundtrip(&command(&[b"FLUSHALL"]), b"-ERR unknown command 'FLUSHALL', with args beginning with: \r\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn config_rewrite_without_a_file_is_an_error() {
    let server = TestServer::start();
    server.connect().roundtrip(&command(&[b"CONFIG", b"REWRITE"]), b"-ERR The server is running without a config file\r\n");
}

#[test]
fn rename_command_gives_a_command_a_new_name() {
    let dir = scratch_dir("rename");
    let path = dir.join("server.conf");
    std::fs::write(&path, "rename-command CONFIG SECRETCONFIG\n").unwrap();
    let server = Process::start(&[path.to_str().unwrap()]);
    let mut client = server.connect();
    client.roundtrip(&command(&[b"CONFIG", b"GET", b"port"]), b"-ERR unknown command 'CONFIG', with args beginning with: 'GET' 'port' \r\n");
    let port = server.port.to_string();
    let expected = format!("*2\r\n$4\r\nport\r\n${}\r\n{port}\r\n", port.len());
    client.roundtrip(&command(&[b"secretconfig", b"GET", b"port"]), expected.as_bytes());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_rename_command_is_a_fatal_config_error() {
    let output = Command::new(BIN).args(["--rename-command", "nosuchcommand", "x"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("No such command in rename-command"));
}

#[test]
fn version_looks_like_redis_servers() {
    let output = Command::new(BIN).arg("--version").output().unwrap();
    let line = String::from_utf8_lossy(&output.stdout);
    assert!(line.starts_with("Vermilion server v=") && line.contains(" bits=") && line.contains("redis_version="), "{line}");
}
