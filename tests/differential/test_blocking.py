"""Blocking commands where one connection can observe them: served at once when data is there,
timing out (short timeouts), acting as if timed out inside MULTI, their errors and COMMAND INFO.
Being woken by another client is covered by the engine, server, Python and Node suites."""

import pytest

from steps import case, cases

LIST = ["RPUSH", "l", "a", "b", "c"]
ZSET = ["ZADD", "z", "1", "one", "2", "two", "3", "three"]
STRING = ["SET", "s", "v"]

SERVED_AT_ONCE = cases(
    case("blpop-brpop", LIST, ["BLPOP", "missing", "l", "0"], ["BRPOP", "l", "0"], ["LRANGE", "l", "0", "-1"], resp3=True),
    case("blmove-brpoplpush", LIST, ["BLMOVE", "l", "d", "LEFT", "RIGHT", "0"], ["BRPOPLPUSH", "l", "d", "0"],
         ["LRANGE", "d", "0", "-1"]),
    case("blmpop", LIST, ["BLMPOP", "0", "2", "x", "l", "RIGHT", "COUNT", "2"], ["BLMPOP", "0", "1", "l", "LEFT"],
         ["EXISTS", "l"], resp3=True),
    case("bzpop", ZSET, ["BZPOPMIN", "z", "0"], ["BZPOPMAX", "missing", "z", "0"], ["ZRANGE", "z", "0", "-1"], resp3=True),
    case("bzmpop", ZSET, ["BZMPOP", "0", "1", "z", "MAX", "COUNT", "2"], ["BZMPOP", "0", "1", "z", "MIN"], resp3=True),
)

TIMEOUTS = cases(
    case("short-timeouts", ["BLPOP", "q", "0.01"], ["BRPOP", "q", "0.01"], ["BLMOVE", "q", "d", "LEFT", "LEFT", "0.01"],
         ["BRPOPLPUSH", "q", "d", "0.01"], ["BLMPOP", "0.01", "1", "q", "LEFT"], ["BZPOPMIN", "q", "0.01"],
         ["BZMPOP", "0.01", "1", "q", "MIN"], resp3=True),
    case("inside-multi", ["MULTI"], ["BLPOP", "q", "0"], ["BLMOVE", "q", "d", "LEFT", "LEFT", "0"],
         ["BZPOPMIN", "q", "0"], ["BLMPOP", "0", "1", "q", "LEFT"], ["EXEC"], resp3=True),
)

ERRORS = cases(
    # Not compared: a timeout too large for milliseconds (`1e400`), where 7.0 overflows into
    # "timeout is negative" and 7.2, followed here, says "timeout is out of range".
    case("bad-timeouts", ["BLPOP", "q", "-1"], ["BLPOP", "q", "x"], ["BLMOVE", "q", "d", "LEFT", "LEFT", "-0.5"],
         ["BZPOPMIN", "q", "nan"], ["BLMPOP", "x", "1", "q", "LEFT"]),
    case("bad-options", ["BLMOVE", "q", "d", "UP", "LEFT", "0"], ["BLMPOP", "0", "0", "q", "LEFT"],
         ["BLMPOP", "0", "2", "q", "LEFT"], ["BZMPOP", "0", "1", "q", "SIDEWAYS"], ["BZMPOP", "0", "1", "q", "MIN", "COUNT", "0"]),
    case("wrong-types", STRING, ["BLPOP", "s", "0"], ["BLMOVE", "s", "d", "LEFT", "LEFT", "0"], ["BZPOPMIN", "s", "0"],
         ["BLMPOP", "0", "1", "s", "LEFT"]),
)

BLOCKING_COMMANDS = ["blpop", "brpop", "blmove", "brpoplpush", "blmpop", "bzpopmin", "bzpopmax", "bzmpop"]

METADATA = cases(
    *(case(f"command-info-{name}", ["COMMAND", "INFO", name]) for name in BLOCKING_COMMANDS),
    case("command-getkeys-blocking", ["COMMAND", "GETKEYS", "BLPOP", "a", "b", "0"],
         ["COMMAND", "GETKEYS", "BLMPOP", "0", "2", "a", "b", "LEFT"], ["COMMAND", "GETKEYS", "BZMPOP", "1", "1", "z", "MIN"]),
)


@pytest.mark.parametrize("script", SERVED_AT_ONCE + TIMEOUTS)
def test_blocking_without_waiting_on_others(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", ERRORS + METADATA)
def test_blocking_errors_and_metadata(differ, script):
    differ.check(script)


WAIT_AND_ROLE = cases(
    case("wait-without-replicas", ["WAIT", "0", "0"], ["WAIT", "-1", "0"], ["WAIT", "1", "20"], ["WAIT", "1", "-5"],
         ["WAIT", "1", "x"], ["WAIT", "x", "0"], ["ROLE"], resp3=True),
    case("command-info-wait-role", ["COMMAND", "INFO", "wait", "role"]),
)


@pytest.mark.parametrize("script", WAIT_AND_ROLE)
def test_wait_and_role(differ, script):
    differ.check(script)
