mod common;

use common::*;
use vermilion_engine::Reply;

fn sorted(reply: Reply) -> Vec<Vec<u8>> {
    let Reply::Array(items) = reply else { panic!("not an array: {reply:?}") };
    let mut keys: Vec<Vec<u8>> = items.into_iter().map(|r| match r {
        Reply::Bulk(b) => b.to_vec(),
        other => panic!("not a bulk: {other:?}"),
    }).collect();
    keys.sort();
    keys
}

#[test]
fn delete_exists_type() {
    let (_e, mut c) = setup();
    run(&mut c, "MSET a 1 b 2");
    assert_eq!(run(&mut c, "EXISTS a a b z"), int(3));
    assert_eq!(run(&mut c, "TYPE a"), Reply::simple("string"));
    assert_eq!(run(&mut c, "TYPE z"), Reply::simple("none"));
    assert_eq!(run(&mut c, "DEL a z"), int(1));
    assert_eq!(run(&mut c, "UNLINK b"), int(1));
    assert_eq!(run(&mut c, "DBSIZE"), int(0));
    assert_eq!(run(&mut c, "DEL"), err("ERR wrong number of arguments for 'del' command"));
}

#[test]
fn expiry_family_with_conditions() {
    let (engine, mut c) = setup();
    run(&mut c, "SET k v");
    assert_eq!(run(&mut c, "EXPIRE k 100 XX"), int(0));
    assert_eq!(run(&mut c, "EXPIRE k 100 NX"), int(1));
    assert_eq!(run(&mut c, "EXPIRE k 50 GT"), int(0));
    assert_eq!(run(&mut c, "EXPIRE k 200 GT"), int(1));
    assert_eq!(run(&mut c, "EXPIRE k 300 LT"), int(0));
    assert_eq!(run(&mut c, "PEXPIRE k 1500 LT"), int(1));
    assert_eq!(run(&mut c, "PTTL k"), int(1500));
    assert_eq!(run(&mut c, "TTL k"), int(2));
    let at = engine.now_ms() + 1500;
    assert_eq!(run(&mut c, "PEXPIRETIME k"), int(at));
    assert_eq!(run(&mut c, "EXPIRETIME k"), int((at + 500) / 1000));
    assert_eq!(run(&mut c, "EXPIRE k 10 NX XX"), err("ERR NX and XX, GT or LT options at the same time are not compatible"));
    assert_eq!(run(&mut c, "EXPIRE k 10 GT LT"), err("ERR GT and LT options at the same time are not compatible"));
    assert_eq!(run(&mut c, "EXPIRE k 10 FOO"), err("ERR Unsupported option FOO"));
    assert_eq!(run(&mut c, "EXPIRE k 9223372036854775807"), err("ERR invalid expire time in 'expire' command"));
    assert_eq!(run(&mut c, "PERSIST k"), int(1));
    assert_eq!(run(&mut c, "PERSIST k"), int(0));
    assert_eq!(run(&mut c, "TTL k"), int(-1));
    assert_eq!(run(&mut c, "TTL nokey"), int(-2));
    assert_eq!(run(&mut c, "EXPIRE k -1"), int(1));
    assert_eq!(run(&mut c, "EXISTS k"), int(0));
}

#[test]
fn active_expiry_reclaims_unread_keys() {
    let (engine, mut c) = setup();
    for i in 0..200 {
        run(&mut c, &format!("SET k{i} v PX 100"));
    }
    run(&mut c, "SET keep v");
    engine.advance_time(101);
    // No key is read: only the active cycle can remove them.
    while engine.run_expire_cycle() > 0 {}
    assert_eq!(run(&mut c, "DBSIZE"), int(1));
}

#[test]
fn rename_copy_move() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "RENAME a b"), err("ERR no such key"));
    run(&mut c, "SET a 1 EX 100");
    assert_eq!(run(&mut c, "RENAME a a"), ok());
    assert_eq!(run(&mut c, "RENAME a b"), ok());
    assert_eq!(run(&mut c, "TTL b"), int(100));
    run(&mut c, "SET c 3");
    assert_eq!(run(&mut c, "RENAMENX b c"), int(0));
    assert_eq!(run(&mut c, "COPY b c"), int(0));
    assert_eq!(run(&mut c, "COPY b c REPLACE"), int(1));
    assert_eq!(run(&mut c, "TTL c"), int(100));
    assert_eq!(run(&mut c, "COPY b b"), err("ERR source and destination objects are the same"));
    assert_eq!(run(&mut c, "COPY b b DB 1"), int(1));
    assert_eq!(run(&mut c, "COPY b b DB 16"), err("ERR DB index is out of range"));
    assert_eq!(run(&mut c, "MOVE c 1"), int(1));
    assert_eq!(run(&mut c, "MOVE c 0"), err("ERR source and destination objects are the same"));
    assert_eq!(run(&mut c, "MOVE b x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "SELECT 1"), ok());
    assert_eq!(sorted(run(&mut c, "KEYS *")), vec![b"b".to_vec(), b"c".to_vec()]);
}

#[test]
fn keys_and_scan_patterns() {
    let (_e, mut c) = setup();
    for k in ["hello", "hallo", "hxllo", "hllo", "heeeello", "a*b"] {
        run(&mut c, &format!("SET {k} 1"));
    }
    assert_eq!(sorted(run(&mut c, "KEYS h?llo")), vec![b"hallo".to_vec(), b"hello".to_vec(), b"hxllo".to_vec()]);
    assert_eq!(sorted(run(&mut c, "KEYS h[^e]llo")), vec![b"hallo".to_vec(), b"hxllo".to_vec()]);
    assert_eq!(sorted(run(&mut c, "KEYS a\\*b")), vec![b"a*b".to_vec()]);
    // A full SCAN returns every key exactly as KEYS does.
    let mut seen = Vec::new();
    let mut cursor = "0".to_string();
    loop {
        let Reply::Array(parts) = run(&mut c, &format!("SCAN {cursor} COUNT 2 MATCH h*")) else { panic!() };
        let Reply::Bulk(next) = &parts[0] else { panic!() };
        seen.extend(sorted(parts[1].clone()));
        cursor = String::from_utf8(next.to_vec()).unwrap();
        if cursor == "0" {
            break;
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5);
    assert_eq!(run(&mut c, "SCAN x"), err("ERR invalid cursor"));
    assert_eq!(run(&mut c, "SCAN 0 COUNT 0"), err("ERR syntax error"));
    let Reply::Array(parts) = run(&mut c, "SCAN 0 TYPE list COUNT 100") else { panic!() };
    assert_eq!(parts[1], Reply::Array(vec![]));
    let Reply::Array(parts) = run(&mut c, "SCAN 0 TYPE string COUNT 100") else { panic!() };
    assert_eq!(sorted(parts[1].clone()).len(), 6);
}

#[test]
fn object_subcommands() {
    let (engine, mut c) = setup();
    run(&mut c, "SET n 123");
    run(&mut c, "SET s hello");
    assert_eq!(run(&mut c, "OBJECT ENCODING n"), bulk("int"));
    assert_eq!(run(&mut c, "OBJECT ENCODING s"), bulk("embstr"));
    assert_eq!(run(&mut c, "OBJECT ENCODING none"), Reply::Null);
    assert_eq!(run(&mut c, "OBJECT REFCOUNT n"), int(2147483647));
    assert_eq!(run(&mut c, "OBJECT REFCOUNT s"), int(1));
    engine.advance_time(5000);
    assert_eq!(run(&mut c, "OBJECT IDLETIME s"), int(5));
    assert_eq!(run(&mut c, "OBJECT FREQ s").as_error().map(|e| e.starts_with("ERR An LFU")), Some(true));
    assert_eq!(run(&mut c, "OBJECT FOO s"), err("ERR unknown subcommand 'FOO'. Try OBJECT HELP."));
    assert_eq!(run(&mut c, "OBJECT"), err("ERR wrong number of arguments for 'object' command"));
    assert_eq!(run(&mut c, "OBJECT ENCODING"), err("ERR wrong number of arguments for 'object|encoding' command"));
}
