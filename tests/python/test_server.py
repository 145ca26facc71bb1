"""The in-process engine served over TCP to other clients."""

from __future__ import annotations

import subprocess

import redis

import vermilion
from conftest import connection_refused, wait_until


def test_network_clients_share_the_embedded_data(server: vermilion.Server, r: vermilion.Redis) -> None:
    assert server.port > 0
    remote = redis.Redis(port=server.port)
    r.set("from-python", "embedded")
    assert remote.get("from-python") == b"embedded"
    remote.set("from-tcp", "network")
    assert r.get("from-tcp") == b"network"
    assert server.client(decode_responses=True).get("from-tcp") == "network"


def test_redis_cli_sees_the_same_data(server: vermilion.Server, r: vermilion.Redis, redis_cli: str) -> None:
    r.set("k", "hello from python")
    result = subprocess.run(
        [redis_cli, "-p", str(server.port), "GET", "k"], capture_output=True, text=True, timeout=10, check=True
    )
    assert result.stdout.strip() == "hello from python"
    subprocess.run([redis_cli, "-p", str(server.port), "SET", "cli", "yes"], capture_output=True, timeout=10, check=True)
    assert r.get("cli") == b"yes"


def test_network_clients_appear_next_to_embedded_ones(server: vermilion.Server, r: vermilion.Redis) -> None:
    remote = redis.Redis(port=server.port, client_name="remote")
    remote.ping()
    names = {c["name"] for c in r.client_list()}
    assert "remote" in names


def test_stop_closes_the_port(engine: vermilion.Engine) -> None:
    srv = vermilion.Server(engine, port=0)
    port = srv.port
    assert redis.Redis(port=port).ping() is True
    srv.stop()
    srv.stop()  # idempotent
    assert not srv.running
    wait_until(lambda: connection_refused(port))


def test_server_of_a_redis_client_serves_its_engine(r: vermilion.Redis) -> None:
    r.set("k", "v")
    with vermilion.Server(r) as srv:
        assert redis.Redis(port=srv.port).get("k") == b"v"
