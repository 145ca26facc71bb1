//! Blocking commands over the network: the connection task waits, no thread does.

mod common;

use std::time::{Duration, Instant};

use common::{wait_until, TestServer};

/// Skips the test (returns true) when the engine does not know blocking list commands yet.
fn lacks_blocking_commands(server: &TestServer) -> bool {
    let mut probe = server.connect();
    probe.send(b"BLPOP probe 0.01\r\n");
    let reply = probe.read_until(b"\r\n");
    if reply.starts_with(b"-ERR unknown command") {
        eprintln!("skipping: the engine has no BLPOP yet");
        return true;
    }
    false
}

#[test]
fn blpop_times_out_with_a_null_array() {
    let server = TestServer::start();
    if lacks_blocking_commands(&server) {
        return;
    }
    let mut client = server.connect();
    let started = Instant::now();
    client.roundtrip(b"BLPOP empty 0.2\r\n", b"*-1\r\n");
    assert!(started.elapsed() >= Duration::from_millis(150), "answered after {:?}", started.elapsed());
}

#[test]
fn blpop_is_served_by_a_push_from_another_client_and_later_requests_wait() {
    let server = TestServer::start();
    if lacks_blocking_commands(&server) {
        return;
    }
    let mut waiter = server.connect();
    waiter.send(b"PING\r\nBLPOP queue 0\r\nPING\r\n");
    // Replies due before the blocked command are not held back.
    waiter.expect(b"+PONG\r\n");
    let mut pusher = server.connect();
    pusher.roundtrip(b"LPUSH queue job\r\n", b":1\r\n");
    waiter.expect(b"*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n+PONG\r\n");
}

#[test]
fn more_blocked_clients_than_threads_do_not_stall_the_server() {
    let server = TestServer::start();
    if lacks_blocking_commands(&server) {
        return;
    }
    let mut blocked: Vec<_> = (0..16).map(|_| server.connect()).collect();
    for client in &mut blocked {
        client.send(b"BLPOP jobs 0\r\n");
    }
    let mut other = server.connect();
    other.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let mut pusher = server.connect();
    let pushes: Vec<u8> = (0..16).flat_map(|i| format!("RPUSH jobs j{i:02}\r\n").into_bytes()).collect();
    pusher.send(&pushes);
    for client in &mut blocked {
        let reply = client.read_until(b"\r\nj");
        assert!(reply.starts_with(b"*2\r\n$4\r\njobs\r\n$3\r\nj"), "{}", String::from_utf8_lossy(&reply));
    }
}

#[test]
fn a_blocked_client_that_disconnects_takes_nothing() {
    let server = TestServer::start();
    if lacks_blocking_commands(&server) {
        return;
    }
    let mut gone = server.connect();
    gone.send(b"BLPOP mailbox 0\r\n");
    let mut other = server.connect();
    other.roundtrip(b"PING\r\n", b"+PONG\r\n");
    wait_until("both clients are connected", || server.engine.connected_clients() == 2);
    drop(gone);
    wait_until("the blocked client is gone", || server.engine.connected_clients() == 1);
    other.roundtrip(b"LPUSH mailbox letter\r\nLLEN mailbox\r\n", b":1\r\n:1\r\n");
}

#[test]
fn client_kill_ends_a_blocked_client() {
    let server = TestServer::start();
    if lacks_blocking_commands(&server) {
        return;
    }
    let mut victim = server.connect();
    victim.send(b"CLIENT ID\r\n");
    let reply = victim.read_until(b"\r\n");
    let id = String::from_utf8_lossy(&reply[1..reply.len() - 2]).to_string();
    victim.send(b"BLPOP never 0\r\n");
    let mut killer = server.connect();
    killer.roundtrip(format!("CLIENT KILL ID {id}\r\n").as_bytes(), b":1\r\n");
    victim.expect_closed();
    wait_until("the killed client is gone", || server.engine.connected_clients() == 1);
    killer.roundtrip(b"RPUSH never x\r\nLLEN never\r\n", b":1\r\n:1\r\n");
}
