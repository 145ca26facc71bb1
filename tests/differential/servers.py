"""Starting, watching and stopping the two servers under comparison.

Both run as child processes on free ports in their own scratch directories, so nothing they write
(dump files, logs) lands in the repository. Readiness is polled with PING against a deadline.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from resp_client import RespConnection

REPO_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
STARTUP_DEADLINE_S = 20.0
# Arguments both servers understand (Redis option names); persistence is off so runs leave no trace.
COMMON_ARGS = ["--bind", HOST, "--save", "", "--appendonly", "no"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def redis_server_path() -> str | None:
    return shutil.which("redis-server")


def vermilion_server_path() -> str:
    """The vermilion-server binary: `$VERMILION_SERVER`, else the newest of target/{debug,release},
    else a fresh `cargo build -p vermilion-server`."""
    explicit = os.environ.get("VERMILION_SERVER")
    if explicit:
        # Absolute, since the server runs from its own scratch directory.
        if Path(explicit).exists():
            return str(Path(explicit).resolve())
        return shutil.which(explicit) or explicit
    built = [REPO_ROOT / "target" / profile / "vermilion-server" for profile in ("debug", "release")]
    existing = [path for path in built if path.exists()]
    if not existing:
        subprocess.run(["cargo", "build", "-p", "vermilion-server"], cwd=REPO_ROOT, check=True)
        existing = [path for path in built if path.exists()]
        if not existing:
            raise FileNotFoundError("cargo build -p vermilion-server produced no binary")
    return str(max(existing, key=lambda path: path.stat().st_mtime))


class ServerProcess:
    """One server child process. `ensure_running` restarts it if an earlier case crashed it."""

    def __init__(self, label: str, binary: str, extra_args: list[str] = ()):
        self.label = label
        self.binary = binary
        self.extra_args = list(extra_args)
        self.port = 0
        self.crashes = 0
        self._proc: subprocess.Popen | None = None
        self._workdir = Path(tempfile.mkdtemp(prefix=f"vermilion-diff-{label}-"))
        self._log_path = self._workdir / "server.log"

    def start(self) -> None:
        self.port = free_port()
        args = [self.binary, "--port", str(self.port), *COMMON_ARGS, *self.extra_args]
        log = open(self._log_path, "ab")
        self._proc = subprocess.Popen(args, cwd=self._workdir, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited with {self._proc.returncode} at startup:\n{self.log_tail()}")
            try:
                with RespConnection(HOST, self.port, timeout=1.0) as conn:
                    if conn.call(["PING"]) == ("simple", b"PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"{self.label} did not answer PING within {STARTUP_DEADLINE_S}s:\n{self.log_tail()}")

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def ensure_running(self) -> None:
        if not self.alive():
            self.crashes += 1
            self.start()

    def restart(self) -> None:
        self.stop()
        self.start()

    def connect(self) -> RespConnection:
        return RespConnection(HOST, self.port)

    def stop(self) -> None:
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self._log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])
