"""The native fast paths must answer exactly as redis-py's own methods.

Every case runs twice on fresh engines: once through the native method bound on
``vermilion.Redis``, once through redis-py's method (``redis.Redis.<name>``, which goes through
``execute_command`` and the response callbacks). Results, or exception classes and messages,
must be identical - also for commands the engine does not have yet.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import redis

import vermilion
from conftest import CLOCK_START_MS

SETUP = [
    ("SET", "s", "value"),
    ("SET", "n", "10"),
    ("HSET", "h", "f1", "v1", "f2", "v2"),
    ("RPUSH", "l", "a", "b", "c"),
    ("SADD", "set", "m1", "m2"),
    ("ZADD", "z", "1", "one", "2", "two", "3", "three"),
]

CASES: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("get", ("s",), {}),
    ("get", (b"missing",), {}),
    ("get", (None,), {}),
    ("set", ("k", "v"), {}),
    ("set", ("s", 1.25), {"get": True}),
    ("set", ("s", "v"), {"nx": True}),
    ("set", ("s", "v"), {"xx": 1}),
    ("set", ("k", "v"), {"ex": 10, "nx": True}),
    ("set", ("k", "v"), {"px": datetime.timedelta(milliseconds=1500)}),
    ("set", ("k", "v"), {"ex": 1, "keepttl": True}),
    ("set", ("k", "v"), {"ex": -1}),
    ("set", ("k", "v"), {"ex": True}),
    ("set", ("k", {}), {}),
    ("set", ("k", "v"), {"exat": CLOCK_START_MS // 1000 + 5}),
    ("mget", (["s", "n", "nope"],), {}),
    ("mget", ("s", "n"), {}),
    ("mget", ([],), {}),
    ("mget", ({"s": None}.keys(),), {}),  # any iterable: handed to redis-py
    ("mset", ({"a": 1, "b": b"2"},), {}),
    ("mset", ({},), {}),
    ("incr", ("n",), {}),
    ("incr", ("n", 5), {}),
    ("incrby", ("s",), {}),
    ("incrby", ("n", 1.5), {}),
    ("delete", ("s", "n", "nope"), {}),
    ("delete", (), {}),
    ("exists", ("s", "s", "nope"), {}),
    ("expire", ("s", 100), {}),
    ("expire", ("nope", 100), {}),
    ("expire", ("s", 100), {"xx": True}),
    ("expire", ("s", datetime.timedelta(seconds=7)), {}),
    ("ttl", ("s",), {}),
    ("hget", ("h", "f1"), {}),
    ("hget", ("s", "f1"), {}),
    ("hset", ("h", "f3", "v3"), {}),
    ("hset", ("h",), {"mapping": {"f1": "x", "f9": "y"}}),
    ("hset", ("h",), {"items": ["f7", "a"]}),
    ("hset", ("h",), {}),
    ("hset", ("h", "f", None), {}),
    ("hgetall", ("h",), {}),
    ("hgetall", ("nope",), {}),
    ("lpush", ("l", "x", "y"), {}),
    ("lpush", ("s", "x"), {}),
    ("rpop", ("l",), {}),
    ("rpop", ("l", 2), {}),
    ("rpop", ("nope",), {}),
    ("sadd", ("set", "m2", "m3"), {}),
    ("sismember", ("set", "m1"), {}),
    ("sismember", ("set", "zz"), {}),
    ("zadd", ("z", {"four": 4}), {}),
    ("zadd", ("z", {"one": 10}), {"xx": True, "ch": True}),
    ("zadd", ("z", {"one": 5}), {"incr": True}),
    ("zadd", ("z", {}), {}),
    ("zadd", ("z", {"a": 1}), {"nx": True, "xx": True}),
    ("zadd", ("z", {"a": 1}), {"nx": True, "gt": True}),
    ("zrange", ("z", 0, -1), {}),
    ("zrange", ("z", 0, -1), {"withscores": True}),
    ("zrange", ("z", 0, 1), {"desc": True}),
    ("publish", ("channel", "message"), {}),
]


def outcome(call: Any) -> Any:
    try:
        return ("value", call())
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        return ("error", type(e), str(e))


def fresh_client(decode: bool, protocol: int) -> vermilion.Redis:
    client = vermilion.Redis(
        engine=vermilion.Engine(clock_ms=CLOCK_START_MS), decode_responses=decode, protocol=protocol
    )
    for command in SETUP:
        try:
            client.execute_command(*command)
        except redis.ResponseError:
            pass  # a type the engine does not have yet
    return client


def snapshot(client: vermilion.Redis) -> list[tuple[Any, ...]]:
    """Every key with its type, TTL and (for strings) value."""
    rows = []
    for key in sorted(client.execute_command("KEYS", "*")):
        kind = client.type(key)
        value = client.get(key) if kind in (b"string", "string") else None
        rows.append((key, kind, client.ttl(key), value))
    return rows


@pytest.mark.parametrize("protocol", [2, 3])
@pytest.mark.parametrize("decode", [False, True])
@pytest.mark.parametrize(("method", "args", "kwargs"), CASES, ids=lambda v: repr(v)[:40])
def test_native_method_matches_redis_py(method: str, args: tuple, kwargs: dict, decode: bool, protocol: int) -> None:
    native, reference = fresh_client(decode, protocol), fresh_client(decode, protocol)
    assert method in native.__dict__, "the native fast path is not bound"
    got = outcome(lambda: getattr(native, method)(*args, **kwargs))
    expected = outcome(lambda: getattr(redis.Redis, method)(reference, *args, **kwargs))
    assert got == expected
    assert snapshot(native) == snapshot(reference)
