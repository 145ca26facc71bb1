//! Nanoseconds per EVALSHA and FCALL through `Client::execute`, next to the plain commands the
//! scripts run: the difference is the per-call cost of the Lua bridge (KEYS/ARGV, the script
//! client, the watchdog, the error handler, reply conversion).
//! Run with `cargo bench -p vermilion-engine --bench scripting [-- <label substring>]`.

mod support;

use support::measure;
use vermilion_engine::{Client, Config, ConnectionInfo, Engine, Reply};

/// Loads `body` with SCRIPT LOAD and returns its SHA1.
fn load(client: &mut Client, body: &str) -> Vec<u8> {
    match client.execute(&[b"SCRIPT", b"LOAD", body.as_bytes()]) {
        Reply::Bulk(sha) => sha.to_vec(),
        other => panic!("SCRIPT LOAD failed: {other:?}"),
    }
}

fn main() {
    let engine = Engine::open(Config::default()).expect("engine opens");
    let mut client = engine.connect(ConnectionInfo::embedded("bench"));
    // Fewer for an instruction count under valgrind: `ITERATIONS=2000 valgrind --tool=callgrind ...`.
    let n: u32 = std::env::var("ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    client.execute(&[b"SET", b"key", b"value"]);

    measure("GET key", n, |_| {
        client.execute(&[b"GET", b"key"]);
    });
    measure("INCR counter", n, |_| {
        client.execute(&[b"INCR", b"counter"]);
    });

    let nothing = load(&mut client, "return 1");
    measure("EVALSHA 'return 1' 0", n, |_| {
        client.execute(&[b"EVALSHA", &nothing, b"0"]);
    });
    let get = load(&mut client, "return redis.call('GET', KEYS[1])");
    measure("EVALSHA GET 1 key", n, |_| {
        client.execute(&[b"EVALSHA", &get, b"1", b"key"]);
    });
    let incr = load(&mut client, "return redis.call('INCR', KEYS[1])");
    measure("EVALSHA INCR 1 counter", n, |_| {
        client.execute(&[b"EVALSHA", &incr, b"1", b"counter"]);
    });
    let incrby = load(&mut client, "return redis.call('INCRBY', KEYS[1], ARGV[1])");
    measure("EVALSHA INCRBY 1 counter 3", n, |_| {
        client.execute(&[b"EVALSHA", &incrby, b"1", b"counter", b"3"]);
    });
    measure("EVAL INCR 1 counter (cached body)", n, |_| {
        client.execute(&[b"EVAL", b"return redis.call('INCR', KEYS[1])", b"1", b"counter"]);
    });

    let library = "#!lua name=bench\n\
        redis.register_function('get', function(keys) return redis.call('GET', keys[1]) end)\n\
        redis.register_function('incr', function(keys) return redis.call('INCR', keys[1]) end)";
    let loaded = client.execute(&[b"FUNCTION", b"LOAD", library.as_bytes()]);
    assert!(!loaded.is_error(), "FUNCTION LOAD failed: {loaded:?}");
    measure("FCALL get 1 key", n, |_| {
        client.execute(&[b"FCALL", b"get", b"1", b"key"]);
    });
    measure("FCALL incr 1 counter", n, |_| {
        client.execute(&[b"FCALL", b"incr", b"1", b"counter"]);
    });
    engine.shutdown();
}
