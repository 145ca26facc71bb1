mod common;

use common::*;
use vermilion_engine::Reply;

fn dbl(score: f64) -> Reply {
    Reply::Double(score)
}

fn arr(items: Vec<Reply>) -> Reply {
    Reply::Array(items)
}

/// A flat RESP2-style list of bulk members.
fn members(names: &str) -> Reply {
    arr(names.split_whitespace().map(bulk).collect())
}

/// A flat (member, score, ...) list.
fn scored(pairs: &[(&str, f64)]) -> Reply {
    arr(pairs.iter().flat_map(|&(m, s)| [bulk(m), dbl(s)]).collect())
}

/// The RESP3 shape: a list of [member, score] pairs.
fn scored_pairs(pairs: &[(&str, f64)]) -> Reply {
    arr(pairs.iter().map(|&(m, s)| arr(vec![bulk(m), dbl(s)])).collect())
}

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

#[test]
fn zadd_options_and_replies() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "ZADD z 1 a 2 b 3 c"), int(3));
    assert_eq!(run(&mut c, "ZADD z 1 a 5 b"), int(0));
    assert_eq!(run(&mut c, "ZADD z CH 1 a 6 b 7 d"), int(2));
    assert_eq!(run(&mut c, "ZADD z NX 100 a 4 e"), int(1));
    assert_eq!(run(&mut c, "ZSCORE z a"), dbl(1.0));
    assert_eq!(run(&mut c, "ZADD z XX CH 10 a 10 nope"), int(1));
    assert_eq!(run(&mut c, "ZSCORE z nope"), Reply::Null);
    assert_eq!(run(&mut c, "ZADD z GT CH 5 a 20 c"), int(1));
    assert_eq!(run(&mut c, "ZADD z LT CH 50 a 1 c"), int(1));
    assert_eq!(run(&mut c, "ZMSCORE z a c x"), arr(vec![dbl(10.0), dbl(1.0), Reply::Null]));
    assert_eq!(run(&mut c, "ZADD z INCR 2.5 a"), dbl(12.5));
    assert_eq!(run(&mut c, "ZADD z NX INCR 1 a"), Reply::Null);
    assert_eq!(run(&mut c, "ZADD z GT INCR -1 a"), Reply::Null);
    assert_eq!(run(&mut c, "ZADD z XX INCR 1 new"), Reply::Null);
    assert_eq!(run(&mut c, "ZADD missing XX 1 a"), int(0));
    assert_eq!(run(&mut c, "EXISTS missing"), int(0));
    assert_eq!(run(&mut c, "ZCARD z"), int(5));
    assert_eq!(run(&mut c, "ZADD z inf a"), int(0));
    assert_eq!(run(&mut c, "ZSCORE z a"), dbl(f64::INFINITY));
}

#[test]
fn zadd_errors() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "ZADD z 1"), err("ERR wrong number of arguments for 'zadd' command"));
    assert_eq!(run(&mut c, "ZADD z 1 a 2"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZADD z NX CH"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZADD z NX XX 1 a"), err("ERR XX and NX options at the same time are not compatible"));
    assert_eq!(run(&mut c, "ZADD z GT LT 1 a"), err("ERR GT, LT, and/or NX options at the same time are not compatible"));
    assert_eq!(run(&mut c, "ZADD z NX GT 1 a"), err("ERR GT, LT, and/or NX options at the same time are not compatible"));
    assert_eq!(run(&mut c, "ZADD z INCR 1 a 2 b"), err("ERR INCR option supports a single increment-element pair"));
    assert_eq!(run(&mut c, "ZADD z 1 a x b"), err("ERR value is not a valid float"));
    assert_eq!(run(&mut c, "ZADD z nan a"), err("ERR value is not a valid float"));
    assert_eq!(run(&mut c, "EXISTS z"), int(0), "nothing is added when any score is bad");
    run(&mut c, "ZADD z inf a");
    assert_eq!(run(&mut c, "ZINCRBY z -inf a"), err("ERR resulting score is not a number (NaN)"));
    assert_eq!(run(&mut c, "ZINCRBY z x a"), err("ERR value is not a valid float"));
    run(&mut c, "SET s v");
    assert_eq!(run(&mut c, "ZADD s 1 a"), err(WRONGTYPE));
    assert_eq!(run(&mut c, "ZSCORE s a"), err(WRONGTYPE));
    assert_eq!(run(&mut c, "ZRANGE s 0 -1"), err(WRONGTYPE));
}

#[test]
fn zincrby_creates_and_accumulates() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "ZINCRBY z 1.5 a"), dbl(1.5));
    assert_eq!(run(&mut c, "ZINCRBY z -0.5 a"), dbl(1.0));
    assert_eq!(run(&mut c, "ZINCRBY z 0.1 a"), dbl(1.1));
    assert_eq!(run(&mut c, "ZINCRBY z 1 a b"), err("ERR wrong number of arguments for 'zincrby' command"));
}

#[test]
fn zrem_deletes_emptied_sets() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z 1 a 2 b");
    assert_eq!(run(&mut c, "ZREM z a x a"), int(1));
    assert_eq!(run(&mut c, "ZREM nokey a"), int(0));
    assert_eq!(run(&mut c, "ZREM z b"), int(1));
    assert_eq!(run(&mut c, "EXISTS z"), int(0));
}

#[test]
fn ranks_with_and_without_scores() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z 1 a 2 b 3 c");
    assert_eq!(run(&mut c, "ZRANK z a"), int(0));
    assert_eq!(run(&mut c, "ZREVRANK z a"), int(2));
    assert_eq!(run(&mut c, "ZRANK z c WITHSCORE"), arr(vec![int(2), dbl(3.0)]));
    assert_eq!(run(&mut c, "ZREVRANK z c withscore"), arr(vec![int(0), dbl(3.0)]));
    assert_eq!(run(&mut c, "ZRANK z x"), Reply::Null);
    assert_eq!(run(&mut c, "ZRANK z x WITHSCORE"), Reply::NullArray);
    assert_eq!(run(&mut c, "ZRANK nokey x WITHSCORE"), Reply::NullArray);
    assert_eq!(run(&mut c, "ZRANK z a WITHSCORES"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZRANK z a WITHSCORE x"), err("ERR wrong number of arguments for 'zrank' command"));
}

#[test]
fn zrange_by_rank() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z 1 a 2 b 3 c 4 d");
    assert_eq!(run(&mut c, "ZRANGE z 0 -1"), members("a b c d"));
    assert_eq!(run(&mut c, "ZRANGE z -2 100"), members("c d"));
    assert_eq!(run(&mut c, "ZRANGE z 2 1"), members(""));
    assert_eq!(run(&mut c, "ZRANGE z 0 1 REV"), members("d c"));
    assert_eq!(run(&mut c, "ZREVRANGE z 1 2 WITHSCORES"), scored(&[("c", 3.0), ("b", 2.0)]));
    assert_eq!(run(&mut c, "ZRANGE z 0 0 WITHSCORES"), scored(&[("a", 1.0)]));
    assert_eq!(run(&mut c, "ZRANGE nokey 0 -1"), members(""));
    assert_eq!(run(&mut c, "ZRANGE z a 1"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "ZRANGE z 0 1 LIMIT 0 1"), err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"));
    assert_eq!(run(&mut c, "ZRANGE z 0 1 LIMIT 0 -1"), members("a b"), "Redis takes LIMIT 0 -1 as no LIMIT");
    assert_eq!(run(&mut c, "ZRANGE z 0 1 BYSCORE BYLEX"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZRANGE z 0 1 LIMIT 0"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZREVRANGE z 0 1 REV"), err("ERR syntax error"));
}

#[test]
fn zrange_by_score_with_limits() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z 1 a 2 b 3 c 4 d 5 e");
    assert_eq!(run(&mut c, "ZRANGEBYSCORE z 2 4"), members("b c d"));
    assert_eq!(run(&mut c, "ZRANGEBYSCORE z (2 (4"), members("c"));
    assert_eq!(run(&mut c, "ZRANGEBYSCORE z -inf +inf LIMIT 1 2"), members("b c"));
    assert_eq!(run(&mut c, "ZRANGEBYSCORE z -inf +inf LIMIT 3 -1"), members("d e"));
    assert_eq!(run(&mut c, "ZRANGEBYSCORE z -inf +inf LIMIT -1 2"), members(""));
    assert_eq!(run(&mut c, "ZRANGEBYSCORE z 2 1"), members(""));
    assert_eq!(run(&mut c, "ZRANGEBYSCORE z (2 (2"), members(""));
    assert_eq!(run(&mut c, "ZREVRANGEBYSCORE z 4 2 WITHSCORES"), scored(&[("d", 4.0), ("c", 3.0), ("b", 2.0)]));
    assert_eq!(run(&mut c, "ZREVRANGEBYSCORE z +inf -inf LIMIT 1 2"), members("d c"));
    assert_eq!(run(&mut c, "ZRANGE z (1 3 BYSCORE"), members("b c"));
    assert_eq!(run(&mut c, "ZRANGE z 5 (3 BYSCORE REV LIMIT 0 1 WITHSCORES"), scored(&[("e", 5.0)]));
    assert_eq!(run(&mut c, "ZRANGEBYSCORE z x 1"), err("ERR min or max is not a float"));
    assert_eq!(run(&mut c, "ZRANGEBYSCORE z 1 (nan"), err("ERR min or max is not a float"));
    assert_eq!(run(&mut c, "ZRANGEBYSCORE z 0 1 REV"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZCOUNT z (1 3"), int(2));
    assert_eq!(run(&mut c, "ZCOUNT z -inf +inf"), int(5));
    assert_eq!(run(&mut c, "ZCOUNT z 1 x"), err("ERR min or max is not a float"));
    assert_eq!(run(&mut c, "ZCOUNT nokey 0 1"), int(0));
}

#[test]
fn zrange_by_lex() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z 0 a 0 b 0 c 0 d 0 e");
    assert_eq!(run(&mut c, "ZRANGEBYLEX z - +"), members("a b c d e"));
    assert_eq!(run(&mut c, "ZRANGEBYLEX z [b (d"), members("b c"));
    assert_eq!(run(&mut c, "ZRANGEBYLEX z - + LIMIT 1 2"), members("b c"));
    assert_eq!(run(&mut c, "ZREVRANGEBYLEX z + [c"), members("e d c"));
    assert_eq!(run(&mut c, "ZRANGE z [d - BYLEX REV LIMIT 0 2"), members("d c"));
    assert_eq!(run(&mut c, "ZRANGEBYLEX z + -"), members(""));
    assert_eq!(run(&mut c, "ZLEXCOUNT z (a [c"), int(2));
    assert_eq!(run(&mut c, "ZLEXCOUNT z - +"), int(5));
    assert_eq!(run(&mut c, "ZRANGEBYLEX z a c"), err("ERR min or max not valid string range item"));
    assert_eq!(run(&mut c, "ZLEXCOUNT z [a +x"), err("ERR min or max not valid string range item"));
    assert_eq!(run(&mut c, "ZRANGE z - + BYLEX WITHSCORES"), err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
    assert_eq!(run(&mut c, "ZRANGEBYLEX z - + WITHSCORES"), err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
}

#[test]
fn zrangestore_replaces_or_deletes_the_destination() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z 1 a 2 b 3 c");
    run(&mut c, "SET dst x");
    assert_eq!(run(&mut c, "ZRANGESTORE dst z 1 -1"), int(2));
    assert_eq!(run(&mut c, "ZRANGE dst 0 -1 WITHSCORES"), scored(&[("b", 2.0), ("c", 3.0)]));
    assert_eq!(run(&mut c, "ZRANGESTORE dst z +inf (1 BYSCORE REV LIMIT 0 1"), int(1));
    assert_eq!(run(&mut c, "ZRANGE dst 0 -1"), members("c"));
    assert_eq!(run(&mut c, "ZRANGESTORE dst z 5 10"), int(0));
    assert_eq!(run(&mut c, "EXISTS dst"), int(0));
    run(&mut c, "SET dst x");
    assert_eq!(run(&mut c, "ZRANGESTORE dst nokey 0 -1"), int(0));
    assert_eq!(run(&mut c, "EXISTS dst"), int(0));
    assert_eq!(run(&mut c, "ZRANGESTORE dst z 0 -1 WITHSCORES"), err("ERR syntax error"));
}

#[test]
fn zremrange_family() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z 1 a 2 b 3 c 4 d 5 e");
    assert_eq!(run(&mut c, "ZREMRANGEBYRANK z 0 1"), int(2));
    assert_eq!(run(&mut c, "ZREMRANGEBYSCORE z (3 4"), int(1));
    assert_eq!(run(&mut c, "ZRANGE z 0 -1"), members("c e"));
    assert_eq!(run(&mut c, "ZREMRANGEBYSCORE z x 1"), err("ERR min or max is not a float"));
    assert_eq!(run(&mut c, "ZREMRANGEBYRANK z 5 10"), int(0));
    assert_eq!(run(&mut c, "ZREMRANGEBYRANK z -1 -1"), int(1));
    assert_eq!(run(&mut c, "ZREMRANGEBYLEX z - +"), int(1));
    assert_eq!(run(&mut c, "EXISTS z"), int(0));
    assert_eq!(run(&mut c, "ZREMRANGEBYLEX z x +"), err("ERR min or max not valid string range item"));
    assert_eq!(run(&mut c, "ZREMRANGEBYRANK nokey 0 -1"), int(0));
}

#[test]
fn pops_in_both_protocols() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z 1 a 2 b 3 c 4 d");
    assert_eq!(run(&mut c, "ZPOPMIN z"), scored(&[("a", 1.0)]));
    assert_eq!(run(&mut c, "ZPOPMAX z 2"), scored(&[("d", 4.0), ("c", 3.0)]));
    assert_eq!(run(&mut c, "ZPOPMIN z 0"), members(""));
    assert_eq!(run(&mut c, "ZPOPMIN z -1"), err("ERR value is out of range, must be positive"));
    assert_eq!(run(&mut c, "ZPOPMIN z x"), err("ERR value is out of range, must be positive"));
    assert_eq!(run(&mut c, "ZPOPMIN z 1 2"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZPOPMIN nokey"), members(""));
    run(&mut c, "HELLO 3");
    assert_eq!(run(&mut c, "ZPOPMIN z"), scored(&[("b", 2.0)]), "no count: one flat pair in RESP3 too");
    assert_eq!(run(&mut c, "EXISTS z"), int(0));
    run(&mut c, "ZADD z 1 a 2 b");
    assert_eq!(run(&mut c, "ZPOPMIN z 5"), scored_pairs(&[("a", 1.0), ("b", 2.0)]));
}

#[test]
fn zmpop_takes_the_first_non_empty_key() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z2 1 a 2 b 3 c");
    assert_eq!(run(&mut c, "ZMPOP 2 z1 z2 MAX COUNT 2"), arr(vec![bulk("z2"), scored_pairs(&[("c", 3.0), ("b", 2.0)])]));
    assert_eq!(run(&mut c, "ZMPOP 1 z2 min"), arr(vec![bulk("z2"), scored_pairs(&[("a", 1.0)])]));
    assert_eq!(run(&mut c, "ZMPOP 2 z1 z2 MIN"), Reply::NullArray);
    assert_eq!(run(&mut c, "ZMPOP 0 z1 MIN"), err("ERR numkeys should be greater than 0"));
    assert_eq!(run(&mut c, "ZMPOP 3 z1 MIN"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZMPOP 1 z1 MIDDLE"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZMPOP 1 z1 MIN COUNT 0"), err("ERR count should be greater than 0"));
    assert_eq!(run(&mut c, "ZMPOP 1 z1 MIN COUNT 1 COUNT 1"), err("ERR syntax error"));
    run(&mut c, "SET s v");
    assert_eq!(run(&mut c, "ZMPOP 2 z1 s MIN"), err(WRONGTYPE));
}

#[test]
fn withscores_shape_follows_the_protocol() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z 1.5 a 2 b");
    run(&mut c, "HELLO 3");
    assert_eq!(run(&mut c, "ZRANGE z 0 -1 WITHSCORES"), scored_pairs(&[("a", 1.5), ("b", 2.0)]));
    assert_eq!(run(&mut c, "ZUNION 1 z WITHSCORES"), scored_pairs(&[("a", 1.5), ("b", 2.0)]));
    assert_eq!(run(&mut c, "ZRANGE z 0 -1"), members("a b"));
}

#[test]
fn zrandmember_cases() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h 9 i 10 j");
    let Reply::Bulk(one) = run(&mut c, "ZRANDMEMBER z") else { panic!() };
    assert!(one.len() == 1 && (b'a'..=b'j').contains(&one[0]));
    let distinct = |reply: Reply| -> Vec<Vec<u8>> {
        let Reply::Array(items) = reply else { panic!() };
        let mut names: Vec<Vec<u8>> = items.into_iter().map(|r| match r { Reply::Bulk(b) => b.to_vec(), _ => panic!() }).collect();
        names.sort();
        names.dedup();
        names
    };
    for count in [1, 2, 3, 5, 8, 10, 20] {
        assert_eq!(distinct(run(&mut c, &format!("ZRANDMEMBER z {count}"))).len(), count.min(10));
    }
    let Reply::Array(repeated) = run(&mut c, "ZRANDMEMBER z -25") else { panic!() };
    assert_eq!(repeated.len(), 25);
    let Reply::Array(with_scores) = run(&mut c, "ZRANDMEMBER z -3 WITHSCORES") else { panic!() };
    assert_eq!(with_scores.len(), 6);
    assert!(matches!(with_scores[1], Reply::Double(_)));
    assert_eq!(run(&mut c, "ZRANDMEMBER z 0"), members(""));
    assert_eq!(run(&mut c, "ZRANDMEMBER nokey"), Reply::Null);
    assert_eq!(run(&mut c, "ZRANDMEMBER nokey 3"), members(""));
    assert_eq!(run(&mut c, "ZRANDMEMBER z 1 WITHSCORE"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZRANDMEMBER z x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "ZRANDMEMBER z -9223372036854775808"), err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
    assert_eq!(run(&mut c, "ZRANDMEMBER z 9223372036854775807 WITHSCORES"), err("ERR value is out of range"));
}

#[test]
fn union_inter_diff() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD a 1 x 2 y 3 z");
    run(&mut c, "ZADD b 10 y 20 z 30 w");
    assert_eq!(run(&mut c, "ZUNION 2 a b WITHSCORES"), scored(&[("x", 1.0), ("y", 12.0), ("z", 23.0), ("w", 30.0)]));
    assert_eq!(run(&mut c, "ZUNION 2 a b WEIGHTS 2 0.5 AGGREGATE MAX WITHSCORES"), scored(&[("x", 2.0), ("y", 5.0), ("z", 10.0), ("w", 15.0)]));
    assert_eq!(run(&mut c, "ZINTER 2 a b AGGREGATE MIN WITHSCORES"), scored(&[("y", 2.0), ("z", 3.0)]));
    assert_eq!(run(&mut c, "ZINTER 2 a nokey"), members(""));
    assert_eq!(run(&mut c, "ZDIFF 2 a b WITHSCORES"), scored(&[("x", 1.0)]));
    assert_eq!(run(&mut c, "ZINTERCARD 2 a b"), int(2));
    assert_eq!(run(&mut c, "ZINTERCARD 2 a b LIMIT 1"), int(1));
    assert_eq!(run(&mut c, "ZUNIONSTORE dst 2 a b"), int(4));
    assert_eq!(run(&mut c, "ZRANGE dst 0 -1"), members("x y z w"));
    assert_eq!(run(&mut c, "ZINTERSTORE dst 2 a b WEIGHTS 1 0"), int(2));
    assert_eq!(run(&mut c, "ZRANGE dst 0 -1 WITHSCORES"), scored(&[("y", 2.0), ("z", 3.0)]));
    assert_eq!(run(&mut c, "ZDIFFSTORE dst 2 a a"), int(0));
    assert_eq!(run(&mut c, "EXISTS dst"), int(0));
    // inf * 0 and inf + -inf count as 0.
    run(&mut c, "ZADD i inf p");
    run(&mut c, "ZADD j -inf p");
    assert_eq!(run(&mut c, "ZUNION 2 i j WITHSCORES"), scored(&[("p", 0.0)]));
    assert_eq!(run(&mut c, "ZUNION 1 i WEIGHTS 0 WITHSCORES"), scored(&[("p", 0.0)]));
}

#[test]
fn set_operation_errors() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD a 1 x");
    run(&mut c, "SET s v");
    assert_eq!(run(&mut c, "ZUNION 0 a"), err("ERR at least 1 input key is needed for 'zunion' command"));
    assert_eq!(run(&mut c, "ZINTERSTORE d 0 a"), err("ERR at least 1 input key is needed for 'zinterstore' command"));
    assert_eq!(run(&mut c, "ZUNION x a"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "ZUNION 2 a"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZUNION 1 a WEIGHTS x"), err("ERR weight value is not a float"));
    assert_eq!(run(&mut c, "ZUNION 1 a WEIGHTS 1 2"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZUNION 1 a AGGREGATE AVG"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZDIFF 1 a WEIGHTS 1"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZUNIONSTORE d 1 a WITHSCORES"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZINTERCARD 1 a LIMIT -1"), err("ERR LIMIT can't be negative"));
    assert_eq!(run(&mut c, "ZINTERCARD 1 a WITHSCORES"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZUNION 2 a s"), err(WRONGTYPE));
    assert_eq!(run(&mut c, "ZINTERCARD 0 a"), err("ERR at least 1 input key is needed for 'zintercard' command"));
}

#[test]
fn zscan_listpack_and_skiplist() {
    let (_e, mut c) = setup();
    run(&mut c, "ZADD z 1.1 a 2 b 1e20 c");
    assert_eq!(
        run(&mut c, "ZSCAN z 0"),
        arr(vec![bulk("0"), arr(vec![bulk("a"), bulk("1.1000000000000001"), bulk("b"), bulk("2"), bulk("c"), bulk("1e+20")])])
    );
    assert_eq!(run(&mut c, "ZSCAN z 0 MATCH b*"), arr(vec![bulk("0"), arr(vec![bulk("b"), bulk("2")])]));
    assert_eq!(run(&mut c, "ZSCAN nokey 0 COUNT 0"), arr(vec![bulk("0"), arr(vec![])]));
    assert_eq!(run(&mut c, "ZSCAN z x"), err("ERR invalid cursor"));
    assert_eq!(run(&mut c, "ZSCAN z 0 COUNT 0"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "ZSCAN z 0 TYPE zset"), err("ERR syntax error"));

    for i in 0..500 {
        run(&mut c, &format!("ZADD big {i} m{i}"));
    }
    let mut seen = std::collections::BTreeMap::new();
    let mut cursor = "0".to_string();
    loop {
        let Reply::Array(parts) = run(&mut c, &format!("ZSCAN big {cursor} COUNT 20")) else { panic!() };
        let [Reply::Bulk(next), Reply::Array(items)] = &parts[..] else { panic!() };
        for pair in items.chunks(2) {
            let (Reply::Bulk(m), Reply::Bulk(s)) = (&pair[0], &pair[1]) else { panic!() };
            seen.insert(m.to_vec(), s.to_vec());
        }
        cursor = String::from_utf8(next.to_vec()).unwrap();
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 500);
    assert_eq!(seen[&b"m42".to_vec()], b"42");
}

#[test]
fn encodings_follow_redis_thresholds() {
    let (_e, mut c) = setup();
    for i in 0..128 {
        run(&mut c, &format!("ZADD z {i} m{i}"));
    }
    assert_eq!(encoding(&mut c, "z"), bulk("listpack"));
    run(&mut c, "ZADD z 1000 one-more");
    assert_eq!(encoding(&mut c, "z"), bulk("skiplist"));
    run(&mut c, "ZREMRANGEBYRANK z 0 -10");
    assert_eq!(encoding(&mut c, "z"), bulk("skiplist"), "a skiplist never shrinks back by itself");
    assert_eq!(run(&mut c, "ZRANGESTORE small z 0 -1"), int(9));
    assert_eq!(encoding(&mut c, "small"), bulk("listpack"), "stored results pick their encoding");
    let long = "x".repeat(65);
    run(&mut c, &format!("ZADD l 1 {long}"));
    assert_eq!(encoding(&mut c, "l"), bulk("skiplist"));
    run(&mut c, &format!("ZADD l2 1 {}", "x".repeat(64)));
    assert_eq!(encoding(&mut c, "l2"), bulk("listpack"));
}

#[test]
fn large_sets_keep_ranks_and_ranges_right() {
    let (_e, mut c) = setup();
    for chunk in 0..20 {
        let pairs: Vec<String> = (0..500).map(|i| {
            let n = chunk * 500 + i;
            format!("{} m{n:05}", n % 1000)
        }).collect();
        run(&mut c, &format!("ZADD big {}", pairs.join(" ")));
    }
    assert_eq!(run(&mut c, "ZCARD big"), int(10_000));
    // Score 0 holds m00000, m01000, ..., m09000; rank order breaks ties by member.
    assert_eq!(run(&mut c, "ZRANK big m01000"), int(1));
    assert_eq!(run(&mut c, "ZRANK big m00001"), int(10));
    assert_eq!(run(&mut c, "ZREVRANK big m09999"), int(0));
    assert_eq!(run(&mut c, "ZCOUNT big 10 (20"), int(100));
    assert_eq!(run(&mut c, "ZRANGE big 5000 5002"), members("m00500 m01500 m02500"));
    assert_eq!(run(&mut c, "ZRANGEBYSCORE big 999 +inf LIMIT 8 5"), members("m08999 m09999"));
    assert_eq!(run(&mut c, "ZREMRANGEBYSCORE big -inf (500"), int(5000));
    assert_eq!(run(&mut c, "ZRANGE big 0 0 WITHSCORES"), scored(&[("m00500", 500.0)]));
    assert_eq!(run(&mut c, "ZPOPMAX big 2"), scored(&[("m09999", 999.0), ("m08999", 999.0)]));
    assert_eq!(run(&mut c, "ZSCORE big m05555"), dbl(555.0));
    assert_eq!(run(&mut c, "ZADD big 0 m05555"), int(0));
    assert_eq!(run(&mut c, "ZRANGE big 0 0"), members("m05555"));
}

#[test]
fn arity_and_key_specs() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "ZCARD"), err("ERR wrong number of arguments for 'zcard' command"));
    assert_eq!(run(&mut c, "ZRANGESTORE d s 0"), err("ERR wrong number of arguments for 'zrangestore' command"));
    assert_eq!(run(&mut c, "COMMAND GETKEYS ZUNIONSTORE dst 2 a b WEIGHTS 1 2"), members("dst a b"));
    assert_eq!(run(&mut c, "COMMAND GETKEYS ZMPOP 2 a b MIN"), members("a b"));
    assert_eq!(run(&mut c, "COMMAND GETKEYS ZRANGESTORE d s 0 1"), members("d s"));
}

