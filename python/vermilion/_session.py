"""What the synchronous and asyncio connections share: an engine session behind redis-py's
connection protocol - the native client, opened with redis-py's handshake, and how the
connection describes itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from redis.credentials import UsernamePasswordCredentialProvider
from redis.utils import check_protocol_version

from . import _native

if TYPE_CHECKING:
    from redis.connection import Encoder

    from .engine import Engine

Handshake = list[tuple[tuple[Any, ...], bool]]


class EngineSession:
    """Mixed in ahead of a redis-py connection class (synchronous or asyncio): the connection
    sets ``engine`` and ``_client`` (None until opened) before redis-py's ``__init__``."""

    # Observability and error paths in redis-py read these.
    host = "embedded"
    port = 0
    # Whether the native client's calls that would wait on the calling thread (fast paths,
    # execute, execute_many) raise CommandHeld while a CLIENT PAUSE may hold commands (the
    # asyncio face: its event loop must not wait).
    hands_back_held_commands = False

    engine: Engine
    _client: _native.Client | None
    db: Any  # int in redis-py's connection, str | int in redis.asyncio's
    client_name: str | None
    encoder: Encoder

    def repr_pieces(self) -> list[tuple[str, Any]]:
        pieces: list[tuple[str, Any]] = [("engine", hex(id(self.engine))), ("db", self.db)]
        if self.client_name:
            pieces.append(("client_name", self.client_name))
        return pieces

    def _host_error(self) -> str:
        return "the embedded Vermilion engine"

    def _open_native(self) -> _native.Client:
        """The connection's native client, its session open."""
        # One native client for the connection's lifetime: reconnecting reopens its session.
        if self._client is None:
            self._client = _native.Client(
                self.engine._native,
                handshake_commands(self),
                decode_responses=self.encoder.decode_responses,
                encoding=self.encoder.encoding,
                encoding_errors=self.encoder.encoding_errors,
                hands_back_held=self.hands_back_held_commands,
            )
        self._client.open()
        return self._client

    # A command travels as its argument tuple, not as the RESP bytes redis-py's types name:
    # the engine needs no encoding.
    def pack_command(self, *args: Any) -> list[Any]:
        return [args]

    def pack_commands(self, commands: Iterable[Iterable[Any]]) -> list[Any]:
        return [tuple(args) for args in commands]

    def extract_connection_details(self) -> str:
        return "embedded"


def handshake_commands(connection: Any) -> Handshake:
    """The commands redis-py sends when a connection opens, in its order: authentication (in
    HELLO for RESP3), the protocol switch, the client name, library info (allowed to fail), and
    the database. ``connection`` is a redis-py connection, synchronous or asyncio."""
    steps: Handshake = []
    credentials = None
    if connection.credential_provider or connection.username or connection.password:
        provider = connection.credential_provider or UsernamePasswordCredentialProvider(
            connection.username, connection.password
        )
        credentials = provider.get_credentials()
    resp3 = check_protocol_version(connection.protocol, 3)
    if credentials and resp3:
        if len(credentials) == 1:
            credentials = ("default", credentials[0])
        steps.append((("HELLO", connection.protocol, "AUTH", *credentials), True))
    elif credentials:
        steps.append((("AUTH", *credentials), True))
    elif resp3:
        steps.append((("HELLO", connection.protocol), True))
    if connection.client_name:
        steps.append((("CLIENT", "SETNAME", connection.client_name), True))
    driver = connection.driver_info
    if driver and driver.formatted_name:
        steps.append((("CLIENT", "SETINFO", "LIB-NAME", driver.formatted_name), False))
    if driver and driver.lib_version:
        steps.append((("CLIENT", "SETINFO", "LIB-VER", driver.lib_version), False))
    if connection.db:
        steps.append((("SELECT", connection.db), True))
    return steps
