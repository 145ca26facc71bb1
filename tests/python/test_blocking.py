"""Blocking commands on the embedded face: the waiting thread releases the GIL, so pushes from
other Python threads and from network clients reach it."""

from __future__ import annotations

import threading
import time

import redis

import vermilion
from conftest import wait_until


def blocked_clients(r: vermilion.Redis) -> int:
    return int(r.info("clients")["blocked_clients"])


def test_blpop_is_woken_by_another_python_thread() -> None:
    engine = vermilion.Engine()
    waiter, pusher = vermilion.Redis(engine=engine), vermilion.Redis(engine=engine)
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(waiter.blpop(["jobs"], timeout=10)))
    thread.start()
    wait_until(lambda: blocked_clients(pusher) == 1)
    pusher.rpush("jobs", "job-1")
    thread.join(timeout=10)
    assert result == [(b"jobs", b"job-1")]
    assert pusher.llen("jobs") == 0


def test_blpop_is_woken_by_a_network_client() -> None:
    engine = vermilion.Engine()
    server = vermilion.Server(engine, port=0)
    try:
        waiter = vermilion.Redis(engine=engine, decode_responses=True)
        result: list[object] = []
        thread = threading.Thread(target=lambda: result.append(waiter.brpop(["q"], timeout=10)))
        thread.start()
        wait_until(lambda: blocked_clients(waiter) == 1)
        redis.Redis(port=server.port).lpush("q", "from-tcp")
        thread.join(timeout=10)
        assert result == [("q", "from-tcp")]
    finally:
        server.stop()


def test_blpop_times_out_with_none() -> None:
    r = vermilion.Redis(engine=vermilion.Engine())
    started = time.monotonic()
    assert r.blpop(["empty"], timeout=0.2) is None
    elapsed = time.monotonic() - started
    assert 0.15 <= elapsed < 5


def test_blocking_timeouts_follow_a_manual_clock(engine: vermilion.Engine, r: vermilion.Redis) -> None:
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(r.blmove("src", "dst", 30, "LEFT", "RIGHT")))
    thread.start()
    other = vermilion.Redis(engine=engine)
    wait_until(lambda: blocked_clients(other) == 1)
    engine.advance_time(30_000)
    thread.join(timeout=10)
    assert result == [None]


def test_blocking_commands_inside_a_transaction_do_not_block(r: vermilion.Redis) -> None:
    pipe = r.pipeline(transaction=True)
    pipe.blpop(["nothing"], timeout=0)
    pipe.set("k", "v")
    assert pipe.execute() == [None, True]
