"""``redis.asyncio``'s connection pools over an in-process engine."""

from __future__ import annotations

import redis.asyncio

from .._session_pool import BlockingSessionPool, SessionPool
from .connection import EmbeddedConnection


class ConnectionPool(SessionPool, redis.asyncio.ConnectionPool):
    """``redis.asyncio.ConnectionPool`` of sessions on one in-process engine (a fresh private
    one without ``engine``); see :class:`vermilion.ConnectionPool`."""

    session_class = EmbeddedConnection
    network_pool = redis.asyncio.ConnectionPool


class BlockingConnectionPool(BlockingSessionPool, redis.asyncio.BlockingConnectionPool):
    """``redis.asyncio.BlockingConnectionPool`` on an in-process engine: at most
    ``max_connections`` sessions, a caller wanting one more awaits one up to ``timeout``."""

    session_class = EmbeddedConnection
    network_pool = redis.asyncio.BlockingConnectionPool
