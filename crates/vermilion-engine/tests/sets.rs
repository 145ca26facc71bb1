mod common;

use common::*;
use vermilion_engine::Reply;

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

fn set_of(items: &[&str]) -> Reply {
    Reply::Set(items.iter().map(|s| bulk(s)).collect())
}

#[test]
fn add_remove_and_membership() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "SADD s a b a c"), int(3));
    assert_eq!(run(&mut c, "SADD s c d"), int(1));
    assert_eq!(run(&mut c, "SCARD s"), int(4));
    assert_eq!(run(&mut c, "SCARD nokey"), int(0));
    assert_eq!(run(&mut c, "SISMEMBER s a"), int(1));
    assert_eq!(run(&mut c, "SISMEMBER s z"), int(0));
    assert_eq!(run(&mut c, "SISMEMBER nokey a"), int(0));
    assert_eq!(run(&mut c, "SMISMEMBER s a z d"), Reply::Array(vec![int(1), int(0), int(1)]));
    assert_eq!(run(&mut c, "SMISMEMBER nokey a b"), Reply::Array(vec![int(0), int(0)]));
    assert_eq!(sorted(run(&mut c, "SMEMBERS s")), ["a", "b", "c", "d"]);
    assert_eq!(run(&mut c, "SMEMBERS nokey"), set_of(&[]));
    assert_eq!(run(&mut c, "SREM s a z b"), int(2));
    assert_eq!(run(&mut c, "SREM nokey a"), int(0));
    assert_eq!(run(&mut c, "SREM s c d"), int(2));
    assert_eq!(run(&mut c, "EXISTS s"), int(0), "the emptied set is deleted");
}

#[test]
fn intsets_hold_sorted_integers_until_redis_thresholds() {
    let (_e, mut c) = setup();
    run(&mut c, "SADD s 30 -5 10 0");
    assert_eq!(encoding(&mut c, "s"), bulk("intset"));
    assert_eq!(run(&mut c, "SMEMBERS s"), set_of(&["-5", "0", "10", "30"]));
    // Not canonical integers: strings, never intset members.
    assert_eq!(run(&mut c, "SISMEMBER s 010"), int(0));
    assert_eq!(run(&mut c, "SREM s +10"), int(0));
    run(&mut c, "SADD s 007");
    assert_eq!(encoding(&mut c, "s"), bulk("hashtable"));
    run(&mut c, "SREM s 007");
    assert_eq!(encoding(&mut c, "s"), bulk("hashtable"), "never converts back");

    let members: Vec<String> = (0..512).map(|i| i.to_string()).collect();
    run(&mut c, &format!("SADD big {}", members.join(" ")));
    assert_eq!(encoding(&mut c, "big"), bulk("intset"));
    run(&mut c, "SADD big 512");
    assert_eq!(encoding(&mut c, "big"), bulk("hashtable"));
    assert_eq!(run(&mut c, "SISMEMBER big 511"), int(1));
    // Redis 7.0 has no listpack sets: strings go straight to a hash table.
    run(&mut c, "SADD words a");
    assert_eq!(encoding(&mut c, "words"), bulk("hashtable"));
}

#[test]
fn arity_and_wrong_types() {
    let (_e, mut c) = setup();
    run(&mut c, "SET str v");
    run(&mut c, "SADD s 1");
    assert_eq!(run(&mut c, "SADD s"), err("ERR wrong number of arguments for 'sadd' command"));
    assert_eq!(run(&mut c, "SINTERCARD 1"), err("ERR wrong number of arguments for 'sintercard' command"));
    assert_eq!(run(&mut c, "SMOVE a b"), err("ERR wrong number of arguments for 'smove' command"));
    for cmd in [
        "SADD str a", "SREM str a", "SCARD str", "SISMEMBER str a", "SMISMEMBER str a", "SMEMBERS str",
        "SRANDMEMBER str", "SRANDMEMBER str 2", "SPOP str", "SPOP str 2", "SINTER s str",
        "SINTER nokey str", "SINTERCARD 2 s str", "SINTERSTORE d s str", "SUNION str s", "SUNIONSTORE d s str",
        "SDIFF s str", "SDIFFSTORE d nokey str", "SSCAN str 0", "SMOVE str s 1", "SMOVE s str 1",
    ] {
        assert_eq!(run(&mut c, cmd), err(WRONGTYPE), "{cmd}");
    }
    assert_eq!(run(&mut c, "EXISTS d"), int(0));
    assert_eq!(run(&mut c, "SMOVE nokey str 1"), int(0), "a missing source answers before type checks");
}

#[test]
fn smove_moves_one_member() {
    let (_e, mut c) = setup();
    run(&mut c, "SADD src 1 2 a");
    assert_eq!(run(&mut c, "SMOVE src dst 1"), int(1));
    assert_eq!(run(&mut c, "SMEMBERS dst"), set_of(&["1"]));
    assert_eq!(encoding(&mut c, "dst"), bulk("intset"), "created for its first member");
    assert_eq!(run(&mut c, "SMOVE src dst 1"), int(0));
    assert_eq!(run(&mut c, "SMOVE src src 2"), int(1));
    assert_eq!(run(&mut c, "SMOVE src src 9"), int(0));
    run(&mut c, "SADD dst 2");
    assert_eq!(run(&mut c, "SMOVE src dst 2"), int(1), "already in the destination still counts");
    assert_eq!(run(&mut c, "SMOVE src dst a"), int(1));
    assert_eq!(run(&mut c, "EXISTS src"), int(0), "the emptied source is deleted");
    assert_eq!(sorted(run(&mut c, "SMEMBERS dst")), ["1", "2", "a"]);
}

#[test]
fn intersections_walk_the_smallest_set() {
    let (_e, mut c) = setup();
    run(&mut c, "SADD a 1 2 3 4 x");
    run(&mut c, "SADD b 3 4 5 x");
    run(&mut c, "SADD small 4 3");
    assert_eq!(sorted(run(&mut c, "SINTER a b")), ["3", "4", "x"]);
    assert_eq!(run(&mut c, "SINTER a b small"), set_of(&["3", "4"]), "in the intset's order");
    assert_eq!(run(&mut c, "SINTER a nokey b"), set_of(&[]));
    assert_eq!(sorted(run(&mut c, "SINTER a a")), ["1", "2", "3", "4", "x"]);
    assert_eq!(run(&mut c, "SINTERCARD 2 a b"), int(3));
    assert_eq!(run(&mut c, "SINTERCARD 2 a b LIMIT 2"), int(2));
    assert_eq!(run(&mut c, "SINTERCARD 2 a b limit 0"), int(3));
    assert_eq!(run(&mut c, "SINTERCARD 2 a b LIMIT 5 LIMIT 1"), int(1));
    assert_eq!(run(&mut c, "SINTERCARD 1 nokey"), int(0));
    assert_eq!(run(&mut c, "SINTERSTORE d a b small"), int(2));
    assert_eq!(run(&mut c, "SMEMBERS d"), set_of(&["3", "4"]));
    assert_eq!(encoding(&mut c, "d"), bulk("intset"));
    assert_eq!(run(&mut c, "SINTERSTORE d a nokey"), int(0));
    assert_eq!(run(&mut c, "EXISTS d"), int(0), "an empty result deletes the destination");
}

#[test]
fn sintercard_argument_errors() {
    let (_e, mut c) = setup();
    run(&mut c, "SADD s 1");
    assert_eq!(run(&mut c, "SINTERCARD 0 s"), err("ERR numkeys should be greater than 0"));
    assert_eq!(run(&mut c, "SINTERCARD x s"), err("ERR numkeys should be greater than 0"));
    assert_eq!(run(&mut c, "SINTERCARD 3 s"), err("ERR Number of keys can't be greater than number of args"));
    assert_eq!(run(&mut c, "SINTERCARD 1 s LIMIT -1"), err("ERR LIMIT can't be negative"));
    assert_eq!(run(&mut c, "SINTERCARD 1 s LIMIT x"), err("ERR LIMIT can't be negative"));
    assert_eq!(run(&mut c, "SINTERCARD 1 s LIMIT"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SINTERCARD 1 s FOO 1"), err("ERR syntax error"));
}

#[test]
fn unions_and_differences() {
    let (_e, mut c) = setup();
    run(&mut c, "SADD a 3 1 2");
    run(&mut c, "SADD b 2 5 x");
    assert_eq!(run(&mut c, "SUNION a nokey"), set_of(&["1", "2", "3"]));
    assert_eq!(sorted(run(&mut c, "SUNION a b")), ["1", "2", "3", "5", "x"]);
    assert_eq!(run(&mut c, "SDIFF a b"), set_of(&["1", "3"]));
    assert_eq!(sorted(run(&mut c, "SDIFF b a")), ["5", "x"]);
    assert_eq!(run(&mut c, "SDIFF a a"), set_of(&[]));
    assert_eq!(run(&mut c, "SDIFF nokey a"), set_of(&[]));
    assert_eq!(run(&mut c, "SDIFF a nokey"), set_of(&["1", "2", "3"]));
    assert_eq!(run(&mut c, "SUNIONSTORE u a b"), int(5));
    assert_eq!(encoding(&mut c, "u"), bulk("hashtable"));
    assert_eq!(run(&mut c, "SDIFFSTORE d a b"), int(2));
    assert_eq!(encoding(&mut c, "d"), bulk("intset"));
    // A string destination is overwritten, its expiry dropped.
    run(&mut c, "SET str v EX 100");
    assert_eq!(run(&mut c, "SUNIONSTORE str a"), int(3));
    assert_eq!(run(&mut c, "TYPE str"), Reply::simple("set"));
    assert_eq!(run(&mut c, "TTL str"), int(-1));
    assert_eq!(run(&mut c, "SDIFFSTORE str a a"), int(0));
    assert_eq!(run(&mut c, "EXISTS str"), int(0));
}

#[test]
fn big_differences_take_either_path() {
    let (_e, mut c) = setup();
    let evens: Vec<String> = (0..2000).step_by(2).map(|i| format!("m{i}")).collect();
    let all: Vec<String> = (0..2000).map(|i| format!("m{i}")).collect();
    run(&mut c, &format!("SADD evens {}", evens.join(" ")));
    run(&mut c, &format!("SADD all {}", all.join(" ")));
    run(&mut c, "SADD few m1 m3");
    // Many small sets to subtract favour walking the first set; one huge one favours copying.
    assert_eq!(run(&mut c, "SDIFFSTORE d1 all evens few"), int(998));
    assert_eq!(run(&mut c, "SDIFFSTORE d2 few all"), int(0));
    assert_eq!(run(&mut c, "SDIFFSTORE d3 few evens"), int(2));
    assert_eq!(run(&mut c, "SISMEMBER d1 m5"), int(1));
    assert_eq!(run(&mut c, "SISMEMBER d1 m3"), int(0));
}

#[test]
fn srandmember_counts() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "SRANDMEMBER nokey"), Reply::Null);
    assert_eq!(run(&mut c, "SRANDMEMBER nokey 5"), Reply::Array(vec![]));
    run(&mut c, "SADD s 1 2 3");
    let one = strings(Reply::Array(vec![run(&mut c, "SRANDMEMBER s")]));
    assert!(["1", "2", "3"].contains(&one[0].as_str()));
    assert_eq!(run(&mut c, "SRANDMEMBER s 0"), Reply::Array(vec![]));
    assert_eq!(run(&mut c, "SRANDMEMBER s 10"), Reply::Array(vec![bulk("1"), bulk("2"), bulk("3")]));
    let two = sorted(run(&mut c, "SRANDMEMBER s 2"));
    assert_eq!(two.len(), 2);
    assert_ne!(two[0], two[1]);
    let many = strings(run(&mut c, "SRANDMEMBER s -40"));
    assert_eq!(many.len(), 40);
    assert!(many.iter().all(|m| ["1", "2", "3"].contains(&m.as_str())));
    assert_eq!(run(&mut c, "SCARD s"), int(3), "SRANDMEMBER never removes");

    let members: Vec<String> = (0..1000).map(|i| format!("m{i}")).collect();
    run(&mut c, &format!("SADD big {}", members.join(" ")));
    for count in [3, 400, 999] {
        let mut picked = strings(run(&mut c, &format!("SRANDMEMBER big {count}")));
        picked.sort();
        picked.dedup();
        assert_eq!(picked.len(), count);
    }
}

#[test]
fn srandmember_and_spop_argument_errors() {
    let (_e, mut c) = setup();
    run(&mut c, "SADD s 1 2");
    assert_eq!(run(&mut c, "SRANDMEMBER s x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "SRANDMEMBER s 1 2"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SRANDMEMBER s x y"), err("ERR syntax error"));
    assert_eq!(
        run(&mut c, "SRANDMEMBER s -9223372036854775808"),
        err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    );
    assert_eq!(run(&mut c, "SPOP s -1"), err("ERR value is out of range, must be positive"));
    assert_eq!(run(&mut c, "SPOP nokey -1"), err("ERR value is out of range, must be positive"));
    assert_eq!(run(&mut c, "SPOP s x"), err("ERR value is out of range, must be positive"));
    assert_eq!(run(&mut c, "SPOP s 9223372036854775808"), err("ERR value is out of range, must be positive"));
    assert_eq!(run(&mut c, "SPOP s 1 2"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SCARD s"), int(2));
}

#[test]
fn spop_removes_what_it_returns() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "SPOP nokey"), Reply::Null);
    assert_eq!(run(&mut c, "SPOP nokey 3"), set_of(&[]));
    run(&mut c, "SADD s a");
    assert_eq!(run(&mut c, "SPOP s 0"), set_of(&[]));
    assert_eq!(run(&mut c, "SPOP s"), bulk("a"));
    assert_eq!(run(&mut c, "EXISTS s"), int(0));

    run(&mut c, "SADD ints 5 1 3");
    assert_eq!(run(&mut c, "SPOP ints 10"), set_of(&["1", "3", "5"]));
    assert_eq!(run(&mut c, "EXISTS ints"), int(0));

    // Few popped (one by one) and most popped (the survivors are drawn instead), both encodings.
    for (key, prefix) in [("words", "m"), ("numbers", "")] {
        let members: Vec<String> = (0..300).map(|i| format!("{prefix}{i}")).collect();
        run(&mut c, &format!("SADD {key} {}", members.join(" ")));
        let mut popped = strings(run(&mut c, &format!("SPOP {key} 10")));
        popped.extend(strings(run(&mut c, &format!("SPOP {key} 280"))));
        let rest = strings(run(&mut c, &format!("SMEMBERS {key}")));
        assert_eq!(rest.len(), 10);
        popped.extend(rest);
        popped.sort();
        popped.dedup();
        assert_eq!(popped.len(), 300, "every member exactly once");
    }
}

#[test]
fn sscan_small_and_big_sets() {
    let (_e, mut c) = setup();
    run(&mut c, "SADD ints 10 2 33");
    let page = |items: &[&str]| Reply::Array(vec![bulk("0"), Reply::Array(items.iter().map(|s| bulk(s)).collect())]);
    assert_eq!(run(&mut c, "SSCAN ints 0"), page(&["2", "10", "33"]));
    assert_eq!(run(&mut c, "SSCAN ints 0 MATCH *3 COUNT 1"), page(&["33"]));
    assert_eq!(run(&mut c, "SSCAN ints -1"), page(&["2", "10", "33"]));
    assert_eq!(run(&mut c, "SSCAN nokey 0 COUNT 0"), page(&[]));
    assert_eq!(run(&mut c, "SSCAN ints 0 COUNT 0"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SSCAN ints x"), err("ERR invalid cursor"));

    let members: Vec<String> = (0..1000).map(|i| format!("m{i}")).collect();
    run(&mut c, &format!("SADD big {}", members.join(" ")));
    let mut seen = Vec::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let Reply::Array(page) = run(&mut c, &format!("SSCAN big {cursor} COUNT 20")) else { panic!() };
        let [Reply::Bulk(next), items] = <[Reply; 2]>::try_from(page).unwrap() else { panic!() };
        seen.extend(strings(items));
        cursor = String::from_utf8(next.to_vec()).unwrap();
        calls += 1;
        if cursor == "0" {
            break;
        }
    }
    assert!(calls > 1);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 1000);
}

#[test]
fn expired_sets_read_as_missing() {
    let (engine, mut c) = setup();
    run(&mut c, "SADD a 1 2");
    run(&mut c, "SADD b 2");
    run(&mut c, "PEXPIRE b 50");
    engine.advance_time(50);
    assert_eq!(run(&mut c, "SINTER a b"), set_of(&[]));
    assert_eq!(run(&mut c, "SUNION a b"), set_of(&["1", "2"]));
    assert_eq!(run(&mut c, "SMOVE a b 1"), int(1));
    assert_eq!(run(&mut c, "TTL b"), int(-1));
}
