//! Long-running scripts: BUSY for other clients past `busy-reply-threshold`, SCRIPT KILL and
//! FUNCTION KILL, and UNKILLABLE once a script has written.

mod common;

use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::*;
use vermilion_engine::{Client, Config, ConnectionInfo, Engine, Reply};

const BUSY_EVAL: &str = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
const BUSY_FUNCTION: &str = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
const KILLED: &str = "ERR Script killed by user with SCRIPT KILL...";
const UNKILLABLE: &str = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either \
                          wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
/// Long enough for any machine to notice a busy script; a test waiting this long has failed.
const PATIENCE: Duration = Duration::from_secs(20);

/// An engine whose scripts count as busy after 20 ms.
fn engine() -> Arc<Engine> {
    let engine = Engine::open(Config::default()).unwrap();
    engine.set_config("busy-reply-threshold", "20").unwrap();
    engine
}

fn connect(engine: &Arc<Engine>) -> Client {
    engine.connect(ConnectionInfo::embedded("test"))
}

fn execute(client: &mut Client, argv: &[&str]) -> Reply {
    let argv: Vec<&[u8]> = argv.iter().map(|a| a.as_bytes()).collect();
    client.execute(&argv)
}

/// Runs `argv` on a client of its own, on a thread of its own.
fn spawn(engine: &Arc<Engine>, argv: &[&str]) -> JoinHandle<Reply> {
    let mut client = connect(engine);
    let argv: Vec<String> = argv.iter().map(|a| a.to_string()).collect();
    thread::spawn(move || {
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        execute(&mut client, &argv)
    })
}

/// Repeats `argv` until it answers `expected`, failing after [`PATIENCE`].
fn until(client: &mut Client, argv: &[&str], expected: &Reply) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let reply = execute(client, argv);
        if &reply == expected {
            return;
        }
        assert!(Instant::now() < deadline, "{argv:?} kept answering {reply:?}, not {expected:?}");
        thread::sleep(Duration::from_millis(1));
    }
}

fn sha1(body: &str) -> String {
    sha1_smol::Sha1::from(body).digest().to_string()
}

#[test]
fn script_kill_ends_an_endless_script_that_made_others_busy() {
    let engine = engine();
    let body = "while true do end";
    let script = spawn(&engine, &["EVAL", body, "0"]);
    let mut other = connect(&engine);
    until(&mut other, &["GET", "k"], &err(BUSY_EVAL));
    assert_eq!(execute(&mut other, &["FUNCTION", "KILL"]), err(BUSY_EVAL));
    assert_eq!(execute(&mut other, &["FUNCTION", "STATS"]), err(BUSY_EVAL));
    assert_eq!(execute(&mut other, &["SCRIPT", "KILL"]), ok());
    let killed = script.join().unwrap();
    assert_eq!(killed, err(&format!("{KILLED} script: {}, on @user_script:1.", sha1(body))));
    assert_eq!(execute(&mut other, &["SCRIPT", "KILL"]), err("NOTBUSY No scripts in execution right now."));
    assert_eq!(execute(&mut other, &["GET", "k"]), Reply::Null);
    engine.shutdown();
}

#[test]
fn pcall_cannot_swallow_a_kill() {
    let engine = engine();
    let body = "while true do pcall(function() while true do end end) end";
    let script = spawn(&engine, &["EVAL", body, "0"]);
    let mut other = connect(&engine);
    until(&mut other, &["SCRIPT", "KILL"], &ok());
    let Reply::Error(line) = script.join().unwrap() else { panic!("the script was not killed") };
    assert!(line.starts_with(KILLED), "{line}");
    engine.shutdown();
}

#[test]
fn a_script_that_wrote_cannot_be_killed() {
    let engine = engine();
    // Writes first, then counts for a while (a script cannot see the clock move).
    let body = "redis.call('SET', 'k', 'v') local n = 0 for i = 1, 20000000 do n = n + 1 end return n";
    let script = spawn(&engine, &["EVAL", body, "0"]);
    let mut other = connect(&engine);
    until(&mut other, &["SCRIPT", "KILL"], &err(UNKILLABLE));
    assert_eq!(script.join().unwrap(), int(20_000_000));
    assert_eq!(execute(&mut other, &["GET", "k"]), bulk("v"));
    engine.shutdown();
}

#[test]
fn function_kill_ends_an_endless_function() {
    let engine = engine();
    let mut admin = connect(&engine);
    let library = "#!lua name=lib\nredis.register_function('spin', function(keys, args) while true do end end)";
    assert_eq!(execute(&mut admin, &["FUNCTION", "LOAD", library]), bulk("lib"));
    let function = spawn(&engine, &["FCALL", "spin", "1", "k", "a"]);
    until(&mut admin, &["PING"], &err(BUSY_FUNCTION));
    let Reply::Map(stats) = execute(&mut admin, &["FUNCTION", "STATS"]) else { panic!("FUNCTION STATS is a map") };
    let Reply::Map(running) = &stats[0].1 else { panic!("a function runs: {stats:?}") };
    assert_eq!(running[0], (bulk("name"), bulk("spin")));
    assert_eq!(running[1], (bulk("command"), Reply::Array(["FCALL", "spin", "1", "k", "a"].map(bulk).to_vec())));
    assert!(matches!(running[2], (_, Reply::Integer(ms)) if ms >= 20));
    assert_eq!(execute(&mut admin, &["SCRIPT", "KILL"]), err(BUSY_FUNCTION));
    assert_eq!(execute(&mut admin, &["FUNCTION", "KILL"]), ok());
    assert_eq!(function.join().unwrap(), err(&format!("{KILLED} script: spin, on @user_function:2.")));
    assert_eq!(execute(&mut admin, &["FUNCTION", "KILL"]), err("NOTBUSY No scripts in execution right now."));
    engine.shutdown();
}

#[test]
fn a_transaction_refused_while_busy_fails() {
    let engine = engine();
    let mut client = connect(&engine);
    assert_eq!(execute(&mut client, &["MULTI"]), ok());
    let script = spawn(&engine, &["EVAL", "while true do end", "0"]);
    let mut other = connect(&engine);
    until(&mut other, &["GET", "k"], &err(BUSY_EVAL));
    assert_eq!(execute(&mut client, &["SET", "k", "v"]), err(BUSY_EVAL));
    assert_eq!(execute(&mut other, &["SCRIPT", "KILL"]), ok());
    script.join().unwrap();
    assert_eq!(execute(&mut client, &["EXEC"]), err("EXECABORT Transaction discarded because of previous errors."));
    assert_eq!(execute(&mut client, &["GET", "k"]), Reply::Null);
    engine.shutdown();
}

#[test]
fn lua_time_limit_is_the_thresholds_other_name() {
    let engine = Engine::open(Config::default()).unwrap();
    let mut client = connect(&engine);
    assert_eq!(execute(&mut client, &["CONFIG", "GET", "busy-reply-threshold"]), Reply::Map(vec![(bulk("busy-reply-threshold"), bulk("5000"))]));
    assert_eq!(execute(&mut client, &["CONFIG", "SET", "lua-time-limit", "250"]), ok());
    assert_eq!(execute(&mut client, &["CONFIG", "GET", "busy-reply-threshold"]), Reply::Map(vec![(bulk("busy-reply-threshold"), bulk("250"))]));
    engine.shutdown();
}
