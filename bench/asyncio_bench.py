#!/usr/bin/env python3
"""Operations per second of the asyncio face next to its alternatives.

Compares, for GET, SET, INCR, and HGET / ZSCORE on 1,024-member collections:

* ``vermilion``    - ``vermilion.asyncio.Redis()``, the engine in this process;
* ``redis.asyncio`` - redis-py's asyncio client over loopback TCP to a ``redis-server`` started
  here;
* ``fakeredis``    - ``fakeredis.FakeAsyncRedis()``, an in-process pure-Python imitation;

each as sequential awaits and as 100 concurrent tasks (``asyncio.gather``). The floor is the
bare native call plus an await of a coroutine: what any asyncio command costs at the least.

Run: ``python bench/asyncio_bench.py [--repeat 5] [--number 20000]``. Contenders that are not
installed (fakeredis, redis-server) are left out.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from typing import Any, Awaitable, Callable

import redis.asyncio

import vermilion.asyncio
from python_bench import start_redis_server

Op = Callable[[int], Awaitable[Any]]

CONCURRENCY = 100
# Members of the benchmark's hash and sorted set.
COLLECTION_SIZE = 1024


def member(i: int) -> str:
    return f"member:{i & (COLLECTION_SIZE - 1)}"


async def prepare(r: Any) -> None:
    """The keys every contender works on."""
    await r.delete("hash", "zset")
    await r.set("counter", 0)
    for i in range(COLLECTION_SIZE):
        await r.set(f"key:{i}", "value")
    await r.hset("hash", mapping={member(i): f"value:{i}" for i in range(COLLECTION_SIZE)})
    await r.zadd("zset", {member(i): i for i in range(COLLECTION_SIZE)})


def operations(r: Any) -> dict[str, Op]:
    get, set_, incr, hget, zscore = r.get, r.set, r.incr, r.hget, r.zscore
    return {
        "GET": lambda i: get(f"key:{i & 1023}"),
        "SET": lambda i: set_(f"key:{i & 1023}", "value"),
        "INCR": lambda i: incr("counter"),
        "HGET": lambda i: hget("hash", member(i)),
        "ZSCORE": lambda i: zscore("zset", member(i)),
    }


def floor_operations(r: vermilion.asyncio.Redis) -> dict[str, Op]:
    """Each command as the bare native call inside a coroutine, awaited: the floor."""
    native = r._client
    assert native is not None

    def bare(argv: Callable[[int], tuple[Any, ...]]) -> Op:
        execute = native.execute

        async def call(i: int) -> Any:
            return execute(argv(i), True)

        return call

    return {
        "GET": bare(lambda i: ("GET", f"key:{i & 1023}")),
        "SET": bare(lambda i: ("SET", f"key:{i & 1023}", "value")),
        "INCR": bare(lambda i: ("INCR", "counter")),
        "HGET": bare(lambda i: ("HGET", "hash", member(i))),
        "ZSCORE": bare(lambda i: ("ZSCORE", "zset", member(i))),
    }


async def sequential(op: Op, number: int) -> float:
    started = time.perf_counter()
    for i in range(number):
        await op(i)
    return time.perf_counter() - started


async def concurrent(op: Op, number: int) -> float:
    """``number`` calls as rounds of CONCURRENCY tasks gathered together."""
    started = time.perf_counter()
    for base in range(0, number, CONCURRENCY):
        await asyncio.gather(*(op(base + j) for j in range(CONCURRENCY)))
    return time.perf_counter() - started


async def best_ns(run: Callable[[Op, int], Awaitable[float]], op: Op, number: int, repeat: int) -> float:
    """The best of ``repeat`` runs of ``number`` calls (after a warm-up), in ns per call."""
    await run(op, max(number // 10, CONCURRENCY))
    best = min([await run(op, number) for _ in range(repeat)])
    return best / number * 1e9


MODES = {"sequential": sequential, f"{CONCURRENCY} tasks": concurrent}


async def measure(contenders: dict[str, Any], number: int, repeat: int) -> dict[tuple[str, str], dict[str, float]]:
    """ns per call by (command, mode) and contender; the slower contenders run fewer calls."""
    results: dict[tuple[str, str], dict[str, float]] = {}
    floors = floor_operations(contenders["vermilion"])
    for name, client in contenders.items():
        await prepare(client)
        calls = number if name == "vermilion" else max(number // 10, 1000)
        for command, op in operations(client).items():
            for mode, run in MODES.items():
                results.setdefault((command, mode), {})[name] = await best_ns(run, op, calls, repeat)
    for command, op in floors.items():
        for mode, run in MODES.items():
            results[(command, mode)]["floor"] = await best_ns(run, op, number, repeat)
    return results


def report(results: dict[tuple[str, str], dict[str, float]]) -> None:
    names = ["vermilion", "redis.asyncio", "fakeredis"]
    columns = [f"{name} ops/s" for name in names] + ["vs redis.asyncio", "vs fakeredis", "floor ns", "of floor"]
    print(f"| command | mode | {' | '.join(columns)} |")
    print(f"|{'---|' * (len(columns) + 2)}")
    for (command, mode), by_name in results.items():
        ours = by_name["vermilion"]
        cells = [f"{1e9 / by_name[name]:,.0f} ({by_name[name]:,.0f} ns)" if name in by_name else "-" for name in names]
        cells += [f"{by_name[other] / ours:.1f}x" if other in by_name else "-" for other in ("redis.asyncio", "fakeredis")]
        cells += [f"{by_name['floor']:,.0f}", f"{ours / by_name['floor']:.2f}x"]
        print(f"| {command} | {mode} | {' | '.join(cells)} |")
    print(
        '\n"vs ...": how many times faster the embedded client is; "of floor": its cost over the bare\n'
        "native call plus an await of a coroutine (for 100 tasks, plus the task and gather costs)."
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--number", type=int, default=20_000, help="calls per run")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (best kept)")
    args = parser.parse_args()

    contenders: dict[str, Any] = {"vermilion": vermilion.asyncio.Redis()}
    with tempfile.TemporaryDirectory() as workdir:
        server = start_redis_server(workdir)
        if server is None:
            print("redis-server is not on PATH: redis.asyncio over TCP left out")
        else:
            contenders["redis.asyncio"] = redis.asyncio.Redis(port=server[1])
        try:
            import fakeredis

            contenders["fakeredis"] = fakeredis.FakeAsyncRedis()
        except ImportError:
            print("fakeredis is not installed: left out")
        try:
            results = await measure(contenders, args.number, args.repeat)
        finally:
            for client in contenders.values():
                await client.aclose()
            if server is not None:
                server[0].terminate()
                server[0].wait()
    report(results)


if __name__ == "__main__":
    asyncio.run(main())
