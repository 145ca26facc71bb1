"""What vermilion's connection pools, synchronous and asyncio, add to redis-py's.

Each pool is one of these mixed in ahead of the redis-py pool it extends: its connections are
sessions on one engine, and ``from_url`` understands ``vermilion://`` URLs.
"""

from __future__ import annotations

from typing import Any, ClassVar

from . import urls
from ._options import embedded_connection_kwargs
from .engine import Engine


class SessionPool:
    """A pool of engine sessions. ``session_class`` is the face's connection class (the
    default ``connection_class``); ``network_pool`` the redis-py pool that serves URLs of other
    schemes. Without ``engine`` the pool opens a fresh private engine."""

    session_class: ClassVar[type[Any]]
    network_pool: ClassVar[Any]
    connection_kwargs: dict[str, Any]

    def __init__(
        self,
        engine: Engine | None = None,
        connection_class: type[Any] | None = None,
        max_connections: int | None = None,
        **connection_kwargs: Any,
    ) -> None:
        self._start_pool(engine, connection_class, connection_kwargs, max_connections=max_connections)

    def _start_pool(
        self,
        engine: Engine | None,
        connection_class: type[Any] | None,
        connection_kwargs: dict[str, Any],
        **pool_options: Any,
    ) -> None:
        """Hands the redis-py pool behind this mixin its own options and its sessions'."""
        super().__init__(  # type: ignore[call-arg]  # redis-py's pool, next in the MRO
            connection_class=connection_class or self.session_class,
            **pool_options,
            **embedded_connection_kwargs(engine, connection_kwargs),
        )

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Any:
        """A pool on the engine a ``vermilion://`` URL names; other schemes give redis-py's
        network pool. Query-string arguments win over ``kwargs``, as in redis-py."""
        if not urls.is_embedded(url):
            return cls.network_pool.from_url(url, **kwargs)
        engine, url_kwargs = urls.parse(url)
        kwargs.update(url_kwargs)
        if isinstance(engine, str):
            # A data directory another process serves: a network pool reaching it there.
            return cls.network_pool.from_url(engine, **kwargs)
        return cls(engine=engine, **kwargs)

    @property
    def engine(self) -> Engine:
        """The engine every connection of this pool is a session of."""
        engine: Engine = self.connection_kwargs["engine"]
        return engine


class BlockingSessionPool(SessionPool):
    """A pool of at most ``max_connections`` engine sessions; a caller wanting one more waits
    up to ``timeout`` seconds for one to be released, then gets redis-py's ``ConnectionError``."""

    def __init__(
        self,
        engine: Engine | None = None,
        max_connections: int = 50,
        timeout: float | None = 20,
        connection_class: type[Any] | None = None,
        **connection_kwargs: Any,
    ) -> None:
        self._start_pool(engine, connection_class, connection_kwargs, max_connections=max_connections, timeout=timeout)
