//! The same raw bytes sent to a real `redis-server` and to Vermilion must get the same bytes
//! back. Skipped when `redis-server` is not on PATH.

mod common;

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use common::{RawClient, TestServer, DEADLINE};

/// Sent after each case that leaves the connection open, to know when its replies are complete.
const SENTINEL: &[u8] = b"ECHO end-of-case\r\n";
const SENTINEL_REPLY: &[u8] = b"$11\r\nend-of-case\r\n";

struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    fn start() -> Option<RedisServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .ok()?;
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < DEADLINE, "redis-server did not start listening");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        Some(RedisServer { child, port })
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Everything the server sends back for `input` (followed by the sentinel), until the sentinel's
/// reply or the connection closes.
fn exchange(port: u16, input: &[u8]) -> Vec<u8> {
    let mut client = RawClient::new(TcpStream::connect(("127.0.0.1", port)).unwrap());
    client.send(&[input, SENTINEL].concat());
    client.read_until(SENTINEL_REPLY)
}

/// Everything the server sends back for `input` until it closes the connection.
fn exchange_until_closed(port: u16, input: &[u8]) -> Vec<u8> {
    let mut client = RawClient::new(TcpStream::connect(("127.0.0.1", port)).unwrap());
    client.send(input);
    client.read_until(b"\0never sent\0")
}

const CASES: &[&[u8]] = &[
    b"*1\r\n$4\r\nPING\r\n",
    b"PING\r\nPING\nPING hello\r\n",
    b"\r\n\n   \r\n*0\r\n*-1\r\nPING\r\n",
    b"SET k v\r\nGET k\r\nGET nokey\r\nSET k\r\nGET\r\n",
    b"ECHO \"a b\"\r\nECHO 'it\\'s'\r\nECHO \"\\x41\\n\\t\\z\"\r\nECHO a\"b c\"\r\nECHO \"\"\r\n",
    b"ECHO \"a\"b\r\n",
    b"ECHO 'a\r\n",
    b"ECHO \t\x0bx\r\n",
    b"*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n",
    b"*1\r\n$4\r\r\nPING\r\n",
    b"*\r\n",
    b"*x\r\n",
    b"*01\r\n",
    b"*+1\r\n",
    b"*1\nPING\r\n",
    b"*2147483648\r\n",
    b"*3000000000\r\n",
    b"*1\r\n:4\r\n",
    b"*1\r\n\r\n",
    b"*1\r\n\n\r\n",
    b"*1\r\n$-1\r\n",
    b"*1\r\n$04\r\n",
    b"*1\r\n$ 4\r\n",
    b"*1\r\n$4x\r\n",
    b"*1\r\n$536870913\r\n",
    b"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
    b"NOSUCHCOMMAND a b\r\n",
    b"*1\r\n$4\r\nQUIT\r\nPING\r\n",
    b"PING\r\nQUIT\r\nPING\r\n",
];

#[test]
fn raw_exchanges_match_redis() {
    let Some(redis) = RedisServer::start() else {
        eprintln!("skipping: redis-server is not on PATH");
        return;
    };
    let vermilion = TestServer::start();
    // Lines that grow past 64 KB without ending. (Where a line ends past 64 KB, Redis's answer
    // depends on how its reads split the bytes.)
    for case in [vec![b'x'; 100_000], [&b"*"[..], &[b'1'; 100_000]].concat(), [&b"*1\r\n$"[..], &[b'2'; 100_000]].concat()] {
        let expected = exchange_until_closed(redis.port, &case);
        let got = exchange_until_closed(vermilion.handle.port(), &case);
        assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&expected), "case {:?}", String::from_utf8_lossy(&case[..20]));
    }
    for case in CASES {
        let expected = exchange(redis.port, case);
        let got = exchange(vermilion.handle.port(), case);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
            "case {:?}",
            String::from_utf8_lossy(&case[..case.len().min(60)])
        );
    }
}
