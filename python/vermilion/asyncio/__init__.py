"""The ``redis.asyncio`` face of Vermilion: redis-py's asyncio client on an in-process engine.

    import vermilion.asyncio

    r = vermilion.asyncio.Redis()                 # a fresh private engine
    await r.set("k", "v")
    item = await r.blpop(["jobs"], timeout=5)     # awaits without blocking the event loop
    await r.aclose()
"""

from .client import Pipeline, Redis
from .connection import EmbeddedConnection
from .pool import BlockingConnectionPool, ConnectionPool

StrictRedis = Redis

__all__ = ["BlockingConnectionPool", "ConnectionPool", "EmbeddedConnection", "Pipeline", "Redis", "StrictRedis"]
