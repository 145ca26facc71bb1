"""maxmemory under a write flood over the network, for each of the eight policies.

Each policy gets a fresh server with `maxmemory 4mb` (so `used_memory_peak` covers only the
flood); eight redis-py clients pipeline SETs of 16 B to 16 KiB (some with a TTL), HSETs, RPUSHes
and ZADDs while a ninth polls `INFO memory`. Neither the polled `used_memory` nor the peak may
pass `maxmemory` by more than MARGIN, and the server still answers afterwards. Real Redis runs the
same flood: the comparison is qualitative (both evict under the eviction policies, both refuse
with OOM under noeviction), as memory figures differ between the two.

Also byte-exact against Redis: EXEC refused for memory discards its transaction, and scripts are
checked as they start (the first write of a script without a shebang fails; a script declaring
that it writes is refused as a whole; `allow-oom` runs).
"""

from __future__ import annotations

import os
import random
import threading
from dataclasses import dataclass, field

import pytest
import redis

from servers import HOST, ServerProcess, redis_server_path, vermilion_server_path
from steps import case, cases

POLICIES = ["noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
            "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"]
MAXMEMORY = 4 * 1024 * 1024
CLIENTS = 8
PIPELINES_PER_CLIENT = 20
PIPELINE_LENGTH = 50
SMALLEST_VALUE, LARGEST_VALUE = 16, 16 * 1024
SEED = 20251122

# How far over maxmemory the server may be seen. As in the engine's flood test
# (crates/vermilion-engine/tests/eviction_flood.rs), every command is gated by an eviction pass, so
# what shows above the limit is what commands add after their gate: a 16 KiB value with its entry
# and reply, or one hash table doubling (PER_COMMAND). Over the network a connection's buffers also
# grow between commands, and the next gate evicts for them: a read buffer stretched to hold a whole
# 16 KiB argument, or replies gathered until they are flushed at 64 KiB (PER_CONNECTION). The
# server runs commands on one network thread per core, each with one command and one connection's
# buffers under way.
PER_COMMAND = LARGEST_VALUE + 1024 + 64 * 1024
PER_CONNECTION = 64 * 1024
NETWORK_THREADS = os.cpu_count() or 1
MARGIN = NETWORK_THREADS * (PER_COMMAND + PER_CONNECTION)

OOM = "command not allowed when used memory > 'maxmemory'."

SELF_CHECK = os.environ.get("VERMILION_SERVER") == "redis"


@dataclass
class Seen:
    """What one flood showed."""

    polled_peak: int = 0
    peak: int = 0
    evicted: int = 0
    refused: int = 0
    unexpected: list = field(default_factory=list)


def memory_field(conn: redis.Redis, section: str, name: str) -> int:
    return int(conn.info(section)[name])


def write(port: int, writer: int, seen: Seen, lock: threading.Lock) -> None:
    """One client: pipelines of a seeded mix of writes and reads."""
    conn = redis.Redis(host=HOST, port=port, socket_timeout=60)
    rng = random.Random(SEED + writer)
    value = b"v" * LARGEST_VALUE
    refused, unexpected = 0, []
    for batch in range(PIPELINES_PER_CLIENT):
        pipe = conn.pipeline(transaction=False)
        for i in range(PIPELINE_LENGTH):
            n = batch * PIPELINE_LENGTH + i
            size = int(SMALLEST_VALUE * (LARGEST_VALUE / SMALLEST_VALUE) ** rng.random())
            kind = rng.randrange(100)
            if kind < 40:
                pipe.set(f"s:{writer}:{n}", value[:size])
            elif kind < 65:
                pipe.set(f"v:{writer}:{n}", value[:size], ex=rng.randrange(100, 100_000))
            elif kind < 75:
                pipe.hset(f"h:{writer}:{n % 16}", f"f{n}", value[:min(size, 256)])
            elif kind < 85:
                pipe.rpush(f"l:{writer}:{n % 16}", value[:min(size, 256)])
            elif kind < 95:
                pipe.zadd(f"z:{writer}:{n % 16}", {f"m{n}": n})
            else:
                pipe.get(f"s:{writer}:{rng.randrange(n + 1)}")
        for reply in pipe.execute(raise_on_error=False):
            if isinstance(reply, redis.exceptions.OutOfMemoryError) and str(reply) == OOM:
                refused += 1
            elif isinstance(reply, Exception):
                unexpected.append(repr(reply))
    conn.close()
    with lock:
        seen.refused += refused
        seen.unexpected.extend(unexpected[:5])


def flood(server: ServerProcess) -> Seen:
    """Runs the writers and the poller against `server`; gathers what they saw."""
    seen, lock, done = Seen(), threading.Lock(), threading.Event()

    def poll() -> None:
        conn = redis.Redis(host=HOST, port=server.port, socket_timeout=60)
        while not done.is_set():
            seen.polled_peak = max(seen.polled_peak, memory_field(conn, "memory", "used_memory"))
        conn.close()

    poller = threading.Thread(target=poll)
    writers = [threading.Thread(target=write, args=(server.port, w, seen, lock)) for w in range(CLIENTS)]
    poller.start()
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    done.set()
    poller.join()
    conn = redis.Redis(host=HOST, port=server.port, socket_timeout=60)
    assert conn.ping(), f"{server.label} stopped answering"
    seen.peak = memory_field(conn, "memory", "used_memory_peak")
    seen.evicted = memory_field(conn, "stats", "evicted_keys")
    conn.close()
    return seen


def started(label: str, binary: str, policy: str) -> ServerProcess:
    server = ServerProcess(label, binary, ["--maxmemory", "4mb", "--maxmemory-policy", policy])
    server.start()
    return server


@pytest.mark.parametrize("policy", POLICIES)
def test_memory_stays_near_maxmemory_under_a_flood(policy):
    redis_binary = redis_server_path()
    if redis_binary is None:
        pytest.skip("redis-server is not on PATH; the differential suite needs real Redis as its oracle")
    subject_binary = redis_binary if SELF_CHECK else vermilion_server_path()
    results = {}
    for label, binary in (("redis", redis_binary), ("vermilion", subject_binary)):
        server = started(label, binary, policy)
        try:
            results[label] = flood(server)
            assert server.alive(), f"{label} died:\n{server.log_tail()}"
        finally:
            server.cleanup()
    ours, theirs = results["vermilion"], results["redis"]
    print(f"{policy}: vermilion {ours}, redis {theirs}")

    assert not ours.unexpected, ours.unexpected
    assert ours.polled_peak <= MAXMEMORY + MARGIN, f"used_memory reached maxmemory + {ours.polled_peak - MAXMEMORY}"
    assert ours.peak <= MAXMEMORY + MARGIN, f"used_memory_peak is maxmemory + {ours.peak - MAXMEMORY}"
    # The same story as Redis's: who evicts, who refuses.
    assert (ours.evicted > 0) == (theirs.evicted > 0), (ours, theirs)
    assert (ours.refused > 0) == (theirs.refused > 0), (ours, theirs)
    if policy == "noeviction":
        assert ours.refused > 0 and theirs.refused > 0
    if policy.startswith("allkeys-"):
        assert ours.refused == 0 == theirs.refused


def test_exec_refused_for_memory_discards_the_transaction(servers):
    """Transactions queued under the limit, with memory over it by EXEC (set from a second
    connection): the EXEC is refused and the transaction discarded whole, WATCHes included, even
    when a command was already refused while queueing."""
    transcripts = []
    for server in servers:
        server.ensure_running()
        with server.connect() as admin, server.connect() as conn:
            admin.call(["FLUSHALL"])
            # The error counts compared below start from zero, whatever ran before.
            admin.call(["CONFIG", "RESETSTAT"])
            steps = [conn.call(["WATCH", "w"]), conn.call(["MULTI"]), conn.call(["SET", "k", "v"])]
            admin.call(["CONFIG", "SET", "maxmemory", "1"])
            steps += [conn.call(["EXEC"]), conn.call(["PING"]), conn.call(["EXEC"]), conn.call(["EXISTS", "k"])]
            admin.call(["CONFIG", "SET", "maxmemory", "0"])
            steps += [conn.call(["MULTI"]), conn.call(["SET", "a", "1"])]
            admin.call(["CONFIG", "SET", "maxmemory", "1"])
            steps += [conn.call(["SET", "b", "2"]), conn.call(["EXEC"]), conn.call(["GET", "x"])]
            steps += [conn.call(["MULTI"]), conn.call(["SET", "c", "3"]), conn.call(["EXEC"]), conn.call(["DBSIZE"])]
            admin.call(["CONFIG", "SET", "maxmemory", "0"])
            steps += [conn.call(["INFO", "errorstats"])]
        transcripts.append(steps)
    assert transcripts[1] == transcripts[0]


RESET = ["CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction"]
FULL = ["CONFIG", "SET", "maxmemory", "1"]

SCRIPT_CASES = cases(
    case("scripts-are-checked-as-they-start",
         ["SET", "x", "1"], FULL,
         ["EVAL", "return redis.call('SET', 'k', 'v')", "0"],
         ["EVAL", "redis.call('GET', 'x') return redis.call('SET', 'k', 'v')", "0"],
         ["EVAL", "return redis.pcall('SET', 'k', 'v')", "0"],
         ["EVAL", "redis.call('DEL', 'x') return redis.call('SET', 'k', 'v')", "0"],
         ["EVAL", "#!lua\nreturn redis.call('SET', 'k', 'v')", "0"],
         ["EVAL", "#!lua flags=no-writes\nreturn redis.call('GET', 'k')", "0"],
         ["EVAL", "#!lua flags=allow-oom\nreturn redis.call('SET', 'k2', 'v')", "0"],
         ["EVAL", "return 1", "0"],
         RESET, ["EXISTS", "k", "k2", "x"]),
)


@pytest.mark.parametrize("script", SCRIPT_CASES)
def test_scripts_under_maxmemory(differ, script):
    differ.check(script)
