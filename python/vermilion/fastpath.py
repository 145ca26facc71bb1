"""Which redis-py methods run natively, and when they must not.

A native method reproduces redis-py's method *and* its default response callback, so it is
bound onto a client only while that command's callback is the default one, and only when the
client's class has not overridden the method.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import redis

# redis-py method -> the command whose response callback the native version reproduces.
FAST_METHODS: Mapping[str, str] = {
    "get": "GET",
    "set": "SET",
    "mget": "MGET",
    "mset": "MSET",
    "incr": "INCRBY",
    "incrby": "INCRBY",
    "delete": "DEL",
    "exists": "EXISTS",
    "expire": "EXPIRE",
    "ttl": "TTL",
    "hget": "HGET",
    "hset": "HSET",
    "hgetall": "HGETALL",
    "lpush": "LPUSH",
    "rpop": "RPOP",
    "sadd": "SADD",
    "sismember": "SISMEMBER",
    "zscore": "ZSCORE",
    "zadd": "ZADD",
    "zrange": "ZRANGE",
    "publish": "PUBLISH",
}


def bind(
    client: Any,
    fast: Any,
    default_callbacks: Mapping[str, Any],
    base: type = redis.Redis,
    wrap: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
) -> None:
    """Puts the native methods of ``fast`` on ``client``'s instance dict where allowed: where
    the client's class inherits the method from ``base`` unchanged. ``wrap`` adapts each one
    (the asyncio face makes them coroutines)."""
    for method, command in FAST_METHODS.items():
        inherited = getattr(type(client), method, None) is getattr(base, method)
        default = client.response_callbacks.get(command) is default_callbacks.get(command)
        if inherited and default:
            native = getattr(fast, method)
            client.__dict__[method] = wrap(native) if wrap is not None else native


def unbind_command(client: Any, command: str) -> None:
    """Sends every method of ``command`` back to redis-py's implementation."""
    for method, fast_command in FAST_METHODS.items():
        if fast_command == command:
            client.__dict__.pop(method, None)
