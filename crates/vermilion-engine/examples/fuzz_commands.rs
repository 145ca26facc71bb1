//! Feeds random commands to an engine for a while and reports what happened: a fuzzer for
//! command argument parsing. Every command the engine lists (subcommands too) is called with
//! random arguments drawn from numbers at their limits, option keywords, existing keys of every
//! type and random bytes. A panic is a bug: its command is printed and the run fails.
//!
//!     cargo run --release -p vermilion-engine --example fuzz_commands -- [seconds] [seed]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use vermilion_engine::{Config, ConnectionInfo, Engine, Outcome, Reply};

/// Commands left out: they stop the engine, write files, sleep, or change settings that would
/// make every later command fail the same way.
const SKIPPED: &[&str] = &[
    "shutdown", "debug", "save", "bgsave", "bgrewriteaof", "acl|save", "acl|load", "config|rewrite", "config|set",
    "monitor", "client|kill", "client|pause", "function|restore", "quit", "reset", "hello", "auth",
];

const WORDS: &[&str] = &[
    "0", "1", "-1", "2", "10", "100", "-100", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
    "1.5", "-0.5", "inf", "-inf", "+inf", "nan", "1e308", "0x10", "", " ", "*", "?", "[a-", "\\", "$", ">", "+", "-",
    "(1", "[a", "(a", "~", "=", "0-0", "0-1", "1-*", "NX", "XX", "GT", "LT", "CH", "INCR", "EX", "PX", "EXAT",
    "PXAT", "KEEPTTL", "GET", "LIMIT", "WITHSCORES", "WITHSCORE", "BYSCORE", "BYLEX", "REV", "COUNT", "MATCH",
    "TYPE", "BY", "STORE", "ALPHA", "ASC", "DESC", "BLOCK", "STREAMS", "MAXLEN", "MINID", "NOMKSTREAM", "FIELDS",
    "LEFT", "RIGHT", "BEFORE", "AFTER", "RANK", "MAXLEN", "IDLE", "JUSTID", "FORCE", "NOACK", "GROUP", "MKSTREAM",
    "ENTRIESREAD", "FULL", "AGGREGATE", "SUM", "MIN", "MAX", "WEIGHTS", "FROMMEMBER", "FROMLONLAT", "BYRADIUS",
    "BYBOX", "m", "km", "WITHCOORD", "WITHDIST", "WITHHASH", "ANY", "OVERFLOW", "WRAP", "SAT", "FAIL", "u8", "i64",
    "#0", "BIT", "BYTE", "AND", "OR", "XOR", "NOT", "SCHEDULE", "ABSTTL", "REPLACE", "IDLETIME", "FREQ", "DB",
    "SAMPLES", "ON", "OFF", "SKIP", "YES", "NO", "return 1", "return redis.call('get', KEYS[1])",
    "#!lua name=lib\nredis.register_function('f', function() return 1 end)",
];

const KEYS: &[&str] = &["str", "list", "hash", "set", "zset", "stream", "missing", "hll", "geo", "{k}a", "{k}b"];

fn seed_keys(client: &mut vermilion_engine::Client) {
    for line in [
        "SET str 12", "RPUSH list a b c 1 2", "HSET hash f v n 5", "SADD set a b 1 2", "ZADD zset 1 a 2 b 3 c",
        "XADD stream 1-1 f v", "PFADD hll a b c", "GEOADD geo 13.36 38.11 palermo 15.08 37.50 catania",
    ] {
        let argv: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        client.execute(&argv);
    }
}

fn random_arg(rng: &mut SmallRng) -> Vec<u8> {
    match rng.random_range(0..10) {
        0..=4 => WORDS[rng.random_range(0..WORDS.len())].as_bytes().to_vec(),
        5..=7 => KEYS[rng.random_range(0..KEYS.len())].as_bytes().to_vec(),
        8 => rng.random_range(-1_000_000i64..1_000_000).to_string().into_bytes(),
        _ => (0..rng.random_range(0..24)).map(|_| rng.random()).collect(),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(30);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut rng = SmallRng::seed_from_u64(seed);
    let engine = Engine::open(Config::default()).expect("engine opens");
    let mut client = engine.connect(ConnectionInfo::embedded("fuzz"));
    let Reply::Array(names) = client.execute(&[b"COMMAND", b"LIST"]) else { panic!("COMMAND LIST replies an array") };
    let mut commands: Vec<Vec<Vec<u8>>> = Vec::new();
    for name in names {
        let Reply::Bulk(name) = name else { continue };
        let text = String::from_utf8_lossy(&name).into_owned();
        if SKIPPED.contains(&text.as_str()) {
            continue;
        }
        commands.push(text.split('|').map(|w| w.as_bytes().to_vec()).collect());
    }
    // Subcommands are listed by COMMAND INFO of their container; add the common ones.
    for container in ["client", "config", "object", "xinfo", "xgroup", "script", "function", "memory", "acl", "pubsub",
        "command", "slowlog", "latency", "cluster"] {
        if let Reply::Array(info) = client.execute(&[b"COMMAND", b"INFO", container.as_bytes()]) {
            if let Some(Reply::Array(entry)) = info.first() {
                if let Some(Reply::Array(subs)) = entry.get(9) {
                    for sub in subs {
                        if let Reply::Array(fields) = sub {
                            if let Some(Reply::Bulk(full)) = fields.first() {
                                let text = String::from_utf8_lossy(full).into_owned();
                                if !SKIPPED.contains(&text.as_str()) {
                                    commands.push(text.split('|').map(|w| w.as_bytes().to_vec()).collect());
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let (mut runs, mut errors, mut blocked) = (0u64, 0u64, 0u64);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        if runs % 500 == 0 {
            client.execute(&[b"FLUSHALL"]);
            seed_keys(&mut client);
        }
        let mut argv = commands[rng.random_range(0..commands.len())].clone();
        for _ in 0..rng.random_range(0..8) {
            argv.push(random_arg(&mut rng));
        }
        let words: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
        let outcome = catch_unwind(AssertUnwindSafe(|| client.start(&words)));
        match outcome {
            Ok(Outcome::Reply(reply)) => errors += u64::from(reply.is_error()),
            Ok(Outcome::Blocked(waiter)) => {
                blocked += 1;
                waiter.cancel();
            }
            Err(_) => {
                let shown: Vec<String> = argv.iter().map(|a| format!("{:?}", String::from_utf8_lossy(a))).collect();
                eprintln!("PANIC after {runs} commands (seed {seed}): {}", shown.join(" "));
                std::process::exit(1);
            }
        }
        // A command may have left the session in a mode that refuses the rest (MULTI, subscribe).
        if client.should_close() || client.is_subscribed() {
            client = engine.connect(ConnectionInfo::embedded("fuzz"));
        } else if runs % 50 == 0 {
            client.execute(&[b"DISCARD"]);
        }
        runs += 1;
    }
    println!(
        "{runs} commands in {seconds} s over {} command names: {errors} error replies, {blocked} parked and cancelled, no panic",
        commands.len()
    );
}
