"""Memory of the same data in vermilion-server and redis-server, side by side.

    python3 bench/memory_bench.py               # 1,000,000 keys / members / fields
    python3 bench/memory_bench.py --count 200000
    python3 bench/memory_bench.py --vermilion-preload /lib/x86_64-linux-gnu/libjemalloc.so.2

For each dataset, starts both servers fresh (no persistence), loads the data through pipelined
redis-py calls, and reports the growth of each process's resident set size (VmRSS) and the ratio
vermilion/redis. Datasets: string keys (`key:NNNNNNN` -> 32-byte values), one big hash, one big
sorted set, one big set, one big list. `--vermilion-preload` runs vermilion-server with another
malloc (LD_PRELOAD), to see how much of the difference is the allocator's size classes.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
BATCH = 10_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def vermilion_binary() -> str:
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "vermilion-server"], cwd=ROOT, check=True)
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return str(Path(json.loads(meta.stdout)["target_directory"]) / "release" / "vermilion-server")


def start(argv: list[str], port: int, preload: str | None) -> tuple[subprocess.Popen, redis.Redis]:
    workdir = tempfile.mkdtemp(prefix="memory-bench-")
    env = {**os.environ, "LD_PRELOAD": preload} if preload else None
    proc = subprocess.Popen(argv, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            return proc, client
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.05)


def load(client: redis.Redis, dataset: str, count: int) -> None:
    value = b"v" * 32
    pipe = client.pipeline(transaction=False)
    for start_index in range(0, count, BATCH):
        indexes = range(start_index, min(start_index + BATCH, count))
        if dataset == "strings":
            for i in indexes:
                pipe.set(f"key:{i:07d}", value)
        elif dataset == "hash":
            pipe.hset("hash", mapping={f"field:{i:07d}": f"value:{i}" for i in indexes})
        elif dataset == "zset":
            pipe.zadd("zset", {f"member:{i:07d}": i * 1.5 for i in indexes})
        elif dataset == "set":
            pipe.sadd("set", *(f"member:{i:07d}" for i in indexes))
        elif dataset == "list":
            pipe.rpush("list", *(f"element:{i:07d}" for i in indexes))
        pipe.execute()


def measure(argv: list[str], port: int, dataset: str, count: int, preload: str | None = None) -> int:
    proc, client = start(argv, port, preload)
    try:
        before = rss_bytes(proc.pid)
        load(client, dataset, count)
        time.sleep(0.2)  # let the allocator settle after the last reply
        return rss_bytes(proc.pid) - before
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--datasets", default="strings,hash,zset,set,list")
    parser.add_argument("--vermilion-preload", metavar="LIB", help="a malloc library to LD_PRELOAD into vermilion-server")
    args = parser.parse_args()
    vermilion = vermilion_binary()
    print(f"{'dataset':<10} {'count':>10} {'redis MB':>10} {'vermilion MB':>13} {'ratio':>7} {'B/item redis':>13} {'B/item verm.':>13}")
    for dataset in args.datasets.split(","):
        port_r, port_v = free_port(), free_port()
        grown_r = measure(["redis-server", "--port", str(port_r), "--save", "", "--appendonly", "no"], port_r, dataset, args.count)
        grown_v = measure([vermilion, "--port", str(port_v), "--save", ""], port_v, dataset, args.count, args.vermilion_preload)
        print(
            f"{dataset:<10} {args.count:>10} {grown_r / 2**20:>10.1f} {grown_v / 2**20:>13.1f} {grown_v / grown_r:>7.2f}"
            f" {grown_r / args.count:>13.1f} {grown_v / args.count:>13.1f}"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
