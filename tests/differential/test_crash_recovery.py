"""Crash recovery with `appendonly yes` and `appendfsync always`: every write the server
acknowledged survives a `kill -9`, and nothing beyond the one command each client had in flight
appears.

Eight writers, each on its own connection, INCR their own counter and RPUSH the next sequence
number to their own list, noting every acknowledged reply. After a seeded random delay the server
is killed with SIGKILL and restarted on the same directory; then, per writer, the counter is the
last acknowledged value or one more (an INCR in flight), and the list is exactly 1..n, with n the
last acknowledged push or one more. The rounds build on each other's data, so the log replayed
grows with every restart.
"""

from __future__ import annotations

import random
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from servers import ServerProcess, vermilion_server_path

WRITERS = 8
ROUNDS = 20
SEED = 20240607
KILL_DELAY_MS = (50, 400)
# A writer that is not acknowledged within this time counts as stuck, not as slow.
WRITER_TIMEOUT_S = 10.0


@dataclass
class Acknowledged:
    """What the server acknowledged to one writer: the last INCR reply and the last number pushed."""

    counter: int = 0
    pushed: int = 0


@pytest.fixture
def scratch():
    path = Path(tempfile.mkdtemp(prefix="vermilion-crash-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def counter_key(writer: int) -> str:
    return f"counter:{writer}"


def list_key(writer: int) -> str:
    return f"sequence:{writer}"


def write_until_cut(server: ServerProcess, writer: int, acked: Acknowledged, ready: threading.Barrier) -> None:
    """INCR then RPUSH in turn, one command in flight, until the connection dies."""
    with server.connect() as conn:
        ready.wait()
        while True:
            reply = conn.call(["INCR", counter_key(writer)])
            if reply[0] != "int":
                return
            acked.counter = reply[1]
            reply = conn.call(["RPUSH", list_key(writer), str(acked.pushed + 1)])
            if reply[0] != "int":
                return
            acked.pushed += 1


def check_recovered(server: ServerProcess, acked: list[Acknowledged], round_number: int) -> None:
    with server.connect() as conn:
        for writer, seen in enumerate(acked):
            counter = conn.call(["GET", counter_key(writer)])
            recovered = int(counter[1]) if counter[1] is not None else 0
            where = f"round {round_number}, writer {writer} (seed {SEED})"
            assert seen.counter <= recovered <= seen.counter + 1, f"{where}: counter {recovered}, acknowledged {seen.counter}"
            seen.counter = recovered
            reply = conn.call(["LRANGE", list_key(writer), "0", "-1"])
            numbers = [int(value) for _, value in reply[1]]
            assert numbers == list(range(1, len(numbers) + 1)), f"{where}: list has gaps or disorder: {numbers[-5:]}"
            assert seen.pushed <= len(numbers) <= seen.pushed + 1, f"{where}: list ends at {len(numbers)}, acknowledged {seen.pushed}"
            seen.pushed = len(numbers)


def test_acknowledged_writes_survive_repeated_kill_9(scratch):
    rng = random.Random(SEED)
    server = ServerProcess("vermilion", vermilion_server_path(), ["--dir", str(scratch), "--appendonly", "yes", "--appendfsync", "always"])
    server.start()
    acked = [Acknowledged() for _ in range(WRITERS)]
    try:
        for round_number in range(ROUNDS):
            ready = threading.Barrier(WRITERS + 1, timeout=WRITER_TIMEOUT_S)
            threads = [threading.Thread(target=write_until_cut, args=(server, n, acked[n], ready), daemon=True) for n in range(WRITERS)]
            for thread in threads:
                thread.start()
            ready.wait()
            time.sleep(rng.uniform(*KILL_DELAY_MS) / 1000)
            server._proc.send_signal(signal.SIGKILL)
            server._proc.wait()
            for thread in threads:
                thread.join(WRITER_TIMEOUT_S)
                assert not thread.is_alive(), f"round {round_number}: a writer did not notice the kill"
            server.start()
            check_recovered(server, acked, round_number)
        assert all(seen.pushed > 0 for seen in acked), "some writer never got a write acknowledged"
    finally:
        server.cleanup()
