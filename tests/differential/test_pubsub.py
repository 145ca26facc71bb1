"""Pub/Sub across several connections: subscribe confirmations, message frames, patterns, shard
channels, subscriber mode, PUBSUB introspection, and keyspace notifications.

A script here names its connections; each step sends a command on one of them and reads a
given number of frames back (a SUBSCRIBE of two channels answers with two frames, a PUBLISH
makes a frame appear on every subscriber's connection). Both servers run the same script and
every frame is compared."""

from __future__ import annotations

import pytest

from resp_client import RespConnection, encode_command
from steps import help_view

# --- scripts -----------------------------------------------------------------------------------


def call(conn: str, *argv, frames: int = 1, exact: bool = True, view=None):
    """Send a command on `conn` and read `frames` frames (its reply, or its several replies).
    `exact=False` compares only the frames' types (HELLO's version and client id differ); `view`
    normalises each frame before comparing."""
    if view is None:
        view = (lambda frame: frame) if exact else (lambda frame: frame[0])
    return ("call", conn, [str(a).encode() if not isinstance(a, bytes) else a for a in argv], frames, view)


def receive(conn: str, frames: int = 1):
    """Read frames a subscriber was sent by someone else's command."""
    return ("receive", conn, None, frames, lambda frame: frame)


def run_script(server, steps):
    connections: dict[str, RespConnection] = {}
    transcript = []
    try:
        for kind, name, argv, frames, view in steps:
            conn = connections.get(name)
            if conn is None:
                conn = connections[name] = server.connect()
            if kind == "call":
                conn._sock.sendall(encode_command(argv))
            got = [conn._reader.read() for _ in range(frames)]
            transcript.append((name, argv, [view(frame) for frame in got]))
    finally:
        for conn in connections.values():
            conn.close()
    return transcript


def check(servers, steps):
    oracle, subject = servers
    for server in (oracle, subject):
        server.ensure_running()
        with server.connect() as conn:
            conn.call(["FLUSHALL"])
            conn.call(["CONFIG", "SET", "notify-keyspace-events", ""])
    expected = run_script(oracle, steps)
    actual = run_script(subject, steps)
    for want, got in zip(expected, actual):
        assert want == got, f"\nstep {want[0]} {want[1]!r}\n  redis:     {want[2]!r}\n  vermilion: {got[2]!r}"


SCRIPTS = {
    "subscribe-publish": [
        call("sub", "SUBSCRIBE", "news", "sport", frames=2),
        call("pub", "PUBLISH", "news", "hello"),
        receive("sub"),
        call("pub", "PUBLISH", "nobody", "x"),
        call("pub", "PUBLISH", "sport", ""),
        receive("sub"),
        call("sub", "UNSUBSCRIBE", "news"),
        call("pub", "PUBLISH", "news", "gone"),
        call("sub", "PING"),
        call("sub", "PING", "still here"),
        call("sub", "UNSUBSCRIBE", frames=1),
        call("sub", "GET", "x"),
    ],
    "patterns": [
        call("sub", "PSUBSCRIBE", "news.*", "h?llo", "[a-c]x", frames=3),
        call("pub", "PUBLISH", "news.tech", "1"),
        receive("sub"),
        call("pub", "PUBLISH", "hallo", "2"),
        receive("sub"),
        call("pub", "PUBLISH", "bx", "3"),
        receive("sub"),
        call("pub", "PUBLISH", "dx", "4"),
        call("pub", "PUBSUB", "NUMPAT"),
        call("sub", "PUNSUBSCRIBE", "h?llo"),
        call("sub", "PUNSUBSCRIBE", "never"),
        call("pub", "PUBSUB", "NUMPAT"),
    ],
    "channel-and-pattern-both-receive": [
        call("sub", "SUBSCRIBE", "a.b"),
        call("sub", "PSUBSCRIBE", "a.*"),
        call("pub", "PUBLISH", "a.b", "twice"),
        receive("sub", frames=2),
        call("other", "SUBSCRIBE", "a.b"),
        call("pub", "PUBLISH", "a.b", "thrice"),
        receive("sub", frames=2),
        receive("other"),
        call("pub", "PUBSUB", "NUMSUB", "a.b", "a.*", "none"),
        call("pub", "PUBSUB", "CHANNELS"),
        call("pub", "PUBSUB", "CHANNELS", "a.*"),
        call("pub", "PUBSUB", "CHANNELS", "x*"),
    ],
    "shard-channels": [
        call("sub", "SSUBSCRIBE", "orders", "payments", frames=2),
        call("pub", "SPUBLISH", "orders", "o1"),
        receive("sub"),
        call("pub", "PUBLISH", "orders", "not a shard message"),
        call("pub", "PUBSUB", "SHARDNUMSUB", "orders", "x"),
        call("pub", "PUBSUB", "SHARDCHANNELS", "pay*"),
        call("sub", "SUBSCRIBE", "plain"),
        call("sub", "SUNSUBSCRIBE", "payments"),
        # Unsubscribing from everything: one frame per channel, in an unspecified order.
        call("sub", "SUNSUBSCRIBE"),
        call("sub", "SUNSUBSCRIBE"),
    ],
    "subscriber-mode-resp2": [
        call("sub", "SUBSCRIBE", "c"),
        call("sub", "SET", "k", "v"),
        call("sub", "MULTI"),
        call("sub", "QUIT"),
    ],
    "resp3-subscriber-runs-commands": [
        call("sub", "HELLO", "3", exact=False),
        call("sub", "SUBSCRIBE", "c"),
        call("sub", "SET", "k", "v"),
        call("sub", "PUBLISH", "c", "to myself", frames=2),
        call("sub", "PING"),
        call("pub", "PUBLISH", "c", "from outside"),
        receive("sub"),
        call("sub", "UNSUBSCRIBE", "nope"),
        call("sub", "PUNSUBSCRIBE"),
    ],
    "reset-leaves-every-channel": [
        call("sub", "SUBSCRIBE", "a", "b", frames=2),
        call("sub", "PSUBSCRIBE", "p*"),
        call("sub", "RESET"),
        call("pub", "PUBLISH", "a", "x"),
        call("pub", "PUBLISH", "pq", "x"),
        call("sub", "GET", "a"),
    ],
    "errors": [
        call("c", "SUBSCRIBE"),
        call("c", "PUBLISH", "a"),
        call("c", "PUBSUB", "NUMPAT", "x"),
        call("c", "PUBSUB", "CHANNELS", "a", "b"),
        call("c", "PUBSUB", "NOPE"),
        call("c", "PUBSUB", "NUMSUB"),
        call("c", "SPUBLISH", "a", "b", "c"),
        call("c", "EVAL", "return redis.call('subscribe', 'x')", "0"),
        call("c", "EVAL", "return redis.call('publish', 'x', 'y')", "0"),
    ],
    "introspection": [
        *(call("c", "COMMAND", "INFO", name) for name in
          ["subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe", "publish",
           "spublish", "pubsub|channels", "pubsub|numsub", "pubsub|numpat", "pubsub|shardchannels",
           "pubsub|shardnumsub"]),
        call("c", "COMMAND", "GETKEYS", "SSUBSCRIBE", "a", "b"),
        call("c", "PUBSUB", "HELP", view=help_view),
    ],
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_pubsub(servers, name):
    check(servers, SCRIPTS[name])
