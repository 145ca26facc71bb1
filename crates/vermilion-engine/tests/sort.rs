mod common;

use common::*;
use vermilion_engine::Reply;

fn arr(items: Vec<Reply>) -> Reply {
    Reply::Array(items)
}

fn bulks(words: &str) -> Reply {
    arr(words.split_whitespace().map(bulk).collect())
}

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

#[test]
fn sorts_numbers_and_strings() {
    let (_e, mut c) = setup();
    run(&mut c, "RPUSH l 3 1 10 -2.5 1e3 7 0 1");
    assert_eq!(run(&mut c, "SORT l"), bulks("-2.5 0 1 1 3 7 10 1e3"));
    assert_eq!(run(&mut c, "SORT l DESC LIMIT 0 3"), bulks("1e3 10 7"));
    assert_eq!(run(&mut c, "SORT l LIMIT -5 2"), bulks("-2.5 0"));
    assert_eq!(run(&mut c, "SORT l LIMIT 6 -1"), bulks("10 1e3"));
    assert_eq!(run(&mut c, "SORT l LIMIT 100 1"), arr(vec![]));
    assert_eq!(run(&mut c, "SORT l ALPHA"), bulks("-2.5 0 1 1 10 1e3 3 7"));
    assert_eq!(run(&mut c, "SORT_RO l ALPHA DESC LIMIT 1 2"), bulks("3 1e3"));
    assert_eq!(run(&mut c, "SORT nokey"), arr(vec![]));
    run(&mut c, "RPUSH w pear apple");
    assert_eq!(run(&mut c, "SORT w"), err("ERR One or more scores can't be converted into double"));
}

#[test]
fn sets_and_sorted_sets_sort_too() {
    let (_e, mut c) = setup();
    run(&mut c, "SADD s 5 3 100 -4");
    assert_eq!(run(&mut c, "SORT s DESC"), bulks("100 5 3 -4"));
    run(&mut c, "ZADD z 1 c 2 a 3 b 0 d");
    assert_eq!(run(&mut c, "SORT z ALPHA"), bulks("a b c d"));
    // BY a constant keeps a sorted set's own order, windowed from either end.
    assert_eq!(run(&mut c, "SORT z BY nosort"), bulks("d c a b"));
    assert_eq!(run(&mut c, "SORT z BY nosort DESC LIMIT 1 2"), bulks("a c"));
    run(&mut c, "RPUSH l x y z");
    assert_eq!(run(&mut c, "SORT l BY nosort DESC LIMIT 1 5"), bulks("y x"));
}

#[test]
fn by_and_get_patterns_dereference_keys_and_hash_fields() {
    let (_e, mut c) = setup();
    run(&mut c, "RPUSH k a b c d");
    run(&mut c, "MSET weight_a 3 weight_b 1 weight_c 2 weight_d -1 name_a Ann name_c Cy");
    run(&mut c, "HSET h_a age 30 nick aa");
    run(&mut c, "HSET h_b age 25");
    run(&mut c, "HSET h_c age 41");
    assert_eq!(run(&mut c, "SORT k BY weight_*"), bulks("d b c a"));
    assert_eq!(
        run(&mut c, "SORT k BY weight_* GET # GET name_*"),
        arr(vec![bulk("d"), Reply::Null, bulk("b"), Reply::Null, bulk("c"), bulk("Cy"), bulk("a"), bulk("Ann")])
    );
    // A missing weight counts as 0; with ALPHA it sorts first.
    assert_eq!(run(&mut c, "SORT k BY h_*->age"), bulks("d b a c"));
    assert_eq!(run(&mut c, "SORT k BY name_* ALPHA"), bulks("b d a c"));
    assert_eq!(
        run(&mut c, "SORT k BY weight_* LIMIT 2 2 GET h_*->nick GET h_*->age"),
        arr(vec![Reply::Null, bulk("41"), bulk("aa"), bulk("30")])
    );
    // No `*`: the pattern names nothing; `->` with no field name is part of the key name.
    assert_eq!(run(&mut c, "SORT k LIMIT 0 1 BY nosort GET nostar"), arr(vec![Reply::Null]));
    assert_eq!(run(&mut c, "SORT k LIMIT 0 1 BY nosort GET h_*->"), arr(vec![Reply::Null]));
    // A hash pattern on a string key, or a string pattern on a hash, finds nothing.
    assert_eq!(run(&mut c, "SORT k LIMIT 0 2 BY nosort GET weight_*->x GET h_*"), arr(vec![Reply::Null; 4]));
}

#[test]
fn weights_read_like_c_strtod() {
    let (_e, mut c) = setup();
    run(&mut c, "RPUSH k a b c");
    run(&mut c, "SET v_a 5");
    run(&mut c, "SET v_c 1e2");
    c.execute(&[b"SET", b"v_b", b""]);
    assert_eq!(run(&mut c, "SORT k BY v_*"), bulks("b a c"));
    c.execute(&[b"SET", b"v_b", b" 500"]);
    assert_eq!(run(&mut c, "SORT k BY v_*"), bulks("a c b"));
    c.execute(&[b"SET", b"v_b", b"5 "]);
    assert_eq!(run(&mut c, "SORT k BY v_*"), err("ERR One or more scores can't be converted into double"));
}

#[test]
fn store_writes_a_list_or_deletes_the_destination() {
    let (_e, mut c) = setup();
    run(&mut c, "RPUSH l 3 1 2");
    run(&mut c, "SET dst old");
    run(&mut c, "EXPIRE dst 100");
    assert_eq!(run(&mut c, "SORT l STORE dst"), int(3));
    assert_eq!(run(&mut c, "LRANGE dst 0 -1"), bulks("1 2 3"));
    assert_eq!(run(&mut c, "TTL dst"), int(-1));
    assert_eq!(run(&mut c, "SORT l GET nostar GET # STORE dst"), int(6));
    assert_eq!(run(&mut c, "LRANGE dst 0 -1"), arr(vec![bulk(""), bulk("1"), bulk(""), bulk("2"), bulk(""), bulk("3")]));
    assert_eq!(run(&mut c, "SORT l LIMIT 0 0 STORE dst"), int(0));
    assert_eq!(run(&mut c, "EXISTS dst"), int(0));
    // A set sorted BY a constant into a key is sorted by its elements, not its hash order.
    run(&mut c, "SADD s b c a");
    assert_eq!(run(&mut c, "SORT s BY nosort STORE out"), int(3));
    assert_eq!(run(&mut c, "LRANGE out 0 -1"), bulks("a b c"));
}

#[test]
fn errors_follow_redis() {
    let (_e, mut c) = setup();
    run(&mut c, "RPUSH l 1");
    run(&mut c, "SET str v");
    assert_eq!(run(&mut c, "SORT l LIMIT 1"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SORT l LIMIT a 1"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "SORT l STORE"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SORT_RO l STORE x"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SORT str bogus"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SORT str"), err(WRONGTYPE));
    assert_eq!(run(&mut c, "SORT"), err("ERR wrong number of arguments for 'sort' command"));
}

#[test]
fn key_extraction_finds_the_source_and_the_destination() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "COMMAND GETKEYS SORT a BY w_* STORE b"), bulks("a b"));
    assert_eq!(run(&mut c, "COMMAND GETKEYS SORT_RO a GET w_*"), bulks("a"));
}
