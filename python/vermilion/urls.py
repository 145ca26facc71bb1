"""``vermilion://`` URLs: which engine a client opens, and how it talks to it.

    vermilion://                      a fresh private engine
    vermilion://cache                 the engine named "cache" in this process (Engine.named)
    vermilion:///srv/data             the engine of that data directory (Engine.at)
    vermilion:///srv/data?serve=auto  the same, served to other processes (see vermilion.data_dir)
    vermilion://cache?db=2&decode_responses=yes&maxmemory=100mb&maxmemory_policy=allkeys-lru

Query arguments redis-py knows (``db``, ``decode_responses``, ``client_name``, ``protocol``,
``health_check_interval``, ``max_connections``, ...) configure the connections, as in a
``redis://`` URL; ``clock_ms`` and ``manual_clock`` pick the engine's clock; ``serve=auto``
serves a data directory's engine (or finds the process serving it); every other argument is an
engine option under its Redis name (``maxmemory``, ``maxmemory-policy``...).

A data directory another process owns and serves parses to that server's address
(``unix:///srv/data/vermilion.sock``, ``redis://127.0.0.1:7000``) instead of an engine.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from redis.connection import URL_QUERY_ARGUMENT_PARSERS, to_bool

from . import data_dir
from .engine import Engine

SCHEME = "vermilion"

# Connection settings a URL may carry besides those redis-py parses for redis:// URLs.
_CONNECTION_ARGUMENTS: dict[str, Any] = {
    **URL_QUERY_ARGUMENT_PARSERS,
    "decode_responses": to_bool,
    "client_name": str,
    "encoding": str,
    "encoding_errors": str,
}

# Settings of the engine itself that are not Redis options.
_CLOCK_ARGUMENTS: dict[str, Any] = {"clock_ms": int, "manual_clock": to_bool}
# How a data directory's engine is shared.
_SERVE_ARGUMENTS: dict[str, Any] = {"serve": str}


def is_embedded(url: str) -> bool:
    """Whether ``url`` names an in-process engine rather than a server."""
    return url.startswith(f"{SCHEME}:")


def parse(url: str) -> tuple[Engine | str, dict[str, Any]]:
    """The engine a ``vermilion://`` URL names (opened if needed) - or the address of the
    process serving the data directory it names - and the connection keyword arguments it
    carries."""
    parts = urlparse(url)
    if parts.scheme != SCHEME:
        raise ValueError(f"not a {SCHEME}:// URL: {url!r}")
    connection: dict[str, Any] = {}
    clock: dict[str, Any] = {}
    sharing: dict[str, Any] = {}
    options: dict[str, Any] = {}
    for name, values in parse_qs(parts.query).items():
        value = values[0]
        tables = ((_CONNECTION_ARGUMENTS, connection), (_CLOCK_ARGUMENTS, clock), (_SERVE_ARGUMENTS, sharing))
        for table, target in tables:
            if name in table:
                try:
                    target[name] = table[name](value)
                except (TypeError, ValueError):
                    raise ValueError(f"Invalid value for '{name}' in connection URL.") from None
                break
        else:
            options[name] = value
    if parts.username:
        connection["username"] = unquote(parts.username)
    if parts.password:
        connection["password"] = unquote(parts.password)
    name = unquote(parts.netloc.rpartition("@")[2])  # as written: hostname would lowercase it
    path = unquote(parts.path)
    if name and path not in ("", "/"):
        raise ValueError(f"a {SCHEME}:// URL names an engine or a data directory, not both: {url!r}")
    if sharing and (name or path in ("", "/")):
        raise ValueError(f"serve= shares a data directory: {url!r}")
    engine: Engine | str
    if name:
        engine = Engine.named(name, **clock, **options)
    elif path not in ("", "/"):
        engine = data_dir.open_or_locate(path, sharing.get("serve"), **clock, **options)
    else:
        engine = Engine(**clock, **options)
    return engine, connection
