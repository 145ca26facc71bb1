"""``vermilion.asyncio.Redis``: redis-py's asyncio client on an in-process engine."""

from __future__ import annotations

import weakref
from typing import Any, cast

import redis
import redis.asyncio
import redis.asyncio.client
from redis.client import EMPTY_RESPONSE, NEVER_DECODE
from redis.exceptions import ResponseError

from .. import _native, fastpath, urls
from ..callbacks import CallbackTable, apply_callback
from ..client import MAY_BLOCK
from ..engine import Engine
from .connection import EmbeddedConnection
from .pool import ConnectionPool


def may_block(name: Any) -> bool:
    """Whether a command name is one that may wait for other clients (BLPOP, XREAD, ...)."""
    if isinstance(name, (bytes, bytearray, memoryview)):
        name = bytes(name).decode(errors="replace")
    return str(name).lower() in MAY_BLOCK


def awaitable(native: Any) -> Any:
    """A native fast-path method as a coroutine method. The native call completes at once;
    argument shapes it leaves to redis-py come back as redis-py's own coroutine."""

    async def method(*args: Any, **kwargs: Any) -> Any:
        result = native(*args, **kwargs)
        if hasattr(type(result), "__await__"):
            return await result
        return result

    method.__name__ = getattr(native, "__name__", "method")
    method.__doc__ = getattr(native, "__doc__", None)
    return method


async def apply_callback_async(callbacks: Any, command_name: Any, response: Any, options: dict[str, Any]) -> Any:
    """:func:`vermilion.callbacks.apply_callback`, awaiting an asynchronous callback."""
    result = apply_callback(callbacks, command_name, response, options)
    # redis-py's own test, inspect.isawaitable, costs more than the rest of a fast command.
    if hasattr(type(result), "__await__"):
        result = await result
    return result


class Redis(redis.asyncio.Redis):
    """redis-py's ``redis.asyncio.Redis`` with the engine in this process instead of a server.

    Every command method, pipeline, transaction and pub/sub of ``redis.asyncio`` works as
    redis-py documents it::

        r = vermilion.asyncio.Redis()
        await r.set("k", "v")
        async with r.pipeline() as pipe:
            await pipe.incr("n").expire("n", 60).execute()
        await r.aclose()

    Commands that do not block complete inside the awaiting coroutine - no thread, no socket.
    Blocking commands (``blpop``, ``xread(block=...)``, ...) and pub/sub reads await without
    blocking the event loop and may be cancelled (``asyncio.wait_for``): the call is then
    unparked in the engine, leaving no waiter behind.

    Without ``engine`` the client gets a fresh private engine; pass another client's
    ``engine`` (a sync :class:`vermilion.Redis`'s too) to share data.
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
        connection_pool: redis.asyncio.ConnectionPool | None = None,
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
        self._session: EmbeddedConnection | None = None
        if single_connection_client or not issubclass(connection_pool.connection_class, EmbeddedConnection):
            return  # redis-py's own path: one shared connection, or a network pool.
        # The client's own commands run on a session of their own, straight into the engine.
        self._session = connection_pool.connection_class(**connection_pool.connection_kwargs)
        self._client = self._session.native
        defaults = cast(Any, self.response_callbacks)
        self.response_callbacks = CallbackTable(defaults, self._callback_changed)
        fast = _native.FastCommands(self._client, weakref.ref(self))
        fastpath.bind(self, fast, defaults, base=redis.asyncio.Redis, wrap=awaitable)

    @classmethod
    def from_url(cls, url: str, single_connection_client: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """A client of the engine a ``vermilion://`` URL names (see :mod:`vermilion.urls`);
        other schemes (``redis://``, ``rediss://``, ``unix://``) give redis-py's asyncio client
        of that server."""
        if not urls.is_embedded(url):
            return redis.asyncio.Redis.from_url(url, single_connection_client=single_connection_client, **kwargs)
        pool = ConnectionPool.from_url(url, **kwargs)
        client = cls(connection_pool=pool, single_connection_client=single_connection_client)
        client.auto_close_connection_pool = True
        return client

    @property
    def engine(self) -> Engine:
        """The engine this client's data lives in."""
        engine: Engine = self.connection_pool.connection_kwargs["engine"]
        return engine

    def __repr__(self) -> str:
        db = self.connection_pool.connection_kwargs.get("db", 0)
        return f"<vermilion.asyncio.Redis(engine={self.engine!r}, db={db})>"

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        client = self._client
        # A command that may wait (BLPOP...) takes a connection of its own from the pool, as
        # over a socket, and is awaited there without holding up the event loop.
        if client is None or may_block(args[0]):
            return await super().execute_command(*args, **options)
        try:
            response = client.execute(args, NEVER_DECODE not in options)
        except ResponseError:
            if EMPTY_RESPONSE in options:
                return options[EMPTY_RESPONSE]
            raise
        return await apply_callback_async(self.response_callbacks, args[0], response, options)

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Pipeline:
        return Pipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)

    def set_response_callback(self, command: str, callback: Any) -> None:
        self.response_callbacks[command] = callback

    def _callback_changed(self, command: str) -> None:
        fastpath.unbind_command(self, command)

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        session = self._session
        if session is not None:
            session._close()
        await super().aclose(close_connection_pool)

    def close_sessions(self) -> None:
        """Ends every engine session of this client now, without an event loop (``aclose`` is
        the asyncio way; this serves synchronous teardown code such as pytest fixtures)."""
        if self._session is not None:
            self._session._close()
        pool = self.connection_pool
        for connection in [*pool._available_connections, *pool._in_use_connections]:
            if isinstance(connection, EmbeddedConnection):
                connection._close()
        if self.connection is not None and isinstance(self.connection, EmbeddedConnection):
            self.connection._close()

    def __del__(self, *args: Any, **kwargs: Any) -> None:
        session = getattr(self, "_session", None)
        if session is not None:
            session._close()
        super().__del__(*args, **kwargs)


class Pipeline(redis.asyncio.client.Pipeline):
    """redis-py's asyncio pipeline; on an embedded connection a batch of commands that cannot
    block runs in one native call."""

    async def _execute_pipeline(self, connection: Any, commands: Any, raise_on_error: bool) -> list[Any]:
        if not isinstance(connection, EmbeddedConnection) or any(may_block(args[0]) for args, _ in commands):
            return cast(list[Any], await super()._execute_pipeline(connection, commands, raise_on_error))
        if not connection.is_connected:
            await connection.connect()
        replies = connection.native.execute_many([(args, NEVER_DECODE not in options) for args, options in commands])
        responses = []
        for (args, options), reply in zip(commands, replies):
            command_name = args[0]
            if not isinstance(reply, ResponseError):
                if command_name in self.UNWATCH_COMMANDS:
                    self.watching = False
                elif command_name == "WATCH":
                    self.watching = True
            responses.append(await apply_callback_async(self.response_callbacks, command_name, reply, options))
        if raise_on_error:
            self.raise_first_error(commands, responses)
        return responses
