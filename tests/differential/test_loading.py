"""Loading the data at start-up, and DEBUG RELOAD.

A server listens before its data is in: until then, commands without the `loading` flag answer
`-LOADING Redis is loading the dataset in memory`, while INFO (with `loading:1` and the
`loading_*` progress fields), CONFIG, SELECT and the like answer. The dataset is a few million
keys written by real Redis (DEBUG POPULATE then SAVE), big enough that a load lasts seconds; the
probes poll against deadlines, and a load that ends before the first probe still has its final
state checked.

DEBUG RELOAD saves the RDB file and loads it back in place: every key must come back with the
same type, serialized value and expiry, on both servers.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from resp_client import RespConnection
from servers import COMMON_ARGS, HOST, ServerProcess, free_port, redis_server_path, vermilion_server_path
from test_rdb import DATABASES, fill

POPULATED_KEYS = 3_000_000
LOADING = ("error", b"LOADING Redis is loading the dataset in memory")
DEADLINE_S = 120.0

# Commands probed while loading; whether each is refused is compared with Redis when both servers
# were caught loading. PING, GET, SET and DBSIZE lack the `loading` flag; the rest have it.
PROBES = [
    ["PING"],
    ["GET", "key:1"],
    ["SET", "fresh", "1"],
    ["DBSIZE"],
    ["ECHO", "hi"],
    ["SELECT", "0"],
    ["CONFIG", "GET", "maxmemory"],
    ["CLIENT", "GETNAME"],
    ["TIME"],
    ["LASTSAVE"],
    ["INFO", "persistence"],
]


def require_redis() -> str:
    binary = redis_server_path()
    if binary is None:
        pytest.skip("redis-server is not on PATH")
    return binary


@pytest.fixture(scope="module")
def big_rdb():
    """A file of POPULATED_KEYS keys written by real Redis."""
    binary = require_redis()
    directory = Path(tempfile.mkdtemp(prefix="vermilion-loading-"))
    maker = ServerProcess("redis", binary, ["--dir", str(directory), "--enable-debug-command", "yes"])
    maker.start()
    try:
        with RespConnection(HOST, maker.port, timeout=DEADLINE_S) as conn:
            assert conn.call(["DEBUG", "POPULATE", str(POPULATED_KEYS)]) == ("simple", b"OK")
            assert conn.call(["SAVE"]) == ("simple", b"OK")
    finally:
        maker.stop()
    yield directory / "dump.rdb"
    maker.cleanup()
    shutil.rmtree(directory, ignore_errors=True)


class Started:
    """A server process started on a data directory without waiting for it to be ready."""

    def __init__(self, binary: str, directory: Path, extra_args: list[str] = ()):
        self.port = free_port()
        self.log = directory / "server.log"
        with open(self.log, "ab") as log:
            args = [binary, "--port", str(self.port), *COMMON_ARGS, "--dir", str(directory), *extra_args]
            self.proc = subprocess.Popen(args, cwd=directory, stdout=log, stderr=subprocess.STDOUT)

    def connect(self) -> RespConnection:
        """The first connection the server accepts."""
        deadline = time.monotonic() + DEADLINE_S
        while True:
            assert self.proc.poll() is None, f"the server exited with {self.proc.returncode}:\n{self.log.read_text()}"
            try:
                return RespConnection(HOST, self.port, timeout=DEADLINE_S)
            except OSError:
                assert time.monotonic() < deadline, "the server never accepted a connection"
                time.sleep(0.005)

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def info_fields(conn: RespConnection) -> dict[str, str]:
    kind, text = conn.call(["INFO", "persistence"])
    assert kind == "bulk", (kind, text)
    lines = text.decode().split("\r\n")
    return dict(line.split(":", 1) for line in lines if ":" in line)


def watch_the_load(binary: str, rdb: Path | None, extra_args: list[str] = (), prepare=None) -> dict:
    """Starts `binary` on a copy of `rdb` (or what `prepare(directory)` writes) and follows its
    load: what the probes answered while it loaded (None if it was over before the first), the
    INFO fields seen meanwhile, and the state once loaded."""
    directory = Path(tempfile.mkdtemp(prefix="vermilion-loading-run-"))
    if rdb is not None:
        shutil.copy(rdb, directory / "dump.rdb")
    if prepare is not None:
        prepare(directory)
    server = Started(binary, directory, list(extra_args))
    try:
        conn = server.connect()
        with conn:
            replies = [conn.call(argv) for argv in PROBES]
            caught = replies[1] == LOADING and info_fields(conn).get("loading") == "1"
            progress = []
            deadline = time.monotonic() + DEADLINE_S
            while (reply := conn.call(["GET", "key:1"])) == LOADING:
                fields = info_fields(conn)
                if fields["loading"] == "1":
                    progress.append(fields)
                assert time.monotonic() < deadline, "the load did not end"
                time.sleep(0.05)
            return {
                "probes": replies if caught else None,
                "progress": progress,
                "value": reply,
                "dbsize": conn.call(["DBSIZE"]),
                "after": info_fields(conn),
                "log": server.log.read_text(errors="replace"),
            }
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def refused(reply) -> bool:
    return reply == LOADING


def test_commands_get_loading_until_the_data_is_in(big_rdb):
    seen = watch_the_load(vermilion_server_path(), big_rdb)
    assert seen["value"] == ("bulk", b"value:1")
    assert seen["dbsize"] == ("int", POPULATED_KEYS)
    assert seen["after"]["loading"] == "0" and "loading_loaded_perc" not in seen["after"]
    assert seen["after"]["rdb_last_load_keys_loaded"] == str(POPULATED_KEYS)
    assert f"Done loading RDB, keys loaded: {POPULATED_KEYS}, keys expired: 0." in seen["log"]
    assert "DB loaded from disk: " in seen["log"]
    if seen["probes"] is None:
        pytest.skip("the load ended before the first probe (a very fast machine)")
    probes = dict(zip((" ".join(p) for p in PROBES), seen["probes"]))
    for name in ("PING", "GET key:1", "SET fresh 1", "DBSIZE"):
        assert probes[name] == LOADING, (name, probes[name])
    for name in ("ECHO hi", "SELECT 0", "CONFIG GET maxmemory", "CLIENT GETNAME", "TIME", "LASTSAVE", "INFO persistence"):
        assert not refused(probes[name]), (name, probes[name])
    assert seen["progress"], "INFO answered while loading"
    first, last = seen["progress"][0], seen["progress"][-1]
    assert int(first["loading_total_bytes"]) == big_rdb.stat().st_size
    assert int(last["loading_rdb_used_mem"]) > 0  # once the header is read
    assert 0.0 <= float(first["loading_loaded_perc"]) <= float(last["loading_loaded_perc"]) <= 100.0
    assert int(first["loading_loaded_bytes"]) <= int(last["loading_loaded_bytes"]) <= int(last["loading_total_bytes"])
    assert int(first["loading_start_time"]) <= int(time.time())
    assert int(last["loading_eta_seconds"]) >= 0
    assert "Loading RDB produced by version 7." in seen["log"]


def test_refusals_while_loading_match_redis(big_rdb):
    """Which commands answer while loading, compared with Redis on the same file (when Redis,
    which loads faster, is caught loading at all)."""
    ours = watch_the_load(vermilion_server_path(), big_rdb)
    theirs = watch_the_load(require_redis(), big_rdb)
    assert ours["dbsize"] == theirs["dbsize"] == ("int", POPULATED_KEYS)
    assert ours["value"] == theirs["value"]
    if ours["probes"] is None or theirs["probes"] is None:
        pytest.skip("a load ended before the first probe")
    for argv, mine, redis in zip(PROBES, ours["probes"], theirs["probes"]):
        assert refused(mine) == refused(redis), (argv, mine, redis)
        if refused(redis):
            assert mine == redis
    if ours["progress"] and theirs["progress"]:
        loading_fields = [[name for name in fields if name.startswith("loading")] for fields in (ours["progress"][0], theirs["progress"][0])]
        assert loading_fields[0] == loading_fields[1]


AOF_KEYS = 600_000


def write_aof(directory: Path) -> None:
    """An AOF of AOF_KEYS SET commands (no base file), as Redis 7 lays it out."""
    aof_dir = directory / "appendonlydir"
    aof_dir.mkdir()
    (aof_dir / "appendonly.aof.manifest").write_text("file appendonly.aof.1.incr.aof seq 1 type i\n")
    commands = [b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"]
    for i in range(AOF_KEYS):
        key, value = b"key:%d" % i, b"value:%d" % i
        commands.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
    (aof_dir / "appendonly.aof.1.incr.aof").write_bytes(b"".join(commands))


def test_aof_loads_in_the_background_too():
    seen = watch_the_load(vermilion_server_path(), None, ["--appendonly", "yes"], write_aof)
    assert seen["value"] == ("bulk", b"value:1")
    assert seen["dbsize"] == ("int", AOF_KEYS)
    assert seen["after"]["loading"] == "0"
    assert "DB loaded from append only file: " in seen["log"]
    if seen["probes"] is None:
        pytest.skip("the load ended before the first probe (a very fast machine)")
    assert seen["probes"][0] == LOADING
    assert seen["progress"], "INFO answered while loading"
    assert float(seen["progress"][-1]["loading_loaded_perc"]) <= 100.0


def test_shutdown_while_loading_keeps_the_file(big_rdb):
    """SHUTDOWN has the `loading` flag, and never saves a half-loaded dataset over the file."""
    directory = Path(tempfile.mkdtemp(prefix="vermilion-loading-stop-"))
    shutil.copy(big_rdb, directory / "dump.rdb")
    server = Started(vermilion_server_path(), directory)
    try:
        with server.connect() as conn:
            if conn.call(["GET", "key:1"]) != LOADING:
                pytest.skip("the load ended before the first probe")
            conn.call(["SHUTDOWN", "SAVE"])
        assert server.proc.wait(timeout=DEADLINE_S) == 0
        assert (directory / "dump.rdb").read_bytes() == big_rdb.read_bytes()
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_a_damaged_file_stops_the_server(tmp_path):
    (tmp_path / "dump.rdb").write_bytes(b"REDIS0010\xfa\x09redis-ver")
    server = Started(vermilion_server_path(), tmp_path)
    try:
        assert server.proc.wait(timeout=DEADLINE_S) == 1
        assert "Bad RDB file" in server.log.read_text()
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# DEBUG RELOAD


def start_debuggable(label: str, binary: str, directory: Path) -> ServerProcess:
    server = ServerProcess(label, binary, ["--dir", str(directory), "--enable-debug-command", "yes"])
    server.start()
    return server


@pytest.fixture
def pair():
    """Redis and Vermilion, each on a data directory of its own, DEBUG enabled."""
    binaries = {"redis": require_redis(), "vermilion": vermilion_server_path()}
    scratch = Path(tempfile.mkdtemp(prefix="vermilion-reload-"))
    servers = {}
    try:
        for label, binary in binaries.items():
            (scratch / label).mkdir()
            servers[label] = start_debuggable(label, binary, scratch / label)
        yield servers
    finally:
        for server in servers.values():
            server.cleanup()
        shutil.rmtree(scratch, ignore_errors=True)


def contents(conn: RespConnection, key: bytes, kind: bytes):
    """A value as comparable data: its serialized form, but the members of a set or hash in
    sorted order (their serialized order follows the table, which a reload rebuilds)."""
    if kind == b"set":
        return sorted(conn.call(["SMEMBERS", key])[1])
    if kind == b"hash":
        return sorted(conn.call(["HGETALL", key])[1])
    return conn.call(["DUMP", key])


def snapshot(conn: RespConnection) -> dict:
    """Every key's type, encoding, value and expiry time, and the libraries."""
    out = {}
    for db in range(16):
        conn.call(["SELECT", str(db)])
        for _, key in conn.call(["KEYS", "*"])[1]:
            kind = conn.call(["TYPE", key])
            encoding = conn.call(["OBJECT", "ENCODING", key])
            out[(db, key)] = (kind, contents(conn, key, kind[1]), conn.call(["PEXPIRETIME", key]), encoding)
    conn.call(["SELECT", "0"])
    out["functions"] = conn.call(["FUNCTION", "LIST", "WITHCODE"])
    return out


def both(pair, argv) -> dict:
    replies = {}
    for label, server in pair.items():
        with server.connect() as conn:
            replies[label] = conn.call(argv)
    return replies


def test_debug_reload_brings_every_key_back(pair):
    before = {}
    for label, server in pair.items():
        with server.connect() as conn:
            fill(conn)
            before[label] = snapshot(conn)
    assert both(pair, ["DEBUG", "RELOAD"]) == {"redis": ("simple", b"OK"), "vermilion": ("simple", b"OK")}
    for label, server in pair.items():
        with server.connect() as conn:
            after = snapshot(conn)
            assert len(after) == len(before[label]) > len(DATABASES) * 10
            differing = [key for key in before[label] if before[label][key] != after.get(key)]
            assert not differing, f"{label}: {differing[:3]}"
            assert conn.call(["FCALL", "rdb_answer", "0"]) == ("int", 42)
            info = info_fields(conn)
            assert info["loading"] == "0" and info["rdb_changes_since_last_save"] == "0", info
    # Same keys, types and volatility on both servers (payloads, encodings and the instants of
    # relative expiry times differ between two servers).
    shapes = {label: {k: (v[0], v[2] == ("int", -1)) for k, v in snap.items() if k != "functions"} for label, snap in before.items()}
    assert shapes["redis"] == shapes["vermilion"]


def test_debug_reload_options(pair):
    steps = [
        ["SET", "lost", "1"],
        ["DEBUG", "RELOAD", "NOSAVE"],  # no file yet: emptied, then the load fails
        ["DBSIZE"],
        ["SET", "kept", "1"],
        ["SAVE"],
        ["SET", "later", "2"],
        ["DEBUG", "RELOAD", "NOSAVE"],  # back to the file: `later` is gone
        ["EXISTS", "kept", "later"],
        ["SET", "kept", "changed"],
        ["SET", "extra", "3"],
        ["DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"],  # the file's `kept` wins, `extra` stays
        ["MGET", "kept", "extra"],
        ["DEBUG", "RELOAD", "nosave", "merge"],
        ["MGET", "kept", "extra"],
        ["DEBUG", "RELOAD", "BOGUS"],
        ["DEBUG", "RELOAD", "NOSAVE", "EXTRA"],
        ["DEBUG", "RELOAD"],
        ["DBSIZE"],
    ]
    replies = {label: [] for label in pair}
    for label, server in pair.items():
        with server.connect() as conn:
            replies[label] = [conn.call(argv) for argv in steps]
    for argv, redis, mine in zip(steps, replies["redis"], replies["vermilion"]):
        assert redis == mine, (argv, redis, mine)


def test_debug_reload_needs_the_debug_command(tmp_path):
    server = ServerProcess("vermilion", vermilion_server_path(), ["--dir", str(tmp_path)])
    server.start()
    try:
        with server.connect() as conn:
            kind, text = conn.call(["DEBUG", "RELOAD"])
            assert kind == "error" and text.startswith(b"ERR DEBUG command not allowed"), text
    finally:
        server.cleanup()


def test_debug_reload_when_the_save_fails(tmp_path):
    """The save fails (the file's name is taken by a directory): a bare `-ERR`, data untouched."""
    replies = {}
    for label, binary in {"redis": require_redis(), "vermilion": vermilion_server_path()}.items():
        directory = tmp_path / label
        directory.mkdir()
        server = ServerProcess(label, binary, ["--dir", str(directory), "--dbfilename", "blocked.rdb", "--enable-debug-command", "yes"])
        server.start()
        try:
            (directory / "blocked.rdb").mkdir()
            with server.connect() as conn:
                replies[label] = [conn.call(argv) for argv in (["SET", "k", "v"], ["DEBUG", "RELOAD"], ["GET", "k"])]
        finally:
            server.cleanup()
    assert replies["vermilion"] == replies["redis"] == [("simple", b"OK"), ("error", b"ERR"), ("bulk", b"v")]
