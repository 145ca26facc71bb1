"""Awaiting the engine without a thread: parked blocking commands and pub/sub messages.

The engine rings a :class:`~vermilion._native.Doorbell` from whichever thread serves a parked
call or publishes a message; the event loop watches the doorbell's descriptor. Each wait clears
the doorbell *before* checking whether the awaited thing happened, so a ring that comes in
between stays readable and no wake-up is lost.
"""

from __future__ import annotations

import asyncio
from typing import Callable

from .. import _native


async def readable(bell: _native.Doorbell, timeout: float | None) -> None:
    """Returns when ``bell`` rings or ``timeout`` seconds pass, whichever is first."""
    loop = asyncio.get_running_loop()
    woken = loop.create_future()

    def wake() -> None:
        if not woken.done():
            woken.set_result(None)

    fd = bell.fileno()
    loop.add_reader(fd, wake)
    timer = loop.call_later(timeout, wake) if timeout is not None else None
    try:
        await woken
    finally:
        loop.remove_reader(fd)
        if timer is not None:
            timer.cancel()


async def parked_reply(call: _native.ParkedCall, bell: _native.Doorbell) -> _native.PendingReply:
    """The reply of a parked blocking command, once another client serves it or its own
    timeout passes. Cancelling the awaiting task unparks the call in the engine, so nothing is
    left waiting there; as with a socket closed mid-reply, a value served in that very instant
    is dropped with the reply."""
    try:
        call.ring_when_done(bell)
        while True:
            bell.clear()
            reply = call.take()
            if reply is not None:
                return reply
            left = call.remaining()
            if left is not None and left <= 0:
                # On the system clock the face times the call out; a manual clock's
                # advance_time answers it in the engine instead.
                return call.cancel()
            await readable(bell, left)
    except BaseException:
        call.cancel()
        raise


async def pushed(
    bell: _native.Doorbell, arm: Callable[[_native.Doorbell], bool], arrived: Callable[[], bool], deadline: float | None
) -> bool:
    """Waits until ``arrived()`` (messages were taken from the mailbox) or the loop time
    ``deadline`` passes. ``arm(bell)`` asks the engine to ring on the next message and tells
    whether the mailbox is still open. False on a timeout or a closed mailbox."""
    loop = asyncio.get_running_loop()
    while True:
        bell.clear()
        if not arm(bell):
            return False
        if arrived():
            return True
        left = None if deadline is None else deadline - loop.time()
        if left is not None and left <= 0:
            return False
        await readable(bell, left)
