"""Key commands and expiry, with the engine's manual clock instead of sleeping."""

from __future__ import annotations

import datetime

import pytest
from redis.exceptions import ResponseError

import vermilion


def test_delete_and_exists_count_keys(r: vermilion.Redis) -> None:
    r.mset({"a": 1, "b": 2})
    assert r.exists("a", "b", "a", "nope") == 3
    assert r.delete("a", "nope") == 1
    assert r.exists("a") == 0
    with pytest.raises(ResponseError, match="wrong number of arguments for 'del' command"):
        r.delete()


def test_expire_and_ttl(r: vermilion.Redis, engine: vermilion.Engine) -> None:
    r.set("k", "v")
    assert r.ttl("k") == -1
    assert r.ttl("missing") == -2
    assert r.expire("k", 10) is True
    assert r.expire("missing", 10) is False
    assert r.expire("k", 5, gt=True) is False
    assert r.expire("k", 20, gt=True) is True
    assert r.expire("k", datetime.timedelta(seconds=30)) is True
    assert r.ttl("k") == 30
    assert r.pttl("k") == 30_000
    engine.advance_time(29_999)
    assert r.get("k") == b"v"
    engine.advance_time(1)
    assert r.get("k") is None
    assert r.exists("k") == 0


def test_persist_type_and_rename(r: vermilion.Redis) -> None:
    r.set("k", "v", ex=100)
    assert r.persist("k") is True
    assert r.ttl("k") == -1
    assert r.type("k") == b"string"
    assert r.rename("k", "k2") is True
    assert r.get("k2") == b"v"
    with pytest.raises(ResponseError, match="no such key"):
        r.rename("k", "k3")


def test_keys_and_scan(r: vermilion.Redis) -> None:
    r.mset({"user:1": "a", "user:2": "b", "other": "c"})
    assert sorted(r.keys("user:*")) == [b"user:1", b"user:2"]
    assert sorted(r.scan_iter(match="user:*", count=1)) == [b"user:1", b"user:2"]
    assert r.dbsize() == 3
    assert r.flushdb() is True
    assert r.dbsize() == 0


def test_databases_are_isolated_per_client(engine: vermilion.Engine) -> None:
    zero = vermilion.Redis(engine=engine)
    two = vermilion.Redis(engine=engine, db=2)
    zero.set("k", "in zero")
    two.set("k", "in two")
    assert zero.get("k") == b"in zero"
    assert two.get("k") == b"in two"
    assert engine.dbsize(0) == 1 and engine.dbsize(2) == 1
    assert two.move("k", 3) is True
    assert vermilion.Redis(engine=engine, db=3).get("k") == b"in two"


def test_select_out_of_range_fails_the_connection(engine: vermilion.Engine) -> None:
    with pytest.raises(ResponseError, match="DB index is out of range"):
        vermilion.Redis(engine=engine, db=99)
