"""HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG. HLLs are strings in Redis's own format, so
GET shows the exact bytes both servers store."""

import pytest

from steps import case, cases, prerequisite

NON_STRING = prerequisite("LPUSH", "list", "x")
STALE_SPARSE_HEADER = b"HYLL\x01\x00\x00\x00" + b"\x00" * 7 + b"\x80"


def pfadd_batches(key: str, prefix: str, count: int, batch: int = 1000):
    return [["PFADD", key, *(f"{prefix}{i}" for i in range(start, min(start + batch, count)))]
            for start in range(0, count, batch)]


def growth(count: int):
    """Adds `count` elements, then compares the stored bytes, the estimate and the cached header."""
    return case(f"pfadd-{count}-elements", *pfadd_batches("h", "e", count), ["GET", "h"], ["PFCOUNT", "h"],
                ["GET", "h"], ["PFDEBUG", "ENCODING", "h"])


PFADD = cases(
    case("pfadd-small", ["PFADD", "h", "a", "b", "c"], ["GET", "h"], ["PFADD", "h", "a"], ["PFADD", "h", "d"],
         ["GET", "h"], ["TYPE", "h"], ["OBJECT", "ENCODING", "h"], resp3=True),
    case("pfadd-no-elements", ["PFADD", "h"], ["GET", "h"], ["PFADD", "h"], ["PFCOUNT", "h"]),
    *(growth(n) for n in (10, 100, 700, 1500, 2500, 20000)),
    case("pfadd-not-an-hll", ["SET", "s", "hello"], ["PFADD", "s", "a"], ["SET", "i", "12345"], ["PFADD", "i", "a"],
         ["SET", "d", b"HYLL\x00" + b"\x00" * 111], ["PFADD", "d", "a"], ["SET", "e", b"HYLL\x02" + b"\x00" * 11 + b"\x7f\xff"],
         ["PFADD", "e", "a"]),
    case("pfadd-wrongtype", NON_STRING, ["PFADD", "list", "a"]),
    case("pfadd-arity", ["PFADD"]),
)

PFCOUNT = cases(
    case("pfcount-cache", ["PFADD", "h", "x", "y"], ["PFCOUNT", "h"], ["GET", "h"], ["PFADD", "h", "x"], ["GET", "h"],
         ["PFADD", "h", "z"], ["GET", "h"], ["PFCOUNT", "h"], ["GET", "h"], ["PFCOUNT", "nokey"]),
    case("pfcount-union", *pfadd_batches("a", "x", 3000), *pfadd_batches("b", "x", 500), *pfadd_batches("c", "y", 700),
         ["PFCOUNT", "a", "b"], ["PFCOUNT", "b", "c", "nokey"], ["PFCOUNT", "a", "b", "c"], ["GET", "b"]),
    case("pfcount-copied-value", ["PFADD", "h", "1", "2", "3"], ["SET", "copy", b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ"],
         ["OBJECT", "ENCODING", "copy"], ["PFCOUNT", "copy"], ["OBJECT", "ENCODING", "copy"], ["PFADD", "copy", "d"], ["GET", "copy"]),
    case("pfcount-corrupt", ["SET", "c", STALE_SPARSE_HEADER + b"\x7f\xfe"], ["PFCOUNT", "c"], ["PFCOUNT", "c", "nokey"],
         ["PFADD", "c", "a", "b"], ["GET", "c"], ["SET", "c2", STALE_SPARSE_HEADER + b"\x7f\xff\x80"], ["PFCOUNT", "c2"],
         ["SET", "c3", STALE_SPARSE_HEADER], ["PFCOUNT", "c3"]),
    case("pfcount-not-an-hll", ["SET", "s", "hello"], ["PFCOUNT", "s"], ["PFCOUNT", "nokey", "s"]),
    case("pfcount-wrongtype", NON_STRING, ["PFCOUNT", "list"], ["PFCOUNT", "list", "nokey"]),
)

PFMERGE = cases(
    case("pfmerge-sparse", ["PFADD", "a", "1", "2", "3"], ["PFADD", "b", "3", "4", "5"], ["PFMERGE", "d", "a", "b", "nokey"],
         ["GET", "d"], ["PFCOUNT", "d"], ["PFMERGE", "a", "b"], ["GET", "a"], ["PFMERGE", "empty"], ["GET", "empty"]),
    case("pfmerge-dense", *pfadd_batches("big", "e", 5000), ["PFADD", "small", "q", "r"], ["PFMERGE", "small", "big"],
         ["GET", "small"], ["PFCOUNT", "small"], ["PFMERGE", "fresh", "small", "big"], ["GET", "fresh"]),
    case("pfmerge-grows-past-sparse", *pfadd_batches("a", "a", 900), *pfadd_batches("b", "b", 900), ["PFMERGE", "a", "b"],
         ["GET", "a"], ["PFDEBUG", "ENCODING", "a"], ["PFCOUNT", "a"]),
    case("pfmerge-errors", ["SET", "s", "hello"], ["PFMERGE", "s"], ["PFMERGE", "d", "s"], ["EXISTS", "d"],
         ["SET", "c", STALE_SPARSE_HEADER + b"\x7f\xfe"], ["PFMERGE", "d", "c"], ["PFMERGE"]),
    case("pfmerge-wrongtype", NON_STRING, ["PFMERGE", "d", "list"], ["PFMERGE", "list"]),
)

PFDEBUG = cases(
    case("pfdebug", ["PFADD", "h", "a", "b"], ["PFDEBUG", "DECODE", "h"], ["PFDEBUG", "ENCODING", "h"],
         ["PFDEBUG", "TODENSE", "h"], ["PFDEBUG", "TODENSE", "h"], ["PFDEBUG", "DECODE", "h"], ["GET", "h"],
         ["PFADD", "g", "a"], ["PFDEBUG", "GETREG", "g"], ["PFDEBUG", "ENCODING", "g"]),
    case("pfdebug-errors", ["PFDEBUG", "ENCODING", "nokey"], ["SET", "s", "x"], ["PFDEBUG", "ENCODING", "s"],
         ["PFADD", "h", "a"], ["PFDEBUG", "FOO", "h"], ["PFDEBUG", "GETREG"]),
)


@pytest.mark.parametrize("script", PFADD)
def test_pfadd(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", PFCOUNT)
def test_pfcount(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", PFMERGE + PFDEBUG)
def test_pfmerge_pfdebug(differ, script):
    differ.check(script)
