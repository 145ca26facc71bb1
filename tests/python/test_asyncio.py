"""``vermilion.asyncio.Redis``: redis-py's asyncio API on the embedded engine - commands,
pipelines, transactions, pub/sub, and blocking commands that await without blocking the event
loop and can be cancelled without leaving a waiter behind."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from typing import Any, AsyncIterator

import pytest

pytest.importorskip("pytest_asyncio")

import pytest_asyncio  # noqa: E402
import redis  # noqa: E402
import redis.asyncio  # noqa: E402
from redis.exceptions import ResponseError, WatchError  # noqa: E402

import vermilion  # noqa: E402
import vermilion.asyncio  # noqa: E402

@pytest_asyncio.fixture
async def ar(engine: vermilion.Engine) -> AsyncIterator[vermilion.asyncio.Redis]:
    client = vermilion.asyncio.Redis(engine=engine)
    yield client
    await client.aclose()


async def blocked_clients(client: Any) -> int:
    return int((await client.info("clients"))["blocked_clients"])


async def eventually(condition: Any, timeout: float = 5.0) -> None:
    """Awaits until the async ``condition()`` holds, failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        await asyncio.sleep(0.01)


# Commands


@pytest.mark.asyncio
async def test_commands_and_callbacks(ar: vermilion.asyncio.Redis) -> None:
    assert await ar.set("k", "v", ex=100) is True
    assert await ar.get("k") == b"v"
    assert await ar.ttl("k") == 100
    assert await ar.incrby("n", 5) == 5
    assert await ar.hset("h", mapping={"a": 1, "b": 2}) == 2
    assert await ar.hgetall("h") == {b"a": b"1", b"b": b"2"}
    assert await ar.zadd("z", {"x": 1.5, "y": 2}) == 2
    assert await ar.zrange("z", 0, -1, withscores=True) == [(b"x", 1.5), (b"y", 2.0)]
    assert await ar.exists("k", "h", "nope") == 2
    assert await ar.delete("k") == 1
    assert await ar.get("k") is None
    assert await ar.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
    assert await ar.object("encoding", "h") == b"listpack"


@pytest.mark.asyncio
async def test_errors_raise_redis_py_exceptions(ar: vermilion.asyncio.Redis) -> None:
    await ar.set("s", "text")
    with pytest.raises(ResponseError, match="WRONGTYPE"):
        await ar.lpush("s", "x")
    with pytest.raises(ResponseError, match="not an integer"):
        await ar.incr("s")


@pytest.mark.asyncio
async def test_decode_responses_and_resp3(engine: vermilion.Engine) -> None:
    async with vermilion.asyncio.Redis(engine=engine, decode_responses=True, protocol=3) as r:
        await r.hset("h", "f", "v")
        assert await r.hgetall("h") == {"f": "v"}
        assert await r.zadd("z", {"m": 2.5}) == 1
        assert await r.zscore("z", "m") == 2.5
        assert (await r.execute_command("HELLO"))["proto"] == 3


@pytest.mark.asyncio
async def test_shares_an_engine_with_a_sync_client(engine: vermilion.Engine, ar: vermilion.asyncio.Redis) -> None:
    sync = vermilion.Redis(engine=engine)
    sync.set("from-sync", 1)
    assert await ar.get("from-sync") == b"1"
    await ar.set("from-async", 2)
    assert sync.get("from-async") == b"2"


@pytest.mark.asyncio
async def test_db_and_client_name(engine: vermilion.Engine) -> None:
    r = vermilion.asyncio.Redis(engine=engine, db=3, client_name="worker")
    await r.set("k", "in-3")
    assert await r.client_getname() == "worker"
    assert engine.dbsize(3) == 1 and engine.dbsize(0) == 0
    await r.aclose()


@pytest.mark.asyncio
async def test_custom_response_callback_is_used(ar: vermilion.asyncio.Redis) -> None:
    await ar.set("k", "v")
    ar.set_response_callback("GET", lambda response, **options: b"<" + response + b">")
    assert await ar.get("k") == b"<v>"


@pytest.mark.asyncio
async def test_a_native_fast_path_handles_redis_py_argument_shapes(ar: vermilion.asyncio.Redis) -> None:
    import datetime

    assert await ar.set("k", "v", ex=datetime.timedelta(seconds=30)) is True
    assert await ar.ttl("k") == 30
    assert await ar.zadd("z", {"a": 1, "b": 2}) == 2
    assert await ar.zrange("z", 0, 0, desc=True) == [b"b"]


# Pipelines and transactions


@pytest.mark.asyncio
async def test_pipeline_and_transaction(ar: vermilion.asyncio.Redis) -> None:
    async with ar.pipeline(transaction=False) as pipe:
        pipe.set("a", 1).incr("a").get("a").lpush("a", "x")
        results = await pipe.execute(raise_on_error=False)
    assert results[:3] == [True, 2, b"2"]
    assert isinstance(results[3], ResponseError)
    async with ar.pipeline() as pipe:
        pipe.incr("visits").expire("visits", 60).ttl("visits")
        assert await pipe.execute() == [1, True, 60]


@pytest.mark.asyncio
async def test_transaction_helper_retries_after_a_watched_key_changes(engine: vermilion.Engine) -> None:
    r = vermilion.asyncio.Redis(engine=engine)
    rival = vermilion.asyncio.Redis(engine=engine)
    await r.set("balance", 10)
    attempts = 0

    async def spend(pipe: Any) -> None:
        nonlocal attempts
        attempts += 1
        balance = int(await pipe.get("balance"))
        if attempts == 1:
            await rival.set("balance", 100)  # a concurrent writer: the first EXEC must fail
        pipe.multi()
        pipe.set("balance", balance - 3)

    assert await r.transaction(spend, "balance") == [True]
    assert attempts == 2
    assert await r.get("balance") == b"97"
    await r.aclose()
    await rival.aclose()


@pytest.mark.asyncio
async def test_watch_then_exec_raises_watch_error(engine: vermilion.Engine, ar: vermilion.asyncio.Redis) -> None:
    other = vermilion.Redis(engine=engine)
    async with ar.pipeline() as pipe:
        await pipe.watch("k")
        other.set("k", "changed")
        pipe.multi()
        pipe.set("k", "mine")
        with pytest.raises(WatchError):
            await pipe.execute()
    assert await ar.get("k") == b"changed"


# Blocking commands


@pytest.mark.asyncio
async def test_blpop_waits_without_blocking_the_event_loop(ar: vermilion.asyncio.Redis) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    ticking = asyncio.create_task(ticker())
    waiting = asyncio.create_task(ar.blpop(["jobs"], timeout=10))
    await eventually(lambda: blocked_clients(ar), timeout=5)
    before = ticks
    await asyncio.sleep(0.1)
    assert ticks > before + 5  # the loop kept running while BLPOP waited
    await ar.rpush("jobs", "job-1")
    assert await asyncio.wait_for(waiting, 5) == (b"jobs", b"job-1")
    ticking.cancel()


@pytest.mark.asyncio
async def test_blpop_is_served_by_a_sync_thread_and_a_network_client(
    engine: vermilion.Engine, ar: vermilion.asyncio.Redis, server: vermilion.Server
) -> None:
    sync = vermilion.Redis(engine=engine)
    waiting = asyncio.create_task(ar.brpop(["q"], timeout=10))
    await eventually(lambda: blocked_clients(ar))
    threading.Thread(target=lambda: sync.lpush("q", "from-thread")).start()
    assert await asyncio.wait_for(waiting, 5) == (b"q", b"from-thread")
    waiting = asyncio.create_task(ar.brpop(["q"], timeout=10))
    await eventually(lambda: blocked_clients(ar))
    redis.Redis(port=server.port).lpush("q", "from-tcp")
    assert await asyncio.wait_for(waiting, 5) == (b"q", b"from-tcp")


@pytest.mark.asyncio
async def test_blpop_times_out_with_none() -> None:
    r = vermilion.asyncio.Redis()
    started = time.monotonic()
    assert await r.blpop(["empty"], timeout=0.2) is None
    assert 0.15 <= time.monotonic() - started < 5
    await r.aclose()


@pytest.mark.asyncio
async def test_cancelled_wait_leaves_no_waiter_behind(ar: vermilion.asyncio.Redis) -> None:
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(ar.blpop(["never"], timeout=0), 0.1)
    assert await blocked_clients(ar) == 0
    # A push after the cancellation stays in the list: nobody is parked to take it.
    await ar.rpush("never", "kept")
    assert await ar.lrange("never", 0, -1) == [b"kept"]
    task = asyncio.create_task(ar.xread({"stream": "$"}, block=0))
    await eventually(lambda: blocked_clients(ar))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await blocked_clients(ar) == 0


@pytest.mark.asyncio
async def test_commands_held_by_client_pause_await_without_blocking_the_loop() -> None:
    # The engine's own clock: the pause ends by itself if UNPAUSE never comes (a regression
    # then fails below instead of hanging).
    engine = vermilion.Engine()
    ar = vermilion.asyncio.Redis(engine=engine)
    admin = vermilion.Redis(engine=engine)
    admin.client_pause(3000, all=False)
    try:
        started = time.monotonic()
        fast = asyncio.create_task(ar.set("k", "v"))  # a native fast method
        generic = asyncio.create_task(ar.execute_command("RPUSH", "l", "x"))  # redis-py's path
        pipe = ar.pipeline(transaction=False)
        pipe.incr("n").incr("n")
        batch = asyncio.create_task(pipe.execute())  # one native batch

        async def all_held() -> bool:
            return await blocked_clients(ar) == 3

        await eventually(all_held)
        # The loop kept turning while the writes were held (a held wait on the loop's thread
        # would have stopped it until the pause ended).
        assert time.monotonic() - started < 1.5
        assert not fast.done() and not generic.done() and not batch.done()
    finally:
        admin.client_unpause()
    assert await fast is True
    assert await generic == 1
    assert await batch == [1, 2]
    assert await ar.get("k") == b"v"
    admin.close()
    await ar.aclose()
    engine.shutdown()


@pytest.mark.asyncio
async def test_xread_block_is_woken_by_xadd(ar: vermilion.asyncio.Redis) -> None:
    waiting = asyncio.create_task(ar.xread({"events": "$"}, block=5000))
    await eventually(lambda: blocked_clients(ar))
    entry_id = await ar.xadd("events", {"kind": "click"})
    assert await asyncio.wait_for(waiting, 5) == [[b"events", [(entry_id, {b"kind": b"click"})]]]


@pytest.mark.asyncio
async def test_many_concurrent_waiters_are_served_in_order(engine: vermilion.Engine) -> None:
    clients = [vermilion.asyncio.Redis(engine=engine) for _ in range(20)]
    waiting = []
    for i, client in enumerate(clients):
        waiting.append(asyncio.create_task(client.blpop(["shared"], timeout=10)))
        await eventually(lambda: blocked_clients(clients[0]), timeout=5)
        await eventually(lambda i=i: _blocked_at_least(clients[0], i + 1))
    await clients[0].rpush("shared", *range(20))
    results = await asyncio.wait_for(asyncio.gather(*waiting), 5)
    assert [int(value) for _, value in results] == list(range(20))
    for client in clients:
        await client.aclose()


async def _blocked_at_least(client: Any, n: int) -> bool:
    return await blocked_clients(client) >= n


@pytest.mark.asyncio
async def test_blocking_command_in_a_pipeline_runs_the_rest_after_it(ar: vermilion.asyncio.Redis) -> None:
    async with ar.pipeline(transaction=False) as pipe:
        pipe.blpop(["later"], timeout=5).set("after", "yes")
        executing = asyncio.create_task(pipe.execute())
        await eventually(lambda: blocked_clients(ar))
        assert await ar.get("after") is None  # held behind the parked BLPOP, as on a socket
        await ar.rpush("later", "x")
        assert await asyncio.wait_for(executing, 5) == [(b"later", b"x"), True]


@pytest.mark.asyncio
async def test_blocking_timeouts_follow_a_manual_clock(engine: vermilion.Engine, ar: vermilion.asyncio.Redis) -> None:
    waiting = asyncio.create_task(ar.blmove("src", "dst", 30, "LEFT", "RIGHT"))
    await eventually(lambda: blocked_clients(ar))
    await asyncio.sleep(0.05)
    assert not waiting.done()  # wall time does not move a manual clock
    engine.advance_time(seconds=30)
    assert await asyncio.wait_for(waiting, 5) is None


# Pub/sub


@pytest.mark.asyncio
async def test_pubsub_get_message_and_listen(engine: vermilion.Engine, ar: vermilion.asyncio.Redis) -> None:
    p = ar.pubsub()
    await p.subscribe("news")
    assert await p.get_message(timeout=1) == {"type": "subscribe", "pattern": None, "channel": b"news", "data": 1}
    started = time.monotonic()
    assert await p.get_message(timeout=0.2) is None
    assert time.monotonic() - started >= 0.15
    publisher = vermilion.Redis(engine=engine)

    def publish_later() -> None:
        time.sleep(0.05)
        for text in ("one", "two"):
            publisher.publish("news", text)

    threading.Thread(target=publish_later).start()
    seen = []
    async for message in p.listen():
        seen.append(message["data"])
        if len(seen) == 2:
            break
    assert seen == [b"one", b"two"]
    await p.aclose()
    assert await ar.pubsub_numsub("news") == [(b"news", 0)]


@pytest.mark.asyncio
async def test_pubsub_patterns_handlers_and_decode(engine: vermilion.Engine) -> None:
    r = vermilion.asyncio.Redis(engine=engine, decode_responses=True)
    received: list[str] = []
    p = r.pubsub(ignore_subscribe_messages=True)
    await p.psubscribe(**{"news.*": lambda message: received.append(message["data"])})
    await p.get_message(timeout=1)
    assert await r.publish("news.tech", "chips") == 1
    assert await p.get_message(timeout=1) is None  # handled by the handler
    assert received == ["chips"]
    await p.aclose()
    await r.aclose()


@pytest.mark.asyncio
async def test_pubsub_get_message_is_cancellable(ar: vermilion.asyncio.Redis) -> None:
    p = ar.pubsub()
    await p.subscribe("quiet")
    await p.get_message(timeout=1)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(p.get_message(timeout=None), 0.1)
    await ar.publish("quiet", "after")
    message = await p.get_message(timeout=1)
    assert message is not None and message["data"] == b"after"
    await p.aclose()


@pytest.mark.asyncio
async def test_pubsub_run_task(ar: vermilion.asyncio.Redis) -> None:
    received: list[bytes] = []
    p = ar.pubsub()
    await p.subscribe(events=lambda message: received.append(message["data"]))
    worker = asyncio.create_task(p.run())
    for i in range(10):
        await ar.publish("events", i)
    deadline = time.monotonic() + 5
    while len(received) < 10 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    worker.cancel()
    assert received == [str(i).encode() for i in range(10)]
    await p.aclose()


# URLs, pools, lifecycle


@pytest.mark.asyncio
async def test_from_url_opens_embedded_engines() -> None:
    r = vermilion.asyncio.Redis.from_url("vermilion://async-url-test?decode_responses=yes&maxmemory=10mb")
    await r.set("k", "v")
    again = vermilion.asyncio.Redis.from_url("vermilion://async-url-test")
    assert await again.get("k") == b"v"
    assert await r.get("k") == "v"
    assert await r.config_get("maxmemory") == {"maxmemory": "10485760"}
    private = vermilion.asyncio.Redis.from_url("vermilion://")
    assert await private.get("k") is None
    for client in (r, again, private):
        await client.aclose()
    network = vermilion.asyncio.Redis.from_url("redis://localhost:1/0")
    assert type(network) is redis.asyncio.Redis
    await network.aclose()


@pytest.mark.asyncio
async def test_blocking_pool_and_single_connection_client() -> None:
    engine = vermilion.Engine()  # the system clock: the BLPOP timeouts pass in real time
    pool = vermilion.asyncio.BlockingConnectionPool(engine=engine, max_connections=2, timeout=5)
    r = vermilion.asyncio.Redis(connection_pool=pool)
    results = await asyncio.gather(*(r.blpop([f"q{i}"], timeout=0.05) for i in range(4)))
    assert results == [None] * 4  # four waits through two connections
    await r.set("k", "v")
    single = vermilion.asyncio.Redis(engine=engine, single_connection_client=True)
    assert await single.get("k") == b"v"
    assert await single.blpop(["none"], timeout=0.05) is None
    await single.aclose()
    await r.aclose()
    await pool.aclose()


@pytest.mark.asyncio
async def test_aclose_ends_the_sessions() -> None:
    engine = vermilion.Engine()
    before = engine.connected_clients()
    r = vermilion.asyncio.Redis(engine=engine)
    await r.set("k", "v")
    await r.blpop(["none"], timeout=0.01)
    assert engine.connected_clients() > before
    await r.aclose()
    assert engine.connected_clients() == before


def test_interpreter_exits_cleanly_after_asyncio_run() -> None:
    """Nothing native runs a thread of its own, so exits after asyncio.run() stay clean."""
    script = """
import asyncio, vermilion.asyncio
async def main():
    r = vermilion.asyncio.Redis()
    waiter = asyncio.create_task(r.blpop(["q"], timeout=0))
    p = r.pubsub()
    await p.subscribe("c")
    await r.set("k", "v")
    await asyncio.sleep(0.01)
asyncio.run(main())
"""
    for run in range(50):
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"run {run}: {result.stderr}"
