//! Helpers for the integration tests: a server on an ephemeral port and a raw-bytes client.

#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use vermilion_engine::{Config, Engine};
use vermilion_server::{serve, ServeOptions, ServerHandle};

/// How long any single expectation may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(10);

pub struct TestServer {
    pub engine: Arc<Engine>,
    pub handle: ServerHandle,
}

impl TestServer {
    pub fn start() -> Self {
        Self::with_config(Config::default())
    }

    pub fn with_config(config: Config) -> Self {
        let engine = Engine::open(config).expect("engine opens");
        let options = ServeOptions { bind: vec!["127.0.0.1".into()], port: 0, unixsocket: None };
        let handle = serve(Arc::clone(&engine), options).expect("server listens");
        TestServer { engine, handle }
    }

    pub fn connect(&self) -> RawClient {
        RawClient::new(TcpStream::connect(("127.0.0.1", self.handle.port())).expect("connects"))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.handle.stop();
        self.engine.shutdown();
    }
}

/// Speaks raw bytes; every read gives up after [`DEADLINE`].
pub struct RawClient<S = TcpStream> {
    pub stream: S,
}

pub trait Timeouts {
    fn set_deadline(&self, timeout: Duration);
}

impl Timeouts for TcpStream {
    fn set_deadline(&self, timeout: Duration) {
        self.set_read_timeout(Some(timeout)).unwrap();
    }
}

impl Timeouts for std::os::unix::net::UnixStream {
    fn set_deadline(&self, timeout: Duration) {
        self.set_read_timeout(Some(timeout)).unwrap();
    }
}

impl<S: Read + Write + Timeouts> RawClient<S> {
    pub fn new(stream: S) -> Self {
        stream.set_deadline(DEADLINE);
        RawClient { stream }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("send");
    }

    /// Reads exactly `expected.len()` bytes and checks they are `expected`.
    pub fn expect(&mut self, expected: &[u8]) {
        let mut got = vec![0; expected.len()];
        if let Err(e) = self.stream.read_exact(&mut got) {
            panic!("waiting for {:?}: {e}", String::from_utf8_lossy(expected));
        }
        assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(expected));
    }

    /// Sends `request` and checks the reply.
    pub fn roundtrip(&mut self, request: &[u8], reply: &[u8]) {
        self.send(request);
        self.expect(reply);
    }

    /// Checks that the server closes the connection without sending anything more.
    pub fn expect_closed(&mut self) {
        let mut byte = [0u8; 1];
        match self.stream.read(&mut byte) {
            Ok(0) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Ok(_) => panic!("expected the connection to close, got {:?}", byte[0] as char),
            Err(e) => panic!("expected the connection to close: {e}"),
        }
    }

    /// Reads until the stream has given `needle` (or closes), returning everything read.
    pub fn read_until(&mut self, needle: &[u8]) -> Vec<u8> {
        let started = Instant::now();
        let mut got = Vec::new();
        let mut chunk = [0u8; 4096];
        while !got.windows(needle.len()).any(|w| w == needle) {
            assert!(started.elapsed() < DEADLINE, "waited too long for {:?}", String::from_utf8_lossy(needle));
            match self.stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
                Err(e) => panic!("reading: {e}"),
            }
        }
        got
    }
}

/// A multibulk request from its arguments.
pub fn command(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Polls `condition` until it holds, failing after [`DEADLINE`].
pub fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < DEADLINE, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}
