"""Set commands: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER SPOP SMOVE SINTER SINTERCARD
SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN, and the intset/hashtable encodings of Redis 7.0."""

import pytest

from steps import Step, case, cases, shape, unordered

STRING = ["SET", "str", "v"]


def numbers(count: int, start: int = 0) -> list[str]:
    return [str(i) for i in range(start, start + count)]


def words(count: int, prefix: str = "m") -> list[str]:
    return [f"{prefix}{i}" for i in range(count)]


BIG_WORDS = ["SADD", "big", *words(600)]
BIG_NUMBERS = ["SADD", "bignum", *numbers(600)]


class SetScan(Step):
    """SSCAN from cursor 0 until the server says 0; the reply is the sorted list of members seen."""

    MAX_PAGES = 10_000

    def run(self, conn):
        seen = set()
        cursor = b"0"
        for _ in range(self.MAX_PAGES):
            page = conn.call([b"SSCAN", self.argv[1], cursor, *self.argv[2:]])
            if page[0] != "array" or page[1] is None or len(page[1]) != 2:
                return page
            (cursor_kind, cursor), items = page[1]
            if cursor_kind != "bulk" or items[0] != "array":
                return page
            seen.update(items[1])
            if cursor == b"0":
                return ("scanned", sorted(seen, key=repr))
        return ("error", b"scan did not finish within %d pages" % self.MAX_PAGES)


def sscan_all(key, *options) -> Step:
    return SetScan(["SSCAN", key, *options], note="full iteration, as a set")


class PopEverything(Step):
    """Pops with SPOP `count` until the set is gone; the reply is every member popped, sorted, plus
    how many calls it took (random which, but every member exactly once)."""

    def run(self, conn):
        popped = []
        for calls in range(1, 10_000):
            reply = conn.call(self.argv)
            if reply[0] not in ("array", "set") or not reply[1]:
                return ("popped", sorted(popped, key=repr), calls, reply[0])
            popped.extend(reply[1])
        return ("error", b"set never emptied")


def pop_everything(key, count) -> Step:
    return PopEverything(["SPOP", key, count], note="every member popped exactly once")


MEMBERSHIP = cases(
    case("sadd-srem", ["SADD", "s", "a", "b", "a", "c"], ["SADD", "s", "c", "d"], ["SCARD", "s"], ["SREM", "s", "a", "zz", "a"],
         ["SREM", "nokey", "a"], ["SCARD", "s"], ["SREM", "s", "b", "c", "d"], ["EXISTS", "s"], ["SCARD", "s"], resp3=True),
    case("sismember-smismember", ["SADD", "s", "a", "1"], ["SISMEMBER", "s", "a"], ["SISMEMBER", "s", "z"],
         ["SISMEMBER", "nokey", "a"], ["SMISMEMBER", "s", "a", "z", "1"], ["SMISMEMBER", "nokey", "a", "b"], resp3=True),
    case("smembers-intset", ["SADD", "s", "30", "-5", "10", "0", "10"], ["SMEMBERS", "s"], ["SMEMBERS", "nokey"], resp3=True),
    case("smembers-strings", ["SADD", "s", "b", "a", "c"], unordered("SMEMBERS", "s"), resp3=True),
    case("binary-members", ["SADD", "s", b"a\x00\r\n", b"\xff"], ["SISMEMBER", "s", b"a\x00\r\n"], unordered("SMEMBERS", "s")),
    case("non-canonical-integers", ["SADD", "s", "1", "2"], ["SISMEMBER", "s", "01"], ["SISMEMBER", "s", "+1"],
         ["SREM", "s", "1.0"], ["OBJECT", "ENCODING", "s"], ["SADD", "s", "007"], ["OBJECT", "ENCODING", "s"],
         ["SISMEMBER", "s", "007"], ["SISMEMBER", "s", "7"], ["SCARD", "s"]),
    case("ttl-survives-member-changes", ["SADD", "s", "a"], ["EXPIRE", "s", "1000"], ["SADD", "s", "b"], ["SREM", "s", "a"],
         ["TTL", "s"]),
    case("wrongtype", STRING, *[cmd for cmd in (
        ["SADD", "str", "a"], ["SREM", "str", "a"], ["SCARD", "str"], ["SISMEMBER", "str", "a"], ["SMISMEMBER", "str", "a"],
        ["SMEMBERS", "str"], ["SRANDMEMBER", "str"], ["SRANDMEMBER", "str", "2"], ["SPOP", "str"], ["SPOP", "str", "2"],
        ["SSCAN", "str", "0"], ["SINTER", "str"], ["SUNION", "str"], ["SDIFF", "str"], ["SINTERCARD", "1", "str"],
    )], ["GET", "str"]),
    case("arity", ["SADD", "s"], ["SREM", "s"], ["SCARD"], ["SISMEMBER", "s"], ["SMISMEMBER", "s"], ["SMEMBERS"],
         ["SRANDMEMBER"], ["SPOP"], ["SMOVE", "a", "b"], ["SINTER"], ["SINTERCARD", "1"], ["SINTERSTORE", "d"],
         ["SUNION"], ["SUNIONSTORE", "d"], ["SDIFF"], ["SDIFFSTORE", "d"], ["SSCAN", "s"]),
)

ENCODINGS = cases(
    case("encoding-intset-limit", ["SADD", "s", *numbers(512)], ["OBJECT", "ENCODING", "s"], ["SADD", "s", "0"],
         ["OBJECT", "ENCODING", "s"], ["SADD", "s", "512"], ["OBJECT", "ENCODING", "s"], ["SREM", "s", "512", "511"],
         ["OBJECT", "ENCODING", "s"]),
    case("encoding-strings", ["SADD", "s", "a"], ["OBJECT", "ENCODING", "s"], ["SADD", "n", "1", "a"], ["OBJECT", "ENCODING", "n"],
         ["SREM", "n", "a"], ["OBJECT", "ENCODING", "n"]),
    case("encoding-extreme-integers", ["SADD", "s", "-9223372036854775808", "9223372036854775807", "0"],
         ["OBJECT", "ENCODING", "s"], ["SMEMBERS", "s"], ["SADD", "s", "9223372036854775808"], ["OBJECT", "ENCODING", "s"]),
)

MOVES = cases(
    case("smove", ["SADD", "src", "1", "2", "a"], ["SMOVE", "src", "dst", "1"], ["SMEMBERS", "dst"], ["OBJECT", "ENCODING", "dst"],
         ["SMOVE", "src", "dst", "1"], ["SMOVE", "src", "dst", "a"], ["OBJECT", "ENCODING", "dst"], ["SADD", "dst", "2"],
         ["SMOVE", "src", "dst", "2"], ["EXISTS", "src"], unordered("SMEMBERS", "dst")),
    case("smove-same-key", ["SADD", "s", "1"], ["SMOVE", "s", "s", "1"], ["SMOVE", "s", "s", "9"], ["SMEMBERS", "s"]),
    case("smove-missing-and-wrongtype", STRING, ["SADD", "s", "1"], ["SMOVE", "nokey", "s", "1"], ["SMOVE", "nokey", "str", "1"],
         ["SMOVE", "str", "s", "1"], ["SMOVE", "s", "str", "1"], ["SMOVE", "s", "str", "9"], ["SMEMBERS", "s"]),
    case("smove-keeps-destination-ttl", ["SADD", "a", "1"], ["SADD", "b", "2"], ["EXPIRE", "b", "1000"], ["SMOVE", "a", "b", "1"],
         ["TTL", "b"], ["SMEMBERS", "b"]),
)

ALGEBRA = cases(
    case("sinter", ["SADD", "a", "1", "2", "3", "4"], ["SADD", "b", "4", "3", "5"], ["SADD", "w", "3", "x", "4"],
         ["SINTER", "a", "b"], ["SINTER", "b", "a"], unordered("SINTER", "a", "w"), ["SINTER", "a", "nokey", "b"],
         ["SINTER", "a", "a"], ["SINTER", "nokey"], resp3=True),
    case("sinter-wrongtype-after-missing", STRING, ["SADD", "a", "1"], ["SINTER", "nokey", "str"], ["SINTER", "a", "str"],
         ["SINTERSTORE", "d", "nokey", "str"], ["SINTERCARD", "2", "nokey", "str"], ["EXISTS", "d"]),
    case("sintercard", ["SADD", "a", "1", "2", "3", "x"], ["SADD", "b", "2", "3", "x", "y"], ["SINTERCARD", "2", "a", "b"],
         ["SINTERCARD", "2", "a", "b", "LIMIT", "2"], ["SINTERCARD", "2", "a", "b", "limit", "0"],
         ["SINTERCARD", "2", "a", "b", "LIMIT", "9", "LIMIT", "1"], ["SINTERCARD", "1", "nokey"], ["SINTERCARD", "1", "a", "LIMIT", "100"]),
    case("sintercard-errors", ["SADD", "s", "1"], ["SINTERCARD", "0", "s"], ["SINTERCARD", "x", "s"], ["SINTERCARD", "-1", "s"],
         ["SINTERCARD", "3", "s"], ["SINTERCARD", "1", "s", "LIMIT", "-1"], ["SINTERCARD", "1", "s", "LIMIT", "x"],
         ["SINTERCARD", "1", "s", "LIMIT"], ["SINTERCARD", "1", "s", "FOO", "1"], ["SINTERCARD", "1", "s", "s"]),
    case("sinterstore", ["SADD", "a", "1", "2", "3"], ["SADD", "b", "2", "3", "4"], ["SINTERSTORE", "d", "a", "b"],
         ["SMEMBERS", "d"], ["OBJECT", "ENCODING", "d"], ["SINTERSTORE", "d", "a", "nokey"], ["EXISTS", "d"],
         ["SET", "str", "v", "EX", "100"], ["SINTERSTORE", "str", "a", "b"], ["TYPE", "str"], ["TTL", "str"],
         ["SINTERSTORE", "a", "a", "b"], ["SMEMBERS", "a"]),
    case("sunion", ["SADD", "a", "3", "1"], ["SADD", "b", "2", "1"], ["SADD", "w", "x"], ["SUNION", "a", "b"],
         ["SUNION", "a", "nokey"], unordered("SUNION", "a", "w"), ["SUNION", "nokey"], resp3=True),
    case("sunionstore", ["SADD", "a", "3", "1"], ["SADD", "b", "2"], ["SUNIONSTORE", "d", "a", "b"], ["SMEMBERS", "d"],
         ["OBJECT", "ENCODING", "d"], ["SADD", "w", "x"], ["SUNIONSTORE", "d", "a", "w"], ["OBJECT", "ENCODING", "d"],
         ["SUNIONSTORE", "d", "nokey"], ["EXISTS", "d"], ["SUNIONSTORE", "a", "a", "b"], ["SMEMBERS", "a"]),
    case("sunionstore-numbers-in-a-hashtable", ["SADD", "h", "x", "1", "2"], ["SREM", "h", "x"], ["OBJECT", "ENCODING", "h"],
         ["SUNIONSTORE", "d", "h"], ["OBJECT", "ENCODING", "d"], ["SMEMBERS", "d"]),
    case("sdiff", ["SADD", "a", "1", "2", "3", "x"], ["SADD", "b", "2", "y"], ["SADD", "c", "3"], unordered("SDIFF", "a", "b", "c"),
         unordered("SDIFF", "a", "b"), ["SDIFF", "a", "a"], ["SDIFF", "a", "b", "a"], ["SDIFF", "nokey", "a"],
         unordered("SDIFF", "a", "nokey"), ["SDIFF", "c"], resp3=True),
    case("sdiffstore", ["SADD", "a", "1", "2", "3"], ["SADD", "b", "2"], ["SDIFFSTORE", "d", "a", "b"], ["SMEMBERS", "d"],
         ["OBJECT", "ENCODING", "d"], ["SDIFFSTORE", "d", "a", "a"], ["EXISTS", "d"], ["SDIFFSTORE", "a", "a", "b"],
         ["SMEMBERS", "a"]),
    case("sdiff-big", BIG_WORDS, BIG_NUMBERS, ["SADD", "few", "m1", "m3", "5", "zz"],
         ["SDIFFSTORE", "d1", "big", "few"], ["SCARD", "d1"], ["SDIFFSTORE", "d2", "few", "big", "bignum"], ["SMEMBERS", "d2"],
         ["SDIFFSTORE", "d3", "bignum", "few", "big"], ["SCARD", "d3"], ["OBJECT", "ENCODING", "d3"],
         ["SINTERSTORE", "d4", "big", "few"], unordered("SMEMBERS", "d4"), ["SUNIONSTORE", "d5", "big", "bignum"], ["SCARD", "d5"]),
    case("store-wrongtype", STRING, ["SADD", "a", "1"], ["SUNIONSTORE", "d", "a", "str"], ["SDIFFSTORE", "d", "a", "str"],
         ["SDIFFSTORE", "d", "nokey", "str"], ["EXISTS", "d"]),
)

RANDOM = cases(
    case("srandmember-missing", ["SRANDMEMBER", "nokey"], ["SRANDMEMBER", "nokey", "5"], ["SRANDMEMBER", "nokey", "-5"], resp3=True),
    case("srandmember-single", ["SADD", "s", "a"], ["SRANDMEMBER", "s"], ["SRANDMEMBER", "s", "1"], ["SRANDMEMBER", "s", "-3"],
         ["SRANDMEMBER", "s", "0"], resp3=True),
    case("srandmember-whole-set", ["SADD", "s", "5", "1", "3"], ["SRANDMEMBER", "s", "3"], ["SRANDMEMBER", "s", "100"],
         ["SADD", "w", "b", "a"], unordered("SRANDMEMBER", "w", "2"), resp3=True),
    case("srandmember-shapes", BIG_WORDS, ["SADD", "small", *numbers(10)], shape("SRANDMEMBER", "small", "4"),
         shape("SRANDMEMBER", "small", "-30"), shape("SRANDMEMBER", "big", "5"), shape("SRANDMEMBER", "big", "500"),
         shape("SRANDMEMBER", "big", "-700"), shape("SRANDMEMBER", "big"), ["SCARD", "big"]),
    case("srandmember-errors", ["SADD", "s", "1"], ["SRANDMEMBER", "s", "x"], ["SRANDMEMBER", "s", "1", "2"],
         ["SRANDMEMBER", "s", "x", "y"], ["SRANDMEMBER", "s", "-9223372036854775808"], ["SRANDMEMBER", "s", "1.5"],
         ["SRANDMEMBER", "nokey", "x"]),
    case("spop", ["SPOP", "nokey"], ["SPOP", "nokey", "3"], ["SPOP", "nokey", "0"], ["SADD", "s", "a"], ["SPOP", "s", "0"],
         ["SPOP", "s"], ["EXISTS", "s"], ["SADD", "n", "5", "1", "3"], ["SPOP", "n", "3"], ["EXISTS", "n"],
         ["SADD", "n", "2", "1"], ["SPOP", "n", "10"], resp3=True),
    case("spop-shapes", BIG_WORDS, BIG_NUMBERS, shape("SPOP", "big"), shape("SPOP", "big", "10"), shape("SPOP", "big", "580"),
         ["SCARD", "big"], shape("SPOP", "bignum", "5"), shape("SPOP", "bignum", "590"), ["SCARD", "bignum"], resp3=True),
    case("spop-everything", BIG_WORDS, BIG_NUMBERS, ["SADD", "small", *numbers(20)], pop_everything("big", "7"),
         pop_everything("bignum", "100"), pop_everything("small", "3"), ["EXISTS", "big", "bignum", "small"]),
    case("spop-errors", ["SADD", "s", "1", "2"], ["SPOP", "s", "-1"], ["SPOP", "nokey", "-1"], ["SPOP", "s", "x"],
         ["SPOP", "s", "1", "2"], ["SPOP", "s", "1.5"], ["SCARD", "s"]),
)

SCANS = cases(
    case("sscan-intset", ["SADD", "s", "10", "2", "33"], ["SSCAN", "s", "0"], ["SSCAN", "s", "0", "MATCH", "*3", "COUNT", "1"],
         ["SSCAN", "s", "-1"], ["SSCAN", "s", ""], ["SSCAN", "s", "5", "match", "1*"], ["SSCAN", "nokey", "0"], resp3=True),
    case("sscan-big", BIG_WORDS, BIG_NUMBERS, sscan_all("big"), sscan_all("big", "COUNT", "3"), sscan_all("big", "MATCH", "m1*"),
         sscan_all("bignum", "MATCH", "*7", "COUNT", "50"), ["SADD", "small", "a"], ["SSCAN", "small", "0"]),
    case("sscan-errors", ["SADD", "s", "1"], ["SSCAN", "s", "x"], ["SSCAN", "s", "+"], ["SSCAN", "s", " 1"],
         ["SSCAN", "s", "0", "COUNT", "0"], ["SSCAN", "s", "0", "COUNT", "-1"], ["SSCAN", "s", "0", "MATCH"],
         ["SSCAN", "s", "0", "TYPE", "set"], ["SSCAN", "nokey", "0", "COUNT", "0"], ["SSCAN", "nokey", "x"]),
)


@pytest.mark.parametrize("script", MEMBERSHIP + ENCODINGS + MOVES)
def test_set_members(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", ALGEBRA)
def test_set_algebra(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", RANDOM + SCANS)
def test_set_random_and_scan(differ, script):
    differ.check(script)
