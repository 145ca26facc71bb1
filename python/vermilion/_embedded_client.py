"""What the synchronous and asyncio ``Redis`` share: their constructor options, ``from_url``,
and the native fast paths of a client whose own commands run straight in the engine."""

from __future__ import annotations

import os
import weakref
from typing import Any, Callable, ClassVar, Iterator, Sequence

import redis
import redis.asyncio
from redis.client import EMPTY_RESPONSE, NEVER_DECODE
from redis.exceptions import ResponseError

from . import _native, data_dir, fastpath
from .callbacks import CallbackTable, apply_callback
from .engine import Engine

# Commands that may wait for other clients; Redis flags them "blocking".
MAY_BLOCK = frozenset(
    {"blpop", "brpop", "blmove", "brpoplpush", "blmpop", "bzpopmin", "bzpopmax", "bzmpop", "xread", "xreadgroup", "wait"}
)


class EmbeddedClient:
    """Mixed in ahead of redis-py's ``Redis`` (synchronous or asyncio). Each face names
    ``redis_client``, the redis-py client it extends (whose methods the fast paths stand in
    for); ``pool_class``, the pool made when none is given; ``session_class``, its connection
    class; and opens the session the client's own commands run on in ``_direct_session``."""

    redis_client: ClassVar[Any]
    pool_class: ClassVar[Any]
    session_class: ClassVar[type[Any]]
    connection_pool: Any
    response_callbacks: Any
    auto_close_connection_pool: bool
    _session: Any  # the face's EmbeddedConnection, or None

    def __new__(cls, *args: Any, dir: Any = None, serve: data_dir.Serve = None, **kwargs: Any) -> Any:  # noqa: A002
        """``dir=`` opens the engine of a data directory; when another process owns the
        directory and serves it, the client made is redis-py's own, connected there."""
        if dir is not None:
            target = data_dir.open_or_locate(dir, serve)
            if isinstance(target, str):
                # Positional arguments by this constructor's names: redis-py's differ.
                named = dict(zip(("engine", "db", "password"), args))
                return cls.redis_client(**network_kwargs({**named, **kwargs}, target))
        return super().__new__(cls)

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
        connection_pool: redis.ConnectionPool | redis.asyncio.ConnectionPool | None = None,
        single_connection_client: bool = False,
        max_connections: int | None = None,
        dir: str | os.PathLike[str] | None = None,  # noqa: A002 - Redis's option name
        serve: data_dir.Serve = None,
        **connection_kwargs: Any,
    ) -> None:
        if dir is not None:
            if engine is not None or connection_pool is not None:
                raise ValueError("dir names the engine: pass it without engine or connection_pool")
            # __new__ opened it in this process (a served one never reaches here): the same engine.
            opened = data_dir.open_or_locate(dir, serve)
            if not isinstance(opened, Engine):
                raise RuntimeError(f"the data directory {dir!r} was taken by another process meanwhile")
            engine = opened
        owns_pool = connection_pool is None
        if connection_pool is None:
            connection_pool = self.pool_class(
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
        super().__init__(  # type: ignore[call-arg]  # redis-py's client, next in the MRO
            connection_pool=connection_pool, single_connection_client=single_connection_client
        )
        self.auto_close_connection_pool = owns_pool
        self._client: _native.Client | None = None
        self._session = None
        if issubclass(connection_pool.connection_class, self.session_class):
            self._session = self._direct_session()
        if self._session is not None:
            self._client = self._session.native
            self._bind_fast_paths(self._client)

    def _direct_session(self) -> Any:
        """The engine session the client's own commands run on; None leaves them to redis-py."""
        raise NotImplementedError

    def _bind_fast_paths(self, client: _native.Client) -> None:
        defaults = self.response_callbacks
        self.response_callbacks = CallbackTable(defaults, self._callback_changed)
        fast = _native.FastCommands(client, weakref.ref(self))
        fastpath.bind(self, fast, defaults, base=self.redis_client, wrap=self._fast_method)

    def _fast_method(self, native: Callable[..., Any]) -> Callable[..., Any]:
        """A native fast-path method as this face calls it."""
        return native

    def _run_in_engine(self, client: _native.Client, args: tuple[Any, ...], options: dict[str, Any]) -> Any:
        """A command run on the client's own session, its reply through the response callback
        (on the asyncio face a callback may return an awaitable)."""
        try:
            response = client.execute(args, NEVER_DECODE not in options)
        except ResponseError:
            if EMPTY_RESPONSE in options:
                return options[EMPTY_RESPONSE]
            raise
        return apply_callback(self.response_callbacks, args[0], response, options)

    @classmethod
    def _from_engine_url(cls, url: str, single_connection_client: bool = False, **kwargs: Any) -> Any:
        """A client of the engine a ``vermilion://`` URL names, owning the pool it opens."""
        pool = cls.pool_class.from_url(url, **kwargs)
        if not isinstance(pool, cls.pool_class):
            # A data directory another process serves: redis-py's own client, connected there.
            remote = cls.redis_client(connection_pool=pool, single_connection_client=single_connection_client)
            remote.auto_close_connection_pool = True
            return remote
        client = cls(connection_pool=pool, single_connection_client=single_connection_client)
        client.auto_close_connection_pool = True
        return client

    @property
    def engine(self) -> Engine:
        """The engine this client's data lives in."""
        engine: Engine = self.connection_pool.connection_kwargs["engine"]
        return engine

    def set_response_callback(self, command: str, callback: Any) -> None:
        self.response_callbacks[command] = callback

    def _callback_changed(self, command: str) -> None:
        fastpath.unbind_command(self, command)


def network_kwargs(kwargs: dict[str, Any], address: str) -> dict[str, Any]:
    """A client's keyword arguments for redis-py's own client reaching ``address``: what only
    an engine understands is dropped, and the address replaces any host, port or socket."""
    dropped = {"engine", "host", "port", "unix_socket_path", "path"}
    kept = {key: value for key, value in kwargs.items() if key not in dropped}
    return {**kept, **data_dir.connection_kwargs(address)}


class EmbeddedPipeline:
    """Mixed in ahead of redis-py's pipeline (synchronous or asyncio): a batch of commands in
    one native call."""

    UNWATCH_COMMANDS: Any
    watching: bool
    response_callbacks: Any

    def _run_batch(self, connection: Any, commands: Sequence[Any]) -> Iterator[Any]:
        """Runs ``commands`` (redis-py's ``(args, options)`` pairs) on ``connection``'s
        engine session, then yields each command's response through its callback - keeping
        ``watching`` as redis-py's pipeline does, reply by reply."""
        replies = connection.native.execute_many([(args, NEVER_DECODE not in options) for args, options in commands])
        for (args, options), reply in zip(commands, replies):
            command_name = args[0]
            if not isinstance(reply, ResponseError):
                if command_name in self.UNWATCH_COMMANDS:
                    self.watching = False
                elif command_name == "WATCH":
                    self.watching = True
            yield apply_callback(self.response_callbacks, command_name, reply, options)
