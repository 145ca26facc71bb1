"""Atomicity under load, every face at once: 50 clients of one engine — half embedded
(`vermilion.Redis(engine=...)`), half redis-py over the engine's own network server, plus a few
ioredis clients of the Node package in a child process when Node is available — race on one
counter.

Optimistic locking: each client makes 1,000 tries of WATCH, GET, MULTI/INCR/EXEC; an EXEC that
fails because the counter moved is a lost try, not a retry, so the work is fixed however the
clients contend (retrying until success would leave the network clients, whose tries span socket
round trips, starved by the embedded ones for most of a minute). Some embedded clients go through
redis-py's `transaction()` helper instead, which retries by itself: 1,000 successes each.
Scripts: each client runs an EVALSHA'd read-modify-write 1,000 times.

Besides the final count, every successful increment reports the value it produced, and those
values must be exactly 1..N: a lost update shows up as a duplicate, a torn transaction as an INCR
result that does not follow the value read under WATCH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest
import redis

import vermilion

EMBEDDED_CLIENTS = 25
NETWORK_CLIENTS = 25
NODE_CLIENTS = 4
TRIES = 1_000
KEY = "counter"
# A read-modify-write a script must do atomically: two runs interleaving would lose an update.
INCREMENT_SCRIPT = "local v = tonumber(redis.call('GET', KEYS[1]) or '0') + 1\nredis.call('SET', KEYS[1], v)\nreturn v"
DEADLINE_S = 120

NODE_PACKAGE = Path(__file__).resolve().parents[2] / "node"

# Runs in a Node child process: `clients` ioredis clients of the Node package, each making
# `tries` tries the same way as the Python workers; prints every value produced as JSON.
NODE_WORKERS = r"""
const Redis = require(process.argv[1]);
const [port, clients, tries, mode, key, sha] = [+process.argv[2], +process.argv[3], +process.argv[4], process.argv[5], process.argv[6], process.argv[7]];

async function watched(r) {
  const produced = [];
  for (let i = 0; i < tries; i++) {
    await r.watch(key);
    const current = Number(await r.get(key) || 0);
    const result = await r.multi().incr(key).exec();
    if (result === null) continue;  // the counter moved under WATCH: a lost try
    const value = result[0][1];
    if (value !== current + 1) throw new Error(`EXEC gave ${value} after reading ${current}`);
    produced.push(value);
  }
  return produced;
}

async function scripted(r) {
  const produced = [];
  for (let i = 0; i < tries; i++) produced.push(Number(await r.evalsha(sha, 1, key)));
  return produced;
}

(async () => {
  const rs = Array.from({ length: clients }, () => new Redis({ port, host: '127.0.0.1' }));
  const work = mode === 'script' ? scripted : watched;
  const produced = (await Promise.all(rs.map(work))).flat();
  await Promise.all(rs.map((r) => r.quit()));
  process.stdout.write(JSON.stringify(produced));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def node_available() -> bool:
    return shutil.which("node") is not None and (NODE_PACKAGE / "vermilion.node").exists()


def watched_increments(client: redis.Redis, produced: list[int]) -> Callable[[], None]:
    """1,000 tries of WATCH/GET/MULTI/INCR/EXEC; a WatchError loses the try."""

    def work() -> None:
        with client.pipeline() as pipe:
            for _ in range(TRIES):
                try:
                    pipe.watch(KEY)
                    current = int(pipe.get(KEY) or 0)
                    pipe.multi()
                    pipe.incr(KEY)
                    (value,) = pipe.execute()
                except redis.WatchError:
                    continue
                assert value == current + 1, f"EXEC gave {value} after reading {current} under WATCH"
                produced.append(value)

    return work


def helper_increments(client: redis.Redis, produced: list[int]) -> Callable[[], None]:
    """1,000 increments through redis-py's `transaction()` helper, which retries by itself."""

    def work() -> None:
        for _ in range(TRIES):
            read: list[int] = []

            def bump(pipe: redis.client.Pipeline) -> None:
                read.append(int(pipe.get(KEY) or 0))
                pipe.multi()
                pipe.incr(KEY)

            (value,) = client.transaction(bump, KEY)
            assert value == read[-1] + 1, f"EXEC gave {value} after reading {read[-1]} under WATCH"
            produced.append(value)

    return work


def scripted_increments(client: redis.Redis, sha: str, produced: list[int]) -> Callable[[], None]:
    def work() -> None:
        for _ in range(TRIES):
            produced.append(int(client.evalsha(sha, 1, KEY)))

    return work


Worker = Callable[[redis.Redis, list[int]], Callable[[], None]]


class Race:
    """One engine, its server, and the clients racing on it."""

    def __init__(self) -> None:
        self.engine = vermilion.Engine()
        self.server = vermilion.Server(self.engine, port=0)
        self.embedded = [vermilion.Redis(engine=self.engine) for _ in range(EMBEDDED_CLIENTS)]
        self.network = [redis.Redis(port=self.server.port) for _ in range(NETWORK_CLIENTS)]
        self.results: list[list[int]] = []
        self.failures: list[BaseException] = []

    def run(self, embedded: list[Worker], network: Worker, node_mode: str, sha: str = "") -> list[int]:
        """Runs a worker per client (the embedded ones take turns through `embedded`) and, if
        Node is there, the Node clients; returns every value produced."""
        threads = []
        clients = [(client, embedded[i % len(embedded)]) for i, client in enumerate(self.embedded)]
        clients += [(client, network) for client in self.network]
        for client, worker in clients:
            produced: list[int] = []
            self.results.append(produced)
            threads.append(threading.Thread(target=self.guarded(worker(client, produced))))
        node = self.start_node(node_mode, sha) if node_available() else None
        try:
            for t in threads:
                t.start()
            deadline = time.monotonic() + DEADLINE_S
            for t in threads:
                t.join(timeout=max(0.0, deadline - time.monotonic()))
                assert not t.is_alive(), "a worker did not finish in time"
            assert not self.failures, self.failures[0]
            values = [v for produced in self.results for v in produced]
            if node is not None:
                out, err = node.communicate(timeout=max(1.0, deadline - time.monotonic()))
                assert node.returncode == 0, err.decode(errors="replace")
                values.extend(json.loads(out))
            return values
        finally:
            if node is not None and node.poll() is None:
                node.kill()
                node.wait()

    def guarded(self, work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except BaseException as e:  # reported by run(): a thread's assertion is the test's
                self.failures.append(e)

        return run

    def start_node(self, mode: str, sha: str) -> subprocess.Popen[bytes]:
        argv = ["node", "-e", NODE_WORKERS, str(NODE_PACKAGE), str(self.server.port), str(NODE_CLIENTS), str(TRIES), mode, KEY, sha]
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "NODE_NO_WARNINGS": "1"})

    def close(self) -> None:
        for client in self.embedded + self.network:
            client.close()
        self.server.stop()
        self.engine.shutdown()


@pytest.fixture
def race() -> Iterator[Race]:
    r = Race()
    yield r
    r.close()


def assert_exact(race: Race, values: list[int]) -> None:
    total = len(values)
    assert int(race.embedded[0].get(KEY)) == total
    assert int(race.network[0].get(KEY)) == total
    # Every increment produced a distinct value: none was lost, none counted twice.
    assert sorted(values) == list(range(1, total + 1))


def test_optimistic_locking_from_every_face_is_exact(race: Race) -> None:
    values = race.run([watched_increments, helper_increments], watched_increments, node_mode="watch")
    assert_exact(race, values)
    # At least the helpers' increments went through, whoever won the other tries.
    assert len(values) >= TRIES * len(race.embedded[1::2])


def test_evalsha_read_modify_write_from_every_face_is_exact(race: Race) -> None:
    sha = race.embedded[0].script_load(INCREMENT_SCRIPT)

    def scripted(client: redis.Redis, produced: list[int]) -> Callable[[], None]:
        return scripted_increments(client, sha, produced)

    values = race.run([scripted], scripted, node_mode="script", sha=sha)
    assert_exact(race, values)
    clients = EMBEDDED_CLIENTS + NETWORK_CLIENTS + (NODE_CLIENTS if node_available() else 0)
    assert len(values) == TRIES * clients
