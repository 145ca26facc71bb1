"""RDB persistence against real Redis: SAVE time, load time and file size for a mixed dataset,
and BGSAVE under write load (p99 latency of 50 writing clients before and during the save, and the
extra memory the save takes).

    cargo build --release -p vermilion-server
    .venv/bin/python bench/rdb_bench.py [--keys 1000000] [--vermilion target/release/vermilion-server]

Both servers run from scratch directories with `--save ""`; the dataset is the same for both:
70% strings, 10% hashes (5 fields), 10% lists (5 elements), 5% sets (5 members), 5% sorted sets
(5 members), built with pipelines. Latency comes from `redis-benchmark` (SET on random keys, 50
clients, on 50k keys the first run creates, so the second only overwrites); during the save,
BGSAVE is repeated for the whole benchmark run.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, label: str, binary: str, workdir: Path):
        self.label, self.binary, self.workdir = label, binary, workdir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        """Starts the server (loading dump.rdb if present); returns seconds until it answers PING."""
        started = time.perf_counter()
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        self.proc = subprocess.Popen(args, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        while True:
            try:
                if client.ping():
                    return time.perf_counter() - started
            except (redis.ConnectionError, redis.BusyLoadingError):
                time.sleep(0.005)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port)

    def stop(self) -> None:
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def rss(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0


def populate(client: redis.Redis, keys: int) -> None:
    pipe = client.pipeline(transaction=False)
    for i in range(keys):
        kind = i % 20
        if kind < 14:
            pipe.set(f"string:{i}", f"value-{i}-" + "x" * (i % 40))
        elif kind < 16:
            pipe.hset(f"hash:{i}", mapping={f"f{j}": f"v{i}-{j}" for j in range(5)})
        elif kind < 18:
            pipe.rpush(f"list:{i}", *[f"e{i}-{j}" for j in range(5)])
        elif kind < 19:
            pipe.sadd(f"set:{i}", *[f"m{i}-{j}" for j in range(5)])
        else:
            pipe.zadd(f"zset:{i}", {f"m{i}-{j}": j * 1.5 for j in range(5)})
        if i % 5000 == 4999:
            pipe.execute()
    pipe.execute()


def wait_bgsave(client: redis.Redis) -> None:
    while client.info("persistence")["rdb_bgsave_in_progress"]:
        time.sleep(0.005)


def set_latency(port: int, requests: int) -> dict:
    out = subprocess.run(
        ["redis-benchmark", "-p", str(port), "-c", "50", "-n", str(requests), "-r", "50000", "-t", "set", "-d", "32", "--csv"],
        capture_output=True, text=True, check=True,
    ).stdout
    row = next(csv.DictReader(io.StringIO(out)))
    return {"rps": float(row["rps"]), "p50": float(row["p50_latency_ms"]), "p99": float(row["p99_latency_ms"]), "max": float(row["max_latency_ms"])}


def bgsave_under_load(server: Server, requests: int) -> dict:
    client = server.client()
    before = set_latency(server.port, requests)
    rss_before = server.rss()
    peak = [rss_before]
    done = threading.Event()

    def keep_saving():
        while not done.is_set():
            try:
                client.bgsave()
            except redis.ResponseError:
                pass
            while client.info("persistence")["rdb_bgsave_in_progress"] and not done.is_set():
                peak[0] = max(peak[0], server.rss())
                time.sleep(0.002)

    saver = threading.Thread(target=keep_saving)
    saver.start()
    during = set_latency(server.port, requests)
    done.set()
    saver.join()
    wait_bgsave(client)
    info = client.info("persistence")
    return {"before": before, "during": during, "extra_rss": peak[0] - rss_before, "cow": info.get("rdb_last_cow_size", 0), "rss": rss_before}


def measure(label: str, binary: str, keys: int, requests: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"rdb-bench-{label}-"))
    try:
        server = Server(label, binary, workdir)
        server.start()
        client = server.client()
        populate(client, keys)
        used = client.info("memory")["used_memory"]
        started = time.perf_counter()
        client.save()
        save_secs = time.perf_counter() - started
        size = (workdir / "dump.rdb").stat().st_size
        server.stop()
        load_secs = server.start()
        assert server.client().dbsize() == keys, "every key loaded"
        load = bgsave_under_load(server, requests)
        server.stop()
        return {"save": save_secs, "load": load_secs, "size": size, "used_memory": used, **load}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300_000)
    parser.add_argument("--vermilion", default=str(REPO / "target" / "release" / "vermilion-server"))
    args = parser.parse_args()
    results = {
        "redis": measure("redis", shutil.which("redis-server"), args.keys, args.requests),
        "vermilion": measure("vermilion", args.vermilion, args.keys, args.requests),
    }
    r, v = results["redis"], results["vermilion"]
    print(f"{args.keys} keys (70% strings, 30% small hashes/lists/sets/zsets)")
    print(f"{'':28}{'redis':>14}{'vermilion':>14}{'ratio':>8}")
    for name, key, fmt in [("SAVE (s)", "save", "{:.3f}"), ("load at start (s)", "load", "{:.3f}"), ("file size (bytes)", "size", "{:.0f}"), ("used_memory (bytes)", "used_memory", "{:.0f}")]:
        print(f"{name:28}{fmt.format(r[key]):>14}{fmt.format(v[key]):>14}{v[key] / r[key]:>8.2f}")
    for phase in ("before", "during"):
        for metric in ("rps", "p50", "p99", "max"):
            print(f"{'SET ' + metric + ' ' + phase + ' BGSAVE':28}{r[phase][metric]:>14.3f}{v[phase][metric]:>14.3f}{v[phase][metric] / max(r[phase][metric], 1e-9):>8.2f}")
    print(f"{'extra RSS during BGSAVE':28}{r['extra_rss']:>14}{v['extra_rss']:>14}   (redis: parent only; its fork's copy-on-write: {r['cow']} bytes)")
    print(f"{'extra RSS / dataset RSS':28}{r['extra_rss'] / r['rss']:>14.1%}{v['extra_rss'] / v['rss']:>14.1%}")


if __name__ == "__main__":
    main()
