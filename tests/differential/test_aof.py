"""AOF directories across servers: Redis 7 loads the multi-part AOF Vermilion writes (manifest,
RDB base, RESP incremental file) to the same data, and with `appendfsync always` every
acknowledged write survives a `kill -9`.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
import threading
from pathlib import Path

import pytest

from servers import ServerProcess, redis_server_path, vermilion_server_path
from test_rdb import build, describe, expected_keys

FAR_S = 4102444800


@pytest.fixture
def scratch():
    path = Path(tempfile.mkdtemp(prefix="vermilion-aof-diff-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def aof_server(label: str, binary: str, directory: Path, *extra: str) -> ServerProcess:
    server = ServerProcess(label, binary, ["--dir", str(directory), "--appendonly", "yes", *extra])
    server.start()
    return server


def rewritten_forms(server: ServerProcess) -> None:
    """Commands whose logged form differs from what the client sent, after a rewrite so both
    the base and the incremental file carry data."""
    with server.connect() as conn:
        assert conn.call(["BGREWRITEAOF"])[0] == "simple"
        conn.call(["SELECT", "5"])
        conn.call(["SET", "relative", "v", "EX", "100000000"])
        conn.call(["EXPIREAT", "relative", str(FAR_S)])
        conn.call(["SADD", "popped", *[str(i) for i in range(20)]])
        conn.call(["SPOP", "popped", "5"])
        conn.call(["XADD", "generated", "*", "f", "v"])
        conn.call(["MULTI"])
        conn.call(["INCR", "counter"])
        conn.call(["INCRBYFLOAT", "float", "1.5"])
        conn.call(["EXEC"])
        conn.call(["EVAL", "redis.call('set', 'from-script', 'x'); redis.call('rpush', 'l', 'a', 'b'); return 1", "0"])


def test_redis_loads_our_aof_directory(scratch):
    redis_binary = redis_server_path()
    if redis_binary is None:
        pytest.skip("redis-server is not on PATH")
    source_dir, target_dir = scratch / "source", scratch / "target"
    source_dir.mkdir()
    source = aof_server("vermilion", vermilion_server_path(), source_dir)
    try:
        build(source)
        rewritten_forms(source)
        before = describe(source)
    finally:
        source.cleanup()
    assert len(before) >= expected_keys() + 1
    shutil.copytree(source_dir / "appendonlydir", target_dir / "appendonlydir")
    target = aof_server("redis", redis_binary, target_dir)
    try:
        after = describe(target)
    finally:
        target.cleanup()
    missing = sorted(k for k in before if k not in after)
    assert not missing, f"redis lacks {missing[:5]}"
    differing = [k for k in before if before[k] != after[k]]
    assert not differing, f"redis differs on {differing[:3]}: {before[differing[0]]!r} vs {after[differing[0]]!r}"
    assert set(after) == set(before)


def test_acknowledged_writes_survive_kill_9(scratch):
    """`appendfsync always`: writers run; the server is killed at once; every write it
    acknowledged is there after the restart. Several rounds."""
    binary = vermilion_server_path()
    server = aof_server("vermilion", binary, scratch, "--appendfsync", "always")
    acknowledged: list[str] = []
    try:
        for round_number in range(5):
            stop = threading.Event()
            lock = threading.Lock()

            def writer(n: int) -> None:
                try:
                    with server.connect() as conn:
                        i = 0
                        while not stop.is_set():
                            key = f"r{round_number}:w{n}:{i}"
                            if conn.call(["SET", key, "v"]) == ("simple", b"OK"):
                                with lock:
                                    acknowledged.append(key)
                            i += 1
                except Exception:  # noqa: BLE001 - the kill cuts connections
                    pass

            threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
            for thread in threads:
                thread.start()
            deadline = threading.Event()
            while True:
                with lock:
                    if len(acknowledged) >= 200 * (round_number + 1):
                        break
                deadline.wait(0.005)
            server._proc.send_signal(signal.SIGKILL)
            server._proc.wait()
            stop.set()
            for thread in threads:
                thread.join()
            server.start()
            with server.connect() as conn:
                missing = [k for k in acknowledged if conn.call(["EXISTS", k]) != ("int", 1)]
            assert not missing, f"round {round_number}: {len(missing)} acknowledged writes lost, e.g. {missing[:3]}"
    finally:
        server.cleanup()
