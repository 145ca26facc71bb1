"""Fixtures for the differential suite: real redis-server (the oracle) and vermilion-server (the
subject) side by side, and `differ.check(script)` to run a script on both and compare replies.

Environment:
    VERMILION_SERVER=/path/to/vermilion-server   test that binary (default: target/{debug,release})
    VERMILION_SERVER=redis                        self-check: a second redis-server as the subject
"""

from __future__ import annotations

import os

import pytest

from report import comparison
from resp_client import CLOSED
from servers import ServerProcess, redis_server_path, vermilion_server_path
from steps import Prerequisite, Script

SELF_CHECK = os.environ.get("VERMILION_SERVER") == "redis"


class Differ:
    """Runs scripts against both servers, each on a fresh connection after FLUSHALL."""

    def __init__(self, oracle: ServerProcess, subject: ServerProcess):
        self.oracle = oracle
        self.subject = subject

    def _flush(self) -> None:
        for server in (self.oracle, self.subject):
            server.ensure_running()
        with self.oracle.connect() as conn:
            assert conn.call(["FLUSHALL"]) == ("simple", b"OK"), "oracle refused FLUSHALL"
        with self.subject.connect() as conn:
            flushed = conn.call(["FLUSHALL"]) == ("simple", b"OK")
        if not flushed:
            # Without a working FLUSHALL, a fresh process is the only way to start from nothing.
            self.subject.restart()

    def run(self, script: Script):
        """Both servers' replies, step by step, interleaved so elapsed time stays alike."""
        self._flush()
        expected, actual = [], []
        with self.oracle.connect() as oracle_conn, self.subject.connect() as subject_conn:
            for step in script.steps:
                want = step.run(oracle_conn)
                got = step.run(subject_conn)
                expected.append(want)
                actual.append(got)
                if isinstance(step, Prerequisite) and _unknown_command(got):
                    pytest.xfail(f"{self.subject.label} lacks {step.argv[0].decode()}, needed to set up this case")
        return expected, actual

    def check(self, script: Script, first_only: bool = False, header: str = "") -> None:
        expected, actual = self.run(script)
        if all(step.matches(want, got) for step, want, got in zip(script.steps, expected, actual)):
            return
        crashed = not self.subject.alive() or (CLOSED in actual and CLOSED not in expected)
        text = comparison(script.steps, expected, actual, self.oracle.label, self.subject.label, first_only)
        if header:
            text = header + "\n" + text
        if crashed and not self.subject.alive():
            text += f"\n\n{self.subject.label} died; log tail:\n{self.subject.log_tail()}"
        pytest.fail(text, pytrace=False)


def _unknown_command(reply) -> bool:
    return reply[0] == "error" and reply[1].startswith(b"ERR unknown command")


def pytest_report_header(config):
    if SELF_CHECK:
        return "differential: self-check, redis-server against redis-server"
    chosen = os.environ.get("VERMILION_SERVER") or "target/{debug,release}/vermilion-server (newest; built if missing)"
    return f"differential: redis-server ({redis_server_path() or 'not found'}) against {chosen}"


@pytest.fixture(scope="session")
def servers():
    redis_binary = redis_server_path()
    if redis_binary is None:
        pytest.skip("redis-server is not on PATH; the differential suite needs real Redis as its oracle")
    if _startup_failure:
        pytest.fail(_startup_failure[0], pytrace=False)
    oracle = ServerProcess("redis", redis_binary)
    subject = None
    try:
        subject_binary = redis_binary if SELF_CHECK else vermilion_server_path()
        subject = ServerProcess("redis-selfcheck" if SELF_CHECK else "vermilion", subject_binary)
        oracle.start()
        subject.start()
    except Exception as error:
        # Remembered so the remaining tests fail at once instead of retrying the startup each time.
        _startup_failure.append(f"could not start the servers: {error}")
        for server in (oracle, subject):
            if server:
                server.cleanup()
        pytest.fail(_startup_failure[0], pytrace=False)
    try:
        yield oracle, subject
    finally:
        oracle.cleanup()
        subject.cleanup()


_startup_failure: list[str] = []


@pytest.fixture
def differ(servers) -> Differ:
    return Differ(*servers)
