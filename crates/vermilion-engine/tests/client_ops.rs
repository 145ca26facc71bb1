//! CLIENT PAUSE / UNPAUSE, CLIENT UNBLOCK and commands refused inside MULTI, as an embedded
//! face sees them: a held-back command is a parked call to wait on, like a blocking command.

mod common;

use std::thread;
use std::time::Duration;

use common::*;
use vermilion_engine::{Clock, Config, ConnectionInfo, Engine, Outcome, Reply};

fn start(c: &mut vermilion_engine::Client, line: &str) -> Outcome {
    let words: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
    c.start(&words)
}

fn info_field(c: &mut vermilion_engine::Client, section: &str, field: &str) -> String {
    let Reply::Verbatim(_, text) = run(c, &format!("INFO {section}")) else { panic!("INFO is verbatim text") };
    let text = String::from_utf8(text).unwrap();
    let prefix = format!("{field}:");
    text.lines().find_map(|l| l.strip_prefix(&prefix)).unwrap_or_default().to_string()
}

#[test]
fn a_write_pause_holds_writes_and_lets_reads_through() {
    let (engine, mut admin) = setup();
    let mut other = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut admin, "SET k old");
    assert_eq!(run(&mut admin, "CLIENT PAUSE 100000 WRITE"), ok());
    assert_eq!(run(&mut other, "GET k"), bulk("old"));
    let Outcome::Blocked(waiter) = start(&mut other, "SET k new") else { panic!("a write waits") };
    assert!(waiter.try_take().is_none());
    assert_eq!(run(&mut admin, "GET k"), bulk("old"), "the held write has not run");
    assert_eq!(info_field(&mut admin, "clients", "blocked_clients"), "1");
    assert_eq!(run(&mut admin, "CLIENT UNPAUSE"), ok());
    assert_eq!(run(&mut admin, "GET k"), bulk("new"), "what the pause held back runs first");
    assert_eq!(waiter.try_take(), Some(ok()));
    assert_eq!(info_field(&mut admin, "clients", "blocked_clients"), "0");
}

#[test]
fn an_all_pause_holds_every_command_until_it_times_out() {
    let (engine, mut admin) = setup();
    let mut other = engine.connect(ConnectionInfo::embedded("test"));
    assert_eq!(run(&mut admin, "CLIENT PAUSE 1000 ALL"), ok());
    let Outcome::Blocked(select) = start(&mut other, "SELECT 1") else { panic!("everything waits") };
    assert_eq!(select.remaining(), Some(Duration::from_millis(1001)));
    engine.advance_time(1000);
    assert!(select.try_take().is_none(), "the pause holds through its last millisecond");
    engine.advance_time(1);
    assert_eq!(select.try_take(), Some(ok()));
    // SELECT acted on the connection: the next command runs in database 1.
    run(&mut other, "SET k v");
    assert_eq!(run(&mut admin, "EXISTS k"), int(0));
}

#[test]
fn a_held_blocking_command_blocks_on_its_keys_once_released() {
    let (engine, mut admin) = setup();
    let mut other = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut admin, "CLIENT PAUSE 100000 WRITE");
    let Outcome::Blocked(waiter) = start(&mut other, "BLPOP q 0") else { panic!() };
    run(&mut admin, "CLIENT UNPAUSE");
    assert!(waiter.try_take().is_none(), "released, it now waits for data");
    assert_eq!(waiter.remaining(), None);
    run(&mut admin, "RPUSH q job");
    assert_eq!(waiter.try_take(), Some(Reply::Array(vec![bulk("q"), bulk("job")])));
}

#[test]
fn queueing_a_write_in_multi_waits_and_exec_of_writes_waits() {
    let (engine, mut admin) = setup();
    let mut other = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut other, "MULTI");
    run(&mut admin, "CLIENT PAUSE 100000 WRITE");
    let Outcome::Blocked(queued) = start(&mut other, "SET a 1") else { panic!() };
    run(&mut admin, "CLIENT UNPAUSE");
    assert_eq!(queued.try_take(), Some(Reply::QUEUED));
    run(&mut admin, "CLIENT PAUSE 100000 WRITE");
    let Outcome::Blocked(exec) = start(&mut other, "EXEC") else { panic!() };
    assert_eq!(run(&mut admin, "EXISTS a"), int(0));
    run(&mut admin, "CLIENT UNPAUSE");
    assert_eq!(exec.try_take(), Some(Reply::Array(vec![ok()])));
    assert_eq!(run(&mut other, "EXEC"), err("ERR EXEC without MULTI"), "EXEC ended the transaction");
}

#[test]
fn scripts_that_promise_no_writes_are_not_held() {
    let (engine, mut admin) = setup();
    let mut other = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut admin, "CLIENT PAUSE 100000 WRITE");
    let ro: Vec<&[u8]> = vec![b"EVAL", b"#!lua flags=no-writes\nreturn 7", b"0"];
    assert_eq!(other.execute(&ro), int(7));
    assert!(matches!(start(&mut other, "EVAL return 1 0"), Outcome::Blocked(_)));
    assert!(matches!(start(&mut admin, "PUBLISH ch m"), Outcome::Blocked(_)));
    run(&mut engine.connect(ConnectionInfo::embedded("test")), "CLIENT UNPAUSE");
}

#[test]
fn a_thread_waiting_on_a_held_command_resumes_when_the_pause_times_out() {
    let (engine, mut admin) = setup();
    run(&mut admin, "CLIENT PAUSE 100000 ALL");
    let mut other = engine.connect(ConnectionInfo::embedded("test"));
    let writer = thread::spawn(move || run(&mut other, "SET k v"));
    thread::sleep(Duration::from_millis(20));
    assert!(!writer.is_finished());
    engine.advance_time(100_001);
    assert_eq!(writer.join().unwrap(), ok());
    assert_eq!(run(&mut admin, "GET k"), bulk("v"));
}

#[test]
fn a_pause_on_the_system_clock_ends_by_itself() {
    let engine = Engine::open_with_clock(Config::default(), Clock::System).unwrap();
    let mut admin = engine.connect(ConnectionInfo::embedded("test"));
    let mut other = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut admin, "CLIENT PAUSE 50 WRITE");
    let started = std::time::Instant::now();
    assert_eq!(run(&mut other, "SET k v"), ok());
    assert!(started.elapsed() >= Duration::from_millis(40));
}

#[test]
fn unblock_ends_a_blocking_command_as_a_timeout_or_an_error() {
    let (engine, mut admin) = setup();
    let mut other = engine.connect(ConnectionInfo::embedded("test"));
    let id = other.id();
    let Outcome::Blocked(waiter) = start(&mut other, "BLPOP q 0") else { panic!() };
    assert_eq!(run(&mut admin, &format!("CLIENT UNBLOCK {id}")), int(1));
    assert_eq!(waiter.try_take(), Some(Reply::NullArray));
    let Outcome::Blocked(waiter) = start(&mut other, "WAIT 1 0") else { panic!() };
    assert_eq!(run(&mut admin, &format!("CLIENT UNBLOCK {id} ERROR")), int(1));
    assert_eq!(waiter.try_take(), Some(err("UNBLOCKED client unblocked via CLIENT UNBLOCK")));
    assert_eq!(run(&mut admin, &format!("CLIENT UNBLOCK {id}")), int(0));
    assert_eq!(run(&mut admin, "CLIENT UNBLOCK 1 FOO"), err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
    // A command held by a pause is not a blocking command.
    run(&mut admin, "CLIENT PAUSE 100000 WRITE");
    let Outcome::Blocked(held) = start(&mut other, "SET k v") else { panic!() };
    assert_eq!(run(&mut admin, &format!("CLIENT UNBLOCK {id}")), int(0));
    run(&mut admin, "CLIENT UNPAUSE");
    assert_eq!(held.try_take(), Some(ok()));
}

#[test]
fn shutdown_and_save_are_refused_inside_multi() {
    let (_engine, mut c) = setup();
    run(&mut c, "MULTI");
    assert_eq!(run(&mut c, "SHUTDOWN"), err("ERR Command not allowed inside a transaction"));
    assert_eq!(run(&mut c, "SAVE"), err("ERR Command not allowed inside a transaction"));
    assert_eq!(run(&mut c, "EXEC"), err("EXECABORT Transaction discarded because of previous errors."));
}
