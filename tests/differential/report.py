"""Readable renderings of typed replies and of a script's step-by-step comparison."""

from __future__ import annotations

MAX_REPLY_CHARS = 400


def _bytes(data: bytes) -> str:
    return repr(data)[1:]  # b'..' -> '..' keeps escapes visible


def render(reply) -> str:
    """A compact, RESP-flavoured rendering: +OK, -ERR .., :5, "v", (nil), [..], {k: v}."""
    kind = reply[0]
    if kind == "simple":
        return "+" + reply[1].decode(errors="backslashreplace")
    if kind in ("error", "bulkerror"):
        prefix = "-" if kind == "error" else "!"
        return prefix + reply[1].decode(errors="backslashreplace")
    if kind == "int":
        return f":{reply[1]}"
    if kind == "bulk":
        return "(nil bulk)" if reply[1] is None else _bytes(reply[1])
    if kind == "array":
        if reply[1] is None:
            return "(nil array)"
        return "[" + ", ".join(render(item) for item in reply[1]) + "]"
    if kind == "null":
        return "_"
    if kind == "bool":
        return "#t" if reply[1] else "#f"
    if kind == "double":
        return "," + reply[1].decode()
    if kind == "bignum":
        return "(" + reply[1].decode()
    if kind == "verbatim":
        return f"={reply[1].decode()}:{_bytes(reply[2])}"
    if kind in ("map", "doc-map"):
        return "{" + ", ".join(f"{render(k)}: {render(v)}" for k, v in reply[1]) + "}"
    if kind == "masked":
        return "<masked>"
    if kind == "set":
        return "~{" + ", ".join(render(item) for item in reply[1]) + "}"
    if kind == "push":
        return ">[" + ", ".join(render(item) for item in reply[1]) + "]"
    if kind == "attribute":
        return "|{" + ", ".join(f"{render(k)}: {render(v)}" for k, v in reply[1]) + "} " + render(reply[2])
    if kind == "scanned":
        return "scanned{" + ", ".join(_bytes(key[1]) if key[0] == "bulk" else render(key) for key in reply[1]) + "}"
    if kind == "closed":
        return "<connection closed>"
    if kind == "timeout":
        return "<no reply before timeout>"
    return repr(reply)


def clip(text: str) -> str:
    return text if len(text) <= MAX_REPLY_CHARS else text[:MAX_REPLY_CHARS] + f"... ({len(text)} chars)"


def first_difference(expected, actual, path="reply"):
    """Where two typed replies first diverge, as (path, expected part, actual part); None if equal."""
    if expected == actual:
        return None
    same_container = (
        expected[0] == actual[0]
        and expected[0] in ("array", "set", "push", "map", "doc-map")
        and expected[1] is not None
        and actual[1] is not None
    )
    if not same_container:
        return path, expected, actual
    for index, (want, got) in enumerate(zip(expected[1], actual[1])):
        if expected[0] in ("map", "doc-map"):
            found = first_difference(want[0], got[0], f"{path}.key[{index}]") or first_difference(
                want[1], got[1], f"{path}[{render(want[0])}]"
            )
        else:
            found = first_difference(want, got, f"{path}[{index}]")
        if found:
            return found
    return f"{path} (length {len(expected[1])} vs {len(actual[1])})", expected, actual


def _explain(want, got) -> list[str]:
    """For long replies, points at the first differing element so it need not be found by eye."""
    if len(render(want)) <= 120:
        return []
    found = first_difference(want, got)
    if not found:
        return []
    path, part_want, part_got = found
    return [f"          first difference at {path}: {clip(render(part_want))}  vs  {clip(render(part_got))}"]


def comparison(steps, expected, actual, oracle_label: str, subject_label: str, first_only=False) -> str:
    """Every step with both replies; differing steps are marked `!!`. With `first_only`, stops
    after the first difference (later ones in a random script are usually its consequences)."""
    lines = []
    for number, (step, want, got) in enumerate(zip(steps, expected, actual), 1):
        same = step.matches(want, got)
        mark = "  " if same else "!!"
        lines.append(f"{mark} {number:>3}  {step.describe()}")
        if same:
            lines.append(f"          both: {clip(render(want))}")
        else:
            lines.append(f"          {oracle_label}: {clip(render(want))}")
            lines.append(f"          {subject_label}: {clip(render(got))}")
            lines.extend(_explain(step.view(want), step.view(got)))
            if first_only:
                break
    return "\n".join(lines)
