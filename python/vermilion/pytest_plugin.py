"""pytest fixtures for code that uses Redis: a fresh in-process engine for every test.

Installed with the package (the ``pytest11`` entry point), so a test only names a fixture::

    def test_counts(vermilion_redis):
        vermilion_redis.incr("hits")
        assert vermilion_redis.get("hits") == b"1"

    async def test_async(vermilion_async_redis):          # with pytest-asyncio or anyio
        assert await vermilion_async_redis.ping()

    @pytest.mark.vermilion(manual_clock=True, maxmemory="1mb")
    def test_expiry(vermilion_redis, vermilion_engine):
        vermilion_redis.set("k", "v", ex=10)
        vermilion_engine.advance_time(seconds=10)
        assert vermilion_redis.get("k") is None

Fixtures: ``vermilion_engine`` (the test's engine), ``vermilion_redis`` (a
:class:`vermilion.Redis` on it), ``vermilion_async_redis`` (a :class:`vermilion.asyncio.Redis`
on it; made outside any event loop, so it works under every async test runner). The
``vermilion`` marker passes engine options (Redis option names, ``manual_clock``,
``clock_ms``).
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from .asyncio import Redis as AsyncRedis
from .client import Redis
from .engine import Engine


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "vermilion(**options): engine options for the test's vermilion fixtures "
        "(Redis option names, manual_clock=True, clock_ms=...)",
    )


@pytest.fixture
def vermilion_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A fresh engine for this test, configured by its ``vermilion`` marker."""
    marker = request.node.get_closest_marker("vermilion")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    engine = Engine(**options)
    yield engine
    engine.shutdown()


@pytest.fixture
def vermilion_redis(vermilion_engine: Engine) -> Iterator[Redis]:
    """A :class:`vermilion.Redis` on this test's engine."""
    client = Redis(engine=vermilion_engine)
    yield client
    client.close()


@pytest.fixture
def vermilion_async_redis(vermilion_engine: Engine) -> Iterator[AsyncRedis]:
    """A :class:`vermilion.asyncio.Redis` on this test's engine."""
    client = AsyncRedis(engine=vermilion_engine)
    yield client
    client.close_sessions()
