"""``vermilion.Redis``: redis-py's client on an in-process engine."""

from __future__ import annotations

from typing import Any, cast

import redis
import redis.client

from . import urls
from ._embedded_client import MAY_BLOCK, EmbeddedClient, EmbeddedPipeline
from .connection import EmbeddedConnection
from .pool import ConnectionPool


class Redis(EmbeddedClient, redis.Redis):
    """redis-py's ``Redis`` with the engine in this process instead of a server.

    Every redis-py command method, response callback, pipeline and ``decode_responses`` work as
    documented by redis-py; commands run in the engine directly, without sockets or RESP.
    Without ``engine`` the client gets a fresh private engine; pass another client's
    ``engine`` to share data::

        r = vermilion.Redis()
        r2 = vermilion.Redis(engine=r.engine, db=1, decode_responses=True)

    ``connection_pool`` may be a :class:`vermilion.ConnectionPool` or
    :class:`vermilion.BlockingConnectionPool`; ``host``, ``port`` and socket options are
    accepted and ignored - which engine a client uses is decided by ``engine`` alone.

    Each redis-py connection of the pool is one engine client (own selected db, name, RESP
    version). The client's own commands run on a dedicated connection; ``pipeline()`` and
    ``pubsub()`` take theirs from the pool. It is safe to share one client between threads.
    """

    redis_client = redis.Redis
    pool_class = ConnectionPool
    session_class = EmbeddedConnection

    def _direct_session(self) -> EmbeddedConnection:
        # With single_connection_client, the client's one connection; else a session of its own.
        pool = self.connection_pool
        return cast(EmbeddedConnection, self.connection or pool.connection_class(**pool.connection_kwargs))

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:
        """A client of the engine a ``vermilion://`` URL names (see :mod:`vermilion.urls`):
        ``vermilion://`` a fresh engine, ``vermilion://NAME`` a named one, ``vermilion:///dir``
        the engine of a data directory, options in the query string. Other schemes
        (``redis://host:port/db``, ``rediss://``, ``unix://``) give a plain redis-py client
        of that server."""
        if not urls.is_embedded(url):
            return redis.Redis.from_url(url, **kwargs)
        return cls._from_engine_url(url, **kwargs)

    def __repr__(self) -> str:
        return f"<vermilion.Redis(engine={self.engine!r}, db={self.connection_pool.connection_kwargs.get('db', 0)})>"

    def execute_command(self, *args: Any, **options: Any) -> Any:
        client = self._client
        # A command that may wait (BLPOP...) takes a connection of its own from the pool, as
        # over a socket, so this client's other threads are not held up behind it.
        if client is None or str(args[0]).lower() in MAY_BLOCK:
            return super().execute_command(*args, **options)
        return self._run_in_engine(client, args, options)

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Pipeline:
        return Pipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)

    def close(self) -> None:
        session = getattr(self, "_session", None)
        if session is not None and session is not self.connection:
            session.disconnect()
        super().close()


class Pipeline(EmbeddedPipeline, redis.client.Pipeline):
    """redis-py's pipeline; on an embedded connection its commands run in one native call."""

    def _execute_pipeline(self, connection: Any, commands: list[Any], raise_on_error: bool) -> list[Any]:
        if not isinstance(connection, EmbeddedConnection):
            return super()._execute_pipeline(connection, commands, raise_on_error)
        responses = list(self._run_batch(connection, commands))
        if raise_on_error:
            self.raise_first_error(commands, responses)
        return responses
