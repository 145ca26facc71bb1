"""A redis-py connection whose "socket" is an engine session in this process.

redis-py's pools, pipelines and pub/sub talk to connections through ``send_command`` /
``read_response``. :class:`EmbeddedConnection` runs each command in the engine as it is sent
and hands back the reply, already shaped as redis-py's parser would return it, when read.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any, Iterable, cast

from redis.connection import SENTINEL, AbstractConnection
from redis.exceptions import ConnectionError, ResponseError, TimeoutError

from . import _native
from ._session import EngineSession

if TYPE_CHECKING:
    from .engine import Engine


class EmbeddedConnection(EngineSession, AbstractConnection):
    """One engine session, speaking redis-py's connection protocol without a socket."""

    def __init__(self, engine: Engine, **kwargs: Any) -> None:
        self.engine = engine
        self._client: _native.Client | None = None
        self._replies: deque[_native.PendingReply] = deque()
        super().__init__(**kwargs)

    def _connect(self) -> _native.Client:
        return self._open_native()

    def on_connect_check_health(self, check_health: bool = True) -> None:
        # The native client already ran the handshake (AUTH / HELLO / SETNAME / SELECT).
        self._reset_himport_state()

    @property
    def native(self) -> _native.Client:
        """The native client, connected."""
        if self._sock is None:
            self.connect()
        return cast(_native.Client, self._sock)

    def disconnect(self, *args: Any, **kwargs: Any) -> None:
        self._reset_himport_state()
        self.reset_should_reconnect()
        self._replies.clear()
        client, self._sock = self._sock, None
        if client is not None:
            client.close()

    def send_packed_command(self, command: Iterable[tuple[Any, ...]], check_health: bool = True) -> None:
        client = self.native
        if check_health:
            self.check_health()
        for args in command:
            self._replies.extend(client.send(args))

    def send_command(self, *args: Any, **kwargs: Any) -> None:
        self.send_packed_command([args], check_health=kwargs.get("check_health", True))

    def can_read(self, timeout: float | None = 0) -> bool:
        if self._sock is None:
            self.connect()
        if self._replies or self._take_pushes():
            return True
        # Only a subscriber has anything to wait for: messages other clients publish.
        if timeout != 0 and self.native.subscribed and self.native.wait_push(timeout):
            return self._take_pushes()
        return False

    def _take_pushes(self) -> bool:
        """Moves messages pushed to the session (pub/sub) behind the replies already due."""
        pushes = self.native.take_pushes()
        self._replies.extend(pushes)
        return bool(pushes)

    def read_response(
        self,
        disable_decoding: bool = False,
        *,
        timeout: Any = None,
        disconnect_on_error: bool = True,
        push_request: bool = False,
    ) -> Any:
        if not self._replies and not self._take_pushes():
            if not self.native.subscribed:
                raise ConnectionError("No reply to read: no command was sent on this connection")
            # A subscriber reading blocks until a message arrives, as on a socket.
            wait = None if timeout is None or timeout is SENTINEL else timeout
            if not (self.native.wait_push(wait) and self._take_pushes()):
                if timeout is None or timeout is SENTINEL:
                    raise ConnectionError("Connection closed by the engine")
                raise TimeoutError("Timeout reading from the embedded engine")
        pending = self._replies.popleft()
        response = pending.value(not disable_decoding)
        if pending.is_push and not push_request and hasattr(self._parser, "handle_push_response"):
            # Out of band, as redis-py's RESP3 parser treats a push it was not asked for:
            # handed to the connection's push handlers, then the reply is read.
            self._parser.handle_push_response(response)
            return self.read_response(disable_decoding, timeout=timeout, push_request=push_request)
        if isinstance(response, ResponseError):
            raise response
        return response
