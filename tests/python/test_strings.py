"""String commands through redis-py's API, on the embedded engine."""

from __future__ import annotations

import datetime
from collections import OrderedDict

import pytest
from redis.exceptions import DataError, ResponseError

import vermilion
from conftest import CLOCK_START_MS


def test_set_and_get_round_trip_bytes(r: vermilion.Redis) -> None:
    assert r.set("k", "v") is True
    assert r.get("k") == b"v"
    assert r.get("missing") is None


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("text", b"text"),
        ("üñí", "üñí".encode()),
        (b"\x00\xffraw", b"\x00\xffraw"),
        (bytearray(b"array"), b"array"),
        (memoryview(b"view"), b"view"),
        (42, b"42"),
        (-7, b"-7"),
        (10**30, b"1" + b"0" * 30),
        (1.5, b"1.5"),
        (1e20, b"1e+20"),
        (float("inf"), b"inf"),
    ],
)
def test_values_are_encoded_like_redis_py(r: vermilion.Redis, value: object, stored: bytes) -> None:
    r.set("k", value)
    assert r.get("k") == stored


@pytest.mark.parametrize("bad", [None, True, {"a": 1}, [1, 2], object()])
def test_unencodable_values_raise_data_error(r: vermilion.Redis, bad: object) -> None:
    with pytest.raises(DataError, match=f"Invalid input of type: '{type(bad).__name__}'"):
        r.set("k", bad)  # type: ignore[arg-type]
    with pytest.raises(DataError):
        r.get(bad)  # type: ignore[arg-type]


def test_set_nx_and_xx(r: vermilion.Redis) -> None:
    assert r.set("k", "a", xx=True) is None
    assert r.set("k", "a", nx=True) is True
    assert r.set("k", "b", nx=True) is None
    assert r.set("k", "c", xx=True) is True
    assert r.get("k") == b"c"


def test_set_get_returns_the_old_value(r: vermilion.Redis) -> None:
    assert r.set("k", "first", get=True) is None
    assert r.set("k", "second", get=True) == b"first"


def test_set_expiry_options(r: vermilion.Redis, engine: vermilion.Engine) -> None:
    r.set("ex", "v", ex=10)
    r.set("px", "v", px=1500)
    r.set("td", "v", ex=datetime.timedelta(seconds=20))
    r.set("exat", "v", exat=CLOCK_START_MS // 1000 + 30)
    r.set("pxat", "v", pxat=CLOCK_START_MS + 40_000)
    assert [r.ttl(k) for k in ("ex", "px", "td", "exat", "pxat")] == [10, 2, 20, 30, 40]
    r.set("ex", "new", keepttl=True)
    assert r.ttl("ex") == 10
    engine.advance_time(1600)
    assert r.get("px") is None
    assert r.get("ex") == b"new"


def test_set_option_conflicts_raise_redis_py_errors(r: vermilion.Redis) -> None:
    with pytest.raises(DataError, match="mutually exclusive"):
        r.set("k", "v", ex=1, px=1000)
    with pytest.raises(DataError, match="mutually exclusive"):
        r.set("k", "v", nx=True, xx=True)
    with pytest.raises(DataError, match="ex must be datetime.timedelta or int"):
        r.set("k", "v", ex=1.5)  # type: ignore[arg-type]


def test_invalid_expire_time_is_the_servers_error(r: vermilion.Redis) -> None:
    with pytest.raises(ResponseError, match="invalid expire time in 'set' command"):
        r.set("k", "v", ex=0)


def test_incr_family(r: vermilion.Redis) -> None:
    assert r.incr("n") == 1
    assert r.incr("n", 10) == 11
    assert r.incrby("n", -1) == 10
    assert r.decr("n") == 9
    assert r.decrby("n", 4) == 5
    assert r.incrbyfloat("f", 1.5) == 1.5
    assert r.incrbyfloat("f", 1) == 2.5
    r.set("text", "abc")
    with pytest.raises(ResponseError, match="value is not an integer or out of range"):
        r.incr("text")


def test_mget_and_mset(r: vermilion.Redis) -> None:
    assert r.mset({"a": 1, "b": "two"}) is True
    assert r.mget(["a", "b", "c"]) == [b"1", b"two", None]
    assert r.mget("a", "b") == [b"1", b"two"]
    assert r.mget(("a",), "b") == [b"1", b"two"]
    assert r.mget(k for k in ["b", "a"]) == [b"two", b"1"]
    assert r.mget([]) == []
    assert r.mset(OrderedDict([("c", 3)])) is True
    assert r.get("c") == b"3"
    assert r.msetnx({"c": 4, "d": 5}) is False


def test_more_string_commands(r: vermilion.Redis) -> None:
    assert r.append("s", "Hello") == 5
    assert r.append("s", " World") == 11
    assert r.strlen("s") == 11
    assert r.getrange("s", 0, 4) == b"Hello"
    assert r.setrange("s", 6, "Redis") == 11
    assert r.get("s") == b"Hello Redis"
    assert r.getdel("s") == b"Hello Redis"
    assert r.exists("s") == 0
    assert r.setnx("s", "x") is True
    assert r.getset("s", "y") == b"x"


def test_decode_responses_returns_str(rd: vermilion.Redis) -> None:
    rd.set("k", "üñí")
    assert rd.get("k") == "üñí"
    assert rd.mget(["k", "none"]) == ["üñí", None]
    assert rd.set("k", "v", get=True) == "üñí"


def test_invalid_utf8_with_decoding_raises_like_redis_py(r: vermilion.Redis, rd: vermilion.Redis) -> None:
    r.set("raw", b"\xff\xfe")
    with pytest.raises(UnicodeDecodeError):
        rd.get("raw")


def test_other_encodings_apply_both_ways(engine: vermilion.Engine) -> None:
    latin = vermilion.Redis(engine=engine, encoding="latin-1", decode_responses=True)
    raw = vermilion.Redis(engine=engine)
    latin.set("k", "é")
    assert raw.get("k") == b"\xe9"
    assert latin.get("k") == "é"
