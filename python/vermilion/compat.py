"""A drop-in for fakeredis: switch a test suite by changing one import.

    from vermilion.compat import FakeRedis, FakeAsyncRedis, FakeServer   # was: from fakeredis ...

The classes take fakeredis's arguments and share data the way fakeredis does:

- ``FakeRedis()`` without ``host``, ``port`` or ``server`` gets a fresh private engine;
- ``FakeRedis(server=s)``: every client given the same :class:`FakeServer` shares its engine;
- ``FakeRedis(host=h, port=p)`` (or ``from_url("redis://h:p/0")``): clients naming the same
  host and port share one engine, as fakeredis shares one server per address;
- ``FakeServer.connected = False`` makes its clients raise ``redis.ConnectionError``.

Where this differs from fakeredis, on purpose: the engine is Vermilion's, so replies, errors
and command coverage are Redis 7's own; ``version``, ``server_type`` and ``lua_modules`` are
accepted and ignored (the engine always speaks Redis 7.x); addresses are keyed by host and port
only, not also by version and server type.
"""

from __future__ import annotations

import inspect
import threading
import weakref
from typing import Any, ClassVar

import redis
import redis.asyncio
from redis.connection import parse_url

from . import fastpath
from .asyncio import Redis as AsyncRedis
from .client import Redis
from .engine import Engine

__all__ = ["FakeAsyncRedis", "FakeRedis", "FakeServer", "FakeStrictRedis"]

# fakeredis's arguments that describe the server it imitates; the engine is always Redis 7.
_IMITATION_ARGUMENTS = ("version", "server_type", "lua_modules", "client_class", "connection_class")


class FakeServer:
    """fakeredis's ``FakeServer``: one engine that every client given it shares. ``config``
    takes Redis options (``{"requirepass": "secret"}``, bytes or str)."""

    _servers_map: ClassVar[dict[str, FakeServer]] = {}
    _servers_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        version: Any = (7,),
        server_type: str = "redis",
        config: dict[Any, Any] | None = None,
        *,
        engine: Engine | None = None,
    ) -> None:
        options: dict[str, Any] = {_text(name): _text(value) for name, value in (config or {}).items()}
        self.engine = engine if engine is not None else Engine(**options)
        if engine is not None:
            self.engine.configure(**options)
        self.version = version
        self.server_type = server_type
        self._connected = True
        self._clients: weakref.WeakSet[Any] = weakref.WeakSet()

    @staticmethod
    def get_server(key: str, version: Any = (7,), server_type: str = "redis") -> FakeServer:
        """The server kept for ``key`` (fakeredis keys servers by address), made on first use."""
        with FakeServer._servers_lock:
            server = FakeServer._servers_map.get(key)
            if server is None:
                server = FakeServer._servers_map[key] = FakeServer(version=version, server_type=server_type)
            return server

    @property
    def connected(self) -> bool:
        """False simulates a server that is down: its clients' commands raise
        ``redis.ConnectionError`` until it is set back to True."""
        return self._connected

    @connected.setter
    def connected(self, value: bool) -> None:
        self._connected = bool(value)
        if not value:
            # Native fast paths would bypass the check; the generic path makes it.
            for client in list(self._clients):
                for method in fastpath.FAST_METHODS:
                    client.__dict__.pop(method, None)

    def _attach(self, client: Any) -> None:
        self._clients.add(client)

    def __repr__(self) -> str:
        return f"<vermilion.compat.FakeServer engine={self.engine!r} connected={self.connected}>"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _keyword_arguments(client_class: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Positional arguments as redis-py's ``Redis(host, port, db, password, ...)`` names them."""
    if args:
        names = [name for name in inspect.signature(client_class.__init__).parameters if name != "self"]
        kwargs.update(zip(names, args))
    return kwargs


def _server_for(kwargs: dict[str, Any]) -> FakeServer:
    """The server a client's arguments name, as fakeredis picks it: the one given, else the
    one of its address (a unix socket path, or host and port), else a fresh private one."""
    server = kwargs.pop("server", None)
    version = kwargs.get("version", (7,))
    server_type = kwargs.get("server_type", "redis")
    path = kwargs.pop("unix_socket_path", None) or kwargs.pop("path", None)
    host, port = kwargs.pop("host", None), kwargs.pop("port", None)
    if server is not None:
        return server  # type: ignore[no-any-return]
    if path is not None:
        return FakeServer.get_server(f"{path}", version, server_type)
    if host is None and port is None:
        return FakeServer(version=version, server_type=server_type)
    return FakeServer.get_server(f"{host or 'localhost'}:{port or 6379}", version, server_type)


def _client_arguments(client_class: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[FakeServer, dict[str, Any]]:
    """The server a fakeredis-style client uses, and the arguments left for redis-py."""
    kwargs = _keyword_arguments(client_class, args, dict(kwargs))
    connected = kwargs.pop("connected", True)
    server = _server_for(kwargs)
    for name in _IMITATION_ARGUMENTS:
        kwargs.pop(name, None)
    pool = kwargs.get("connection_pool")
    if pool is not None and "engine" in pool.connection_kwargs:
        server = FakeServer(engine=pool.connection_kwargs["engine"])  # the pool decides the engine
    else:
        kwargs["engine"] = server.engine
    if not connected:
        server.connected = False
    return server, kwargs


def _url_arguments(url: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """A ``redis://`` URL's address and options, as fakeredis reads them."""
    parsed = dict(parse_url(url))
    kwargs = {**kwargs, **parsed}
    if "path" in kwargs:
        kwargs["unix_socket_path"] = kwargs.pop("path")
    for network_only in ("connection_class", "ssl_check_hostname"):
        kwargs.pop(network_only, None)
    return kwargs


def _down() -> redis.ConnectionError:
    return redis.ConnectionError("FakeRedis is emulating a connection error.")


class FakeRedis(Redis):
    """fakeredis's ``FakeRedis``: redis-py's client on an engine picked as fakeredis picks its
    server (see the module documentation)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        server, kwargs = _client_arguments(redis.Redis, args, kwargs)
        super().__init__(**kwargs)
        self.server = server
        server._attach(self)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:
        """A client of the fake server at the URL's address (``redis://host:port/db``)."""
        return cls(**_url_arguments(url, kwargs))

    def execute_command(self, *args: Any, **options: Any) -> Any:
        if not self.server.connected:
            raise _down()
        return super().execute_command(*args, **options)

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Any:
        if not self.server.connected:
            raise _down()
        return super().pipeline(transaction, shard_hint)

    def pubsub(self, **kwargs: Any) -> Any:
        if not self.server.connected:
            raise _down()
        return super().pubsub(**kwargs)


class FakeStrictRedis(FakeRedis):
    """fakeredis's ``FakeStrictRedis`` (redis-py's ``StrictRedis`` is ``Redis``)."""


class FakeAsyncRedis(AsyncRedis):
    """fakeredis's ``FakeAsyncRedis``: ``redis.asyncio``'s client, engines picked as for
    :class:`FakeRedis`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        server, kwargs = _client_arguments(redis.asyncio.Redis, args, kwargs)
        super().__init__(**kwargs)
        self.server = server
        server._attach(self)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:  # type: ignore[override]
        return cls(**_url_arguments(url, kwargs))

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        if not self.server.connected:
            raise _down()
        return await super().execute_command(*args, **options)
