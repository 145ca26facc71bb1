//! INFO's command, error and latency sections, SLOWLOG, LATENCY, MONITOR and DEBUG.

mod common;

use common::*;
use vermilion_engine::{Client, Config, ConnectionInfo, Engine, Reply};

fn text(reply: Reply) -> String {
    match reply {
        Reply::Verbatim(_, bytes) => String::from_utf8(bytes).unwrap(),
        Reply::Bulk(bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
        Reply::Simple(line) => line.into_owned(),
        other => panic!("not text: {other:?}"),
    }
}

/// The value of `field` in an INFO reply.
fn info_field(client: &mut Client, section: &str, field: &str) -> Option<String> {
    let info = text(run(client, &format!("INFO {section}")));
    info.lines().find_map(|line| line.strip_prefix(&format!("{field}:")).map(str::to_string))
}

#[test]
fn commandstats_count_calls_failures_and_rejections() {
    let (_engine, mut c) = setup();
    run(&mut c, "SET k v");
    run(&mut c, "GET k");
    run(&mut c, "GET k");
    assert!(run(&mut c, "INCR k").is_error());
    assert!(run(&mut c, "GET").is_error());
    let get = info_field(&mut c, "commandstats", "cmdstat_get").unwrap();
    assert!(get.starts_with("calls=2,usec="), "{get}");
    assert!(get.ends_with(",rejected_calls=1,failed_calls=0"), "{get}");
    let incr = info_field(&mut c, "commandstats", "cmdstat_incr").unwrap();
    assert!(incr.ends_with("rejected_calls=0,failed_calls=1"), "{incr}");
    assert!(info_field(&mut c, "commandstats", "cmdstat_config|resetstat").is_none());
    assert_eq!(info_field(&mut c, "errorstats", "errorstat_ERR").as_deref(), Some("count=2"));
    assert_eq!(info_field(&mut c, "stats", "total_error_replies").as_deref(), Some("2"));
    let latency = info_field(&mut c, "latencystats", "latency_percentiles_usec_get").unwrap();
    assert!(latency.starts_with("p50=") && latency.contains(",p99=") && latency.contains(",p99.9="), "{latency}");
    run(&mut c, "CONFIG RESETSTAT");
    assert!(info_field(&mut c, "commandstats", "cmdstat_get").is_none());
    assert!(info_field(&mut c, "errorstats", "errorstat_ERR").is_none());
}

#[test]
fn info_sections_follow_redis() {
    let (_engine, mut c) = setup();
    let headers = |c: &mut Client, arg: &str| -> Vec<String> {
        text(run(c, &format!("INFO {arg}"))).lines().filter(|l| l.starts_with('#')).map(str::to_string).collect()
    };
    assert_eq!(
        headers(&mut c, "default"),
        ["# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Modules", "# Errorstats", "# Cluster", "# Keyspace"]
    );
    assert_eq!(headers(&mut c, "all").len(), 13);
    assert_eq!(headers(&mut c, "cpu commandstats"), ["# CPU", "# Commandstats"]);
    for field in ["used_cpu_sys", "used_cpu_user", "used_cpu_user_children", "used_cpu_sys_main_thread"] {
        assert!(info_field(&mut c, "cpu", field).is_some(), "{field}");
    }
    for field in ["instantaneous_ops_per_sec", "total_reads_processed", "unexpected_error_replies", "total_error_replies"] {
        assert!(info_field(&mut c, "stats", field).is_some(), "{field}");
    }
    run(&mut c, "SET k v EX 100");
    let db0 = info_field(&mut c, "keyspace", "db0").unwrap();
    assert_eq!(db0, "keys=1,expires=1,avg_ttl=100000");
}

#[test]
fn slowlog_logs_trims_and_resets() {
    let (_engine, mut c) = setup();
    assert_eq!(run(&mut c, "CONFIG SET slowlog-log-slower-than 0"), ok());
    run(&mut c, "SLOWLOG RESET");
    let long = "x".repeat(200);
    run(&mut c, &format!("SET k {long}"));
    let Reply::Array(entries) = run(&mut c, "SLOWLOG GET 1") else { panic!() };
    let Reply::Array(entry) = &entries[0] else { panic!() };
    assert_eq!(entry.len(), 6);
    let Reply::Array(argv) = &entry[3] else { panic!() };
    assert_eq!(argv[0], bulk("SET"));
    assert_eq!(argv[2], Reply::bulk(format!("{}... (72 more bytes)", "x".repeat(128))));
    assert_eq!(entry[4], bulk("test:0"));
    assert_eq!(run(&mut c, "CONFIG SET slowlog-max-len 2"), ok());
    for _ in 0..5 {
        run(&mut c, "PING");
    }
    assert_eq!(run(&mut c, "SLOWLOG LEN"), int(2));
    assert_eq!(run(&mut c, "SLOWLOG GET -2"), err("ERR count should be greater than or equal to -1"));
    run(&mut c, "CONFIG SET slowlog-log-slower-than -1");
    run(&mut c, "SLOWLOG RESET");
    run(&mut c, "PING");
    assert_eq!(run(&mut c, "SLOWLOG LEN"), int(0));
}

fn debug_engine() -> (std::sync::Arc<Engine>, Client) {
    let config = Config { enable_debug_command: "yes".into(), ..Config::default() };
    let engine = Engine::open(config).unwrap();
    let client = engine.connect(ConnectionInfo::embedded("test"));
    (engine, client)
}

#[test]
fn latency_monitor_records_spikes() {
    let (_engine, mut c) = debug_engine();
    run(&mut c, "CONFIG SET latency-monitor-threshold 10");
    assert_eq!(run(&mut c, "DEBUG SLEEP 0.03"), ok());
    let Reply::Array(latest) = run(&mut c, "LATENCY LATEST") else { panic!() };
    let Reply::Array(event) = &latest[0] else { panic!() };
    assert_eq!(event[0], bulk("command"));
    let Reply::Integer(ms) = event[2] else { panic!() };
    assert!(ms >= 30, "{ms}");
    let Reply::Array(history) = run(&mut c, "LATENCY HISTORY command") else { panic!() };
    assert_eq!(history.len(), 1);
    assert!(text(run(&mut c, "LATENCY DOCTOR")).contains("1. command: 1 latency spikes"));
    assert_eq!(run(&mut c, "LATENCY RESET"), int(1));
    assert_eq!(run(&mut c, "LATENCY LATEST"), Reply::Array(vec![]));
}

#[test]
fn latency_histogram_has_redis_shape() {
    let (_engine, mut c) = setup();
    run(&mut c, "SET k v");
    let Reply::Map(commands) = run(&mut c, "LATENCY HISTOGRAM set nosuch") else { panic!() };
    assert_eq!(commands.len(), 1);
    let (name, Reply::Map(fields)) = &commands[0] else { panic!() };
    assert_eq!(name, &bulk("set"));
    assert_eq!(fields[0], (bulk("calls"), int(1)));
    let (label, Reply::Map(buckets)) = &fields[1] else { panic!() };
    assert_eq!(label, &bulk("histogram_usec"));
    assert_eq!(buckets.last().unwrap().1, int(1));
}

#[test]
fn debug_is_gated_and_answers() {
    let (_engine, mut c) = setup();
    assert!(text_err(run(&mut c, "DEBUG SLEEP 0")).starts_with("ERR DEBUG command not allowed."));
    let (_engine, mut c) = debug_engine();
    run(&mut c, "SET foo bar");
    let line = text(run(&mut c, "DEBUG OBJECT foo"));
    assert!(line.starts_with("Value at:0x") && line.contains(" refcount:1 encoding:embstr serializedlength:4 lru:"), "{line}");
    assert_eq!(run(&mut c, "DEBUG OBJECT nokey"), err("ERR no such key"));
    assert_eq!(run(&mut c, "DEBUG SET-ACTIVE-EXPIRE 0"), ok());
    assert_eq!(run(&mut c, "CONFIG GET active-expire-enabled"), Reply::Map(vec![(bulk("active-expire-enabled"), bulk("no"))]));
    assert_eq!(run(&mut c, "DEBUG CHANGE-REPL-ID"), ok());
    assert_eq!(run(&mut c, "DEBUG QUICKLIST-PACKED-THRESHOLD 100"), ok());
    assert_eq!(run(&mut c, "DEBUG NOPE"), err("ERR unknown subcommand 'NOPE'. Try DEBUG HELP."));
}

fn text_err(reply: Reply) -> String {
    reply.as_error().expect("an error").to_string()
}

#[test]
fn monitor_streams_every_client_and_script() {
    let (engine, mut watcher) = setup();
    assert_eq!(run(&mut watcher, "MONITOR"), ok());
    let mut other = engine.connect(ConnectionInfo::embedded("node"));
    run(&mut other, "SELECT 2");
    other.execute(&[b"SET", b"k", b"a \"b\"\n"]);
    run(&mut other, "AUTH user secret");
    other.execute(&[b"EVAL", b"return redis.call('get','k')", b"0"]);
    run(&mut other, "CONFIG GET port");
    let lines: Vec<String> = watcher.mailbox().drain().into_iter().map(text).collect();
    let shown: Vec<&str> = lines.iter().map(|l| l.split_once(' ').unwrap().1).collect();
    assert_eq!(
        shown,
        [
            r#"[2 node:0] "SELECT" "2""#,
            r#"[2 node:0] "SET" "k" "a \"b\"\n""#,
            r#"[2 node:0] "AUTH" "(redacted)" "(redacted)""#,
            r#"[2 node:0] "EVAL" "return redis.call('get','k')" "0""#,
            r#"[2 lua] "get" "k""#,
        ]
    );
    assert!(lines[0].split_once(' ').unwrap().0.contains('.'));
    assert_eq!(run(&mut watcher, "GET k"), err("ERR Replica can't interact with the keyspace"));
    assert_eq!(run(&mut watcher, "RESET"), Reply::simple("RESET"));
    run(&mut other, "PING");
    assert!(watcher.mailbox().is_empty());
}
