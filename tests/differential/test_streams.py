"""Stream commands: XADD XLEN XRANGE XREVRANGE XDEL XTRIM XREAD XGROUP XREADGROUP XACK XPENDING XCLAIM
XAUTOCLAIM XINFO XSETID, their errors, and their COMMAND INFO.

IDs are explicit wherever a reply would show them (`*` takes the server's clock); idle times and
delivery times are compared by shape only. Not compared: XREAD's `+` ID (Redis 7.4; 7.0 refuses it),
`COMMAND DOCS` (argument trees and history are not in the command table), and BLOCK that would
wait (the oracle would really wait).
"""

import pytest

from steps import Step, case, cases, help_text, shape

STRING = ["SET", "str", "v"]


def fill(key, n, start=1):
    return [["XADD", key, f"{i}-0", "f", str(i)] for i in range(start, start + n)]


FOUR = fill("s", 4)
GROUP = [*FOUR, ["XGROUP", "CREATE", "s", "g", "0"]]

ADD_AND_RANGE = cases(
    case("xadd-ids", ["XADD", "s", "5-1", "a", "1"], ["XADD", "s", "5-*", "a", "2"], ["XADD", "s", "7", "a", "3"],
         ["XADD", "s", "9-*", "a", "4"], ["XADD", "z", "0-*", "a", "1"], ["XRANGE", "s", "-", "+"], ["XLEN", "s"],
         resp3=True),
    case("xadd-auto-id", shape("XADD", "s", "*", "a", "1"), ["XLEN", "s"]),
    case("xadd-errors", ["XADD", "s", "5-5", "a", "1"], ["XADD", "s", "5-5", "a", "1"], ["XADD", "s", "4", "a", "1"],
         ["XADD", "s", "5-*", "a", "1"], ["XADD", "s", "0-0", "a", "1"], ["XADD", "n", "0", "a", "1"], ["EXISTS", "n"],
         ["XADD", "s", "5-x", "a", "1"], ["XADD", "s", "1-2-3", "a", "1"], ["XADD", "s", "18446744073709551616", "a", "1"],
         ["XADD", "s", "*", "a"], ["XADD", "s", "*", "a", "1", "b"], ["XADD", "s", "a", "b", "c"]),
    case("xadd-exhausted", ["XADD", "s", "18446744073709551615-18446744073709551615", "a", "1"],
         ["XADD", "s", "*", "a", "1"], ["XADD", "s", "18446744073709551615-*", "a", "1"]),
    case("xadd-options", ["XADD", "s", "NOMKSTREAM", "*", "a", "1"], ["EXISTS", "s"], ["XADD", "s", "1", "a", "1"],
         ["XADD", "s", "nomkstream", "2", "a", "1"], ["XADD", "s", "MAXLEN", "-1", "3", "a", "1"],
         ["XADD", "s", "MAXLEN", "x", "3", "a", "1"], ["XADD", "s", "MINID", "x", "3", "a", "1"],
         ["XADD", "s", "MAXLEN", "1", "MINID", "1", "3", "a", "1"], ["XADD", "s", "LIMIT", "5", "3", "a", "1"],
         ["XADD", "s", "MAXLEN", "5", "LIMIT", "5", "3", "a", "1"], ["XADD", "s", "MAXLEN", "=", "5", "LIMIT", "0", "3", "a", "1"],
         ["XADD", "s", "LIMIT", "-1", "3", "a", "1"], ["XADD", "s", "LIMIT", "0", "3", "a", "1"], ["XLEN", "s"]),
    case("xadd-trims", *fill("s", 5), ["XADD", "s", "MAXLEN", "2", "6", "f", "6"], ["XRANGE", "s", "-", "+"],
         ["XADD", "s", "MINID", "=", "6", "7", "f", "7"], ["XADD", "s", "MAXLEN", "0", "8", "f", "8"], ["XLEN", "s"],
         ["EXISTS", "s"], ["XINFO", "STREAM", "s"]),
    case("xrange", *FOUR, ["XRANGE", "s", "2", "3"], ["XRANGE", "s", "(2-0", "+"], ["XRANGE", "s", "-", "(2-0"],
         ["XRANGE", "s", "-", "+", "COUNT", "1"], ["XRANGE", "s", "3", "2"], ["XREVRANGE", "s", "+", "-", "COUNT", "2"],
         ["XREVRANGE", "s", "(4", "(1"], ["XREVRANGE", "s", "(4-0", "(1-0"], ["XRANGE", "s", "-", "+", "COUNT", "0"],
         ["XRANGE", "s", "-", "+", "COUNT", "-3"], ["XRANGE", "nokey", "-", "+", "COUNT", "0"], ["XRANGE", "nokey", "-", "+"],
         resp3=True),
    case("xrange-errors", *FOUR, ["XRANGE", "s", "-", "+", "COUNT"], ["XRANGE", "s", "-", "+", "LIMIT", "1"],
         ["XRANGE", "s", "-", "+", "COUNT", "x"], ["XRANGE", "s", "(-", "+"], ["XRANGE", "s", "(", "+"],
         ["XRANGE", "s", "x", "+"], ["XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"],
         ["XRANGE", "s", "-", "(0-0"], ["XRANGE", "s"]),
    case("xdel", *fill("s", 3), ["XDEL", "s", "2-0", "2-0", "9-0"], ["XDEL", "s", "1", "x"], ["XLEN", "s"],
         ["XDEL", "nokey", "x"], ["XDEL", "s", "1-0", "3-0"], ["XINFO", "STREAM", "s"], ["XADD", "s", "2", "f", "v"]),
)

TRIMMING = cases(
    case("xtrim-nodes", *fill("s", 350), ["XINFO", "STREAM", "s"], ["XTRIM", "s", "MAXLEN", "~", "120"],
         ["XTRIM", "s", "MAXLEN", "~", "10", "LIMIT", "50"], ["XTRIM", "s", "MAXLEN", "~", "10", "LIMIT", "200"],
         ["XLEN", "s"], ["XTRIM", "s", "MINID", "~", "320"], ["XTRIM", "s", "MINID", "320"],
         ["XRANGE", "s", "-", "+", "COUNT", "1"], ["XINFO", "STREAM", "s"], ["XTRIM", "s", "MAXLEN", "=", "1"],
         ["XINFO", "STREAM", "s"]),
    case("xtrim-big-entries",
         *[["XADD", "b", f"{i}-0", "field-number-one", "x" * 60, "second-field", f"value-{i}"] for i in range(1, 251)],
         ["XINFO", "STREAM", "b"], ["XTRIM", "b", "MAXLEN", "~", "50"], ["XLEN", "b"], ["XINFO", "STREAM", "b"]),
    case("xtrim-errors", *fill("s", 2), ["XTRIM", "s", "FOO", "1"], ["XTRIM", "nokey", "FOO", "1"],
         ["XTRIM", "nokey", "MAXLEN", "1"], ["XTRIM", "s", "LIMIT", "1", "x"], ["XTRIM", "s", "MAXLEN", "1", "LIMIT", "1"],
         ["XTRIM", "s", "MAXLEN", "1", "foo"], ["XTRIM", "s", "MAXLEN"], ["XLEN", "s"]),
)

READS = cases(
    case("xread", *fill("a", 3), *fill("b", 1), ["XREAD", "COUNT", "2", "STREAMS", "a", "0"],
         ["XREAD", "STREAMS", "a", "2-0"], ["XREAD", "STREAMS", "a", "$"], ["XREAD", "STREAMS", "a", "3"],
         ["XREAD", "STREAMS", "nokey", "0"], ["XREAD", "COUNT", "1", "STREAMS", "nokey", "a", "b", "0", "0", "0"],
         ["XREAD", "COUNT", "-1", "STREAMS", "a", "0"], ["XREAD", "BLOCK", "0", "STREAMS", "a", "0"], resp3=True),
    case("xread-errors", *fill("a", 1), ["XREAD", "STREAMS", "a", "a", "0"], ["XREAD", "COUNT", "1", "a", "0"],
         ["XREAD", "STREAMS", "a", "x"], ["XREAD", "COUNT", "x", "STREAMS", "a", "0"],
         ["XREAD", "BLOCK", "x", "STREAMS", "a", "0"], ["XREAD", "BLOCK", "-1", "STREAMS", "a", "0"],
         ["XREAD", "STREAMS", "a", ">"], ["XREAD", "GROUP", "g", "c", "STREAMS", "a", "0"],
         ["XREAD", "NOACK", "STREAMS", "a", "0"], ["XREADGROUP", "COUNT", "1", "STREAMS", "a", "b", ">", ">"],
         ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "a", ">"]),
    case("xreadgroup", *GROUP, ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"],
         ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"], ["XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", ">"],
         ["XINFO", "GROUPS", "s"], ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"],
         ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", "1"], ["XDEL", "s", "1-0"],
         ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"], ["XREADGROUP", "GROUP", "g", "dave", "STREAMS", "s", "0"],
         ["XPENDING", "s", "g"], resp3=True),
    case("xreadgroup-errors", *GROUP, STRING, ["XREADGROUP", "GROUP", "nog", "c", "STREAMS", "s", ">"],
         ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "nokey", ">"], ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"],
         ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "x"], ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "str", ">"],
         ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "NOACK", "STREAMS", "s", "0"]),
    case("xreadgroup-noack", *GROUP, ["XREADGROUP", "GROUP", "g", "alice", "NOACK", "STREAMS", "s", ">"],
         ["XPENDING", "s", "g"], ["XINFO", "GROUPS", "s"]),
    case("entries-read-and-lag", *GROUP, ["XINFO", "GROUPS", "s"],
         ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"], ["XINFO", "GROUPS", "s"],
         ["XDEL", "s", "3-0"], ["XINFO", "GROUPS", "s"], ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"],
         ["XINFO", "GROUPS", "s"], ["XADD", "s", "5-0", "f", "5"], ["XGROUP", "CREATE", "s", "late", "4-0"],
         ["XGROUP", "CREATE", "s", "early", "0", "ENTRIESREAD", "2"], ["XINFO", "GROUPS", "s"],
         ["XGROUP", "SETID", "s", "g", "0"], ["XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">"],
         ["XINFO", "GROUPS", "s"], ["XDEL", "s", "1-0", "2-0", "4-0", "5-0"], ["XINFO", "GROUPS", "s"],
         ["XSETID", "s", "10-0", "ENTRIESADDED", "100", "MAXDELETEDID", "9-0"], ["XINFO", "GROUPS", "s"], resp3=True),
)

GROUPS = cases(
    case("xgroup", ["XGROUP", "CREATE", "s", "g", "$"], ["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
         ["XLEN", "s"], ["XGROUP", "CREATE", "s", "g", "0"], ["XGROUP", "CREATE", "s", "g2", "x"],
         ["XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "-2"], ["XGROUP", "CREATE", "s", "g2", "0", "FOO"],
         ["XGROUP", "CREATE", "s", "g3", "0", "MKSTREAM", "ENTRIESREAD", "1", "extra"],
         ["XGROUP", "SETID", "s", "nog", "0"], ["XGROUP", "SETID", "nokey", "g", "0"],
         ["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD"], ["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "3", "a", "b"],
         ["XGROUP", "SETID", "s", "g", "5-5", "ENTRIESREAD", "3"], ["XGROUP", "SETID", "s", "g", "-"], ["XINFO", "GROUPS", "s"],
         ["XGROUP", "CREATECONSUMER", "s", "g", "alice"], ["XGROUP", "CREATECONSUMER", "s", "g", "alice"],
         ["XGROUP", "CREATECONSUMER", "s", "nog", "alice"], ["XGROUP", "DELCONSUMER", "s", "g", "bob"],
         ["XGROUP", "DELCONSUMER", "s", "g", "alice"], ["XGROUP", "DESTROY", "s", "g"], ["XGROUP", "DESTROY", "s", "g"],
         ["XGROUP", "DESTROY", "nokey", "g"], ["XGROUP", "FOO", "s", "g"], ["XGROUP", "CREATE", "s"], ["XGROUP"]),
    case("xgroup-help", help_text("XGROUP", "HELP"), help_text("XINFO", "HELP")),
    case("xack-xpending", *GROUP, ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", ">"],
         ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"], ["XPENDING", "s", "g"],
         shape("XPENDING", "s", "g", "-", "+", "10"), shape("XPENDING", "s", "g", "IDLE", "0", "(1-0", "+", "10"),
         shape("XPENDING", "s", "g", "-", "+", "1", "bob"), ["XPENDING", "s", "g", "-", "+", "10", "nobody"],
         ["XPENDING", "s", "g", "-", "+", "0"], ["XPENDING", "s", "g", "-", "+"], ["XPENDING", "s", "g", "IDLE", "10", "-", "+"],
         ["XPENDING", "s", "g", "-", "+", "x"], ["XPENDING", "s", "g", "IDLE", "x", "-", "+", "10"],
         ["XPENDING", "s", "nog"], ["XPENDING", "nokey", "g"], ["XACK", "s", "g", "1-0", "1-0", "9-0"],
         ["XACK", "s", "g", "2", "x"], ["XACK", "s", "nog", "x"], ["XACK", "s", "g", "2", "3", "4"], ["XPENDING", "s", "g"],
         resp3=True),
    case("xclaim", *GROUP, ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"],
         ["XCLAIM", "s", "g", "bob", "3600000", "1-0"], ["XCLAIM", "s", "g", "bob", "0", "1-0", "2-0"],
         ["XCLAIM", "s", "g", "bob", "0", "3-0", "JUSTID", "RETRYCOUNT", "7", "IDLE", "250"],
         ["XCLAIM", "s", "g", "bob", "0", "9-0"], ["XACK", "s", "g", "4-0"],
         ["XCLAIM", "s", "g", "carol", "0", "4-0", "FORCE", "JUSTID"], ["XDEL", "s", "2-0"],
         ["XCLAIM", "s", "g", "carol", "0", "2-0"], ["XPENDING", "s", "g"],
         ["XCLAIM", "s", "g", "carol", "0", "1-0", "LASTID", "10-0", "JUSTID"], ["XINFO", "GROUPS", "s"],
         shape("XINFO", "CONSUMERS", "s", "g")),
    case("xclaim-errors", *GROUP, STRING, ["XCLAIM", "s", "nog", "c", "0", "1"], ["XCLAIM", "nokey", "g", "c", "0", "1"],
         ["XCLAIM", "s", "g", "c", "x", "1"], ["XCLAIM", "s", "g", "c", "0", "1", "IDLE", "x"],
         ["XCLAIM", "s", "g", "c", "0", "1", "TIME", "x"], ["XCLAIM", "s", "g", "c", "0", "1", "RETRYCOUNT", "x"],
         ["XCLAIM", "s", "g", "c", "0", "1", "LASTID", "x"], ["XCLAIM", "s", "g", "c", "0", "1", "BOGUS"],
         ["XCLAIM", "s", "g", "c", "0", "1", "IDLE"], ["XCLAIM", "str", "g", "c", "0", "1"]),
    case("xautoclaim", *GROUP, ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"],
         ["XAUTOCLAIM", "s", "g", "bob", "0", "0", "COUNT", "1"], ["XAUTOCLAIM", "s", "g", "bob", "0", "(1-0", "COUNT", "2", "JUSTID"],
         ["XDEL", "s", "4-0"], ["XAUTOCLAIM", "s", "g", "bob", "0", "4-0"], ["XAUTOCLAIM", "s", "g", "carol", "3600000", "0"],
         ["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"], ["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "x"],
         ["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT"], ["XAUTOCLAIM", "s", "g", "c", "0", "0", "FOO"],
         ["XAUTOCLAIM", "s", "g", "c", "x", "0"], ["XAUTOCLAIM", "s", "g", "c", "0", "x"],
         ["XAUTOCLAIM", "s", "nog", "c", "0", "0"], ["XAUTOCLAIM", "nokey", "g", "c", "0", "0"], ["XPENDING", "s", "g"]),
)

INFO = cases(
    case("xinfo", *GROUP, ["XINFO", "STREAM", "s"], ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"],
         shape("XINFO", "CONSUMERS", "s", "g"), shape("XINFO", "STREAM", "s", "FULL"),
         ["XINFO", "STREAM", "nokey"], ["XINFO", "CONSUMERS", "s", "nog"], ["XINFO", "STREAM", "s", "FULL", "COUNT", "x"],
         ["XINFO", "STREAM", "s", "FOO"], ["XINFO", "STREAM", "s", "FULL", "COUNT"], ["XINFO", "GROUPS", "nokey"],
         ["XINFO", "FOO", "s"], resp3=True),
    case("xinfo-empty", ["XGROUP", "CREATE", "e", "g", "0", "MKSTREAM"], ["XINFO", "STREAM", "e"],
         ["XINFO", "STREAM", "e", "FULL"], ["XINFO", "GROUPS", "e"], ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "e", "0"],
         ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "e", ">"], ["XREAD", "STREAMS", "e", "0"], resp3=True),
    case("xsetid", *fill("s", 3), ["XSETID", "s", "2-0"], ["XSETID", "s", "10-0", "ENTRIESADDED", "2"],
         ["XSETID", "s", "10-0", "ENTRIESADDED", "-1"], ["XSETID", "s", "10-0", "MAXDELETEDID", "11-0"],
         ["XSETID", "s", "10-0", "FOO", "1"], ["XSETID", "s", "10-0", "ENTRIESADDED"], ["XSETID", "nokey", "1-0"],
         ["XSETID", "s", "10-0", "ENTRIESADDED", "50", "MAXDELETEDID", "9-0"], ["XINFO", "STREAM", "s"],
         ["XSETID", "s", "8-0"], ["XADD", "s", "10-*", "f", "v"]),
)

def _subcommands_sorted(reply):
    """COMMAND INFO of a container with its subcommands in name order: Redis lists them in its
    dictionary's (per-process random) order."""
    if reply[0] != "array" or not reply[1]:
        return reply
    info = list(reply[1][0][1])
    info[9] = (info[9][0], sorted(info[9][1], key=repr))
    return ("array", [("array", info)])


STREAM_COMMANDS = ["xadd", "xlen", "xrange", "xrevrange", "xdel", "xtrim", "xread", "xreadgroup", "xack", "xpending",
                   "xclaim", "xautoclaim", "xsetid", "xgroup", "xinfo"]

WRONG_TYPES = [
    ["XADD", "str", "*", "a", "1"], ["XLEN", "str"], ["XRANGE", "str", "-", "+"], ["XREVRANGE", "str", "+", "-"],
    ["XDEL", "str", "x"], ["XTRIM", "str", "MAXLEN", "1"], ["XREAD", "STREAMS", "str", "0"], ["XACK", "str", "g", "1"],
    ["XPENDING", "str", "g"], ["XAUTOCLAIM", "str", "g", "c", "0", "0"], ["XSETID", "str", "1"],
    ["XGROUP", "CREATE", "str", "g", "0", "MKSTREAM"], ["XGROUP", "DESTROY", "str", "g"], ["XINFO", "STREAM", "str"],
    ["XINFO", "GROUPS", "str"], ["XINFO", "CONSUMERS", "str", "g"],
]

METADATA = cases(
    *(case(f"command-info-{name}", ["COMMAND", "INFO", name]) for name in STREAM_COMMANDS if name not in ("xgroup", "xinfo")),
    *(case(f"command-info-{name}", Step(["COMMAND", "INFO", name], view=_subcommands_sorted, note="subcommands sorted"))
      for name in ("xgroup", "xinfo")),
    case("command-getkeys-streams", ["COMMAND", "GETKEYS", "XREAD", "COUNT", "1", "STREAMS", "a", "b", "0", "0"],
         ["COMMAND", "GETKEYS", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "b", ">", ">"],
         ["COMMAND", "GETKEYS", "XADD", "s", "*", "a", "1"], ["COMMAND", "GETKEYS", "XGROUP", "CREATE", "s", "g", "0"],
         ["COMMAND", "GETKEYS", "XINFO", "STREAM", "s"]),
    case("wrong-types", STRING, *WRONG_TYPES, ["GET", "str"]),
)


@pytest.mark.parametrize("script", ADD_AND_RANGE + TRIMMING)
def test_add_range_and_trim(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", READS)
def test_reads(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", GROUPS + INFO)
def test_groups_and_info(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", METADATA)
def test_metadata(differ, script):
    differ.check(script)
