"""A ``redis.asyncio`` connection whose "socket" is an engine session in this process.

Like the synchronous :class:`vermilion.EmbeddedConnection`, each command runs in the engine as
it is sent, inside the coroutine that sends it - no thread hop - and its reply waits to be
read. A blocking command that must wait (BLPOP, XREAD BLOCK, ...) is parked in the engine
instead; reading its reply awaits the engine's doorbell without blocking the event loop, and
commands sent behind it run once it is answered, as on a socket. A subscriber awaits its
messages the same way.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from typing import TYPE_CHECKING, Any, cast

from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError, ResponseError

from .. import _native
from .._session import EngineSession
from . import waiting

if TYPE_CHECKING:
    from ..engine import Engine


class EmbeddedConnection(EngineSession, AbstractConnection):
    """One engine session, speaking ``redis.asyncio``'s connection protocol without a socket.

    ``socket_timeout`` does not apply: nothing sits between the client and the engine that
    could stall, and a blocking command waits as long as its own timeout says.
    """

    hands_back_held_commands = True

    def __init__(self, engine: Engine, **kwargs: Any) -> None:
        self.engine = engine
        self._client: _native.Client | None = None
        self._open: _native.Client | None = None
        # Replies not read yet, in order; a parked call stands for a reply still to come.
        self._replies: deque[Any] = deque()
        # Commands sent behind a parked call: they run once it is answered.
        self._held: deque[tuple[Any, ...]] = deque()
        self._bell: _native.Doorbell | None = None
        super().__init__(**kwargs)

    @property
    def is_connected(self) -> bool:
        return self._open is not None

    async def _connect(self) -> None:
        self._open_session()

    def _open_session(self) -> _native.Client:
        self._open = self._open_native()
        return self._open

    async def on_connect_check_health(self, check_health: bool = True) -> None:
        # The native client already ran the handshake (AUTH / HELLO / SETNAME / SELECT).
        self._reset_himport_state()

    @property
    def native(self) -> _native.Client:
        """The native client, connected."""
        return self._open if self._open is not None else self._open_session()

    async def disconnect(
        self,
        nowait: bool = False,
        error: Exception | None = None,
        failure_count: int | None = None,
        health_check_failed: bool = False,
    ) -> None:
        self._close()

    def _close(self) -> None:
        self._reset_himport_state()
        self.reset_should_reconnect()
        self._parser.on_disconnect()
        for queued in self._replies:
            if isinstance(queued, _native.ParkedCall):
                queued.cancel()
        self._replies.clear()
        self._held.clear()
        client, self._open = self._open, None
        if client is not None:
            client.close()

    def _doorbell(self) -> _native.Doorbell:
        if self._bell is None:
            self._bell = _native.Doorbell()
        return self._bell

    async def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        if self._open is None:
            await self.connect_check_health(check_health=False)
        if check_health:
            await self.check_health()
        self._held.extend(command)
        self._run_held()

    async def send_command(self, *args: Any, **kwargs: Any) -> None:
        await self.send_packed_command([args], check_health=kwargs.get("check_health", True))

    def _run_held(self) -> None:
        """Runs the commands sent so far, stopping behind one that parks."""
        client = self.native
        while self._held and not (self._replies and isinstance(self._replies[-1], _native.ParkedCall)):
            self._replies.extend(client.start(self._held.popleft()))

    def _take_pushes(self) -> bool:
        """Moves messages pushed to the session (pub/sub) behind the replies already due."""
        if self._open is None:
            return False
        pushes = self._open.take_pushes()
        self._replies.extend(pushes)
        return bool(pushes)

    async def can_read(self) -> bool:
        if self._open is None:
            return False
        return bool(self._replies) or self._take_pushes()

    async def can_read_destructive(self) -> bool:
        return await self.can_read()

    async def read_response(
        self,
        disable_decoding: bool = False,
        timeout: float | None = None,
        *,
        disconnect_on_error: bool = True,
        push_request: bool | None = False,
    ) -> Any:
        # As in redis-py: a timeout given for this read (pub/sub's get_message) ends it with
        # None; `None` or `math.inf` means wait as long as it takes.
        deadline = None
        if timeout is not None and timeout != math.inf:
            deadline = asyncio.get_running_loop().time() + max(timeout, 0)
        while True:
            try:
                pending = await self._next_reply(deadline)
            except BaseException:
                if disconnect_on_error:
                    self._close()
                raise
            if pending is None:
                return None
            response = pending.value(not disable_decoding)
            if pending.is_push and not push_request and hasattr(self._parser, "handle_push_response"):
                # Out of band, as redis-py's RESP3 parser treats a push it was not asked for.
                await self._parser.handle_push_response(response)
                continue
            if self.health_check_interval:
                self.next_health_check = asyncio.get_running_loop().time() + self.health_check_interval
            if isinstance(response, ResponseError):
                raise response
            return response

    async def _next_reply(self, deadline: float | None) -> _native.PendingReply | None:
        """The next reply or message; None if ``deadline`` (loop time) passes first."""
        while True:
            if self._replies:
                head = self._replies[0]
                if not isinstance(head, _native.ParkedCall):
                    return cast(_native.PendingReply, self._replies.popleft())
                reply = await waiting.parked_reply(head, self._doorbell())
                self._replies[0] = reply
                self._run_held()
                continue
            if self._take_pushes():
                continue
            client = self.native
            if not client.subscribed:
                raise ConnectionError("No reply to read: no command was sent on this connection")
            if deadline is not None and deadline <= asyncio.get_running_loop().time():
                return None
            if not await waiting.pushed(self._doorbell(), client.ring_on_push, self._take_pushes, deadline):
                if deadline is None or not client.ring_on_push(self._doorbell()):
                    raise ConnectionError("Connection closed by the engine")
                return None
