mod common;

use common::*;
use vermilion_engine::{Client, Reply};

/// Expected values below were read from Redis 7.0 running the same commands: the HLL bytes
/// must be identical, not just the estimates.
fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// FNV-1a, to pin 12 KB dense values without spelling them out.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn exec(c: &mut Client, args: &[&[u8]]) -> Reply {
    c.execute(args)
}

fn get_bytes(c: &mut Client, key: &str) -> Vec<u8> {
    match run(c, &format!("GET {key}")) {
        Reply::Bulk(bytes) => bytes.to_vec(),
        other => panic!("GET {key}: {other:?}"),
    }
}

/// PFADD of `prefix{i}` for i in `range`, a thousand elements per command.
fn add_numbered(c: &mut Client, key: &str, prefix: &str, range: std::ops::Range<u32>) {
    let elements: Vec<String> = range.map(|i| format!("{prefix}{i}")).collect();
    for chunk in elements.chunks(1000) {
        let mut args: Vec<&[u8]> = vec![b"PFADD", key.as_bytes()];
        args.extend(chunk.iter().map(String::as_bytes));
        assert!(!exec(c, &args).is_error());
    }
}

#[test]
fn pfadd_writes_redis_bytes() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "PFADD h a b c"), int(1));
    assert_eq!(get_bytes(&mut c, "h"), hex("48594c4c01000000000000000000008060f38050b1844bfb80425a"));
    assert_eq!(run(&mut c, "PFADD h a b"), int(0));
    assert_eq!(run(&mut c, "PFADD h d"), int(1));
    assert_eq!(get_bytes(&mut c, "h"), hex("48594c4c0100000000000000000000805c7b8044768050b1844bfb80425a"));
    assert_eq!(run(&mut c, "PFCOUNT h"), int(4));
    // The count is cached in the header, with the stale bit cleared.
    assert_eq!(get_bytes(&mut c, "h"), hex("48594c4c0100000004000000000000005c7b8044768050b1844bfb80425a"));
    assert_eq!(run(&mut c, "TYPE h"), Reply::Simple("string".into()));
    assert_eq!(run(&mut c, "OBJECT ENCODING h"), bulk("raw"));
    // A new key with no elements is still created, its cache marked stale.
    assert_eq!(run(&mut c, "PFADD empty"), int(1));
    assert_eq!(get_bytes(&mut c, "empty"), hex("48594c4c0100000000000000000000807fff"));
    assert_eq!(run(&mut c, "PFADD empty"), int(0));
    assert_eq!(run(&mut c, "PFCOUNT empty"), int(0));
    assert_eq!(run(&mut c, "PFCOUNT missing"), int(0));
}

#[test]
fn estimates_match_redis_through_sparse_and_dense() {
    let (_e, mut c) = setup();
    add_numbered(&mut c, "seq", "", 0..1000);
    let sparse = get_bytes(&mut c, "seq");
    assert_eq!((sparse.len(), fnv1a(&sparse)), (1923, 7_147_739_469_588_512_294));
    assert_eq!(run(&mut c, "PFCOUNT seq"), int(1001));
    assert_eq!(run(&mut c, "PFDEBUG ENCODING seq"), Reply::Simple("sparse".into()));
    add_numbered(&mut c, "seq", "", 1000..5000);
    let dense = get_bytes(&mut c, "seq");
    assert_eq!((dense.len(), fnv1a(&dense)), (12304, 5_976_686_590_249_663_012));
    assert_eq!(run(&mut c, "PFCOUNT seq"), int(4985));
    assert_eq!(run(&mut c, "PFDEBUG ENCODING seq"), Reply::Simple("dense".into()));
    add_numbered(&mut c, "seq", "", 5000..100_000);
    assert_eq!(fnv1a(&get_bytes(&mut c, "seq")), 3_236_287_191_539_522_034);
    assert_eq!(run(&mut c, "PFCOUNT seq"), int(99565));

    add_numbered(&mut c, "other", "o", 0..3000);
    assert_eq!(run(&mut c, "PFCOUNT other"), int(2983));
    assert_eq!(run(&mut c, "PFCOUNT seq other missing"), int(102_829));
    assert_eq!(run(&mut c, "PFMERGE m other seq"), ok());
    assert_eq!(fnv1a(&get_bytes(&mut c, "m")), 16_088_008_038_688_747_687);
    assert_eq!(run(&mut c, "PFCOUNT m"), int(102_829));
}

#[test]
fn values_copied_from_redis_keep_working() {
    let (_e, mut c) = setup();
    let from_redis = hex("48594c4c01000000000000000000008060f38050b1844bfb80425a");
    assert_eq!(exec(&mut c, &[b"SET", b"copy", &from_redis]), ok());
    // Short enough to be stored as embstr; HLL commands unshare it into a raw string.
    assert_eq!(run(&mut c, "OBJECT ENCODING copy"), bulk("embstr"));
    assert_eq!(run(&mut c, "PFCOUNT copy"), int(3));
    assert_eq!(run(&mut c, "OBJECT ENCODING copy"), bulk("raw"));
    assert_eq!(run(&mut c, "PFADD copy d"), int(1));
    // Same registers as Redis's; the header still holds the old count, marked stale.
    assert_eq!(get_bytes(&mut c, "copy"), hex("48594c4c0100000003000000000000805c7b8044768050b1844bfb80425a"));
    assert_eq!(run(&mut c, "PFDEBUG DECODE copy"), bulk("Z:7292 v:1,1 Z:1143 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603"));
}

#[test]
fn merge_keeps_register_maxima() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "PFADD a 1 2 3"), int(1));
    assert_eq!(run(&mut c, "PFADD b 3 4 5"), int(1));
    assert_eq!(run(&mut c, "PFMERGE dest a b missing"), ok());
    assert_eq!(run(&mut c, "PFCOUNT dest"), int(5));
    assert_eq!(run(&mut c, "PFCOUNT a b"), int(5));
    // The destination's own registers count too.
    assert_eq!(run(&mut c, "PFMERGE a b"), ok());
    assert_eq!(run(&mut c, "PFCOUNT a"), int(5));
    assert_eq!(run(&mut c, "PFMERGE fresh"), ok());
    assert_eq!(run(&mut c, "PFCOUNT fresh"), int(0));
    // Any dense input makes the destination dense.
    add_numbered(&mut c, "big", "", 0..3000);
    assert_eq!(run(&mut c, "PFMERGE a big"), ok());
    assert_eq!(run(&mut c, "PFDEBUG ENCODING a"), Reply::Simple("dense".into()));
}

#[test]
fn invalid_values_are_refused() {
    let (_e, mut c) = setup();
    let not_hll = err("WRONGTYPE Key is not a valid HyperLogLog string value.");
    let corrupt = err("INVALIDOBJ Corrupted HLL object detected");
    assert_eq!(run(&mut c, "SET s hello"), ok());
    assert_eq!(run(&mut c, "PFADD s a"), not_hll);
    assert_eq!(run(&mut c, "PFCOUNT s"), not_hll);
    assert_eq!(run(&mut c, "PFCOUNT missing s"), not_hll);
    assert_eq!(run(&mut c, "PFMERGE s"), not_hll);
    assert_eq!(run(&mut c, "SET i 12345"), ok());
    assert_eq!(run(&mut c, "PFADD i a"), not_hll);
    assert_eq!(run(&mut c, "RPUSH l a"), int(1));
    assert_eq!(run(&mut c, "PFADD l a"), err("WRONGTYPE Operation against a key holding the wrong kind of value"));
    assert_eq!(run(&mut c, "PFCOUNT l"), err("WRONGTYPE Operation against a key holding the wrong kind of value"));

    // A sparse header whose cached count is stale, so the opcodes get read.
    let header = hex("48594c4c010000000000000000000080");
    let short_run = [header.clone(), vec![0x7f, 0xfe]].concat();
    assert_eq!(exec(&mut c, &[b"SET", b"c", &short_run]), ok());
    assert_eq!(run(&mut c, "PFCOUNT c"), corrupt);
    assert_eq!(run(&mut c, "PFCOUNT c missing"), corrupt);
    assert_eq!(run(&mut c, "PFMERGE x c"), corrupt);
    // Only a register past the opcodes' end is noticed by PFADD, as in Redis.
    assert_eq!(run(&mut c, "PFADD c a b"), int(1));
    assert_eq!(run(&mut c, "PFDEBUG DECODE c"), bulk("Z:12711 v:2,1 Z:3068 v:1,1 Z:602"));
    assert_eq!(run(&mut c, "PFCOUNT c"), corrupt);
    // A dense header needs the exact dense length; unknown encodings are not HLLs.
    let bad_dense = [hex("48594c4c000000000000000000000000"), vec![0; 100]].concat();
    assert_eq!(exec(&mut c, &[b"SET", b"d", &bad_dense]), ok());
    assert_eq!(run(&mut c, "PFCOUNT d"), not_hll);
    let bad_encoding = [hex("48594c4c020000000000000000000000"), vec![0x7f, 0xff]].concat();
    assert_eq!(exec(&mut c, &[b"SET", b"e", &bad_encoding]), ok());
    assert_eq!(run(&mut c, "PFCOUNT e"), not_hll);
}

#[test]
fn pfdebug_subcommands() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "PFDEBUG ENCODING missing"), err("ERR The specified key does not exist"));
    assert_eq!(run(&mut c, "PFADD h a"), int(1));
    assert_eq!(run(&mut c, "PFDEBUG DECODE h"), bulk("Z:12711 v:2,1 Z:3672"));
    assert_eq!(run(&mut c, "PFDEBUG FOO h"), err("ERR Unknown PFDEBUG subcommand 'FOO'"));
    let Reply::Array(registers) = run(&mut c, "PFDEBUG GETREG h") else { panic!("GETREG replies with an array") };
    assert_eq!(registers.len(), 16384);
    assert_eq!(registers[12711], int(2));
    assert_eq!(registers.iter().filter(|r| **r != int(0)).count(), 1);
    // GETREG converts to dense, as in Redis.
    assert_eq!(run(&mut c, "PFDEBUG ENCODING h"), Reply::Simple("dense".into()));
    assert_eq!(run(&mut c, "PFDEBUG DECODE h"), err("ERR HLL encoding is not sparse"));
    assert_eq!(run(&mut c, "PFDEBUG TODENSE h"), int(0));
    assert_eq!(run(&mut c, "PFADD g a"), int(1));
    assert_eq!(run(&mut c, "PFDEBUG TODENSE g"), int(1));
    assert_eq!(get_bytes(&mut c, "g"), get_bytes(&mut c, "h"));
    assert_eq!(run(&mut c, "PFCOUNT g"), int(1));
}

#[test]
fn arity_and_watch() {
    let (engine, mut c) = setup();
    assert_eq!(run(&mut c, "PFADD"), err("ERR wrong number of arguments for 'pfadd' command"));
    assert_eq!(run(&mut c, "PFCOUNT"), err("ERR wrong number of arguments for 'pfcount' command"));
    assert_eq!(run(&mut c, "PFDEBUG GETREG"), err("ERR wrong number of arguments for 'pfdebug' command"));
    // Refreshing the cached count rewrites the value, which breaks a WATCH (as in Redis).
    assert_eq!(run(&mut c, "PFADD h a"), int(1));
    let mut other = engine.connect(vermilion_engine::ConnectionInfo::embedded("other"));
    assert_eq!(run(&mut c, "WATCH h"), ok());
    assert_eq!(run(&mut other, "PFCOUNT h"), int(1));
    assert_eq!(run(&mut c, "MULTI"), ok());
    assert_eq!(run(&mut c, "PING"), Reply::QUEUED);
    assert_eq!(run(&mut c, "EXEC"), Reply::NullArray);
}
