"""``vermilion.Redis``: redis-py's client on an in-process engine."""

from __future__ import annotations

import weakref
from typing import Any, cast

import redis
import redis.client
from redis.client import EMPTY_RESPONSE, NEVER_DECODE
from redis.exceptions import ResponseError

from . import _native, fastpath, urls
from .callbacks import CallbackTable, apply_callback
from .connection import EmbeddedConnection
from .engine import Engine
from .pool import ConnectionPool


# Commands that may wait for other clients; Redis flags them "blocking".
MAY_BLOCK = frozenset(
    {"blpop", "brpop", "blmove", "brpoplpush", "blmpop", "bzpopmin", "bzpopmax", "bzmpop", "xread", "xreadgroup", "wait"}
)


class Redis(redis.Redis):
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

    def __init__(
        self,
        engine: Engine | None = None,
        db: int = 0,
        password: str | None = None,
        *,
        username: str | None = None,
        decode_responses: bool = False,
        encoding: str = "utf-8",
        encoding_errors: str = "strict",
        protocol: int | None = 2,
        client_name: str | None = None,
        connection_pool: redis.ConnectionPool | None = None,
        single_connection_client: bool = False,
        max_connections: int | None = None,
        **connection_kwargs: Any,
    ) -> None:
        owns_pool = connection_pool is None
        if connection_pool is None:
            connection_pool = ConnectionPool(
                engine=engine,
                max_connections=max_connections,
                db=db,
                password=password,
                username=username,
                decode_responses=decode_responses,
                encoding=encoding,
                encoding_errors=encoding_errors,
                protocol=protocol,
                client_name=client_name,
                **connection_kwargs,
            )
        super().__init__(connection_pool=connection_pool, single_connection_client=single_connection_client)
        self.auto_close_connection_pool = owns_pool
        self._client: _native.Client | None = None
        if not issubclass(connection_pool.connection_class, EmbeddedConnection):
            return  # A pool of network connections: plain redis-py behaviour.
        self._session = cast(
            EmbeddedConnection,
            self.connection or connection_pool.connection_class(**connection_pool.connection_kwargs),
        )
        self._client = self._session.native
        defaults = self.response_callbacks
        self.response_callbacks = CallbackTable(defaults, self._callback_changed)
        fast = _native.FastCommands(self._client, weakref.ref(self))
        fastpath.bind(self, fast, defaults)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:
        """A client of the engine a ``vermilion://`` URL names (see :mod:`vermilion.urls`):
        ``vermilion://`` a fresh engine, ``vermilion://NAME`` a named one, ``vermilion:///dir``
        the engine of a data directory, options in the query string. Other schemes
        (``redis://host:port/db``, ``rediss://``, ``unix://``) give a plain redis-py client
        of that server."""
        if not urls.is_embedded(url):
            return redis.Redis.from_url(url, **kwargs)
        single_connection_client = kwargs.pop("single_connection_client", False)
        pool = ConnectionPool.from_url(url, **kwargs)
        client = cls(connection_pool=pool, single_connection_client=single_connection_client)
        client.auto_close_connection_pool = True
        return client

    @property
    def engine(self) -> Engine:
        """The engine this client's data lives in."""
        return self.connection_pool.connection_kwargs["engine"]

    def __repr__(self) -> str:
        return f"<vermilion.Redis(engine={self.engine!r}, db={self.connection_pool.connection_kwargs.get('db', 0)})>"

    def execute_command(self, *args: Any, **options: Any) -> Any:
        client = self._client
        # A command that may wait (BLPOP...) takes a connection of its own from the pool, as
        # over a socket, so this client's other threads are not held up behind it.
        if client is None or str(args[0]).lower() in MAY_BLOCK:
            return super().execute_command(*args, **options)
        try:
            response = client.execute(args, NEVER_DECODE not in options)
        except ResponseError:
            if EMPTY_RESPONSE in options:
                return options[EMPTY_RESPONSE]
            raise
        return apply_callback(self.response_callbacks, args[0], response, options)

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Pipeline:
        return Pipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)

    def set_response_callback(self, command: str, callback: Any) -> None:
        self.response_callbacks[command] = callback

    def _callback_changed(self, command: str) -> None:
        fastpath.unbind_command(self, command)

    def close(self) -> None:
        session = getattr(self, "_session", None)
        if session is not None and session is not self.connection:
            session.disconnect()
        super().close()


class Pipeline(redis.client.Pipeline):
    """redis-py's pipeline; on an embedded connection its commands run in one native call."""

    def _execute_pipeline(self, connection: Any, commands: list[Any], raise_on_error: bool) -> list[Any]:
        if not isinstance(connection, EmbeddedConnection):
            return super()._execute_pipeline(connection, commands, raise_on_error)
        replies = connection.native.execute_many(
            [(args, NEVER_DECODE not in options) for args, options in commands]
        )
        responses = []
        for (args, options), reply in zip(commands, replies):
            command_name = args[0]
            if not isinstance(reply, ResponseError):
                if command_name in self.UNWATCH_COMMANDS:
                    self.watching = False
                elif command_name == "WATCH":
                    self.watching = True
            responses.append(apply_callback(self.response_callbacks, command_name, reply, options))
        if raise_on_error:
            self.raise_first_error(commands, responses)
        return responses
