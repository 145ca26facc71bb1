mod common;

use common::*;
use vermilion_engine::{Client, Reply};

fn exec(c: &mut Client, args: &[&[u8]]) -> Reply {
    c.execute(args)
}

fn ints(values: &[i64]) -> Reply {
    Reply::Array(values.iter().map(|&v| int(v)).collect())
}

#[test]
fn setbit_and_getbit() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "SETBIT b 7 1"), int(0));
    assert_eq!(run(&mut c, "GET b"), bulk("\u{1}"));
    assert_eq!(run(&mut c, "SETBIT b 7 1"), int(1));
    assert_eq!(run(&mut c, "SETBIT b 7 0"), int(1));
    assert_eq!(run(&mut c, "SETBIT b 100 1"), int(0));
    assert_eq!(run(&mut c, "STRLEN b"), int(13));
    assert_eq!(run(&mut c, "GETBIT b 100"), int(1));
    assert_eq!(run(&mut c, "GETBIT b 101"), int(0));
    assert_eq!(run(&mut c, "GETBIT b 1000000"), int(0));
    assert_eq!(run(&mut c, "GETBIT missing 3"), int(0));
    assert_eq!(run(&mut c, "OBJECT ENCODING b"), bulk("raw"));

    let bad_offset = err("ERR bit offset is not an integer or out of range");
    let bad_bit = err("ERR bit is not an integer or out of range");
    assert_eq!(run(&mut c, "SETBIT b -1 1"), bad_offset);
    assert_eq!(run(&mut c, "SETBIT b x 1"), bad_offset);
    assert_eq!(run(&mut c, "SETBIT b 4294967296 1"), bad_offset);
    assert_eq!(run(&mut c, "SETBIT b #3 1"), bad_offset);
    assert_eq!(run(&mut c, "GETBIT b -1"), bad_offset);
    assert_eq!(run(&mut c, "SETBIT b 1 2"), bad_bit);
    assert_eq!(run(&mut c, "SETBIT b 1 -1"), bad_bit);
    assert_eq!(run(&mut c, "SETBIT b 1 x"), bad_bit);
    assert_eq!(run(&mut c, "SETBIT missing 1 2"), bad_bit);
    assert_eq!(run(&mut c, "EXISTS missing"), int(0));

    // Integer-encoded strings are read as their decimal text and turn raw when written.
    assert_eq!(run(&mut c, "SET n 12345"), ok());
    assert_eq!(run(&mut c, "GETBIT n 2"), int(1));
    assert_eq!(run(&mut c, "GETBIT n 3"), int(1));
    assert_eq!(run(&mut c, "GETBIT n 4"), int(0));
    assert_eq!(run(&mut c, "SETBIT n 0 1"), int(0));
    assert_eq!(run(&mut c, "GET n"), Reply::bulk(b"\xb12345".to_vec()));
    assert_eq!(run(&mut c, "OBJECT ENCODING n"), bulk("raw"));

    assert_eq!(run(&mut c, "RPUSH l a"), int(1));
    let wrongtype = err("WRONGTYPE Operation against a key holding the wrong kind of value");
    assert_eq!(run(&mut c, "SETBIT l 1 1"), wrongtype);
    assert_eq!(run(&mut c, "GETBIT l 1"), wrongtype);
}

#[test]
fn offsets_respect_proto_max_bulk_len() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "CONFIG SET proto-max-bulk-len 1048576"), ok());
    assert_eq!(run(&mut c, "SETBIT b 8388607 1"), int(0));
    assert_eq!(run(&mut c, "STRLEN b"), int(1_048_576));
    assert_eq!(run(&mut c, "SETBIT b 8388608 1"), err("ERR bit offset is not an integer or out of range"));
    assert_eq!(run(&mut c, "BITFIELD f SET u8 #1048575 1"), ints(&[0]));
    assert_eq!(run(&mut c, "BITFIELD f SET u8 #1048576 1"), err("ERR bit offset is not an integer or out of range"));
}

#[test]
fn bitcount_ranges() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "SET s foobar"), ok());
    assert_eq!(run(&mut c, "BITCOUNT s"), int(26));
    assert_eq!(run(&mut c, "BITCOUNT s 0 0"), int(4));
    assert_eq!(run(&mut c, "BITCOUNT s 1 1"), int(6));
    assert_eq!(run(&mut c, "BITCOUNT s 1 1 BYTE"), int(6));
    assert_eq!(run(&mut c, "BITCOUNT s 5 30 BIT"), int(17));
    assert_eq!(run(&mut c, "BITCOUNT s 5 5 bit"), int(1));
    assert_eq!(run(&mut c, "BITCOUNT s -2 -1"), int(7));
    assert_eq!(run(&mut c, "BITCOUNT s -1 -2"), int(0));
    assert_eq!(run(&mut c, "BITCOUNT s 4 2"), int(0));
    assert_eq!(run(&mut c, "BITCOUNT s 0 1000"), int(26));
    assert_eq!(run(&mut c, "BITCOUNT s -1000 1000 BIT"), int(26));
    assert_eq!(run(&mut c, "BITCOUNT missing 0 -1"), int(0));
    assert_eq!(run(&mut c, "SET n 12345"), ok());
    assert_eq!(run(&mut c, "BITCOUNT n"), int(17));

    assert_eq!(run(&mut c, "BITCOUNT s 1"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "BITCOUNT s 0 1 WORD"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "BITCOUNT s 0 1 BIT x"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "BITCOUNT s a 1"), err("ERR value is not an integer or out of range"));
    // As Redis 7.0: an inverted negative range answers 0 before the unit is looked at, and a
    // missing key before anything is parsed.
    assert_eq!(run(&mut c, "BITCOUNT s -1 -2 WORD"), int(0));
    assert_eq!(run(&mut c, "BITCOUNT missing 1"), int(0));

    // Long strings: the eight-byte fast path and the edges must agree with a bit-by-bit count.
    let long: Vec<u8> = (0..1000u32).map(|i| (i * 37 % 256) as u8).collect();
    assert_eq!(exec(&mut c, &[b"SET", b"long", &long]), ok());
    let expected: u32 = long[3..=996].iter().map(|b| b.count_ones()).sum::<u32>() - (long[3] >> 5).count_ones()
        - (long[996] & 0x0f).count_ones();
    assert_eq!(run(&mut c, "BITCOUNT long 27 7971 BIT"), int(i64::from(expected)));
}

#[test]
fn bitpos_searches() {
    let (_e, mut c) = setup();
    assert_eq!(exec(&mut c, &[b"SET", b"s", b"\xff\xf0\x00"]), ok());
    assert_eq!(run(&mut c, "BITPOS s 0"), int(12));
    assert_eq!(run(&mut c, "BITPOS s 1"), int(0));
    assert_eq!(run(&mut c, "BITPOS s 1 2"), int(-1));
    assert_eq!(run(&mut c, "BITPOS s 1 1"), int(8));
    assert_eq!(run(&mut c, "BITPOS s 1 7 15 BIT"), int(7));
    assert_eq!(run(&mut c, "BITPOS s 0 7 15 bit"), int(12));
    assert_eq!(run(&mut c, "BITPOS s 1 12 -1 BIT"), int(-1));

    assert_eq!(exec(&mut c, &[b"SET", b"ones", b"\xff\xff\xff"]), ok());
    // With no explicit end the string is padded with zeros; with one, it is not.
    assert_eq!(run(&mut c, "BITPOS ones 0"), int(24));
    assert_eq!(run(&mut c, "BITPOS ones 0 1"), int(24));
    assert_eq!(run(&mut c, "BITPOS ones 0 0 -1"), int(-1));
    assert_eq!(run(&mut c, "BITPOS ones 0 3 -1 BIT"), int(-1));
    assert_eq!(run(&mut c, "BITPOS missing 0"), int(0));
    assert_eq!(run(&mut c, "BITPOS missing 1"), int(-1));
    assert_eq!(run(&mut c, "BITPOS s 1 2 1"), int(-1));

    assert_eq!(run(&mut c, "BITPOS s 2"), err("ERR The bit argument must be 1 or 0."));
    assert_eq!(run(&mut c, "BITPOS s x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "BITPOS s 1 x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "BITPOS s 1 0 1 WORD"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "BITPOS s 1 0 x WORD"), err("ERR syntax error"), "the unit is checked before the end");
    assert_eq!(run(&mut c, "BITPOS s 1 0 1 BIT x"), err("ERR syntax error"));

    // A set bit deep inside a long run of zeros, found past the skipped words.
    let mut long = vec![0u8; 4096];
    long[3001] = 0x04;
    assert_eq!(exec(&mut c, &[b"SET", b"long", &long]), ok());
    assert_eq!(run(&mut c, "BITPOS long 1"), int(3001 * 8 + 5));
    assert_eq!(run(&mut c, "BITPOS long 1 3 3001"), int(3001 * 8 + 5));
    assert_eq!(run(&mut c, "BITPOS long 1 10 24012 BIT"), int(-1));
}

#[test]
fn bitop_combines_strings() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "SET a abc"), ok());
    assert_eq!(exec(&mut c, &[b"SET", b"b", b"\xff\x00"]), ok());
    assert_eq!(run(&mut c, "SET n 12"), ok());
    assert_eq!(run(&mut c, "BITOP AND dest a b n missing"), int(3));
    assert_eq!(run(&mut c, "GET dest"), Reply::bulk(vec![0, 0, 0]));
    assert_eq!(run(&mut c, "BITOP OR dest a b"), int(3));
    assert_eq!(run(&mut c, "GET dest"), Reply::bulk(b"\xffbc".to_vec()));
    assert_eq!(run(&mut c, "BITOP xor dest a n"), int(3));
    assert_eq!(run(&mut c, "GET dest"), Reply::bulk(vec![b'a' ^ b'1', b'b' ^ b'2', b'c']));
    assert_eq!(run(&mut c, "BITOP NOT dest a"), int(3));
    assert_eq!(run(&mut c, "GET dest"), Reply::bulk(vec![!b'a', !b'b', !b'c']));
    assert_eq!(run(&mut c, "OBJECT ENCODING dest"), bulk("raw"));

    // The result replaces the destination and its time to live; an empty result deletes it.
    assert_eq!(run(&mut c, "EXPIRE dest 100"), int(1));
    assert_eq!(run(&mut c, "BITOP OR dest a"), int(3));
    assert_eq!(run(&mut c, "TTL dest"), int(-1));
    assert_eq!(run(&mut c, "BITOP AND dest missing other"), int(0));
    assert_eq!(run(&mut c, "EXISTS dest"), int(0));

    assert_eq!(run(&mut c, "BITOP NAND dest a b"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "BITOP NOT dest a b"), err("ERR BITOP NOT must be called with a single source key."));
    assert_eq!(run(&mut c, "BITOP AND dest"), err("ERR wrong number of arguments for 'bitop' command"));
    assert_eq!(run(&mut c, "RPUSH l x"), int(1));
    assert_eq!(run(&mut c, "BITOP AND dest a l"), err("WRONGTYPE Operation against a key holding the wrong kind of value"));
}

#[test]
fn bitfield_get_set_incrby() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "BITFIELD bf SET i8 0 -100 GET i8 0 GET u8 0 INCRBY i8 0 -100 GET u4 #1"), ints(&[0, -100, 156, 56, 8]));
    assert_eq!(run(&mut c, "BITFIELD bf SET u16 #1 65535 GET u16 16 GET i16 16"), ints(&[0, 65535, -1]));
    assert_eq!(run(&mut c, "BITFIELD bf SET i64 0 -2 GET i64 0 GET u63 0 GET u1 63"), ints(&[0x3800_ffff_0000_0000, -2, 0x7fff_ffff_ffff_ffff, 0]));
    assert_eq!(run(&mut c, "BITFIELD bf"), Reply::Array(vec![]));
    assert_eq!(run(&mut c, "BITFIELD missing GET u8 0"), ints(&[0]));
    assert_eq!(run(&mut c, "EXISTS missing"), int(0));
    assert_eq!(run(&mut c, "SET n 12345"), ok());
    assert_eq!(run(&mut c, "BITFIELD n GET u8 0 GET i16 8"), ints(&[i64::from(b'1'), 0x3233]));
}

#[test]
fn bitfield_overflow_modes() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "BITFIELD k INCRBY u2 100 1 OVERFLOW SAT INCRBY u2 102 5 OVERFLOW FAIL INCRBY u2 104 5"), Reply::Array(vec![int(1), int(3), Reply::Null]));
    assert_eq!(run(&mut c, "BITFIELD k OVERFLOW WRAP SET u8 0 256 GET u8 0 SET u8 0 -1 GET u8 0"), ints(&[0, 0, 0, 255]));
    // Unsigned SET values are read as u64, so a negative one saturates to the maximum.
    assert_eq!(run(&mut c, "BITFIELD k OVERFLOW SAT SET u8 0 300 SET u8 0 -5 GET u8 0"), ints(&[255, 255, 255]));
    assert_eq!(run(&mut c, "BITFIELD k OVERFLOW WRAP SET i8 0 127 INCRBY i8 0 1 INCRBY i8 0 -1"), ints(&[-1, -128, 127]));
    assert_eq!(run(&mut c, "BITFIELD k OVERFLOW SAT INCRBY i8 0 100 INCRBY i8 0 -300"), ints(&[127, -128]));
    assert_eq!(
        run(&mut c, "BITFIELD k OVERFLOW FAIL INCRBY i8 0 -1 GET i8 0 SET i8 0 200 GET i8 0"),
        Reply::Array(vec![Reply::Null, int(-128), Reply::Null, int(-128)])
    );
    assert_eq!(run(&mut c, "BITFIELD k OVERFLOW WRAP SET i64 0 9223372036854775807 INCRBY i64 0 1"), ints(&[-128 * (1 << 56), i64::MIN]));
    assert_eq!(run(&mut c, "BITFIELD k OVERFLOW SAT INCRBY i64 0 -1 INCRBY u63 0 9223372036854775807"), ints(&[i64::MIN, i64::MAX]));
    // Redis computes a signed field's headroom with wrapping arithmetic: a SET of a value near
    // i64::MIN into a narrow field counts as an overflow upwards.
    assert_eq!(run(&mut c, "BITFIELD q OVERFLOW SAT SET i8 0 -9223372036854775808 GET i8 0"), ints(&[0, 127]));
    assert_eq!(run(&mut c, "BITFIELD q OVERFLOW SAT SET i8 0 -200 GET i8 0"), ints(&[127, -128]));
    // A failed write still creates the key, zero-padded to the field.
    assert_eq!(run(&mut c, "BITFIELD nf OVERFLOW FAIL INCRBY u2 9 10"), Reply::Array(vec![Reply::Null]));
    assert_eq!(run(&mut c, "GET nf"), Reply::bulk(vec![0, 0]));
}

#[test]
fn bitfield_errors() {
    let (_e, mut c) = setup();
    let bad_type = err("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
    assert_eq!(run(&mut c, "BITFIELD k GET u64 0"), bad_type);
    assert_eq!(run(&mut c, "BITFIELD k GET i65 0"), bad_type);
    assert_eq!(run(&mut c, "BITFIELD k GET i0 0"), bad_type);
    assert_eq!(run(&mut c, "BITFIELD k GET I8 0"), bad_type);
    assert_eq!(run(&mut c, "BITFIELD k GET x8 0"), bad_type);
    let bad_offset = err("ERR bit offset is not an integer or out of range");
    assert_eq!(run(&mut c, "BITFIELD k GET u8 -1"), bad_offset);
    assert_eq!(run(&mut c, "BITFIELD k GET u8 #-1"), bad_offset);
    assert_eq!(run(&mut c, "BITFIELD k GET u8 #"), bad_offset);
    assert_eq!(run(&mut c, "BITFIELD k SET u8 0 x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "BITFIELD k SET u8 0"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "BITFIELD k GET u8"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "BITFIELD k FOO"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "BITFIELD k OVERFLOW"), err("ERR syntax error"));
    assert_eq!(run(&mut c, "BITFIELD k OVERFLOW BAD"), err("ERR Invalid OVERFLOW type specified"));
    // Every operation is parsed before any runs: nothing was written.
    assert_eq!(run(&mut c, "BITFIELD k SET u8 0 1 GET u64 0"), bad_type);
    assert_eq!(run(&mut c, "EXISTS k"), int(0));
    assert_eq!(run(&mut c, "RPUSH l x"), int(1));
    let wrongtype = err("WRONGTYPE Operation against a key holding the wrong kind of value");
    assert_eq!(run(&mut c, "BITFIELD l GET u8 0"), wrongtype);
    assert_eq!(run(&mut c, "BITFIELD l SET u8 0 1"), wrongtype);
}

#[test]
fn bitfield_ro_only_reads() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "SET k AB"), ok());
    assert_eq!(run(&mut c, "BITFIELD_RO k GET u8 0 GET i4 #2"), ints(&[65, 4]));
    assert_eq!(run(&mut c, "BITFIELD_RO k"), Reply::Array(vec![]));
    let ro_error = err("ERR BITFIELD_RO only supports the GET subcommand");
    assert_eq!(run(&mut c, "BITFIELD_RO k SET u8 0 1"), ro_error);
    assert_eq!(run(&mut c, "BITFIELD_RO k GET u8 0 INCRBY u8 0 1"), ro_error);
    assert_eq!(run(&mut c, "BITFIELD_RO k OVERFLOW SAT"), Reply::Array(vec![]));
    assert_eq!(run(&mut c, "GET k"), bulk("AB"));
}

#[test]
fn writes_break_watch_only_when_they_change_something() {
    let (engine, mut c) = setup();
    let mut other = engine.connect(vermilion_engine::ConnectionInfo::embedded("other"));
    assert_eq!(run(&mut c, "SETBIT k 3 1"), int(0));
    assert_eq!(run(&mut c, "WATCH k"), ok());
    assert_eq!(run(&mut other, "SETBIT k 3 1"), int(1));
    assert_eq!(run(&mut other, "BITFIELD k SET u4 0 1"), ints(&[1]));
    assert_eq!(run(&mut c, "MULTI"), ok());
    assert_eq!(run(&mut c, "EXEC"), Reply::Array(vec![]));
    assert_eq!(run(&mut c, "WATCH k"), ok());
    assert_eq!(run(&mut other, "SETBIT k 3 0"), int(1));
    assert_eq!(run(&mut c, "MULTI"), ok());
    assert_eq!(run(&mut c, "EXEC"), Reply::NullArray);
}
