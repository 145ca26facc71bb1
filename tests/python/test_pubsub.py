"""redis-py's pub/sub on the embedded engine: subscribe and get_message (waiting without the GIL),
handlers, listen(), run_in_thread(), patterns, RESP3, keyspace events, and messages crossing
between embedded clients and network clients of a served engine."""

from __future__ import annotations

import subprocess
import threading
import time
from typing import Any

import pytest
import redis

import vermilion
from conftest import wait_until


def next_message(pubsub: Any, timeout: float = 5.0) -> dict[str, Any]:
    """The next message that is not a subscribe confirmation, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=deadline - time.monotonic())
        if message is not None and message["type"] in ("message", "pmessage", "smessage", "pong"):
            return message
    pytest.fail("no message arrived")


def test_subscribe_confirmations_and_messages(r: vermilion.Redis) -> None:
    p = r.pubsub()
    p.subscribe("news", "sport")
    assert p.get_message(timeout=1) == {"type": "subscribe", "pattern": None, "channel": b"news", "data": 1}
    assert p.get_message(timeout=1) == {"type": "subscribe", "pattern": None, "channel": b"sport", "data": 2}
    assert r.publish("news", "hello") == 1
    assert p.get_message(timeout=1) == {"type": "message", "pattern": None, "channel": b"news", "data": b"hello"}
    assert r.publish("nobody", "x") == 0
    assert p.get_message(timeout=0) is None
    p.close()
    assert r.pubsub_numsub("news") == [(b"news", 0)]


def test_get_message_waits_then_times_out(r: vermilion.Redis) -> None:
    p = r.pubsub(ignore_subscribe_messages=True)
    p.subscribe("quiet")
    p.get_message(timeout=1)
    started = time.monotonic()
    assert p.get_message(timeout=0.2) is None
    assert time.monotonic() - started >= 0.15
    p.close()


def test_get_message_wakes_when_another_thread_publishes(engine: vermilion.Engine) -> None:
    subscriber, publisher = vermilion.Redis(engine=engine), vermilion.Redis(engine=engine)
    p = subscriber.pubsub(ignore_subscribe_messages=True)
    p.subscribe("jobs")
    p.get_message(timeout=1)
    ready = threading.Event()

    def publish_later() -> None:
        ready.wait(5)
        publisher.publish("jobs", "job-1")

    thread = threading.Thread(target=publish_later)
    thread.start()
    ready.set()
    # The waiting thread releases the GIL, or the publisher could never run.
    assert next_message(p)["data"] == b"job-1"
    thread.join(5)
    p.close()


def test_patterns_and_decode_responses(rd: vermilion.Redis) -> None:
    p = rd.pubsub()
    p.psubscribe("news.*")
    assert p.get_message(timeout=1) == {"type": "psubscribe", "pattern": None, "channel": "news.*", "data": 1}
    rd.publish("news.tech", "chips")
    assert p.get_message(timeout=1) == {"type": "pmessage", "pattern": "news.*", "channel": "news.tech", "data": "chips"}
    p.punsubscribe("news.*")
    assert p.get_message(timeout=1)["type"] == "punsubscribe"
    p.close()


def test_handlers_and_run_in_thread(r: vermilion.Redis) -> None:
    received: list[bytes] = []
    p = r.pubsub(ignore_subscribe_messages=True)
    p.subscribe(events=lambda message: received.append(message["data"]))
    worker = p.run_in_thread(sleep_time=0.05, daemon=True)
    try:
        for i in range(20):
            r.publish("events", i)
        wait_until(lambda: len(received) == 20)
    finally:
        worker.stop()
        worker.join(5)
    assert received == [str(i).encode() for i in range(20)]
    p.close()


def test_listen_yields_messages_in_order(r: vermilion.Redis) -> None:
    p = r.pubsub()
    p.subscribe("a")
    for text in ("one", "two", "three"):
        r.publish("a", text)
    seen = []
    for message in p.listen():
        seen.append((message["type"], message["data"]))
        if len(seen) == 4:
            break
    assert seen == [("subscribe", 1), ("message", b"one"), ("message", b"two"), ("message", b"three")]
    p.close()


def test_ping_and_unsubscribe_everything(r: vermilion.Redis) -> None:
    p = r.pubsub()
    p.subscribe("x")
    p.psubscribe("y*")
    p.get_message(timeout=1)
    p.get_message(timeout=1)
    p.ping("hi")
    assert next_message(p) == {"type": "pong", "pattern": None, "channel": None, "data": b"hi"}
    p.unsubscribe()
    p.punsubscribe()
    kinds = [p.get_message(timeout=1)["type"], p.get_message(timeout=1)["type"]]
    assert kinds == ["unsubscribe", "punsubscribe"]
    assert not p.subscribed
    p.close()


def test_resp3_subscriber() -> None:
    r = vermilion.Redis(protocol=3)
    p = r.pubsub()
    p.subscribe("c")
    assert p.get_message(timeout=1)["type"] == "subscribe"
    r.publish("c", "pushed")
    assert next_message(p)["data"] == b"pushed"
    p.close()


def test_keyspace_events_reach_an_embedded_subscriber(r: vermilion.Redis) -> None:
    r.config_set("notify-keyspace-events", "KEA")
    p = r.pubsub(ignore_subscribe_messages=True)
    p.psubscribe("__keyevent@0__:*")
    p.get_message(timeout=1)
    r.set("k", "v")
    message = next_message(p)
    assert (message["channel"], message["data"]) == (b"__keyevent@0__:set", b"k")
    p.close()


def test_closing_a_subscriber_releases_its_channels(r: vermilion.Redis) -> None:
    p = r.pubsub()
    p.subscribe("gone")
    p.get_message(timeout=1)
    assert r.pubsub_numsub("gone") == [(b"gone", 1)]
    p.close()
    assert r.pubsub_numsub("gone") == [(b"gone", 0)]


def test_network_publisher_reaches_embedded_subscriber(r: vermilion.Redis, server: vermilion.Server) -> None:
    p = r.pubsub(ignore_subscribe_messages=True)
    p.subscribe("wire")
    p.get_message(timeout=1)
    remote = redis.Redis(port=server.port)
    assert remote.publish("wire", "from the network") == 1
    assert next_message(p)["data"] == b"from the network"
    remote.close()
    p.close()


def test_embedded_publisher_reaches_network_subscriber(r: vermilion.Redis, server: vermilion.Server) -> None:
    remote = redis.Redis(port=server.port)
    p = remote.pubsub(ignore_subscribe_messages=True)
    p.subscribe("wire")
    p.get_message(timeout=1)
    wait_until(lambda: r.pubsub_numsub("wire") == [(b"wire", 1)])
    r.publish("wire", "from python")
    assert next_message(p)["data"] == b"from python"
    p.close()
    remote.close()


def test_redis_cli_publish_reaches_embedded_subscriber(
    r: vermilion.Redis, server: vermilion.Server, redis_cli: str
) -> None:
    p = r.pubsub(ignore_subscribe_messages=True)
    p.subscribe("cli")
    p.get_message(timeout=1)
    out = subprocess.run([redis_cli, "-p", str(server.port), "PUBLISH", "cli", "hello"], capture_output=True, text=True)
    assert out.stdout.strip() == "1"
    assert next_message(p)["data"] == b"hello"
    p.close()


def test_tracking_invalidations_stay_out_of_band(engine: vermilion.Engine) -> None:
    """A RESP3 client with CLIENT TRACKING gets invalidation pushes; redis-py's parser hands them
    to its push handler and the command replies stay in step."""
    invalidated: list[Any] = []
    reader = vermilion.Redis(engine=engine, protocol=3)
    writer = vermilion.Redis(engine=engine)
    connection = reader.connection_pool.get_connection()
    connection._parser.set_invalidation_push_handler(invalidated.append)
    connection.send_command("CLIENT", "TRACKING", "ON")
    assert connection.read_response() == b"OK"
    writer.set("cached", "1")
    connection.send_command("GET", "cached")
    assert connection.read_response() == b"1"
    writer.set("cached", "2")
    connection.send_command("GET", "other")
    assert connection.read_response() is None
    assert invalidated == [[b"invalidate", [b"cached"]]]
    reader.connection_pool.release(connection)


def test_tracking_redirect_to_an_embedded_subscriber(engine: vermilion.Engine) -> None:
    listener = vermilion.Redis(engine=engine)
    p = listener.pubsub(ignore_subscribe_messages=True)
    p.subscribe("__redis__:invalidate")
    p.get_message(timeout=1)
    listener_id = p.connection.native.id
    tracker = vermilion.Redis(engine=engine, single_connection_client=True)
    tracker.client_tracking_on(clientid=listener_id)
    tracker.get("k")
    tracker.set("k", "v")
    message = next_message(p)
    assert (message["channel"], message["data"]) == (b"__redis__:invalidate", [b"k"])
    p.close()


def test_a_subscriber_that_stops_reading_is_cut_off(r: vermilion.Redis, server: vermilion.Server) -> None:
    """`client-output-buffer-limit pubsub`: a network subscriber that never reads is disconnected
    once its backlog passes the hard limit, and publishers never wait for it."""
    import socket

    r.config_set("client-output-buffer-limit", "pubsub 1mb 256kb 60")
    stalled = socket.create_connection(("127.0.0.1", server.port))
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nfeed\r\n")
    wait_until(lambda: r.pubsub_numsub("feed") == [(b"feed", 1)])
    payload = b"x" * 64 * 1024
    slowest = 0.0
    for _ in range(200):  # 12.5 MB in all: far past the limit, and past any socket buffer
        started = time.monotonic()
        r.publish("feed", payload)
        slowest = max(slowest, time.monotonic() - started)
    wait_until(lambda: r.pubsub_numsub("feed") == [(b"feed", 0)])
    assert slowest < 0.5
    stalled.close()


NODE_SUBSCRIBER = """
const IORedis = require(require.resolve('ioredis', { paths: [process.argv[2]] }));
const sub = new IORedis({ port: Number(process.argv[1]), host: '127.0.0.1' });
sub.on('message', (channel, message) => {
  console.log(`${channel} ${message}`);
  sub.disconnect();
});
sub.subscribe('cross').then((count) => console.log(`subscribed ${count}`));
"""


def test_python_publisher_reaches_a_node_process(r: vermilion.Redis, server: vermilion.Server) -> None:
    """Two processes on one engine: this one embeds and serves it, a Node process subscribes."""
    import pathlib
    import shutil

    node = shutil.which("node")
    repo = pathlib.Path(__file__).resolve().parents[2]
    if node is None or not (repo / "node_modules" / "ioredis").exists():
        pytest.skip("node and ioredis (npm install ./node) are needed for the cross-process test")
    child = subprocess.Popen(
        [node, "-e", NODE_SUBSCRIBER, str(server.port), str(repo)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "subscribed 1"
        assert r.publish("cross", "from python") == 1
        assert child.stdout.readline().strip() == "cross from python"
        assert child.wait(timeout=10) == 0
    finally:
        child.kill()
