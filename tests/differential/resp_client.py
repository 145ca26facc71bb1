"""A tiny RESP2/RESP3 client that keeps every reply's exact wire type.

redis-py turns `+OK` and `$2\\r\\nOK` into the same Python value; the differential suite must tell
them apart, so replies come back as a typed tree of tuples:

    ('simple', b'OK')        ('error', b'ERR syntax error')   ('int', 5)
    ('bulk', b'v' | None)    ('array', [...] | None)
    ('null', None)           ('bool', True)                   ('double', b'1.5')
    ('bignum', b'123')       ('verbatim', b'txt', b'...')     ('bulkerror', b'ERR ...')
    ('map', [(k, v), ...])   ('set', [...])                   ('push', [...])
    ('attribute', [(k, v), ...], reply)

Doubles and big numbers stay as the bytes the server wrote: the comparison is about the wire.
Two pseudo-replies describe the connection itself: ('closed', None) when the server hung up and
('timeout', None) when it did not answer in time.
"""

from __future__ import annotations

import socket

CLOSED = ("closed", None)
TIMEOUT = ("timeout", None)


class ConnectionClosed(Exception):
    """The server closed the connection before a whole reply arrived."""


class ProtocolError(Exception):
    """The server sent bytes that are not RESP."""


def encode_command(argv) -> bytes:
    """Encodes one command as a RESP array of bulk strings."""
    parts = [b"*%d\r\n" % len(argv)]
    for arg in argv:
        if isinstance(arg, str):
            arg = arg.encode()
        elif isinstance(arg, int):
            arg = str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(parts)


class RespReader:
    """Parses replies from a socket, buffering whatever arrives beyond the current reply."""

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self._buf = bytearray()

    def _fill(self) -> None:
        chunk = self._sock.recv(65536)
        if not chunk:
            raise ConnectionClosed()
        self._buf += chunk

    def _line(self) -> bytes:
        while True:
            end = self._buf.find(b"\r\n")
            if end >= 0:
                line = bytes(self._buf[:end])
                del self._buf[: end + 2]
                return line
            self._fill()

    def _exactly(self, n: int) -> bytes:
        while len(self._buf) < n + 2:
            self._fill()
        data = bytes(self._buf[:n])
        if self._buf[n : n + 2] != b"\r\n":
            raise ProtocolError(f"bulk of length {n} not followed by CRLF")
        del self._buf[: n + 2]
        return data

    def read(self):
        line = self._line()
        if not line:
            raise ProtocolError("empty reply line")
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return ("simple", rest)
        if kind == b"-":
            return ("error", rest)
        if kind == b":":
            return ("int", int(rest))
        if kind == b"$":
            n = int(rest)
            return ("bulk", None if n < 0 else self._exactly(n))
        if kind == b"*":
            n = int(rest)
            return ("array", None if n < 0 else [self.read() for _ in range(n)])
        if kind == b"_":
            return ("null", None)
        if kind == b"#":
            if rest not in (b"t", b"f"):
                raise ProtocolError(f"bad boolean {rest!r}")
            return ("bool", rest == b"t")
        if kind == b",":
            return ("double", rest)
        if kind == b"(":
            return ("bignum", rest)
        if kind == b"!":
            return ("bulkerror", self._exactly(int(rest)))
        if kind == b"=":
            body = self._exactly(int(rest))
            if body[3:4] != b":":
                raise ProtocolError(f"verbatim string without format: {body[:8]!r}")
            return ("verbatim", body[:3], body[4:])
        if kind == b"%":
            return ("map", [(self.read(), self.read()) for _ in range(int(rest))])
        if kind == b"~":
            return ("set", [self.read() for _ in range(int(rest))])
        if kind == b">":
            return ("push", [self.read() for _ in range(int(rest))])
        if kind == b"|":
            attrs = [(self.read(), self.read()) for _ in range(int(rest))]
            return ("attribute", attrs, self.read())
        raise ProtocolError(f"unknown reply type {line[:40]!r}")


class RespConnection:
    """One connection; `call` sends a command and returns its typed reply (or a pseudo-reply)."""

    def __init__(self, host: str, port: int, timeout: float = 5.0):
        self._sock = socket.create_connection((host, port), timeout=timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader = RespReader(self._sock)
        self.closed = False

    def call(self, argv):
        if self.closed:
            return CLOSED
        try:
            self._sock.sendall(encode_command(argv))
            return self._reader.read()
        except socket.timeout:
            self.close()
            return TIMEOUT
        except (ConnectionClosed, ConnectionResetError, BrokenPipeError):
            self.close()
            return CLOSED

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
