"""List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT LREM LTRIM LPOS
LMOVE RPOPLPUSH LMPOP, their errors, and their COMMAND INFO.

Not compared: OBJECT ENCODING (Redis 7.0 reports every list as `quicklist`; 7.2, which Vermilion
follows, reports `listpack` for small ones), and `LPOS ... RANK -9223372036854775808`, where 7.0
overflows and answers as if RANK were -1 while 7.2 replies with a range error.
"""

import pytest

from steps import case, cases, unordered

STRING = ["SET", "s", "v"]
ABC = ["RPUSH", "l", "a", "b", "c"]

PUSH_POP = cases(
    case("push-order", ["RPUSH", "l", "a", "b"], ["LPUSH", "l", "x", "y"], ["LRANGE", "l", "0", "-1"], resp3=True),
    case("pushx-missing", ["LPUSHX", "l", "a"], ["RPUSHX", "l", "a", "b"], ["EXISTS", "l"]),
    case("pushx-existing", ABC, ["LPUSHX", "l", "x", "y"], ["RPUSHX", "l", "z"], ["LRANGE", "l", "0", "-1"]),
    case("push-binary", ["RPUSH", "l", b"\x00\xff\r\n", "", "-0", "007", "9223372036854775808"],
         ["LRANGE", "l", "0", "-1"], ["LINDEX", "l", "0"], ["LLEN", "l"]),
    case("push-integers", ["RPUSH", "l", "0", "-1", "127", "4096", "-32769", "2147483648", "-9223372036854775808"],
         ["LRANGE", "l", "0", "-1"]),
    case("push-large-elements", ["RPUSH", "l", "x" * 9000, "y" * 100], ["LPUSH", "l", "z" * 5000],
         ["LLEN", "l"], ["LINDEX", "l", "1"], ["RPOP", "l"], ["LRANGE", "l", "-1", "-1"]),
    case("push-many", ["RPUSH", "l", *(f"e{i}" for i in range(2000))], ["LLEN", "l"],
         ["LRANGE", "l", "995", "1005"], ["LINDEX", "l", "-1"], ["LTRIM", "l", "10", "19"], ["LRANGE", "l", "0", "-1"]),
    case("pop-single", ABC, ["LPOP", "l"], ["RPOP", "l"], ["LPOP", "l"], ["EXISTS", "l"], ["LPOP", "l"], ["RPOP", "l"], resp3=True),
    case("pop-count", ["RPUSH", "l", "a", "b", "c", "d", "e"], ["LPOP", "l", "2"], ["RPOP", "l", "2"], ["RPOP", "l", "0"],
         ["LPOP", "l", "9"], ["EXISTS", "l"], resp3=True),
    case("pop-count-missing", ["LPOP", "l", "1"], ["RPOP", "l", "0"], ["LPOP", "l"], resp3=True),
    case("pop-count-errors", ABC, ["LPOP", "l", "-1"], ["RPOP", "l", "x"], ["LPOP", "l", "1.5"], ["LPOP", "l", "1", "2"],
         ["RPOP", "l", "1", "2"], ["LLEN", "l"]),
    case("pop-keeps-ttl", ABC, ["EXPIREAT", "l", "4102444800"], ["LPOP", "l"], ["EXPIRETIME", "l"]),
)

READS = cases(
    case("lrange-bounds", ["RPUSH", "l", "0", "1", "2", "3", "4", "5"], ["LRANGE", "l", "1", "2"], ["LRANGE", "l", "-2", "100"],
         ["LRANGE", "l", "-100", "0"], ["LRANGE", "l", "4", "2"], ["LRANGE", "l", "6", "10"], ["LRANGE", "l", "0", "-7"],
         ["LRANGE", "l", "-9223372036854775808", "9223372036854775807"], ["LRANGE", "l", "-1", "-2"]),
    case("lrange-errors", ABC, ["LRANGE", "l", "a", "1"], ["LRANGE", "l", "0", "1.0"], ["LRANGE", "missing", "x", "1"],
         ["LRANGE", "missing", "0", "-1"], resp3=True),
    case("lindex", ABC, ["LINDEX", "l", "0"], ["LINDEX", "l", "-1"], ["LINDEX", "l", "3"], ["LINDEX", "l", "-4"],
         ["LINDEX", "l", "x"], ["LINDEX", "missing", "x"], ["LINDEX", "missing", "0"], resp3=True),
    case("llen", ["LLEN", "l"], ABC, ["LLEN", "l"]),
)

EDITS = cases(
    case("lset", ABC, ["LSET", "l", "0", "A"], ["LSET", "l", "-1", "C"], ["LSET", "l", "3", "x"], ["LSET", "l", "-4", "x"],
         ["LSET", "l", "x", "y"], ["LRANGE", "l", "0", "-1"]),
    case("lset-missing", ["LSET", "l", "0", "a"], ["LSET", "l", "x", "a"]),
    case("lset-grow-and-shrink", ABC, ["LSET", "l", "1", "x" * 9000], ["LINDEX", "l", "1"], ["LSET", "l", "1", "b"],
         ["LRANGE", "l", "0", "-1"]),
    case("linsert", ["RPUSH", "l", "a", "b", "a"], ["LINSERT", "l", "before", "a", "x"], ["LINSERT", "l", "AFTER", "a", "y"],
         ["LINSERT", "l", "AFTER", "zz", "y"], ["LINSERT", "l", "MIDDLE", "a", "y"], ["LINSERT", "missing", "BEFORE", "a", "y"],
         ["LINSERT", "missing", "MIDDLE", "a", "y"], ["LRANGE", "l", "0", "-1"], ["EXISTS", "missing"]),
    case("lrem", ["RPUSH", "l", "a", "b", "a", "c", "a", "b", "a"], ["LREM", "l", "2", "a"], ["LRANGE", "l", "0", "-1"],
         ["LREM", "l", "-1", "b"], ["LRANGE", "l", "0", "-1"], ["LREM", "l", "0", "a"], ["LREM", "l", "0", "zz"],
         ["LREM", "l", "x", "c"], ["LREM", "l", "-9223372036854775808", "b"], ["LRANGE", "l", "0", "-1"],
         ["LREM", "l", "1", "c"], ["EXISTS", "l"], ["LREM", "l", "1", "c"]),
    case("ltrim", ["RPUSH", "l", "0", "1", "2", "3", "4", "5"], ["LTRIM", "l", "1", "-2"], ["LRANGE", "l", "0", "-1"],
         ["LTRIM", "l", "-2", "100"], ["LRANGE", "l", "0", "-1"], ["LTRIM", "l", "x", "1"], ["LTRIM", "missing", "0", "1"],
         ["LTRIM", "l", "1", "0"], ["EXISTS", "l"]),
    case("ltrim-everything", ABC, ["LTRIM", "l", "5", "10"], ["EXISTS", "l"], ["DBSIZE"]),
)

SEARCH = cases(
    case("lpos", ["RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"], ["LPOS", "l", "c"], ["LPOS", "l", "zz"],
         ["LPOS", "l", "c", "RANK", "2"], ["LPOS", "l", "c", "RANK", "-1"], ["LPOS", "l", "c", "RANK", "-3"],
         ["LPOS", "l", "c", "RANK", "4"], ["LPOS", "l", "1"], resp3=True),
    case("lpos-count", ["RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"], ["LPOS", "l", "c", "COUNT", "0"],
         ["LPOS", "l", "c", "COUNT", "2"], ["LPOS", "l", "c", "RANK", "-1", "COUNT", "2"],
         ["LPOS", "l", "c", "RANK", "2", "COUNT", "0"], ["LPOS", "l", "zz", "COUNT", "2"], ["LPOS", "missing", "c", "COUNT", "0"],
         ["LPOS", "missing", "c"], resp3=True),
    case("lpos-maxlen", ["RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"], ["LPOS", "l", "c", "MAXLEN", "3"],
         ["LPOS", "l", "c", "MAXLEN", "2"], ["LPOS", "l", "c", "RANK", "-1", "MAXLEN", "1", "COUNT", "0"],
         ["LPOS", "l", "c", "maxlen", "0", "count", "0", "rank", "1"]),
    case("lpos-errors", ["RPUSH", "l", "a"], ["LPOS", "l", "a", "RANK", "0"], ["LPOS", "l", "a", "RANK", "x"],
         ["LPOS", "l", "a", "COUNT", "-1"], ["LPOS", "l", "a", "COUNT", "x"], ["LPOS", "l", "a", "MAXLEN", "-1"],
         ["LPOS", "l", "a", "MAXLEN", "x"], ["LPOS", "l", "a", "COUNT"], ["LPOS", "l", "a", "FIRST", "1"],
         ["LPOS", "missing", "a", "RANK", "0"], ["LPOS", "l", "a", "RANK", "9223372036854775807"]),
)

MOVES = cases(
    case("lmove", ABC, ["LMOVE", "l", "d", "LEFT", "RIGHT"], ["LMOVE", "l", "d", "right", "left"],
         ["LRANGE", "d", "0", "-1"], ["LMOVE", "l", "d", "LEFT", "LEFT"], ["EXISTS", "l"], ["LRANGE", "d", "0", "-1"], resp3=True),
    case("lmove-missing", ["LMOVE", "l", "d", "LEFT", "RIGHT"], ["RPOPLPUSH", "l", "d"], ["EXISTS", "d"], resp3=True),
    case("lmove-errors", ABC, ["LMOVE", "l", "d", "UP", "LEFT"], ["LMOVE", "l", "d", "LEFT", "DOWN"],
         ["LMOVE", "missing", "d", "UP", "LEFT"], ["LLEN", "l"]),
    case("lmove-same-list", ABC, ["LMOVE", "l", "l", "LEFT", "RIGHT"], ["RPOPLPUSH", "l", "l"], ["LRANGE", "l", "0", "-1"],
         ["RPUSH", "one", "x"], ["EXPIREAT", "one", "4102444800"], ["LMOVE", "one", "one", "LEFT", "RIGHT"],
         ["EXPIRETIME", "one"]),
    case("rpoplpush", ABC, ["RPOPLPUSH", "l", "d"], ["RPOPLPUSH", "l", "d"], ["RPOPLPUSH", "l", "d"], ["EXISTS", "l"],
         ["LRANGE", "d", "0", "-1"]),
    case("lmpop", ["LMPOP", "2", "a", "b", "LEFT"], ["RPUSH", "b", "1", "2", "3"], ["LMPOP", "2", "a", "b", "LEFT"],
         ["LMPOP", "2", "a", "b", "right", "COUNT", "5"], ["EXISTS", "b"], resp3=True),
    case("lmpop-errors", ["LMPOP", "0", "a", "LEFT"], ["LMPOP", "x", "a", "LEFT"], ["LMPOP", "-1", "a", "LEFT"],
         ["LMPOP", "2", "a", "LEFT"], ["LMPOP", "1", "a", "MIDDLE"], ["LMPOP", "1", "a", "LEFT", "COUNT", "0"],
         ["LMPOP", "1", "a", "LEFT", "COUNT", "x"], ["LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"],
         ["LMPOP", "1", "a", "LEFT", "COUNT"], ["LMPOP", "1", "a", "LEFT", "EXTRA"]),
)

WRONG_TYPES = cases(
    case("wrongtype-reads", STRING, ["LLEN", "s"], ["LRANGE", "s", "0", "-1"], ["LINDEX", "s", "0"], ["LINDEX", "s", "x"],
         ["LPOS", "s", "a"], ["LRANGE", "s", "x", "0"]),
    case("wrongtype-writes", STRING, ["LPUSH", "s", "a"], ["RPUSHX", "s", "a"], ["LPOP", "s"], ["RPOP", "s", "0"],
         ["LSET", "s", "0", "a"], ["LSET", "s", "x", "a"], ["LINSERT", "s", "BEFORE", "a", "b"], ["LINSERT", "s", "X", "a", "b"],
         ["LREM", "s", "0", "a"], ["LREM", "s", "x", "a"], ["LTRIM", "s", "0", "1"], ["GET", "s"]),
    case("wrongtype-moves", STRING, ABC, ["LMOVE", "s", "d", "LEFT", "RIGHT"], ["LMOVE", "l", "s", "LEFT", "RIGHT"],
         ["RPOPLPUSH", "l", "s"], ["LLEN", "l"], ["LMPOP", "2", "missing", "s", "LEFT"], ["LMPOP", "2", "l", "s", "LEFT"]),
    case("list-as-string", ABC, ["GET", "l"], ["APPEND", "l", "x"], ["TYPE", "l"]),
)

LIST_COMMANDS = ["lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex", "lset", "linsert",
                 "lrem", "ltrim", "lpos", "lmove", "rpoplpush", "lmpop"]
ARITIES = {"lpush": -3, "rpush": -3, "lpushx": -3, "rpushx": -3, "lpop": -2, "rpop": -2, "llen": 2, "lrange": 4,
           "lindex": 3, "lset": 4, "linsert": 5, "lrem": 4, "ltrim": 4, "lpos": -3, "lmove": 5, "rpoplpush": 3,
           "lmpop": -4}


def _arity_breakers(name, arity):
    needed = abs(arity)
    words = [name, *(f"a{i}" for i in range(needed))]
    broken = [words[:needed - 1]]
    if arity > 0:
        broken.append(words[:needed] + ["extra"])
    return broken


METADATA = cases(
    *(case(f"command-info-{name}", ["COMMAND", "INFO", name]) for name in LIST_COMMANDS),
    case("command-getkeys-lists", ["COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"],
         ["COMMAND", "GETKEYS", "LMOVE", "a", "b", "LEFT", "RIGHT"], ["COMMAND", "GETKEYS", "RPOPLPUSH", "a", "b"],
         ["COMMAND", "GETKEYS", "LPUSH", "k", "v"]),
    *(case(f"arity-{name}", *_arity_breakers(name, arity)) for name, arity in ARITIES.items()),
    case("keys-of-type-list", ABC, STRING, unordered("KEYS", "*"), ["SCAN", "0", "TYPE", "list"]),
)


@pytest.mark.parametrize("script", PUSH_POP + READS)
def test_push_pop_and_reads(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", EDITS + SEARCH)
def test_edits_and_search(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", MOVES + WRONG_TYPES)
def test_moves_and_wrong_types(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", METADATA)
def test_metadata(differ, script):
    differ.check(script)
