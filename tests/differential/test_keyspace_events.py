"""Keyspace notifications of every command family, compared event by event with real Redis.

A subscriber connection listens with `PSUBSCRIBE __key*__:*` and `SUBSCRIBE sentinel`. Each step
of a script runs a command on another connection, then publishes `done` on `sentinel`; the
subscriber reads what it was sent up to that sentinel message. The step's record is its reply
and those keyspace / keyevent messages, in order, and both servers' records must be equal.

Nothing sleeps: expiry is either immediate (deadlines in the past) or awaited by polling with a
deadline, and a blocked client is known to be parked by polling `blocked_clients`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import pytest

from resp_client import RespConnection, encode_command
from steps import unordered_view

POLL_DEADLINE_SECONDS = 5.0

# --- steps -------------------------------------------------------------------------------------


@dataclass
class Call:
    """Runs `argv` on connection `conn` (`c` unless named) and records its reply and events."""

    argv: list
    conn: str = "c"
    view: Callable = lambda reply: reply
    # Send only: the reply is read later by `Reply` (a client parked in a blocking command).
    parked: bool = False


@dataclass
class Reply:
    """Reads the reply a parked connection got once it was served."""

    conn: str


@dataclass
class AwaitExpiry:
    """Polls with EXISTS until `key` is gone; the events of the whole wait are one record. The
    key's deadline passes on its own, so whether lazy or active expiry takes it varies: both
    publish the same `expired` event (the scripts leave keymiss events off here)."""

    key: str


def call(*argv, view=None) -> Call:
    return Call([str(a) if not isinstance(a, bytes) else a for a in argv], view=view or (lambda reply: reply))


def park(conn: str, *argv) -> Call:
    return Call([str(a) for a in argv], conn=conn, parked=True)


def any_order(*argv) -> Call:
    return call(*argv, view=unordered_view)


# --- running -----------------------------------------------------------------------------------


def _is_sentinel(frame) -> bool:
    return frame[0] in ("array", "push") and frame[1][0][1] == b"message" and frame[1][1][1] == b"sentinel"


def _event(frame):
    """A pmessage frame as (channel, payload)."""
    kind, parts = frame
    assert kind in ("array", "push") and parts[0][1] == b"pmessage", f"unexpected frame {frame!r}"
    return parts[2][1], parts[3][1]


class Session:
    """The connections of one script run on one server."""

    def __init__(self, server, flags: str):
        self.server = server
        self.conns: dict[str, RespConnection] = {}
        self.publisher = self.connect("publisher")
        assert self.publisher.call(["FLUSHALL"]) == ("simple", b"OK")
        assert self.publisher.call(["CONFIG", "SET", "notify-keyspace-events", flags]) == ("simple", b"OK")
        self.subscriber = self.connect("subscriber")
        self.subscriber.call(["PSUBSCRIBE", "__key*__:*"])
        self.subscriber.call(["SUBSCRIBE", "sentinel"])

    def connect(self, name: str) -> RespConnection:
        conn = self.conns.get(name)
        if conn is None:
            conn = self.conns[name] = self.server.connect()
        return conn

    def events_until_sentinel(self):
        assert self.publisher.call(["PUBLISH", "sentinel", "done"]) == ("int", 1)
        events = []
        while True:
            frame = self.subscriber._reader.read()
            if _is_sentinel(frame):
                return events
            events.append(_event(frame))

    def wait_until_blocked(self, count: int) -> None:
        deadline = time.monotonic() + POLL_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            info = self.publisher.call(["INFO", "clients"])[1]
            if f"blocked_clients:{count}\r\n".encode() in info:
                return
        raise AssertionError(f"{self.server.label}: no client blocked after {POLL_DEADLINE_SECONDS}s")

    def run(self, step):
        if isinstance(step, Call):
            conn = self.connect(step.conn)
            if step.parked:
                conn._sock.sendall(encode_command(step.argv))
                self.wait_until_blocked(1)
                return step.view(None), self.events_until_sentinel()
            return step.view(conn.call(step.argv)), self.events_until_sentinel()
        if isinstance(step, Reply):
            return self.conns[step.conn]._reader.read(), []
        if isinstance(step, AwaitExpiry):
            deadline = time.monotonic() + POLL_DEADLINE_SECONDS
            while self.publisher.call(["EXISTS", step.key]) != ("int", 0):
                assert time.monotonic() < deadline, f"{self.server.label}: {step.key} never expired"
            return None, self.events_until_sentinel()
        raise TypeError(step)

    def close(self) -> None:
        for conn in self.conns.values():
            conn.close()


def transcript(server, flags: str, steps):
    server.ensure_running()
    session = Session(server, flags)
    try:
        return [session.run(step) for step in steps]
    finally:
        session.close()
        with server.connect() as conn:
            conn.call(["CONFIG", "SET", "notify-keyspace-events", ""])


def describe(step) -> str:
    if isinstance(step, Call):
        words = " ".join(a.decode(errors="replace") if isinstance(a, bytes) else a for a in step.argv)
        return f"[{step.conn}] {words}"[:160]
    return repr(step)


def check(servers, flags: str, steps) -> None:
    oracle, subject = servers
    expected = transcript(oracle, flags, steps)
    actual = transcript(subject, flags, steps)
    for step, want, got in zip(steps, expected, actual):
        assert want == got, (
            f"\nflags {flags!r}, step {describe(step)}"
            f"\n  redis:     reply {want[0]!r}\n             events {want[1]!r}"
            f"\n  vermilion: reply {got[0]!r}\n             events {got[1]!r}"
        )


# --- corpus ------------------------------------------------------------------------------------

STRINGS = [
    call("SET", "s", "v"),
    call("SET", "s", "w", "NX"),
    call("SET", "s", "w", "XX", "GET"),
    call("SET", "missing", "w", "XX"),
    call("SET", "fresh", "v", "GET"),
    call("SET", "s", "v", "EX", "1000"),
    call("SET", "s", "v", "KEEPTTL"),
    call("SETNX", "s", "x"),
    call("SETNX", "n", "x"),
    call("SETEX", "e", "1000", "v"),
    call("PSETEX", "e", "1000000", "v"),
    call("GETSET", "s", "new"),
    call("GETSET", "gs", "new"),
    call("GETDEL", "gs"),
    call("GETDEL", "gs"),
    call("GETEX", "s", "EX", "100"),
    call("GETEX", "s", "PERSIST"),
    call("GETEX", "s", "PERSIST"),
    call("GETEX", "s"),
    call("GETEX", "s", "PXAT", "1"),
    call("GETEX", "nothing", "EX", "10"),
    call("MSET", "a", "1", "b", "2", "a", "3"),
    call("MSETNX", "c", "1", "d", "2"),
    call("MSETNX", "c", "1", "z", "2"),
    call("APPEND", "ap", "x"),
    call("APPEND", "ap", "yz"),
    call("SETRANGE", "sr", "3", "abc"),
    call("SETRANGE", "sr", "0", "Z"),
    call("SETRANGE", "sr", "0", ""),
    call("SETRANGE", "none", "5", ""),
    call("INCR", "i"),
    call("DECR", "i"),
    call("INCRBY", "i", "10"),
    call("DECRBY", "i", "3"),
    call("INCRBYFLOAT", "f", "1.5"),
    call("INCRBYFLOAT", "f", "2"),
    call("INCR", "s"),
    call("SET", "x", "v", "EXAT", "4000000000"),
    call("SET", "x", "v", "PXAT", "4000000000000", "GET"),
    call("GETEX", "x", "EXAT", "1"),
    call("GETEX", "a", "PX", "100000"),
    call("GET", "missing"),
    call("GET", "a"),
    call("MGET", "a", "missing", "b"),
    call("STRLEN", "missing"),
    call("GETRANGE", "missing", "0", "-1"),
    call("LCS", "a", "missing"),
]

KEYS = [
    call("MSET", "a", "1", "b", "2", "c", "3"),
    call("DEL", "a", "missing", "b"),
    call("UNLINK", "c", "c"),
    call("SET", "k", "v"),
    call("EXISTS", "k", "missing", "k"),
    call("TYPE", "missing"),
    call("TYPE", "k"),
    call("TOUCH", "k", "missing"),
    call("RENAME", "k", "k"),
    call("RENAME", "k", "r"),
    call("SET", "other", "x"),
    call("RENAME", "r", "other"),
    call("RENAME", "missing", "x"),
    call("RENAMENX", "other", "other"),
    call("SET", "y", "1"),
    call("RENAMENX", "other", "y"),
    call("RENAMENX", "other", "fresh"),
    call("COPY", "fresh", "cp"),
    call("COPY", "fresh", "cp"),
    call("COPY", "fresh", "cp", "REPLACE"),
    call("COPY", "fresh", "cp", "DB", "1"),
    call("COPY", "missing", "cp"),
    call("MOVE", "cp", "1"),
    call("MOVE", "fresh", "1"),
    call("MOVE", "missing", "1"),
    call("SET", "fresh", "again"),
    call("MOVE", "fresh", "1"),
    call("OBJECT", "ENCODING", "missing"),
    call("DUMP", "missing"),
    any_order("KEYS", "*"),
    call("EXPIRE", "y", "100"),
    call("PEXPIRE", "y", "200000", "GT"),
    call("EXPIRE", "y", "10", "NX"),
    call("EXPIREAT", "y", "4000000000"),
    call("PERSIST", "y"),
    call("PERSIST", "y"),
    call("PEXPIRE", "missing", "100"),
    call("TTL", "missing"),
    call("PTTL", "y"),
    call("EXPIRETIME", "missing"),
    call("PEXPIREAT", "y", "1"),
    call("SET", "z", "v"),
    call("EXPIRE", "z", "-1"),
    call("SELECT", "1"),
    call("SET", "in1", "v"),
    call("DEL", "in1"),
    call("SELECT", "0"),
    call("SET", "w", "1"),
    call("SWAPDB", "0", "1"),
    call("FLUSHDB"),
    call("SET", "w", "1"),
    call("FLUSHALL"),
    call("RANDOMKEY"),
]

LISTS = [
    call("LPUSH", "l", "a", "b"),
    call("RPUSH", "l", "c"),
    call("LPUSHX", "nolist", "a"),
    call("RPUSHX", "l", "d"),
    call("LPOP", "l"),
    call("RPOP", "l", "2"),
    call("LPOP", "l", "0"),
    call("LPOP", "missing"),
    call("LINSERT", "l", "BEFORE", "a", "z"),
    call("LINSERT", "l", "AFTER", "nope", "z"),
    call("LINSERT", "missing", "AFTER", "a", "z"),
    call("LSET", "l", "0", "y"),
    call("LSET", "l", "9", "y"),
    call("RPUSH", "l", "a", "a", "q"),
    call("LREM", "l", "0", "a"),
    call("LREM", "l", "0", "nothing"),
    call("LTRIM", "l", "0", "0"),
    call("LTRIM", "l", "5", "10"),
    call("LTRIM", "missing", "0", "1"),
    call("RPUSH", "src", "1", "2"),
    call("LMOVE", "src", "dst", "LEFT", "RIGHT"),
    call("RPOPLPUSH", "dst", "dst"),
    call("LMOVE", "src", "dst", "RIGHT", "LEFT"),
    call("LMOVE", "src", "dst", "RIGHT", "LEFT"),
    call("RPUSH", "m", "1", "2", "3"),
    call("LMPOP", "2", "missing", "m", "LEFT", "COUNT", "2"),
    call("LMPOP", "1", "m", "RIGHT", "COUNT", "5"),
    call("LMPOP", "1", "m", "RIGHT"),
    call("RPUSH", "b", "x", "y"),
    call("BLPOP", "missing", "b", "0"),
    call("BRPOP", "b", "0"),
    call("RPUSH", "b", "x", "y"),
    call("BLMOVE", "b", "b2", "LEFT", "LEFT", "0"),
    call("BRPOPLPUSH", "b", "b2", "0"),
    call("BLMPOP", "0", "1", "b2", "LEFT", "COUNT", "9"),
    call("LRANGE", "missing", "0", "-1"),
    call("LLEN", "missing"),
    call("LINDEX", "missing", "0"),
    call("LPOS", "missing", "a"),
]

BLOCKED_LISTS = [
    park("blocked", "BLPOP", "q", "0"),
    call("RPUSH", "q", "a"),
    Reply("blocked"),
    park("blocked", "BRPOP", "q", "0"),
    call("RPUSH", "q", "a", "b"),
    Reply("blocked"),
    call("DEL", "q"),
    park("blocked", "BLMOVE", "q", "to", "RIGHT", "LEFT", "0"),
    call("LPUSH", "q", "x"),
    Reply("blocked"),
    park("blocked", "BLMPOP", "0", "2", "q", "r", "RIGHT", "COUNT", "3"),
    call("LPUSH", "r", "1", "2"),
    Reply("blocked"),
    park("blocked", "BZPOPMIN", "z", "0"),
    call("ZADD", "z", "1", "a"),
    Reply("blocked"),
    park("blocked", "BZMPOP", "0", "1", "z", "MAX", "COUNT", "2"),
    call("ZADD", "z", "1", "a", "2", "b", "3", "c"),
    Reply("blocked"),
]

SETS = [
    call("SADD", "s", "a", "b", "c"),
    call("SADD", "s", "a"),
    call("SREM", "s", "a", "zz"),
    call("SREM", "s", "zz"),
    call("SREM", "s", "b", "c"),
    call("SREM", "missing", "a"),
    call("SADD", "one", "x"),
    call("SPOP", "one"),
    call("SPOP", "one"),
    call("SADD", "many", "1", "2", "3"),
    call("SPOP", "many", "0"),
    any_order("SPOP", "many", "5"),
    call("SADD", "many", "1", "2", "3", "4", "5", "6"),
    call("SPOP", "many", "2", view=lambda reply: (reply[0], len(reply[1]))),
    call("SPOP", "many", "3", view=lambda reply: (reply[0], len(reply[1]))),
    call("SADD", "from", "m", "n"),
    call("SMOVE", "from", "to", "m"),
    call("SADD", "to", "n"),
    call("SMOVE", "from", "to", "n"),
    call("SMOVE", "to", "to", "n"),
    call("SMOVE", "missing", "to", "n"),
    call("SMOVE", "to", "x", "nope"),
    call("SADD", "s1", "a", "b", "c"),
    call("SADD", "s2", "b", "c", "d"),
    call("SINTERSTORE", "d1", "s1", "s2"),
    call("SINTERSTORE", "d1", "s1", "missing"),
    call("SINTERSTORE", "d1", "s1", "missing"),
    call("SUNIONSTORE", "d2", "s1", "s2", "missing"),
    call("SDIFFSTORE", "d3", "s1", "s2"),
    call("SDIFFSTORE", "d3", "s1", "s1"),
    call("SINTERSTORE", "s1", "s1", "s2"),
    call("SINTERCARD", "2", "s1", "missing"),
    call("SRANDMEMBER", "missing", "3"),
    any_order("SMEMBERS", "missing"),
    call("SISMEMBER", "missing", "a"),
    call("SCARD", "missing"),
    call("SRANDMEMBER", "missing"),
    any_order("SUNION", "s1", "missing"),
]

ZSETS = [
    call("ZADD", "z", "1", "a", "2", "b"),
    call("ZADD", "z", "1", "a"),
    call("ZADD", "z", "NX", "5", "a"),
    call("ZADD", "z", "XX", "5", "a"),
    call("ZADD", "z", "CH", "GT", "1", "a"),
    call("ZADD", "missing", "XX", "1", "a"),
    call("ZINCRBY", "z", "1", "a"),
    call("ZINCRBY", "zi", "1", "a"),
    call("ZADD", "z", "INCR", "0", "a"),
    call("ZADD", "z", "INCR", "1", "a"),
    call("ZREM", "z", "a", "nope"),
    call("ZREM", "z", "nope"),
    call("ZREM", "z", "b"),
    call("ZADD", "r", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"),
    call("ZREMRANGEBYSCORE", "r", "4", "5"),
    call("ZREMRANGEBYSCORE", "r", "40", "50"),
    call("ZREMRANGEBYRANK", "r", "0", "0"),
    call("ZREMRANGEBYLEX", "r", "[b", "[b"),
    call("ZREMRANGEBYLEX", "r", "-", "+"),
    call("ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d"),
    call("ZPOPMIN", "p"),
    call("ZPOPMAX", "p", "2"),
    call("ZPOPMIN", "p", "0"),
    call("ZPOPMAX", "p", "5"),
    call("ZPOPMIN", "p"),
    call("ZADD", "p", "1", "a", "2", "b", "3", "c"),
    call("ZMPOP", "2", "missing", "p", "MIN", "COUNT", "2"),
    call("BZPOPMAX", "missing", "p", "0"),
    call("ZADD", "p", "1", "a", "2", "b"),
    call("BZMPOP", "0", "1", "p", "MAX", "COUNT", "9"),
    call("ZADD", "x", "1", "a", "2", "b"),
    call("ZADD", "y", "3", "b", "4", "c"),
    call("ZUNIONSTORE", "u", "2", "x", "y"),
    call("ZINTERSTORE", "u", "2", "x", "missing"),
    call("ZINTERSTORE", "u", "2", "x", "missing"),
    call("ZINTERSTORE", "i", "2", "x", "y"),
    call("ZDIFFSTORE", "d", "2", "x", "y"),
    call("ZRANGESTORE", "rs", "x", "0", "-1"),
    call("ZRANGESTORE", "rs", "x", "5", "6"),
    call("ZRANGESTORE", "rs", "missing", "0", "-1"),
    call("ZSCORE", "missing", "a"),
    call("ZCARD", "missing"),
    call("ZRANGE", "missing", "0", "-1"),
    call("ZUNION", "2", "x", "missing"),
    call("ZADD", "x", "GT", "0", "a", "9", "new"),
    call("ZADD", "x", "LT", "CH", "5", "a", "9", "new"),
    call("ZRANK", "missing", "a"),
    call("ZINTERCARD", "2", "x", "missing"),
    call("ZRANDMEMBER", "missing"),
]

STREAMS = [
    call("XADD", "st", "1-1", "f", "v"),
    call("XADD", "st", "2-1", "f", "v"),
    call("XADD", "st", "MAXLEN", "1", "3-1", "f", "v"),
    call("XADD", "st", "MAXLEN", "5", "4-1", "f", "v"),
    call("XADD", "none", "NOMKSTREAM", "1-1", "f", "v"),
    call("XADD", "st", "1-1", "f", "v"),
    call("XTRIM", "st", "MAXLEN", "1"),
    call("XTRIM", "st", "MAXLEN", "10"),
    call("XTRIM", "missing", "MAXLEN", "1"),
    call("XADD", "st", "5-1", "f", "v"),
    call("XDEL", "st", "4-1", "9-9"),
    call("XDEL", "st", "9-9"),
    call("XSETID", "st", "10-0"),
    call("XGROUP", "CREATE", "st", "g", "0"),
    call("XGROUP", "CREATE", "st", "g", "0"),
    call("XGROUP", "CREATE", "mk", "g", "$", "MKSTREAM"),
    call("XGROUP", "CREATE", "nomk", "g", "$"),
    call("XGROUP", "SETID", "st", "g", "0"),
    call("XGROUP", "CREATECONSUMER", "st", "g", "alice"),
    call("XGROUP", "CREATECONSUMER", "st", "g", "alice"),
    call("XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "st", ">"),
    call("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "st", ">"),
    call("XREADGROUP", "GROUP", "g", "carol", "STREAMS", "st", "0"),
    call("XCLAIM", "st", "g", "dave", "0", "5-1", "JUSTID"),
    call("XCLAIM", "st", "g", "erin", "0", "9-9"),
    call("XAUTOCLAIM", "st", "g", "frank", "0", "0", "JUSTID"),
    call("XADD", "st", "11-1", "f", "v"),
    call("XREADGROUP", "GROUP", "g", "gina", "NOACK", "STREAMS", "st", ">"),
    call("XACK", "st", "g", "5-1"),
    call("XGROUP", "DELCONSUMER", "st", "g", "alice"),
    call("XGROUP", "DELCONSUMER", "st", "g", "nobody"),
    call("XGROUP", "DESTROY", "st", "g"),
    call("XGROUP", "DESTROY", "st", "g"),
    call("XLEN", "missing"),
    call("XRANGE", "missing", "-", "+"),
    call("XREAD", "STREAMS", "missing", "0"),
    call("XINFO", "STREAM", "missing"),
]

BITMAPS_HLL = [
    call("SETBIT", "bits", "7", "1"),
    call("SETBIT", "bits", "7", "1"),
    call("SETBIT", "bits", "7", "0"),
    call("SETBIT", "bits", "100", "0"),
    call("BITFIELD", "bf", "SET", "u8", "0", "255"),
    call("BITFIELD", "bf", "SET", "u8", "0", "255"),
    call("BITFIELD", "bf", "GET", "u8", "0"),
    call("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "10"),
    call("BITFIELD", "nobf", "GET", "u8", "0"),
    call("BITFIELD_RO", "nobf", "GET", "u8", "0"),
    call("SET", "s1", "abc"),
    call("BITOP", "AND", "dest", "s1", "missing"),
    call("BITOP", "OR", "dest", "missing"),
    call("BITOP", "OR", "dest", "missing"),
    call("GETBIT", "missing", "1"),
    call("BITCOUNT", "missing"),
    call("BITPOS", "missing", "1"),
    call("PFADD", "h", "a", "b"),
    call("PFADD", "h", "a"),
    call("PFADD", "h2"),
    call("PFADD", "h2"),
    call("PFMERGE", "hm", "h", "missing"),
    call("PFMERGE", "hm", "h"),
    call("PFCOUNT", "missing"),
    call("PFCOUNT", "h", "missing"),
]

GEO_SORT = [
    call("GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"),
    call("GEOADD", "g", "13.361389", "38.115556", "Palermo"),
    call("GEOADD", "g", "XX", "1", "1", "Nowhere"),
    call("GEOADD", "nog", "XX", "1", "1", "Nowhere"),
    call("GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"),
    call("GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m"),
    call("GEOSEARCHSTORE", "gs2", "missing", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m"),
    call("GEORADIUS", "g", "15", "37", "200", "km", "STORE", "gr"),
    call("GEORADIUS", "g", "15", "37", "200", "km", "STOREDIST", "gr"),
    call("GEORADIUSBYMEMBER", "g", "Palermo", "1", "km", "STORE", "gr2"),
    call("GEOPOS", "missing", "a"),
    call("GEODIST", "missing", "a", "b"),
    call("GEOSEARCH", "missing", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m"),
    call("RPUSH", "nums", "3", "1", "2"),
    call("SORT", "nums", "STORE", "sorted"),
    call("SORT", "missing", "STORE", "sorted"),
    call("SORT", "missing", "STORE", "sorted"),
    call("SET", "w_1", "10"),
    call("SORT", "nums", "BY", "w_*", "GET", "#", "GET", "o_*"),
    call("SORT", "nums", "BY", "nosort", "LIMIT", "0", "2", "STORE", "nums"),
    call("SORT_RO", "missing"),
]

TRANSACTIONS_AND_SCRIPTS = [
    call("MULTI"),
    call("SET", "k", "v"),
    call("LPUSH", "l", "a"),
    call("INCR", "n"),
    call("GET", "missing"),
    call("DEL", "k", "l"),
    call("EXEC"),
    call("EVAL", "redis.call('set', KEYS[1], 'v'); redis.call('rpush', KEYS[2], 'x'); "
         "redis.call('lpop', KEYS[2]); redis.call('get', 'nope'); return redis.call('del', KEYS[1])", "2", "k", "l"),
    call("EVAL", "return redis.call('expire', KEYS[1], 10)", "1", "n"),
]

EXPIRY = [
    call("SET", "gone", "v", "PX", "1"),
    AwaitExpiry("gone"),
    call("SET", "lazy", "v"),
    call("PEXPIRE", "lazy", "1"),
    AwaitExpiry("lazy"),
    call("SET", "past", "v"),
    call("PEXPIREAT", "past", "1"),
    call("GET", "past"),
]


def restore_corpus(payload: bytes):
    return [
        call("RESTORE", "r", "0", payload),
        call("RESTORE", "r", "0", payload),
        call("RESTORE", "r", "0", payload, "REPLACE"),
        call("RESTORE", "r", "100000", payload, "REPLACE"),
        call("RESTORE", "r", "1", payload, "REPLACE", "ABSTTL"),
        call("RESTORE", "r2", "1", payload, "ABSTTL"),
        call("DUMP", "missing"),
    ]


# Redis 7.0 has no field TTLs: the events of the HEXPIRE family and of fields reclaimed by
# expiry are checked in the engine's `hash_field_expiry` tests instead.
HASHES = [
    call("HSET", "h", "f", "v"),
    call("HSET", "h", "f", "w", "g", "x"),
    call("HSET", "h", "odd"),
    call("HMSET", "h", "a", "1"),
    call("HMSET", "hm", "a", "1", "b", "2"),
    call("HSETNX", "h", "f", "z"),
    call("HSETNX", "h", "n", "z"),
    call("HSETNX", "hn", "n", "z"),
    call("HSET", "h", "long", "x" * 100),
    call("HINCRBY", "h", "i", "5"),
    call("HINCRBY", "h", "i", "-7"),
    call("HINCRBY", "hi", "i", "5"),
    call("HINCRBY", "h", "f", "1"),
    call("HINCRBY", "h", "i", "x"),
    call("HINCRBY", "none", "i", "x"),
    call("HSET", "h", "max", "9223372036854775807"),
    call("HINCRBY", "h", "max", "1"),
    call("HINCRBYFLOAT", "h", "fl", "1.5"),
    call("HINCRBYFLOAT", "hf", "fl", "2.5"),
    call("HINCRBYFLOAT", "h", "f", "1"),
    call("HINCRBYFLOAT", "h", "fl", "inf"),
    call("HINCRBYFLOAT", "none", "fl", "nan"),
    call("HSET", "h", "huge", "1e308"),
    call("HINCRBYFLOAT", "h", "huge", "1e308"),
    call("HDEL", "h", "f", "nope"),
    call("HDEL", "h", "nope"),
    call("HDEL", "missing", "f"),
    call("HDEL", "hm", "a", "b", "a"),
    call("HDEL", "hn", "n"),
    call("EXISTS", "hm", "hn"),
    call("SET", "str", "v"),
    call("HSET", "str", "f", "v"),
    call("HSETNX", "str", "f", "v"),
    call("HDEL", "str", "f"),
    call("HINCRBY", "str", "f", "1"),
    call("HINCRBYFLOAT", "str", "f", "1"),
    call("HGET", "str", "f"),
    call("HGET", "h", "g"),
    call("HGET", "h", "nope"),
    call("HGET", "missing", "f"),
    call("HMGET", "missing", "f", "g"),
    call("HMGET", "h", "g", "nope"),
    call("HEXISTS", "missing", "f"),
    call("HLEN", "missing"),
    call("HSTRLEN", "missing", "f"),
    call("HKEYS", "missing"),
    call("HVALS", "missing"),
    call("HGETALL", "missing"),
    any_order("HKEYS", "h"),
    call("HRANDFIELD", "missing"),
    call("HRANDFIELD", "missing", "2", "WITHVALUES"),
    call("HRANDFIELD", "missing", "x"),
    call("HRANDFIELD", "h", "100", view=lambda reply: (reply[0], len(reply[1]))),
    call("HSCAN", "missing", "0"),
    call("HSET", "t", "a", "1"),
    call("MULTI"),
    call("HSET", "t", "b", "2"),
    call("HINCRBY", "t", "c", "1"),
    call("HDEL", "t", "a", "b", "c"),
    call("HGET", "t", "a"),
    call("EXEC"),
    call("EVAL", "redis.call('hset', KEYS[1], 'f', 'v'); redis.call('hincrbyfloat', KEYS[1], 'n', '0.5'); "
         "return redis.call('hdel', KEYS[1], 'f', 'n')", "1", "e"),
    call("HSET", "d", "a", "1"),
    call("DEL", "d"),
    call("HSET", "r", "a", "1"),
    call("RENAME", "r", "r2"),
    call("HSET", "x", "a", "1"),
    call("PEXPIREAT", "x", "1"),
    call("HGET", "x", "a"),
]

# Every family under every class letter at once, new-key and miss events included.
FAMILY_CASES = {
    "strings": STRINGS,
    "keys": KEYS,
    "lists": LISTS,
    "blocked-clients-served": BLOCKED_LISTS,
    "sets": SETS,
    "zsets": ZSETS,
    "streams": STREAMS,
    "bitmaps-hyperloglog": BITMAPS_HLL,
    "geo-sort": GEO_SORT,
    "multi-exec-eval": TRANSACTIONS_AND_SCRIPTS,
}

# One class at a time, keyspace or keyevent channel: the filters must drop the rest.
MIXED = STRINGS[:12] + LISTS[:8] + SETS[:6] + ZSETS[:6] + STREAMS[:4] + KEYS[:12]
FILTER_CASES = ["Kg", "Eg", "K$", "E$", "Kl", "Es", "Kz", "Et", "Em", "Kn", "KA", "gE$lszt", "Ex", "AKE", "AKEmn"]


@pytest.mark.parametrize("name", FAMILY_CASES)
def test_events_of_every_family(servers, name):
    check(servers, "KEAmn", FAMILY_CASES[name])


@pytest.mark.parametrize("flags", FILTER_CASES)
def test_event_classes_filter(servers, flags):
    check(servers, flags, MIXED)


def test_expired_events(servers):
    check(servers, "KEA", EXPIRY)


def test_restore_events(servers):
    oracle, _ = servers
    oracle.ensure_running()
    with oracle.connect() as conn:
        conn.call(["SET", "__payload", "hello"])
        payload = conn.call(["DUMP", "__payload"])[1]
        conn.call(["DEL", "__payload"])
    check(servers, "KEAmn", restore_corpus(payload))


def test_hash_events(servers):
    check(servers, "KEAmn", HASHES)


@pytest.mark.parametrize("flags", ["Kh", "Eh", "Eg", "Em", "En", "Ex", "KEh$"])
def test_hash_event_classes_filter(servers, flags):
    check(servers, flags, HASHES)
