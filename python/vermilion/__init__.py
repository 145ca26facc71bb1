"""Vermilion: a Redis-compatible data engine inside your Python process.

``vermilion.Redis`` is redis-py's client with the engine in-process; ``vermilion.Engine``
holds the data (several clients may share one); ``vermilion.Server`` serves an engine to other
processes over the Redis protocol. ``vermilion.asyncio.Redis`` is the ``redis.asyncio`` face,
``vermilion.compat`` a drop-in for fakeredis.
"""

from ._native import REDIS_VERSION, __version__
from .client import Pipeline, Redis
from .connection import EmbeddedConnection
from .engine import Engine
from .pool import BlockingConnectionPool, ConnectionPool
from .server import Server

StrictRedis = Redis

__all__ = [
    "BlockingConnectionPool",
    "ConnectionPool",
    "Engine",
    "EmbeddedConnection",
    "Pipeline",
    "REDIS_VERSION",
    "Redis",
    "Server",
    "StrictRedis",
    "__version__",
]
