//! The append-only file: records written, reloaded at open, cut-off tails, rewrites, atomic
//! records of EXEC and scripts, and expiry logged as absolute times.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{bulk, int, ok, run, sorted};
use vermilion_engine::{Client, Clock, Config, ConnectionInfo, Engine, Reply};

const START_MS: i64 = 1_700_000_000_000;

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vermilion-aof-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn open_with(dir: &Path, settings: &[(&str, &str)]) -> Result<(Arc<Engine>, Client), String> {
    let mut config = Config::default();
    config.set("dir", dir.to_str().unwrap()).unwrap();
    config.set("save", "").unwrap();
    config.set("appendonly", "yes").unwrap();
    for (name, value) in settings {
        config.set(name, value).unwrap();
    }
    let engine = Engine::open_with_clock(config, Clock::manual(START_MS)).map_err(|e| e.to_string())?;
    let client = engine.connect(ConnectionInfo::embedded("test"));
    Ok((engine, client))
}

fn open(dir: &Path) -> (Arc<Engine>, Client) {
    open_with(dir, &[]).unwrap()
}

fn close(engine: Arc<Engine>, client: Client) {
    drop(client);
    engine.shutdown();
    drop(engine);
}

fn incr_text(dir: &Path, seq: u64) -> String {
    String::from_utf8_lossy(&std::fs::read(dir.join(format!("appendonlydir/appendonly.aof.{seq}.incr.aof"))).unwrap()).into_owned()
}

fn manifest(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("appendonlydir/appendonly.aof.manifest")).unwrap()
}

#[test]
fn writes_the_redis_7_layout_and_reloads() {
    let dir = scratch_dir("layout");
    let (engine, mut c) = open(&dir);
    assert_eq!(manifest(&dir), "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
    assert_eq!(run(&mut c, "SET a 1"), ok());
    assert_eq!(run(&mut c, "RPUSH l x y z"), int(3));
    assert_eq!(run(&mut c, "SELECT 3"), ok());
    assert_eq!(run(&mut c, "HSET h f v"), int(1));
    assert_eq!(run(&mut c, "GET missing"), Reply::Null);
    let text = incr_text(&dir, 1);
    assert!(text.starts_with("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"), "{text:?}");
    assert!(text.contains("$6\r\nSELECT\r\n$1\r\n3\r\n"), "{text:?}");
    assert!(!text.contains("missing"), "reads are not logged");
    close(engine, c);

    let (engine, mut c) = open(&dir);
    assert_eq!(run(&mut c, "GET a"), bulk("1"));
    assert_eq!(run(&mut c, "LRANGE l 0 -1"), Reply::Array(vec![bulk("x"), bulk("y"), bulk("z")]));
    assert_eq!(run(&mut c, "SELECT 3"), ok());
    assert_eq!(run(&mut c, "HGET h f"), bulk("v"));
    close(engine, c);
}

#[test]
fn aof_wins_over_rdb() {
    let dir = scratch_dir("wins");
    let (engine, mut c) = open(&dir);
    run(&mut c, "SET k from-aof");
    assert_eq!(run(&mut c, "SAVE"), ok());
    run(&mut c, "SET k newer");
    close(engine, c);
    let (engine, mut c) = open(&dir);
    assert_eq!(run(&mut c, "GET k"), bulk("newer"));
    close(engine, c);
}

#[test]
fn relative_expiry_is_logged_as_absolute() {
    let dir = scratch_dir("expiry");
    let (engine, mut c) = open(&dir);
    run(&mut c, "SET a 1 EX 100");
    run(&mut c, "SETEX b 10 v");
    run(&mut c, "SET c 1");
    run(&mut c, "EXPIRE c 50");
    run(&mut c, "SET d 1");
    run(&mut c, "GETEX d PX 2000");
    let text = incr_text(&dir, 1);
    let at = |ms: i64| (START_MS + ms).to_string();
    assert!(text.contains(&format!("$4\r\nPXAT\r\n$13\r\n{}\r\n", at(100_000))), "{text:?}");
    assert!(text.contains(&format!("$1\r\nb\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$13\r\n{}", at(10_000))), "{text:?}");
    assert!(text.contains(&format!("PEXPIREAT\r\n$1\r\nc\r\n$13\r\n{}", at(50_000))), "{text:?}");
    assert!(text.contains(&format!("PEXPIREAT\r\n$1\r\nd\r\n$13\r\n{}", at(2_000))), "{text:?}");
    assert!(!text.contains("EX\r\n") && !text.contains("SETEX"), "{text:?}");
    close(engine, c);

    // Reloaded later, the deadlines are the same instants.
    let (engine, mut c) = open(&dir);
    assert_eq!(run(&mut c, "PEXPIRETIME a"), int(START_MS + 100_000));
    assert_eq!(run(&mut c, "PEXPIRETIME c"), int(START_MS + 50_000));
    close(engine, c);
}

#[test]
fn expired_keys_are_logged_as_del() {
    let dir = scratch_dir("expired");
    let (engine, mut c) = open(&dir);
    run(&mut c, "SET k 5 PX 100");
    engine.advance_time(200);
    // Live, k expired before INCR: the log must say so, since replay does not expire keys.
    assert_eq!(run(&mut c, "INCR k"), int(1));
    assert!(incr_text(&dir, 1).contains("*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n*2\r\n$4\r\nINCR"), "{:?}", incr_text(&dir, 1));
    close(engine, c);
    let (engine, mut c) = open(&dir);
    assert_eq!(run(&mut c, "GET k"), bulk("1"));
    close(engine, c);
}

#[test]
fn exec_and_scripts_are_logged_atomically() {
    let dir = scratch_dir("atomic");
    let (engine, mut c) = open(&dir);
    run(&mut c, "MULTI");
    run(&mut c, "SET a 1");
    run(&mut c, "GET a");
    run(&mut c, "INCR a");
    run(&mut c, "EXEC");
    let eval = |c: &mut Client, script: &str| c.execute(&[b"EVAL".as_slice(), script.as_bytes(), b"0"]);
    assert_eq!(eval(&mut c, "redis.call('set','s1','x'); redis.call('sadd','s2','m'); return 1"), int(1));
    assert_eq!(eval(&mut c, "return redis.call('get','s1')"), bulk("x"));
    let text = incr_text(&dir, 1);
    let multi = "*1\r\n$5\r\nMULTI\r\n";
    let exec = "*1\r\n$4\r\nEXEC\r\n";
    assert_eq!(text.matches(multi).count(), 2, "{text:?}");
    assert_eq!(text.matches(exec).count(), 2, "{text:?}");
    assert!(!text.contains("EVAL") && !text.contains("eval"), "scripts are logged as their effects: {text:?}");
    assert!(text.starts_with(&format!("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n{multi}*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\n{exec}")), "{text:?}");
    close(engine, c);
    let (engine, mut c) = open(&dir);
    assert_eq!(run(&mut c, "GET a"), bulk("2"));
    assert_eq!(sorted(run(&mut c, "SMEMBERS s2")), vec!["m"]);
    close(engine, c);
}

#[test]
fn random_and_generated_choices_are_logged_as_made() {
    let dir = scratch_dir("choices");
    let (engine, mut c) = open(&dir);
    run(&mut c, "SADD s a b c d e");
    let popped = run(&mut c, "SPOP s 2");
    let id = run(&mut c, "XADD x * f v");
    let remaining = sorted(run(&mut c, "SMEMBERS s"));
    close(engine, c);
    assert!(!incr_text(&dir, 1).contains("SPOP"));
    let (engine, mut c) = open(&dir);
    assert_eq!(sorted(run(&mut c, "SMEMBERS s")), remaining);
    assert_eq!(remaining.len(), 3, "{popped:?}");
    let Reply::Array(entries) = run(&mut c, "XRANGE x - +") else { panic!() };
    let Reply::Array(first) = &entries[0] else { panic!() };
    assert_eq!(first[0], id);
    close(engine, c);
}

#[test]
fn truncated_tail_loads_the_complete_part_or_refuses() {
    let dir = scratch_dir("truncated");
    let (engine, mut c) = open(&dir);
    run(&mut c, "SET a 1");
    run(&mut c, "SET b 2");
    close(engine, c);
    let path = dir.join("appendonlydir/appendonly.aof.1.incr.aof");
    let full = std::fs::read(&path).unwrap();
    std::fs::write(&path, &full[..full.len() - 5]).unwrap();

    let error = open_with(&dir, &[("aof-load-truncated", "no")]).err().expect("refused");
    assert!(error.contains("truncated") && error.contains("appendonly.aof.1.incr.aof"), "{error}");

    let (engine, mut c) = open(&dir);
    assert_eq!(run(&mut c, "GET a"), bulk("1"));
    assert_eq!(run(&mut c, "GET b"), Reply::Null);
    // The cut-off tail is gone from the file, so new records follow complete ones.
    run(&mut c, "SET c 3");
    close(engine, c);
    let (engine, mut c) = open(&dir);
    assert_eq!(run(&mut c, "GET a"), bulk("1"));
    assert_eq!(run(&mut c, "GET c"), bulk("3"));
    close(engine, c);
}

#[test]
fn a_transaction_cut_off_is_dropped_whole() {
    let dir = scratch_dir("cut-tx");
    let (engine, mut c) = open(&dir);
    run(&mut c, "SET before 1");
    run(&mut c, "MULTI");
    run(&mut c, "SET t1 1");
    run(&mut c, "SET t2 2");
    run(&mut c, "EXEC");
    close(engine, c);
    let path = dir.join("appendonlydir/appendonly.aof.1.incr.aof");
    let full = std::fs::read(&path).unwrap();
    std::fs::write(&path, &full[..full.len() - "*1\r\n$4\r\nEXEC\r\n".len()]).unwrap();
    let (engine, mut c) = open(&dir);
    assert_eq!(run(&mut c, "GET before"), bulk("1"));
    assert_eq!(run(&mut c, "EXISTS t1 t2"), int(0));
    close(engine, c);
}

#[test]
fn bgrewriteaof_switches_files_and_reloads() {
    let dir = scratch_dir("rewrite");
    let (engine, mut c) = open(&dir);
    for i in 0..200 {
        run(&mut c, &format!("SET k{i} {i}"));
    }
    run(&mut c, "DEL k0");
    assert_eq!(run(&mut c, "BGREWRITEAOF"), Reply::Simple("Background append only file rewriting started".into()));
    run(&mut c, "SET during 1");
    let deadline = Instant::now() + Duration::from_secs(20);
    while persistence_field(&mut c, "aof_rewrite_in_progress") != "0" {
        assert!(Instant::now() < deadline, "rewrite did not finish");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(persistence_field(&mut c, "aof_last_bgrewrite_status"), "ok");
    assert_eq!(manifest(&dir), "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
    assert!(!dir.join("appendonlydir/appendonly.aof.1.incr.aof").exists());
    assert!(!dir.join("appendonlydir/appendonly.aof.1.base.rdb").exists());
    run(&mut c, "SET after 1");
    close(engine, c);
    let (engine, mut c) = open(&dir);
    assert_eq!(run(&mut c, "DBSIZE"), int(201));
    assert_eq!(run(&mut c, "GET k7"), bulk("7"));
    assert_eq!(run(&mut c, "EXISTS k0 during after"), int(2));
    close(engine, c);
}

#[test]
fn appendfsync_always_with_concurrent_clients() {
    let dir = scratch_dir("always");
    let (engine, c) = open_with(&dir, &[("appendfsync", "always")]).unwrap();
    drop(c);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                let mut c = engine.connect(ConnectionInfo::embedded("test"));
                for i in 0..50 {
                    assert_eq!(run(&mut c, &format!("SET t{t}:{i} v")), ok());
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let c = engine.connect(ConnectionInfo::embedded("test"));
    close(engine, c);
    let (engine, mut c) = open(&dir);
    assert_eq!(run(&mut c, "DBSIZE"), int(200));
    close(engine, c);
}

#[test]
fn info_reports_aof_fields() {
    let dir = scratch_dir("info");
    let (engine, mut c) = open(&dir);
    run(&mut c, "SET a 1");
    assert_eq!(persistence_field(&mut c, "aof_enabled"), "1");
    assert!(persistence_field(&mut c, "aof_current_size").parse::<u64>().unwrap() > 0);
    close(engine, c);
}

fn persistence_field(c: &mut Client, name: &str) -> String {
    common::info_field(c, "persistence", name)
}
