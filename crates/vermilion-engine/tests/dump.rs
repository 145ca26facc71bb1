//! DUMP and RESTORE, checked against payloads captured from Redis 7.0.15 (hex literals below):
//! each restores here with Redis's contents and encoding, and what DUMP writes here restores
//! back to the same value.

mod common;

use common::*;
use vermilion_engine::{Client, Reply};

/// Runs a command whose arguments are given as byte strings (payloads are binary).
fn exec(c: &mut Client, args: &[&[u8]]) -> Reply {
    c.execute(args)
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

/// Adds DUMP's footer (RDB version 10 and CRC64) to a hand-built object.
fn with_footer(body: &[u8]) -> Vec<u8> {
    let mut payload = body.to_vec();
    payload.extend_from_slice(&10u16.to_le_bytes());
    let crc = crc::Crc::<u64>::new(&crc::CRC_64_REDIS).checksum(&payload);
    payload.extend_from_slice(&crc.to_le_bytes());
    payload
}

fn restore(c: &mut Client, key: &str, payload: &[u8], extra: &[&str]) -> Reply {
    let mut args: Vec<&[u8]> = vec![b"RESTORE", key.as_bytes(), b"0", payload];
    args.extend(extra.iter().map(|s| s.as_bytes()));
    exec(c, &args)
}

fn dump(c: &mut Client, key: &str) -> Vec<u8> {
    match exec(c, &[b"DUMP", key.as_bytes()]) {
        Reply::Bulk(b) => b.to_vec(),
        other => panic!("DUMP gave {other:?}"),
    }
}

/// Restores an oracle payload into `key` and checks its encoding (`None` where this engine's
/// encoding of the type differs from Redis 7.0's by design), then checks that DUMPing it here
/// and restoring that elsewhere gives the same contents and encoding. Returns what `read` gives.
fn restores_from_redis(c: &mut Client, key: &str, hex: &str, redis_encoding: Option<&str>, read: &str) -> Reply {
    assert_eq!(restore(c, key, &unhex(hex), &[]), ok(), "restoring {key}");
    if let Some(expected) = redis_encoding {
        assert_eq!(encoding(c, key), bulk(expected), "encoding of {key}");
    }
    let contents = run(c, &read.replace("{}", key));
    let copy = format!("{key}:copy");
    let ours = dump(c, key);
    assert_eq!(restore(c, &copy, &ours, &[]), ok());
    let restored = run(c, &read.replace("{}", &copy));
    assert_eq!(as_multiset(restored), as_multiset(contents.clone()), "round trip of {key}");
    assert_eq!(encoding(c, &copy), encoding(c, key));
    contents
}

/// A reply as the strings a RESP2 client reads: maps flattened, scores as text.
fn texts(reply: Reply) -> Vec<String> {
    match reply {
        Reply::Bulk(b) => vec![String::from_utf8(b.to_vec()).unwrap()],
        Reply::Double(d) => vec![d.to_string()],
        Reply::Array(items) | Reply::Set(items) => items.into_iter().flat_map(texts).collect(),
        Reply::Map(pairs) => pairs.into_iter().flat_map(|(k, v)| texts(k).into_iter().chain(texts(v))).collect(),
        other => panic!("unexpected reply {other:?}"),
    }
}

/// [`texts`] regardless of order (hash tables list in no particular order).
fn as_multiset(reply: Reply) -> Vec<String> {
    let mut items = texts(reply);
    items.sort();
    items
}

#[test]
fn strings_in_every_rdb_encoding() {
    let (_e, mut c) = setup();
    let cases = [
        ("raw", "000568656c6c6f0a006372df766534200a", "embstr", "hello".to_string()),
        ("int8", "00c0fb0a0049c4c6f4d7263f68", "int", "-5".into()),
        ("int16", "00c1e8030a0089d1478ebac4b764", "int", "1000".into()),
        ("int32", "00c26079feff0a00a1ca8470cc216d9d", "int", "-100000".into()),
        ("bigint", "000b31323334353637383930310a00304e52d727176510", "int", "12345678901".into()),
        ("lzf", "00c30a406402616261e056010161620a0017383d942096d863", "raw", "ab".repeat(50)),
    ];
    for (key, hex, enc, value) in cases {
        assert_eq!(restores_from_redis(&mut c, key, hex, Some(enc), "GET {}"), bulk(&value));
    }
}

#[test]
fn strings_dump_byte_for_byte_as_redis() {
    let (_e, mut c) = setup();
    for (value, hex) in [("hello", "000568656c6c6f0a006372df766534200a"), ("-5", "00c0fb0a0049c4c6f4d7263f68"), ("-100000", "00c26079feff0a00a1ca8470cc216d9d")] {
        run(&mut c, &format!("SET k {value}"));
        assert_eq!(dump(&mut c, "k"), unhex(hex));
    }
}

#[test]
fn lists_from_quicklist_nodes() {
    let (_e, mut c) = setup();
    let packed = "120102c32b406a1f6a00000007008161020101dffe02c12c02f270110104f400e68ee7fdffffff0902e04678e03c000148ff0a00b156fdc2d52588af";
    let items = texts(restores_from_redis(&mut c, "l", packed, None, "LRANGE {} 0 -1"));
    let long = "x".repeat(70);
    assert_eq!(items, ["a", "1", "-2", "300", "70000", "-9000000000", long.as_str()]);

    // A plain node holds one element outside any listpack (Redis writes them for huge elements).
    let plain = with_footer(&[18, 2, 1, 3, b'b', b'i', b'g', 2, 10, 10, 0, 0, 0, 1, 0, 0x81, b'z', 2, 0xff]);
    assert_eq!(restore(&mut c, "p", &plain, &[]), ok());
    assert_eq!(strings(run(&mut c, "LRANGE p 0 -1")), ["big", "z"]);
}

#[test]
fn sets_as_intset_and_hashtable() {
    let (_e, mut c) = setup();
    let intset = "0b20080000000300000090eefeffffffffff010000000000000000f2052a010000000a0052409d858a56c17e";
    assert_eq!(as_multiset(restores_from_redis(&mut c, "i", intset, Some("intset"), "SMEMBERS {}")), ["-70000", "1", "5000000000"]);
    let table = "02030162016101630a0099cc80dd5982d255";
    assert_eq!(as_multiset(restores_from_redis(&mut c, "t", table, Some("hashtable"), "SMEMBERS {}")), ["a", "b", "c"]);
}

#[test]
fn hashes_as_listpack_and_hashtable() {
    let (_e, mut c) = setup();
    let packed = "1012120000000400816602817602816e020c01ff0a0001369481d35b8974";
    assert_eq!(as_multiset(restores_from_redis(&mut c, "h", packed, Some("listpack"), "HGETALL {}")), ["12", "f", "n", "v"]);
    let table = "0402046c6f6e67c3094050017979e04300017979016601760a0096daea9ce82cb5eb";
    restores_from_redis(&mut c, "t", table, Some("hashtable"), "HGETALL {}");
    assert_eq!(run(&mut c, "HGET t long"), bulk(&"y".repeat(80)));
}

#[test]
fn sorted_sets_as_listpack_and_skiplist() {
    let (_e, mut c) = setup();
    let packed = "1122220000000800816302dffd02816102010181620283322e350481640283696e6604ff0a00c54a2b13accba97f";
    let items = texts(restores_from_redis(&mut c, "z", packed, Some("listpack"), "ZRANGE {} 0 -1 WITHSCORES"));
    assert_eq!(items, ["c", "-3", "a", "1", "b", "2.5", "d", "inf"]);
    let skiplist = "0503016200000000000004400161000000000000f03fc3094050017a7ae04300017a7a000000000000f0ff0a00dad0c212989ad85b";
    let items = texts(restores_from_redis(&mut c, "s", skiplist, Some("skiplist"), "ZRANGE {} 0 -1 WITHSCORES"));
    assert_eq!(items, ["z".repeat(80), "-inf".into(), "a".into(), "1".into(), "b".into(), "2.5".into()]);
}

/// A ziplist of the given entries (each `<prevlen><encoding><data>`), as an RDB string.
fn ziplist_string(entries: &[&[u8]]) -> Vec<u8> {
    let body: Vec<u8> = entries.concat();
    let tail = 10 + body.len() - entries.last().map_or(0, |e| e.len());
    let mut zl = Vec::new();
    zl.extend_from_slice(&((10 + body.len() + 1) as u32).to_le_bytes());
    zl.extend_from_slice(&(tail as u32).to_le_bytes());
    zl.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    zl.extend_from_slice(&body);
    zl.push(0xFF);
    let mut string = vec![zl.len() as u8];
    string.extend_from_slice(&zl);
    string
}

#[test]
fn older_ziplist_layouts_load() {
    let (_e, mut c) = setup();
    // These payloads also restore in Redis 7.0, which validates ziplists fully as it converts them.
    // A hash ziplist (type 13) of f → v, n → 12 (an 8-bit integer entry).
    let hash = ziplist_string(&[&[0, 1, b'f'], &[3, 1, b'v'], &[3, 1, b'n'], &[3, 0xFE, 12]]);
    assert_eq!(restore(&mut c, "h", &with_footer(&[&[13], hash.as_slice()].concat()), &[]), ok());
    assert_eq!(run(&mut c, "HGET h n"), bulk("12"));
    assert_eq!(run(&mut c, "HGET h f"), bulk("v"));

    // A list ziplist (type 10): "a", 7 (a 4-bit immediate), -2 (a 16-bit integer).
    let list = ziplist_string(&[&[0, 1, b'a'], &[3, 0xF8], &[2, 0xC0, 0xFE, 0xFF]]);
    assert_eq!(restore(&mut c, "l", &with_footer(&[&[10], list.as_slice()].concat()), &[]), ok());
    assert_eq!(strings(run(&mut c, "LRANGE l 0 -1")), ["a", "7", "-2"]);

    // A quicklist of ziplists (type 14), two nodes.
    let node = ziplist_string(&[&[0, 1, b'x']]);
    assert_eq!(restore(&mut c, "q", &with_footer(&[&[14, 2], node.as_slice(), node.as_slice()].concat()), &[]), ok());
    assert_eq!(strings(run(&mut c, "LRANGE q 0 -1")), ["x", "x"]);

    // A zipmap hash (type 9): foo → bar with one byte of slack.
    let zipmap = [1, 3, b'f', b'o', b'o', 3, 1, b'b', b'a', b'r', 0, 0xFF];
    assert_eq!(restore(&mut c, "m", &with_footer(&[&[9, zipmap.len() as u8], zipmap.as_slice()].concat()), &[]), ok());
    assert_eq!(run(&mut c, "HGET m foo"), bulk("bar"));

    // An old-style ZSET (type 3) with scores as text, one of them infinite.
    let body = [3, 2, 1, b'a', 3, b'1', b'.', b'5', 1, b'b', 255];
    assert_eq!(restore(&mut c, "z", &with_footer(&body), &[]), ok());
    assert_eq!(texts(run(&mut c, "ZRANGE z 0 -1 WITHSCORES")), ["b", "-inf", "a", "1.5"]);
}

#[test]
fn dump_of_a_missing_key_is_null() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "DUMP nope"), Reply::Null);
    assert_eq!(run(&mut c, "DUMP"), err("ERR wrong number of arguments for 'dump' command"));
}

#[test]
fn restore_errors_in_redis_order() {
    let (_e, mut c) = setup();
    let good = unhex("000568656c6c6f0a006372df766534200a");
    run(&mut c, "SET k 1");
    assert_eq!(restore(&mut c, "k", &good, &[]), err("BUSYKEY Target key name already exists."));
    assert_eq!(exec(&mut c, &[b"RESTORE", b"n", b"-1", &good]), err("ERR Invalid TTL value, must be >= 0"));
    assert_eq!(exec(&mut c, &[b"RESTORE", b"n", b"x", &good]), err("ERR value is not an integer or out of range"));
    assert_eq!(restore(&mut c, "n", &good, &["IDLETIME", "-1"]), err("ERR Invalid IDLETIME value, must be >= 0"));
    assert_eq!(restore(&mut c, "n", &good, &["FREQ", "256"]), err("ERR Invalid FREQ value, must be >= 0 and <= 255"));
    assert_eq!(restore(&mut c, "n", &good, &["IDLETIME", "1", "FREQ", "2"]), err("ERR syntax error"));
    assert_eq!(restore(&mut c, "n", &good, &["FREQ", "1", "IDLETIME", "2"]), err("ERR syntax error"));
    assert_eq!(restore(&mut c, "n", &good, &["IDLETIME"]), err("ERR syntax error"));
    assert_eq!(restore(&mut c, "n", &good, &["BOGUS"]), err("ERR syntax error"));
    assert_eq!(restore(&mut c, "n", b"x", &[]), err("ERR DUMP payload version or checksum are wrong"));
    assert_eq!(run(&mut c, "RESTORE n 0"), err("ERR wrong number of arguments for 'restore' command"));

    let mut corrupt = good.clone();
    corrupt[3] ^= 1;
    assert_eq!(restore(&mut c, "n", &corrupt, &[]), err("ERR DUMP payload version or checksum are wrong"));
    let mut newer = good[..good.len() - 10].to_vec();
    newer.extend_from_slice(&11u16.to_le_bytes());
    let crc = crc::Crc::<u64>::new(&crc::CRC_64_REDIS).checksum(&newer);
    newer.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(restore(&mut c, "n", &newer, &[]), err("ERR DUMP payload version or checksum are wrong"));
    assert_eq!(run(&mut c, "EXISTS n"), int(0));
}

#[test]
fn malformed_objects_are_bad_data() {
    let (_e, mut c) = setup();
    let bad = [
        vec![0, 9, b'a'],                   // string shorter than its length
        vec![99, 0],                        // unknown type
        vec![2, 0],                         // empty set
        vec![2, 2, 1, b'a', 1, b'a'],       // duplicate set member
        vec![4, 1, 1, b'f'],                // hash pair cut short
        vec![5, 1, 1, b'a', 0, 0, 0, 0, 0, 0, 0xF8, 0x7F], // NaN score
        vec![11, 8, 2, 0, 0, 0, 9, 0, 0, 0], // intset claiming more members than it holds
        vec![18, 1, 3, 1, b'a'],            // unknown quicklist container
        vec![0, 0xC3, 3, 9, 0, b'a', b'b'], // LZF stream shorter than promised
    ];
    for body in bad {
        assert_eq!(restore(&mut c, "k", &with_footer(&body), &[]), err("ERR Bad data format"), "{body:?}");
    }
    assert_eq!(run(&mut c, "DBSIZE"), int(0));
}

#[test]
fn replace_ttl_absttl_and_idletime() {
    let (engine, mut c) = setup();
    let hello = unhex("000568656c6c6f0a006372df766534200a");
    run(&mut c, "SET k old");
    run(&mut c, "EXPIRE k 100");
    assert_eq!(restore(&mut c, "k", &hello, &["REPLACE"]), ok());
    assert_eq!(run(&mut c, "GET k"), bulk("hello"));
    assert_eq!(run(&mut c, "TTL k"), int(-1));

    assert_eq!(exec(&mut c, &[b"RESTORE", b"t", b"5000", &hello]), ok());
    assert_eq!(run(&mut c, "PTTL t"), int(5000));
    let at = (1_700_000_000_000i64 + 9000).to_string();
    assert_eq!(exec(&mut c, &[b"RESTORE", b"a", at.as_bytes(), &hello, b"ABSTTL"]), ok());
    assert_eq!(run(&mut c, "PTTL a"), int(9000));

    // A deadline already past: nothing is created, and REPLACE leaves the old key deleted.
    assert_eq!(exec(&mut c, &[b"RESTORE", b"gone", b"1", &hello, b"ABSTTL"]), ok());
    assert_eq!(run(&mut c, "EXISTS gone"), int(0));
    assert_eq!(exec(&mut c, &[b"RESTORE", b"k", b"1", &hello, b"ABSTTL", b"REPLACE"]), ok());
    assert_eq!(run(&mut c, "EXISTS k"), int(0));

    assert_eq!(restore(&mut c, "idle", &hello, &["IDLETIME", "1000"]), ok());
    assert_eq!(run(&mut c, "OBJECT IDLETIME idle"), int(1000));
    assert_eq!(restore(&mut c, "f", &hello, &["FREQ", "10", "replace", "absttl"]), ok());
    engine.advance_time(5000);
    assert_eq!(run(&mut c, "EXISTS t"), int(0));
}

#[test]
fn every_type_round_trips_here() {
    let (_e, mut c) = setup();
    run(&mut c, "RPUSH l a b 3");
    run(&mut c, "SADD s 1 2 x");
    run(&mut c, "HSET h f v");
    run(&mut c, "ZADD z 1.5 a -0.25 b");
    for (key, read) in [("l", "LRANGE {} 0 -1"), ("s", "SMEMBERS {}"), ("h", "HGETALL {}"), ("z", "ZRANGE {} 0 -1 WITHSCORES")] {
        let payload = dump(&mut c, key);
        let copy = format!("{key}2");
        assert_eq!(restore(&mut c, &copy, &payload, &[]), ok());
        let (restored, original) = (run(&mut c, &read.replace("{}", &copy)), run(&mut c, &read.replace("{}", key)));
        assert_eq!(as_multiset(restored), as_multiset(original));
        assert_eq!(encoding(&mut c, &copy), encoding(&mut c, key));
    }
}

#[test]
fn streams_with_deletions_and_groups() {
    let (_e, mut c) = setup();
    // XADD 1-1 field v1 n 1; XADD 2-1 field v2 n 2; XADD 3-0 other x; XDEL 2-1;
    // XGROUP CREATE g 0; XREADGROUP GROUP g alice COUNT 1 >  (as Redis 7.0 dumps it)
    let hex = "13011000000000000000010000000000000001404a4a0000001900020101010201856669656c6406816e0200010201000100018276310301010501030101010001827632030201050100010201dfff020101856f74686572068178020601ff0203000101020103010167010181ffffffffffffffff0100000000000000010000000000000001d5654101a2010000010105616c696365d5654101a201000001000000000000000100000000000000010a009667f25394d7661b";
    assert_eq!(restore(&mut c, "s", &unhex(hex), &[]), ok());
    let entries = texts(run(&mut c, "XRANGE s - +"));
    assert_eq!(entries, ["1-1", "field", "v1", "n", "1", "3-0", "other", "x"]);
    assert_eq!(run(&mut c, "XLEN s"), int(2));
    let pending = texts_loose(run(&mut c, "XPENDING s g"));
    assert_eq!(pending, ["1", "1-1", "1-1", "alice", "1"]);

    let ours = dump(&mut c, "s");
    assert_eq!(restore(&mut c, "copy", &ours, &[]), ok());
    assert_eq!(texts(run(&mut c, "XRANGE copy - +")), entries);
    assert_eq!(texts_loose(run(&mut c, "XPENDING copy g")), pending);
    assert_eq!(run(&mut c, "XINFO GROUPS copy"), run(&mut c, "XINFO GROUPS s"));
    let info = |c: &mut Client, key: &str| {
        let Reply::Map(fields) = run(c, &format!("XINFO STREAM {key}")) else { panic!() };
        fields.into_iter().filter(|(k, _)| !matches!(k, Reply::Bulk(b) if b.starts_with(b"radix"))).collect::<Vec<_>>()
    };
    assert_eq!(info(&mut c, "copy"), info(&mut c, "s"));
}

/// [`texts`] that also takes integers and nulls, for mixed replies such as XPENDING's summary.
fn texts_loose(reply: Reply) -> Vec<String> {
    match reply {
        Reply::Integer(n) => vec![n.to_string()],
        Reply::Array(items) => items.into_iter().flat_map(texts_loose).collect(),
        other => texts(other),
    }
}

#[test]
fn malformed_streams_are_bad_data() {
    let (_e, mut c) = setup();
    // One node whose key is not a 16-byte ID; a length that disagrees with the entries.
    let bad = [vec![19, 1, 3, b'a', b'b', b'c'], vec![19, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0]];
    for body in bad {
        assert_eq!(restore(&mut c, "k", &with_footer(&body), &[]), err("ERR Bad data format"), "{body:?}");
    }
    // An empty stream is still a stream.
    run(&mut c, "XADD e 1-1 a 1");
    run(&mut c, "XDEL e 1-1");
    let payload = dump(&mut c, "e");
    assert_eq!(restore(&mut c, "e2", &payload, &[]), ok());
    assert_eq!(run(&mut c, "XLEN e2"), int(0));
    assert_eq!(run(&mut c, "XINFO STREAM e2"), run(&mut c, "XINFO STREAM e"));
}
