"""``redis.asyncio``'s connection pools over an in-process engine."""

from __future__ import annotations

from typing import Any

import redis.asyncio

from .. import urls
from ..engine import Engine
from ..pool import embedded_connection_kwargs
from .connection import EmbeddedConnection


class ConnectionPool(redis.asyncio.ConnectionPool):
    """``redis.asyncio.ConnectionPool`` of sessions on one in-process engine (a fresh private
    one without ``engine``); see :class:`vermilion.ConnectionPool`."""

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
        network pool."""
        if not urls.is_embedded(url):
            return redis.asyncio.ConnectionPool.from_url(url, **kwargs)
        engine, url_kwargs = urls.parse(url)
        kwargs.update(url_kwargs)
        return cls(engine=engine, **kwargs)

    @property
    def engine(self) -> Engine:
        engine: Engine = self.connection_kwargs["engine"]
        return engine


class BlockingConnectionPool(redis.asyncio.BlockingConnectionPool):
    """``redis.asyncio.BlockingConnectionPool`` on an in-process engine: at most
    ``max_connections`` sessions, a caller wanting one more awaits one up to ``timeout``."""

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
        if not urls.is_embedded(url):
            return redis.asyncio.BlockingConnectionPool.from_url(url, **kwargs)
        engine, url_kwargs = urls.parse(url)
        kwargs.update(url_kwargs)
        return cls(engine=engine, **kwargs)

    @property
    def engine(self) -> Engine:
        engine: Engine = self.connection_kwargs["engine"]
        return engine
