"""Sorted-set commands: ZADD ZINCRBY ZREM ZCARD ZCOUNT ZLEXCOUNT ZSCORE ZMSCORE ZRANK ZREVRANK ZRANGE
ZRANGESTORE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREMRANGEBYRANK
ZREMRANGEBYSCORE ZREMRANGEBYLEX ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZUNION ZINTER ZDIFF ZUNIONSTORE
ZINTERSTORE ZDIFFSTORE ZINTERCARD ZSCAN.

ZRANK/ZREVRANK WITHSCORE is 7.2 and the oracle is 7.0, so it is covered by the engine's own tests."""

import random

import pytest

from steps import Script, Step, case, cases, prerequisite, shape, unordered

NON_ZSET = prerequisite("LPUSH", "list", "x")
PLAIN_SET = prerequisite("SADD", "set", "y", "w", "7")
BIG = 200  # past zset-max-listpack-entries (128): the skiplist encoding
LONG = "x" * 65  # past zset-max-listpack-value (64)


def zadd_many(key, count, score=lambda i: i, member=lambda i: f"m{i:04}"):
    args = ["ZADD", key]
    for i in range(count):
        args += [str(score(i)), member(i)]
    return args


class ZScanAll(Step):
    """ZSCAN from cursor 0 until the server says 0; the reply is the sorted set of (member, score)
    pairs seen (duplicates are allowed by SCAN's contract)."""

    def run(self, conn):
        seen = set()
        cursor = b"0"
        for _ in range(10_000):
            page = conn.call([*self.argv[:2], cursor, *self.argv[2:]])
            if page[0] != "array" or page[1] is None or len(page[1]) != 2:
                return page
            (_, cursor), items = page[1]
            flat = items[1]
            seen.update(zip(flat[0::2], flat[1::2]))
            if cursor == b"0":
                return ("scanned", sorted(seen, key=repr))
        return ("error", b"zscan did not finish")


def zscan_all(key, *options):
    return ZScanAll(["ZSCAN", key, *options], note="full iteration, as a set")


ZADD = cases(
    case("zadd-basic", ["ZADD", "z", "1", "a", "2", "b"], ["ZADD", "z", "3", "a"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"], resp3=True),
    case("zadd-options",
         ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
         ["ZADD", "z", "CH", "1", "a", "6", "b", "7", "d"], ["ZADD", "z", "NX", "100", "a", "4", "e"],
         ["ZADD", "z", "XX", "CH", "10", "a", "10", "nope"], ["ZADD", "z", "GT", "CH", "5", "a", "20", "c"],
         ["ZADD", "z", "LT", "CH", "50", "a", "1", "c"], ["ZADD", "z", "gt", "xx", "ch", "11", "a"],
         ["ZRANGE", "z", "0", "-1", "WITHSCORES"]),
    case("zadd-incr",
         ["ZADD", "z", "INCR", "2.5", "a"], ["ZADD", "z", "INCR", "0.1", "a"], ["ZADD", "z", "NX", "INCR", "1", "a"],
         ["ZADD", "z", "GT", "INCR", "-1", "a"], ["ZADD", "z", "LT", "INCR", "0", "a"], ["ZADD", "z", "XX", "INCR", "1", "new"],
         ["ZADD", "z", "INCR", "inf", "a"], ["ZADD", "z", "INCR", "-inf", "a"], ["ZSCORE", "z", "a"], resp3=True),
    case("zadd-errors",
         ["ZADD", "z", "1"], ["ZADD", "z", "1", "a", "2"], ["ZADD", "z", "NX", "CH"], ["ZADD", "z", "NX", "XX", "1", "a"],
         ["ZADD", "z", "GT", "LT", "1", "a"], ["ZADD", "z", "NX", "GT", "1", "a"], ["ZADD", "z", "NX", "LT", "1", "a"],
         ["ZADD", "z", "INCR", "1", "a", "2", "b"], ["ZADD", "z", "1", "a", "x", "b"], ["ZADD", "z", "nan", "a"],
         ["ZADD", "z", "", "a"], ["ZADD", "z", " 1", "a"], ["EXISTS", "z"]),
    case("zadd-xx-missing-key", ["ZADD", "z", "XX", "1", "a"], ["ZADD", "z", "XX", "INCR", "1", "a"], ["EXISTS", "z"]),
    case("zadd-score-spellings",
         ["ZADD", "z", "1e3", "a", "-0", "b", "+inf", "c", "-INF", "d", "0x10", "e", ".5", "f", "5.", "g", "1.1", "h"],
         ["ZRANGE", "z", "0", "-1", "WITHSCORES"], resp3=True),
    case("zadd-same-member-twice", ["ZADD", "z", "1", "a", "2", "a"], ["ZADD", "z", "CH", "3", "a", "3", "a"], ["ZSCORE", "z", "a"]),
    case("zadd-wrongtype", NON_ZSET, ["ZADD", "list", "1", "a"], ["ZINCRBY", "list", "1", "a"]),
    case("zadd-binary-members", ["ZADD", "z", "1", b"\x00\xff", "1", b"", "1", b"a\r\nb"], ["ZRANGE", "z", "0", "-1"], ["ZSCORE", "z", b""]),
    case("zincrby", ["ZINCRBY", "z", "1.5", "a"], ["ZINCRBY", "z", "-0.5", "a"], ["ZINCRBY", "z", "x", "a"],
         ["ZINCRBY", "z", "1"], ["ZADD", "z", "inf", "b"], ["ZINCRBY", "z", "-inf", "b"], ["ZINCRBY", "z", "1e308", "c"],
         ["ZINCRBY", "z", "1e308", "c"], resp3=True),
    case("zadd-big", zadd_many("z", BIG), ["ZCARD", "z"], ["OBJECT", "ENCODING", "z"], ["ZADD", "z", "CH", "-1", "m0150"],
         ["ZRANGE", "z", "0", "2", "WITHSCORES"], ["ZRANK", "z", "m0199"]),
)

READS = cases(
    case("zscore-zmscore", ["ZADD", "z", "1.1", "a", "2", "b"], ["ZSCORE", "z", "a"], ["ZSCORE", "z", "x"], ["ZSCORE", "nokey", "a"],
         ["ZMSCORE", "z", "a", "x", "b"], ["ZMSCORE", "nokey", "a", "b"], ["ZMSCORE", "z"], resp3=True),
    case("zcard-zrem", ["ZADD", "z", "1", "a", "2", "b"], ["ZCARD", "z"], ["ZCARD", "nokey"], ["ZREM", "z", "a", "x", "a"],
         ["ZREM", "z", "b"], ["EXISTS", "z"], ["ZREM", "z", "b"], ["ZREM", "z"]),
    case("zrank", ["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZRANK", "z", "a"], ["ZREVRANK", "z", "a"], ["ZRANK", "z", "x"],
         ["ZRANK", "nokey", "a"], ["ZREVRANK", "z", "c"], resp3=True),
    case("read-wrongtype", NON_ZSET, ["ZSCORE", "list", "a"], ["ZMSCORE", "list", "a"], ["ZCARD", "list"], ["ZRANK", "list", "a"],
         ["ZCOUNT", "list", "0", "1"], ["ZLEXCOUNT", "list", "-", "+"], ["ZRANGE", "list", "0", "1"], ["ZREM", "list", "a"],
         ["ZRANDMEMBER", "list"], ["ZSCAN", "list", "0"], ["ZPOPMIN", "list"]),
)

RANGES = cases(
    case("zrange-rank", ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
         ["ZRANGE", "z", "0", "-1"], ["ZRANGE", "z", "-2", "100"], ["ZRANGE", "z", "2", "1"], ["ZRANGE", "z", "-100", "-50"],
         ["ZRANGE", "z", "0", "1", "REV"], ["ZREVRANGE", "z", "1", "2", "WITHSCORES"], ["ZRANGE", "z", "0", "0", "WITHSCORES"],
         ["ZRANGE", "z", "5", "10"], ["ZRANGE", "nokey", "0", "-1"], resp3=True),
    case("zrange-errors", ["ZADD", "z", "1", "a"],
         ["ZRANGE", "z", "a", "1"], ["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"], ["ZRANGE", "z", "0", "1", "LIMIT", "0", "-1"],
         ["ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"], ["ZRANGE", "z", "0", "1", "LIMIT", "0"], ["ZREVRANGE", "z", "0", "1", "REV"],
         ["ZRANGE", "z", "0", "1", "REV", "REV"], ["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"],
         ["ZRANGE", "z", "0", "1", "LIMIT", "x", "1"], ["ZRANGE", "z", "0", "1", "FOO"], ["ZRANGE", "z", "0"],
         ["ZRANGEBYSCORE", "z", "0", "1", "BYSCORE"], ["ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"]),
    case("zrange-byscore", ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
         ["ZRANGEBYSCORE", "z", "2", "4"], ["ZRANGEBYSCORE", "z", "(2", "(4"], ["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "2"],
         ["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "3", "-1"], ["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "2"],
         ["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "10", "2"], ["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "0", "0"],
         ["ZRANGEBYSCORE", "z", "2", "1"], ["ZRANGEBYSCORE", "z", "(2", "(2"], ["ZRANGEBYSCORE", "z", "(2", "2"],
         ["ZREVRANGEBYSCORE", "z", "4", "2", "WITHSCORES"], ["ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "2"],
         ["ZREVRANGEBYSCORE", "z", "+inf", "-inf", "WITHSCORES", "LIMIT", "4", "-5"],
         ["ZRANGE", "z", "(1", "3", "BYSCORE"], ["ZRANGE", "z", "5", "(3", "BYSCORE", "REV", "LIMIT", "0", "1", "WITHSCORES"],
         ["ZRANGEBYSCORE", "z", "", "(", "WITHSCORES"], ["ZRANGEBYSCORE", "z", " 2", "1e400"], ["ZRANGEBYSCORE", "z", "x", "1"],
         ["ZRANGEBYSCORE", "z", "1", "(nan"], ["ZRANGEBYSCORE", "z", "  ", "1"], ["ZRANGEBYSCORE", "z", "0", "1", "REV"],
         resp3=True),
    case("zrange-bylex", ["ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "ee", "0", ""],
         ["ZRANGEBYLEX", "z", "-", "+"], ["ZRANGEBYLEX", "z", "[b", "(d"], ["ZRANGEBYLEX", "z", "-", "+", "LIMIT", "1", "2"],
         ["ZREVRANGEBYLEX", "z", "+", "[c"], ["ZREVRANGEBYLEX", "z", "(e", "-", "LIMIT", "1", "10"],
         ["ZRANGE", "z", "[d", "-", "BYLEX", "REV", "LIMIT", "0", "2"], ["ZRANGEBYLEX", "z", "+", "-"], ["ZRANGEBYLEX", "z", "[", "(b"],
         ["ZRANGEBYLEX", "z", "(", "+"], ["ZRANGEBYLEX", "z", "[e", "[e"], ["ZRANGEBYLEX", "z", "(e", "(ee"],
         ["ZRANGEBYLEX", "z", "a", "c"], ["ZRANGEBYLEX", "z", "[a", "+x"], ["ZRANGEBYLEX", "z", "--", "+"]),
    case("zcount-zlexcount", ["ZADD", "z", "0", "a", "0", "b", "0", "c"], ["ZCOUNT", "z", "(0", "0"], ["ZCOUNT", "z", "-inf", "+inf"],
         ["ZCOUNT", "z", "0", "x"], ["ZCOUNT", "nokey", "0", "1"], ["ZLEXCOUNT", "z", "(a", "[c"], ["ZLEXCOUNT", "z", "-", "+"],
         ["ZLEXCOUNT", "z", "+", "-"], ["ZLEXCOUNT", "z", "a", "+"], ["ZLEXCOUNT", "nokey", "-", "+"]),
    case("zrange-big", zadd_many("z", BIG, score=lambda i: i // 10),
         ["ZRANGE", "z", "50", "55", "WITHSCORES"], ["ZRANGE", "z", "-3", "-1"], ["ZRANGE", "z", "0", "2", "REV"],
         ["ZRANGEBYSCORE", "z", "(3", "5", "LIMIT", "5", "7"], ["ZREVRANGEBYSCORE", "z", "5", "(3", "LIMIT", "5", "7"],
         ["ZCOUNT", "z", "10", "(15"], ["ZRANK", "z", "m0123"], ["ZREVRANK", "z", "m0123"],
         ["ZRANGEBYSCORE", "z", "19", "+inf", "WITHSCORES"]),
    case("zrange-big-bylex", zadd_many("z", BIG, score=lambda i: 0),
         ["ZRANGEBYLEX", "z", "[m0100", "(m0105"], ["ZREVRANGEBYLEX", "z", "+", "(m0195"], ["ZLEXCOUNT", "z", "(m0010", "+"],
         ["ZRANGEBYLEX", "z", "-", "+", "LIMIT", "150", "3"], ["ZREMRANGEBYLEX", "z", "[m0000", "[m0099"], ["ZCARD", "z"]),
    case("zrangestore",
         ["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["SET", "dst", "x"],
         ["ZRANGESTORE", "dst", "z", "1", "-1"], ["ZRANGE", "dst", "0", "-1", "WITHSCORES"], ["OBJECT", "ENCODING", "dst"],
         ["ZRANGESTORE", "dst", "z", "+inf", "(1", "BYSCORE", "REV", "LIMIT", "0", "1"], ["ZRANGE", "dst", "0", "-1"],
         ["ZRANGESTORE", "dst", "z", "[b", "+", "BYLEX"], ["ZRANGE", "dst", "0", "-1"],
         ["ZRANGESTORE", "dst", "z", "5", "10"], ["EXISTS", "dst"], ["SET", "dst", "x"], ["ZRANGESTORE", "dst", "nokey", "0", "-1"],
         ["EXISTS", "dst"], ["ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"], ["ZRANGESTORE", "dst", "z", "0"]),
    case("zrangestore-encoding", zadd_many("z", BIG), ["ZRANGESTORE", "small", "z", "0", "9"], ["OBJECT", "ENCODING", "small"],
         ["ZRANGESTORE", "large", "z", "0", "-1"], ["OBJECT", "ENCODING", "large"], ["ZCARD", "large"],
         ["ZRANGESTORE", "byscore", "z", "10", "(20", "BYSCORE"], ["OBJECT", "ENCODING", "byscore"],
         ["ZRANGESTORE", "bylex", "z", "[m0010", "(m0020", "BYLEX"], ["OBJECT", "ENCODING", "bylex"],
         ["ZADD", "long", "1", LONG, "2", "b"], ["ZRANGESTORE", "withlong", "long", "0", "-1"], ["OBJECT", "ENCODING", "withlong"],
         ["ZUNIONSTORE", "u", "1", "long"], ["OBJECT", "ENCODING", "u"], ["ZRANGESTORE", "short", "long", "1", "1"],
         ["OBJECT", "ENCODING", "short"]),
    case("zrangestore-wrongtype", NON_ZSET, ["ZRANGESTORE", "dst", "list", "0", "-1"], ["ZADD", "z", "1", "a"],
         ["ZRANGESTORE", "list", "z", "0", "-1"], ["TYPE", "list"]),
)

REMOVALS = cases(
    case("zremrange", ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
         ["ZREMRANGEBYRANK", "z", "0", "1"], ["ZREMRANGEBYSCORE", "z", "(3", "4"], ["ZRANGE", "z", "0", "-1"],
         ["ZREMRANGEBYSCORE", "z", "x", "1"], ["ZREMRANGEBYRANK", "z", "5", "10"], ["ZREMRANGEBYRANK", "z", "x", "1"],
         ["ZREMRANGEBYRANK", "z", "-1", "-1"], ["ZREMRANGEBYLEX", "z", "-", "+"], ["EXISTS", "z"],
         ["ZREMRANGEBYLEX", "z", "x", "+"], ["ZREMRANGEBYRANK", "nokey", "0", "-1"], ["ZREMRANGEBYSCORE", "z", "1"]),
    case("zremrange-big", zadd_many("z", BIG), ["ZREMRANGEBYRANK", "z", "10", "-11"], ["ZCARD", "z"],
         ["ZRANGE", "z", "8", "12", "WITHSCORES"], ["OBJECT", "ENCODING", "z"], ["ZREMRANGEBYSCORE", "z", "-inf", "(195"],
         ["ZRANGE", "z", "0", "-1"]),
    case("zpop", ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
         ["ZPOPMIN", "z"], ["ZPOPMAX", "z", "2"], ["ZPOPMIN", "z", "0"], ["ZPOPMIN", "z", "-1"], ["ZPOPMIN", "z", "x"],
         ["ZPOPMIN", "z", "1", "2"], ["ZPOPMIN", "nokey"], ["ZPOPMIN", "nokey", "2"], ["ZPOPMAX", "z", "10"], ["EXISTS", "z"],
         resp3=True),
    case("zpop-big", zadd_many("z", BIG), ["ZPOPMIN", "z", "3"], ["ZPOPMAX", "z"], ["ZCARD", "z"], resp3=True),
    case("zmpop", ["ZADD", "z2", "1", "a", "2", "b", "3", "c"],
         ["ZMPOP", "2", "z1", "z2", "MAX", "COUNT", "2"], ["ZMPOP", "1", "z2", "min"], ["ZMPOP", "2", "z1", "z2", "MIN"],
         ["ZMPOP", "0", "z1", "MIN"], ["ZMPOP", "x", "z1", "MIN"], ["ZMPOP", "3", "z1", "MIN"], ["ZMPOP", "1", "z1", "MIDDLE"],
         ["ZMPOP", "1", "z1", "MIN", "COUNT", "0"], ["ZMPOP", "1", "z1", "MIN", "COUNT", "1", "COUNT", "1"],
         ["ZMPOP", "1", "z1", "MIN", "COUNT"], ["ZMPOP", "1", "z1"], resp3=True),
    case("zmpop-wrongtype", NON_ZSET, ["ZMPOP", "2", "z1", "list", "MIN"], ["ZADD", "z1", "1", "a"], ["ZMPOP", "2", "z1", "list", "MIN"]),
)

RANDOM = cases(
    case("zrandmember",
         ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
         shape("ZRANDMEMBER", "z"), unordered("ZRANDMEMBER", "z", "5"), unordered("ZRANDMEMBER", "z", "50"),
         unordered("ZRANDMEMBER", "z", "5", "WITHSCORES"), shape("ZRANDMEMBER", "z", "-7"), shape("ZRANDMEMBER", "z", "-3", "WITHSCORES"),
         shape("ZRANDMEMBER", "z", "3", "WITHSCORES"), shape("ZRANDMEMBER", "z", "1"),
         ["ZRANDMEMBER", "z", "0"], ["ZRANDMEMBER", "nokey"], ["ZRANDMEMBER", "nokey", "3"], ["ZRANDMEMBER", "z", "1", "WITHSCORE"],
         ["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"], ["ZRANDMEMBER", "z", "x"], ["ZRANDMEMBER", "z", "-9223372036854775808"],
         ["ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"], resp3=True),
    case("zrandmember-big", zadd_many("z", BIG), shape("ZRANDMEMBER", "z", "100"), shape("ZRANDMEMBER", "z", "10", "WITHSCORES"),
         unordered("ZRANDMEMBER", "z", str(BIG))),
)

SET_OPS = cases(
    case("zunion-zinter-zdiff",
         ["ZADD", "a", "1", "x", "2", "y", "3", "z"], ["ZADD", "b", "10", "y", "20", "z", "30", "w"],
         ["ZUNION", "2", "a", "b", "WITHSCORES"], ["ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "AGGREGATE", "MAX", "WITHSCORES"],
         ["ZUNION", "2", "a", "b", "AGGREGATE", "min"], ["ZINTER", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"],
         ["ZINTER", "2", "a", "nokey"], ["ZINTER", "2", "b", "a", "WEIGHTS", "-1", "1", "WITHSCORES"],
         ["ZDIFF", "2", "a", "b", "WITHSCORES"], ["ZDIFF", "2", "b", "nokey"], ["ZDIFF", "1", "nokey"],
         ["ZINTERCARD", "2", "a", "b"], ["ZINTERCARD", "2", "a", "b", "LIMIT", "1"], ["ZINTERCARD", "2", "a", "b", "LIMIT", "0"],
         resp3=True),
    case("zstore-ops",
         ["ZADD", "a", "1", "x", "2", "y", "3", "z"], ["ZADD", "b", "10", "y", "20", "z", "30", "w"], ["SET", "dst", "v"],
         ["ZUNIONSTORE", "dst", "2", "a", "b"], ["ZRANGE", "dst", "0", "-1", "WITHSCORES"], ["OBJECT", "ENCODING", "dst"],
         ["ZINTERSTORE", "dst", "2", "a", "b", "WEIGHTS", "1", "0"], ["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
         ["ZDIFFSTORE", "dst", "2", "a", "a"], ["EXISTS", "dst"], ["ZUNIONSTORE", "a", "2", "a", "b"], ["ZRANGE", "a", "0", "-1"]),
    case("zset-ops-nan-and-inf",
         ["ZADD", "i", "inf", "p"], ["ZADD", "j", "-inf", "p"], ["ZUNION", "2", "i", "j", "WITHSCORES"],
         ["ZUNION", "1", "i", "WEIGHTS", "0", "WITHSCORES"], ["ZINTER", "2", "i", "j", "WITHSCORES"],
         ["ZINTER", "2", "i", "j", "AGGREGATE", "MAX", "WITHSCORES"], ["ZUNION", "2", "i", "i", "WEIGHTS", "1", "-1", "WITHSCORES"]),
    case("zset-ops-sums", ["ZADD", "a", "0.1", "x"], ["ZADD", "b", "0.2", "x", "1", "y"], ["ZADD", "c", "0.3", "x", "1", "y", "2", "z"],
         ["ZUNION", "3", "c", "b", "a", "WITHSCORES"], ["ZINTER", "3", "a", "b", "c", "WITHSCORES"]),
    case("zset-ops-errors",
         ["ZADD", "a", "1", "x"],
         ["ZUNION", "0", "a"], ["ZINTERSTORE", "d", "0", "a"], ["ZUNION", "x", "a"], ["ZUNION", "2", "a"], ["ZUNION", "-1", "a"],
         ["ZUNION", "1", "a", "WEIGHTS", "x"], ["ZUNION", "1", "a", "WEIGHTS", "1", "2"], ["ZUNION", "1", "a", "AGGREGATE", "AVG"],
         ["ZUNION", "1", "a", "AGGREGATE"], ["ZDIFF", "1", "a", "WEIGHTS", "1"], ["ZDIFF", "1", "a", "AGGREGATE", "SUM"],
         ["ZUNIONSTORE", "d", "1", "a", "WITHSCORES"], ["ZINTERCARD", "1", "a", "LIMIT", "-1"], ["ZINTERCARD", "1", "a", "LIMIT", "x"],
         ["ZINTERCARD", "1", "a", "WITHSCORES"], ["ZINTERCARD", "0", "a"], ["ZINTERCARD", "1", "a", "LIMIT"], ["ZDIFFSTORE", "d", "0", "a"]),
    case("zset-ops-wrongtype", NON_ZSET, ["ZADD", "a", "1", "x"], ["ZUNION", "2", "a", "list"], ["ZINTERSTORE", "d", "2", "list", "a"],
         ["ZDIFF", "2", "a", "list"], ["ZINTERCARD", "2", "a", "list"], ["ZUNIONSTORE", "list", "1", "a"], ["TYPE", "list"],
         ["LPUSH", "list2", "x"], ["ZUNION", "2", "a", "list2", "WEIGHTS", "x"], ["ZINTERCARD", "1", "list2", "LIMIT", "-1"],
         ["ZUNION", "3", "a", "list2"]),
    case("zset-ops-big", zadd_many("a", BIG), zadd_many("b", BIG, score=lambda i: i * 2, member=lambda i: f"m{i * 2:04}"),
         ["ZINTERSTORE", "i", "2", "a", "b"], ["OBJECT", "ENCODING", "i"], ["ZRANGE", "i", "0", "4", "WITHSCORES"],
         ["ZUNIONSTORE", "u", "2", "a", "b", "AGGREGATE", "MAX"], ["ZCARD", "u"], ["OBJECT", "ENCODING", "u"],
         ["ZDIFFSTORE", "d", "2", "a", "b"], ["ZCARD", "d"], ["ZINTERCARD", "2", "a", "b", "LIMIT", "7"]),
)

EDGES = cases(
    case("negative-zero", ["ZINCRBY", "z", "-0", "a"], ["ZSCORE", "z", "a"], ["ZADD", "z", "-0", "b"], ["ZSCORE", "z", "b"],
         ["ZSCAN", "z", "0"], zadd_many("big", BIG), ["ZADD", "big", "-0", "b"], ["ZSCORE", "big", "b"],
         ["ZINCRBY", "big", "-0", "c"], ["ZSCORE", "big", "c"], ["ZRANGESTORE", "small", "big", "0", "1"], ["ZSCORE", "small", "b"],
         resp3=True),
    case("integral-scores-in-scans", ["ZADD", "z", "4e18", "a", "5e18", "b", "123456789012345678", "c", "-3", "d", "1e-300", "e"],
         ["ZSCAN", "z", "0"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"], zadd_many("big", BIG),
         ["ZADD", "big", "4e18", "a", "5e18", "b", "123456789012345678", "c", "-3", "d"], zscan_all("big", "MATCH", "[a-d]")),
    case("infinite-scores", ["ZADD", "z", "-inf", "a", "0", "b", "+inf", "c", "inf", "d"],
         ["ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"], ["ZRANGEBYSCORE", "z", "(-inf", "(+inf"],
         ["ZCOUNT", "z", "inf", "inf"], ["ZREVRANGEBYSCORE", "z", "+inf", "+inf"], ["ZINCRBY", "z", "1", "c"], resp3=True),
    case("gt-lt-on-new-members", ["ZADD", "z", "GT", "1", "a"], ["ZADD", "z", "LT", "CH", "2", "b"], ["ZADD", "z", "GT", "XX", "CH", "0", "a"],
         ["ZRANGE", "z", "0", "-1", "WITHSCORES"]),
    case("mixed-scores-by-lex", ["ZADD", "z", "1", "b", "2", "a", "3", "d", "4", "c"],
         ["ZRANGEBYLEX", "z", "-", "+"], ["ZRANGEBYLEX", "z", "[b", "[c"], ["ZLEXCOUNT", "z", "[b", "[d"]),
    case("plain-sets-as-inputs", PLAIN_SET, ["ZADD", "z", "5", "y", "6", "x", "7", "7"],
         ["ZUNION", "2", "z", "set", "WITHSCORES"], ["ZINTER", "2", "set", "z", "WEIGHTS", "2", "3", "WITHSCORES"],
         ["ZDIFF", "2", "set", "z", "WITHSCORES"], ["ZINTERCARD", "2", "set", "z"], ["ZUNIONSTORE", "dst", "1", "set"],
         ["ZRANGE", "dst", "0", "-1", "WITHSCORES"], ["ZRANGE", "set", "0", "-1"]),
    case("same-key-twice", ["ZADD", "a", "1", "x", "2", "y"], ["ZUNION", "2", "a", "a", "WITHSCORES"],
         ["ZINTER", "2", "a", "a", "WEIGHTS", "1", "2", "WITHSCORES"], ["ZDIFF", "2", "a", "a"],
         ["ZUNIONSTORE", "a", "2", "a", "a"], ["ZRANGE", "a", "0", "-1", "WITHSCORES"]),
    case("expired-zset", ["ZADD", "z", "1", "a"], ["PEXPIREAT", "z", "1"], ["ZCARD", "z"], ["ZADD", "z", "XX", "2", "a"], ["EXISTS", "z"]),
    case("ttl-survives-changes", ["ZADD", "z", "1", "a"], ["EXPIRE", "z", "1000"], ["ZADD", "z", "2", "b"], ["ZREM", "z", "a"],
         ["TTL", "z"], ["ZREM", "z", "b"], ["TTL", "z"]),
)

# ZRANK and ZREVRANK are left out: 7.2 gave them WITHSCORE and arity -3.
METADATA = cases(*(case(f"command-info-{name}", ["COMMAND", "INFO", name]) for name in [
    "zadd", "zincrby", "zrem", "zcard", "zcount", "zlexcount", "zscore", "zmscore", "zrange", "zrangestore", "zrevrange",
    "zrangebyscore", "zrevrangebyscore", "zrangebylex", "zrevrangebylex", "zremrangebyrank", "zremrangebyscore",
    "zremrangebylex", "zpopmin", "zpopmax", "zmpop", "zrandmember", "zunion", "zinter", "zdiff", "zunionstore",
    "zinterstore", "zdiffstore", "zintercard", "zscan"]),
    case("command-getkeys", ["COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"],
         ["COMMAND", "GETKEYS", "ZMPOP", "2", "a", "b", "MIN"], ["COMMAND", "GETKEYS", "ZINTERCARD", "1", "a", "LIMIT", "1"],
         ["COMMAND", "GETKEYS", "ZRANGESTORE", "d", "s", "0", "1"]))

SCANS = cases(
    case("zscan-listpack", ["ZADD", "z", "1.1", "a", "2", "b", "1e20", "c", "-inf", "d", "0.1", "e"],
         ["ZSCAN", "z", "0"], ["ZSCAN", "z", "0", "MATCH", "b*"], ["ZSCAN", "z", "0", "COUNT", "1"], ["ZSCAN", "nokey", "0", "COUNT", "0"],
         ["ZSCAN", "z", "x"], ["ZSCAN", "z", "-1"], ["ZSCAN", "z", ""], ["ZSCAN", "z", "+0"], ["ZSCAN", "z", "-"],
         ["ZSCAN", "z", " 1"], ["ZSCAN", "z", "18446744073709551616"], ["ZSCAN", "z", "-18446744073709551615"], ["ZSCAN", "z", "0", "COUNT", "0"], ["ZSCAN", "z", "0", "TYPE", "zset"],
         ["ZSCAN", "z", "0", "MATCH"], ["ZSCAN", "z", "0", "COUNT", "x"], resp3=True),
    case("zscan-skiplist", zadd_many("z", BIG, score=lambda i: i / 10), zscan_all("z"), zscan_all("z", "COUNT", "7"),
         zscan_all("z", "MATCH", "m01*")),
    case("zscan-long-member", ["ZADD", "z", "1.5", LONG, "2", "b"], ["OBJECT", "ENCODING", "z"], zscan_all("z")),
)


@pytest.mark.parametrize("script", ZADD)
def test_zadd(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", READS)
def test_reads(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", RANGES)
def test_ranges(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", REMOVALS)
def test_removals(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", RANDOM)
def test_random(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", SET_OPS)
def test_set_operations(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", EDGES)
def test_edges(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", METADATA)
def test_metadata(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", SCANS)
def test_scans(differ, script):
    differ.check(script)


# --- random sequences ----------------------------------------------------------------------------

ZKEYS = ["za", "zb", "zc"]
# Lex ranges are defined only over equal scores: with mixed scores a skiplist's answer depends on
# its random levels, in Redis too. So lex commands use their own key, written with score 0 only.
LEX_KEY = "zl"
ZMEMBERS = ["a", "b", "c", "d", "e", "aa", "ab", "", "m0001", "m0150", LONG]
ZSCORES = ["0", "1", "-1", "2.5", "-0", "1e3", "inf", "-inf", "0.1", "3", "x", "(1"]
ZBOUNDS = ["-inf", "+inf", "0", "(0", "1", "(1", "2.5", "(3", "1e3", "x", ""]
ZLEX = ["-", "+", "[a", "(a", "[ab", "(c", "[e", "[", "(", "a"]
ZINDEXES = ["0", "1", "2", "-1", "-2", "-100", "100", "x"]


class ZScriptGenerator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def pick(self, options):
        return self.rng.choice(options)

    def pairs(self):
        out = []
        for _ in range(self.rng.randint(1, 3)):
            out += [self.pick(ZSCORES), self.pick(ZMEMBERS)]
        return out

    def limit(self):
        if self.rng.random() < 0.4:
            return ["LIMIT", self.pick(["0", "1", "2", "-1"]), self.pick(["0", "1", "3", "-1"])]
        return []

    def withscores(self):
        return ["WITHSCORES"] if self.rng.random() < 0.5 else []

    def step(self):
        key = self.pick(ZKEYS)
        choices = [
            lambda: ["ZADD", key, *self.rng.sample(["NX", "XX", "GT", "LT", "CH"], self.rng.randint(0, 2)), *self.pairs()],
            lambda: ["ZADD", key, "INCR", self.pick(ZSCORES), self.pick(ZMEMBERS)],
            lambda: ["ZINCRBY", key, self.pick(ZSCORES), self.pick(ZMEMBERS)],
            lambda: zadd_many(key, self.rng.choice([20, 150]), score=lambda i: i % 7, member=lambda i: f"m{i:04}"),
            lambda: ["ZREM", key, self.pick(ZMEMBERS), self.pick(ZMEMBERS)],
            lambda: ["ZADD", LEX_KEY, "0", self.pick(ZMEMBERS), "0", self.pick(ZMEMBERS)],
            lambda: zadd_many(LEX_KEY, self.rng.choice([20, 150]), score=lambda i: 0, member=lambda i: f"m{i:04}"),
            lambda: ["ZREM", LEX_KEY, self.pick(ZMEMBERS), "m0001"],
            lambda: ["ZSCORE", key, self.pick(ZMEMBERS)],
            lambda: ["ZMSCORE", key, self.pick(ZMEMBERS), self.pick(ZMEMBERS)],
            lambda: ["ZCARD", key],
            lambda: ["ZRANK", key, self.pick(ZMEMBERS)],
            lambda: ["ZREVRANK", key, self.pick(ZMEMBERS)],
            lambda: ["ZRANGE", key, self.pick(ZINDEXES), self.pick(ZINDEXES), *self.withscores()],
            lambda: ["ZREVRANGE", key, self.pick(ZINDEXES), self.pick(ZINDEXES), *self.withscores()],
            lambda: ["ZRANGEBYSCORE", key, self.pick(ZBOUNDS), self.pick(ZBOUNDS), *self.withscores(), *self.limit()],
            lambda: ["ZREVRANGEBYSCORE", key, self.pick(ZBOUNDS), self.pick(ZBOUNDS), *self.withscores(), *self.limit()],
            lambda: ["ZRANGEBYLEX", LEX_KEY, self.pick(ZLEX), self.pick(ZLEX), *self.limit()],
            lambda: ["ZREVRANGEBYLEX", LEX_KEY, self.pick(ZLEX), self.pick(ZLEX), *self.limit()],
            lambda: ["ZRANGE", key, self.pick(ZBOUNDS), self.pick(ZBOUNDS), "BYSCORE", *(["REV"] if self.rng.random() < 0.5 else []),
                     *self.limit(), *self.withscores()],
            lambda: ["ZCOUNT", key, self.pick(ZBOUNDS), self.pick(ZBOUNDS)],
            lambda: ["ZLEXCOUNT", LEX_KEY, self.pick(ZLEX), self.pick(ZLEX)],
            lambda: ["ZREMRANGEBYRANK", key, self.pick(ZINDEXES), self.pick(ZINDEXES)],
            lambda: ["ZREMRANGEBYSCORE", key, self.pick(ZBOUNDS), self.pick(ZBOUNDS)],
            lambda: ["ZREMRANGEBYLEX", LEX_KEY, self.pick(ZLEX), self.pick(ZLEX)],
            lambda: ["ZPOPMIN", key, *([self.pick(["0", "1", "3", "-1"])] if self.rng.random() < 0.5 else [])],
            lambda: ["ZPOPMAX", key, *([self.pick(["0", "1", "3"])] if self.rng.random() < 0.5 else [])],
            lambda: ["ZMPOP", "2", self.pick(ZKEYS), self.pick(ZKEYS), self.pick(["MIN", "MAX"]), "COUNT", self.pick(["1", "2", "5"])],
            lambda: ["ZRANGESTORE", self.pick(ZKEYS), key, self.pick(ZINDEXES), self.pick(ZINDEXES)],
            lambda: [self.pick(["ZUNIONSTORE", "ZINTERSTORE"]), self.pick(ZKEYS), "2", key, self.pick(ZKEYS),
                     *(["WEIGHTS", self.pick(ZSCORES), "1"] if self.rng.random() < 0.4 else []),
                     *(["AGGREGATE", self.pick(["SUM", "MIN", "MAX"])] if self.rng.random() < 0.4 else [])],
            lambda: ["ZDIFFSTORE", self.pick(ZKEYS), "2", key, self.pick(ZKEYS)],
            lambda: [self.pick(["ZUNION", "ZINTER", "ZDIFF"]), "2", key, self.pick(ZKEYS), *self.withscores()],
            lambda: ["ZINTERCARD", "2", key, self.pick(ZKEYS)],
            lambda: ["OBJECT", "ENCODING", key],
            lambda: ["ZSCAN", key, "0", "COUNT", "1000"],
        ]
        argv = self.pick(choices)()
        return Step(argv, view=zscan_page_view, note="pairs unordered") if argv[0] == "ZSCAN" else Step(argv)


def zscan_page_view(reply):
    """A ZSCAN page with its (member, score) pairs as a set: a hash table's order is its own."""
    if reply[0] != "array" or reply[1] is None or len(reply[1]) != 2 or reply[1][1][1] is None:
        return reply
    cursor, (kind, flat) = reply[1]
    return (cursor, kind, sorted(zip(flat[0::2], flat[1::2]), key=repr))


def _random_script(seed: int) -> Script:
    generator = ZScriptGenerator(seed)
    steps = [generator.step() for _ in range(40)]
    steps.append(Step(["ZRANGE", "za", "0", "-1", "WITHSCORES"]))
    if seed % 4 == 3:
        return Script([Step(["HELLO", "3"], view=lambda r: r[0]), *steps], resp=3)
    return Script(steps)


@pytest.mark.parametrize("seed", range(200), ids=lambda seed: f"zset-seed-{seed}")
def test_random_zset_sequence(differ, seed):
    script = _random_script(seed)
    differ.check(script, first_only=True, header=f"seed {seed} (RESP{script.resp}); replies up to the first difference:")
