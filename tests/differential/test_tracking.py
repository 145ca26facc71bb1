"""Client-side caching against real Redis: CLIENT TRACKING in default, OPTIN/OPTOUT, BCAST and
NOLOOP modes, invalidation pushes (RESP3) and redirected invalidations on `__redis__:invalidate`
(RESP2), flushes, and the errors of every option."""

from __future__ import annotations

import time

import pytest

from test_pubsub import call, check, receive

HELLO3 = call("c", "HELLO", "3", exact=False)

SCRIPTS = {
    "default-mode-invalidates-keys-read": [
        HELLO3,
        call("c", "CLIENT", "TRACKING", "ON"),
        call("c", "GET", "a"),
        call("c", "MGET", "b", "x"),
        call("w", "SET", "a", "1"),
        receive("c"),
        call("w", "SET", "a", "2"),  # no longer tracked: read again to hear of changes
        call("w", "MSET", "b", "1", "x", "2"),
        receive("c", frames=2),
        call("c", "GET", "a"),
        call("c", "SET", "a", "mine", frames=2),  # its own change, pushed before its reply
        call("c", "CLIENT", "TRACKINGINFO"),
        call("c", "CLIENT", "GETREDIR"),
        call("c", "GET", "a"),
        call("w", "FLUSHALL"),
        receive("c"),
        call("c", "CLIENT", "TRACKING", "OFF"),
        call("c", "CLIENT", "GETREDIR"),
    ],
    "noloop": [
        HELLO3,
        call("c", "CLIENT", "TRACKING", "ON", "NOLOOP"),
        call("c", "GET", "k"),
        call("c", "SET", "k", "1"),
        call("c", "GET", "k"),
        call("w", "DEL", "k"),
        receive("c"),
        call("c", "CLIENT", "TRACKINGINFO"),
    ],
    "optin-optout": [
        HELLO3,
        call("c", "CLIENT", "TRACKING", "ON", "OPTIN"),
        call("c", "GET", "untracked"),
        call("c", "CLIENT", "CACHING", "YES"),
        call("c", "GET", "tracked"),
        call("w", "SET", "untracked", "1"),
        call("w", "SET", "tracked", "1"),
        receive("c"),
        call("c", "CLIENT", "CACHING", "NO"),
        call("c", "CLIENT", "TRACKING", "OFF"),
        call("c", "CLIENT", "TRACKING", "ON", "OPTOUT"),
        call("c", "CLIENT", "CACHING", "NO"),
        call("c", "GET", "skipped"),
        call("c", "GET", "kept"),
        call("w", "SET", "skipped", "1"),
        call("w", "SET", "kept", "1"),
        receive("c"),
        call("c", "CLIENT", "CACHING", "YES"),
        call("c", "CLIENT", "TRACKINGINFO"),
    ],
    "bcast-prefixes": [
        HELLO3,
        call("c", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "cart:"),
        call("w", "SET", "user:1", "x"),
        receive("c"),
        call("w", "SET", "order:1", "x"),
        call("w", "SET", "cart:9", "x"),
        receive("c"),
        call("c", "CLIENT", "TRACKINGINFO"),
        call("c", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:admin"),
        call("c", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "order:"),
        call("w", "SET", "order:2", "x"),
        receive("c"),
    ],
    "errors": [
        call("c", "CLIENT", "TRACKING", "ON", "PREFIX", "a"),
        call("c", "CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"),
        call("c", "CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"),
        call("c", "CLIENT", "TRACKING", "ON", "REDIRECT", "999999"),
        call("c", "CLIENT", "TRACKING", "MAYBE"),
        call("c", "CLIENT", "TRACKING", "ON", "FOO"),
        call("c", "CLIENT", "CACHING", "YES"),
        call("c", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "ab"),
        call("c", "CLIENT", "TRACKING", "ON"),
        call("c", "CLIENT", "TRACKING", "ON", "BCAST"),
        call("c", "CLIENT", "CACHING", "YES"),
        call("c", "CLIENT", "TRACKING", "ON", "OPTIN"),
        call("c", "CLIENT", "CACHING", "NO"),
        call("c", "CLIENT", "CACHING", "MAYBE"),
        call("c", "CLIENT", "TRACKING", "OFF"),
        call("c", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a"),
        call("c", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab"),
        *(call("c", "COMMAND", "INFO", f"client|{sub}") for sub in ("tracking", "caching", "getredir", "trackinginfo")),
    ],
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_tracking(servers, name):
    check(servers, SCRIPTS[name])


def gone(conn, client_id, seconds=5.0):
    """Waits (with a deadline) until the server has dropped the client `client_id`."""
    deadline = time.monotonic() + seconds
    while conn.call(["CLIENT", "LIST", "ID", str(client_id)])[1].strip():
        assert time.monotonic() < deadline, f"client {client_id} still listed"
        time.sleep(0.005)


def test_redirected_invalidations_reach_a_resp2_subscriber(servers):
    """The redirect target's id differs between servers, so each script is built per server."""
    transcripts = []
    for server in servers:
        server.ensure_running()
        with server.connect() as conn:
            conn.call(["FLUSHALL"])
        listener, tracker, writer = server.connect(), server.connect(), server.connect()
        try:
            listener_id = listener.call(["CLIENT", "ID"])[1]
            steps = [
                listener.call(["SUBSCRIBE", "__redis__:invalidate"]),
                tracker.call(["CLIENT", "TRACKING", "ON", "REDIRECT", str(listener_id)]),
                tracker.call(["CLIENT", "GETREDIR"])[0],
                tracker.call(["GET", "k"]),
                writer.call(["SET", "k", "v"]),
                listener._reader.read(),
                writer.call(["FLUSHDB"]),
                listener._reader.read(),
            ]
            listener.close()
            gone(writer, listener_id)
            tracker.call(["GET", "k"])
            steps.append(writer.call(["SET", "k", "w"]))
            info = tracker.call(["CLIENT", "TRACKINGINFO"])
            steps.append(str(info).replace(str(listener_id), "<listener id>"))
            transcripts.append(steps)
        finally:
            for conn in (listener, tracker, writer):
                conn.close()
    assert transcripts[0] == transcripts[1]
