"""Wrong arity for every command of the foundation slice, and unknown commands.

Arity follows Redis's convention: `n` means exactly n words including the name, `-n` at least n.
Each command is sent one word short (and, for fixed arities, one word long).
"""

import pytest

from steps import case, cases

ARITIES = {
    "get": 2, "set": -3, "setnx": 3, "setex": 4, "psetex": 4, "mget": -2, "mset": -3, "msetnx": -3, "getset": 3,
    "getdel": 2, "getex": -2, "append": 3, "strlen": 2, "getrange": 4, "substr": 4, "setrange": 4, "incr": 2, "decr": 2,
    "incrby": 3, "decrby": 3, "incrbyfloat": 3, "lcs": -3, "del": -2, "unlink": -2, "exists": -2, "type": 2,
    "keys": 2, "scan": -2, "rename": 3, "renamenx": 3, "copy": -3, "touch": -2, "randomkey": 1, "expire": -3,
    "pexpire": -3, "expireat": -3, "pexpireat": -3, "ttl": 2, "pttl": 2, "expiretime": 2, "pexpiretime": 2,
    "persist": 2, "select": 2, "swapdb": 3, "move": 3, "flushdb": -1, "flushall": -1, "dbsize": 1, "ping": -1,
    "echo": 2, "hello": -1, "auth": -2, "reset": 1, "object": -2, "client": -2, "command": -1,
}
SUBCOMMAND_ARITIES = {
    ("object", "encoding"): 3, ("object", "refcount"): 3, ("object", "idletime"): 3, ("object", "freq"): 3,
    ("object", "help"): 2, ("client", "id"): 2, ("client", "setname"): 3, ("client", "getname"): 2,
    ("client", "info"): 2, ("client", "help"): 2, ("command", "count"): 2, ("command", "docs"): -2,
    ("command", "info"): -2, ("command", "help"): 2, ("command", "getkeys"): -3,
}


def _short_and_long(words: list[str], arity: int):
    """Argument lists that break the arity: one word short, and one word long when it is exact."""
    needed = abs(arity)
    filler = [f"a{i}" for i in range(needed + 1)]
    full = (words + filler)[:needed]
    variants = [full[:-1]] if needed > len(words) else []
    if arity > 0:
        variants.append(full + ["extra"])
    return variants


ARITY_CASES = cases(
    *(case(f"arity-{name}", *_short_and_long([name], arity)) for name, arity in ARITIES.items() if _short_and_long([name], arity)),
    *(case(f"arity-{name}-{sub}", *_short_and_long([name, sub], arity)) for (name, sub), arity in SUBCOMMAND_ARITIES.items()),
    case("arity-uppercase-name", ["GET"], ["Get", "a", "b"], resp3=True),
)

UNKNOWN_CASES = cases(
    case("unknown-command", ["NOSUCHCOMMAND"], ["nosuchcommand", "a", "b"], ["FOO", "with space", ""], resp3=True),
    case("unknown-command-empty-name", [""], ["", "x"]),
    case("unknown-command-long-arguments", ["FOO", "x" * 200], ["FOO", *("arg%d" % i for i in range(60))], ["X" * 300]),
    case("unknown-command-control-characters", ["FOO", "a\r\nb"], [b"B\r\nAR", "x"], ["FOO", b"\x00\xff"]),
    case("unknown-command-does-not-break-connection", ["NOPE"], ["SET", "k", "v"], ["GET", "k"]),
    case("unknown-subcommand", ["OBJECT", "nope"], ["CLIENT", "nope", "a"], ["COMMAND", "nope"], ["CLIENT", "x" * 200]),
    case("subcommand-of-plain-command", ["GET|x", "k"], ["object|encoding", "k"], ["client|id"]),
)


@pytest.mark.parametrize("script", ARITY_CASES)
def test_arity(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", UNKNOWN_CASES)
def test_unknown_commands(differ, script):
    differ.check(script)
