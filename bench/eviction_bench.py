"""Cache hit ratio under maxmemory: vermilion-server and redis-server side by side.

    python3 bench/eviction_bench.py                        # allkeys-lru and allkeys-lfu
    python3 bench/eviction_bench.py --ops 400000 --keys 200000 --maxmemory 16mb

A cache-aside workload: keys drawn from a Zipfian distribution (s = 1.0) over `--keys` keys; each
GET that misses is followed by a SET of a 100-byte value, as an application filling its cache
would. Both servers get the same `maxmemory` and policy, and the same key sequence (a fixed
seed). Reported per policy: hit ratio of each server over the second half of the run (after the
cache warmed up), evicted keys, used_memory, and keys held at the end (memory per key decides
how much of the hot set fits).
"""

from __future__ import annotations

import argparse
import bisect
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory_bench import free_port, start, vermilion_binary  # noqa: E402

BATCH = 500
VALUE = b"v" * 100


def zipf_sampler(n: int, s: float, rng: random.Random):
    """Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s."""
    cumulative = []
    total = 0.0
    for rank in range(n):
        total += 1.0 / (rank + 1) ** s
        cumulative.append(total)
    # Ranks are shuffled onto key names so hot keys are spread over the key space.
    names = list(range(n))
    rng.shuffle(names)
    return lambda: names[bisect.bisect_left(cumulative, rng.random() * total)]


def run(client, keys: list[int]) -> tuple[int, int]:
    """Plays the workload; returns (hits, gets) over its second half."""
    hits = gets = 0
    half = len(keys) // 2
    for start_index in range(0, len(keys), BATCH):
        batch = keys[start_index:start_index + BATCH]
        names = [f"key:{k}" for k in batch]
        values = client.mget(names)
        misses = [name for name, value in zip(names, values) if value is None]
        if misses:
            pipe = client.pipeline(transaction=False)
            for name in misses:
                pipe.set(name, VALUE)
            pipe.execute()
        if start_index >= half:
            gets += len(batch)
            hits += len(batch) - len(misses)
    return hits, gets


def info_field(client, section: str, name: str) -> int:
    return int(client.info(section)[name])


def measure(argv: list[str], port: int, policy: str, maxmemory: str, keys: list[int]) -> dict:
    proc, client = start(argv, port, None)
    try:
        client.config_set("maxmemory-policy", policy)
        client.config_set("maxmemory", maxmemory)
        hits, gets = run(client, keys)
        return {
            "hit": hits / gets,
            "evicted": info_field(client, "stats", "evicted_keys"),
            "used": info_field(client, "memory", "used_memory"),
            "keys": client.dbsize(),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=200_000)
    parser.add_argument("--ops", type=int, default=400_000)
    parser.add_argument("--maxmemory", default="16mb")
    parser.add_argument("--policies", default="allkeys-lru,allkeys-lfu")
    args = parser.parse_args()
    rng = random.Random(42)
    draw = zipf_sampler(args.keys, 1.0, rng)
    keys = [draw() for _ in range(args.ops)]
    vermilion = vermilion_binary()
    print(f"Zipf(1.0) over {args.keys} keys, {args.ops} GETs (SET on miss), maxmemory {args.maxmemory}\n")
    print(f"{'policy':<12} {'server':<10} {'hit ratio':>9} {'vs redis':>9} {'evicted':>9} {'used MB':>8} {'keys held':>10}")
    for policy in args.policies.split(","):
        port_r, port_v = free_port(), free_port()
        redis_result = measure(["redis-server", "--port", str(port_r), "--save", "", "--appendonly", "no"], port_r,
                               policy, args.maxmemory, keys)
        ours = measure([vermilion, "--port", str(port_v), "--save", ""], port_v, policy, args.maxmemory, keys)
        for name, r in (("redis", redis_result), ("vermilion", ours)):
            print(f"{policy:<12} {name:<10} {r['hit']:>9.3f} {r['hit'] / redis_result['hit']:>8.2f}x {r['evicted']:>9}"
                  f" {r['used'] / 2**20:>8.1f} {r['keys']:>10}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
