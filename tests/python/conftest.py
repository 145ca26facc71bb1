"""Fixtures for the embedded Python face: engines on a manual clock, clients, a served engine."""

from __future__ import annotations

import shutil
import socket
import time
from typing import Callable, Iterator

import pytest
import vermilion

# A fixed start keeps expiry arithmetic readable: the clock only moves when a test moves it.
CLOCK_START_MS = 1_700_000_000_000


@pytest.fixture
def engine() -> Iterator[vermilion.Engine]:
    e = vermilion.Engine(clock_ms=CLOCK_START_MS)
    yield e
    e.shutdown()


@pytest.fixture
def r(engine: vermilion.Engine) -> Iterator[vermilion.Redis]:
    client = vermilion.Redis(engine=engine)
    yield client
    client.close()


@pytest.fixture
def rd(engine: vermilion.Engine) -> Iterator[vermilion.Redis]:
    """A client of the same engine that decodes responses to str."""
    client = vermilion.Redis(engine=engine, decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def server(engine: vermilion.Engine) -> Iterator[vermilion.Server]:
    srv = vermilion.Server(engine, port=0)
    yield srv
    srv.stop()


@pytest.fixture
def redis_cli() -> str:
    path = shutil.which("redis-cli")
    if path is None:
        pytest.skip("redis-cli is not on PATH (apt-get install redis-tools)")
    return path


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Polls ``condition`` until it holds, failing the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(0.01)


def connection_refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return True
    return False
