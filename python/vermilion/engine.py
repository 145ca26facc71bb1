"""The in-process engine, configured with Redis's option names."""

from __future__ import annotations

import os
from typing import Any

from . import _native


def option_name(keyword: str) -> str:
    """A Python keyword as a Redis option name: ``maxmemory_policy`` -> ``maxmemory-policy``."""
    return keyword.replace("_", "-")


def option_value(value: Any) -> str:
    """A Python value as redis.conf text: booleans are yes/no, sequences space-separated."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, (list, tuple)):
        return " ".join(option_value(item) for item in value)
    return str(value)


class Engine:
    """A Vermilion engine living in this process.

    Every :class:`vermilion.Redis` client and :class:`vermilion.Server` built on the same engine
    sees the same data. Options use Redis's names, with underscores for dashes::

        Engine(maxmemory="100mb", maxmemory_policy="allkeys-lru", databases=32)

    ``config_file`` is read as a ``redis.conf`` first; keyword options override it.
    ``clock_ms`` runs the engine on a manual clock starting at that time (milliseconds since
    the epoch), moved only by :meth:`advance_time` - expiry then becomes deterministic.
    """

    def __init__(
        self,
        config_file: str | os.PathLike[str] | None = None,
        *,
        clock_ms: int | None = None,
        **options: Any,
    ) -> None:
        config_text = None
        if config_file is not None:
            with open(config_file, encoding="utf-8") as file:
                config_text = file.read()
        pairs = [(option_name(k), option_value(v)) for k, v in options.items()]
        self._native = _native.Engine(pairs, config_text, clock_ms)

    def config_get(self, name: str) -> str | None:
        """The current value of one option, as ``CONFIG GET`` would show it."""
        return self._native.config_get(option_name(name))

    def config_set(self, name: str, value: Any) -> None:
        """Changes an option at run time, as ``CONFIG SET`` does (``ValueError`` if refused)."""
        self._native.config_set(option_name(name), option_value(value))

    def configure(self, **options: Any) -> None:
        """Changes several options at run time."""
        for name, value in options.items():
            self.config_set(name, value)

    def advance_time(self, ms: int) -> bool:
        """Moves a manual clock forward; False when the engine runs on the system clock."""
        return self._native.advance_time(ms)

    def now_ms(self) -> int:
        """Milliseconds since the epoch on the engine's clock."""
        return self._native.now_ms()

    def dbsize(self, db: int = 0) -> int:
        """Keys in database ``db``."""
        return self._native.dbsize(db)

    def connected_clients(self) -> int:
        """Clients connected through every face (embedded and network)."""
        return self._native.connected_clients()

    def shutdown(self) -> None:
        """Stops background work such as active expiry. Clients keep working."""
        self._native.shutdown()

    def __repr__(self) -> str:
        return f"<vermilion.Engine dbsize={self.dbsize()} clients={self.connected_clients()}>"

