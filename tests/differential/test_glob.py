"""Glob patterns as KEYS and SCAN MATCH understand them (Redis's `stringmatchlen`): `*`, `?`,
`[a-z]`, `[^x]`, backslash escapes, unterminated brackets, nested stars."""

import pytest

from steps import case, cases, scan_all, unordered

NAMES = [
    "hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo", "h[e]llo", "h\\llo", "h-llo",
    "a", "ab", "abc", "a-b", "aXb", "foo:1", "foo:22", "foo:", "]", "[", "^", "-", "\\", "*", "?",
    "A", "Z", "café", "x" * 40, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
]
LOAD = ["MSET", *[part for name in NAMES for part in (name, "v")]]

PATTERNS = [
    "*", "**", "?", "??", "???", "h?llo", "h*llo", "h*", "*llo", "*l*o", "*a*b*",
    "h[ae]llo", "h[^e]llo", "h[!e]llo", "h[a-e]llo", "h[e-a]llo", "h[^a-e]llo", "h[-]llo", "h[a-]llo",
    "h\\*llo", "h\\?llo", "h\\[e]llo", "h[\\]]llo", "h\\\\llo", "h[\\\\]llo", "\\h\\e\\l\\l\\o",
    "[", "[a", "[a-", "[^", "[]", "[]]", "[^]", "[\\", "]", "\\", "\\\\", "-", "[-]", "^", "[\\^]", "[*]", "[?]",
    "[a-z]", "[A-Z]", "[a-c]?", "[^a-z]", "a[^b]*", "*:*", "foo:[0-9]", "foo:[0-9][0-9]", "foo:*", "foo:?*",
    "caf?", "caf??", "caf*", "", "nomatch", "*nomatch*", "x*x*x*x*x*x*x*x*x*x*y",
    "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*c",
]


def _label(pattern: str) -> str:
    return "keys[" + (pattern.encode("unicode_escape").decode() or "empty") + "]"


KEYS_CASES = cases(*(case(_label(pattern), LOAD, unordered("KEYS", pattern)) for pattern in PATTERNS))

OTHER = cases(
    case("keys-empty-db", ["KEYS", "*"], resp3=True),
    case("keys-pattern", LOAD, unordered("KEYS", "h?llo"), only_resp3=True),
    case("keys-arity", ["KEYS"], ["KEYS", "a", "b"]),
    case("keys-other-db", LOAD, ["SELECT", "1"], ["SET", "only-here", "v"], ["KEYS", "*"]),
    case("scan-match-patterns", LOAD, *(scan_all("MATCH", pattern) for pattern in ("h[ae]llo", "h\\*llo", "[", "*a*b*", "foo:?*", "caf?"))),
)


@pytest.mark.parametrize("script", KEYS_CASES)
def test_keys_pattern(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", OTHER)
def test_keys_misc(differ, script):
    differ.check(script)
