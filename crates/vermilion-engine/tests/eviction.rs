//! `maxmemory` and every eviction policy, measured with the counting allocator (as the faces
//! install it), so memory use is what the engine really holds.
//!
//! Memory use is process-wide, so these tests take turns.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use vermilion_engine::{Client, Clock, Config, ConnectionInfo, Engine, Reply};

#[global_allocator]
static ALLOC: vermilion_engine::alloc::Counting = vermilion_engine::alloc::Counting;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn used_memory(client: &mut Client) -> u64 {
    info_field(client, "memory", "used_memory").parse().unwrap()
}

fn stat(client: &mut Client, name: &str) -> u64 {
    info_field(client, "stats", name).parse().unwrap()
}

fn engine_with(policy: &str) -> (Arc<Engine>, Client) {
    let mut config = Config::default();
    config.set("maxmemory-policy", policy).unwrap();
    config.set("maxmemory-samples", "10").unwrap();
    // No time budget: each round evicts all it needs at once, whatever the machine's load (the
    // budgeted rounds leave the rest to the background tick, which a test would have to wait for).
    config.set("maxmemory-eviction-tenacity", "100").unwrap();
    let engine = Engine::open_with_clock(config, Clock::manual(1_700_000_000_000)).unwrap();
    let client = engine.connect(ConnectionInfo::embedded("test"));
    (engine, client)
}

/// Stores `n` keys `prefix:i` of 1 KiB each.
fn fill(client: &mut Client, prefix: &str, n: usize) {
    let value = vec![b'x'; 1024];
    for i in 0..n {
        let key = format!("{prefix}:{i}");
        assert_eq!(client.execute(&[b"SET", key.as_bytes(), &value]), ok());
    }
}

fn exists(client: &mut Client, key: &str) -> bool {
    run(client, &format!("EXISTS {key}")) == int(1)
}

#[test]
fn noeviction_refuses_writes_that_need_memory_but_serves_reads_and_deletes() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (_engine, mut c) = engine_with("noeviction");
    fill(&mut c, "k", 200);
    let limit = used_memory(&mut c) + 20 * 1024;
    run(&mut c, &format!("CONFIG SET maxmemory {limit}"));
    let value = vec![b'y'; 1024];
    let mut refused = None;
    for i in 0..200 {
        let key = format!("more:{i}");
        let reply = c.execute(&[b"SET", key.as_bytes(), &value]);
        if reply != ok() {
            refused = Some(reply);
            break;
        }
    }
    assert_eq!(refused, Some(err("OOM command not allowed when used memory > 'maxmemory'.")));
    assert_eq!(run(&mut c, "GET k:1").clone(), Reply::bulk(vec![b'x'; 1024]));
    assert_eq!(run(&mut c, "DEL k:1 k:2 k:3"), int(3));
    assert_eq!(stat(&mut c, "evicted_keys"), 0);
    run(&mut c, "CONFIG SET maxmemory 0");
}

#[test]
fn shrinking_maxmemory_evicts_down_to_it() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (_engine, mut c) = engine_with("allkeys-random");
    fill(&mut c, "k", 1000);
    let before = used_memory(&mut c);
    let limit = before - 400 * 1024;
    assert_eq!(run(&mut c, &format!("CONFIG SET maxmemory {limit}")), ok());
    // INFO itself allocates its reply while measuring: allow it a few pages.
    assert!(used_memory(&mut c) <= limit + 16 * 1024, "still over the limit after CONFIG SET");
    let evicted = stat(&mut c, "evicted_keys");
    assert!((300..1000).contains(&evicted), "evicted {evicted} keys");
    assert_eq!(run(&mut c, "DBSIZE"), int(1000 - evicted as i64));
}

#[test]
fn volatile_ttl_evicts_the_soonest_to_expire_and_spares_persistent_keys() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (_engine, mut c) = engine_with("volatile-ttl");
    fill(&mut c, "persistent", 100);
    fill(&mut c, "v", 400);
    for i in 0..400 {
        run(&mut c, &format!("EXPIRE v:{i} {}", 10_000 + i));
    }
    let limit = used_memory(&mut c) - 100 * 1024;
    run(&mut c, &format!("CONFIG SET maxmemory {limit}"));
    assert!((0..100).all(|i| exists(&mut c, &format!("persistent:{i}"))));
    // Sampling makes the order approximate: the soonest quarter mostly went, the latest stayed.
    let soonest_gone = (0..100).filter(|i| !exists(&mut c, &format!("v:{i}"))).count();
    let latest_kept = (300..400).filter(|i| exists(&mut c, &format!("v:{i}"))).count();
    assert!(soonest_gone > 60, "only {soonest_gone} of the soonest-expiring keys were evicted");
    assert!(latest_kept > 90, "{latest_kept} of the latest-expiring keys were kept");
}

#[test]
fn volatile_policies_without_volatile_keys_answer_oom() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for policy in ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"] {
        let (_engine, mut c) = engine_with(policy);
        fill(&mut c, "k", 100);
        run(&mut c, "CONFIG SET maxmemory 1");
        assert_eq!(run(&mut c, "SET another v"), err("OOM command not allowed when used memory > 'maxmemory'."), "{policy}");
        assert_eq!(run(&mut c, "DBSIZE"), int(100), "{policy}");
    }
}

#[test]
fn allkeys_lru_keeps_recently_used_keys() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (engine, mut c) = engine_with("allkeys-lru");
    fill(&mut c, "old", 500);
    // The access clock has a resolution of a second: let a minute pass between old and hot.
    engine.advance_time(60_000);
    for i in 0..100 {
        run(&mut c, &format!("GET old:{i}"));
    }
    let limit = used_memory(&mut c) - 200 * 1024;
    run(&mut c, &format!("CONFIG SET maxmemory {limit}"));
    let hot_kept = (0..100).filter(|i| exists(&mut c, &format!("old:{i}"))).count();
    assert!(hot_kept >= 95, "only {hot_kept} of 100 recently read keys survived");
}

#[test]
fn lfu_counts_accesses_and_evicts_the_rarely_used() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (_engine, mut c) = engine_with("allkeys-lfu");
    fill(&mut c, "k", 500);
    assert_eq!(run(&mut c, "OBJECT FREQ k:1"), int(5));
    for _ in 0..200 {
        for i in 0..50 {
            run(&mut c, &format!("GET k:{i}"));
        }
    }
    let Reply::Integer(freq) = run(&mut c, "OBJECT FREQ k:1") else { panic!() };
    // The counter grows logarithmically: about 10 after 200 hits with lfu-log-factor 10.
    assert!(freq >= 8, "frequency {freq} after 200 reads");
    let limit = used_memory(&mut c) - 200 * 1024;
    run(&mut c, &format!("CONFIG SET maxmemory {limit}"));
    let frequent_kept = (0..50).filter(|i| exists(&mut c, &format!("k:{i}"))).count();
    assert_eq!(frequent_kept, 50);
    assert_eq!(
        run(&mut c, "OBJECT IDLETIME k:1"),
        err("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
    );
}

#[test]
fn evictions_are_published_and_break_watches() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (engine, mut c) = engine_with("allkeys-random");
    fill(&mut c, "k", 300);
    run(&mut c, "CONFIG SET notify-keyspace-events Ee");
    let mut listener = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut listener, "SUBSCRIBE __keyevent@0__:evicted");
    listener.mailbox().drain();
    let mut watcher = engine.connect(ConnectionInfo::embedded("test"));
    let keys: Vec<String> = (0..300).map(|i| format!("k:{i}")).collect();
    let mut watch: Vec<&[u8]> = vec![b"WATCH"];
    watch.extend(keys.iter().map(|k| k.as_bytes()));
    watcher.execute(&watch);
    let limit = used_memory(&mut c) - 100 * 1024;
    run(&mut c, &format!("CONFIG SET maxmemory {limit}"));
    let evicted = stat(&mut c, "evicted_keys") as usize;
    assert!(evicted > 0);
    assert_eq!(listener.mailbox().drain().len(), evicted);
    run(&mut watcher, "MULTI");
    run(&mut watcher, "SET k:0 v");
    assert_eq!(run(&mut watcher, "EXEC"), Reply::NullArray);
}
