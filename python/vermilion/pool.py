"""redis-py's connection pools over an in-process engine.

``vermilion.ConnectionPool`` and ``vermilion.BlockingConnectionPool`` are redis-py's pools whose
connections are engine sessions. A pool holds one engine: the one passed as ``engine``, the one
a ``vermilion://`` URL names, or else a fresh private one. Network-only arguments (``host``,
``port``, socket options) are accepted and ignored, so they can never split or merge data.
"""

from __future__ import annotations

import redis

from ._session_pool import BlockingSessionPool, SessionPool
from .connection import EmbeddedConnection


class ConnectionPool(SessionPool, redis.ConnectionPool):
    """redis-py's ``ConnectionPool`` of sessions on one in-process engine::

        pool = vermilion.ConnectionPool(engine=engine, max_connections=20, db=1)
        a, b = vermilion.Redis(connection_pool=pool), vermilion.Redis(connection_pool=pool)
        pool = vermilion.ConnectionPool.from_url("vermilion://cache?decode_responses=yes")

    Without ``engine`` the pool opens a fresh private engine.
    """

    session_class = EmbeddedConnection
    network_pool = redis.ConnectionPool


class BlockingConnectionPool(BlockingSessionPool, redis.BlockingConnectionPool):
    """redis-py's ``BlockingConnectionPool`` on an in-process engine: at most
    ``max_connections`` sessions; a caller wanting one more waits up to ``timeout`` seconds
    for one to be released, then gets redis-py's ``ConnectionError``."""

    session_class = EmbeddedConnection
    network_pool = redis.BlockingConnectionPool
