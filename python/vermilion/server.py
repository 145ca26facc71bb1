"""Serving an in-process engine over the network."""

from __future__ import annotations

import os
from typing import Any, Iterable

import redis

from . import _native, data_dir
from .engine import Engine


class Server:
    """Vermilion's network server in front of an in-process engine, running on background
    threads. Other processes (``redis-cli``, services in any language) then share the data::

        srv = vermilion.Server(engine, port=0)    # 0 picks a free port
        redis.Redis(port=srv.port).get("k")
        srv.stop()

    ``engine`` may also be a :class:`vermilion.Redis`, whose engine is then served. An engine
    opened on a data directory (:meth:`Engine.at`) records there where it is served, so other
    processes opening the directory (``vermilion.Redis(dir=...)``) connect to it.
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
        self._published: list[str] = []
        if engine.data_dir is not None:
            self._published = self.addresses()
            data_dir.publish(engine.data_dir, self._published)

    def addresses(self) -> list[str]:
        """Where clients reach this server: ``unix:///path`` and ``redis://host:port``."""
        found = []
        if self.unixsocket is not None:
            found.append(f"unix://{os.path.abspath(self.unixsocket)}")
        if self.bind and self.port:
            host = self.bind[0].lstrip("-")
            host = {"*": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1", "::*": "::1"}.get(host, host)
            found.append(f"redis://[{host}]:{self.port}" if ":" in host else f"redis://{host}:{self.port}")
        return found

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
        if self._published and self.engine.data_dir is not None:
            data_dir.withdraw(self.engine.data_dir, self._published)
            self._published = []
        self._native.stop()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<vermilion.Server port={self.port} {state}>"
