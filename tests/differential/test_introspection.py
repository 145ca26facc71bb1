"""COMMAND (COUNT, INFO, GETKEYS, DOCS) and OBJECT (ENCODING, REFCOUNT, IDLETIME, FREQ, HELP)."""

import pytest

from steps import Step, map_pairs, approx, case, cases, help_text, prerequisite, shape

NON_STRING = prerequisite("LPUSH", "list", "x")

# Commands whose COMMAND INFO is the same in Redis 7.0 and 7.2 (checked against both command tables).
SAME_INFO_IN_7_0_AND_7_2 = [
    "get", "set", "mget", "getset", "getdel", "getex", "append", "strlen", "getrange", "setrange", "incr",
    "decr", "incrby", "decrby", "incrbyfloat", "lcs", "del", "unlink", "exists", "type", "keys", "rename",
    "renamenx", "copy", "touch", "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "expiretime",
    "pexpiretime", "persist", "select", "swapdb", "move", "flushdb", "flushall", "dbsize", "ping", "echo",
    "hello", "quit", "reset", "auth", "setnx", "setex", "psetex", "mset", "object|encoding", "client|id",
    "client|getname", "command|info",
]
# 7.2 changed these commands' tips (MSETNX, SCAN, RANDOMKEY, CLIENT SETNAME); they are compared
# without the tips field, which 7.0 cannot tell us in 7.2's form.
TIPS_CHANGED_IN_7_2 = ["msetnx", "scan", "randomkey", "client|setname"]
INFO_TIPS_INDEX = 7


def _without_tips(reply):
    if reply[0] != "array" or not reply[1]:
        return reply
    return ("array", [entry if entry[0] != "array" or entry[1] is None else
                      ("array", [field for i, field in enumerate(entry[1]) if i != INFO_TIPS_INDEX])
                      for entry in reply[1]])


def _without_subcommands(reply):
    if reply[0] != "array" or not reply[1] or reply[1][0][0] != "array" or reply[1][0][1] is None:
        return reply
    return ("array", [("array", reply[1][0][1][:INFO_TIPS_INDEX + 2])])


DOC_FIELDS = {b"summary", b"since", b"group", b"complexity", b"arguments", b"history", b"doc_flags", b"deprecated_since",
              b"replaced_by", b"subcommands", b"name", b"type", b"key_spec_index", b"token", b"flags", b"display_text"}


def _docs_view(reply):
    """COMMAND DOCS without what 7.2 rewrote: every `summary` text, and the `display_text` that
    7.2 added to arguments. RESP2 flat maps are recognised by their field names."""
    kind = reply[0]
    if kind in ("array", "map") and reply[1] is not None:
        pairs = map_pairs(reply) if kind == "map" or _looks_like_flat_map(reply[1]) else None
        if pairs is not None:
            kept = [(k, ("masked",) if k[1] == b"summary" else _docs_view(v)) for k, v in pairs if k[1] != b"display_text"]
            return ("doc-map", kept)
        return (kind, [_docs_view(item) for item in reply[1]])
    return reply


def _looks_like_flat_map(items) -> bool:
    keys = items[0::2]
    return len(items) % 2 == 0 and bool(keys) and all(k[0] == "bulk" and k[1] in DOC_FIELDS for k in keys)


def docs(*names) -> Step:
    return Step(["COMMAND", "DOCS", *names], view=_docs_view, note="summary and display_text ignored (7.2 rewrote them)")


COMMAND = cases(
    case("command-count", shape("COMMAND", "COUNT"), resp3=True),
    case("command-count-arity", ["COMMAND", "COUNT", "x"]),
    *(case(f"command-info-{name}", ["COMMAND", "INFO", name]) for name in SAME_INFO_IN_7_0_AND_7_2),
    *(case(f"command-info-{name}", Step(["COMMAND", "INFO", name], view=_without_tips, note="tips ignored"))
      for name in TIPS_CHANGED_IN_7_2),
    case("command-info-get-set", ["COMMAND", "INFO", "get", "set"], only_resp3=True),
    case("command-info-several", ["COMMAND", "INFO", "get", "nosuchcommand", "SET", "GET"]),
    case("command-info-container", Step(["COMMAND", "INFO", "client"], view=_without_subcommands,
                                        note="subcommands ignored (hash-ordered; 7.2 adds some)")),
    case("command-info-unknown", ["COMMAND", "INFO", "nosuchcommand"], ["COMMAND", "INFO", "client|nosuch"]),
    case("command-getkeys", ["COMMAND", "GETKEYS", "SET", "k", "v"], ["COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"],
         ["COMMAND", "GETKEYS", "get", "k"], ["COMMAND", "GETKEYS", "RENAME", "a", "b"], ["COMMAND", "GETKEYS", "DEL", "a", "b", "c"],
         ["COMMAND", "GETKEYS", "LCS", "a", "b"], ["COMMAND", "GETKEYS", "COPY", "a", "b", "DB", "1"], ["COMMAND", "GETKEYS", "OBJECT", "ENCODING", "k"],
         resp3=True),
    case("command-getkeys-errors", ["COMMAND", "GETKEYS", "NOSUCH", "k"], ["COMMAND", "GETKEYS", "PING", "x"],
         ["COMMAND", "GETKEYS", "GET", "a", "b"], ["COMMAND", "GETKEYS", "MSET", "a", "1", "b"], ["COMMAND", "GETKEYS", "SET", "k"]),
    # The argument trees and histories follow 7.2; these commands' are the same in 7.0 (LCS's and
    # HSET's are not: 7.2 renamed some of their arguments).
    case("command-docs-get", docs("get")),
    case("command-docs-several", docs("getex", "expire", "copy", "lpos", "monitor")),
    case("command-docs-set", docs("set"), resp3=True),
    case("command-docs-unknown", ["COMMAND", "DOCS", "nosuchcommand"]),
    case("command-unknown-subcommand", ["COMMAND", "NOPE"], ["COMMAND", "INFOO", "get"]),
    case("command-subcommand-arity", ["COMMAND", "GETKEYS"]),
)

OBJECT = cases(
    case("object-encoding-int", ["SET", "k", "12345"], ["OBJECT", "ENCODING", "k"], ["SET", "k", "-9223372036854775808"],
         ["OBJECT", "ENCODING", "k"], ["SET", "k", "9223372036854775807"], ["OBJECT", "ENCODING", "k"], resp3=True),
    case("object-encoding-not-int", ["SET", "k", "9223372036854775808"], ["OBJECT", "ENCODING", "k"], ["SET", "k", "007"],
         ["OBJECT", "ENCODING", "k"], ["SET", "k", "-0"], ["OBJECT", "ENCODING", "k"], ["SET", "k", " 1"], ["OBJECT", "ENCODING", "k"],
         ["SET", "k", "1.5"], ["OBJECT", "ENCODING", "k"]),
    case("object-encoding-embstr-raw", ["SET", "k", "x" * 44], ["OBJECT", "ENCODING", "k"], ["SET", "k", "x" * 45], ["OBJECT", "ENCODING", "k"],
         ["SET", "k", ""], ["OBJECT", "ENCODING", "k"]),
    case("object-encoding-after-writes", ["SET", "k", "abc"], ["APPEND", "k", "d"], ["OBJECT", "ENCODING", "k"],
         ["SET", "j", "abc"], ["SETRANGE", "j", "0", "x"], ["OBJECT", "ENCODING", "j"],
         ["SET", "n", "10"], ["INCR", "n"], ["OBJECT", "ENCODING", "n"], ["INCRBYFLOAT", "f", "1.5"], ["OBJECT", "ENCODING", "f"],
         ["APPEND", "a", "12"], ["OBJECT", "ENCODING", "a"], ["INCRBYFLOAT", "g", "2"], ["OBJECT", "ENCODING", "g"],
         ["MSET", "m", "123"], ["OBJECT", "ENCODING", "m"], ["GETSET", "gs", "456"], ["OBJECT", "ENCODING", "gs"]),
    case("object-encoding-copy-rename", ["SET", "k", "123"], ["COPY", "k", "c"], ["OBJECT", "ENCODING", "c"], ["RENAME", "k", "r"],
         ["OBJECT", "ENCODING", "r"], ["SET", "s", "x" * 50], ["COPY", "s", "t"], ["OBJECT", "ENCODING", "t"]),
    case("object-encoding-missing", ["OBJECT", "ENCODING", "nokey"], resp3=True),
    case("object-encoding-list", NON_STRING, shape("OBJECT", "ENCODING", "list", note="list encoding is 7.0 vs 7.2 specific")),
    case("object-refcount", ["SET", "small", "100"], ["OBJECT", "REFCOUNT", "small"], ["SET", "big", "100000"], ["OBJECT", "REFCOUNT", "big"],
         ["SET", "s", "abc"], ["OBJECT", "REFCOUNT", "s"], ["OBJECT", "REFCOUNT", "nokey"]),
    case("object-idletime", ["SET", "k", "v"], approx("OBJECT", "IDLETIME", "k", tolerance=1), ["OBJECT", "IDLETIME", "nokey"]),
    case("object-freq-needs-lfu", ["SET", "k", "v"], ["OBJECT", "FREQ", "k"], ["OBJECT", "FREQ", "nokey"]),
    case("object-freq-lfu", prerequisite("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"), ["SET", "k", "v"],
         shape("OBJECT", "FREQ", "k"), ["OBJECT", "IDLETIME", "k"], ["OBJECT", "FREQ", "nokey"],
         ["CONFIG", "SET", "maxmemory-policy", "noeviction"]),
    case("object-help", help_text("OBJECT", "HELP"), resp3=True),
    case("command-help", help_text("COMMAND", "HELP")),
    case("object-errors", ["OBJECT"], ["OBJECT", "NOPE", "k"], ["OBJECT", "ENCODING"], ["OBJECT", "ENCODING", "a", "b"],
         ["OBJECT", "REFCOUNT"], ["OBJECT", "HELP", "x"], ["OBJECT", "encoding", "nokey"]),
)


@pytest.mark.parametrize("script", COMMAND)
def test_command(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", OBJECT)
def test_object(differ, script):
    differ.check(script)
