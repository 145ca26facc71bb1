//! Serving on a unix socket, alone or beside TCP.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::Arc;

use common::RawClient;
use vermilion_engine::{Config, Engine};
use vermilion_server::{serve, ServeOptions};

fn socket_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vermilion-server-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn a_unix_socket_serves_like_tcp() {
    let path = socket_path("only.sock");
    let mut config = Config::default();
    config.set("unixsocketperm", "700").unwrap();
    let engine = Engine::open(config).unwrap();
    let options = ServeOptions { bind: Vec::new(), port: 0, unixsocket: Some(path.clone()) };
    let server = serve(Arc::clone(&engine), options).unwrap();
    assert_eq!(server.port(), 0, "no TCP without bind addresses");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o700);

    let mut client = RawClient::new(UnixStream::connect(&path).unwrap());
    client.roundtrip(b"PING\r\nSET k v\r\nGET k\r\n", b"+PONG\r\n+OK\r\n$1\r\nv\r\n");
    client.send(b"*1\r\n$x\r\n");
    client.expect(b"-ERR Protocol error: invalid bulk length\r\n");
    client.expect_closed();

    server.stop();
    assert!(!path.exists(), "the socket file is removed on stop");
    engine.shutdown();
}

#[test]
fn tcp_and_unix_share_one_engine() {
    let path = socket_path("both.sock");
    let engine = Engine::open(Config::default()).unwrap();
    let options = ServeOptions { bind: vec!["127.0.0.1".into()], port: 0, unixsocket: Some(path.clone()) };
    let server = serve(Arc::clone(&engine), options).unwrap();
    let mut tcp = RawClient::new(std::net::TcpStream::connect(("127.0.0.1", server.port())).unwrap());
    let mut unix = RawClient::new(UnixStream::connect(&path).unwrap());
    tcp.roundtrip(b"SET shared yes\r\n", b"+OK\r\n");
    unix.roundtrip(b"GET shared\r\n", b"$3\r\nyes\r\n");
    drop(server);
    engine.shutdown();
}
