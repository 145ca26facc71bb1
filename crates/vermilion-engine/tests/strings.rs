mod common;

use common::*;
use vermilion_engine::Reply;

#[test]
fn set_options_follow_redis() {
    let (engine, mut c) = setup();
    assert_eq!(run(&mut c, "SET k v"), ok());
    assert_eq!(run(&mut c, "SET k w NX"), Reply::Null);
    assert_eq!(run(&mut c, "SET k w XX GET"), bulk("v"));
    assert_eq!(run(&mut c, "SET missing w XX"), Reply::Null);
    assert_eq!(run(&mut c, "SET k v NX XX"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SET k v EX 10 PX 10"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SET k v EX 10 KEEPTTL"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SET k v EX 0"), err("ERR invalid expire time in 'set' command"));
    assert_eq!(run(&mut c, "SET k v EX x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "SET k v EX"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "SET k v EX 10"), ok());
    assert_eq!(run(&mut c, "TTL k"), int(10));
    assert_eq!(run(&mut c, "SET k v2 KEEPTTL"), ok());
    assert_eq!(run(&mut c, "TTL k"), int(10));
    assert_eq!(run(&mut c, "SET k v3"), ok());
    assert_eq!(run(&mut c, "TTL k"), int(-1));
    assert_eq!(run(&mut c, "PSETEX k 1500 v"), ok());
    engine.advance_time(1499);
    assert_eq!(run(&mut c, "GET k"), bulk("v"));
    engine.advance_time(1);
    assert_eq!(run(&mut c, "GET k"), Reply::Null);
    assert_eq!(run(&mut c, "SETEX k -1 v"), err("ERR invalid expire time in 'setex' command"));
    assert_eq!(run(&mut c, "SETNX n 1"), int(1));
    assert_eq!(run(&mut c, "SETNX n 2"), int(0));
    assert_eq!(run(&mut c, "GETSET n 3"), bulk("1"));
}

#[test]
fn counters_and_overflow() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "INCR n"), int(1));
    assert_eq!(run(&mut c, "INCRBY n 41"), int(42));
    assert_eq!(run(&mut c, "DECRBY n 2"), int(40));
    assert_eq!(run(&mut c, "DECR n"), int(39));
    assert_eq!(run(&mut c, "SET big 9223372036854775807"), ok());
    assert_eq!(run(&mut c, "INCR big"), err("ERR increment or decrement would overflow"));
    assert_eq!(run(&mut c, "DECRBY n -9223372036854775808"), err("ERR decrement would overflow"));
    assert_eq!(run(&mut c, "SET s abc"), ok());
    assert_eq!(run(&mut c, "INCR s"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "SET f 10.50"), ok());
    assert_eq!(run(&mut c, "INCRBYFLOAT f 0.1"), bulk("10.6"));
    assert_eq!(run(&mut c, "INCRBYFLOAT f abc"), err("ERR value is not a valid float"));
    assert_eq!(run(&mut c, "INCRBYFLOAT f inf"), err("ERR increment would produce NaN or Infinity"));
    assert_eq!(run(&mut c, "OBJECT ENCODING n"), bulk("int"));
    assert_eq!(run(&mut c, "OBJECT ENCODING f"), bulk("embstr"));
}

#[test]
fn ranges_and_appends() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "APPEND k Hello"), int(5));
    assert_eq!(run(&mut c, "APPEND k World"), int(10));
    assert_eq!(run(&mut c, "OBJECT ENCODING k"), bulk("raw"));
    assert_eq!(run(&mut c, "GETRANGE k 0 4"), bulk("Hello"));
    assert_eq!(run(&mut c, "GETRANGE k -5 -1"), bulk("World"));
    assert_eq!(run(&mut c, "GETRANGE k -1 -5"), bulk(""));
    assert_eq!(run(&mut c, "GETRANGE k 5 100"), bulk("World"));
    assert_eq!(run(&mut c, "GETRANGE nokey 0 -1"), bulk(""));
    assert_eq!(run(&mut c, "SETRANGE k 12 !"), int(13));
    assert_eq!(run(&mut c, "GET k"), Reply::bulk(b"HelloWorld\0\0!".to_vec()));
    assert_eq!(run(&mut c, "SETRANGE k -1 x"), err("ERR offset is out of range"));
    assert_eq!(run(&mut c, "SETRANGE empty 5 "), int(0));
    assert_eq!(run(&mut c, "EXISTS empty"), int(0));
    assert_eq!(run(&mut c, "STRLEN k"), int(13));
}

#[test]
fn multi_key_strings() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "MSET a 1 b 2"), ok());
    assert_eq!(run(&mut c, "MSET a 1 b"), err("ERR wrong number of arguments for 'mset' command"));
    assert_eq!(run(&mut c, "MGET a b c"), Reply::Array(vec![bulk("1"), bulk("2"), Reply::Null]));
    assert_eq!(run(&mut c, "MSETNX c 3 a 9"), int(0));
    assert_eq!(run(&mut c, "MSETNX c 3 d 4"), int(1));
    assert_eq!(run(&mut c, "GETDEL c"), bulk("3"));
    assert_eq!(run(&mut c, "GETDEL c"), Reply::Null);
}

#[test]
fn getex_sets_and_clears_ttl() {
    let (engine, mut c) = setup();
    run(&mut c, "SET k v");
    assert_eq!(run(&mut c, "GETEX k EX 100"), bulk("v"));
    assert_eq!(run(&mut c, "TTL k"), int(100));
    assert_eq!(run(&mut c, "GETEX k PERSIST"), bulk("v"));
    assert_eq!(run(&mut c, "TTL k"), int(-1));
    assert_eq!(run(&mut c, "GETEX k EX 1 PERSIST"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "GETEX nokey EX 0"), Reply::Null);
    assert_eq!(run(&mut c, "GETEX k EX 0"), err("ERR invalid expire time in 'getex' command"));
    let past = (engine.now_ms() - 1000).to_string();
    assert_eq!(run(&mut c, &format!("GETEX k PXAT {past}")), bulk("v"));
    assert_eq!(run(&mut c, "EXISTS k"), int(0));
}

#[test]
fn lcs_matches_redis_examples() {
    let (_e, mut c) = setup();
    run(&mut c, "MSET key1 ohmytext key2 mynewtext");
    assert_eq!(run(&mut c, "LCS key1 key2"), bulk("mytext"));
    assert_eq!(run(&mut c, "LCS key1 key2 LEN"), int(6));
    let range = |a: i64, b: i64| Reply::Array(vec![int(a), int(b)]);
    assert_eq!(
        run(&mut c, "LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN"),
        Reply::Map(vec![
            (bulk("matches"), Reply::Array(vec![Reply::Array(vec![range(4, 7), range(5, 8), int(4)])])),
            (bulk("len"), int(6)),
        ])
    );
    assert_eq!(run(&mut c, "LCS key1 key2 LEN IDX"), err("ERR If you want both the length and indexes, please just use IDX."));
}
