"""AOF persistence against real Redis: write throughput under each `appendfsync` policy, and how
many acknowledged writes a `kill -9` loses with `everysec`.

    cargo build --release -p vermilion-server
    .venv/bin/python bench/aof_bench.py [--requests 100000] [--clients 50] [--loss-rounds 8]

Both servers run from scratch directories with the same flags: `--appendonly yes --appendfsync
POLICY --save ""`. Throughput is `redis-benchmark -t set` (random keys) against each; the ratio is
vermilion/redis, so above 1 means faster than Redis.

The loss window: one client RPUSHes a sequence as fast as it is acknowledged, noting when each
push was acknowledged; after a seeded random 1-2 s the server is killed with SIGKILL and
restarted on the same directory. The pushes acknowledged but missing after the restart are the
loss: how many, and how many milliseconds of acknowledged writes that was (from the first lost
push's acknowledgement to the kill). A kill takes the process, not the machine: what the server
handed to write(2) survives in the page cache whatever the fsync policy, so this measures what a
server acknowledges before writing, not what an OS crash would cost `everysec` (up to ~2 s).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[1]
POLICIES = ("always", "everysec", "no")
STARTUP_DEADLINE_S = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One server on a scratch directory that outlives restarts."""

    def __init__(self, label: str, binary: str, workdir: Path, policy: str):
        self.label, self.binary, self.workdir, self.policy = label, binary, workdir, policy
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.port = free_port()
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", str(self.workdir),
                "--appendonly", "yes", "--appendfsync", self.policy]
        self.proc = subprocess.Popen(args, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while True:
            try:
                if client.ping():
                    return
            except (redis.ConnectionError, redis.BusyLoadingError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.label} did not start")
                time.sleep(0.01)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def throughput(server: Server, requests: int, clients: int) -> tuple[float, float]:
    """SET requests per second and the p50 latency in ms, as redis-benchmark reports them."""
    out = subprocess.run(
        ["redis-benchmark", "-p", str(server.port), "-t", "set", "-c", str(clients), "-n", str(requests), "-r", "100000", "--csv"],
        check=True, capture_output=True, text=True,
    ).stdout
    rows = [row for row in csv.reader(io.StringIO(out)) if row and row[0] == "SET"]
    header = next(csv.reader(io.StringIO(out)))
    row = dict(zip(header, rows[0]))
    return float(row["rps"]), float(row["p50_latency_ms"])


def loss_round(server: Server, rng: random.Random) -> tuple[int, float]:
    """One kill -9 under a sequential writer: acknowledged pushes lost, and their span in ms."""
    server.start()
    client = redis.Redis(port=server.port)
    already = client.llen("seq")
    acked_at: list[float] = []
    started = threading.Event()

    def write() -> None:
        writer = redis.Redis(port=server.port)
        n = already
        try:
            while True:
                writer.rpush("seq", n + 1)
                acked_at.append(time.monotonic())
                n += 1
                started.set()
        except redis.ConnectionError:
            return

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    started.wait(10)
    time.sleep(rng.uniform(1.0, 2.0))
    killed_at = time.monotonic()
    server.kill()
    thread.join(10)
    server.start()
    recovered = redis.Redis(port=server.port).llen("seq") - already
    server.stop()
    lost = max(0, len(acked_at) - recovered)
    window_ms = (killed_at - acked_at[recovered]) * 1000 if lost else 0.0
    return lost, window_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vermilion", default=str(REPO / "target" / "release" / "vermilion-server"))
    parser.add_argument("--redis", default=shutil.which("redis-server") or "redis-server")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--loss-rounds", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    binaries = {"redis": args.redis, "vermilion": args.vermilion}

    print(f"SET throughput, {args.clients} clients, {args.requests} requests, appendonly yes")
    print(f"{'appendfsync':<12}{'redis rps':>12}{'vermilion rps':>15}{'ratio':>8}{'redis p50':>11}{'verm. p50':>11}")
    for policy in POLICIES:
        results = {}
        for label, binary in binaries.items():
            with tempfile.TemporaryDirectory(prefix=f"aof-bench-{label}-") as workdir:
                server = Server(label, binary, Path(workdir), policy)
                server.start()
                try:
                    results[label] = throughput(server, args.requests, args.clients)
                finally:
                    server.stop()
        (redis_rps, redis_p50), (ours_rps, ours_p50) = results["redis"], results["vermilion"]
        print(f"{policy:<12}{redis_rps:>12.0f}{ours_rps:>15.0f}{ours_rps / redis_rps:>8.2f}{redis_p50:>10.3f}ms{ours_p50:>9.3f}ms")

    print(f"\nkill -9 under a sequential writer, appendfsync everysec, {args.loss_rounds} rounds (seed {args.seed})")
    print(f"{'server':<12}{'lost writes max':>16}{'median':>8}{'lost ms max':>13}{'median':>8}")
    for label, binary in binaries.items():
        rng = random.Random(args.seed)
        with tempfile.TemporaryDirectory(prefix=f"aof-loss-{label}-") as workdir:
            server = Server(label, binary, Path(workdir), "everysec")
            rounds = [loss_round(server, rng) for _ in range(args.loss_rounds)]
        lost = [n for n, _ in rounds]
        spans = [ms for _, ms in rounds]
        print(f"{label:<12}{max(lost):>16}{statistics.median(lost):>8.0f}{max(spans):>13.1f}{statistics.median(spans):>8.1f}")


if __name__ == "__main__":
    main()
