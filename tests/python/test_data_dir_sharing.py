"""Sharing a data directory across processes: the owner serves it, other processes connect."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Iterator

import pytest
import vermilion
from vermilion import data_dir

# Every child gets this long to finish; they poll, never sleep a fixed time.
CHILD_TIMEOUT_S = 60


@pytest.fixture(autouse=True)
def release_data_dirs(tmp_path: Path) -> Iterator[None]:
    """Engines opened on a data directory stay open for the life of the process; this test's
    ones are closed and forgotten after it, so they hold no memory for later tests."""
    yield
    with vermilion.Engine._shared_lock:
        keys = [key for key in vermilion.Engine._shared if key.startswith(f"dir:{tmp_path}")]
        engines = [vermilion.Engine._shared.pop(key) for key in keys]
    for engine in engines:
        if engine._data_dir_server is not None:
            engine._data_dir_server.stop()
        engine.shutdown()


def run_child(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Runs ``code`` in a new Python process (the same interpreter and import path)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def test_another_process_connects_to_an_engine_served_automatically(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    owner = vermilion.Redis(dir=directory, serve="auto")
    assert isinstance(owner, vermilion.Redis)
    owner.set("greeting", "from the owner")
    assert data_dir.served_addresses(directory) == [f"unix://{directory / data_dir.SOCKET_FILE}"]

    child = run_child(
        """
        import sys, vermilion
        r = vermilion.Redis(dir=sys.argv[1], decode_responses=True)
        print(type(r).__module__, type(r).__name__)
        print(r.get("greeting"))
        r.set("reply", "from the child")
        """,
        str(directory),
    )
    assert child.returncode == 0, child.stderr
    kind, greeting = child.stdout.splitlines()
    assert kind == "redis.client Redis"  # redis-py's own client, over the unix socket
    assert greeting == "from the owner"
    assert owner.get("reply") == b"from the child"


def test_the_same_process_gets_the_same_engine_not_a_connection(tmp_path: Path) -> None:
    first = vermilion.Redis(dir=tmp_path, serve="auto")
    second = vermilion.Redis(dir=tmp_path)
    assert isinstance(second, vermilion.Redis)
    assert second.engine is first.engine


def test_an_engine_nobody_serves_keeps_the_lock_error(tmp_path: Path) -> None:
    engine = vermilion.Engine.at(tmp_path)
    vermilion.Redis(engine=engine).set("k", "v")
    child = run_child(
        """
        import sys, vermilion
        try:
            vermilion.Redis(dir=sys.argv[1])
        except RuntimeError as error:
            print(error)
        """,
        str(tmp_path),
    )
    assert child.returncode == 0, child.stderr
    assert "is in use by another Vermilion engine" in child.stdout


def test_an_explicit_server_on_a_data_dir_is_found_over_tcp(tmp_path: Path) -> None:
    engine = vermilion.Engine.at(tmp_path)
    vermilion.Redis(engine=engine).set("k", "over tcp")
    with vermilion.Server(engine, port=0) as server:
        assert data_dir.served_addresses(tmp_path) == [f"redis://127.0.0.1:{server.port}"]
        child = run_child(
            """
            import sys, vermilion
            r = vermilion.Redis(dir=sys.argv[1])
            print(r.connection_pool.connection_kwargs["port"], r.get("k").decode())
            """,
            str(tmp_path),
        )
        assert child.returncode == 0, child.stderr
        assert child.stdout.split(maxsplit=1) == [str(server.port), "over tcp\n"]
    # Stopped: the record is gone, and the lock error is back.
    assert data_dir.served_addresses(tmp_path) == []
    child = run_child(
        """
        import sys, vermilion
        try:
            vermilion.Redis(dir=sys.argv[1])
        except RuntimeError as error:
            print("locked" if "in use" in str(error) else error)
        """,
        str(tmp_path),
    )
    assert child.stdout.strip() == "locked", child.stderr


def test_two_processes_starting_together_share_one_engine(tmp_path: Path) -> None:
    """Whichever process takes the lock serves; the other connects. Each writes its own key
    and waits for the other's; the owner stays until both are done."""
    code = """
        import sys, time, vermilion
        me, other = sys.argv[2], sys.argv[3]
        r = vermilion.Redis(dir=sys.argv[1], serve="auto", decode_responses=True)
        owner = isinstance(r, vermilion.Redis)
        r.set(me, "here")
        deadline = time.monotonic() + 30
        while r.get(other) is None:
            assert time.monotonic() < deadline, "the other process never wrote"
            time.sleep(0.01)
        r.incr("done")
        while owner and int(r.get("done")) < 2:
            assert time.monotonic() < deadline, "the other process never finished"
            time.sleep(0.01)
        print("owner" if owner else "client")
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code), str(tmp_path), me, other],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for me, other in (("a", "b"), ("b", "a"))
    ]
    outputs = [child.communicate(timeout=CHILD_TIMEOUT_S) for child in children]
    for child, (_, stderr) in zip(children, outputs):
        assert child.returncode == 0, stderr
    assert sorted(stdout.strip() for stdout, _ in outputs) == ["client", "owner"]


def test_a_stale_record_is_cleared_by_the_next_owner(tmp_path: Path) -> None:
    # A record left by an owner that died: the lock is free, so whoever opens owns it.
    data_dir.publish(str(tmp_path), ["unix:///nonexistent/vermilion.sock"])
    r = vermilion.Redis(dir=tmp_path)
    assert isinstance(r, vermilion.Redis)
    assert data_dir.served_addresses(tmp_path) == []


def test_serve_takes_only_auto(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="serve"):
        vermilion.Redis(dir=tmp_path, serve="yes")  # type: ignore[arg-type]


def test_asyncio_client_connects_to_a_served_data_dir(tmp_path: Path) -> None:
    owner = vermilion.Redis(dir=tmp_path, serve="auto")
    owner.set("k", "v")
    child = run_child(
        """
        import asyncio, sys, vermilion.asyncio
        async def main():
            r = vermilion.asyncio.Redis(dir=sys.argv[1])
            print(type(r).__module__, (await r.get("k")).decode())
            await r.aclose()
        asyncio.run(main())
        """,
        str(tmp_path),
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["redis.asyncio.client", "v"]


def test_urls_open_serve_and_reach_a_data_dir(tmp_path: Path) -> None:
    owner = vermilion.Redis.from_url(f"vermilion://{tmp_path}?serve=auto&decode_responses=yes")
    assert isinstance(owner, vermilion.Redis)
    owner.set("k", "by url")
    child = run_child(
        """
        import sys, vermilion
        r = vermilion.Redis.from_url(f"vermilion://{sys.argv[1]}?decode_responses=yes")
        print(type(r).__module__, r.get("k"))
        """,
        str(tmp_path),
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.split(maxsplit=1) == ["redis.client", "by url\n"]


def test_serve_in_a_url_needs_a_data_dir() -> None:
    with pytest.raises(ValueError, match="serve"):
        vermilion.Redis.from_url("vermilion://cache?serve=auto")
