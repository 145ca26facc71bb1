"""``vermilion.asyncio.Redis``: redis-py's asyncio client on an in-process engine."""

from __future__ import annotations

import weakref
from typing import Any, Callable, cast

import redis
import redis.asyncio
import redis.asyncio.client

from .. import _native, urls
from .._embedded_client import MAY_BLOCK, EmbeddedClient, EmbeddedPipeline
from .connection import EmbeddedConnection
from .pool import ConnectionPool


def may_block(name: Any) -> bool:
    """Whether a command name is one that may wait for other clients (BLPOP, XREAD, ...)."""
    if isinstance(name, (bytes, bytearray, memoryview)):
        name = bytes(name).decode(errors="replace")
    return str(name).lower() in MAY_BLOCK


def awaitable(native: Any, owner: weakref.ref[Any]) -> Any:
    """A native fast-path method of ``owner`` as a coroutine method. The native call completes
    at once; argument shapes it leaves to redis-py come back as redis-py's own coroutine. While
    a CLIENT PAUSE may hold commands, redis-py's method runs instead: its command then awaits
    the held call rather than waiting for it on the event loop."""
    name = getattr(native, "__name__", "method")

    async def method(*args: Any, **kwargs: Any) -> Any:
        try:
            result = native(*args, **kwargs)
        except _native.CommandHeld:
            return await getattr(redis.asyncio.Redis, name)(owner(), *args, **kwargs)
        if hasattr(type(result), "__await__"):
            return await result
        return result

    method.__name__ = name
    method.__doc__ = getattr(native, "__doc__", None)
    return method


async def settled(result: Any) -> Any:
    """A response callback's result, awaited if the callback was asynchronous."""
    # redis-py's own test, inspect.isawaitable, costs more than the rest of a fast command.
    if hasattr(type(result), "__await__"):
        result = await result
    return result


# The ignores on the two classes below: with a second base, mypy checks redis.asyncio's own
# command mixins against each other, and their command_info signatures disagree.
class Redis(EmbeddedClient, redis.asyncio.Redis):  # type: ignore[misc]
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

    redis_client = redis.asyncio.Redis
    pool_class = ConnectionPool
    session_class = EmbeddedConnection
    _session: EmbeddedConnection | None

    def _direct_session(self) -> EmbeddedConnection | None:
        if self.single_connection_client:
            return None  # redis-py's own path: one connection shared by every command.
        pool = self.connection_pool
        return cast(EmbeddedConnection, pool.connection_class(**pool.connection_kwargs))

    def _fast_method(self, native: Callable[..., Any]) -> Callable[..., Any]:
        return awaitable(native, weakref.ref(self))

    @classmethod
    def from_url(cls, url: str, single_connection_client: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """A client of the engine a ``vermilion://`` URL names (see :mod:`vermilion.urls`);
        other schemes (``redis://``, ``rediss://``, ``unix://``) give redis-py's asyncio client
        of that server."""
        if not urls.is_embedded(url):
            return redis.asyncio.Redis.from_url(url, single_connection_client=single_connection_client, **kwargs)
        return cls._from_engine_url(url, single_connection_client=single_connection_client, **kwargs)

    def __repr__(self) -> str:
        db = self.connection_pool.connection_kwargs.get("db", 0)
        return f"<vermilion.asyncio.Redis(engine={self.engine!r}, db={db})>"

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        client = self._client
        # A command that may wait (BLPOP..., or one a CLIENT PAUSE may hold, which the native
        # client hands back) takes a connection of its own from the pool, as over a socket, and
        # is awaited there without holding up the event loop.
        if client is None or may_block(args[0]):
            return await super().execute_command(*args, **options)
        try:
            response = self._run_in_engine(client, args, options)
        except _native.CommandHeld:
            return await super().execute_command(*args, **options)
        return await settled(response)

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Pipeline:
        return Pipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)

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


class Pipeline(EmbeddedPipeline, redis.asyncio.client.Pipeline):  # type: ignore[misc]  # as Redis
    """redis-py's asyncio pipeline; on an embedded connection a batch of commands that cannot
    block runs in one native call."""

    async def _execute_pipeline(self, connection: Any, commands: Any, raise_on_error: bool) -> list[Any]:
        if not isinstance(connection, EmbeddedConnection) or any(may_block(args[0]) for args, _ in commands):
            return cast(list[Any], await super()._execute_pipeline(connection, commands, raise_on_error))
        if not connection.is_connected:
            await connection.connect()
        try:
            # The batch runs at the first response; a pause that may hold it hands it back whole.
            responses = [await settled(response) for response in self._run_batch(connection, commands)]
        except _native.CommandHeld:
            return cast(list[Any], await super()._execute_pipeline(connection, commands, raise_on_error))
        if raise_on_error:
            self.raise_first_error(commands, responses)
        return responses
