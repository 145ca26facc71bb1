"""redis-py pipelines on the embedded engine."""

from __future__ import annotations

import pytest
from redis.exceptions import ResponseError

import vermilion


def test_pipeline_returns_callback_results(r: vermilion.Redis) -> None:
    p = r.pipeline(transaction=False)
    p.set("a", 1).get("a").incr("a").mget(["a", "b"]).exists("a")
    assert p.execute() == [True, b"1", 2, [b"2", None], 1]


def test_pipeline_decodes_when_asked(rd: vermilion.Redis) -> None:
    with rd.pipeline(transaction=False) as p:
        p.set("k", "v")
        p.get("k")
        p.config_get("maxmemory")
        assert p.execute() == [True, "v", {"maxmemory": "0"}]


def test_pipeline_raises_the_first_error_annotated(r: vermilion.Redis) -> None:
    r.set("text", "abc")
    p = r.pipeline(transaction=False)
    p.set("k", "v")
    p.incr("text")
    p.get("k")
    with pytest.raises(ResponseError, match=r"Command # 2 \(INCRBY text 1\) of pipeline caused error"):
        p.execute()


def test_pipeline_can_return_errors_in_place(r: vermilion.Redis) -> None:
    r.set("text", "abc")
    p = r.pipeline(transaction=False)
    p.incr("text")
    p.get("text")
    first, second = p.execute(raise_on_error=False)
    assert isinstance(first, ResponseError)
    assert second == b"abc"


def test_empty_mget_in_a_pipeline(r: vermilion.Redis) -> None:
    p = r.pipeline(transaction=False)
    p.mget([])
    p.set("k", "v")
    assert p.execute() == [[], True]


def test_pipeline_uses_its_own_connection_and_db(engine: vermilion.Engine) -> None:
    r5 = vermilion.Redis(engine=engine, db=5)
    p = r5.pipeline(transaction=False)
    p.set("k", "five")
    p.execute()
    assert engine.dbsize(5) == 1
    assert r5.get("k") == b"five"


def test_transaction_pipeline(r: vermilion.Redis) -> None:
    try:
        r.execute_command("MULTI")
        r.execute_command("DISCARD")
    except ResponseError as e:
        pytest.skip(f"the engine has no transactions yet: {e}")
    p = r.pipeline(transaction=True)
    p.set("a", 1).incr("a")
    assert p.execute() == [True, 2]
