"""Functions: FUNCTION LOAD LIST DELETE FLUSH DUMP RESTORE STATS KILL HELP, FCALL and FCALL_RO;
library payloads carried across servers; BUSY, SCRIPT KILL and FUNCTION KILL over the network.

FLUSHALL leaves libraries in place, so every case starts with FUNCTION FLUSH. Cases load one
library at a time where FUNCTION LIST's order (a hash table's in Redis) would show.
"""

import time

import pytest

from resp_client import encode_command
from steps import Script, as_step, case, cases, help_text, shape

FLUSH = ["FUNCTION", "FLUSH"]

LIB = """#!lua name=lib
local function echo(keys, args) return {keys, args} end
redis.register_function('echo', echo)
redis.register_function{function_name='get', callback=function(keys) return redis.call('GET', keys[1]) end,
  flags={'no-writes'}, description='reads a key'}
redis.register_function{function_name='set', callback=function(keys, args) return redis.call('SET', keys[1], args[1]) end,
  flags={'allow-oom', 'ALLOW-STALE', 'no-cluster', 'allow-cross-slot-keys'}}
redis.register_function('keys', function() return KEYS end)
redis.register_function('boom', function() error('boom') end)
redis.register_function('unknown', function() return redis.call('nosuch') end)
redis.register_function('version', function() return redis.REDIS_VERSION ~= nil end)
redis.register_function('resp3', function() redis.setresp(3) return redis.call('HGETALL', 'h') end)
redis.register_function('log', function() redis.log(redis.LOG_DEBUG, 'quiet') return 'logged' end)
"""

# One function per library where FUNCTION LIST shows it: Redis lists functions in hash order.
LISTED = """#!lua name=lib
redis.register_function{function_name='get', callback=function(keys) return redis.call('GET', keys[1]) end,
  flags={'no-writes', 'allow-cross-slot-keys', 'ALLOW-OOM'}, description='reads a key'}
"""

WRITER = """#!lua name=writer
redis.register_function{function_name='w', callback=function() return redis.call('SET', 'a', 'b') end, flags={'no-writes'}}
"""


def lib(name: str, *functions: str) -> str:
    """A library registering each function to return its own name."""
    body = "\n".join(f"redis.register_function('{f}', function() return '{f}' end)" for f in functions)
    return f"#!lua name={name}\n{body}"


def load(code: str, *options: str) -> list:
    return ["FUNCTION", "LOAD", *options, code]


LOADING = cases(
    case("load-metadata-errors", FLUSH, load("return 1"), load("#!lua name=x"), load("#!lua\nreturn 1"),
         load("#!lua name=x name=y\nreturn 1"), load("#!lua name=x foo=y\nreturn 1"), load("#!luax name=x\nreturn 1"),
         load("#!lua name=\nreturn 1"), load("#! name=x\nreturn 1"), load('#!lua "name=a b"\nreturn 1'),
         load("#!lua name=a-b\nreturn 1"), load('#!lua "name=x\nreturn 1'), load("#!LUA name=upper\n" + lib("", "f").split("\n", 1)[1]),
         ["FUNCTION", "LOAD", "foo", lib("x", "f")], ["FUNCTION", "LOAD", "REPLACE"], ["FUNCTION", "LOAD"]),
    case("load-time-environment", FLUSH, load("#!lua name=x\nredis.call('ping')"), load("#!lua name=x\nlocal x = string.len('a')"),
         load("#!lua name=x\nredis.setresp(3)"), load("#!lua name=x\nfoo = 1"), load("#!lua name=x\nlocal t = _G"),
         load("#!lua name=x\nredis.foo = 1"), load("#!lua name=x\nlocal p = redis.pcall"), load("#!lua name=x\nerror('x')"),
         load("#!lua name=x\nlocal a = nil\nlocal b = a.field"), load("#!lua name=x\nreturn +"),
         load("#!lua name=x\nredis.log(redis.LOG_DEBUG, 'loading', 1)\nredis.register_function('f', function() return redis.REDIS_VERSION_NUM ~= nil end)"),
         ["FCALL", "f", "0"]),
    case("register-function-errors", FLUSH,
         load("#!lua name=x\nredis.register_function('a', function() end)\nredis.register_function('a', function() end)"),
         load("#!lua name=x\nredis.register_function{function_name='a', callback=function() end, flags={'bad'}}"),
         load("#!lua name=x\nredis.register_function{function_name='a-b', callback=function() end}"),
         load("#!lua name=x\nredis.register_function('a')"), load("#!lua name=x\nredis.register_function()"),
         load("#!lua name=x\nredis.register_function('a', 'b')"), load("#!lua name=x\nredis.register_function({}, function() end)"),
         load("#!lua name=x\nredis.register_function{callback=function() end}"),
         load("#!lua name=x\nredis.register_function{function_name='a'}"),
         load("#!lua name=x\nredis.register_function{function_name='a', callback=function() end, other=1}"),
         load("#!lua name=x\nredis.register_function{function_name='a', callback='f'}"),
         load("#!lua name=x\nredis.register_function{function_name={}, callback=function() end}"),
         load("#!lua name=x\nredis.register_function{function_name='a', callback=function() end, flags='no-writes'}"),
         load("#!lua name=x\nredis.register_function{function_name='a', callback=function() end, description={}}"),
         load("#!lua name=x\nredis.register_function{function_name='a', callback=function() end, flags={1}}"),
         load("#!lua name=x\nredis.register_function(1, function() return 'one' end)"), ["FCALL", "1", "0"],
         load("#!lua name=y\nlocal r = redis.register_function\nr('late', function() return r('again', function() end) end)"),
         ["FCALL", "late", "0"], load("#!lua name=x\nreturn 1")),
    case("libraries-replace-and-collide", FLUSH, load(lib("lib1", "f1")), load(lib("lib1", "f1")), load(lib("lib2", "F1")),
         load(lib("lib1", "g1"), "REPLACE"), ["FCALL", "f1", "0"], ["FCALL", "g1", "0"], load(lib("lib1", "h1"), "replace", "REPLACE"),
         ["FCALL", "H1", "0"], ["FUNCTION", "DELETE", "nosuch"], ["FUNCTION", "DELETE", "lib1"], ["FCALL", "h1", "0"],
         ["FUNCTION", "DELETE"], ["FUNCTION", "LIST"], ["FLUSHALL"], ["FUNCTION", "LIST"]),
)

CALLING = cases(
    case("fcall-keys-args-and-errors", FLUSH, load(LIB), ["FCALL", "echo", "2", "a", "b", "c", "d"], ["FCALL", "ECHO", "0"],
         ["FCALL", "set", "1", "k", "v"], ["FCALL", "get", "1", "k"], ["FCALL_RO", "get", "1", "k"],
         ["FCALL_RO", "set", "1", "k", "v"], ["FCALL_RO", "echo", "0"], ["FCALL", "nosuch", "0"], ["FCALL", "echo", "x"],
         ["FCALL", "echo", "3", "a"], ["FCALL", "echo", "-1"], ["FCALL", "nosuch", "x"], ["FCALL", "echo"],
         ["FCALL", "keys", "0"], ["FCALL", "boom", "0"], ["FCALL", "unknown", "0"], ["FCALL", "version", "0"],
         ["FCALL", "log", "0"], ["HSET", "h", "f", "v"], ["FCALL", "resp3", "0"]),
    case("fcall-resp3", FLUSH, load(LIB), ["HSET", "h", "f", "v"], ["FCALL", "resp3", "0"], ["FCALL", "echo", "1", "k", "a"],
         resp3=True, only_resp3=True),
    case("no-writes-functions", FLUSH, load(WRITER), ["FCALL", "w", "0"], ["FCALL_RO", "w", "0"], ["EXISTS", "a"]),
    case("fcall-in-transactions-and-scripts", FLUSH, load(LIB), ["MULTI"], ["FCALL", "set", "1", "k", "v"],
         ["FCALL", "get", "1", "k"], ["EXEC"], ["EVAL", "return redis.call('FCALL', 'get', 1, 'k')", "0"],
         ["EVAL", "return redis.call('FUNCTION', 'LIST')", "0"], ["FCALL", "unknown", "0"]),
    case("eval-ro-and-shebang-flags", ["EVAL_RO", "#!lua\nreturn 1", "0"], ["EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0"],
         ["EVAL_RO", "return 1", "0"]),
)

LISTING = cases(
    case("list-one-library", FLUSH, load(LISTED), ["FUNCTION", "LIST"], ["FUNCTION", "LIST", "WITHCODE"],
         ["FUNCTION", "LIST", "LIBRARYNAME", "l*"], ["FUNCTION", "LIST", "libraryname", "LIB", "withcode"],
         ["FUNCTION", "LIST", "LIBRARYNAME", "x*"], ["FUNCTION", "LIST", "LIBRARYNAME"], ["FUNCTION", "LIST", "foo"],
         ["FUNCTION", "LIST", "WITHCODE", "WITHCODE"], ["FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"],
         load(lib("plain", "p"), "REPLACE"), ["FUNCTION", "LIST", "LIBRARYNAME", "p*"], resp3=True),
    case("stats-and-kill-when-idle", FLUSH, ["FUNCTION", "STATS"], load(LIB), load(lib("other", "o1", "o2")),
         ["FUNCTION", "STATS"], ["FUNCTION", "KILL"], ["SCRIPT", "KILL"], ["FUNCTION", "STATS", "x"], ["FUNCTION", "KILL", "x"],
         ["FUNCTION", "DELETE", "other"], ["FUNCTION", "STATS"], resp3=True),
    case("flush-modes", FLUSH, load(lib("a", "f")), ["FUNCTION", "FLUSH", "x"], ["FUNCTION", "FLUSH", "ASYNC", "x"],
         ["FUNCTION", "FCALL", "f", "0"], ["FUNCTION", "FLUSH", "async"], ["FCALL", "f", "0"], load(lib("a", "f")),
         ["FUNCTION", "FLUSH", "SYNC"], ["FUNCTION", "LIST"], ["FUNCTION", "NOPE"]),
    case("function-help", help_text("FUNCTION", "HELP"), ["FUNCTION", "HELP", "x"]),
    case("command-info", ["COMMAND", "INFO", "fcall", "fcall_ro"], ["COMMAND", "GETKEYS", "FCALL", "f", "2", "a", "b", "c"]),
)

PAYLOADS = cases(
    case("dump-restore-errors", FLUSH, ["FUNCTION", "RESTORE", "x"], ["FUNCTION", "RESTORE", "x", "nope"],
         ["FUNCTION", "RESTORE", "x", "FLUSH", "y"], ["FUNCTION", "RESTORE", b"\xf5\x00" + b"\x0a\x00" + b"\x00" * 8],
         ["FUNCTION", "RESTORE", bytes.fromhex("0a00") + bytes.fromhex("0000000000000000")],
         shape("FUNCTION", "DUMP"), ["FUNCTION", "DUMP", "x"]),
)


@pytest.mark.parametrize("script", LOADING + CALLING + LISTING + PAYLOADS)
def test_function_replies(differ, script):
    differ.check(script)


def fresh(conn):
    assert conn.call(["FUNCTION", "FLUSH"]) == ("simple", b"OK")
    assert conn.call(["FLUSHALL"]) == ("simple", b"OK")


# name -> libraries loaded on the source server before FUNCTION DUMP
LIBRARY_SETS = {
    "one-library": [LIB],
    "several-libraries": [lib("a", "fa1", "fa2"), lib("b", "fb"), WRITER],
    "short-code": ["#!lua name=s\nredis.register_function('s', function() return 1 end)"],
    "long-code": [lib("long", *(f"function_number_{i}" for i in range(200)))],
}


def listing(conn):
    """FUNCTION LIST WITHCODE with libraries, and functions in each, sorted by name: Redis lists
    both in hash-table order."""
    kind, libraries = conn.call(["FUNCTION", "LIST", "WITHCODE"])
    assert kind == "array", libraries
    return sorted((sorted_functions(library) for library in libraries), key=repr)


def sorted_functions(library):
    kind, fields = library
    return (kind, [("array", sorted(value[1], key=repr)) if name == ("bulk", b"functions") else value
                   for name, value in zip(fields[0::2], fields[1::2])])


@pytest.mark.parametrize("name", LIBRARY_SETS)
@pytest.mark.parametrize("direction", ["redis-to-vermilion", "vermilion-to-redis"])
def test_dump_crosses_servers(servers, name, direction):
    oracle, subject = servers
    for server in servers:
        server.ensure_running()
    source, target = (oracle, subject) if direction == "redis-to-vermilion" else (subject, oracle)
    with source.connect() as src, target.connect() as dst:
        fresh(src)
        fresh(dst)
        for code in LIBRARY_SETS[name]:
            assert src.call(["FUNCTION", "LOAD", code])[0] == "bulk"
        kind, payload = src.call(["FUNCTION", "DUMP"])
        assert kind == "bulk" and payload, f"{source.label} FUNCTION DUMP gave {kind} {payload!r}"
        assert dst.call(["FUNCTION", "RESTORE", payload]) == ("simple", b"OK"), f"{target.label} refused {source.label}'s payload"
        assert listing(dst) == listing(src)
        # Restoring again collides; REPLACE and FLUSH do not.
        again = dst.call(["FUNCTION", "RESTORE", payload])
        assert again[0] == "error" and again[1].startswith(b"ERR Library "), again
        assert dst.call(["FUNCTION", "RESTORE", payload, "REPLACE"]) == ("simple", b"OK")
        assert dst.call(["FUNCTION", "RESTORE", payload, "FLUSH"]) == ("simple", b"OK")
        assert listing(dst) == listing(src)


def test_restore_policies_match(servers, differ):
    """The same payload (made by Redis) restored under each policy on top of clashing libraries."""
    oracle, _ = servers
    oracle.ensure_running()
    with oracle.connect() as conn:
        fresh(conn)
        conn.call(["FUNCTION", "LOAD", lib("a", "fa")])
        conn.call(["FUNCTION", "LOAD", lib("b", "fb")])
        _, payload = conn.call(["FUNCTION", "DUMP"])
    steps = []
    for policy in ([], ["APPEND"], ["REPLACE"], ["FLUSH"]):
        steps += [FLUSH, ["FUNCTION", "LOAD", lib("a", "other")], ["FUNCTION", "RESTORE", payload, *policy],
                  ["FCALL", "fb", "0"], ["FCALL", "fa", "0"], ["FCALL", "other", "0"], ["FUNCTION", "LOAD", lib("c", "fc", "FB")],
                  ["FUNCTION", "RESTORE", payload, "REPLACE"]]
    differ.check(Script([as_step(step) for step in steps]))


# --- long-running scripts over the network ------------------------------------------------------

BUSY_THRESHOLD_MS = "50"
PATIENCE_S = 20


class Stalled(Exception):
    """The server stopped answering while a script ran."""


def wait_for(conn, argv, predicate):
    deadline = time.monotonic() + PATIENCE_S
    while True:
        reply = conn.call(argv)
        if predicate(reply):
            return reply
        if reply[0] in ("timeout", "closed"):
            raise Stalled(f"{argv} got {reply[0]}")
        assert time.monotonic() < deadline, f"{argv} kept answering {reply}"
        time.sleep(0.005)


def busy_session(server, start_argv, kill_argv):
    """Starts an endless script on one connection and records what other commands get meanwhile."""
    seen = []
    with server.connect() as admin, server.connect() as runner, server.connect() as other:
        fresh(admin)
        assert admin.call(["CONFIG", "SET", "busy-reply-threshold", BUSY_THRESHOLD_MS]) == ("simple", b"OK")
        admin.call(["FUNCTION", "LOAD", "#!lua name=spin\nredis.register_function('spin', function() while true do end end)"])
        admin.call(["SET", "k", "v"])
        # Sent without waiting: the reply comes once the script is killed.
        runner._sock.sendall(encode_command(start_argv))
        seen.append(wait_for(other, ["GET", "k"], lambda r: r[0] == "error"))
        for argv in (["PING"], ["SCRIPT", "KILL"] if kill_argv[0] == "FUNCTION" else ["FUNCTION", "KILL"]):
            seen.append(other.call(argv))
        stats = other.call(["FUNCTION", "STATS"])
        seen.append(stats if stats[0] == "error" else "stats map")
        seen.append(other.call(kill_argv))
        seen.append(runner._reader.read())
        seen.append(other.call(kill_argv))
        seen.append(other.call(["GET", "k"]))
        assert admin.call(["CONFIG", "SET", "busy-reply-threshold", "5000"]) == ("simple", b"OK")
    return seen


@pytest.mark.parametrize("start,kill", [
    (["EVAL", "while true do end", "0"], ["SCRIPT", "KILL"]),
    (["FCALL", "spin", "0"], ["FUNCTION", "KILL"]),
], ids=["eval", "fcall"])
def test_busy_script_and_kill(servers, start, kill):
    oracle, subject = servers
    for server in servers:
        server.ensure_running()
    expected = busy_session(oracle, start, kill)
    # Raises Stalled if the server stops serving other connections while the script runs.
    actual = busy_session(subject, start, kill)
    assert actual == expected
