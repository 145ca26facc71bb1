"""redis-py over TLS to a vermilion-server process: `ssl=True`, with and without a client
certificate, beside plain TCP. Certificates are made with the openssl CLI at test time."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "differential"))
from servers import vermilion_server_path  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl CLI makes the test certificates")

DEADLINE_S = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA, a server certificate for 127.0.0.1 and a client certificate."""
    d = tmp_path_factory.mktemp("pki")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-days", "2", "-subj", "/CN=Vermilion test CA", cwd=d)
    # Extensions make X.509 v3 certificates, which rustls requires (OpenSSL writes v1 without any).
    (d / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    (d / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for leaf in ("server", "client"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{leaf}.key", "-out", f"{leaf}.csr",
                "-subj", f"/CN={leaf}", cwd=d)
        openssl("x509", "-req", "-in", f"{leaf}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{leaf}.crt", "-days", "2", "-extfile", f"{leaf}.ext", cwd=d)
    return d


def start_server(pki: Path, auth_clients: str) -> Iterator[tuple[int, int]]:
    port, tls_port = free_port(), free_port()
    args = [vermilion_server_path(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            # A data directory of its own: an engine locks the one it uses.
            "--dir", tempfile.mkdtemp(prefix="vermilion-py-data-"),
            "--tls-port", str(tls_port), "--tls-cert-file", str(pki / "server.crt"),
            "--tls-key-file", str(pki / "server.key"), "--tls-ca-cert-file", str(pki / "ca.crt"),
            "--tls-auth-clients", auth_clients]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + DEADLINE_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", tls_port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not listen in time"
            time.sleep(0.02)
    try:
        yield port, tls_port
    finally:
        process.terminate()
        assert process.wait(timeout=DEADLINE_S) == 0


@pytest.fixture
def mutual(pki: Path) -> Iterator[tuple[int, int]]:
    yield from start_server(pki, "yes")


@pytest.fixture
def optional(pki: Path) -> Iterator[tuple[int, int]]:
    yield from start_server(pki, "optional")


def tls_client(pki: Path, port: int, certificate: bool) -> redis.Redis:
    extra = {"ssl_certfile": str(pki / "client.crt"), "ssl_keyfile": str(pki / "client.key")} if certificate else {}
    return redis.Redis(host="127.0.0.1", port=port, ssl=True, ssl_ca_certs=str(pki / "ca.crt"),
                       socket_timeout=DEADLINE_S, **extra)


def test_redis_py_with_a_client_certificate(pki: Path, mutual: tuple[int, int]) -> None:
    port, tls_port = mutual
    client = tls_client(pki, tls_port, certificate=True)
    assert client.ping()
    client.set("greeting", "over tls")
    # Plain TCP serves the same data at the same time.
    assert redis.Redis(port=port).get("greeting") == b"over tls"
    client.close()


def test_redis_py_without_a_certificate_is_refused_when_auth_is_required(pki: Path, mutual: tuple[int, int]) -> None:
    _, tls_port = mutual
    client = tls_client(pki, tls_port, certificate=False)
    with pytest.raises(redis.ConnectionError):
        client.ping()


def test_redis_py_without_a_certificate_when_auth_is_optional(pki: Path, optional: tuple[int, int]) -> None:
    _, tls_port = optional
    for certificate in (False, True):
        client = tls_client(pki, tls_port, certificate=certificate)
        assert client.ping()
        client.close()


def test_redis_py_rejects_a_server_it_does_not_trust(pki: Path, optional: tuple[int, int], tmp_path: Path) -> None:
    _, tls_port = optional
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt",
            "-days", "1", "-subj", "/CN=Another CA", cwd=tmp_path)
    client = redis.Redis(port=tls_port, ssl=True, ssl_ca_certs=str(tmp_path / "other.crt"), socket_timeout=DEADLINE_S)
    with pytest.raises(redis.ConnectionError):
        client.ping()
