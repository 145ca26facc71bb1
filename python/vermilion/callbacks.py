"""redis-py's response-callback step, shared by single commands and pipelines."""

from __future__ import annotations

import weakref
from typing import Any, Callable, Mapping

from redis.client import EMPTY_RESPONSE, NEVER_DECODE, CaseInsensitiveDict
from redis.exceptions import ResponseError

# Options that steer reading a reply rather than its callback.
_READ_OPTIONS = (EMPTY_RESPONSE, NEVER_DECODE, "keys")


def apply_callback(
    callbacks: Mapping[str, Callable[..., Any]], command_name: Any, response: Any, options: dict[str, Any]
) -> Any:
    """What redis-py's ``parse_response`` returns for a reply already read: the
    ``EMPTY_RESPONSE`` value instead of an error where the command allows it, else the reply
    passed through the command's callback with the command's options."""
    if isinstance(response, ResponseError):
        return options.get(EMPTY_RESPONSE, response)
    if command_name not in callbacks:
        return response
    if options:
        options = {k: v for k, v in options.items() if k not in _READ_OPTIONS}
    return callbacks[command_name](response, **options)


class CallbackTable(CaseInsensitiveDict):
    """redis-py's callback table, telling its owner when a command's callback changes, so that
    the owner can stop using a native fast path that implements the default callback."""

    def __init__(self, data: Mapping[str, Callable[..., Any]], on_change: Callable[[str], None]) -> None:
        super().__init__(dict(data))  # type: ignore[arg-type]  # redis-py types it as str->str
        self._on_change = weakref.WeakMethod(on_change)  # type: ignore[arg-type]

    def __setitem__(self, command: str, callback: Callable[..., Any]) -> None:
        super().__setitem__(command, callback)
        self._changed(command)

    def __delitem__(self, command: str) -> None:
        super().__delitem__(command)
        self._changed(command)

    def update(self, data: Mapping[str, Callable[..., Any]]) -> None:  # type: ignore[override]
        for command, callback in dict(data).items():
            self[command] = callback

    def _changed(self, command: str) -> None:
        notify = getattr(self, "_on_change", None)
        if notify is not None and (method := notify()) is not None:
            method(command.upper())
