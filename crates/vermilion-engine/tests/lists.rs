mod common;

use common::*;
use vermilion_engine::{Client, Reply};

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

fn bulks(items: &[&str]) -> Reply {
    Reply::Array(items.iter().map(|s| bulk(s)).collect())
}

fn ints(items: &[i64]) -> Reply {
    Reply::Array(items.iter().map(|&n| int(n)).collect())
}

fn lrange(c: &mut Client, key: &str) -> Reply {
    run(c, &format!("LRANGE {key} 0 -1"))
}

/// Runs a command whose arguments may contain spaces or be long.
fn run_args(c: &mut Client, argv: &[&[u8]]) -> Reply {
    c.execute(argv)
}

#[test]
fn pushes_and_their_order() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "RPUSH l a b c"), int(3));
    assert_eq!(run(&mut c, "LPUSH l x y"), int(5));
    assert_eq!(lrange(&mut c, "l"), bulks(&["y", "x", "a", "b", "c"]));
    assert_eq!(run(&mut c, "LPUSHX nokey a"), int(0));
    assert_eq!(run(&mut c, "RPUSHX nokey a b"), int(0));
    assert_eq!(run(&mut c, "EXISTS nokey"), int(0));
    assert_eq!(run(&mut c, "RPUSHX l z"), int(6));
    assert_eq!(run(&mut c, "LPUSHX l w"), int(7));
    assert_eq!(run(&mut c, "LINDEX l 0"), bulk("w"));
    assert_eq!(run(&mut c, "LINDEX l -1"), bulk("z"));
    assert_eq!(run(&mut c, "TYPE l"), Reply::simple("list"));
    assert_eq!(run(&mut c, "LPUSH l"), err("ERR wrong number of arguments for 'lpush' command"));
    assert_eq!(run(&mut c, "RPUSHX l"), err("ERR wrong number of arguments for 'rpushx' command"));
}

#[test]
fn wrong_types_are_refused() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "SET s v"), ok());
    for cmd in [
        "LPUSH s a", "RPUSHX s a", "LPOP s", "RPOP s 2", "LLEN s", "LRANGE s 0 -1", "LINDEX s 0", "LSET s 0 a",
        "LINSERT s BEFORE a b", "LREM s 0 a", "LTRIM s 0 1", "LPOS s a", "LMOVE s d LEFT RIGHT", "RPOPLPUSH s d",
        "LMPOP 1 s LEFT",
    ] {
        assert_eq!(run(&mut c, cmd), err(WRONGTYPE), "{cmd}");
    }
    assert_eq!(run(&mut c, "RPUSH l a"), int(1));
    assert_eq!(run(&mut c, "LMOVE l s LEFT LEFT"), err(WRONGTYPE));
    assert_eq!(run(&mut c, "LLEN l"), int(1), "nothing moved");
    assert_eq!(run(&mut c, "LMPOP 2 nokey s LEFT"), err(WRONGTYPE));
    assert_eq!(run(&mut c, "LMPOP 2 l s LEFT"), Reply::Array(vec![bulk("l"), bulks(&["a"])]));
    assert_eq!(run(&mut c, "GET s"), bulk("v"));
}

#[test]
fn pops_with_and_without_count() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "LPOP nokey"), Reply::Null);
    assert_eq!(run(&mut c, "LPOP nokey 2"), Reply::NullArray);
    assert_eq!(run(&mut c, "LPOP nokey 0"), Reply::NullArray);
    assert_eq!(run(&mut c, "RPUSH l a b c d e"), int(5));
    assert_eq!(run(&mut c, "LPOP l"), bulk("a"));
    assert_eq!(run(&mut c, "RPOP l"), bulk("e"));
    assert_eq!(run(&mut c, "LPOP l 0"), Reply::Array(vec![]));
    assert_eq!(run(&mut c, "RPOP l 2"), bulks(&["d", "c"]));
    assert_eq!(run(&mut c, "LPOP l -1"), err("ERR value is out of range, must be positive"));
    assert_eq!(run(&mut c, "LPOP l x"), err("ERR value is out of range, must be positive"));
    assert_eq!(run(&mut c, "LPOP l 1 2"), err("ERR wrong number of arguments for 'lpop' command"));
    assert_eq!(run(&mut c, "RPOP l 1 2"), err("ERR wrong number of arguments for 'rpop' command"));
    assert_eq!(run(&mut c, "LPOP l 10"), bulks(&["b"]));
    assert_eq!(run(&mut c, "EXISTS l"), int(0), "an emptied list is deleted");
}

#[test]
fn ranges_and_indexes() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "LRANGE nokey 0 -1"), bulks(&[]));
    assert_eq!(run(&mut c, "LINDEX nokey x"), Reply::Null, "the key is looked up first");
    assert_eq!(run(&mut c, "LLEN nokey"), int(0));
    assert_eq!(run(&mut c, "RPUSH l 0 1 2 3 4 5"), int(6));
    assert_eq!(run(&mut c, "LRANGE l 1 2"), bulks(&["1", "2"]));
    assert_eq!(run(&mut c, "LRANGE l -2 100"), bulks(&["4", "5"]));
    assert_eq!(run(&mut c, "LRANGE l -100 0"), bulks(&["0"]));
    assert_eq!(run(&mut c, "LRANGE l 4 2"), bulks(&[]));
    assert_eq!(run(&mut c, "LRANGE l 6 10"), bulks(&[]));
    assert_eq!(run(&mut c, "LRANGE l 0 -7"), bulks(&[]));
    assert_eq!(run(&mut c, "LRANGE l -9223372036854775808 9223372036854775807"), lrange(&mut c, "l"));
    assert_eq!(run(&mut c, "LRANGE l a 1"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "LINDEX l 5"), bulk("5"));
    assert_eq!(run(&mut c, "LINDEX l -6"), bulk("0"));
    assert_eq!(run(&mut c, "LINDEX l 6"), Reply::Null);
    assert_eq!(run(&mut c, "LINDEX l -7"), Reply::Null);
    assert_eq!(run(&mut c, "LINDEX l 1.5"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "LLEN l"), int(6));
}

#[test]
fn lset_replaces_in_place() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "LSET nokey 0 a"), err("ERR no such key"));
    assert_eq!(run(&mut c, "LSET nokey x a"), err("ERR no such key"));
    assert_eq!(run(&mut c, "RPUSH l a b c"), int(3));
    assert_eq!(run(&mut c, "LSET l 0 A"), ok());
    assert_eq!(run(&mut c, "LSET l -1 C"), ok());
    assert_eq!(run(&mut c, "LSET l 3 x"), err("ERR index out of range"));
    assert_eq!(run(&mut c, "LSET l -4 x"), err("ERR index out of range"));
    assert_eq!(run(&mut c, "LSET l x x"), err("ERR value is not an integer or out of range"));
    assert_eq!(lrange(&mut c, "l"), bulks(&["A", "b", "C"]));
}

#[test]
fn linsert_around_the_pivot() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "LINSERT nokey BEFORE a b"), int(0));
    assert_eq!(run(&mut c, "RPUSH l a b a"), int(3));
    assert_eq!(run(&mut c, "LINSERT l before a x"), int(4));
    assert_eq!(run(&mut c, "LINSERT l AFTER a y"), int(5));
    assert_eq!(run(&mut c, "LINSERT l AFTER zz y"), int(-1));
    assert_eq!(run(&mut c, "LINSERT l MIDDLE a y"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "LINSERT nokey MIDDLE a y"), err("ERR syntax error"));
    assert_eq!(lrange(&mut c, "l"), bulks(&["x", "a", "y", "b", "a"]));
}

#[test]
fn lrem_counts_from_either_end() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "LREM nokey 0 a"), int(0));
    assert_eq!(run(&mut c, "RPUSH l a b a c a b a"), int(7));
    assert_eq!(run(&mut c, "LREM l 2 a"), int(2));
    assert_eq!(lrange(&mut c, "l"), bulks(&["b", "c", "a", "b", "a"]));
    assert_eq!(run(&mut c, "LREM l -1 b"), int(1));
    assert_eq!(lrange(&mut c, "l"), bulks(&["b", "c", "a", "a"]));
    assert_eq!(run(&mut c, "LREM l 0 a"), int(2));
    assert_eq!(run(&mut c, "LREM l 0 zz"), int(0));
    assert_eq!(run(&mut c, "LREM l -9223372036854775808 b"), int(1));
    assert_eq!(run(&mut c, "LREM l x c"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "LREM l 1 c"), int(1));
    assert_eq!(run(&mut c, "EXISTS l"), int(0));
}

#[test]
fn ltrim_keeps_a_range() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "LTRIM nokey 0 1"), ok());
    assert_eq!(run(&mut c, "RPUSH l 0 1 2 3 4 5"), int(6));
    assert_eq!(run(&mut c, "LTRIM l 1 -2"), ok());
    assert_eq!(lrange(&mut c, "l"), bulks(&["1", "2", "3", "4"]));
    assert_eq!(run(&mut c, "LTRIM l -2 100"), ok());
    assert_eq!(lrange(&mut c, "l"), bulks(&["3", "4"]));
    assert_eq!(run(&mut c, "LTRIM l x 1"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "LTRIM l 1 0"), ok());
    assert_eq!(run(&mut c, "EXISTS l"), int(0));
}

#[test]
fn lpos_options() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "LPOS nokey a"), Reply::Null);
    assert_eq!(run(&mut c, "LPOS nokey a COUNT 0"), bulks(&[]));
    assert_eq!(run(&mut c, "RPUSH l a b c 1 2 3 c c"), int(8));
    assert_eq!(run(&mut c, "LPOS l c"), int(2));
    assert_eq!(run(&mut c, "LPOS l zz"), Reply::Null);
    assert_eq!(run(&mut c, "LPOS l zz COUNT 2"), ints(&[]));
    assert_eq!(run(&mut c, "LPOS l c RANK 2"), int(6));
    assert_eq!(run(&mut c, "LPOS l c RANK -1"), int(7));
    assert_eq!(run(&mut c, "LPOS l c RANK -3"), int(2));
    assert_eq!(run(&mut c, "LPOS l c RANK 4"), Reply::Null);
    assert_eq!(run(&mut c, "LPOS l c COUNT 0"), ints(&[2, 6, 7]));
    assert_eq!(run(&mut c, "LPOS l c COUNT 2"), ints(&[2, 6]));
    assert_eq!(run(&mut c, "LPOS l c RANK -1 COUNT 2"), ints(&[7, 6]));
    assert_eq!(run(&mut c, "LPOS l c RANK 2 COUNT 0"), ints(&[6, 7]));
    assert_eq!(run(&mut c, "LPOS l c MAXLEN 3"), int(2));
    assert_eq!(run(&mut c, "LPOS l c MAXLEN 2"), Reply::Null);
    assert_eq!(run(&mut c, "LPOS l c RANK -1 MAXLEN 1 COUNT 0"), ints(&[7]));
    assert_eq!(
        run(&mut c, "LPOS l c RANK 0"),
        err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
    );
    assert_eq!(run(&mut c, "LPOS l c RANK x"), err("ERR value is not an integer or out of range"));
    assert_eq!(
        run(&mut c, "LPOS l c RANK -9223372036854775808"),
        err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    );
    assert_eq!(run(&mut c, "LPOS l c COUNT -1"), err("ERR COUNT can't be negative"));
    assert_eq!(run(&mut c, "LPOS l c COUNT x"), err("ERR COUNT can't be negative"));
    assert_eq!(run(&mut c, "LPOS l c MAXLEN -1"), err("ERR MAXLEN can't be negative"));
    assert_eq!(run(&mut c, "LPOS l c COUNT"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "LPOS l c FIRST 1"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "LPOS nokey c RANK 0"), err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"));
}

#[test]
fn lmove_and_rpoplpush() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "LMOVE nokey d LEFT RIGHT"), Reply::Null);
    assert_eq!(run(&mut c, "EXISTS d"), int(0));
    assert_eq!(run(&mut c, "RPUSH s a b c"), int(3));
    assert_eq!(run(&mut c, "LMOVE s d LEFT RIGHT"), bulk("a"));
    assert_eq!(run(&mut c, "LMOVE s d right left"), bulk("c"));
    assert_eq!(lrange(&mut c, "d"), bulks(&["c", "a"]));
    assert_eq!(run(&mut c, "LMOVE s d UP LEFT"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "LMOVE nokey d LEFT DOWN"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "RPOPLPUSH s d"), bulk("b"));
    assert_eq!(run(&mut c, "EXISTS s"), int(0));
    assert_eq!(lrange(&mut c, "d"), bulks(&["b", "c", "a"]));
    // Rotation within one list, which never disappears in between.
    assert_eq!(run(&mut c, "RPOPLPUSH d d"), bulk("a"));
    assert_eq!(lrange(&mut c, "d"), bulks(&["a", "b", "c"]));
    assert_eq!(run(&mut c, "RPUSH one x"), int(1));
    assert_eq!(run(&mut c, "EXPIRE one 100"), int(1));
    assert_eq!(run(&mut c, "LMOVE one one LEFT RIGHT"), bulk("x"));
    assert_eq!(run(&mut c, "TTL one"), int(100), "the list was never deleted");
}

#[test]
fn lmpop_pops_from_the_first_non_empty_list() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "LMPOP 2 a b LEFT"), Reply::NullArray);
    assert_eq!(run(&mut c, "RPUSH b 1 2 3"), int(3));
    assert_eq!(run(&mut c, "LMPOP 2 a b LEFT"), Reply::Array(vec![bulk("b"), bulks(&["1"])]));
    assert_eq!(run(&mut c, "LMPOP 2 a b right COUNT 5"), Reply::Array(vec![bulk("b"), bulks(&["3", "2"])]));
    assert_eq!(run(&mut c, "EXISTS b"), int(0));
    assert_eq!(run(&mut c, "LMPOP 0 a LEFT"), err("ERR numkeys should be greater than 0"));
    assert_eq!(run(&mut c, "LMPOP x a LEFT"), err("ERR numkeys should be greater than 0"));
    assert_eq!(run(&mut c, "LMPOP 2 a LEFT"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "LMPOP 9223372036854775807 a LEFT"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "LMPOP 1 a MIDDLE"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "LMPOP 1 a LEFT COUNT 0"), err("ERR count should be greater than 0"));
    assert_eq!(run(&mut c, "LMPOP 1 a LEFT COUNT x"), err("ERR count should be greater than 0"));
    assert_eq!(run(&mut c, "LMPOP 1 a LEFT COUNT 1 COUNT 1"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "LMPOP 1 a LEFT COUNT"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "LMPOP 1 a"), err("ERR wrong number of arguments for 'lmpop' command"));
}

#[test]
fn expired_lists_are_gone() {
    let (engine, mut c) = setup();
    assert_eq!(run(&mut c, "RPUSH l a b"), int(2));
    assert_eq!(run(&mut c, "PEXPIRE l 10"), int(1));
    engine.advance_time(10);
    assert_eq!(run(&mut c, "LLEN l"), int(0));
    assert_eq!(run(&mut c, "LPUSHX l a"), int(0));
    assert_eq!(run(&mut c, "RPUSH l c"), int(1));
    assert_eq!(run(&mut c, "TTL l"), int(-1));
}

#[test]
fn encodings_follow_the_listpack_size() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "RPUSH l a 1 2"), int(3));
    assert_eq!(run(&mut c, "OBJECT ENCODING l"), bulk("listpack"));
    // 7 header bytes plus 8185 bytes of elements is exactly the 8 KB limit.
    let fits = vec![b'x'; 8192 - 7];
    assert_eq!(run_args(&mut c, &[b"RPUSH", b"big", &fits]), int(1));
    assert_eq!(run(&mut c, "OBJECT ENCODING big"), bulk("listpack"));
    let too_big = vec![b'x'; 8192 - 6];
    assert_eq!(run_args(&mut c, &[b"RPUSH", b"bigger", &too_big]), int(1));
    assert_eq!(run(&mut c, "OBJECT ENCODING bigger"), bulk("quicklist"));
    // Back to a listpack only below half the limit.
    let half = vec![b'y'; 4000];
    assert_eq!(run_args(&mut c, &[b"RPUSH", b"h", &half, &half, &half]), int(3));
    assert_eq!(run(&mut c, "OBJECT ENCODING h"), bulk("quicklist"));
    assert_eq!(run(&mut c, "RPOP h"), Reply::bulk(half.clone()));
    assert_eq!(run(&mut c, "OBJECT ENCODING h"), bulk("quicklist"));
    assert_eq!(run(&mut c, "LTRIM h 0 0"), ok());
    assert_eq!(run(&mut c, "OBJECT ENCODING h"), bulk("listpack"));
    // Many small elements: 1000 of them pass 8 KB.
    for i in 0..1000 {
        run(&mut c, &format!("RPUSH many element-{i}"));
    }
    assert_eq!(run(&mut c, "OBJECT ENCODING many"), bulk("quicklist"));
    assert_eq!(run(&mut c, "LTRIM many 0 99"), ok());
    assert_eq!(run(&mut c, "OBJECT ENCODING many"), bulk("listpack"));
    assert_eq!(run(&mut c, "LINDEX many 99"), bulk("element-99"));
}

#[test]
fn large_lists_stay_fast_at_both_ends() {
    let (_e, mut c) = setup();
    let chunk: Vec<Vec<u8>> = (0..10_000).map(|i| format!("{i}").into_bytes()).collect();
    for _ in 0..50 {
        let mut argv: Vec<&[u8]> = vec![b"RPUSH", b"l"];
        argv.extend(chunk.iter().map(|e| e.as_slice()));
        run_args(&mut c, &argv);
    }
    assert_eq!(run(&mut c, "LLEN l"), int(500_000));
    assert_eq!(run(&mut c, "LRANGE l 250000 250002"), bulks(&["0", "1", "2"]));
    assert_eq!(run(&mut c, "LINDEX l -10000"), bulk("0"));
    for _ in 0..10_000 {
        run(&mut c, "LPUSH l h");
        run(&mut c, "LPOP l");
    }
    assert_eq!(run(&mut c, "LREM l 0 9999"), int(50));
    assert_eq!(run(&mut c, "LLEN l"), int(499_950));
    assert_eq!(run(&mut c, "LTRIM l 100 -100"), ok());
    assert_eq!(run(&mut c, "LINDEX l 0"), bulk("100"));
}
