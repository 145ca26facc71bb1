#!/usr/bin/env python3
"""Operations per second of the embedded Python face next to its alternatives.

Compares, for GET, SET, INCR, MGET of 10 keys, HSET and HGET:

* ``vermilion``  - ``vermilion.Redis()``, the engine in this process;
* ``fakeredis``  - ``fakeredis.FakeRedis()``, an in-process pure-Python imitation;
* ``redis-py``   - ``redis.Redis`` over loopback TCP to a ``redis-server`` started here;
* ``dict.get``   - the floor: one C-level call on a Python dict.

Run: ``python bench/python_bench.py [--repeat 5] [--number 20000]``. Contenders that are not
installed (fakeredis, redis-server) are left out, as are commands the engine lacks.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import tempfile
import time
from typing import Any, Callable

import redis

import vermilion

Op = Callable[[], Any]


def best_rate(op: Op, number: int, repeat: int) -> float:
    """The best of ``repeat`` runs of ``number`` calls, in calls per second."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            op()
        best = min(best, time.perf_counter() - started)
    return number / best


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis_server(workdir: str) -> tuple[subprocess.Popen[bytes], int] | None:
    """A throw-away redis-server on a free port, or None when it is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
            return process, port
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start within 10 s")


def operations(r: Any) -> dict[str, Op]:
    """The benchmarked commands on client ``r``, with their keys prepared."""
    keys = [f"key:{i}" for i in range(10)]
    r.set("key", "value")
    for key in keys:
        r.set(key, "value")
    r.set("counter", 0)
    get, set_, incr, mget = r.get, r.set, r.incr, r.mget
    ops: dict[str, Op] = {
        "GET": lambda: get("key"),
        "SET": lambda: set_("key", "value"),
        "INCR": lambda: incr("counter"),
        "MGET(10)": lambda: mget(keys),
    }
    try:
        r.hset("hash", "field", "value")
        hset, hget = r.hset, r.hget
        ops["HSET"] = lambda: hset("hash", "field", "value")
        ops["HGET"] = lambda: hget("hash", "field")
    except redis.ResponseError:
        pass  # the engine does not have hashes yet
    return ops


def floor_operation() -> Op:
    d = {"key": b"value"}
    get = d.get
    return lambda: get("key")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20_000, help="calls per run")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (best kept)")
    args = parser.parse_args()

    contenders: dict[str, Any] = {"vermilion": vermilion.Redis()}
    try:
        import fakeredis

        contenders["fakeredis"] = fakeredis.FakeRedis()
    except ImportError:
        print("fakeredis is not installed: left out")

    with tempfile.TemporaryDirectory() as workdir:
        server = start_redis_server(workdir)
        if server is None:
            print("redis-server is not on PATH: redis-py over TCP left out")
        else:
            contenders["redis-py"] = redis.Redis(port=server[1])
        try:
            rates = measure(contenders, args.number, args.repeat)
        finally:
            if server is not None:
                server[0].terminate()
                server[0].wait()
    floor = best_rate(floor_operation(), args.number * 5, args.repeat)
    report(rates, floor)


def measure(contenders: dict[str, Any], number: int, repeat: int) -> dict[str, dict[str, float]]:
    """ops/s per command per contender; the network client runs fewer calls (it is slower)."""
    rates: dict[str, dict[str, float]] = {}
    supported = operations(contenders["vermilion"]).keys()
    for name, client in contenders.items():
        calls = number if name == "vermilion" else max(number // 10, 1000)
        for command, op in operations(client).items():
            if command in supported:
                rates.setdefault(command, {})[name] = best_rate(op, calls, repeat)
    return rates


def report(rates: dict[str, dict[str, float]], floor: float) -> None:
    names = ["vermilion", "fakeredis", "redis-py"]
    header = f"{'command':<10}" + "".join(f"{n + ' ops/s':>18}" for n in names)
    header += f"{'vs fakeredis':>14}{'vs redis-py':>13}{'ns/op':>8}{'x dict.get':>12}"
    print(header)
    print("-" * len(header))
    floor_ns = 1e9 / floor
    for command, by_name in rates.items():
        row = f"{command:<10}"
        for name in names:
            rate = by_name.get(name)
            row += f"{rate:>18,.0f}" if rate else f"{'-':>18}"
        ours = by_name["vermilion"]
        for other in ("fakeredis", "redis-py"):
            rate = by_name.get(other)
            width = 14 if other == "fakeredis" else 13
            row += f"{ours / rate:>{width - 1}.1f}x" if rate else f"{'-':>{width}}"
        ns = 1e9 / ours
        row += f"{ns:>8.0f}{ns / floor_ns:>11.2f}x"
        print(row)
    print(f"\ndict.get floor: {floor:,.0f} ops/s ({floor_ns:.0f} ns per call, loop included)")


if __name__ == "__main__":
    main()
