//! The wire protocol end to end: raw RESP bytes over TCP against a server started with `serve`.

mod common;

use common::{command, wait_until, TestServer};

#[global_allocator]
static ALLOC: vermilion_engine::alloc::Counting = vermilion_engine::alloc::Counting;

#[test]
fn multibulk_and_inline_commands() {
    let server = TestServer::start();
    let mut client = server.connect();
    client.roundtrip(b"*1\r\n$4\r\nPING\r\n", b"+PONG\r\n");
    client.roundtrip(b"PING\r\n", b"+PONG\r\n");
    client.roundtrip(b"PING\n", b"+PONG\r\n");
    client.roundtrip(b"SET greeting \"hello world\"\r\n", b"+OK\r\n");
    client.roundtrip(b"GET greeting\r\n", b"$11\r\nhello world\r\n");
    client.roundtrip(b"ECHO \"\\x41\\tB\" 'it\\'s'\r\n", b"-ERR wrong number of arguments for 'echo' command\r\n");
    client.roundtrip(b"ECHO 'it\\'s'\r\n", b"$4\r\nit's\r\n");
    client.roundtrip(b"\r\n\r\n   \r\n*0\r\nPING\r\n", b"+PONG\r\n");
}

#[test]
fn binary_safe_arguments() {
    let server = TestServer::start();
    let mut client = server.connect();
    let value: Vec<u8> = (0..=255u8).collect();
    client.roundtrip(&command(&[b"SET", b"bin\r\n\0", &value]), b"+OK\r\n");
    let mut expected = b"$256\r\n".to_vec();
    expected.extend_from_slice(&value);
    expected.extend_from_slice(b"\r\n");
    client.roundtrip(&command(&[b"GET", b"bin\r\n\0"]), &expected);
}

#[test]
fn pipelined_commands_reply_in_order() {
    let server = TestServer::start();
    let mut client = server.connect();
    let mut requests = Vec::new();
    let mut replies = Vec::new();
    for i in 0..2000 {
        let key = format!("key:{i}");
        let value = format!("value-{i}");
        requests.extend(command(&[b"SET", key.as_bytes(), value.as_bytes()]));
        requests.extend(format!("GET {key}\r\n").into_bytes());
        replies.extend_from_slice(b"+OK\r\n");
        replies.extend(format!("${}\r\n{value}\r\n", value.len()).into_bytes());
    }
    client.send(&requests);
    client.expect(&replies);
}

#[test]
fn requests_may_arrive_a_byte_at_a_time() {
    let server = TestServer::start();
    let mut client = server.connect();
    let request = [command(&[b"SET", b"k", b"slow"]), b"GET k\r\n".to_vec()].concat();
    for byte in &request {
        client.send(&[*byte]);
    }
    client.expect(b"+OK\r\n$4\r\nslow\r\n");
}

#[test]
fn protocol_errors_reply_then_close_only_that_connection() {
    let server = TestServer::start();
    let mut bystander = server.connect();
    bystander.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let cases: &[(&[u8], &[u8])] = &[
        (b"*x\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*2147483648\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*1\r\n$-1\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*1\r\n$536870913\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*1\r\n:1\r\n", b"-ERR Protocol error: expected '$', got ':'\r\n"),
        (b"PING \"unterminated\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
        (&[b'x'; 70_000], b"-ERR Protocol error: too big inline request\r\n"),
        // Replies to the commands before the bad one still arrive, in order.
        (b"PING\r\nECHO a\r\n*1\r\n$x\r\n", b"+PONG\r\n$1\r\na\r\n-ERR Protocol error: invalid bulk length\r\n"),
    ];
    for (input, reply) in cases {
        let mut client = server.connect();
        client.send(input);
        client.expect(reply);
        client.expect_closed();
        bystander.roundtrip(b"PING\r\n", b"+PONG\r\n");
    }
}

#[test]
fn oversized_header_lines_are_refused() {
    let server = TestServer::start();
    for (prefix, reply) in [
        (&b"*"[..], &b"-ERR Protocol error: too big mbulk count string\r\n"[..]),
        (b"*1\r\n$", b"-ERR Protocol error: too big bulk count string\r\n"),
    ] {
        let mut client = server.connect();
        client.send(&[prefix, &vec![b'1'; 70_000][..]].concat());
        client.expect(reply);
        client.expect_closed();
    }
}

#[test]
fn an_announced_huge_bulk_costs_nothing_until_it_arrives() {
    let server = TestServer::start();
    let before = vermilion_engine::alloc::allocated_bytes().unwrap_or(0);
    let mut greedy = Vec::new();
    for _ in 0..4 {
        let mut client = server.connect();
        client.send(b"*2\r\n$3\r\nGET\r\n$500000000\r\nabc");
        greedy.push(client);
    }
    let mut other = server.connect();
    other.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let after = vermilion_engine::alloc::allocated_bytes().unwrap_or(0);
    // Four clients announcing 500 MB each; allow for what other tests allocate meanwhile.
    assert!(after.saturating_sub(before) < 64 * 1024 * 1024, "grew by {} bytes", after - before);
}

#[test]
fn quit_replies_then_closes_and_runs_nothing_after_it() {
    let server = TestServer::start();
    let mut client = server.connect();
    client.send(b"SET before 1\r\nQUIT\r\nSET after 1\r\n");
    client.expect(b"+OK\r\n+OK\r\n");
    client.expect_closed();
    let mut other = server.connect();
    other.roundtrip(b"GET before\r\nGET after\r\n", b"$1\r\n1\r\n$-1\r\n");
}

#[test]
fn hello_3_switches_the_encoding() {
    let server = TestServer::start();
    let mut client = server.connect();
    client.roundtrip(b"GET missing\r\n", b"$-1\r\n");
    client.send(b"HELLO 3\r\n");
    let hello = client.read_until(b"modules\r\n*0\r\n");
    assert!(hello.starts_with(b"%7\r\n"), "{}", String::from_utf8_lossy(&hello));
    client.roundtrip(b"GET missing\r\n", b"_\r\n");
    client.send(b"HELLO 2\r\n");
    let hello = client.read_until(b"modules\r\n*0\r\n");
    assert!(hello.starts_with(b"*14\r\n"), "{}", String::from_utf8_lossy(&hello));
    client.roundtrip(b"GET missing\r\n", b"$-1\r\n");
}

#[test]
fn maxclients_turns_extra_connections_away() {
    let mut config = vermilion_engine::Config::default();
    config.set("maxclients", "2").unwrap();
    let server = TestServer::with_config(config);
    let mut first = server.connect();
    let mut second = server.connect();
    first.roundtrip(b"PING\r\n", b"+PONG\r\n");
    second.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let mut third = server.connect();
    third.expect(b"-ERR max number of clients reached\r\n");
    third.expect_closed();
    drop(first);
    wait_until("the first client is gone", || server.engine.connected_clients() < 2);
    let mut fourth = server.connect();
    fourth.roundtrip(b"PING\r\n", b"+PONG\r\n");
}

#[test]
fn closed_connections_leave_the_engine() {
    let server = TestServer::start();
    let clients: Vec<_> = (0..20).map(|_| server.connect()).collect();
    wait_until("20 clients are connected", || server.engine.connected_clients() == 20);
    drop(clients);
    wait_until("every client is gone", || server.engine.connected_clients() == 0);
}

#[test]
fn stopping_the_server_closes_connections_and_frees_the_port() {
    let server = TestServer::start();
    let mut client = server.connect();
    client.roundtrip(b"PING\r\n", b"+PONG\r\n");
    let port = server.handle.port();
    server.handle.stop();
    client.expect_closed();
    assert!(!server.handle.is_running());
    wait_until("the engine has no clients", || server.engine.connected_clients() == 0);
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("the port is free again");
}

#[test]
fn client_kill_closes_an_idle_connection() {
    let server = TestServer::start();
    let mut victim = server.connect();
    victim.send(b"CLIENT ID\r\n");
    let reply = victim.read_until(b"\r\n");
    if reply.starts_with(b"-ERR unknown command") {
        eprintln!("skipping: the engine has no CLIENT command yet");
        return;
    }
    let id = String::from_utf8_lossy(&reply[1..reply.len() - 2]).to_string();
    let mut killer = server.connect();
    killer.roundtrip(format!("CLIENT KILL ID {id}\r\n").as_bytes(), b":1\r\n");
    victim.expect_closed();
}

#[test]
fn idle_clients_are_closed_after_timeout() {
    let mut config = vermilion_engine::Config::default();
    config.set("timeout", "1").unwrap();
    let server = TestServer::with_config(config);
    let mut idle = server.connect();
    idle.roundtrip(b"PING\r\n", b"+PONG\r\n");
    // Nothing is sent: the server closes the connection about a second later, without a reply.
    idle.expect_closed();
}

#[test]
fn a_client_over_the_query_buffer_limit_is_closed() {
    let mut config = vermilion_engine::Config::default();
    config.set("client-query-buffer-limit", "1mb").unwrap();
    let server = TestServer::with_config(config);
    let mut greedy = server.connect();
    // One request that never completes: a million arguments, two megabytes of them sent.
    greedy.send(b"*1000000\r\n");
    let arg = b"$10\r\n0123456789\r\n";
    let chunk: Vec<u8> = arg.iter().copied().cycle().take(arg.len() * 1000).collect();
    for _ in 0..120 {
        if std::io::Write::write_all(&mut greedy.stream, &chunk).is_err() {
            break;
        }
    }
    greedy.expect_closed();
    let mut other = server.connect();
    other.roundtrip(b"PING\r\n", b"+PONG\r\n");
}

#[test]
fn thousands_of_concurrent_connections() {
    let server = TestServer::start();
    let mut clients: Vec<_> = (0..2000).map(|_| server.connect()).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        client.send(format!("SET conn:{i} {i}\r\n").as_bytes());
    }
    for client in &mut clients {
        client.expect(b"+OK\r\n");
    }
    wait_until("2000 clients are connected", || server.engine.connected_clients() == 2000);
    let mut last = clients.pop().unwrap();
    last.roundtrip(b"GET conn:0\r\nGET conn:1999\r\n", b"$1\r\n0\r\n$4\r\n1999\r\n");
}

#[test]
fn tighter_limits_apply_until_the_client_authenticates() {
    let config = vermilion_engine::Config { requirepass: "secret".into(), ..Default::default() };
    let server = TestServer::with_config(config);
    let mut client = server.connect();
    client.send(b"*11\r\n");
    client.expect(b"-ERR Protocol error: unauthenticated multibulk length\r\n");
    client.expect_closed();
    let mut client = server.connect();
    client.send(b"*2\r\n$20000\r\n");
    client.expect(b"-ERR Protocol error: unauthenticated bulk length\r\n");
    client.expect_closed();
    // An AUTH earlier in the same batch lifts the limits for what follows it.
    let mut client = server.connect();
    let mut batch = command(&[b"AUTH", b"secret"]);
    let eleven: Vec<&[u8]> = std::iter::once(&b"DEL"[..]).chain(std::iter::repeat_n(&b"k"[..], 10)).collect();
    batch.extend(command(&eleven));
    client.send(&batch);
    client.expect(b"+OK\r\n:0\r\n");
}
