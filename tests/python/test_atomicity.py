"""Atomicity across faces: embedded threads and network clients of a served engine race on one
counter through WATCH/MULTI/EXEC, redis-py's `transaction()` helper, and a Lua script; no
increment is lost and none is counted twice."""

from __future__ import annotations

import threading
from typing import Callable

import redis

import vermilion

ROUNDS = 150


def run_all(workers: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=w) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a worker did not finish"


def watched_increments(client: redis.Redis) -> Callable[[], None]:
    def work() -> None:
        done = 0
        while done < ROUNDS:
            with client.pipeline() as pipe:
                try:
                    pipe.watch("counter")
                    current = int(pipe.get("counter") or 0)
                    pipe.multi()
                    pipe.set("counter", current + 1)
                    pipe.execute()
                    done += 1
                except redis.WatchError:
                    continue

    return work


def test_optimistic_increments_from_both_faces_are_exact() -> None:
    engine = vermilion.Engine()
    server = vermilion.Server(engine, port=0)
    try:
        embedded = [vermilion.Redis(engine=engine) for _ in range(4)]
        network = [redis.Redis(port=server.port) for _ in range(4)]
        run_all([watched_increments(c) for c in embedded + network])
        assert int(embedded[0].get("counter")) == ROUNDS * 8
    finally:
        server.stop()


def test_transaction_helper_and_scripts_interleave_atomically() -> None:
    engine = vermilion.Engine()
    server = vermilion.Server(engine, port=0)
    try:
        local = vermilion.Redis(engine=engine)
        remote = redis.Redis(port=server.port)
        script = local.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")

        def by_transaction(client: redis.Redis) -> Callable[[], None]:
            def bump(pipe: redis.client.Pipeline) -> None:
                current = int(pipe.get("counter") or 0)
                pipe.multi()
                pipe.set("counter", current + 2)

            return lambda: [client.transaction(bump, "counter") for _ in range(ROUNDS)] and None

        def by_script(client: redis.Redis) -> Callable[[], None]:
            bound = client.register_script(script.script)
            return lambda: [bound(keys=["counter"], args=[3]) for _ in range(ROUNDS)] and None

        run_all([by_transaction(local), by_transaction(remote), by_script(local), by_script(remote)])
        assert int(local.get("counter")) == ROUNDS * (2 + 2 + 3 + 3)
    finally:
        server.stop()
