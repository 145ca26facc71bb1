"""Server operations that need two connections: CLIENT PAUSE / UNPAUSE (what waits, what goes
on, when it resumes), CLIENT UNBLOCK, failed AUTH, and commands refused inside MULTI.

Each scenario drives the same steps on the oracle and on the subject and records the replies;
the two transcripts must be equal. Waiting is never a sleep: a scenario polls INFO's
`blocked_clients` (paused clients count there, as in Redis) with a deadline.
"""

import os
import time

import pytest

from resp_client import encode_command

DEADLINE = 5.0


def send(conn, *argv):
    """Sends a command without reading its reply (the reply may be held back)."""
    conn._sock.sendall(encode_command(list(argv)))


def read(conn):
    return conn._reader.read()


def blocked_clients(conn):
    info = conn.call(["INFO", "clients"])[1].decode()
    return int(next(line.split(":")[1] for line in info.split("\r\n") if line.startswith("blocked_clients:")))


def wait_blocked(conn, count):
    """Polls until `count` clients are blocked (or paused); the count is part of the transcript."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if blocked_clients(conn) == count:
            return count
        time.sleep(0.01)
    return blocked_clients(conn)


def pause_write_holds_writes(a, b):
    log = [a.call(["SET", "k", "old"]), a.call(["CLIENT", "PAUSE", "100000", "WRITE"])]
    # Reads go on under a WRITE pause.
    log += [b.call(["GET", "k"]), b.call(["EXISTS", "k"]), b.call(["PING"])]
    send(b, "SET", "k", "new")
    log += [wait_blocked(a, 1), a.call(["GET", "k"])]
    client_list = a.call(["CLIENT", "LIST"])[1].decode()
    log.append([field for line in client_list.splitlines() if "cmd=set" in line for field in line.split() if field.startswith("flags=")])
    # What the pause held back runs before any newer command.
    log += [a.call(["CLIENT", "UNPAUSE"]), a.call(["GET", "k"]), read(b), wait_blocked(a, 0)]
    return log


def pause_write_holds_may_replicate(a, b):
    log = [a.call(["PFADD", "h", "x"]), a.call(["CLIENT", "PAUSE", "100000", "WRITE"])]
    send(b, "PUBLISH", "ch", "msg")
    log.append(wait_blocked(a, 1))
    c = a.__class__(*b._sock.getpeername()[:2])
    send(c, "PFCOUNT", "h")
    log.append(wait_blocked(a, 2))
    log += [a.call(["CLIENT", "UNPAUSE"]), read(b), read(c)]
    c.close()
    return log


LIBRARY = """#!lua name=pauselib
redis.register_function{function_name='ro', callback=function() return 'ro' end, flags={'no-writes'}}
redis.register_function('rw', function() return 'rw' end)"""


def pause_write_scripts(a, b):
    sha = a.call(["SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 'cached'"])
    log = [sha, a.call(["FUNCTION", "LOAD", "REPLACE", LIBRARY]), a.call(["SET", "x", "y"])]
    log.append(a.call(["CLIENT", "PAUSE", "100000", "WRITE"]))
    # Scripts and functions that promise no writes run; others wait.
    log.append(b.call(["EVAL", "#!lua flags=no-writes\nreturn 'ro'", "0"]))
    log.append(b.call(["EVAL_RO", "return redis.call('GET', KEYS[1])", "1", "x"]))
    log.append(b.call(["EVALSHA", sha[1].decode(), "0"]))
    log += [b.call(["FCALL", "ro", "0"]), b.call(["FCALL_RO", "ro", "0"])]
    send(b, "EVAL", "return 1", "0")
    log += [wait_blocked(a, 1), a.call(["CLIENT", "UNPAUSE"]), read(b)]
    a.call(["CLIENT", "PAUSE", "100000", "WRITE"])
    send(b, "FCALL", "rw", "0")
    log += [wait_blocked(a, 1), a.call(["CLIENT", "UNPAUSE"]), read(b), a.call(["FUNCTION", "DELETE", "pauselib"])]
    return log


def pause_write_transactions(a, b):
    log = [a.call(["SET", "foo", "bar"]), a.call(["CLIENT", "PAUSE", "100000", "WRITE"])]
    # A read-only transaction runs.
    log += [b.call(["MULTI"]), b.call(["GET", "foo"]), b.call(["PING"]),
            b.call(["EVAL", "#!lua flags=no-writes\nreturn 12", "0"]), b.call(["EXEC"]), blocked_clients(a)]
    # Queueing a write waits (the pause is checked before queueing, as in Redis).
    log.append(b.call(["MULTI"]))
    send(b, "SET", "foo", "baz")
    log += [wait_blocked(a, 1), a.call(["CLIENT", "UNPAUSE"]), read(b)]
    # An EXEC of writes waits.
    log.append(a.call(["CLIENT", "PAUSE", "100000", "WRITE"]))
    send(b, "EXEC")
    log += [wait_blocked(a, 1), a.call(["GET", "foo"]), a.call(["CLIENT", "UNPAUSE"]), read(b), a.call(["GET", "foo"])]
    return log


def pause_all_holds_everything(a, b):
    started = time.monotonic()
    log = [a.call(["CLIENT", "PAUSE", "300", "ALL"])]
    # Everything waits, CLIENT UNPAUSE included, until the pause times out.
    send(b, "PING")
    send(b, "SET", "k", "v")
    send(a, "CLIENT", "UNPAUSE")
    log += [read(b), read(b), read(a), a.call(["GET", "k"])]
    log.append(time.monotonic() - started >= 0.25)
    return log


def read_until_nil(conn, key):
    """Polls GET until the key reads as missing; the final reply is part of the transcript."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        reply = conn.call(["GET", key])
        if reply == ("bulk", None):
            return reply
        time.sleep(0.01)
    return conn.call(["GET", key])


def pause_keeps_expired_keys(a, b):
    # The key expires during the pause: reads miss it, but it is not deleted (nothing changes
    # while paused: no expiry, no DEL in the AOF) until the pause ends.
    log = [a.call(["SET", "other", "x"]), a.call(["SET", "k", "v", "PX", "300"]), a.call(["CLIENT", "PAUSE", "100000", "WRITE"])]
    log += [read_until_nil(b, "k"), b.call(["EXISTS", "k"]), b.call(["TTL", "k"]), b.call(["KEYS", "*"])]
    log += [b.call(["DBSIZE"]), a.call(["DBSIZE"])]
    log += [a.call(["CLIENT", "UNPAUSE"]), b.call(["GET", "k"]), b.call(["DBSIZE"])]
    return log


def pause_arguments(a, b):
    return [
        a.call(["CLIENT", "PAUSE", "abc"]), a.call(["CLIENT", "PAUSE", "-1"]),
        a.call(["CLIENT", "PAUSE", "10", "FOO"]), a.call(["CLIENT", "PAUSE", "10", "ALL", "x"]),
        a.call(["CLIENT", "PAUSE", "0"]), a.call(["CLIENT", "PAUSE", "0", "write"]), b.call(["SET", "k", "v"]),
        a.call(["CLIENT", "UNPAUSE"]), a.call(["CLIENT", "UNPAUSE", "x"]),
    ]


def unblock_modes(a, b):
    me = b.call(["CLIENT", "ID"])[1]
    log = []
    for command, reason in (
        (["BLPOP", "q", "0"], None),
        (["BLPOP", "q", "0"], "ERROR"),
        (["BRPOP", "q", "0"], "TIMEOUT"),
        (["BLMOVE", "q", "d", "LEFT", "RIGHT", "0"], "TIMEOUT"),
        (["BZPOPMIN", "z", "0"], "error"),
        (["XREAD", "BLOCK", "0", "STREAMS", "s", "$"], "timeout"),
        (["WAIT", "1", "0"], None),
        (["WAIT", "1", "0"], "ERROR"),
    ):
        send(b, *command)
        log.append(wait_blocked(a, 1))
        log.append(a.call(["CLIENT", "UNBLOCK", str(me)] + ([reason] if reason else [])))
        log.append(read(b))
    log += [a.call(["CLIENT", "UNBLOCK", str(me)]), a.call(["CLIENT", "UNBLOCK", "999999"])]
    log += [
        a.call(["CLIENT", "UNBLOCK", "abc"]), a.call(["CLIENT", "UNBLOCK", "1", "FOO"]),
        a.call(["CLIENT", "UNBLOCK", "-1"]), a.call(["CLIENT", "UNBLOCK", "1", "TIMEOUT", "x"]),
    ]
    return log


def failed_auth(a, b):
    log = [a.call(["CONFIG", "SET", "requirepass", "s3cret"])]
    c = a.__class__(*b._sock.getpeername()[:2])
    log += [c.call(["GET", "k"]), c.call(["AUTH", "wrong"]), c.call(["AUTH", "default", "wrong"]),
            c.call(["HELLO", "2", "AUTH", "default", "wrong"])[0], c.call(["AUTH", "s3cret"]), c.call(["PING"])]
    entry = a.call(["ACL", "LOG", "1"])
    log.append(entry[0])
    log += [a.call(["ACL", "LOG", "RESET"]), a.call(["CONFIG", "SET", "requirepass", ""])]
    c.close()
    return log


def refused_inside_multi(a, b):
    return [
        b.call(["MULTI"]), b.call(["SHUTDOWN"]), b.call(["SAVE"]), b.call(["PING"]), b.call(["EXEC"]),
        b.call(["MULTI"]), b.call(["SHUTDOWN", "NOSAVE"]), b.call(["EXEC"]), b.call(["PING"]),
    ]


SCENARIOS = [
    pause_write_holds_writes, pause_write_holds_may_replicate, pause_write_scripts, pause_write_transactions,
    pause_all_holds_everything, pause_keeps_expired_keys, pause_arguments, unblock_modes, failed_auth, refused_inside_multi,
]


def run(server, scenario):
    server.ensure_running()
    with server.connect() as a, server.connect() as b:
        a.call(["FLUSHALL"])
        try:
            return scenario(a, b)
        finally:
            # Leave no pause behind for the next scenario, whatever happened.
            with server.connect() as c:
                c.call(["CLIENT", "UNPAUSE"])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__.replace("_", "-"))
def test_client_ops(differ, scenario):
    expected = run(differ.oracle, scenario)
    actual = run(differ.subject, scenario)
    assert actual == expected


@pytest.mark.skipif(os.environ.get("VERMILION_SERVER") == "redis", reason="Redis does not delay the reply")
def test_failed_auth_reply_is_delayed(differ):
    """The subject holds back the reply to a wrong password (Redis does not): brute force slows."""
    differ.subject.ensure_running()
    with differ.subject.connect() as a:
        a.call(["CONFIG", "SET", "requirepass", "s3cret"])
        try:
            with differ.subject.connect() as c:
                started = time.monotonic()
                reply = c.call(["AUTH", "wrong"])
                assert reply[0] == "error" and reply[1].startswith(b"WRONGPASS")
                assert time.monotonic() - started >= 0.15
        finally:
            a.call(["CONFIG", "SET", "requirepass", ""])
