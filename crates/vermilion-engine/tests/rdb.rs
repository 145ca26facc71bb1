//! RDB persistence: round trips of every type, damaged files, the data directory lock, save
//! points, the save on close, and BGSAVE's point-in-time consistency under concurrent writes.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{bulk, int, ok, run, sorted, strings};
use vermilion_engine::persist::rdb_file::{parse, LoadSink};
use vermilion_engine::types::Value;
use vermilion_engine::{Client, Clock, Config, ConnectionInfo, Engine, Reply};

const START_MS: i64 = 1_700_000_000_000;

/// A fresh, empty directory for one test.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vermilion-rdb-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn config_in(dir: &Path, settings: &[(&str, &str)]) -> Config {
    let mut config = Config::default();
    config.set("dir", dir.to_str().unwrap()).unwrap();
    config.set("save", "").unwrap();
    for (name, value) in settings {
        config.set(name, value).unwrap();
    }
    config
}

fn open(dir: &Path, settings: &[(&str, &str)]) -> (Arc<Engine>, Client) {
    let engine = Engine::open_with_clock(config_in(dir, settings), Clock::manual(START_MS)).unwrap();
    let client = engine.connect(ConnectionInfo::embedded("test"));
    (engine, client)
}

/// Closes an engine the way a face does: `shutdown()` (which saves when configured) settles the
/// data and frees the directory at once, where a drop would depend on the last reference.
fn close(engine: Arc<Engine>, client: Client) {
    drop(client);
    engine.shutdown();
}

fn exec(client: &mut Client, args: &[&str]) -> Reply {
    let argv: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    client.execute(&argv)
}

fn text(reply: Reply) -> String {
    match reply {
        Reply::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
        Reply::Verbatim(_, b) => String::from_utf8_lossy(&b).into_owned(),
        Reply::Simple(s) | Reply::Error(s) => s.into_owned(),
        other => format!("{other:?}"),
    }
}

/// Polls `check` until it holds or five seconds pass.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn info_field(client: &mut Client, name: &str) -> String {
    let info = text(run(client, "INFO persistence"));
    let line = info.lines().find(|l| l.starts_with(&format!("{name}:"))).unwrap_or_else(|| panic!("no {name} in {info}"));
    line[name.len() + 1..].to_string()
}

/// Everything observable about every key of every database, read through commands.
fn dataset(client: &mut Client) -> BTreeMap<(usize, String), String> {
    let mut out = BTreeMap::new();
    for db in 0..16 {
        run(client, &format!("SELECT {db}"));
        for key in strings(run(client, "KEYS *")) {
            let kind = text(exec(client, &["TYPE", &key]));
            let value = match kind.as_str() {
                "string" => text(exec(client, &["GET", &key])),
                "list" => strings(exec(client, &["LRANGE", &key, "0", "-1"])).join(","),
                "set" => sorted(exec(client, &["SMEMBERS", &key])).join(","),
                "hash" => {
                    let Reply::Map(entries) = exec(client, &["HGETALL", &key]) else { panic!("HGETALL gives a map") };
                    let mut pairs: Vec<String> = entries.into_iter().map(|(f, v)| format!("{}={}", text(f), text(v))).collect();
                    pairs.sort();
                    let ttls = format!("{:?}", exec(client, &["HPEXPIRETIME", &key, "FIELDS", "3", "a", "b", "c"]));
                    format!("{} ttl:{ttls}", pairs.join(","))
                }
                "zset" => format!("{:?}", exec(client, &["ZRANGE", &key, "0", "-1", "WITHSCORES"])),
                "stream" => {
                    let entries = format!("{:?}", exec(client, &["XRANGE", &key, "-", "+"]));
                    let groups = format!("{:?}", exec(client, &["XINFO", "GROUPS", &key]));
                    let pending = format!("{:?}", exec(client, &["XPENDING", &key, "g1", "-", "+", "10"]));
                    format!("{entries} {groups} {pending}")
                }
                other => panic!("unexpected type {other}"),
            };
            let ttl = text(exec(client, &["PEXPIRETIME", &key]));
            let encoding = text(exec(client, &["OBJECT", "ENCODING", &key]));
            out.insert((db, key), format!("{kind} {encoding} {value} expires:{ttl}"));
        }
    }
    run(client, "SELECT 0");
    out
}

/// Fills the engine with every type in small and large encodings, expiries, several
/// databases, binary-safe names, a hash with field TTLs and a function library.
fn populate(c: &mut Client) {
    run(c, "SET plain hello");
    run(c, "SET number 12345");
    run(c, "SET negative -77");
    exec(c, &["SET", "compressible", &"abcdefgh".repeat(500)]);
    exec(c, &["SET", "bin\u{0}key\r\n", "v\u{0}\u{1}\u{ff}"]);
    run(c, "SET volatile v PX 100000000");
    run(c, "RPUSH small-list a b 3 -4");
    for i in 0..500 {
        exec(c, &["RPUSH", "big-list", &format!("element-{i}")]);
    }
    run(c, "SADD int-set 1 2 3 400000 -5");
    run(c, "SADD small-set a b c");
    for i in 0..300 {
        exec(c, &["SADD", "big-set", &format!("member-{i}")]);
    }
    run(c, "HSET small-hash f1 v1 f2 2");
    for i in 0..300 {
        exec(c, &["HSET", "big-hash", &format!("field-{i}"), &format!("value-{i}")]);
    }
    run(c, "HSET ttl-hash a 1 b 2 c 3");
    run(c, "HPEXPIRE ttl-hash 500000 FIELDS 2 a b");
    run(c, "ZADD small-zset 1 a 2.5 b -inf c");
    for i in 0..300 {
        exec(c, &["ZADD", "big-zset", &format!("{}", f64::from(i) / 3.0), &format!("m{i}")]);
    }
    for i in 1..=250 {
        exec(c, &["XADD", "stream", &format!("{i}-1"), "field", &format!("v{i}"), "other", "x"]);
    }
    run(c, "XGROUP CREATE stream g1 0");
    run(c, "XREADGROUP GROUP g1 alice COUNT 3 STREAMS stream >");
    run(c, "XGROUP CREATE stream g2 $");
    run(c, "XDEL stream 2-1");
    run(c, "SELECT 5");
    run(c, "SET in-db-5 five EX 100000");
    run(c, "LPUSH db5-list x");
    run(c, "SELECT 0");
    let library = "#!lua name=persisted\nredis.register_function('answer', function() return 42 end)";
    assert_eq!(exec(c, &["FUNCTION", "LOAD", library]), bulk("persisted"));
}

#[test]
fn every_type_survives_save_and_load() {
    for (name, settings) in [
        ("compressed", vec![]),
        ("plain", vec![("rdbcompression", "no")]),
        ("unchecked", vec![("rdbchecksum", "no")]),
    ] {
        let dir = scratch_dir(&format!("round-trip-{name}"));
        let (engine, mut c) = open(&dir, &settings);
        populate(&mut c);
        let before = dataset(&mut c);
        assert_eq!(run(&mut c, "SAVE"), ok());
        assert_eq!(info_field(&mut c, "rdb_changes_since_last_save"), "0");
        close(engine, c);

        let (_engine, mut c) = open(&dir, &settings);
        let after = dataset(&mut c);
        assert_eq!(before.len(), after.len(), "{name}: key count");
        for (key, value) in &before {
            assert_eq!(after.get(key), Some(value), "{name}: key {key:?}");
        }
        assert_eq!(run(&mut c, "FCALL answer 0"), int(42), "{name}");
        assert_eq!(info_field(&mut c, "rdb_last_load_keys_loaded"), before.len().to_string());
    }
}

#[test]
fn keys_expired_in_the_file_are_not_loaded() {
    let dir = scratch_dir("expired");
    let (engine, mut c) = open(&dir, &[]);
    run(&mut c, "SET short v PX 1000");
    run(&mut c, "SET long v PX 100000");
    assert_eq!(run(&mut c, "SAVE"), ok());
    close(engine, c);
    let engine = Engine::open_with_clock(config_in(&dir, &[]), Clock::manual(START_MS + 5000)).unwrap();
    let mut c = engine.connect(ConnectionInfo::embedded("test"));
    assert_eq!(sorted(run(&mut c, "KEYS *")), vec!["long"]);
    assert_eq!(info_field(&mut c, "rdb_last_load_keys_expired"), "1");
}

#[test]
fn damaged_files_are_refused_with_their_name_and_offset_and_left_alone() {
    let dir = scratch_dir("damaged");
    let (engine, mut c) = open(&dir, &[]);
    for i in 0..100 {
        exec(&mut c, &["SET", &format!("key-{i}"), &format!("value-{i}")]);
    }
    assert_eq!(run(&mut c, "SAVE"), ok());
    close(engine, c);
    let path = dir.join("dump.rdb");
    let good = std::fs::read(&path).unwrap();

    let open_error = |bytes: &[u8]| {
        std::fs::write(&path, bytes).unwrap();
        let error = Engine::open(config_in(&dir, &[("save", "60 1")])).err().expect("refused").to_string();
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "the damaged file is left as it was");
        error
    };
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x55;
    let error = open_error(&flipped);
    assert!(error.contains("dump.rdb") && error.contains("offset"), "{error}");

    let error = open_error(&good[..good.len() - 20]);
    assert!(error.contains("Unexpected EOF") && error.contains("offset"), "{error}");

    let mut unknown = good.clone();
    let first_key = good.windows(5).position(|w| w == b"key-0").unwrap() - 2;
    unknown[first_key] = 99;
    let error = open_error(&unknown);
    assert!(error.contains("Unknown RDB object type 99"), "{error}");

    let mut unchecked = good.clone();
    let sum_at = unchecked.len() - 8;
    unchecked[sum_at..].fill(0);
    std::fs::write(&path, &unchecked).unwrap();
    let engine = Engine::open(config_in(&dir, &[])).expect("a zero checksum means none was written");
    assert_eq!(engine.dbsize(0), 100);
}

#[test]
fn a_data_directory_serves_one_engine_at_a_time() {
    let dir = scratch_dir("locked");
    let (engine, _c) = open(&dir, &[]);
    let error = Engine::open(config_in(&dir, &[])).err().expect("second engine refused").to_string();
    assert!(error.contains("in use by another Vermilion engine"), "{error}");
    close(engine, _c);
    Engine::open(config_in(&dir, &[])).expect("the lock goes with the engine");
}

#[test]
fn engines_without_a_directory_touch_no_files() {
    let (engine, mut c) = common::setup();
    run(&mut c, "SET k v");
    assert_eq!(engine.config().dir, "");
    drop(c);
    engine.shutdown();
}

#[test]
fn closing_saves_when_save_points_are_set_and_the_next_open_loads() {
    let dir = scratch_dir("close");
    let (engine, mut c) = open(&dir, &[("save", "3600 1")]);
    run(&mut c, "SET kept value");
    run(&mut c, "SELECT 2");
    run(&mut c, "RPUSH list a b");
    close(engine, c);
    let (_engine, mut c) = open(&dir, &[("save", "3600 1")]);
    assert_eq!(run(&mut c, "GET kept"), bulk("value"));
    run(&mut c, "SELECT 2");
    assert_eq!(strings(run(&mut c, "LRANGE list 0 -1")), vec!["a", "b"]);
}

#[test]
fn save_points_start_a_background_save() {
    let dir = scratch_dir("save-points");
    let (engine, mut c) = open(&dir, &[("save", "10 2"), ("hz", "100")]);
    run(&mut c, "SET a 1");
    run(&mut c, "SET b 2");
    engine.advance_time(11_000);
    eventually("the save point's BGSAVE", || info_field(&mut c, "rdb_saves") == "1");
    assert_eq!(info_field(&mut c, "rdb_last_bgsave_status"), "ok");
    assert_eq!(info_field(&mut c, "rdb_changes_since_last_save"), "0");
    assert_eq!(run(&mut c, "LASTSAVE"), int((START_MS + 11_000) / 1000));
    assert!(dir.join("dump.rdb").exists());
}

#[test]
fn bgsave_replies_like_redis() {
    let dir = scratch_dir("bgsave-replies");
    let (_engine, mut c) = open(&dir, &[]);
    for i in 0..2000 {
        exec(&mut c, &["SET", &format!("k{i}"), "v"]);
    }
    assert_eq!(run(&mut c, "BGSAVE NOW"), common::err("ERR syntax error"));
    assert_eq!(run(&mut c, "BGSAVE"), Reply::simple("Background saving started"));
    // Either still running (the second is refused or scheduled) or done already.
    match run(&mut c, "BGSAVE") {
        Reply::Error(e) => assert_eq!(e, "ERR Background save already in progress"),
        other => assert_eq!(other, Reply::simple("Background saving started")),
    }
    eventually("the background saves to end", || info_field(&mut c, "rdb_bgsave_in_progress") == "0");
    assert!(matches!(run(&mut c, "BGSAVE SCHEDULE"), Reply::Simple(_)));
    eventually("the scheduled save to end", || info_field(&mut c, "rdb_bgsave_in_progress") == "0");
    assert_eq!(info_field(&mut c, "rdb_last_bgsave_status"), "ok");
}

#[test]
fn a_failed_background_save_is_reported_and_keeps_the_old_file() {
    let dir = scratch_dir("bgsave-fails");
    let (_engine, mut c) = open(&dir, &[("dbfilename", "blocked.rdb")]);
    std::fs::create_dir_all(dir.join("blocked.rdb").join("inside")).unwrap();
    run(&mut c, "SET k v");
    assert_eq!(run(&mut c, "SAVE"), common::err("ERR"));
    assert_eq!(run(&mut c, "BGSAVE"), Reply::simple("Background saving started"));
    eventually("the failed save to end", || info_field(&mut c, "rdb_bgsave_in_progress") == "0");
    assert_eq!(info_field(&mut c, "rdb_last_bgsave_status"), "err");
    assert!(dir.join("blocked.rdb").join("inside").is_dir());
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().starts_with("temp-")).collect();
    assert!(leftovers.is_empty(), "temporary files are removed");
}

/// String keys by (database, name), with their values and expiry times.
type StringModel = BTreeMap<(u64, Vec<u8>), (Vec<u8>, Option<i64>)>;

/// The string keys of an RDB file.
#[derive(Default)]
struct StringKeys {
    db: u64,
    keys: StringModel,
}

impl LoadSink for StringKeys {
    fn function(&mut self, _code: &[u8]) -> Result<(), String> {
        Ok(())
    }
    fn select_db(&mut self, db: u64) -> Result<(), String> {
        self.db = db;
        Ok(())
    }
    fn key(&mut self, key: Vec<u8>, value: Value, expire_ms: Option<i64>) -> Result<(), String> {
        let Value::String(s) = value else { return Err("not a string".into()) };
        match self.keys.insert((self.db, key), (s.to_vec(), expire_ms)) {
            None => Ok(()),
            Some(_) => Err("duplicate key".into()),
        }
    }
    fn warn(&mut self, _message: String) {}
}

/// A writer changes keys (overwrites, deletes, new keys, expiry changes, a flush, a SWAPDB)
/// while BGSAVE runs. Every change is tagged with a sequence number taken atomically with it,
/// and the file records the number current when the snapshot began: replaying the changes up
/// to that number onto the initial data must give exactly the file's contents.
#[test]
fn bgsave_is_a_point_in_time_snapshot_under_concurrent_writes() {
    const KEYS: usize = 40_000;
    let dir = scratch_dir("bgsave-consistency");
    let engine = Engine::open(config_in(&dir, &[])).unwrap();
    let mut c = engine.connect(ConnectionInfo::embedded("test"));
    let mut model = StringModel::new();
    for db in [0u64, 1] {
        exec(&mut c, &["SELECT", &db.to_string()]);
        for i in 0..KEYS / 2 {
            let (key, value) = (format!("key-{i}"), format!("initial-{db}-{i}"));
            exec(&mut c, &["SET", &key, &value]);
            model.insert((db, key.into_bytes()), (value.into_bytes(), None));
        }
    }
    exec(&mut c, &["SELECT", "0"]);
    exec(&mut c, &["SET", "seq", "0"]);
    model.insert((0, b"seq".to_vec()), (b"0".to_vec(), None));

    // Each operation takes the next sequence number and applies one change atomically.
    let script = "local n = redis.call('INCR', 'seq') \
        local op = ARGV[1] \
        if op == 'set' then redis.call('SET', KEYS[1], 'w' .. n) \
        elseif op == 'del' then redis.call('DEL', KEYS[1]) \
        elseif op == 'expire' then redis.call('PEXPIREAT', KEYS[1], 4000000000000 + n) \
        elseif op == 'flush2' then redis.call('SELECT', 2) redis.call('FLUSHDB') redis.call('SELECT', 0) \
        elseif op == 'swap' then redis.call('SWAPDB', 1, 2) end \
        return n";
    let sha = text(exec(&mut c, &["SCRIPT", "LOAD", script]));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let engine = Arc::clone(&engine);
        let stop = Arc::clone(&stop);
        let sha = sha.clone();
        std::thread::spawn(move || {
            let mut w = engine.connect(ConnectionInfo::embedded("writer"));
            let mut log = Vec::new();
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) || log.len() < 2000 {
                i += 1;
                let op = match i % 10 {
                    0..=4 => "set",
                    5 | 6 => "del",
                    7 => "expire",
                    _ => "set",
                };
                let op = if i == 1500 { "swap" } else if i == 3000 { "flush2" } else { op };
                let key = if i % 10 == 9 { format!("fresh-{i}") } else { format!("key-{}", (i * 7919) % (KEYS as u64 / 2)) };
                let Reply::Integer(n) = exec(&mut w, &["EVALSHA", &sha, "1", &key, op]) else { panic!("script failed") };
                log.push((n, op, key));
            }
            log
        })
    };
    // Let some changes land first, then snapshot while the writer keeps going.
    eventually("early writes", || matches!(exec(&mut c, &["GET", "seq"]), Reply::Bulk(b) if b.len() >= 3));
    assert_eq!(run(&mut c, "BGSAVE"), Reply::simple("Background saving started"));
    eventually("the background save", || info_field(&mut c, "rdb_bgsave_in_progress") == "0");
    stop.store(true, Ordering::Relaxed);
    let log = writer.join().unwrap();
    assert_eq!(info_field(&mut c, "rdb_last_bgsave_status"), "ok");

    let mut file = StringKeys::default();
    parse(&std::fs::read(dir.join("dump.rdb")).unwrap(), true, &mut file).unwrap();
    let snapshot_seq: u64 = String::from_utf8(file.keys[&(0, b"seq".to_vec())].0.clone()).unwrap().parse().unwrap();
    let during = log.iter().filter(|(n, _, _)| *n as u64 > snapshot_seq).count();
    assert!(during > 100, "writes went on during the snapshot ({during} after it began)");

    for (n, op, key) in log.iter().filter(|(n, _, _)| *n as u64 <= snapshot_seq) {
        let n = *n;
        model.insert((0, b"seq".to_vec()), (n.to_string().into_bytes(), None));
        let slot = (0, key.clone().into_bytes());
        match *op {
            "set" => {
                model.insert(slot, (format!("w{n}").into_bytes(), None));
            }
            "del" => {
                model.remove(&slot);
            }
            "expire" => {
                if let Some(entry) = model.get_mut(&slot) {
                    entry.1 = Some(4_000_000_000_000 + n);
                }
            }
            "flush2" => model.retain(|(db, _), _| *db != 2),
            "swap" => {
                model = model.into_iter().map(|((db, k), v)| ((if db == 1 { 2 } else if db == 2 { 1 } else { db }, k), v)).collect();
            }
            _ => unreachable!(),
        }
    }
    assert_eq!(file.keys.len(), model.len(), "key count at the snapshot instant");
    let wrong: Vec<_> = model.iter().filter(|(k, v)| file.keys.get(*k) != Some(*v)).take(5).collect();
    assert!(wrong.is_empty(), "keys differing from the snapshot instant: {wrong:?}");
}
