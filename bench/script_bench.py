#!/usr/bin/env python3
"""EVALSHA throughput of vermilion-server next to redis-server, and the per-call cost of EVALSHA
from embedded Python.

Run from the repository root (the venv has redis-py and the ``vermilion`` module installed)::

    .venv/bin/python bench/script_bench.py                       # builds the release server first
    .venv/bin/python bench/script_bench.py --requests 50000      # shorter
    .venv/bin/python bench/script_bench.py --server path/to/vermilion-server --no-build
    .venv/bin/python bench/script_bench.py --skip-embedded       # network part only
    .venv/bin/python bench/script_bench.py --rounds 3            # best of 3 (a busy machine)

Network part: both servers start on free ports (no persistence); each script is loaded with
SCRIPT LOAD, then ``redis-benchmark -c 50`` sends ``EVALSHA <sha> 1 <key>`` without pipelining
(-P 1) and 16 per pipeline (-P 16). Plain GET and INCR run alongside, as the floor each script
builds on. The table shows requests per second and the ratio vermilion/redis.

Embedded part: ``vermilion.Redis()`` in this process; nanoseconds per call of GET and INCR, of
EVALSHA of the same commands as scripts, and the difference — what running a command through a
script costs on top of running it. Once through redis-py's methods (``r.get`` is a native fast
path, ``r.evalsha`` goes through redis-py's ``execute_command``), once through the native client's
``execute`` (the binding and the engine only). (It uses the installed ``vermilion`` module:
``.venv/bin/pip install .`` after changing the engine.)
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
GET_SCRIPT = "return redis.call('GET', KEYS[1])"
INCR_SCRIPT = "return redis.call('INCR', KEYS[1])"
# (label, command words after redis-benchmark's options; "{get}"/"{incr}" stand for the SHA1s)
TESTS = [
    ("GET", ["GET", "key"]),
    ("EVALSHA get", ["EVALSHA", "{get}", "1", "key"]),
    ("INCR", ["INCR", "counter"]),
    ("EVALSHA incr", ["EVALSHA", "{incr}", "1", "counter"]),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vermilion_binary(args: argparse.Namespace) -> str:
    if args.server:
        return args.server
    manifest = str(ROOT / "Cargo.toml")
    if not args.no_build:
        print("Building vermilion-server (release)...", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "vermilion-server", "--manifest-path", manifest], check=True)
    metadata = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps", "--manifest-path", manifest], check=True, capture_output=True
    )
    return str(Path(json.loads(metadata.stdout)["target_directory"]) / "release" / "vermilion-server")


def start(argv: list[str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit(f"script_bench: nothing answers on port {port}")
            time.sleep(0.01)


def requests_per_second(port: int, words: list[str], pipeline: int, args: argparse.Namespace) -> float | None:
    """redis-benchmark's figure for one command, or None if the server refused it."""
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-q", "--csv"]
    argv += ["-n", str(args.requests), "-c", str(args.clients), "-P", str(pipeline), *words]
    run = subprocess.run(argv, capture_output=True, text=True)
    # --csv: a header line, then "<command>","<rps>",...
    for line in run.stdout.splitlines()[1:]:
        fields = [f.strip('"') for f in line.split(",")]
        if len(fields) > 1 and fields[1]:
            try:
                return float(fields[1])
            except ValueError:
                return None
    return None


def prepare(port: int) -> dict[str, str]:
    """Loads both scripts and sets the keys; returns the SHA1s by name."""
    client = redis.Redis(port=port)
    client.set("key", "x" * 32)
    client.set("counter", 0)
    return {"get": client.script_load(GET_SCRIPT), "incr": client.script_load(INCR_SCRIPT)}


def network(args: argparse.Namespace) -> None:
    for tool in ("redis-server", "redis-benchmark"):
        if shutil.which(tool) is None:
            raise SystemExit(f"script_bench: {tool} is not on PATH")
    binary = vermilion_binary(args)
    redis_port, vermilion_port = free_port(), free_port()
    workdir = tempfile.TemporaryDirectory(prefix="script_bench-")
    quiet = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workdir.name]
    servers = [
        start(["redis-server", "--port", str(redis_port), *quiet], redis_port),
        start([binary, "--port", str(vermilion_port), *quiet], vermilion_port),
    ]
    try:
        shas = {port: prepare(port) for port in (redis_port, vermilion_port)}
        best = f", best of {args.rounds}" if args.rounds > 1 else ""
        print(f"\nredis-benchmark -n {args.requests} -c {args.clients} (requests per second{best})\n")
        print(f"{'test':<14} {'-P':>3} {'redis':>12} {'vermilion':>12} {'ratio':>7}")
        print(f"{'-' * 14} {'-' * 3} {'-' * 12} {'-' * 12} {'-' * 7}")
        for pipeline in args.pipelines:
            for label, words in TESTS:
                # The servers take turns, so that a burst of load elsewhere hits both alike.
                rates: list[float | None] = [None, None]
                for _ in range(args.rounds):
                    for i, port in enumerate((redis_port, vermilion_port)):
                        filled = [w.format(**shas[port]) for w in words]
                        rate = requests_per_second(port, filled, pipeline, args)
                        rates[i] = max(rates[i] or 0.0, rate) if rate else rates[i]
                redis_rps, vermilion_rps = rates
                ratio = f"{vermilion_rps / redis_rps:.2f}" if redis_rps and vermilion_rps else "n/a"
                shown = [f"{r:12.0f}" if r else f"{'n/a':>12}" for r in rates]
                print(f"{label:<14} {pipeline:>3} {shown[0]} {shown[1]} {ratio:>7}", flush=True)
    finally:
        for process in servers:
            process.terminate()
            process.wait()
        workdir.cleanup()


def best_ns(op, number: int, repeat: int) -> float:
    """The best of ``repeat`` runs of ``number`` calls, in nanoseconds per call."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter_ns()
        for _ in range(number):
            op()
        best = min(best, time.perf_counter_ns() - started)
    return best / number


def embedded(args: argparse.Namespace) -> None:
    import vermilion

    r = vermilion.Redis()
    r.set("key", "x" * 32)
    get_sha, incr_sha = r.script_load(GET_SCRIPT), r.script_load(INCR_SCRIPT)
    native = r.connection_pool.get_connection().native
    # (label, plain command, the same command run by a script)
    pairs = [
        ("GET, redis-py", lambda: r.get("key"), lambda: r.evalsha(get_sha, 1, "key")),
        ("INCR, redis-py", lambda: r.incr("counter"), lambda: r.evalsha(incr_sha, 1, "counter")),
        ("GET, native", lambda: native.execute(("GET", "key"), True), lambda: native.execute(("EVALSHA", get_sha, 1, "key"), True)),
        (
            "INCR, native",
            lambda: native.execute(("INCR", "counter"), True),
            lambda: native.execute(("EVALSHA", incr_sha, 1, "counter"), True),
        ),
    ]
    print(f"\nembedded Python, vermilion.Redis() (ns per call, best of {args.repeat} x {args.number})\n")
    print(f"{'':<16} {'plain':>9} {'EVALSHA':>9} {'overhead':>9}")
    for label, plain, scripted in pairs:
        plain_ns, scripted_ns = best_ns(plain, args.number, args.repeat), best_ns(scripted, args.number, args.repeat)
        print(f"{label:<16} {plain_ns:>9.0f} {scripted_ns:>9.0f} {scripted_ns - plain_ns:>9.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200_000, help="requests per redis-benchmark run")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--pipelines", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--rounds", type=int, default=1, help="redis-benchmark runs per figure (the best counts)")
    parser.add_argument("--server", help="a vermilion-server binary to use instead of building one")
    parser.add_argument("--no-build", action="store_true", help="use the release binary as it is")
    parser.add_argument("--number", type=int, default=50_000, help="embedded calls per round")
    parser.add_argument("--repeat", type=int, default=5, help="embedded rounds (the best counts)")
    parser.add_argument("--skip-network", action="store_true")
    parser.add_argument("--skip-embedded", action="store_true")
    args = parser.parse_args()
    if not args.skip_network:
        network(args)
    if not args.skip_embedded:
        embedded(args)


if __name__ == "__main__":
    main()
