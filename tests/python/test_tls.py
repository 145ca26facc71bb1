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


# --- CONFIG SET of the tls-* parameters at run time -------------------------------------------

TLS_REFUSED = "CONFIG SET failed (possibly related to argument '{}') - Unable to update TLS configuration. Check server logs."


def make_pki(d: Path, ca_name: str) -> Path:
    """A CA of its own and a server certificate for 127.0.0.1 signed by it, in `d`."""
    d.mkdir(parents=True, exist_ok=True)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-days", "2", "-subj", f"/CN={ca_name}", cwd=d)
    (d / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=server", cwd=d)
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.crt", "-days", "2", "-extfile", "server.ext", cwd=d)
    return d


@pytest.fixture(scope="module")
def second_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pki(tmp_path_factory.mktemp("pki2"), "Vermilion second CA")


@pytest.fixture
def plain_server() -> Iterator[int]:
    """A server started without TLS, on plain TCP."""
    port = free_port()
    args = [vermilion_server_path(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--dir", tempfile.mkdtemp(prefix="vermilion-py-data-")]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    wait_until_listening(process, port)
    try:
        yield port
    finally:
        process.terminate()
        assert process.wait(timeout=DEADLINE_S) == 0


def wait_until_listening(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not listen in time"
            time.sleep(0.02)


def trusting(ca_dir: Path, port: int) -> redis.Redis:
    """A redis-py TLS client (no certificate of its own) that trusts the CA in `ca_dir`."""
    return redis.Redis(host="127.0.0.1", port=port, ssl=True, ssl_ca_certs=str(ca_dir / "ca.crt"),
                       socket_timeout=DEADLINE_S)


def tls_connects(ca_dir: Path, port: int) -> bool:
    client = trusting(ca_dir, port)
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
    finally:
        client.close()


def eventually(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_config_set_rotates_the_certificate_for_new_connections(pki: Path, second_pki: Path,
                                                                optional: tuple[int, int]) -> None:
    port, tls_port = optional
    admin = redis.Redis(port=port)
    before = trusting(pki, tls_port)
    assert before.ping()
    assert admin.config_set("tls-cert-file", str(second_pki / "server.crt"), "tls-key-file", str(second_pki / "server.key"))
    assert admin.config_get("tls-cert-file") == {"tls-cert-file": str(second_pki / "server.crt")}
    # New connections get the new certificate: clients trusting only the new CA connect...
    assert tls_connects(second_pki, tls_port)
    # ...and clients trusting only the old one do not.
    assert not tls_connects(pki, tls_port)
    # A connection made before the rotation goes on with its session.
    assert before.ping()
    before.close()


def test_config_set_refuses_a_bad_certificate_and_keeps_the_old_one(pki: Path, second_pki: Path,
                                                                    optional: tuple[int, int], tmp_path: Path) -> None:
    port, tls_port = optional
    admin = redis.Redis(port=port, decode_responses=True)
    with pytest.raises(redis.ResponseError) as missing:
        admin.config_set("tls-cert-file", str(tmp_path / "missing.crt"))
    assert str(missing.value) == TLS_REFUSED.format("tls-cert-file")
    (tmp_path / "garbage.crt").write_text("not a certificate\n")
    with pytest.raises(redis.ResponseError):
        admin.config_set("tls-cert-file", str(tmp_path / "garbage.crt"))
    # A key that does not belong to the certificate.
    with pytest.raises(redis.ResponseError) as mismatched:
        admin.config_set("tls-key-file", str(second_pki / "server.key"))
    assert str(mismatched.value) == TLS_REFUSED.format("tls-key-file")
    # Nothing changed: the parameters and the certificate served are the old ones.
    assert admin.config_get("tls-cert-file") == {"tls-cert-file": str(pki / "server.crt")}
    assert admin.config_get("tls-key-file") == {"tls-key-file": str(pki / "server.key")}
    assert tls_connects(pki, tls_port)
    assert not tls_connects(second_pki, tls_port)


def test_config_set_tls_port_closes_moves_and_opens_the_listener(pki: Path, optional: tuple[int, int]) -> None:
    port, tls_port = optional
    admin = redis.Redis(port=port, decode_responses=True)
    # The TCP port is taken: refused, and TLS goes on where it was.
    with pytest.raises(redis.ResponseError) as taken:
        admin.config_set("tls-port", port)
    assert str(taken.value) == "CONFIG SET failed (possibly related to argument 'tls-port') - Unable to listen on this port. Check server logs."
    assert tls_connects(pki, tls_port)

    moved = free_port()
    assert admin.config_set("tls-port", moved)
    assert tls_connects(pki, moved)
    eventually(lambda: not tls_connects(pki, tls_port), "the old TLS port still accepts")

    assert admin.config_set("tls-port", 0)
    eventually(lambda: not tls_connects(pki, moved), "TLS still accepts after tls-port 0")
    assert admin.ping()


def test_config_set_turns_tls_on_in_a_server_started_without_it(pki: Path, plain_server: int, tmp_path: Path) -> None:
    admin = redis.Redis(port=plain_server, decode_responses=True)
    tls_port = free_port()
    # Without a certificate there is no context to listen with.
    with pytest.raises(redis.ResponseError) as no_certificate:
        admin.config_set("tls-port", tls_port)
    assert str(no_certificate.value) == TLS_REFUSED.format("tls-port")
    assert admin.config_get("tls-port") == {"tls-port": "0"}
    # While TLS is off the files are only remembered, as Redis does.
    assert admin.config_set("tls-cert-file", str(tmp_path / "not-yet.crt"))
    assert admin.config_set("tls-cert-file", str(pki / "server.crt"), "tls-key-file", str(pki / "server.key"),
                            "tls-auth-clients", "no", "tls-port", tls_port)
    assert tls_connects(pki, tls_port)
    tls_client = trusting(pki, tls_port)
    tls_client.set("k", "v")
    assert admin.get("k") == "v"
    assert tls_client.client_info()["laddr"] == f"127.0.0.1:{tls_port}"
    tls_client.close()


def test_engine_config_set_reaches_the_server_of_an_in_process_engine(pki: Path, tmp_path: Path) -> None:
    import vermilion

    engine = vermilion.Engine()
    server = vermilion.Server(engine)
    try:
        tls_port = free_port()
        engine.config_set("tls-cert-file", str(pki / "server.crt"))
        engine.config_set("tls-key-file", str(pki / "server.key"))
        engine.config_set("tls-auth-clients", "no")
        engine.config_set("tls-port", tls_port)
        assert tls_connects(pki, tls_port)
        # A certificate that cannot be read is refused, and the server keeps the one it has.
        with pytest.raises(ValueError):
            engine.config_set("tls-cert-file", str(tmp_path / "missing.crt"))
        assert engine.config_get("tls-cert-file") == str(pki / "server.crt")
        tls_client = trusting(pki, tls_port)
        assert tls_client.ping()
        tls_client.close()
    finally:
        server.stop()
        engine.shutdown()
