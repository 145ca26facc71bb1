"""Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO."""

import random

import pytest

from steps import case, cases, prerequisite

NON_STRING = prerequisite("LPUSH", "list", "x")
FOOBAR = ["SET", "s", "foobar"]
EDGES = ["SET", "e", b"\xff\xf0\x00\x00\xff\x0f"]

SETBIT_GETBIT = cases(
    case("setbit-creates-and-pads", ["SETBIT", "b", "7", "1"], ["GET", "b"], ["SETBIT", "b", "100", "1"],
         ["STRLEN", "b"], ["GET", "b"], ["OBJECT", "ENCODING", "b"], resp3=True),
    case("setbit-returns-old-bit", ["SETBIT", "b", "3", "1"], ["SETBIT", "b", "3", "1"], ["SETBIT", "b", "3", "0"],
         ["SETBIT", "b", "3", "0"], ["GET", "b"]),
    case("setbit-bad-offset", ["SETBIT", "b", "-1", "1"], ["SETBIT", "b", "x", "1"], ["SETBIT", "b", "4294967296", "1"],
         ["SETBIT", "b", "#3", "1"], ["SETBIT", "b", "1.5", "1"], ["EXISTS", "b"]),
    case("setbit-bad-bit", ["SETBIT", "b", "1", "2"], ["SETBIT", "b", "1", "-1"], ["SETBIT", "b", "1", "x"],
         ["SETBIT", "b", "1", ""], ["EXISTS", "b"]),
    case("setbit-on-integer", ["SET", "n", "12345"], ["SETBIT", "n", "0", "1"], ["GET", "n"], ["OBJECT", "ENCODING", "n"]),
    case("setbit-on-embstr", ["SET", "n", "ab"], ["SETBIT", "n", "15", "1"], ["GET", "n"], ["OBJECT", "ENCODING", "n"]),
    case("setbit-max-offset", ["CONFIG", "SET", "proto-max-bulk-len", "1048576"], ["SETBIT", "b", "8388607", "1"],
         ["STRLEN", "b"], ["SETBIT", "b", "8388608", "1"], ["CONFIG", "SET", "proto-max-bulk-len", "536870912"]),
    case("getbit", ["SETBIT", "b", "9", "1"], ["GETBIT", "b", "9"], ["GETBIT", "b", "8"], ["GETBIT", "b", "100000"],
         ["GETBIT", "nokey", "1"], ["GETBIT", "b", "-1"], ["GETBIT", "nokey", "x"]),
    case("getbit-on-integer", ["SET", "n", "12345"], ["GETBIT", "n", "2"], ["GETBIT", "n", "4"], ["GETBIT", "n", "39"],
         ["GETBIT", "n", "40"], ["OBJECT", "ENCODING", "n"]),
    case("bit-wrongtype", NON_STRING, ["SETBIT", "list", "1", "1"], ["GETBIT", "list", "1"]),
    case("bit-arity", ["SETBIT", "b", "1"], ["GETBIT", "b"], ["GETBIT", "b", "1", "2"]),
)

BITCOUNT = cases(
    case("bitcount-whole", FOOBAR, ["BITCOUNT", "s"], ["BITCOUNT", "nokey"], ["SET", "n", "12345"], ["BITCOUNT", "n"]),
    case("bitcount-byte-ranges", FOOBAR, ["BITCOUNT", "s", "0", "0"], ["BITCOUNT", "s", "1", "1", "BYTE"],
         ["BITCOUNT", "s", "-2", "-1"], ["BITCOUNT", "s", "-1", "-2"], ["BITCOUNT", "s", "4", "2"],
         ["BITCOUNT", "s", "0", "1000"], ["BITCOUNT", "s", "-1000", "1"]),
    case("bitcount-bit-ranges", FOOBAR, ["BITCOUNT", "s", "5", "30", "BIT"], ["BITCOUNT", "s", "5", "5", "bit"],
         ["BITCOUNT", "s", "-3", "-1", "BIT"], ["BITCOUNT", "s", "0", "47", "BIT"], ["BITCOUNT", "s", "9", "8", "BIT"]),
    case("bitcount-errors", FOOBAR, ["BITCOUNT", "s", "1"], ["BITCOUNT", "s", "0", "1", "WORD"],
         ["BITCOUNT", "s", "0", "1", "BIT", "x"], ["BITCOUNT", "s", "a", "1"], ["BITCOUNT", "s", "-1", "-2", "WORD"],
         ["BITCOUNT", "nokey", "1"], ["BITCOUNT"]),
    case("bitcount-wrongtype", NON_STRING, ["BITCOUNT", "list"]),
)

BITPOS = cases(
    case("bitpos-whole", EDGES, ["BITPOS", "e", "0"], ["BITPOS", "e", "1"], ["BITPOS", "nokey", "0"], ["BITPOS", "nokey", "1"]),
    case("bitpos-padding", ["SET", "o", b"\xff\xff"], ["BITPOS", "o", "0"], ["BITPOS", "o", "0", "1"],
         ["BITPOS", "o", "0", "0", "-1"], ["BITPOS", "o", "0", "3", "-1", "BIT"], ["BITPOS", "o", "1", "2"]),
    case("bitpos-ranges", EDGES, ["BITPOS", "e", "1", "2"], ["BITPOS", "e", "0", "4"], ["BITPOS", "e", "1", "7", "15", "BIT"],
         ["BITPOS", "e", "0", "7", "15", "bit"], ["BITPOS", "e", "1", "12", "-1", "BIT"], ["BITPOS", "e", "1", "-2", "-1"],
         ["BITPOS", "e", "0", "2", "1"]),
    case("bitpos-errors", EDGES, ["BITPOS", "e", "2"], ["BITPOS", "e", "x"], ["BITPOS", "e", "1", "x"],
         ["BITPOS", "e", "1", "0", "1", "WORD"], ["BITPOS", "e", "1", "0", "x", "WORD"], ["BITPOS", "e", "1", "0", "1", "BIT", "x"],
         ["BITPOS", "nokey", "0", "x"], ["BITPOS", "e"]),
    case("bitpos-wrongtype", NON_STRING, ["BITPOS", "list", "1"]),
)


def random_ranges(seed: int):
    rng = random.Random(seed)
    value = bytes(rng.choice([0x00, 0xFF, rng.randrange(256)]) for _ in range(rng.randrange(1, 40)))
    steps = [["SET", "r", value], ["BITCOUNT", "r"], ["BITPOS", "r", "0"], ["BITPOS", "r", "1"]]
    for _ in range(40):
        start, end = str(rng.randint(-350, 350)), str(rng.randint(-350, 350))
        unit = rng.choice(["BYTE", "BIT"])
        bit = rng.choice("01")
        steps += [["BITCOUNT", "r", start, end, unit], ["BITPOS", "r", bit, start, end, unit], ["BITPOS", "r", bit, start]]
    return case(f"ranges-seed-{seed}", *steps)


RANDOM_RANGES = cases(*(random_ranges(seed) for seed in range(8)))

BITOP = cases(
    case("bitop-ops", ["SET", "a", "abc"], ["SET", "b", b"\xff\x00"], ["SET", "n", "12"],
         ["BITOP", "AND", "d", "a", "b", "n", "nokey"], ["GET", "d"], ["BITOP", "or", "d", "a", "b"], ["GET", "d"],
         ["BITOP", "XOR", "d", "a", "n"], ["GET", "d"], ["BITOP", "NOT", "d", "a"], ["GET", "d"], ["OBJECT", "ENCODING", "d"]),
    case("bitop-long", ["SET", "a", bytes(range(256)) * 3], ["SET", "b", bytes(range(255, -1, -1)) * 2],
         ["BITOP", "AND", "d", "a", "b"], ["GET", "d"], ["BITOP", "XOR", "d", "a", "b", "a"], ["GET", "d"]),
    case("bitop-replaces-destination", ["SET", "a", "x"], ["SET", "d", "old", "EX", "100"], ["BITOP", "OR", "d", "a"],
         ["TTL", "d"], ["BITOP", "AND", "d", "nokey", "other"], ["EXISTS", "d"]),
    case("bitop-errors", ["SET", "a", "x"], ["BITOP", "NAND", "d", "a"], ["BITOP", "NOT", "d", "a", "a"],
         ["BITOP", "AND", "d"], ["EXISTS", "d"]),
    case("bitop-wrongtype", NON_STRING, ["SET", "a", "x"], ["BITOP", "AND", "d", "a", "list"], ["BITOP", "OR", "list", "a"],
         ["TYPE", "list"]),
)

BITFIELD = cases(
    case("bitfield-get-set-incrby", ["BITFIELD", "f", "SET", "i8", "0", "-100", "GET", "i8", "0", "GET", "u8", "0",
                                     "INCRBY", "i8", "0", "-100", "GET", "u4", "#1"], ["GET", "f"], resp3=True),
    case("bitfield-wide-types", ["BITFIELD", "f", "SET", "i64", "3", "-2", "GET", "i64", "3", "GET", "u63", "3", "GET", "u1", "66",
                                 "SET", "u63", "#1", "9223372036854775807", "GET", "i64", "64"]),
    case("bitfield-overflow-wrap", ["BITFIELD", "f", "SET", "i8", "0", "127", "INCRBY", "i8", "0", "1", "SET", "u8", "8", "256",
                                    "SET", "u8", "8", "-1", "GET", "u8", "8", "INCRBY", "u8", "8", "1"]),
    case("bitfield-overflow-sat", ["BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "200", "INCRBY", "i8", "0", "-300",
                                   "SET", "u8", "8", "-5", "SET", "i8", "0", "-9223372036854775808", "GET", "i8", "0",
                                   "INCRBY", "i64", "16", "-9223372036854775808", "INCRBY", "i64", "16", "-1"]),
    case("bitfield-overflow-fail", ["BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5", "SET", "i4", "4", "8",
                                    "INCRBY", "u2", "0", "3", "OVERFLOW", "WRAP", "INCRBY", "u2", "0", "3"], ["GET", "f"]),
    case("bitfield-fail-still-creates", ["BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "9", "10"], ["GET", "f"]),
    case("bitfield-reads", ["SET", "n", "12345"], ["BITFIELD", "n", "GET", "u8", "0", "GET", "i16", "8", "GET", "u8", "1000"],
         ["BITFIELD", "nokey", "GET", "u8", "0"], ["EXISTS", "nokey"], ["BITFIELD", "n"], ["OBJECT", "ENCODING", "n"]),
    case("bitfield-errors", ["BITFIELD", "f", "GET", "u64", "0"], ["BITFIELD", "f", "GET", "i65", "0"], ["BITFIELD", "f", "GET", "I8", "0"],
         ["BITFIELD", "f", "GET", "u8", "-1"], ["BITFIELD", "f", "GET", "u8", "#-1"], ["BITFIELD", "f", "GET", "u8", "#"],
         ["BITFIELD", "f", "SET", "u8", "0", "x"], ["BITFIELD", "f", "SET", "u8", "0"], ["BITFIELD", "f", "FOO"],
         ["BITFIELD", "f", "OVERFLOW"], ["BITFIELD", "f", "OVERFLOW", "BAD"], ["BITFIELD", "f", "SET", "u8", "0", "1", "GET", "u64", "0"],
         ["EXISTS", "f"], ["BITFIELD"]),
    case("bitfield-wrongtype", NON_STRING, ["BITFIELD", "list", "GET", "u8", "0"], ["BITFIELD", "list", "SET", "u8", "0", "1"]),
    case("bitfield-ro", ["SET", "k", "AB"], ["BITFIELD_RO", "k", "GET", "u8", "0", "GET", "i4", "#2"], ["BITFIELD_RO", "k"],
         ["BITFIELD_RO", "k", "SET", "u8", "0", "1"], ["BITFIELD_RO", "k", "GET", "u8", "0", "INCRBY", "u8", "0", "1"],
         ["BITFIELD_RO", "k", "OVERFLOW", "SAT"], ["GET", "k"]),
)


@pytest.mark.parametrize("script", SETBIT_GETBIT)
def test_setbit_getbit(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", BITCOUNT + BITPOS + RANDOM_RANGES)
def test_bitcount_bitpos(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", BITOP)
def test_bitop(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", BITFIELD)
def test_bitfield(differ, script):
    differ.check(script)
