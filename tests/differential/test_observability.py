"""Observability: INFO errorstats/commandstats, SLOWLOG, LATENCY HELP, the observability CONFIG
parameters, and DEBUG refused while `enable-debug-command` is off (the default)."""

import re

import pytest

from steps import Step, case, cases, help_text, map_pairs

SLOWLOG_ALL = ["CONFIG", "SET", "slowlog-log-slower-than", "0"]
SLOWLOG_DEFAULT = ["CONFIG", "SET", "slowlog-log-slower-than", "10000"]


def _text_reply(reply):
    if reply[0] in ("bulk", "verbatim") and reply[-1] is not None:
        return reply[-1] if isinstance(reply[-1], bytes) else None
    return None


def commandstats_view(reply):
    """INFO commandstats with the timings masked and the lines sorted (Redis lists them in hash order)."""
    text = _text_reply(reply)
    if text is None:
        return reply
    lines = [re.sub(rb"usec=\d+,usec_per_call=[\d.]+", b"usec=?", line) for line in text.split(b"\r\n") if line]
    return ("info", sorted(lines))


def commandstats(*argv) -> Step:
    return Step(argv, view=commandstats_view, note="usec masked, lines sorted")


def slowlog_view(reply):
    """SLOWLOG GET with the id, time, duration and client address of each entry masked."""
    if reply[0] != "array" or reply[1] is None:
        return reply
    entries = []
    for entry in reply[1]:
        if entry[0] != "array" or len(entry[1]) != 6:
            return reply
        fields = entry[1]
        entries.append((fields[3], fields[5]))
    return ("slowlog", entries)


def slowlog(*argv) -> Step:
    return Step(argv, view=slowlog_view, note="id, timestamp, duration and address masked")


def config_get(*argv) -> Step:
    """CONFIG GET of a pattern: Redis lists the matches in hash order."""
    def view(reply):
        pairs = map_pairs(reply)
        return reply if pairs is None else ("pairs", sorted(pairs, key=repr))
    return Step(["CONFIG", "GET", *argv], view=view, note="pairs unordered")


STATS = cases(
    case("errorstats", ["CONFIG", "RESETSTAT"], ["SET", "s", "v"], ["INCR", "s"], ["LPUSH", "s", "a"], ["NOSUCHCMD", "x"],
         ["GET"], ["INFO", "errorstats"], ["CONFIG", "RESETSTAT"], ["INFO", "errorstats"]),
    case("commandstats", ["CONFIG", "RESETSTAT"], ["SET", "s", "v"], ["GET", "s"], ["GET", "s"], ["INCR", "s"], ["GET"],
         ["HSET", "h", "f", "v"], ["PING"], commandstats("INFO", "commandstats")),
    case("stats-in-multi", ["CONFIG", "RESETSTAT"], ["MULTI"], ["SET", "s", "v"], ["INCR", "s"], ["EXEC"],
         commandstats("INFO", "commandstats"), ["INFO", "errorstats"]),
)

SLOWLOG = cases(
    case("slowlog-get", SLOWLOG_ALL, ["SLOWLOG", "RESET"], ["CLIENT", "SETNAME", "observer"], ["SET", "k", "x" * 200],
         slowlog("SLOWLOG", "GET", "1"), ["RPUSH", "l", *[f"a{i}" for i in range(40)]], slowlog("SLOWLOG", "GET", "1"),
         ["SLOWLOG", "LEN"], ["SLOWLOG", "GET", "-2"], ["SLOWLOG", "GET", "x"], slowlog("SLOWLOG", "GET", "0"),
         SLOWLOG_DEFAULT, ["SLOWLOG", "RESET"], ["SLOWLOG", "LEN"]),
    case("slowlog-max-len", SLOWLOG_ALL, ["CONFIG", "SET", "slowlog-max-len", "2"], ["SLOWLOG", "RESET"],
         ["PING"], ["PING"], ["PING"], ["SLOWLOG", "LEN"], slowlog("SLOWLOG", "GET", "-1"),
         ["CONFIG", "SET", "slowlog-max-len", "128"], SLOWLOG_DEFAULT, ["SLOWLOG", "RESET"]),
    case("slowlog-disabled", ["CONFIG", "SET", "slowlog-log-slower-than", "-1"], ["SLOWLOG", "RESET"], ["PING"],
         ["SLOWLOG", "LEN"], SLOWLOG_DEFAULT),
    case("help", help_text("SLOWLOG", "HELP"), help_text("LATENCY", "HELP"), ["SLOWLOG", "NOPE"], ["LATENCY", "NOPE"]),
)

CONFIG = cases(
    case("config", config_get("slowlog-*"), ["CONFIG", "GET", "latency-monitor-threshold"],
         ["CONFIG", "GET", "latency-tracking"], ["CONFIG", "GET", "latency-tracking-info-percentiles"],
         ["CONFIG", "SET", "slowlog-log-slower-than", "-2"], ["CONFIG", "SET", "slowlog-max-len", "-1"],
         ["CONFIG", "SET", "latency-tracking-info-percentiles", "50 101"], config_get("slowlog-*")),
    case("debug-disabled", ["DEBUG", "SLEEP", "0"], ["DEBUG", "OBJECT", "k"]),
)


@pytest.mark.parametrize("script", cases(STATS, SLOWLOG, CONFIG))
def test_observability(differ, script):
    differ.check(script)
