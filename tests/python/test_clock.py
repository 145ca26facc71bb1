"""A manual clock moves TTLs, OBJECT IDLETIME, stream IDs and blocking timeouts without
sleeping."""

from __future__ import annotations

import datetime
import threading

import pytest

import vermilion
from conftest import CLOCK_START_MS, wait_until


def test_ttls_follow_the_clock(engine: vermilion.Engine, r: vermilion.Redis) -> None:
    r.set("session", "data", ex=60)
    r.set("short", "data", px=1500)
    engine.advance_time(seconds=1.499)
    assert r.pttl("short") == 1
    engine.advance_time(1)
    assert r.get("short") is None
    assert r.ttl("session") == 59
    engine.advance_time(datetime.timedelta(minutes=1))
    assert r.get("session") is None
    assert engine.now_ms() == CLOCK_START_MS + 61_500


def test_object_idletime_follows_the_clock(engine: vermilion.Engine, r: vermilion.Redis) -> None:
    r.set("k", "v")
    engine.advance_time(seconds=42)
    assert r.object("idletime", "k") == 42
    r.get("k")
    assert r.object("idletime", "k") == 0


def test_stream_ids_follow_the_clock(engine: vermilion.Engine, r: vermilion.Redis) -> None:
    first = r.xadd("events", {"n": 1})
    second = r.xadd("events", {"n": 2})
    engine.advance_time(5)
    third = r.xadd("events", {"n": 3})
    assert (first, second, third) == (
        f"{CLOCK_START_MS}-0".encode(),
        f"{CLOCK_START_MS}-1".encode(),
        f"{CLOCK_START_MS + 5}-0".encode(),
    )


def test_blocking_timeout_passes_when_the_clock_moves(engine: vermilion.Engine, r: vermilion.Redis) -> None:
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(r.bzpopmin(["z"], timeout=3600)))
    thread.start()
    other = vermilion.Redis(engine=engine)
    wait_until(lambda: int(other.info("clients")["blocked_clients"]) == 1)
    engine.advance_time(seconds=3599)
    assert thread.is_alive()
    engine.advance_time(seconds=1)
    thread.join(5)
    assert result == [None]


def test_manual_clock_starts_now_and_the_system_clock_cannot_move() -> None:
    manual = vermilion.Engine(manual_clock=True)
    assert manual.manual_clock
    start = manual.now_ms()
    assert manual.advance_time(seconds=10) is True
    assert manual.now_ms() == start + 10_000
    system = vermilion.Engine()
    assert not system.manual_clock
    assert system.advance_time(seconds=1) is False
    with pytest.raises(ValueError):
        manual.advance_time(-1)
