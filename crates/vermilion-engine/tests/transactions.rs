mod common;

use common::*;
use vermilion_engine::{ConnectionInfo, Reply};

#[test]
fn exec_runs_the_queue_and_reports_each_result() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "MULTI"), ok());
    assert_eq!(run(&mut c, "SET k 1"), Reply::QUEUED);
    assert_eq!(run(&mut c, "INCR k"), Reply::QUEUED);
    assert_eq!(run(&mut c, "LPUSH k x"), Reply::QUEUED);
    assert_eq!(
        run(&mut c, "EXEC"),
        Reply::Array(vec![ok(), int(2), err("WRONGTYPE Operation against a key holding the wrong kind of value")])
    );
    assert_eq!(run(&mut c, "GET k"), bulk("2"));
}

#[test]
fn queueing_errors_abort_the_transaction() {
    let (_e, mut c) = setup();
    run(&mut c, "MULTI");
    assert_eq!(run(&mut c, "SET k 1"), Reply::QUEUED);
    assert_eq!(run(&mut c, "GET"), err("ERR wrong number of arguments for 'get' command"));
    assert_eq!(run(&mut c, "EXEC"), err("EXECABORT Transaction discarded because of previous errors."));
    assert_eq!(run(&mut c, "EXISTS k"), int(0));
    assert_eq!(run(&mut c, "EXEC"), err("ERR EXEC without MULTI"));
    assert_eq!(run(&mut c, "DISCARD"), err("ERR DISCARD without MULTI"));
    run(&mut c, "MULTI");
    assert_eq!(run(&mut c, "MULTI"), err("ERR MULTI calls can not be nested"));
    assert_eq!(run(&mut c, "WATCH k"), err("ERR WATCH inside MULTI is not allowed"));
    assert_eq!(run(&mut c, "PING"), Reply::QUEUED);
    assert_eq!(run(&mut c, "EXEC"), Reply::Array(vec![Reply::simple("PONG")]), "nesting errors do not doom it");
}

#[test]
fn watch_aborts_when_another_client_writes() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut a, "SET k 1");
    assert_eq!(run(&mut a, "WATCH k"), ok());
    run(&mut b, "SET other 1");
    run(&mut a, "MULTI");
    run(&mut a, "INCR k");
    assert_eq!(run(&mut a, "EXEC"), Reply::Array(vec![int(2)]), "unrelated writes don't count");

    run(&mut a, "WATCH k");
    run(&mut b, "INCR k");
    run(&mut a, "MULTI");
    run(&mut a, "INCR k");
    assert_eq!(run(&mut a, "EXEC"), Reply::NullArray);
    assert_eq!(run(&mut a, "GET k"), bulk("3"));

    // A failed conditional write changes nothing, so it breaks no WATCH.
    run(&mut a, "WATCH k");
    assert_eq!(run(&mut b, "SET k 9 NX"), Reply::Null);
    run(&mut a, "MULTI");
    assert_eq!(run(&mut a, "EXEC"), Reply::Array(vec![]));
}

#[test]
fn watch_aborts_on_expiry_flush_and_swap() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut a, "SET k 1 PX 100");
    run(&mut a, "WATCH k");
    engine.advance_time(200);
    run(&mut a, "MULTI");
    assert_eq!(run(&mut a, "EXEC"), Reply::NullArray, "expired since WATCH");

    run(&mut a, "SET k 1");
    run(&mut a, "WATCH k");
    run(&mut b, "FLUSHALL");
    run(&mut a, "MULTI");
    assert_eq!(run(&mut a, "EXEC"), Reply::NullArray, "flushed since WATCH");

    run(&mut a, "WATCH k");
    run(&mut b, "FLUSHDB");
    run(&mut a, "MULTI");
    assert_eq!(run(&mut a, "EXEC"), Reply::Array(vec![]), "flushing a db without the key changes nothing");

    run(&mut b, "SELECT 1");
    run(&mut b, "SET k 2");
    run(&mut a, "WATCH k");
    run(&mut b, "SWAPDB 0 1");
    run(&mut a, "MULTI");
    assert_eq!(run(&mut a, "EXEC"), Reply::NullArray, "swapped in since WATCH");
}

#[test]
fn unwatch_discard_and_reset_forget_keys() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut a, "WATCH k");
    run(&mut a, "UNWATCH");
    run(&mut b, "SET k 1");
    run(&mut a, "MULTI");
    assert_eq!(run(&mut a, "EXEC"), Reply::Array(vec![]));
    run(&mut a, "WATCH k");
    run(&mut a, "MULTI");
    assert_eq!(run(&mut a, "DISCARD"), ok());
    run(&mut b, "SET k 2");
    run(&mut a, "MULTI");
    assert_eq!(run(&mut a, "EXEC"), Reply::Array(vec![]));
    run(&mut a, "MULTI");
    run(&mut a, "SET x 1");
    assert_eq!(run(&mut a, "RESET"), Reply::simple("RESET"));
    assert_eq!(run(&mut a, "EXEC"), err("ERR EXEC without MULTI"));
    assert_eq!(run(&mut a, "EXISTS x"), int(0));
}

#[test]
fn concurrent_optimistic_increments_are_exact() {
    let (engine, _c) = setup();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let engine = engine.clone();
            std::thread::spawn(move || {
                let mut c = engine.connect(ConnectionInfo::embedded("test"));
                let mut done = 0;
                while done < 250 {
                    run(&mut c, "WATCH counter");
                    let current = match run(&mut c, "GET counter") {
                        Reply::Bulk(b) => String::from_utf8(b.to_vec()).unwrap().parse::<i64>().unwrap(),
                        _ => 0,
                    };
                    run(&mut c, "MULTI");
                    run(&mut c, &format!("SET counter {}", current + 1));
                    if run(&mut c, "EXEC") != Reply::NullArray {
                        done += 1;
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut c = engine.connect(ConnectionInfo::embedded("test"));
    assert_eq!(run(&mut c, "GET counter"), bulk("1000"));
}
