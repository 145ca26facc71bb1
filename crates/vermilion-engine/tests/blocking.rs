mod common;

use std::thread;
use std::time::Duration;

use common::*;
use vermilion_engine::{ConnectionInfo, Outcome, Reply};

fn start(c: &mut vermilion_engine::Client, line: &str) -> Outcome {
    let words: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
    c.start(&words)
}

fn pair(key: &str, value: &str) -> Reply {
    Reply::Array(vec![bulk(key), bulk(value)])
}

#[test]
fn blpop_serves_at_once_when_data_is_there() {
    let (_e, mut c) = setup();
    run(&mut c, "RPUSH b x y");
    assert_eq!(run(&mut c, "BLPOP a b 0"), pair("b", "x"));
    assert_eq!(run(&mut c, "BRPOP a b 0"), pair("b", "y"));
    assert_eq!(run(&mut c, "EXISTS b"), int(0), "an emptied list is deleted");
    assert_eq!(run(&mut c, "BLPOP a -1"), err("ERR timeout is negative"));
    assert_eq!(run(&mut c, "BLPOP a x"), err("ERR timeout is not a float or out of range"));
    run(&mut c, "SET s v");
    assert_eq!(run(&mut c, "BLPOP s 0"), err("WRONGTYPE Operation against a key holding the wrong kind of value"));
}

#[test]
fn a_push_from_another_client_wakes_the_waiter() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    let Outcome::Blocked(waiter) = start(&mut a, "BLPOP q1 q2 0") else { panic!("should block") };
    assert!(waiter.try_take().is_none());
    assert_eq!(run(&mut b, "RPUSH q2 job"), int(1));
    assert_eq!(waiter.try_take(), Some(pair("q2", "job")));
    assert_eq!(run(&mut b, "EXISTS q2"), int(0), "the waiter took the element atomically");
}

#[test]
fn waiters_are_served_first_come_first_served() {
    let (engine, mut pusher) = setup();
    let mut first = engine.connect(ConnectionInfo::embedded("test"));
    let mut second = engine.connect(ConnectionInfo::embedded("test"));
    let Outcome::Blocked(w1) = start(&mut first, "BRPOP q 0") else { panic!() };
    let Outcome::Blocked(w2) = start(&mut second, "BRPOP q 0") else { panic!() };
    run(&mut pusher, "LPUSH q a");
    assert_eq!(w1.try_take(), Some(pair("q", "a")));
    assert!(w2.try_take().is_none());
    run(&mut pusher, "LPUSH q b c");
    assert_eq!(w2.try_take(), Some(pair("q", "b")));
    assert_eq!(run(&mut pusher, "LRANGE q 0 -1"), Reply::Array(vec![bulk("c")]));
}

#[test]
fn timeouts_follow_the_engine_clock() {
    let (engine, mut a) = setup();
    let Outcome::Blocked(waiter) = start(&mut a, "BLPOP q 1.5") else { panic!() };
    engine.advance_time(1499);
    assert!(waiter.try_take().is_none());
    engine.advance_time(1);
    assert_eq!(waiter.try_take(), Some(Reply::NullArray));
    // Every timed-out wait on keys replies a null array, BLMOVE's too (only inside MULTI does
    // BLMOVE answer a null bulk).
    let Outcome::Blocked(waiter) = start(&mut a, "BLMOVE src dst LEFT RIGHT 1") else { panic!() };
    engine.advance_time(1000);
    assert_eq!(waiter.try_take(), Some(Reply::NullArray));
}

#[test]
fn cancel_unparks_and_a_later_push_stays() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    let Outcome::Blocked(waiter) = start(&mut a, "BLPOP q 0") else { panic!() };
    assert_eq!(waiter.cancel(), Reply::NullArray);
    run(&mut b, "RPUSH q x");
    assert_eq!(run(&mut b, "LLEN q"), int(1));
}

#[test]
fn blmove_chains_wake_the_next_waiter() {
    let (engine, mut pusher) = setup();
    let mut mover = engine.connect(ConnectionInfo::embedded("test"));
    let mut consumer = engine.connect(ConnectionInfo::embedded("test"));
    let Outcome::Blocked(moved) = start(&mut mover, "BLMOVE in out RIGHT LEFT 0") else { panic!() };
    let Outcome::Blocked(consumed) = start(&mut consumer, "BLPOP out 0") else { panic!() };
    run(&mut pusher, "RPUSH in job");
    assert_eq!(moved.try_take(), Some(bulk("job")));
    assert_eq!(consumed.try_take(), Some(pair("out", "job")));
}

#[test]
fn a_key_of_another_type_keeps_the_waiter_waiting() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    let Outcome::Blocked(waiter) = start(&mut a, "BLPOP k 0") else { panic!() };
    run(&mut b, "SET k v");
    assert!(waiter.try_take().is_none());
    run(&mut b, "DEL k");
    run(&mut b, "RPUSH k x");
    assert_eq!(waiter.try_take(), Some(pair("k", "x")));
}

#[test]
fn inside_multi_blocking_commands_do_not_block() {
    let (_e, mut c) = setup();
    run(&mut c, "MULTI");
    run(&mut c, "BLPOP q 0");
    run(&mut c, "BLMOVE a b LEFT LEFT 0");
    run(&mut c, "BLMPOP 0 1 q LEFT");
    assert_eq!(run(&mut c, "EXEC"), Reply::Array(vec![Reply::NullArray, Reply::Null, Reply::NullArray]));
}

#[test]
fn blmpop_pops_several() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    let Outcome::Blocked(waiter) = start(&mut a, "BLMPOP 0 2 x y RIGHT COUNT 2") else { panic!() };
    run(&mut b, "RPUSH y 1 2 3");
    assert_eq!(
        waiter.try_take(),
        Some(Reply::Array(vec![bulk("y"), Reply::Array(vec![bulk("3"), bulk("2")])]))
    );
}

#[test]
fn execute_waits_on_a_thread_until_served() {
    let (engine, mut a) = setup();
    let pusher = {
        let engine = engine.clone();
        thread::spawn(move || {
            let mut b = engine.connect(ConnectionInfo::embedded("test"));
            // Push only once the waiter is parked, so the test never depends on timing.
            while engine.blocked_clients() == 0 {
                thread::sleep(Duration::from_millis(1));
            }
            run(&mut b, "RPUSH q done");
        })
    };
    assert_eq!(run(&mut a, "BLPOP q 0"), pair("q", "done"));
    pusher.join().unwrap();
}

#[test]
fn bzpopmin_and_bzmpop_wait_for_members() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    let Outcome::Blocked(min) = start(&mut a, "BZPOPMIN z 0") else { panic!() };
    run(&mut b, "ZADD z 2 two 1 one");
    assert_eq!(min.try_take(), Some(Reply::Array(vec![bulk("z"), bulk("one"), Reply::Double(1.0)])));
    let Outcome::Blocked(many) = start(&mut a, "BZMPOP 0 1 y MAX COUNT 5") else { panic!() };
    run(&mut b, "ZADD y 1 a 3 c");
    assert_eq!(
        many.try_take(),
        Some(Reply::Array(vec![
            bulk("y"),
            Reply::Array(vec![
                Reply::Array(vec![bulk("c"), Reply::Double(3.0)]),
                Reply::Array(vec![bulk("a"), Reply::Double(1.0)]),
            ]),
        ]))
    );
    assert_eq!(run(&mut a, "BZPOPMAX z 0"), Reply::Array(vec![bulk("z"), bulk("two"), Reply::Double(2.0)]));
}

#[test]
fn wait_answers_for_a_master_without_replicas() {
    let (engine, mut c) = setup();
    assert_eq!(run(&mut c, "WAIT 0 0"), int(0));
    assert_eq!(run(&mut c, "WAIT -1 0"), int(0));
    assert_eq!(run(&mut c, "WAIT 1 -5"), err("ERR timeout is negative"));
    assert_eq!(run(&mut c, "WAIT 1 x"), err("ERR timeout is not an integer or out of range"));
    let Outcome::Blocked(waiter) = start(&mut c, "WAIT 1 100") else { panic!("asking for a replica waits") };
    engine.advance_time(99);
    assert!(waiter.try_take().is_none());
    engine.advance_time(1);
    assert_eq!(waiter.try_take(), Some(int(0)));
    assert_eq!(run(&mut c, "ROLE"), Reply::Array(vec![bulk("master"), int(0), Reply::Array(vec![])]));
}

#[test]
fn xread_block_on_dollar_gets_the_next_entry() {
    let (engine, mut reader) = setup();
    let mut writer = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut writer, "XADD s 1-1 f old");
    let Outcome::Blocked(waiter) = start(&mut reader, "XREAD BLOCK 0 STREAMS s $") else { panic!("nothing new yet") };
    run(&mut writer, "XADD s 2-1 f new");
    let entry = Reply::Array(vec![bulk("2-1"), Reply::Array(vec![bulk("f"), bulk("new")])]);
    assert_eq!(
        waiter.try_take(),
        Some(Reply::Array(vec![Reply::Array(vec![bulk("s"), Reply::Array(vec![entry])])]))
    );
    let Outcome::Blocked(group_waiter) = start(&mut reader, "XREAD BLOCK 1000 STREAMS s 2-1") else { panic!() };
    engine.advance_time(1000);
    assert_eq!(group_waiter.try_take(), Some(Reply::NullArray));
}

#[test]
fn client_list_shows_blocked_and_transaction_states() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    let line_of = |c: &mut vermilion_engine::Client, id: u64| {
        let Reply::Verbatim(_, text) = run(c, "CLIENT LIST") else { panic!() };
        String::from_utf8(text).unwrap().lines().find(|l| l.starts_with(&format!("id={id} "))).unwrap().to_string()
    };
    let Outcome::Blocked(waiter) = start(&mut a, "BLPOP q 0") else { panic!() };
    assert!(line_of(&mut b, a.id()).contains(" flags=b "));
    waiter.cancel();
    assert!(line_of(&mut b, a.id()).contains(" flags=N "));
    run(&mut b, "MULTI");
    run(&mut b, "PING");
    run(&mut b, "PING");
    assert!(line_of(&mut a, b.id()).contains(" flags=x db=0 sub=0 psub=0 ssub=0 multi=2 "));
    run(&mut b, "EXEC");
    assert!(line_of(&mut a, b.id()).contains(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 "));
}
