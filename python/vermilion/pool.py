"""redis-py's connection pools over an in-process engine.

``vermilion.ConnectionPool`` and ``vermilion.BlockingConnectionPool`` are redis-py's pools whose
connections are engine sessions. A pool holds one engine: the one passed as ``engine``, the one
a ``vermilion://`` URL names, or else a fresh private one. Network-only arguments (``host``,
``port``, socket options) are accepted and ignored, so they can never split or merge data.
"""

from __future__ import annotations

from typing import Any

import redis
from redis.maint_notifications import MaintNotificationsConfig

from . import urls
from .connection import EmbeddedConnection
from .engine import Engine

# Arguments that only mean something for a socket; an in-process engine ignores them.
NETWORK_ONLY = frozenset(
    {
        "host",
        "port",
        "path",
        "unix_socket_path",
        "socket_keepalive",
        "socket_keepalive_options",
        "socket_type",
        "ssl",
        "ssl_keyfile",
        "ssl_certfile",
        "ssl_cert_reqs",
        "ssl_ca_certs",
        "ssl_ca_data",
        "ssl_ca_path",
        "ssl_check_hostname",
        "ssl_password",
        "ssl_min_version",
        "ssl_ciphers",
        "ssl_include_verify_flags",
        "ssl_exclude_verify_flags",
        "ssl_validate_ocsp",
        "ssl_validate_ocsp_stapled",
        "ssl_ocsp_context",
        "ssl_ocsp_expected_cert",
    }
)


def embedded_connection_kwargs(engine: Engine | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of a pool of engine sessions: the engine (a fresh one if none),
    maintenance notifications off (they concern server fail-overs), network options dropped."""
    if engine is not None and not isinstance(engine, Engine):
        raise TypeError(
            f"engine must be a vermilion.Engine, not {type(engine).__name__!r}; "
            "for a Redis server use redis.Redis or vermilion.Redis.from_url"
        )
    prepared = {key: value for key, value in kwargs.items() if key not in NETWORK_ONLY}
    prepared["engine"] = engine if engine is not None else Engine()
    prepared.setdefault("maint_notifications_config", MaintNotificationsConfig(enabled=False))
    return prepared


class ConnectionPool(redis.ConnectionPool):
    """redis-py's ``ConnectionPool`` of sessions on one in-process engine::

        pool = vermilion.ConnectionPool(engine=engine, max_connections=20, db=1)
        a, b = vermilion.Redis(connection_pool=pool), vermilion.Redis(connection_pool=pool)
        pool = vermilion.ConnectionPool.from_url("vermilion://cache?decode_responses=yes")

    Without ``engine`` the pool opens a fresh private engine.
    """

    def __init__(
        self,
        engine: Engine | None = None,
        connection_class: type[EmbeddedConnection] = EmbeddedConnection,
        max_connections: int | None = None,
        **connection_kwargs: Any,
    ) -> None:
        super().__init__(
            connection_class=connection_class,
            max_connections=max_connections,
            **embedded_connection_kwargs(engine, connection_kwargs),
        )

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:
        """A pool on the engine a ``vermilion://`` URL names; other schemes give redis-py's
        network pool. Query-string arguments win over ``kwargs``, as in redis-py."""
        if not urls.is_embedded(url):
            return redis.ConnectionPool.from_url(url, **kwargs)
        engine, url_kwargs = urls.parse(url)
        kwargs.update(url_kwargs)
        return cls(engine=engine, **kwargs)

    @property
    def engine(self) -> Engine:
        """The engine every connection of this pool is a session of."""
        engine: Engine = self.connection_kwargs["engine"]
        return engine


class BlockingConnectionPool(redis.BlockingConnectionPool):
    """redis-py's ``BlockingConnectionPool`` on an in-process engine: at most
    ``max_connections`` sessions; a caller wanting one more waits up to ``timeout`` seconds
    for one to be released, then gets redis-py's ``ConnectionError``."""

    def __init__(
        self,
        engine: Engine | None = None,
        max_connections: int = 50,
        timeout: float | None = 20,
        connection_class: type[EmbeddedConnection] = EmbeddedConnection,
        **connection_kwargs: Any,
    ) -> None:
        super().__init__(
            max_connections=max_connections,
            timeout=timeout,
            connection_class=connection_class,
            **embedded_connection_kwargs(engine, connection_kwargs),
        )

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:
        """As :meth:`ConnectionPool.from_url`, with a blocking pool."""
        if not urls.is_embedded(url):
            return redis.BlockingConnectionPool.from_url(url, **kwargs)
        engine, url_kwargs = urls.parse(url)
        kwargs.update(url_kwargs)
        return cls(engine=engine, **kwargs)

    @property
    def engine(self) -> Engine:
        engine: Engine = self.connection_kwargs["engine"]
        return engine
