//! Hash field expiry (HEXPIRE and family), with Redis 7.4's replies, on a manual clock.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use vermilion_engine::{Client, ConnectionInfo, Engine, Reply};

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
/// The manual clock's start (see `common::setup`), in ms and in seconds.
const T0: i64 = 1_700_000_000_000;
const T0_S: i64 = T0 / 1000;

fn ints(values: &[i64]) -> Reply {
    Reply::Array(values.iter().map(|&n| int(n)).collect())
}

fn fill(c: &mut Client, key: &str, fields: &[&str]) {
    for field in fields {
        run(c, &format!("HSET {key} {field} v-{field}"));
    }
}

#[test]
fn hexpire_replies_per_field() {
    let (_e, mut c) = setup();
    fill(&mut c, "h", &["a", "b", "c"]);
    assert_eq!(run(&mut c, "HEXPIRE h 100 FIELDS 2 a nosuch"), ints(&[1, -2]));
    assert_eq!(encoding(&mut c, "h"), bulk("listpackex"));
    assert_eq!(run(&mut c, "HTTL h FIELDS 3 a b nosuch"), ints(&[100, -1, -2]));
    assert_eq!(run(&mut c, "HPTTL h FIELDS 1 a"), ints(&[100_000]));
    assert_eq!(run(&mut c, "HEXPIRETIME h FIELDS 1 a"), ints(&[T0_S + 100]));
    assert_eq!(run(&mut c, "HPEXPIRETIME h FIELDS 2 a b"), ints(&[T0 + 100_000, -1]));
    // A time not after now deletes the field (2); the last field takes the key with it.
    assert_eq!(run(&mut c, "HEXPIRE h 0 FIELDS 1 b"), ints(&[2]));
    assert_eq!(run(&mut c, "HPEXPIREAT h 1 FIELDS 1 c"), ints(&[2]));
    assert_eq!(run(&mut c, "HGETALL h"), Reply::Map(vec![(bulk("a"), bulk("v-a"))]));
    assert_eq!(run(&mut c, "HEXPIREAT h 1 FIELDS 1 a"), ints(&[2]));
    assert_eq!(run(&mut c, "EXISTS h"), int(0));
    // A missing key reads as an empty hash.
    assert_eq!(run(&mut c, "HEXPIRE nokey 10 FIELDS 2 a b"), ints(&[-2, -2]));
    assert_eq!(run(&mut c, "HTTL nokey FIELDS 1 a"), ints(&[-2]));
    assert_eq!(run(&mut c, "HPERSIST nokey FIELDS 1 a"), ints(&[-2]));
}

#[test]
fn conditions_nx_xx_gt_lt() {
    let (_e, mut c) = setup();
    fill(&mut c, "h", &["ttl", "plain"]);
    assert_eq!(run(&mut c, "HEXPIRE h 100 FIELDS 1 ttl"), ints(&[1]));
    assert_eq!(run(&mut c, "HEXPIRE h 50 NX FIELDS 2 ttl plain"), ints(&[0, 1]));
    assert_eq!(run(&mut c, "HPERSIST h FIELDS 1 plain"), ints(&[1]));
    assert_eq!(run(&mut c, "HEXPIRE h 200 xx FIELDS 2 ttl plain"), ints(&[1, 0]));
    // GT: a field without a TTL counts as never expiring, so nothing is later.
    assert_eq!(run(&mut c, "HEXPIRE h 150 GT FIELDS 2 ttl plain"), ints(&[0, 0]));
    assert_eq!(run(&mut c, "HEXPIRE h 300 GT FIELDS 1 ttl"), ints(&[1]));
    // LT: anything is earlier than never.
    assert_eq!(run(&mut c, "HEXPIRE h 400 LT FIELDS 2 ttl plain"), ints(&[0, 1]));
    assert_eq!(run(&mut c, "HEXPIRE h 250 LT FIELDS 1 ttl"), ints(&[1]));
    assert_eq!(run(&mut c, "HTTL h FIELDS 2 ttl plain"), ints(&[250, 400]));
    // A failed condition wins over a past time: nothing is deleted.
    assert_eq!(run(&mut c, "HEXPIRE h 0 NX FIELDS 1 ttl"), ints(&[0]));
    assert_eq!(run(&mut c, "HLEN h"), int(2));
}

#[test]
fn errors_match_redis() {
    let (_e, mut c) = setup();
    fill(&mut c, "h", &["a"]);
    run(&mut c, "SET s x");
    let cases = [
        ("HEXPIRE h 10 FIELDS 0 a", "ERR Parameter `numFields` should be greater than 0"),
        ("HEXPIRE h 10 FIELDS x a", "ERR Parameter `numFields` should be greater than 0"),
        ("HEXPIRE h 10 FIELDS 2 a", "ERR The `numfields` parameter must match the number of arguments"),
        ("HEXPIRE h 10 FIELDS 1 a b", "ERR The `numfields` parameter must match the number of arguments"),
        ("HEXPIRE h 10 NX NX FIELDS 1 a", "ERR Mandatory argument FIELDS is missing or not at the right position"),
        ("HEXPIRE h 10 FIELD 1 a", "ERR Mandatory argument FIELDS is missing or not at the right position"),
        ("HEXPIRE h abc FIELDS 1 a", "ERR value is not an integer or out of range"),
        ("HEXPIRE h -1 FIELDS 1 a", "ERR invalid expire time, must be >= 0"),
        ("HEXPIRE h 70368744177664 FIELDS 1 a", "ERR invalid expire time in 'hexpire' command"),
        ("HPEXPIRE h 70368744177663 FIELDS 1 a", "ERR invalid expire time in 'hpexpire' command"),
        ("HEXPIREAT h 70368744178 FIELDS 1 a", "ERR invalid expire time in 'hexpireat' command"),
        ("HPEXPIREAT h 70368744177664 FIELDS 1 a", "ERR invalid expire time in 'hpexpireat' command"),
        ("HEXPIRE s 10 FIELDS 1 a", WRONGTYPE),
        ("HEXPIRE s abc FIELDS 0 a", WRONGTYPE),
        ("HTTL h FIELDS 0 a", "ERR Number of fields must be a positive integer"),
        ("HTTL h FIELDS -1 a", "ERR Number of fields must be a positive integer"),
        ("HTTL h FIELDS 2 a", "ERR The `numfields` parameter must match the number of arguments"),
        ("HTTL h 1 a b", "ERR Mandatory argument FIELDS is missing or not at the right position"),
        ("HPTTL s FIELDS 1 a", WRONGTYPE),
        ("HEXPIRETIME s FIELDS 1 a", WRONGTYPE),
        ("HPERSIST h FIELDS 0 a", "ERR Number of fields must be a positive integer"),
        ("HPERSIST h FIELDS 3 a", "ERR The `numfields` parameter must match the number of arguments"),
        ("HPERSIST s FIELDS 1 a", WRONGTYPE),
        ("HEXPIRE h 10 FIELDS", "ERR wrong number of arguments for 'hexpire' command"),
        ("HTTL h FIELDS", "ERR wrong number of arguments for 'httl' command"),
    ];
    for (line, error) in cases {
        assert_eq!(run(&mut c, line), err(error), "{line}");
    }
    // The largest allowed times are accepted.
    assert_eq!(run(&mut c, "HPEXPIREAT h 70368744177663 FIELDS 1 a"), ints(&[1]));
    assert_eq!(run(&mut c, "HEXPIREAT h 70368744177 FIELDS 1 a"), ints(&[1]));
}

#[test]
fn httl_rounds_up_and_hpersist_removes_ttls() {
    let (e, mut c) = setup();
    fill(&mut c, "h", &["a", "b"]);
    assert_eq!(run(&mut c, "HPEXPIRE h 1500 FIELDS 1 a"), ints(&[1]));
    assert_eq!(run(&mut c, "HTTL h FIELDS 1 a"), ints(&[2]));
    e.advance_time(1000);
    assert_eq!(run(&mut c, "HTTL h FIELDS 1 a"), ints(&[1]));
    assert_eq!(run(&mut c, "HPTTL h FIELDS 1 a"), ints(&[500]));
    assert_eq!(run(&mut c, "HPERSIST h FIELDS 3 a b nosuch"), ints(&[1, -1, -2]));
    assert_eq!(run(&mut c, "HPERSIST h FIELDS 1 a"), ints(&[-1]));
    e.advance_time(10_000);
    assert_eq!(run(&mut c, "HGET h a"), bulk("v-a"));
}

#[test]
fn expired_fields_are_invisible_and_lazily_reclaimed() {
    let (e, mut c) = setup();
    fill(&mut c, "h", &["a", "b", "c", "d"]);
    run(&mut c, "HSET h n 5");
    assert_eq!(run(&mut c, "HPEXPIRE h 100 FIELDS 4 a b c n"), ints(&[1, 1, 1, 1]));
    e.advance_time(100);
    assert_eq!(run(&mut c, "HGET h a"), bulk("v-a"), "a field lives through its own millisecond");
    e.advance_time(1);
    // Without active expiry the fields stay stored: HLEN counts them, as Redis's does.
    assert_eq!(run(&mut c, "HLEN h"), int(5));
    assert_eq!(sorted(run(&mut c, "HKEYS h")), ["d"]);
    assert_eq!(strings(run(&mut c, "HVALS h")), ["v-d"]);
    assert_eq!(run(&mut c, "HGETALL h"), Reply::Map(vec![(bulk("d"), bulk("v-d"))]));
    let Reply::Array(page) = run(&mut c, "HSCAN h 0") else { panic!() };
    assert_eq!(page[1], Reply::Array(vec![bulk("d"), bulk("v-d")]));
    assert_eq!(run(&mut c, "HTTL h FIELDS 2 a d"), ints(&[-2, -1]));
    assert_eq!(run(&mut c, "HPERSIST h FIELDS 1 a"), ints(&[-2]));
    assert_eq!(run(&mut c, "HLEN h"), int(5), "reading TTLs reclaims nothing");
    // Commands naming a field reclaim it.
    assert_eq!(run(&mut c, "HGET h a"), Reply::Null);
    assert_eq!(run(&mut c, "HMGET h b d"), Reply::Array(vec![Reply::Null, bulk("v-d")]));
    assert_eq!(run(&mut c, "HEXISTS h c"), int(0));
    assert_eq!(run(&mut c, "HLEN h"), int(2));
    // HINCRBY starts an expired field over, without a TTL.
    assert_eq!(run(&mut c, "HINCRBY h n 1"), int(1));
    assert_eq!(run(&mut c, "HTTL h FIELDS 1 n"), ints(&[-1]));
    assert_eq!(run(&mut c, "HEXPIRE h 100 FIELDS 1 n"), ints(&[1]));
    e.advance_time(200_000);
    assert_eq!(run(&mut c, "HSTRLEN h n"), int(0));
    assert_eq!(run(&mut c, "HSETNX h n again"), int(1));
    assert_eq!(run(&mut c, "HGET h n"), bulk("again"));
}

#[test]
fn the_key_goes_with_its_last_field() {
    let (e, mut c) = setup();
    fill(&mut c, "h", &["a", "b"]);
    assert_eq!(run(&mut c, "HEXPIRE h 10 FIELDS 2 a b"), ints(&[1, 1]));
    e.advance_time(20_000);
    assert_eq!(run(&mut c, "EXISTS h"), int(1), "until something reclaims the fields");
    assert_eq!(run(&mut c, "HGETALL h"), Reply::Map(vec![]));
    assert_eq!(run(&mut c, "HMGET h a b"), Reply::Array(vec![Reply::Null, Reply::Null]));
    assert_eq!(run(&mut c, "EXISTS h"), int(0));

    // HRANDFIELD reclaims every expired field first.
    fill(&mut c, "r", &["a", "b"]);
    run(&mut c, "HEXPIRE r 10 FIELDS 2 a b");
    e.advance_time(20_000);
    assert_eq!(run(&mut c, "HRANDFIELD r"), Reply::Null);
    assert_eq!(run(&mut c, "EXISTS r"), int(0));
    fill(&mut c, "r", &["a", "b"]);
    run(&mut c, "HEXPIRE r 10 FIELDS 1 a");
    e.advance_time(20_000);
    assert_eq!(strings(run(&mut c, "HRANDFIELD r -5")), ["b"; 5]);
    assert_eq!(run(&mut c, "HLEN r"), int(1));

    // HINCRBY on the last expired field recreates the hash.
    fill(&mut c, "n", &["x"]);
    run(&mut c, "HEXPIRE n 10 FIELDS 1 x");
    e.advance_time(20_000);
    assert_eq!(run(&mut c, "HINCRBYFLOAT n x 1.5"), bulk("1.5"));
    assert_eq!(encoding(&mut c, "n"), bulk("listpack"), "a new hash");
}

#[test]
fn writes_to_fields_with_ttls() {
    let (_e, mut c) = setup();
    fill(&mut c, "h", &["a", "b", "n"]);
    run(&mut c, "HSET h n 10");
    run(&mut c, "HEXPIRE h 100 FIELDS 3 a b n");
    // HSET drops the TTL, HINCRBY keeps it, HDEL takes it with the field.
    assert_eq!(run(&mut c, "HSET h a new"), int(0));
    assert_eq!(run(&mut c, "HINCRBY h n 5"), int(15));
    assert_eq!(run(&mut c, "HTTL h FIELDS 2 a n"), ints(&[-1, 100]));
    assert_eq!(run(&mut c, "HDEL h b"), int(1));
    assert_eq!(run(&mut c, "HSET h b again"), int(1));
    assert_eq!(run(&mut c, "HTTL h FIELDS 1 b"), ints(&[-1]));
}

#[test]
fn big_hashes_expire_fields_too() {
    let (e, mut c) = setup();
    for i in 0..600 {
        run(&mut c, &format!("HSET big f{i} {i}"));
    }
    assert_eq!(encoding(&mut c, "big"), bulk("hashtable"));
    let mut line = String::from("HPEXPIRE big 50 FIELDS 300");
    for i in 0..300 {
        line.push_str(&format!(" f{i}"));
    }
    assert_eq!(run(&mut c, &line), ints(&[1; 300]));
    assert_eq!(encoding(&mut c, "big"), bulk("hashtable"));
    e.advance_time(51);
    assert_eq!(run(&mut c, "HGET big f1"), Reply::Null);
    assert_eq!(run(&mut c, "HGET big f301"), bulk("301"));
    assert_eq!(strings(run(&mut c, "HKEYS big")).len(), 300);
}

#[test]
fn active_expiry_reclaims_fields_and_empty_hashes() {
    let (e, mut c) = setup();
    fill(&mut c, "gone", &["a", "b"]);
    fill(&mut c, "kept", &["a", "b"]);
    for i in 0..600 {
        run(&mut c, &format!("HSET big f{i} {i}"));
    }
    run(&mut c, "HPEXPIRE gone 10 FIELDS 2 a b");
    run(&mut c, "HPEXPIRE kept 10 FIELDS 1 a");
    run(&mut c, "HPEXPIRE kept 10000 FIELDS 1 b");
    run(&mut c, "HPEXPIRE big 10 FIELDS 3 f1 f2 f3");
    e.advance_time(11);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while run(&mut c, "HLEN big") != int(597) || run(&mut c, "EXISTS gone") != int(0) {
        assert!(std::time::Instant::now() < deadline, "active expiry did not reclaim the fields");
        e.run_expire_cycle();
    }
    assert_eq!(run(&mut c, "HLEN kept"), int(1));
    assert_eq!(run(&mut c, "HTTL kept FIELDS 1 b"), ints(&[10]));
    // A listed key that no longer holds such a hash is simply forgotten.
    run(&mut c, "DEL kept");
    run(&mut c, "SET kept string");
    e.advance_time(100_000);
    e.run_expire_cycle();
    assert_eq!(run(&mut c, "GET kept"), bulk("string"));
}

#[test]
fn dump_restore_round_trip_keeps_field_ttls() {
    let (e, mut c) = setup();
    fill(&mut c, "h", &["a", "b", "c"]);
    run(&mut c, "HPEXPIRE h 5000 FIELDS 1 a");
    run(&mut c, "HPEXPIRE h 9000 FIELDS 1 b");
    let Reply::Bulk(payload) = run(&mut c, "DUMP h") else { panic!("DUMP replies a bulk") };
    assert_eq!(payload[0], 24, "RDB_TYPE_HASH_METADATA");
    let footer = &payload[payload.len() - 10..];
    assert_eq!(u16::from_le_bytes([footer[0], footer[1]]), 12, "Redis 7.4's RDB version");
    // The earliest time, then per field: 0 for none, else 1 + its distance from the earliest.
    assert_eq!(&payload[1..9], &(T0 + 5000).to_le_bytes());
    assert_eq!(payload[9], 3);
    let restore = |c: &mut Client, key: &[u8]| c.execute(&[b"RESTORE", key, b"0", &payload]);
    assert_eq!(restore(&mut c, b"copy"), ok());
    assert_eq!(run(&mut c, "HPEXPIRETIME copy FIELDS 3 a b c"), ints(&[T0 + 5000, T0 + 9000, -1]));
    assert_eq!(encoding(&mut c, "copy"), bulk("listpackex"));
    // Restored fields expire actively too.
    e.advance_time(6000);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while run(&mut c, "HLEN copy") != int(2) {
        assert!(std::time::Instant::now() < deadline, "the restored hash was not tracked");
        e.run_expire_cycle();
    }
    // A hash whose TTLs are all gone dumps in the plain layout again, at Redis 7.0's version.
    assert_eq!(run(&mut c, "HGET h a"), Reply::Null);
    assert_eq!(run(&mut c, "HPERSIST h FIELDS 1 b"), ints(&[1]));
    let Reply::Bulk(plain) = run(&mut c, "DUMP h") else { panic!() };
    assert_eq!(plain[0], 4, "RDB_TYPE_HASH");
    assert_eq!(u16::from_le_bytes([plain[plain.len() - 10], plain[plain.len() - 9]]), 10);
}

#[test]
fn restore_reads_redis_74_listpack_ex() {
    let (_e, mut c) = setup();
    // A listpack of (field, value, ttl) triples: "f", "v", T0 + 1000 and "g", "w", 0.
    let mut listpack = vec![0u8; 6];
    for bytes in [&b"f"[..], b"v"] {
        push_listpack_string(&mut listpack, bytes);
    }
    listpack.push(0xF4); // 64-bit integer
    listpack.extend_from_slice(&(T0 + 1000).to_le_bytes());
    listpack.push(9);
    for bytes in [&b"g"[..], b"w"] {
        push_listpack_string(&mut listpack, bytes);
    }
    listpack.extend_from_slice(&[0, 1]); // 7-bit integer 0
    listpack.push(0xFF);
    let total = listpack.len() as u32;
    listpack[0..4].copy_from_slice(&total.to_le_bytes());
    listpack[4..6].copy_from_slice(&6u16.to_le_bytes());
    let mut body = vec![25];
    body.extend_from_slice(&(T0 + 1000).to_le_bytes());
    body.push(listpack.len() as u8);
    body.extend_from_slice(&listpack);
    body.extend_from_slice(&12u16.to_le_bytes());
    let crc = crc64_redis(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(c.execute(&[b"RESTORE", b"h", b"0", &body]), ok());
    assert_eq!(run(&mut c, "HPEXPIRETIME h FIELDS 2 f g"), ints(&[T0 + 1000, -1]));
    assert_eq!(run(&mut c, "HGET h g"), bulk("w"));
    // Version 12 is accepted only for the layouts with field TTLs.
    let mut string = vec![0u8, 1, b'x'];
    string.extend_from_slice(&12u16.to_le_bytes());
    let crc = crc64_redis(&string);
    string.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(c.execute(&[b"RESTORE", b"s", b"0", &string]), err("ERR DUMP payload version or checksum are wrong"));
}

/// A listpack entry holding a short string: its 6-bit length, the bytes, the entry's length.
fn push_listpack_string(listpack: &mut Vec<u8>, bytes: &[u8]) {
    listpack.push(0x80 | bytes.len() as u8);
    listpack.extend_from_slice(bytes);
    listpack.push(1 + bytes.len() as u8);
}

/// CRC-64/Jones as Redis computes it (reflected, polynomial 0xad93d23594c935a9).
fn crc64_redis(bytes: &[u8]) -> u64 {
    let mut crc = 0u64;
    for &byte in bytes {
        crc ^= u64::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0x95ac_9329_ac4b_c9b5 } else { crc >> 1 };
        }
    }
    crc
}

#[test]
fn rename_copy_and_move_carry_field_ttls() {
    let (e, mut c) = setup();
    fill(&mut c, "h", &["a", "b"]);
    run(&mut c, "HEXPIRE h 10 FIELDS 1 a");
    assert_eq!(run(&mut c, "RENAME h r"), ok());
    assert_eq!(run(&mut c, "HTTL r FIELDS 2 a b"), ints(&[10, -1]));
    assert_eq!(run(&mut c, "COPY r c"), int(1));
    assert_eq!(run(&mut c, "HTTL c FIELDS 1 a"), ints(&[10]));
    assert_eq!(run(&mut c, "HPERSIST c FIELDS 1 a"), ints(&[1]));
    assert_eq!(run(&mut c, "HTTL r FIELDS 1 a"), ints(&[10]), "a copy has its own TTLs");
    assert_eq!(run(&mut c, "MOVE r 1"), int(1));
    run(&mut c, "SELECT 1");
    assert_eq!(run(&mut c, "HTTL r FIELDS 1 a"), ints(&[10]));
    // The moved and renamed hash is still reclaimed actively in its new place.
    e.advance_time(11_000);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while run(&mut c, "HLEN r") != int(1) {
        assert!(std::time::Instant::now() < deadline, "the moved hash was not tracked");
        e.run_expire_cycle();
    }
}

#[test]
fn transactions_and_watch() {
    let (e, mut c) = setup();
    let mut other = e.connect(vermilion_engine::ConnectionInfo::embedded("other"));
    fill(&mut c, "h", &["a", "b"]);
    assert_eq!(run(&mut c, "MULTI"), ok());
    assert_eq!(run(&mut c, "HPEXPIRE h 100 FIELDS 1 a"), Reply::simple("QUEUED"));
    assert_eq!(run(&mut c, "HPTTL h FIELDS 1 a"), Reply::simple("QUEUED"));
    assert_eq!(run(&mut c, "EXEC"), Reply::Array(vec![ints(&[1]), ints(&[100])]));

    // Setting a TTL changes the key for its watchers.
    run(&mut c, "WATCH h");
    run(&mut other, "HPEXPIRE h 500 FIELDS 1 b");
    run(&mut c, "MULTI");
    run(&mut c, "HGET h b");
    assert_eq!(run(&mut c, "EXEC"), Reply::NullArray);

    // So does a field expiring (Redis signals the key when it reclaims a field).
    run(&mut c, "WATCH h");
    e.advance_time(200);
    run(&mut other, "HGET h a");
    run(&mut c, "MULTI");
    run(&mut c, "HGET h b");
    assert_eq!(run(&mut c, "EXEC"), Reply::NullArray);

    // Reading TTLs does not.
    run(&mut c, "WATCH h");
    run(&mut other, "HTTL h FIELDS 1 b");
    run(&mut c, "MULTI");
    run(&mut c, "HGET h b");
    assert_eq!(run(&mut c, "EXEC"), Reply::Array(vec![bulk("v-b")]));
}

#[test]
fn commands_are_declared_like_redis() {
    let (_e, mut c) = setup();
    let Reply::Array(info) = run(&mut c, "COMMAND INFO hexpire httl hpersist") else { panic!() };
    assert_eq!(info.len(), 3);
    for (entry, (name, arity)) in info.into_iter().zip([("hexpire", -6), ("httl", -5), ("hpersist", -5)]) {
        let Reply::Array(fields) = entry else { panic!("{name} is declared") };
        assert_eq!(fields[0], bulk(name));
        assert_eq!(fields[1], int(arity));
    }
}

// Keyspace events (Redis 7.4's: `hexpire`, `hpersist`, `hexpired`, and `hdel` / `del` where
// fields or the key go).

/// Turns keyevent notifications of every class (and `new`) on, and subscribes a second client of
/// `e` to every keyspace and keyevent channel. Active expiry runs only if `active_expiry`, so a
/// test knows which path reclaims fields.
fn listen(e: &Arc<Engine>, c: &mut Client, active_expiry: bool) -> Client {
    assert_eq!(run(c, "CONFIG SET notify-keyspace-events EAn"), ok());
    let switch = if active_expiry { "yes" } else { "no" };
    assert_eq!(run(c, &format!("CONFIG SET active-expire-enabled {switch}")), ok());
    let mut listener = e.connect(ConnectionInfo::embedded("listener"));
    run(&mut listener, "PSUBSCRIBE __key*__:*");
    listener.mailbox().drain();
    listener
}

/// The keyevent notifications `listener` got since the last call, each as "event key".
fn events(listener: &Client) -> Vec<String> {
    let text = |reply: &Reply| match reply {
        Reply::Bulk(bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
        other => panic!("not a bulk: {other:?}"),
    };
    listener
        .mailbox()
        .drain()
        .iter()
        .map(|message| {
            let (Reply::Push(parts) | Reply::Array(parts)) = message else { panic!("not a message: {message:?}") };
            assert_eq!(text(&parts[0]), "pmessage");
            let event = text(&parts[2]).strip_prefix("__keyevent@0__:").expect("a keyevent channel of db 0").to_string();
            format!("{event} {}", text(&parts[3]))
        })
        .collect()
}

#[test]
fn hexpire_and_hpersist_publish_their_events() {
    let (e, mut c) = setup();
    let listener = listen(&e, &mut c, false);
    fill(&mut c, "h", &["a", "b", "c", "d"]);
    assert_eq!(events(&listener), ["new h", "hset h", "hset h", "hset h", "hset h"]);

    run(&mut c, "HEXPIRE h 100 FIELDS 2 a nosuch");
    assert_eq!(events(&listener), ["hexpire h"]);
    // Nothing changed, nothing published.
    run(&mut c, "HEXPIRE h 50 NX FIELDS 1 a");
    run(&mut c, "HEXPIRE h 50 FIELDS 1 nosuch");
    run(&mut c, "HEXPIRE nokey 50 FIELDS 1 a");
    run(&mut c, "HPERSIST h FIELDS 2 b nosuch");
    run(&mut c, "HTTL h FIELDS 1 a");
    assert_eq!(events(&listener), Vec::<String>::new());

    assert_eq!(run(&mut c, "HPERSIST h FIELDS 2 a b"), ints(&[1, -1]));
    assert_eq!(events(&listener), ["hpersist h"]);
    // A time in the past deletes fields: one `hdel` for the command, then `del` with the last.
    run(&mut c, "HEXPIRE h 100 FIELDS 1 a");
    events(&listener);
    assert_eq!(run(&mut c, "HEXPIRE h 0 FIELDS 2 a b"), ints(&[2, 2]));
    assert_eq!(events(&listener), ["hdel h"]);
    assert_eq!(run(&mut c, "HPEXPIREAT h 1 FIELDS 2 c d"), ints(&[2, 2]));
    assert_eq!(events(&listener), ["hdel h", "del h"]);
    assert_eq!(run(&mut c, "EXISTS h"), int(0));
}

#[test]
fn lazily_reclaimed_fields_publish_hexpired() {
    let (e, mut c) = setup();
    let listener = listen(&e, &mut c, false);
    fill(&mut c, "h", &["a", "b", "c", "d", "live"]);
    run(&mut c, "HSET h n 5");
    run(&mut c, "HPEXPIRE h 100 FIELDS 5 a b c d n");
    e.advance_time(101);
    events(&listener);

    // Reading past expired fields, or their TTLs, reclaims nothing.
    for line in ["HLEN h", "HKEYS h", "HVALS h", "HGETALL h", "HSCAN h 0", "HTTL h FIELDS 1 a", "HEXISTS h live"] {
        run(&mut c, line);
    }
    assert_eq!(events(&listener), Vec::<String>::new());

    // Naming an expired field reclaims it: one `hexpired` per command.
    assert_eq!(run(&mut c, "HGET h a"), Reply::Null);
    assert_eq!(events(&listener), ["hexpired h"]);
    assert_eq!(run(&mut c, "HMGET h b c live"), Reply::Array(vec![Reply::Null, Reply::Null, bulk("v-live")]));
    assert_eq!(events(&listener), ["hexpired h"]);
    // A write starts the field over after publishing its expiry.
    assert_eq!(run(&mut c, "HINCRBY h n 1"), int(1));
    assert_eq!(events(&listener), ["hexpired h", "hincrby h"]);
    // HEXPIRE reclaims a field past its time, then sets the others.
    assert_eq!(run(&mut c, "HEXPIRE h 100 FIELDS 2 d live"), ints(&[-2, 1]));
    assert_eq!(events(&listener), ["hexpired h", "hexpire h"]);
    assert_eq!(run(&mut c, "HLEN h"), int(2));

    // The last field takes the key with it; a write then creates it anew.
    fill(&mut c, "k", &["x"]);
    run(&mut c, "HPEXPIRE k 10 FIELDS 1 x");
    e.advance_time(11);
    events(&listener);
    assert_eq!(run(&mut c, "HSETNX k x again"), int(1));
    assert_eq!(events(&listener), ["hexpired k", "del k", "new k", "hset k"]);
    run(&mut c, "HPEXPIRE k 10 FIELDS 1 x");
    e.advance_time(11);
    events(&listener);
    assert_eq!(run(&mut c, "HSTRLEN k x"), int(0));
    assert_eq!(events(&listener), ["hexpired k", "del k"]);

    // HRANDFIELD reclaims every expired field first, with one event.
    fill(&mut c, "r", &["a", "b", "c"]);
    run(&mut c, "HPEXPIRE r 10 FIELDS 2 a b");
    e.advance_time(11);
    events(&listener);
    assert_eq!(run(&mut c, "HRANDFIELD r"), bulk("c"));
    assert_eq!(events(&listener), ["hexpired r"]);
    run(&mut c, "HPEXPIRE r 10 FIELDS 1 c");
    e.advance_time(11);
    events(&listener);
    assert_eq!(run(&mut c, "HRANDFIELD r 2"), Reply::Array(vec![]));
    assert_eq!(events(&listener), ["hexpired r", "del r"]);
}

#[test]
fn hdel_and_hset_on_expired_fields_publish_no_hexpired() {
    let (e, mut c) = setup();
    let listener = listen(&e, &mut c, false);
    fill(&mut c, "h", &["a", "b"]);
    run(&mut c, "HPEXPIRE h 10 FIELDS 2 a b");
    e.advance_time(11);
    events(&listener);
    // Until reclaimed, an expired field is deleted and overwritten like any other, as in Redis.
    assert_eq!(run(&mut c, "HSET h a new"), int(0));
    assert_eq!(events(&listener), ["hset h"]);
    assert_eq!(run(&mut c, "HDEL h a b"), int(2));
    assert_eq!(events(&listener), ["hdel h", "del h"]);
}

#[test]
fn actively_reclaimed_fields_publish_hexpired() {
    let (e, mut c) = setup();
    let listener = listen(&e, &mut c, true);
    fill(&mut c, "gone", &["a", "b"]);
    fill(&mut c, "kept", &["a", "b"]);
    run(&mut c, "HPEXPIRE gone 10 FIELDS 2 a b");
    run(&mut c, "HPEXPIRE kept 10 FIELDS 1 a");
    e.advance_time(11);
    events(&listener);
    // HLEN and EXISTS reclaim nothing, so only the cycle can take these fields.
    let deadline = Instant::now() + Duration::from_secs(10);
    while run(&mut c, "EXISTS gone") != int(0) || run(&mut c, "HLEN kept") != int(1) {
        assert!(Instant::now() < deadline, "active expiry did not reclaim the fields");
        e.run_expire_cycle();
    }
    let published = events(&listener);
    let of = |key: &str| published.iter().filter(|ev| ev.ends_with(&format!(" {key}"))).cloned().collect::<Vec<_>>();
    assert_eq!(of("gone"), ["hexpired gone", "del gone"]);
    assert_eq!(of("kept"), ["hexpired kept"]);
    assert_eq!(published.len(), 3);
}

#[test]
fn sort_patterns_do_not_see_expired_hash_fields() {
    let (e, mut c) = setup();
    let listener = listen(&e, &mut c, false);
    run(&mut c, "RPUSH l 1 2 3");
    run(&mut c, "HSET w_1 weight 3 name one");
    run(&mut c, "HSET w_2 weight 1 name two");
    run(&mut c, "HSET w_3 weight 2 name three");
    run(&mut c, "HPEXPIRE w_2 100 FIELDS 1 weight");
    run(&mut c, "HPEXPIRE w_3 100 FIELDS 1 name");
    let by_weight = "SORT l BY w_*->weight GET # GET w_*->name";
    let fresh = Reply::Array(vec![bulk("2"), bulk("two"), bulk("3"), bulk("three"), bulk("1"), bulk("one")]);
    assert_eq!(run(&mut c, by_weight), fresh);
    e.advance_time(101);
    events(&listener);

    // w_2 weighs nothing (0) once its weight expired; w_3 has no name left.
    let expired = Reply::Array(vec![bulk("2"), bulk("two"), bulk("3"), Reply::Null, bulk("1"), bulk("one")]);
    assert_eq!(run(&mut c, by_weight), expired);
    // The fields were reclaimed as they were read: weights first, then names.
    assert_eq!(events(&listener), ["hexpired w_2", "hexpired w_3"]);
    assert_eq!(run(&mut c, "HLEN w_2"), int(1));
    assert_eq!(run(&mut c, "HLEN w_3"), int(1));

    // SORT_RO reclaims too, and a hash goes with its last field.
    run(&mut c, "HSET s_1 f v");
    run(&mut c, "HPEXPIRE s_1 10 FIELDS 1 f");
    e.advance_time(11);
    events(&listener);
    assert_eq!(run(&mut c, "SORT_RO l BY nosort GET s_*->f LIMIT 0 1"), Reply::Array(vec![Reply::Null]));
    assert_eq!(events(&listener), ["hexpired s_1", "del s_1"]);
    assert_eq!(run(&mut c, "EXISTS s_1"), int(0));
}
