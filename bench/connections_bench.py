"""Idle connections against real Redis: memory per idle connection, and the latency one active
client sees while thousands of others sit idle.

    cargo build --release -p vermilion-server
    .venv/bin/python bench/connections_bench.py [--idle 10000] [--pings 20000]

For each server (release vermilion-server, then redis-server, same flags): start it, measure the
PING latency of one active client (the baseline), open `--idle` raw TCP connections that each
send one PING and read its PONG (so the server has set each one up fully, buffers included),
measure the server's RSS growth (1 s after they opened, and again once they have been idle
for `--idle-seconds`: both servers trim idle clients' buffers after a while) and the active
client's latency, then close everything. Memory per idle connection is the RSS growth divided
by the connections; the ratio is vermilion/redis, so below 1 means leaner than Redis. Latencies are per-PING round trips, in
microseconds, p50 and p99.

Both this process and the servers need a descriptor per connection: the script raises its own
`RLIMIT_NOFILE` soft limit to the hard one, and the servers inherit it.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STARTUP_DEADLINE_S = 30.0
# Descriptors the script keeps for itself beyond the idle connections (stdio, the active client...).
SPARE_DESCRIPTORS = 64
# Lets the allocators settle after the connections open, before RSS is read.
SETTLE_S = 1.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_descriptor_limit(needed: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if limit < needed:
        raise SystemExit(f"need {needed} file descriptors, the hard limit is {limit}")
    return limit


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Server:
    def __init__(self, label: str, binary: str, maxclients: int):
        self.label, self.binary, self.maxclients = label, binary, maxclients
        self.workdir = Path(tempfile.mkdtemp(prefix=f"connbench-{label}-"))
        self.port = free_port()
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.workdir), "--maxclients", str(maxclients)]
        self.proc = subprocess.Popen(args, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{label} did not start")
            time.sleep(0.05)

    def rss_kib(self) -> int:
        return rss_kib(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.workdir, ignore_errors=True)


def ping(sock: socket.socket) -> None:
    sock.sendall(b"PING\r\n")
    reply = b""
    while not reply.endswith(b"\r\n"):
        chunk = sock.recv(64)
        if not chunk:
            raise ConnectionError("closed")
        reply += chunk
    if reply != b"+PONG\r\n":
        raise ConnectionError(f"unexpected reply {reply!r}")


def latencies_us(port: int, pings: int) -> tuple[float, float]:
    """p50 and p99 of `pings` sequential PING round trips on one connection."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for _ in range(min(1000, pings)):
            ping(sock)
        samples = []
        for _ in range(pings):
            started = time.perf_counter_ns()
            ping(sock)
            samples.append((time.perf_counter_ns() - started) / 1000)
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[98]


def open_idle(port: int, count: int) -> list[socket.socket]:
    """`count` connections, each having sent one PING and read its PONG."""
    connections = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        connections.append(sock)
    # PINGs in bulk, then the PONGs: the setup costs one round trip's latency, not `count`.
    for sock in connections:
        sock.sendall(b"PING\r\n")
    for sock in connections:
        reply = sock.recv(64)
        if reply != b"+PONG\r\n":
            raise ConnectionError(f"unexpected reply {reply!r} (maxclients?)")
    return connections


@dataclass
class Figures:
    label: str
    rss_before_kib: int
    rss_after_kib: int
    rss_idle_kib: int
    idle: int
    baseline: tuple[float, float]
    loaded: tuple[float, float]

    @property
    def bytes_per_new_connection(self) -> float:
        return (self.rss_after_kib - self.rss_before_kib) * 1024 / self.idle

    @property
    def bytes_per_idle_connection(self) -> float:
        return (self.rss_idle_kib - self.rss_before_kib) * 1024 / self.idle


def measure(label: str, binary: str, idle: int, pings: int, idle_seconds: float) -> Figures:
    server = Server(label, binary, maxclients=idle + SPARE_DESCRIPTORS)
    try:
        baseline = latencies_us(server.port, pings)
        time.sleep(SETTLE_S)
        before = server.rss_kib()
        connections = open_idle(server.port, idle)
        time.sleep(SETTLE_S)
        after = server.rss_kib()
        time.sleep(max(0.0, idle_seconds - SETTLE_S))
        idle_rss = server.rss_kib()
        loaded = latencies_us(server.port, pings)
        for sock in connections:
            sock.close()
        return Figures(label, before, after, idle_rss, idle, baseline, loaded)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=int, default=10_000)
    parser.add_argument("--pings", type=int, default=20_000)
    parser.add_argument("--idle-seconds", type=float, default=8.0)
    parser.add_argument("--vermilion", default=str(REPO / "target" / "release" / "vermilion-server"))
    parser.add_argument("--redis", default=shutil.which("redis-server") or "redis-server")
    args = parser.parse_args()
    raise_descriptor_limit(args.idle + SPARE_DESCRIPTORS)

    results = [measure(label, binary, args.idle, args.pings, args.idle_seconds)
               for label, binary in (("vermilion", args.vermilion), ("redis", args.redis))]
    print(f"{args.idle} idle connections, {args.pings} PINGs of one active client\n")
    print(f"{'server':<10} {'RSS before':>11} {'after 1s':>10} {'B/conn':>7} {f'after {args.idle_seconds:g}s':>10} {'B/conn':>7} "
          f"{'p50 no idle':>12} {'p99 no idle':>12} {'p50 w/ idle':>12} {'p99 w/ idle':>12}")
    for r in results:
        print(f"{r.label:<10} {r.rss_before_kib / 1024:>9.1f}Mi {r.rss_after_kib / 1024:>8.1f}Mi "
              f"{r.bytes_per_new_connection:>7.0f} {r.rss_idle_kib / 1024:>8.1f}Mi {r.bytes_per_idle_connection:>7.0f} "
              f"{r.baseline[0]:>10.1f}us {r.baseline[1]:>10.1f}us {r.loaded[0]:>10.1f}us {r.loaded[1]:>10.1f}us")
    ours, redis = results
    print(f"\nmemory per idle connection, vermilion/redis: {ours.bytes_per_idle_connection / redis.bytes_per_idle_connection:.2f}x "
          f"(1 s after opening: {ours.bytes_per_new_connection / redis.bytes_per_new_connection:.2f}x)")
    for r in results:
        print(f"{r.label}: p99 with idle connections / without: {r.loaded[1] / r.baseline[1]:.2f}x")


if __name__ == "__main__":
    main()
