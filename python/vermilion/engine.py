"""The in-process engine, configured with Redis's option names."""

from __future__ import annotations

import datetime
import os
import atexit
import threading
import time
import weakref
from typing import Any, Callable, ClassVar

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
    the epoch); ``manual_clock=True`` starts one at the current time. A manual clock moves only
    when :meth:`advance_time` moves it, so TTLs, ``OBJECT IDLETIME``, stream IDs and the
    timeouts of blocking commands become deterministic in tests - no sleeping.

    Engines are shared by handing the same object around, or by name within the process
    (:meth:`named`, ``vermilion://NAME`` URLs); nothing is ever shared by accident.
    """

    # Engines opened by name or data directory, for the life of the process.
    _shared: ClassVar[dict[str, Engine]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        config_file: str | os.PathLike[str] | None = None,
        *,
        clock_ms: int | None = None,
        manual_clock: bool = False,
        **options: Any,
    ) -> None:
        if manual_clock and clock_ms is None:
            clock_ms = int(time.time() * 1000)
        config_text = None
        if config_file is not None:
            with open(config_file, encoding="utf-8") as file:
                config_text = file.read()
        pairs = [(option_name(k), option_value(v)) for k, v in options.items()]
        self._native = _native.Engine(pairs, config_text, clock_ms)
        # The data directory this engine owns when opened with `at`, and the server that
        # `serve="auto"` started for it (see vermilion.data_dir).
        self.data_dir: str | None = None
        self._data_dir_server: Any = None
        _open_engines.add(self)

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

    @classmethod
    def named(cls, name: str, *, clock_ms: int | None = None, manual_clock: bool = False, **options: Any) -> Engine:
        """The engine called ``name`` in this process, opened with these arguments by the first
        caller. Later callers get the same engine; options they pass are applied to it as
        ``CONFIG SET`` would. ``vermilion://NAME`` URLs open engines this way."""

        def open_engine() -> Engine:
            return cls(clock_ms=clock_ms, manual_clock=manual_clock, **options)

        return cls._open_shared(f"name:{name}", options, open_engine)

    @classmethod
    def at(
        cls, path: str | os.PathLike[str], *, clock_ms: int | None = None, manual_clock: bool = False, **options: Any
    ) -> Engine:
        """The engine whose data directory (its ``dir`` option) is ``path``: one per absolute
        path in this process, the directory created if missing, its data loaded and saved
        there. ``vermilion:///path`` URLs open engines this way. Another process's engine on
        the same directory makes this fail (``RuntimeError``: the directory's lock is held);
        :class:`vermilion.Redis` with ``dir=`` reaches that engine when it is served."""
        directory = os.path.abspath(os.fspath(path))

        def open_engine() -> Engine:
            from . import data_dir  # it builds on this module

            os.makedirs(directory, exist_ok=True)
            engine = cls(clock_ms=clock_ms, manual_clock=manual_clock, dir=directory, **options)
            engine.data_dir = directory
            # The lock is ours now: a record of where a former owner served is stale.
            data_dir.withdraw(directory)
            return engine

        return cls._open_shared(f"dir:{directory}", options, open_engine)

    @classmethod
    def _open_shared(cls, key: str, options: dict[str, Any], open_engine: Callable[[], Engine]) -> Engine:
        with cls._shared_lock:
            engine = cls._shared.get(key)
            if engine is None:
                engine = cls._shared[key] = open_engine()
                return engine
        engine.configure(**options)
        return engine

    def advance_time(self, ms: float | datetime.timedelta = 0, *, seconds: float = 0) -> bool:
        """Moves a manual clock forward by ``ms`` milliseconds plus ``seconds`` (or by a
        ``datetime.timedelta`` given as the first argument). Blocking commands whose timeout
        has now passed return at once. False when the engine runs on the system clock."""
        if isinstance(ms, datetime.timedelta):
            ms = ms.total_seconds() * 1000
        step = round(ms + seconds * 1000)
        if step < 0:
            raise ValueError("a clock only moves forward")
        return self._native.advance_time(step)

    @property
    def manual_clock(self) -> bool:
        """Whether the engine runs on a manual clock."""
        return self._native.advance_time(0)

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
        """Stops background work such as active expiry and settles the data: the final save
        when ``dir`` and save points are configured, the append-only file flushed to disk.
        Clients keep working. Runs by itself at interpreter exit."""
        self._native.shutdown()

    def close(self) -> None:
        """The same as :meth:`shutdown`."""
        self.shutdown()

    def __repr__(self) -> str:
        return f"<vermilion.Engine dbsize={self.dbsize()} clients={self.connected_clients()}>"



# Engines still open when the interpreter exits are shut down (and so saved when configured);
# weak references, so the set never keeps an engine alive.
_open_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


@atexit.register
def _shutdown_open_engines() -> None:
    for engine in list(_open_engines):
        try:
            engine.shutdown()
        except Exception:  # noqa: BLE001 - exit must go on for the other engines
            pass
