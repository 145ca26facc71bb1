"""RDB files across servers: a dataset with every type and encoding, saved by one server, loaded by
the other from `--dir`/`--dbfilename`, must read back the same key by key (type, contents, expiry
times, function libraries). Both directions; our file is also checked by `redis-check-rdb` when
it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from resp_client import RespConnection
from servers import ServerProcess, redis_server_path, vermilion_server_path

DATABASES = (0, 3, 9)
FAR_MS = 4102444800000
LIBRARY = "#!lua name=rdblib\nredis.register_function('rdb_answer', function() return 42 end)"


def many(prefix, count):
    return [f"{prefix}{i}" for i in range(count)]


def dataset_commands(db: int) -> list[list]:
    """Every type in each of its encodings, small and big, binary-safe names, expiry times."""
    p = f"db{db}:"
    return [
        ["SET", p + "embstr", "hello"],
        ["SET", p + "int", "-123456"],
        ["SET", p + "long-int", "9223372036854775807"],
        ["SET", p + "compressible", "abcd" * 400],
        ["SET", p + "binary\x00\r\n", bytes(range(256))],
        ["SET", p + "volatile", "v", "PXAT", str(FAR_MS + db)],
        ["RPUSH", p + "list-small", "a", "1", "-2", "70000", "x" * 70, ""],
        ["RPUSH", p + "list-big", *many("element-", 2000)],
        ["SADD", p + "set-intset", "1", "-70000", "5000000000", "0"],
        ["SADD", p + "set-small", "a", "b", "1"],
        ["SADD", p + "set-big", *many("member-", 700)],
        ["HSET", p + "hash-small", "f1", "v1", "f2", "2"],
        ["HSET", p + "hash-big", *[x for i in range(600) for x in (f"field-{i}", f"value-{i}" * 3)]],
        ["ZADD", p + "zset-small", "1", "a", "2.5", "b", "-inf", "c"],
        ["ZADD", p + "zset-big", *[x for i in range(300) for x in (str(i / 7), f"m{i}")]],
        ["EXPIRE", p + "zset-big", "100000000"],
        *[["XADD", p + "stream", f"{i}-1", "field", f"v{i}", "n", str(i)] for i in range(1, 260)],
        ["XDEL", p + "stream", "5-1"],
        ["XGROUP", "CREATE", p + "stream", "readers", "0"],
        ["XREADGROUP", "GROUP", "readers", "alice", "COUNT", "4", "STREAMS", p + "stream", ">"],
        ["XREADGROUP", "GROUP", "readers", "bob", "COUNT", "2", "STREAMS", p + "stream", ">"],
        ["XACK", p + "stream", "readers", "2-1"],
        ["XGROUP", "CREATE", p + "stream", "latecomers", "$"],
    ]


def fill(conn: RespConnection) -> None:
    """Writes the dataset (every database, plus the function library) through ``conn``."""
    for db in DATABASES:
        assert conn.call(["SELECT", str(db)]) == ("simple", b"OK")
        for command in dataset_commands(db):
            reply = conn.call(command)
            assert reply[0] != "error", (command[:2], reply)
    assert conn.call(["FUNCTION", "LOAD", LIBRARY]) == ("bulk", b"rdblib")


def build(server: ServerProcess) -> None:
    with server.connect() as conn:
        fill(conn)
        assert conn.call(["SAVE"]) == ("simple", b"OK")


def describe(server: ServerProcess) -> dict:
    """Every key of every database as comparable data, plus the function libraries."""
    out = {}
    with server.connect() as conn:
        for db in range(16):
            conn.call(["SELECT", str(db)])
            _, keys = conn.call(["KEYS", "*"])
            for _, key in keys:
                kind = conn.call(["TYPE", key])[1]
                if kind == b"string":
                    value = conn.call(["GET", key])
                elif kind == b"list":
                    value = conn.call(["LRANGE", key, "0", "-1"])
                elif kind == b"set":
                    value = sorted(conn.call(["SMEMBERS", key])[1])
                elif kind == b"hash":
                    value = sorted(conn.call(["HGETALL", key])[1])
                elif kind == b"zset":
                    value = conn.call(["ZRANGE", key, "0", "-1", "WITHSCORES"])
                elif kind == b"stream":
                    value = [
                        conn.call(["XRANGE", key, "-", "+"]),
                        conn.call(["XINFO", "GROUPS", key]),
                        conn.call(["XPENDING", key, "readers"]),
                        conn.call(["XLEN", key]),
                    ]
                else:
                    raise AssertionError(f"unexpected type {kind!r}")
                out[(db, key)] = (kind, value, conn.call(["PEXPIRETIME", key]))
        out["functions"] = conn.call(["FCALL", "rdb_answer", "0"])
    return out


def expected_keys() -> int:
    return len(DATABASES) * len({c[1] for c in dataset_commands(0) if c[0] not in ("EXPIRE", "XGROUP", "XREADGROUP", "XACK", "XDEL")})


@pytest.fixture
def scratch():
    path = Path(tempfile.mkdtemp(prefix="vermilion-rdb-diff-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def start_on(label: str, binary: str, directory: Path, filename: str) -> ServerProcess:
    server = ServerProcess(label, binary, ["--dir", str(directory), "--dbfilename", filename])
    server.start()
    return server


@pytest.mark.parametrize("direction", ["redis-to-vermilion", "vermilion-to-redis"])
def test_rdb_file_crosses_servers(scratch, direction):
    redis_binary = redis_server_path()
    if redis_binary is None:
        pytest.skip("redis-server is not on PATH")
    binaries = {"redis": redis_binary, "vermilion": vermilion_server_path()}
    source_label, target_label = direction.split("-to-")
    source_dir, target_dir = scratch / "source", scratch / "target"
    source_dir.mkdir()
    target_dir.mkdir()

    source = start_on(source_label, binaries[source_label], source_dir, "made.rdb")
    try:
        build(source)
        before = describe(source)
    finally:
        source.cleanup()
    assert len(before) == expected_keys() + 1, "the dataset was built whole"
    made = source_dir / "made.rdb"
    assert made.exists()

    if source_label == "vermilion" and shutil.which("redis-check-rdb"):
        checked = subprocess.run(["redis-check-rdb", str(made)], capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0 and "RDB looks OK" in checked.stdout, checked.stdout + checked.stderr

    shutil.copy(made, target_dir / "loaded.rdb")
    target = start_on(target_label, binaries[target_label], target_dir, "loaded.rdb")
    try:
        after = describe(target)
    finally:
        target.cleanup()
    missing = sorted(k for k in before if k not in after)
    assert not missing, f"{target_label} lacks {missing[:5]}"
    differing = [k for k in before if before[k] != after[k]]
    assert not differing, f"{target_label} differs on {differing[:3]}: {before[differing[0]]!r} vs {after[differing[0]]!r}"
    assert set(after) == set(before)


def test_vermilion_saves_on_sigterm_and_reloads(scratch):
    """SIGTERM with save points configured writes the file; the next start loads it."""
    binary = vermilion_server_path()
    server = ServerProcess("vermilion", binary, ["--dir", str(scratch), "--save", "3600 1"])
    server.start()
    try:
        with server.connect() as conn:
            assert conn.call(["SET", "survivor", "yes"]) == ("simple", b"OK")
            assert conn.call(["RPUSH", "list", "a", "b"]) == ("int", 2)
        server.stop()
        assert (scratch / "dump.rdb").exists()
        server.start()
        with server.connect() as conn:
            assert conn.call(["GET", "survivor"]) == ("bulk", b"yes")
            assert conn.call(["LRANGE", "list", "0", "-1"]) == ("array", [("bulk", b"a"), ("bulk", b"b")])
            info = conn.call(["INFO", "persistence"])[1].decode()
            assert "rdb_last_load_keys_loaded:2" in info, info
    finally:
        server.cleanup()


def test_bgsave_and_lastsave(scratch):
    binary = vermilion_server_path()
    server = ServerProcess("vermilion", binary, ["--dir", str(scratch)])
    server.start()
    try:
        with server.connect() as conn:
            for i in range(1000):
                conn.call(["SET", f"k{i}", "v" * 50])
            before = conn.call(["LASTSAVE"])[1]
            assert conn.call(["BGSAVE"]) == ("simple", b"Background saving started")
            deadline = time.monotonic() + 10
            while b"rdb_bgsave_in_progress:0" not in conn.call(["INFO", "persistence"])[1]:
                assert time.monotonic() < deadline, "BGSAVE did not finish"
                time.sleep(0.01)
            assert conn.call(["LASTSAVE"])[1] >= before
            info = conn.call(["INFO", "persistence"])[1].decode()
            assert "rdb_last_bgsave_status:ok" in info and "rdb_saves:1" in info, info
        assert (scratch / "dump.rdb").stat().st_size > 1000
    finally:
        server.cleanup()
