mod common;

use common::*;
use vermilion_engine::{Client, Reply};

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

fn bulks(items: &[&str]) -> Reply {
    Reply::Array(items.iter().map(|s| bulk(s)).collect())
}

#[test]
fn set_get_and_delete_fields() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "HSET h a 1 b 2"), int(2));
    assert_eq!(run(&mut c, "HSET h a 10 c 3"), int(1));
    assert_eq!(run(&mut c, "HGET h a"), bulk("10"));
    assert_eq!(run(&mut c, "HGET h zz"), Reply::Null);
    assert_eq!(run(&mut c, "HGET nokey a"), Reply::Null);
    assert_eq!(run(&mut c, "HMGET h a zz c"), Reply::Array(vec![bulk("10"), Reply::Null, bulk("3")]));
    assert_eq!(run(&mut c, "HMGET nokey a b"), Reply::Array(vec![Reply::Null, Reply::Null]));
    assert_eq!(run(&mut c, "HLEN h"), int(3));
    assert_eq!(run(&mut c, "HLEN nokey"), int(0));
    assert_eq!(run(&mut c, "HSTRLEN h a"), int(2));
    assert_eq!(run(&mut c, "HSTRLEN h zz"), int(0));
    assert_eq!(run(&mut c, "HEXISTS h b"), int(1));
    assert_eq!(run(&mut c, "HEXISTS h zz"), int(0));
    assert_eq!(run(&mut c, "HSETNX h a x"), int(0));
    assert_eq!(run(&mut c, "HSETNX h d 4"), int(1));
    assert_eq!(run(&mut c, "HSETNX new f v"), int(1));
    assert_eq!(run(&mut c, "HMSET h e 5 f 6"), ok());
    assert_eq!(run(&mut c, "HDEL h a zz b"), int(2));
    assert_eq!(run(&mut c, "HDEL nokey a"), int(0));
    assert_eq!(run(&mut c, "HDEL h c d e f"), int(4));
    assert_eq!(run(&mut c, "EXISTS h"), int(0), "the emptied hash is deleted");
}

#[test]
fn small_hashes_list_in_insertion_order() {
    let (_e, mut c) = setup();
    run(&mut c, "HSET h z 1 a 2 m 3");
    run(&mut c, "HSET h z 9");
    assert_eq!(run(&mut c, "HKEYS h"), bulks(&["z", "a", "m"]));
    assert_eq!(run(&mut c, "HVALS h"), bulks(&["9", "2", "3"]));
    assert_eq!(
        run(&mut c, "HGETALL h"),
        Reply::Map(vec![(bulk("z"), bulk("9")), (bulk("a"), bulk("2")), (bulk("m"), bulk("3"))])
    );
    assert_eq!(run(&mut c, "HGETALL nokey"), Reply::Map(vec![]));
    assert_eq!(run(&mut c, "HKEYS nokey"), Reply::Array(vec![]));
    assert_eq!(run(&mut c, "HVALS nokey"), Reply::Array(vec![]));
}

#[test]
fn encoding_follows_redis_thresholds() {
    let (_e, mut c) = setup();
    let long64 = "x".repeat(64);
    run(&mut c, &format!("HSET h {long64} {long64}"));
    assert_eq!(encoding(&mut c, "h"), bulk("listpack"));
    run(&mut c, &format!("HSET h f {long64}y"));
    assert_eq!(encoding(&mut c, "h"), bulk("hashtable"));
    run(&mut c, "HDEL h f");
    assert_eq!(encoding(&mut c, "h"), bulk("hashtable"), "never converts back");

    // Redis's compiled-in default of 512 fields, not the 128 of its sample redis.conf.
    for i in 0..512 {
        run(&mut c, &format!("HSET many f{i} {i}"));
    }
    assert_eq!(encoding(&mut c, "many"), bulk("listpack"));
    run(&mut c, "HSET many f512 512");
    assert_eq!(encoding(&mut c, "many"), bulk("hashtable"));
    assert_eq!(run(&mut c, "HLEN many"), int(513));
    assert_eq!(run(&mut c, "HGET many f77"), bulk("77"));

    // A long field name converts too, and HSETNX on an existing field changes nothing.
    run(&mut c, "HSET small a 1");
    assert_eq!(run(&mut c, &format!("HSETNX small a {long64}z")), int(0));
    assert_eq!(encoding(&mut c, "small"), bulk("listpack"));
    run(&mut c, &format!("HINCRBY small {long64}z 1"));
    assert_eq!(encoding(&mut c, "small"), bulk("hashtable"));
}

#[test]
fn arity_and_wrong_types() {
    let (_e, mut c) = setup();
    run(&mut c, "SET s v");
    assert_eq!(run(&mut c, "HSET h a"), err("ERR wrong number of arguments for 'hset' command"));
    assert_eq!(run(&mut c, "HSET h a 1 b"), err("ERR wrong number of arguments for 'hset' command"));
    assert_eq!(run(&mut c, "HMSET h a 1 b"), err("ERR wrong number of arguments for 'hmset' command"));
    assert_eq!(run(&mut c, "EXISTS h"), int(0));
    assert_eq!(run(&mut c, "HGET h"), err("ERR wrong number of arguments for 'hget' command"));
    assert_eq!(run(&mut c, "HRANDFIELD"), err("ERR wrong number of arguments for 'hrandfield' command"));
    assert_eq!(run(&mut c, "HSCAN h"), err("ERR wrong number of arguments for 'hscan' command"));
    for cmd in [
        "HSET s a 1", "HSETNX s a 1", "HMSET s a 1", "HGET s a", "HMGET s a", "HDEL s a", "HLEN s",
        "HSTRLEN s a", "HEXISTS s a", "HKEYS s", "HVALS s", "HGETALL s", "HINCRBY s a 1",
        "HINCRBYFLOAT s a 1", "HRANDFIELD s", "HRANDFIELD s 2", "HRANDFIELD s 0", "HSCAN s 0",
    ] {
        assert_eq!(run(&mut c, cmd), err(WRONGTYPE), "{cmd}");
    }
    assert_eq!(run(&mut c, "GET s"), bulk("v"));
}

#[test]
fn hincrby_checks_values_and_overflow() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "HINCRBY h n 5"), int(5));
    assert_eq!(run(&mut c, "HINCRBY h n -7"), int(-2));
    assert_eq!(run(&mut c, "HGET h n"), bulk("-2"));
    run(&mut c, "HSET h s abc big 9223372036854775807 padded 07");
    assert_eq!(run(&mut c, "HINCRBY h s 1"), err("ERR hash value is not an integer"));
    assert_eq!(run(&mut c, "HINCRBY h padded 1"), err("ERR hash value is not an integer"));
    assert_eq!(run(&mut c, "HINCRBY h big 1"), err("ERR increment or decrement would overflow"));
    assert_eq!(run(&mut c, "HINCRBY h n x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "HINCRBY h n 1.5"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "HINCRBY none n x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "EXISTS none"), int(0));
}

#[test]
fn hincrbyfloat_computes_like_redis() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "HINCRBYFLOAT h f 10.50"), bulk("10.5"));
    assert_eq!(run(&mut c, "HINCRBYFLOAT h f 0.1"), bulk("10.6"));
    assert_eq!(run(&mut c, "HINCRBYFLOAT h f -10.6"), bulk("0"));
    assert_eq!(run(&mut c, "HINCRBYFLOAT h g 5.0e3"), bulk("5000"));
    run(&mut c, "HSET h i 3 s abc");
    assert_eq!(run(&mut c, "HINCRBYFLOAT h i 1.5"), bulk("4.5"));
    assert_eq!(run(&mut c, "HINCRBYFLOAT h s 1"), err("ERR hash value is not a float"));
    assert_eq!(run(&mut c, "HINCRBYFLOAT h f abc"), err("ERR value is not a valid float"));
    assert_eq!(run(&mut c, "HINCRBYFLOAT h f inf"), err("ERR value is NaN or Infinity"));
    assert_eq!(run(&mut c, "HINCRBYFLOAT h s inf"), err("ERR value is NaN or Infinity"), "the increment is judged first");
    run(&mut c, "HSET h huge 1e4932");
    assert_eq!(run(&mut c, "HINCRBYFLOAT h huge 1e4932"), err("ERR increment would produce NaN or Infinity"));
    assert_eq!(run(&mut c, "HINCRBYFLOAT none f x"), err("ERR value is not a valid float"));
    assert_eq!(run(&mut c, "EXISTS none"), int(0));
}

#[test]
fn hrandfield_without_count_and_with_counts() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "HRANDFIELD nokey"), Reply::Null);
    assert_eq!(run(&mut c, "HRANDFIELD nokey 3"), Reply::Array(vec![]));
    assert_eq!(run(&mut c, "HRANDFIELD nokey -3 WITHVALUES"), Reply::Array(vec![]));
    run(&mut c, "HSET h a 1 b 2 c 3");
    let field = strings(Reply::Array(vec![run(&mut c, "HRANDFIELD h")]));
    assert!(["a", "b", "c"].contains(&field[0].as_str()));
    assert_eq!(run(&mut c, "HRANDFIELD h 0"), Reply::Array(vec![]));
    // Positive counts never repeat a field, and stop at the hash's size.
    assert_eq!(sorted(run(&mut c, "HRANDFIELD h 10")), ["a", "b", "c"]);
    let two = sorted(run(&mut c, "HRANDFIELD h 2"));
    assert_eq!(two.len(), 2);
    assert_ne!(two[0], two[1]);
    // Negative counts draw independently, as many as asked.
    let many = strings(run(&mut c, "HRANDFIELD h -50"));
    assert_eq!(many.len(), 50);
    assert!(many.iter().all(|f| ["a", "b", "c"].contains(&f.as_str())));
    // WITHVALUES: a flat array in RESP2, keeping each value beside its field.
    let flat = strings(run(&mut c, "HRANDFIELD h -5 withvalues"));
    assert_eq!(flat.len(), 10);
    for pair in flat.chunks(2) {
        assert_eq!(run(&mut c, &format!("HGET h {}", pair[0])), bulk(&pair[1]));
    }
}

#[test]
fn hrandfield_pairs_nest_in_resp3() {
    let (_e, mut c) = setup();
    run(&mut c, "HSET h a 1");
    run(&mut c, "HELLO 3");
    assert_eq!(run(&mut c, "HRANDFIELD h 1 WITHVALUES"), Reply::Array(vec![bulks(&["a", "1"])]));
    assert_eq!(run(&mut c, "HRANDFIELD h -2 WITHVALUES"), Reply::Array(vec![bulks(&["a", "1"]), bulks(&["a", "1"])]));
    assert_eq!(run(&mut c, "HRANDFIELD h 2"), bulks(&["a"]));
}

#[test]
fn hrandfield_samples_big_hashes_without_repeats() {
    let (_e, mut c) = setup();
    for i in 0..600 {
        run(&mut c, &format!("HSET h f{i} v{i}"));
    }
    assert_eq!(encoding(&mut c, "h"), bulk("hashtable"));
    for count in [5, 300, 599] {
        let mut fields = strings(run(&mut c, &format!("HRANDFIELD h {count}")));
        fields.sort();
        fields.dedup();
        assert_eq!(fields.len(), count);
    }
    let pairs = strings(run(&mut c, "HRANDFIELD h 20 WITHVALUES"));
    assert!(pairs.chunks(2).all(|p| p[1] == format!("v{}", &p[0][1..])));
}

#[test]
fn hrandfield_argument_errors() {
    let (_e, mut c) = setup();
    run(&mut c, "HSET h a 1");
    assert_eq!(run(&mut c, "HRANDFIELD h x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "HRANDFIELD h 1 foo"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "HRANDFIELD h 1 WITHVALUES x"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "HRANDFIELD h x foo"), err("ERR value is not an integer or out of range"));
    assert_eq!(
        run(&mut c, "HRANDFIELD h -9223372036854775808"),
        err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    );
    assert_eq!(run(&mut c, "HRANDFIELD h 9223372036854775807 WITHVALUES"), err("ERR value is out of range"));
    assert_eq!(run(&mut c, "HRANDFIELD h -4611686018427387904 WITHVALUES"), err("ERR value is out of range"));
}

/// Runs HSCAN to completion and returns the flat field/value list, sorted by pair.
fn scan_all(c: &mut Client, key: &str, options: &str) -> Vec<(String, String)> {
    let mut cursor = "0".to_string();
    let mut pairs = Vec::new();
    loop {
        let Reply::Array(page) = run(c, &format!("HSCAN {key} {cursor}{options}")) else { panic!("not a page") };
        let [Reply::Bulk(next), items] = <[Reply; 2]>::try_from(page).unwrap() else { panic!("bad page") };
        let flat = strings(items);
        pairs.extend(flat.chunks(2).map(|p| (p[0].clone(), p[1].clone())));
        cursor = String::from_utf8(next.to_vec()).unwrap();
        if cursor == "0" {
            break;
        }
    }
    pairs.sort();
    pairs
}

#[test]
fn hscan_small_hashes_in_one_call() {
    let (_e, mut c) = setup();
    run(&mut c, "HSET h a 1 b 2 ab 3");
    let page = |items: &[&str]| Reply::Array(vec![bulk("0"), bulks(items)]);
    assert_eq!(run(&mut c, "HSCAN h 0"), page(&["a", "1", "b", "2", "ab", "3"]));
    assert_eq!(run(&mut c, "HSCAN h 0 MATCH a*"), page(&["a", "1", "ab", "3"]));
    assert_eq!(run(&mut c, "HSCAN h 0 MATCH * COUNT 1"), page(&["a", "1", "b", "2", "ab", "3"]));
    assert_eq!(run(&mut c, "HSCAN h 123 match b"), page(&["b", "2"]));
    assert_eq!(run(&mut c, "HSCAN nokey 0"), page(&[]));
}

#[test]
fn hscan_big_hashes_by_cursor() {
    let (_e, mut c) = setup();
    for i in 0..600 {
        run(&mut c, &format!("HSET h f{i} {i}"));
    }
    let all = scan_all(&mut c, "h", "");
    assert_eq!(all.len(), 600);
    assert!(all.iter().all(|(f, v)| f[1..] == *v));
    let Reply::Array(first) = run(&mut c, "HSCAN h 0 COUNT 5") else { panic!() };
    assert_ne!(first[0], bulk("0"), "a big hash takes more than one call");
    let matched = scan_all(&mut c, "h", " MATCH f1?");
    assert_eq!(matched.len(), 10);
}

#[test]
fn hscan_argument_errors() {
    let (_e, mut c) = setup();
    run(&mut c, "HSET h a 1");
    assert_eq!(run(&mut c, "HSCAN h x"), err("ERR invalid cursor"));
    assert_eq!(run(&mut c, "HSCAN h -"), err("ERR invalid cursor"));
    assert_eq!(run(&mut c, "HSCAN h 0 COUNT 0"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "HSCAN h 0 COUNT x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "HSCAN h 0 MATCH"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "HSCAN h 0 TYPE hash"), err("ERR syntax error"));
    // A missing key answers an empty page before its options are looked at, as in Redis.
    assert_eq!(run(&mut c, "HSCAN nokey 0 COUNT 0"), Reply::Array(vec![bulk("0"), Reply::Array(vec![])]));
    assert_eq!(run(&mut c, "HSCAN nokey x"), err("ERR invalid cursor"));
}

#[test]
fn expired_hashes_are_gone() {
    let (engine, mut c) = setup();
    run(&mut c, "HSET h a 1");
    run(&mut c, "PEXPIRE h 100");
    assert_eq!(run(&mut c, "HINCRBY h a 1"), int(2));
    engine.advance_time(100);
    assert_eq!(run(&mut c, "HGET h a"), Reply::Null);
    assert_eq!(run(&mut c, "HINCRBY h a 1"), int(1));
    assert_eq!(run(&mut c, "TTL h"), int(-1));
}

#[test]
fn copy_keeps_the_hash_and_its_encoding() {
    let (_e, mut c) = setup();
    for i in 0..600 {
        run(&mut c, &format!("HSET big f{i} {i}"));
    }
    run(&mut c, "HSET small a 1");
    assert_eq!(run(&mut c, "COPY big big2"), int(1));
    assert_eq!(run(&mut c, "COPY small small2"), int(1));
    run(&mut c, "HDEL big f0");
    assert_eq!(run(&mut c, "HLEN big2"), int(600));
    assert_eq!(encoding(&mut c, "big2"), bulk("hashtable"));
    assert_eq!(encoding(&mut c, "small2"), bulk("listpack"));
    assert_eq!(run(&mut c, "TYPE small2"), Reply::simple("hash"));
}
