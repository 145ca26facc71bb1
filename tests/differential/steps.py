"""Scripts as data: each step is a command plus how its replies are compared.

A plain list (`["SET", "k", "v"]`) is compared exactly. The wrappers below loosen the comparison
only where a reply is nondeterministic by nature (ids, versions, clocks, hash ordering):

    shape(...)      same types and lengths, any values (CLIENT ID, TIME, INFO)
    unordered(...)  arrays compared as multisets (KEYS)
    approx(...)     integers within a tolerance; negative sentinels (-1, -2) exactly (TTL, PTTL)
    hello(...)      HELLO's reply with the `id` and `version` values masked
    prerequisite(...) setup through a command outside this slice (xfail if the subject lacks it)
    scan_all(...)   runs SCAN to completion and compares the set of keys seen
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest

ANY = "?"


def _text(arg) -> bytes:
    return arg if isinstance(arg, bytes) else str(arg).encode()


class Step:
    """One command; `run` returns the raw reply, `matches` decides if two servers agree."""

    MAX_DESCRIPTION = 160

    def __init__(self, argv, view: Callable = lambda reply: reply, note: str = ""):
        self.argv = [_text(arg) for arg in argv]
        self.view = view
        self.note = note

    def run(self, conn):
        return conn.call(self.argv)

    def matches(self, expected, actual) -> bool:
        return self.view(expected) == self.view(actual)

    def describe(self) -> str:
        words = [arg.decode(errors="backslashreplace") for arg in self.argv]
        text = " ".join(w if w and " " not in w else repr(w) for w in words)
        if len(text) > self.MAX_DESCRIPTION:
            text = text[: self.MAX_DESCRIPTION] + f"... ({len(text)} chars)"
        return f"{text}  [{self.note}]" if self.note else text


def as_step(item) -> Step:
    return item if isinstance(item, Step) else Step(item)


# --- normalisers -------------------------------------------------------------------------------


def shape_of(reply):
    """Keeps the reply's types, nullness and lengths; forgets its values."""
    kind = reply[0]
    if kind in ("array", "set", "push"):
        items = reply[1]
        return (kind, None if items is None else [shape_of(item) for item in items])
    if kind == "map":
        return (kind, [(shape_of(k), shape_of(v)) for k, v in reply[1]])
    if kind == "verbatim":
        return (kind, reply[1], ANY)
    if kind in ("closed", "timeout", "null") or reply[1] is None:
        return reply
    return (kind, ANY)


def _sorted_items(items):
    return sorted(items, key=repr)


def unordered_view(reply):
    if reply[0] in ("array", "set") and reply[1] is not None:
        return (reply[0], _sorted_items(reply[1]))
    return reply


def map_pairs(reply):
    """A map reply's pairs, from a RESP3 map or a RESP2 flat array."""
    if reply[0] == "map":
        return list(reply[1])
    if reply[0] == "array" and reply[1] is not None:
        flat = reply[1]
        return list(zip(flat[0::2], flat[1::2]))
    return None


def masked_fields(*names: str):
    """A view of a map-like reply with the named fields' values replaced by their shape."""
    wanted = {name.encode() for name in names}

    def view(reply):
        pairs = map_pairs(reply)
        if pairs is None:
            return reply
        masked = [(k, shape_of(v) if k[1] in wanted else v) for k, v in pairs]
        return (reply[0], masked)

    return view


# --- step constructors -------------------------------------------------------------------------


def shape(*argv, note="nondeterministic value") -> Step:
    return Step(argv, view=shape_of, note=note)


def unordered(*argv) -> Step:
    return Step(argv, view=unordered_view, note="unordered")


def hello(*argv) -> Step:
    # `id` differs per connection; `version` is 7.0.x for the oracle and 7.2.x for Vermilion.
    return Step(argv, view=masked_fields("id", "version"), note="id/version masked")


def help_view(reply):
    """A HELP reply with 7.0's "Prints this help." read as 7.2's "Print this help."."""
    if reply[0] != "array" or reply[1] is None:
        return reply
    return ("array", [("simple", b"    Print this help.") if item == ("simple", b"    Prints this help.") else item
                      for item in reply[1]])


def help_text(*argv) -> Step:
    return Step(argv, view=help_view, note="7.0's 'Prints this help.' read as 7.2's 'Print this help.'")


def masked(*argv, fields) -> Step:
    return Step(argv, view=masked_fields(*fields), note=f"masked: {', '.join(fields)}")


class Approx(Step):
    """Integers may differ by `tolerance` (time passes between the two servers); negative replies
    are sentinels (-1 no expiry, -2 no key) and must match exactly."""

    def __init__(self, argv, tolerance: int):
        super().__init__(argv, note=f"±{tolerance}")
        self.tolerance = tolerance

    def matches(self, expected, actual) -> bool:
        if expected[0] == actual[0] == "int":
            a, b = expected[1], actual[1]
            if a < 0 or b < 0:
                return a == b
            return abs(a - b) <= self.tolerance
        return expected == actual


def approx(*argv, tolerance: int) -> Step:
    return Approx(argv, tolerance)


class ScanAll(Step):
    """SCAN from cursor 0 until the server says 0; the reply is the sorted set of keys returned
    (duplicates are allowed by SCAN's contract). An error or malformed page is returned as is."""

    MAX_PAGES = 10_000

    def run(self, conn):
        seen = set()
        cursor = b"0"
        for _ in range(self.MAX_PAGES):
            page = conn.call([b"SCAN", cursor, *self.argv[1:]])
            if page[0] != "array" or page[1] is None or len(page[1]) != 2:
                return page
            (cursor_kind, cursor), keys = page[1]
            if cursor_kind != "bulk" or keys[0] not in ("array", "set") or keys[1] is None:
                return page
            seen.update(key for key in keys[1])
            if cursor == b"0":
                return ("scanned", sorted(seen, key=repr))
        return ("error", b"scan did not finish within %d pages" % self.MAX_PAGES)


def scan_all(*options) -> Step:
    return ScanAll(["SCAN", *options], note="full iteration, as a set")


# --- cases -------------------------------------------------------------------------------------


@dataclass
class Script:
    steps: list[Step]
    resp: int = 2


def case(name: str, *steps, resp3: bool = False, only_resp3: bool = False, marks=()):
    """One named script as pytest params: RESP2, plus a RESP3 variant (after `HELLO 3`) when asked."""
    body = [as_step(step) for step in steps]
    params = []
    if not only_resp3:
        params.append(pytest.param(Script(body), id=name, marks=marks))
    if resp3 or only_resp3:
        prefixed = [hello("HELLO", "3"), *body]
        params.append(pytest.param(Script(prefixed, resp=3), id=f"{name}-resp3", marks=marks))
    return params


def cases(*groups):
    return [param for group in groups for param in group]


class Prerequisite(Step):
    """A step that only prepares state with a command outside the slice under test (LPUSH to make
    a non-string key). If the subject does not know that command yet, the case is an expected
    failure rather than a mismatch; once it does, the case counts in full."""


def prerequisite(*argv) -> Prerequisite:
    return Prerequisite(argv, note="setup")
