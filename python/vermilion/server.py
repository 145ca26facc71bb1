"""Serving an in-process engine over the network."""

from __future__ import annotations

import os
from typing import Any, Iterable

import redis

from . import _native
from .engine import Engine


class Server:
    """Vermilion's network server in front of an in-process engine, running on background
    threads. Other processes (``redis-cli``, services in any language) then share the data::

        srv = vermilion.Server(engine, port=0)    # 0 picks a free port
        redis.Redis(port=srv.port).get("k")
        srv.stop()

    ``engine`` may also be a :class:`vermilion.Redis`, whose engine is then served.
    """

    def __init__(
        self,
        engine: Any = None,
        *,
        port: int = 0,
        bind: Iterable[str] = ("127.0.0.1",),
        unixsocket: str | os.PathLike[str] | None = None,
    ) -> None:
        if engine is None:
            engine = Engine()
        elif not isinstance(engine, Engine):
            engine = engine.engine
        self.engine: Engine = engine
        self.bind = list(bind)
        self.unixsocket = os.fspath(unixsocket) if unixsocket is not None else None
        self._native = _native.Server(engine._native, self.bind, port, self.unixsocket)

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return self._native.port

    @property
    def running(self) -> bool:
        return self._native.running

    def client(self, **kwargs: Any) -> redis.Redis:
        """A plain redis-py client of this server over TCP."""
        host = self.bind[0] if self.bind else "127.0.0.1"
        return redis.Redis(host=host, port=self.port, **kwargs)

    def stop(self) -> None:
        """Stops listening and closes every network connection. Idempotent."""
        self._native.stop()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<vermilion.Server port={self.port} {state}>"
