//! `maxmemory` under a write flood, for each of the eight policies: several threads write strings
//! of 16 B to 16 KiB, grow hashes, lists and sorted sets, set TTLs, run small transactions and
//! scripts, and after every command the memory in use (the counting allocator's figure, which
//! `used_memory` reports) stays within `maxmemory` plus [`MARGIN`]. Where nothing is evictable,
//! writes get the exact OOM error while reads and deletes keep working.
//!
//! Memory use is process-wide: the tests take turns, and the policies run one after another.

mod common;

use std::sync::{Arc, Barrier, Mutex};

use common::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use vermilion_engine::alloc::allocated_bytes;
use vermilion_engine::{Client, Clock, Config, ConnectionInfo, Engine, Reply};

#[global_allocator]
static ALLOC: vermilion_engine::alloc::Counting = vermilion_engine::alloc::Counting;

const POLICIES: [&str; 8] = [
    "noeviction",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
];

/// Memory granted above what the engine holds when the flood starts.
const HEADROOM: u64 = 8 * 1024 * 1024;
/// Writers at once, each a client of its own (half on database 0, half on database 1).
const THREADS: usize = 4;
const COMMANDS_PER_THREAD: usize = 4_000;
const SMALLEST_VALUE: usize = 16;
const LARGEST_VALUE: usize = 16 * 1024;
/// Hashes, lists and sorted sets per writer, growing by one element per command.
const COLLECTIONS_PER_THREAD: usize = 16;

/// What one command may add once it has passed the memory gate. The gate evicts down to the
/// limit before every command (as Redis's `performEvictions` does), and refuses commands that may
/// grow memory when nothing is left to evict, so memory goes over the limit only by what the
/// command under way then allocates:
/// - the largest value it stores, or copies into a reply: 16 KiB (a transaction or a script here
///   writes no more in all), plus 1 KiB for the key's entry, the reply and the like;
/// - and at most one of: a hash table doubling (the keyspace's or a collection's, whose old and new
///   bucket arrays live side by side while it rehashes: with the few thousand keys 8 MiB holds, a
///   new array of up to 8192 buckets, 64 KiB), or the garbage the script interpreter keeps until
///   its next collection (Lua collects when its heap has doubled; the live heap is tens of KiB).
const PER_COMMAND: u64 = (LARGEST_VALUE + 1024 + 64 * 1024) as u64;

/// How far above `maxmemory` memory may be seen: every writer may be between its gate and the end
/// of its command at once (the gate and the command take the keyspace lock in turn). Measured on
/// 2 cores: 25-30 KiB with one writer, up to about 100 KiB with four.
const MARGIN: u64 = THREADS as u64 * PER_COMMAND;

const OOM: &str = "OOM command not allowed when used memory > 'maxmemory'.";

/// Memory use is process-wide: one test measures at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

#[test]
fn memory_stays_under_maxmemory_plus_a_margin_under_a_write_flood_with_every_policy() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for policy in POLICIES {
        let (engine, mut admin) = engine_with(policy);
        let limit = allocated() + HEADROOM;
        assert_eq!(run(&mut admin, &format!("CONFIG SET maxmemory {limit}")), ok());

        let floods = flood(&engine);
        let peak = floods.iter().map(|f| f.peak).max().unwrap();
        let refused: usize = floods.iter().map(|f| f.refused).sum();
        let evicted = stat(&mut admin, "evicted_keys");
        assert!(peak <= limit + MARGIN, "{policy}: memory reached maxmemory + {} bytes", peak - limit);

        match policy {
            "noeviction" => {
                assert_eq!(evicted, 0, "{policy}");
                assert!(refused > 0, "{policy}: the flood never filled memory");
                check_writes_refused_reads_and_deletes_served(&mut admin, policy);
            }
            "allkeys-lru" | "allkeys-lfu" | "allkeys-random" => {
                // There is always a key to evict, so nothing is refused.
                assert_eq!(refused, 0, "{policy}");
                assert!(evicted > 0, "{policy}: the flood never filled memory");
            }
            _ => {
                assert!(evicted > 0, "{policy}: the flood never filled memory");
                // Only keys with a TTL go: every persistent key written is still there.
                for f in &floods {
                    run(&mut admin, &format!("SELECT {}", f.db));
                    let missing = f.persistent.iter().filter(|key| run(&mut admin, &format!("EXISTS {key}")) != int(1)).count();
                    assert_eq!(missing, 0, "{policy}: persistent keys were evicted");
                }
                run(&mut admin, "SELECT 0");
                fill_until_refused(&mut admin, policy);
                check_writes_refused_reads_and_deletes_served(&mut admin, policy);
            }
        }
        run(&mut admin, "CONFIG SET maxmemory 0");
        drop(admin);
        drop(engine);
    }
}

#[test]
fn evictions_cut_short_by_their_time_budget_refuse_nothing_and_go_on_with_the_next_commands() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (_engine, mut c) = engine_with("allkeys-random");
    // The shortest budget, 50 µs: a debug build rarely evicts a thousand keys in it.
    assert_eq!(run(&mut c, "CONFIG SET maxmemory-eviction-tenacity 0"), ok());
    let value = vec![b'x'; 1024];
    for i in 0..3_000 {
        let key = format!("k:{i}");
        assert_eq!(c.execute(&[b"SET", key.as_bytes(), &value]), ok());
    }
    let limit = allocated() - 1024 * 1024;
    assert_eq!(run(&mut c, &format!("CONFIG SET maxmemory {limit}")), ok());
    // Over the limit or not, a write goes through: keys are left to evict.
    assert_eq!(c.execute(&[b"SET", b"one-more", &value]), ok());
    // Every command's gate evicts at least 16 keys before it looks at the clock, so about a
    // thousand keys' worth is gone within a hundred commands, however slow the machine.
    let mut commands = 0;
    while allocated() > limit + 16 * 1024 {
        commands += 1;
        assert!(commands <= 100, "still {} bytes over the limit", allocated() - limit);
        assert_eq!(run(&mut c, "PING"), Reply::Simple("PONG".into()));
    }
    run(&mut c, "CONFIG SET maxmemory 0");
}

fn engine_with(policy: &str) -> (Arc<Engine>, Client) {
    let mut config = Config::default();
    config.set("maxmemory-policy", policy).unwrap();
    let engine = Engine::open_with_clock(config, Clock::manual(1_700_000_000_000)).unwrap();
    let client = engine.connect(ConnectionInfo::embedded("test"));
    (engine, client)
}

fn allocated() -> u64 {
    allocated_bytes().expect("the counting allocator is installed") as u64
}

fn stat(client: &mut Client, name: &str) -> u64 {
    info_field(client, "stats", name).parse().unwrap()
}

/// What one writer saw.
struct Flood {
    db: usize,
    /// The most memory in use seen after any of its commands.
    peak: u64,
    /// Writes answered with OOM (or transactions aborted by one).
    refused: usize,
    /// Keys without a TTL it created.
    persistent: Vec<String>,
}

/// Runs [`THREADS`] writers at once against `engine` and gathers what they saw.
fn flood(engine: &Arc<Engine>) -> Vec<Flood> {
    let start = Arc::new(Barrier::new(THREADS));
    let writers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let engine = Arc::clone(engine);
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let client = engine.connect(ConnectionInfo::embedded("test"));
                start.wait();
                write(client, thread)
            })
        })
        .collect();
    writers.into_iter().map(|w| w.join().expect("a writer panicked")).collect()
}

/// One writer: a seeded mix of writes and reads, checking every reply and sampling memory.
fn write(mut c: Client, thread: usize) -> Flood {
    let db = thread % 2;
    assert_eq!(run(&mut c, &format!("SELECT {db}")), ok());
    let mut rng = SmallRng::seed_from_u64(thread as u64);
    let value = vec![b'v'; LARGEST_VALUE];
    let mut seen = Flood { db, peak: 0, refused: 0, persistent: Vec::new() };
    for n in 0..COMMANDS_PER_THREAD {
        let size = value_size(&mut rng);
        let value = &value[..size];
        let collection = rng.random_range(0..COLLECTIONS_PER_THREAD);
        let (reply, created) = match rng.random_range(0..100) {
            0..35 => {
                let key = format!("s:{thread}:{n}");
                (c.execute(&[b"SET", key.as_bytes(), value]), Some(key))
            }
            35..60 => {
                let key = format!("v:{thread}:{n}");
                let ttl = rng.random_range(100..100_000).to_string();
                (c.execute(&[b"SET", key.as_bytes(), value, b"EX", ttl.as_bytes()]), None)
            }
            60..68 => {
                let key = format!("h:{thread}:{collection}");
                let field = format!("f{n}");
                (c.execute(&[b"HSET", key.as_bytes(), field.as_bytes(), &value[..size.min(256)]]), Some(key))
            }
            68..76 => {
                let key = format!("l:{thread}:{collection}");
                (c.execute(&[b"RPUSH", key.as_bytes(), &value[..size.min(256)]]), Some(key))
            }
            76..84 => {
                let key = format!("z:{thread}:{collection}");
                let member = format!("m{n}");
                (c.execute(&[b"ZADD", key.as_bytes(), n.to_string().as_bytes(), member.as_bytes()]), Some(key))
            }
            84..88 => (transaction(&mut c, thread, n, &value[..size.min(LARGEST_VALUE / 4)]), None),
            88..92 => (script(&mut c, thread, n, &value[..size.min(LARGEST_VALUE / 2)]), None),
            _ => {
                let key = format!("s:{thread}:{}", rng.random_range(0..=n));
                let reply = c.execute(&[b"GET", key.as_bytes()]);
                assert!(matches!(reply, Reply::Bulk(_) | Reply::Null), "GET: {reply:?}");
                (reply, None)
            }
        };
        seen.peak = seen.peak.max(allocated());
        if is_refusal(&reply) {
            seen.refused += 1;
        } else {
            assert!(!reply.is_error(), "writer {thread}, command {n}: {reply:?}");
            seen.persistent.extend(created);
        }
    }
    seen.persistent.sort();
    seen.persistent.dedup();
    seen
}

/// Sizes spread evenly on a log scale from 16 B to 16 KiB: as many tiny values as large ones.
fn value_size(rng: &mut SmallRng) -> usize {
    let scale = (LARGEST_VALUE / SMALLEST_VALUE) as f64;
    ((SMALLEST_VALUE as f64) * scale.powf(rng.random::<f64>())) as usize
}

/// MULTI, three SETs with a TTL, EXEC: refused while queueing or at EXEC, the transaction is
/// aborted as a whole (answered here as the OOM that caused it).
fn transaction(c: &mut Client, thread: usize, n: usize, value: &[u8]) -> Reply {
    assert_eq!(run(c, "MULTI"), ok());
    let (mut queued, mut refused) = (0, 0);
    for i in 0..3 {
        let key = format!("t:{thread}:{n}:{i}");
        match c.execute(&[b"SET", key.as_bytes(), value, b"EX", b"1000"]) {
            Reply::Simple(s) if s == "QUEUED" => queued += 1,
            reply => {
                assert_eq!(reply, err(OOM), "queueing SET");
                refused += 1;
            }
        }
    }
    match run(c, "EXEC") {
        Reply::Array(replies) => {
            assert!(refused == 0 && replies.iter().all(|r| *r == ok()), "EXEC: {replies:?}");
            Reply::Array(replies)
        }
        aborted => {
            // The memory gate refuses an EXEC of queued writes before EXEC sees the earlier refusals.
            let line = aborted.as_error().unwrap_or_default();
            let refused_at_exec = queued > 0 && line == format!("EXECABORT Transaction discarded because of: {OOM}");
            let refused_before = refused > 0 && line == "EXECABORT Transaction discarded because of previous errors.";
            assert!(refused_at_exec || refused_before, "EXEC after {queued} queued and {refused} refused: {aborted:?}");
            err(OOM)
        }
    }
}

/// A script writing two keys with a TTL.
fn script(c: &mut Client, thread: usize, n: usize, value: &[u8]) -> Reply {
    const BODY: &[u8] = b"redis.call('SET', KEYS[1], ARGV[1], 'EX', 1000) \
        return redis.call('SET', KEYS[2], ARGV[1], 'EX', 1000)";
    let (first, second) = (format!("e:{thread}:{n}:0"), format!("e:{thread}:{n}:1"));
    c.execute(&[b"EVAL", BODY, b"2", first.as_bytes(), second.as_bytes(), value])
}

/// An OOM refusal: the error itself, or a script's error raised by it.
fn is_refusal(reply: &Reply) -> bool {
    reply.as_error().is_some_and(|line| line.starts_with(OOM))
}

/// Writes persistent keys until one is refused: volatile policies evict every key with a TTL first.
fn fill_until_refused(c: &mut Client, policy: &str) {
    let value = vec![b'p'; 4096];
    for i in 0.. {
        assert!(i < 10_000, "{policy}: writes were never refused");
        let key = format!("fill:{i}");
        if is_refusal(&c.execute(&[b"SET", key.as_bytes(), &value])) {
            break;
        }
    }
    for db in 0..2 {
        run(c, &format!("SELECT {db}"));
        let info = info_text(c, "keyspace");
        assert!(!info.contains(&format!("db{db}:")) || info.contains("expires=0,"), "{policy}: volatile keys left: {info}");
    }
    run(c, "SELECT 0");
}

/// Over the limit with nothing evictable: writes get OOM, reads and DEL work, and a DEL that
/// frees enough lets writes through again.
fn check_writes_refused_reads_and_deletes_served(c: &mut Client, policy: &str) {
    let value = vec![b'w'; 4096];
    assert_eq!(c.execute(&[b"SET", b"refused", &value]), err(OOM), "{policy}");
    assert_eq!(c.execute(&[b"SET", b"refused", &value, b"EX", b"100"]), err(OOM), "{policy}");
    assert_eq!(run(c, "RPUSH l:0:0 more"), err(OOM), "{policy}");
    assert_eq!(run(c, "EXISTS refused"), int(0), "{policy}");
    let Reply::Bulk(key) = run(c, "RANDOMKEY") else { panic!("{policy}: the keyspace is empty") };
    assert_eq!(c.execute(&[b"EXISTS", &key]), int(1), "{policy}");
    assert!(matches!(c.execute(&[b"TYPE", &key]), Reply::Simple(t) if t != "none"), "{policy}");
    // Deleting a thousand keys of each database (megabytes of values) makes room.
    for db in 0..2 {
        run(c, &format!("SELECT {db}"));
        let Reply::Array(keys) = run(c, "KEYS *") else { panic!("KEYS replies an array") };
        for key in keys.into_iter().take(1_000) {
            let Reply::Bulk(key) = key else { panic!("KEYS replies names") };
            assert_eq!(c.execute(&[b"DEL", &key]), int(1), "{policy}");
        }
    }
    run(c, "SELECT 0");
    assert_eq!(c.execute(&[b"SET", b"admitted", &value]), ok(), "{policy}");
}
