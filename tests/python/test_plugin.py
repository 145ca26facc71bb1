"""The pytest plugin: fixtures with a fresh engine per test, sync and asyncio, and the
``vermilion`` marker, exercised in a pytest run of their own (pytester)."""

from __future__ import annotations

import importlib.metadata
import importlib.util

import pytest

pytest_plugins = ["pytester"]


def plugin_arguments() -> list[str]:
    """Loads the plugin by hand when the package is not installed with its entry point."""
    registered = any(ep.value == "vermilion.pytest_plugin" for ep in importlib.metadata.entry_points(group="pytest11"))
    return [] if registered else ["-p", "vermilion.pytest_plugin"]


@pytest.fixture(autouse=True)
def quiet_ini(pytester: pytest.Pytester) -> None:
    if importlib.util.find_spec("pytest_asyncio") is not None:
        pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")


def test_the_entry_point_is_declared(quiet_ini: None) -> None:
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib")

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert pyproject["project"]["entry-points"]["pytest11"] == {"vermilion": "vermilion.pytest_plugin"}


def test_sync_fixtures_give_each_test_a_fresh_engine(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import vermilion

        def test_first(vermilion_redis, vermilion_engine):
            assert vermilion_redis.engine is vermilion_engine
            vermilion_redis.set("k", "first")

        def test_second_sees_nothing_of_the_first(vermilion_redis):
            assert vermilion_redis.get("k") is None
            assert isinstance(vermilion_redis, vermilion.Redis)
        """
    )
    pytester.runpytest_inprocess(*plugin_arguments()).assert_outcomes(passed=2)


def test_marker_configures_the_engine(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.vermilion(manual_clock=True, maxmemory="1mb")
        def test_clock_and_options(vermilion_redis, vermilion_engine):
            assert vermilion_redis.config_get("maxmemory") == {"maxmemory": "1048576"}
            vermilion_redis.set("k", "v", ex=10)
            vermilion_engine.advance_time(seconds=9.999)
            assert vermilion_redis.get("k") == b"v"
            vermilion_engine.advance_time(seconds=0.001)
            assert vermilion_redis.get("k") is None
        """
    )
    pytester.runpytest_inprocess(*plugin_arguments(), "--strict-markers").assert_outcomes(passed=1)


def test_async_fixture_under_pytest_asyncio(pytester: pytest.Pytester) -> None:
    if importlib.util.find_spec("pytest_asyncio") is None:
        pytest.skip("pytest-asyncio is not installed")
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import vermilion.asyncio

        @pytest.mark.asyncio
        async def test_async(vermilion_async_redis, vermilion_redis):
            assert isinstance(vermilion_async_redis, vermilion.asyncio.Redis)
            await vermilion_async_redis.set("k", "v")
            assert vermilion_redis.get("k") == b"v"  # one engine per test, shared by both
            waiting = asyncio.create_task(vermilion_async_redis.blpop(["q"], timeout=5))
            await asyncio.sleep(0.01)
            await vermilion_async_redis.rpush("q", "x")
            assert await waiting == (b"q", b"x")

        @pytest.mark.asyncio
        async def test_fresh(vermilion_async_redis):
            assert await vermilion_async_redis.get("k") is None
        """
    )
    pytester.runpytest_inprocess(*plugin_arguments(), "-p", "pytest_asyncio").assert_outcomes(passed=2)


def test_async_fixture_with_asyncio_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        def test_plain_asyncio_run(vermilion_async_redis):
            async def scenario():
                await vermilion_async_redis.incr("n")
                return await vermilion_async_redis.get("n")
            assert asyncio.run(scenario()) == b"1"
        """
    )
    pytester.runpytest_inprocess(*plugin_arguments()).assert_outcomes(passed=1)
