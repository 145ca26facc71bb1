"""Connection commands: PING ECHO HELLO AUTH QUIT RESET, and CLIENT ID / SETNAME / GETNAME."""

import pytest

from steps import Step, case, cases, hello, help_view, shape

CONNECTION = cases(
    case("ping", ["PING"], ["PING", "hello"], ["PING", ""], ["ping"], resp3=True),
    case("ping-arity", ["PING", "a", "b"]),
    case("echo", ["ECHO", "hi"], ["ECHO", ""], ["ECHO", b"\x00\r\n"], resp3=True),
    case("echo-arity", ["ECHO"], ["ECHO", "a", "b"]),
    case("command-names-any-case", ["pInG"], ["set", "k", "v"], ["GeT", "k"]),
    case("quit", ["SET", "k", "v"], ["QUIT"], ["GET", "k"]),
    case("quit-with-arguments", ["QUIT", "now"], ["PING"]),
    case("quit-after-hello", ["QUIT"], ["PING"], only_resp3=True),
)

HELLO = cases(
    case("hello-no-arguments", hello("HELLO"), ["GET", "nokey"]),
    case("hello-2", hello("HELLO", "2"), ["GET", "nokey"], ["LCS", "a", "b", "IDX"]),
    case("hello-3", hello("HELLO", "3"), ["GET", "nokey"], ["LCS", "a", "b", "IDX"], hello("HELLO")),
    case("hello-3-then-2", hello("HELLO", "3"), hello("HELLO", "2"), ["GET", "nokey"]),
    case("hello-bad-version", ["HELLO", "4"], ["HELLO", "1"], ["HELLO", "0"], ["HELLO", "-1"], ["HELLO", "abc"], ["HELLO", "3.0"],
         ["HELLO", "99999999999999999999"], ["GET", "nokey"]),
    case("hello-setname", hello("HELLO", "3", "SETNAME", "worker-1"), ["CLIENT", "GETNAME"]),
    case("hello-setname-invalid", ["HELLO", "3", "SETNAME", "has space"], ["HELLO", "3", "SETNAME", "new\nline"],
         ["CLIENT", "GETNAME"], ["GET", "nokey"]),
    case("hello-setname-missing-value", ["HELLO", "3", "SETNAME"], ["GET", "nokey"]),
    case("hello-auth-default-user", hello("HELLO", "3", "AUTH", "default", "anything"), ["GET", "nokey"]),
    case("hello-auth-wrong-user", ["HELLO", "3", "AUTH", "nobody", "secret"], ["GET", "nokey"]),
    case("hello-auth-missing-password", ["HELLO", "3", "AUTH", "default"], ["HELLO", "3", "AUTH"], ["GET", "nokey"]),
    case("hello-unknown-option", ["HELLO", "3", "FOO"], ["HELLO", "3", "SETNAME", "x", "BAR", "y"], ["GET", "nokey"]),
    case("hello-option-without-version", ["HELLO", "AUTH", "default", "x"], ["HELLO", "SETNAME", "x"]),
    case("hello-all-options", hello("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "both"), ["CLIENT", "GETNAME"]),
    case("auth-without-password", ["AUTH", "secret"], ["AUTH", "default", "secret"], ["AUTH", "nobody", "secret"]),
    case("auth-arity", ["AUTH"], ["AUTH", "a", "b", "c"]),
)

RESET = cases(
    case("reset", ["SELECT", "3"], ["SET", "k", "in3"], ["CLIENT", "SETNAME", "named"], ["RESET"], ["GET", "k"],
         ["CLIENT", "GETNAME"], ["SELECT", "3"], ["GET", "k"]),
    case("reset-protocol", ["GET", "nokey"], ["RESET"], ["GET", "nokey"], hello("HELLO"), only_resp3=True),
    case("reset-arity", ["RESET", "now"]),
)

CLIENT = cases(
    case("client-id", shape("CLIENT", "ID"), resp3=True),
    case("client-id-arity", ["CLIENT", "ID", "x"]),
    case("client-getname-unset", ["CLIENT", "GETNAME"], resp3=True),
    case("client-setname", ["CLIENT", "SETNAME", "conn-a"], ["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", ""], ["CLIENT", "GETNAME"], resp3=True),
    case("client-setname-invalid", ["CLIENT", "SETNAME", "a b"], ["CLIENT", "SETNAME", "a\nb"], ["CLIENT", "SETNAME", b"\x01"],
         ["CLIENT", "SETNAME", "é"], ["CLIENT", "GETNAME"]),
    case("client-setname-punctuation", ["CLIENT", "SETNAME", "a-b_c:d.e{f}[g]!~"], ["CLIENT", "GETNAME"]),
    case("client-setname-arity", ["CLIENT", "SETNAME"], ["CLIENT", "SETNAME", "a", "b"], ["CLIENT", "GETNAME", "x"]),
    case("client-list-and-info", shape("CLIENT", "LIST"), shape("CLIENT", "INFO"), resp3=True),
    case("client-unknown-subcommand", ["CLIENT", "NOPE"], ["CLIENT", "nope", "x"], ["CLIENT"]),
    case("client-subcommand-any-case", shape("client", "id"), ["client", "setname", "x"], ["Client", "GetName"]),
)


@pytest.mark.parametrize("script", CONNECTION + HELLO + RESET)
def test_connection(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", CLIENT)
def test_client(differ, script):
    differ.check(script)


def _without_7_2_lines(reply):
    """CLIENT HELP as 7.0 prints it: 7.2 adds the SETINFO and NO-TOUCH entries."""
    reply = help_view(reply)
    if reply[0] != "array" or reply[1] is None:
        return reply
    lines, skip = [], False
    for item in reply[1]:
        text = item[1] or b""
        if text.startswith((b"SETINFO", b"NO-TOUCH")):
            skip = True
        elif not text.startswith(b" "):
            skip = False
        if not skip:
            lines.append(item)
    return ("array", lines)


@pytest.mark.parametrize("script", cases(
    case("client-help", Step(["CLIENT", "HELP"], view=_without_7_2_lines, note="7.2 additions ignored")),
))
def test_client_help(differ, script):
    differ.check(script)


CLIENT_REPLY = cases(
    case("client-reply-off-skip-on",
         ["CLIENT", "REPLY", "OFF"], ["SET", "a", "1"], ["GET", "a"], ["CLIENT", "REPLY", "ON"], ["GET", "a"],
         ["CLIENT", "REPLY", "SKIP"], ["GET", "a"], ["PING"], ["CLIENT", "REPLY", "MAYBE"],
         ["COMMAND", "INFO", "client|reply"]),
)


@pytest.mark.parametrize("script", CLIENT_REPLY)
def test_client_reply(servers, script):
    """Replies that never come are compared as the stream the client reads: each step reads the
    next frame that arrives, so a dropped reply shows up as the following one arriving early."""
    from resp_client import encode_command

    oracle, subject = servers
    streams = []
    for server in (oracle, subject):
        server.ensure_running()
        with server.connect() as conn:
            conn._sock.sendall(b"".join(encode_command(step.argv) for step in script.steps))
            frames = [conn._reader.read() for _ in range(5)]
        streams.append(frames)
    assert streams[0] == streams[1]
