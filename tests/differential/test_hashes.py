"""Hash commands: HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL HINCRBY
HINCRBYFLOAT HRANDFIELD HSCAN, and the listpack/hashtable encodings OBJECT ENCODING reports."""

import pytest

from steps import Step, case, cases, map_pairs, shape, unordered

STRING = ["SET", "str", "v"]
LONG = "x" * 64


def fields(count: int, prefix: str = "f") -> list[str]:
    """`field value` arguments for `count` fields."""
    return [word for i in range(count) for word in (f"{prefix}{i}", str(i))]


BIG = ["HSET", "big", *fields(600)]


def unordered_pairs_view(reply):
    pairs = map_pairs(reply)
    return reply if pairs is None else (reply[0], sorted(pairs, key=repr))


def unordered_pairs(*argv) -> Step:
    """HGETALL of a hash table: the same pairs, in any order."""
    return Step(argv, view=unordered_pairs_view, note="pairs unordered")


class HashScan(Step):
    """HSCAN from cursor 0 until the server says 0; the reply is the sorted list of pairs seen."""

    MAX_PAGES = 10_000

    def run(self, conn):
        seen = set()
        cursor = b"0"
        for _ in range(self.MAX_PAGES):
            page = conn.call([b"HSCAN", self.argv[1], cursor, *self.argv[2:]])
            if page[0] != "array" or page[1] is None or len(page[1]) != 2:
                return page
            (cursor_kind, cursor), items = page[1]
            if cursor_kind != "bulk" or items[0] != "array":
                return page
            flat = items[1]
            seen.update(zip(flat[0::2], flat[1::2]))
            if cursor == b"0":
                return ("scanned", sorted(seen, key=repr))
        return ("error", b"scan did not finish within %d pages" % self.MAX_PAGES)


def hscan_all(key, *options) -> Step:
    return HashScan(["HSCAN", key, *options], note="full iteration, as a set of pairs")


SET_GET = cases(
    case("hset-hget", ["HSET", "h", "a", "1", "b", "2"], ["HSET", "h", "a", "10", "c", "3"], ["HGET", "h", "a"],
         ["HGET", "h", "zz"], ["HGET", "nokey", "a"], resp3=True),
    case("hset-odd-arguments", ["HSET", "h", "a"], ["HSET", "h", "a", "1", "b"], ["HMSET", "h", "a", "1", "b"], ["EXISTS", "h"]),
    case("hset-binary", ["HSET", "h", b"f\x00\r\n", b"\xff\x00"], ["HGET", "h", b"f\x00\r\n"], ["HGETALL", "h"]),
    case("hset-empty-field-and-value", ["HSET", "h", "", ""], ["HGET", "h", ""], ["HLEN", "h"], ["HSTRLEN", "h", ""]),
    case("hmset", ["HMSET", "h", "a", "1", "b", "2"], ["HMGET", "h", "a", "nope", "b"], ["HMGET", "nokey", "a"], resp3=True),
    case("hsetnx", ["HSETNX", "h", "a", "1"], ["HSETNX", "h", "a", "2"], ["HGET", "h", "a"], ["HSETNX", "h", "b", "3"], ["HLEN", "h"]),
    case("hdel", ["HSET", "h", "a", "1", "b", "2", "c", "3"], ["HDEL", "h", "a", "zz", "a"], ["HDEL", "nokey", "a"],
         ["HDEL", "h", "b", "c"], ["EXISTS", "h"], ["HDEL", "h", "b"]),
    case("hlen-hstrlen-hexists", ["HSET", "h", "a", "hello", "n", "12345"], ["HLEN", "h"], ["HLEN", "nokey"],
         ["HSTRLEN", "h", "a"], ["HSTRLEN", "h", "n"], ["HSTRLEN", "h", "zz"], ["HSTRLEN", "nokey", "a"],
         ["HEXISTS", "h", "a"], ["HEXISTS", "h", "zz"], ["HEXISTS", "nokey", "a"]),
    case("listings-small", ["HSET", "h", "z", "1", "a", "2", "m", "3"], ["HSET", "h", "z", "9"], ["HDEL", "h", "a"],
         ["HSET", "h", "a", "4"], ["HKEYS", "h"], ["HVALS", "h"], ["HGETALL", "h"], resp3=True),
    case("listings-missing", ["HKEYS", "nokey"], ["HVALS", "nokey"], ["HGETALL", "nokey"], resp3=True),
    case("listings-big", BIG, unordered("HKEYS", "big"), unordered("HVALS", "big"), unordered_pairs("HGETALL", "big"),
         ["HLEN", "big"], resp3=True),
    case("ttl-survives-field-changes", ["HSET", "h", "a", "1"], ["EXPIRE", "h", "1000"], ["HSET", "h", "b", "2"],
         ["HDEL", "h", "a"], ["TTL", "h"]),
    case("wrongtype", STRING, *[[*cmd] for cmd in (
        ["HSET", "str", "a", "1"], ["HSETNX", "str", "a", "1"], ["HMSET", "str", "a", "1"], ["HGET", "str", "a"],
        ["HMGET", "str", "a"], ["HDEL", "str", "a"], ["HLEN", "str"], ["HSTRLEN", "str", "a"], ["HEXISTS", "str", "a"],
        ["HKEYS", "str"], ["HVALS", "str"], ["HGETALL", "str"], ["HINCRBY", "str", "a", "1"],
        ["HINCRBYFLOAT", "str", "a", "1"], ["HRANDFIELD", "str"], ["HRANDFIELD", "str", "0"], ["HSCAN", "str", "0"],
    )], ["GET", "str"]),
    case("arity", ["HSET", "h", "a"], ["HSETNX", "h", "a"], ["HGET", "h"], ["HMGET", "h"], ["HDEL", "h"], ["HLEN"],
         ["HSTRLEN", "h"], ["HEXISTS", "h", "a", "b"], ["HKEYS"], ["HVALS", "h", "x"], ["HGETALL"],
         ["HINCRBY", "h", "a"], ["HINCRBYFLOAT", "h", "a", "1", "2"], ["HRANDFIELD"], ["HSCAN", "h"]),
)

ENCODINGS = cases(
    case("encoding-value-limit", ["HSET", "h", LONG, LONG], ["OBJECT", "ENCODING", "h"],
         ["HSET", "h", "f", LONG + "y"], ["OBJECT", "ENCODING", "h"], ["HDEL", "h", "f"], ["OBJECT", "ENCODING", "h"]),
    case("encoding-field-limit", ["HSET", "h", LONG + "y", "v"], ["OBJECT", "ENCODING", "h"]),
    case("encoding-entry-limit", ["HSET", "h", *fields(512)], ["OBJECT", "ENCODING", "h"], ["HSET", "h", "f0", "x"],
         ["OBJECT", "ENCODING", "h"], ["HSET", "h", "extra", "1"], ["OBJECT", "ENCODING", "h"], ["HLEN", "h"]),
    case("encoding-hsetnx-existing", ["HSET", "h", "a", "1"], ["HSETNX", "h", "a", LONG + "y"], ["OBJECT", "ENCODING", "h"],
         ["HSETNX", "h", "b", LONG + "y"], ["OBJECT", "ENCODING", "h"]),
    case("encoding-incr-long-field", ["HSET", "h", "a", "1"], ["HINCRBY", "h", LONG + "y", "1"], ["OBJECT", "ENCODING", "h"]),
    case("encoding-incrbyfloat-long-value", ["HSET", "h", "a", "1"], ["HINCRBYFLOAT", "h", "a", "1e70"],
         ["OBJECT", "ENCODING", "h"], ["HSTRLEN", "h", "a"]),
)

COUNTERS = cases(
    case("hincrby", ["HINCRBY", "h", "n", "5"], ["HINCRBY", "h", "n", "-7"], ["HGET", "h", "n"],
         ["HINCRBY", "h", "m", "0"], ["HGETALL", "h"], resp3=True),
    case("hincrby-bad-values", ["HSET", "h", "s", "abc", "p", "07", "sp", " 1", "f", "1.5"], ["HINCRBY", "h", "s", "1"],
         ["HINCRBY", "h", "p", "1"], ["HINCRBY", "h", "sp", "1"], ["HINCRBY", "h", "f", "1"]),
    case("hincrby-bad-increment", ["HINCRBY", "h", "n", "x"], ["HINCRBY", "h", "n", "1.5"], ["HINCRBY", "h", "n", ""],
         ["HINCRBY", "h", "n", "9223372036854775808"], ["EXISTS", "h"]),
    case("hincrby-overflow", ["HSET", "h", "max", "9223372036854775807", "min", "-9223372036854775808"],
         ["HINCRBY", "h", "max", "1"], ["HINCRBY", "h", "min", "-1"], ["HINCRBY", "h", "max", "-9223372036854775808"],
         ["HINCRBY", "h", "min", "9223372036854775807"], ["HGETALL", "h"]),
    case("hincrbyfloat", ["HINCRBYFLOAT", "h", "f", "10.50"], ["HINCRBYFLOAT", "h", "f", "0.1"],
         ["HINCRBYFLOAT", "h", "f", "-10.6"], ["HINCRBYFLOAT", "h", "g", "5.0e3"], ["HINCRBYFLOAT", "h", "g", "-0.0001"],
         ["HSET", "h", "i", "3"], ["HINCRBYFLOAT", "h", "i", "1.5"], ["HINCRBYFLOAT", "h", "i", "1e-20"],
         ["HINCRBYFLOAT", "h", "big", "1e400"], ["OBJECT", "ENCODING", "h"], unordered_pairs("HGETALL", "h"), resp3=True),
    case("hincrbyfloat-errors", ["HSET", "h", "s", "abc", "huge", "1e4932", "sp", " 1"],
         ["HINCRBYFLOAT", "h", "s", "1"], ["HINCRBYFLOAT", "h", "sp", "1"], ["HINCRBYFLOAT", "h", "f", "abc"],
         ["HINCRBYFLOAT", "h", "f", "inf"], ["HINCRBYFLOAT", "h", "f", "-inf"], ["HINCRBYFLOAT", "h", "f", "nan"],
         ["HINCRBYFLOAT", "h", "s", "inf"], ["HINCRBYFLOAT", "h", "huge", "1e4932"], ["HINCRBYFLOAT", "nokey", "f", "x"],
         ["HINCRBYFLOAT", "h", "f", ""], ["EXISTS", "nokey"], ["HLEN", "h"]),
)

RANDOM = cases(
    case("hrandfield-missing", ["HRANDFIELD", "nokey"], ["HRANDFIELD", "nokey", "3"], ["HRANDFIELD", "nokey", "-3", "WITHVALUES"],
         ["HRANDFIELD", "nokey", "0"], resp3=True),
    case("hrandfield-single-field", ["HSET", "h", "a", "1"], ["HRANDFIELD", "h"], ["HRANDFIELD", "h", "1"],
         ["HRANDFIELD", "h", "-3"], ["HRANDFIELD", "h", "-2", "WITHVALUES"], ["HRANDFIELD", "h", "5", "withvalues"], resp3=True),
    case("hrandfield-whole-hash", ["HSET", "h", "z", "1", "a", "2", "m", "3"], ["HRANDFIELD", "h", "3"],
         ["HRANDFIELD", "h", "100", "WITHVALUES"], ["HRANDFIELD", "h", "0"], ["HRANDFIELD", "h", "0", "WITHVALUES"], resp3=True),
    case("hrandfield-shapes", ["HSET", "h", *fields(10)], shape("HRANDFIELD", "h"), shape("HRANDFIELD", "h", "4"),
         shape("HRANDFIELD", "h", "-30"), shape("HRANDFIELD", "h", "8", "WITHVALUES"), shape("HRANDFIELD", "h", "-4", "WITHVALUES"),
         resp3=True),
    case("hrandfield-big-shapes", BIG, shape("HRANDFIELD", "big", "5"), shape("HRANDFIELD", "big", "250", "WITHVALUES"),
         shape("HRANDFIELD", "big", "-400"), unordered("HRANDFIELD", "big", "600")),
    case("hrandfield-errors", ["HSET", "h", "a", "1"], ["HRANDFIELD", "h", "x"], ["HRANDFIELD", "h", "1", "foo"],
         ["HRANDFIELD", "h", "1", "WITHVALUES", "x"], ["HRANDFIELD", "h", "x", "foo"], ["HRANDFIELD", "h", "-9223372036854775808"],
         ["HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"], ["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
         ["HRANDFIELD", "nokey", "x"], ["HRANDFIELD", "h", "1.5"]),
)

SCANS = cases(
    case("hscan-small", ["HSET", "h", "a", "1", "b", "2", "ab", "3"], ["HSCAN", "h", "0"], ["HSCAN", "h", "0", "MATCH", "a*"],
         ["HSCAN", "h", "0", "match", "*", "count", "1"], ["HSCAN", "h", "77", "MATCH", "b"], ["HSCAN", "h", "-1"],
         ["HSCAN", "h", ""], ["HSCAN", "h", "+0"], ["HSCAN", "nokey", "0"], resp3=True),
    case("hscan-big", BIG, hscan_all("big"), hscan_all("big", "COUNT", "3"), hscan_all("big", "MATCH", "f1*", "COUNT", "50"),
         hscan_all("big", "MATCH", "nothing*")),
    case("hscan-errors", ["HSET", "h", "a", "1"], ["HSCAN", "h", "x"], ["HSCAN", "h", "-"], ["HSCAN", "h", " 1"],
         ["HSCAN", "h", "18446744073709551616"], ["HSCAN", "h", "0", "COUNT", "0"], ["HSCAN", "h", "0", "COUNT", "x"],
         ["HSCAN", "h", "0", "MATCH"], ["HSCAN", "h", "0", "TYPE", "hash"], ["HSCAN", "h", "0", "NOVALUES"],
         ["HSCAN", "nokey", "0", "COUNT", "0"], ["HSCAN", "nokey", "x"]),
)


@pytest.mark.parametrize("script", SET_GET + ENCODINGS)
def test_hash_fields(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", COUNTERS)
def test_hash_counters(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", RANDOM + SCANS)
def test_hash_random_and_scan(differ, script):
    differ.check(script)
