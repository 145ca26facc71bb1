"""Connection pools and URLs as redis-py users write them, on embedded engines; which clients
share data is decided by the engine they name, never by host/port defaults."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import redis
from redis.exceptions import ConnectionError

import vermilion


def test_connection_pool_shared_by_clients() -> None:
    pool = vermilion.ConnectionPool(max_connections=5, decode_responses=True)
    a, b = vermilion.Redis(connection_pool=pool), vermilion.Redis(connection_pool=pool)
    a.set("k", "v")
    assert b.get("k") == "v"
    assert a.engine is b.engine is pool.engine
    with a.pipeline() as pipe:
        assert pipe.incr("n").incr("n").execute() == [1, 2]


def test_a_pool_without_an_engine_gets_a_private_one() -> None:
    first, second = vermilion.ConnectionPool(), vermilion.ConnectionPool()
    vermilion.Redis(connection_pool=first).set("k", "v")
    assert vermilion.Redis(connection_pool=second).get("k") is None


def test_pool_on_a_given_engine_with_db(engine: vermilion.Engine) -> None:
    pool = vermilion.ConnectionPool(engine=engine, db=2)
    vermilion.Redis(connection_pool=pool).set("k", "v")
    assert engine.dbsize(2) == 1
    assert vermilion.Redis(engine=engine, db=2).get("k") == b"v"


def test_blocking_pool_caps_connections(engine: vermilion.Engine) -> None:
    pool = vermilion.BlockingConnectionPool(engine=engine, max_connections=1, timeout=0.1)
    held = pool.get_connection()
    with pytest.raises(ConnectionError, match="No connection available"):
        pool.get_connection()
    pool.release(held)
    again = pool.get_connection()
    again.send_command("PING")
    assert again.read_response() == b"PONG"
    pool.release(again)


def test_blocking_pool_hands_a_released_connection_to_a_waiting_thread(engine: vermilion.Engine) -> None:
    pool = vermilion.BlockingConnectionPool(engine=engine, max_connections=1, timeout=5)
    held = pool.get_connection()
    got: list[object] = []
    thread = threading.Thread(target=lambda: got.append(pool.get_connection()))
    thread.start()
    pool.release(held)
    thread.join(5)
    assert got == [held]


def test_client_name_db_and_health_check_interval_are_accepted(engine: vermilion.Engine) -> None:
    r = vermilion.Redis(engine=engine, db=1, client_name="api", health_check_interval=30)
    assert r.client_getname() == "api"
    assert r.client_info()["db"] == 1
    pipe_connection = r.connection_pool.get_connection()
    assert pipe_connection.health_check_interval == 30
    r.connection_pool.release(pipe_connection)


def test_host_and_port_never_split_or_merge_state(engine: vermilion.Engine) -> None:
    a = vermilion.Redis(engine=engine, host="localhost", port=6379)
    b = vermilion.Redis(engine=engine, host="elsewhere", port=6380)
    a.set("k", "v")
    assert b.get("k") == b"v"
    assert vermilion.Redis(host="localhost", port=6379).get("k") is None  # no engine named: a fresh one


def test_from_url_private_named_and_path_engines(tmp_path: Path) -> None:
    private = vermilion.Redis.from_url("vermilion://")
    private.set("k", "private")
    assert vermilion.Redis.from_url("vermilion://").get("k") is None
    named = vermilion.Redis.from_url("vermilion://sessions-test?db=1")
    named.set("k", "named")
    assert vermilion.Redis.from_url("vermilion://sessions-test/?db=1").get("k") == b"named"
    assert vermilion.Engine.named("sessions-test").dbsize(1) == 1
    assert vermilion.Redis.from_url("vermilion://Sessions-Test?db=1").get("k") is None  # names are exact
    data = tmp_path / "data"
    at_path = vermilion.Redis.from_url(f"vermilion://{data}")
    at_path.set("k", "on disk one day")
    assert data.is_dir()
    assert vermilion.Redis.from_url(f"vermilion://{data}/").get("k") == b"on disk one day"
    assert vermilion.Engine.at(data).config_get("dir") == str(data)


def test_from_url_engine_options_and_connection_arguments() -> None:
    r = vermilion.Redis.from_url(
        "vermilion://?maxmemory=100mb&maxmemory-policy=allkeys-lru&decode_responses=yes&client_name=web&protocol=3"
    )
    assert r.config_get("maxmemory") == {"maxmemory": "104857600"}
    assert r.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
    assert r.client_getname() == "web"
    r.hset("h", "f", "v")
    assert r.hgetall("h") == {"f": "v"}
    with pytest.raises(ValueError):
        vermilion.Redis.from_url("vermilion://?maxmemory=lots")
    with pytest.raises(ValueError, match="Invalid value for 'db'"):
        vermilion.Redis.from_url("vermilion://?db=one")


def test_from_url_with_a_manual_clock() -> None:
    r = vermilion.Redis.from_url("vermilion://?clock_ms=1000000")
    r.set("k", "v", px=500)
    r.engine.advance_time(499)
    assert r.get("k") == b"v"
    r.engine.advance_time(1)
    assert r.get("k") is None


def test_from_url_with_a_password() -> None:
    vermilion.Engine.named("locked-test", requirepass="secret")
    assert vermilion.Redis.from_url("vermilion://:secret@locked-test").ping() is True
    with pytest.raises(redis.AuthenticationError):
        vermilion.Redis.from_url("vermilion://:wrong@locked-test").ping()


def test_pool_from_url_and_network_urls() -> None:
    pool = vermilion.ConnectionPool.from_url("vermilion://pool-url-test?max_connections=3")
    assert pool.max_connections == 3
    assert isinstance(vermilion.BlockingConnectionPool.from_url("vermilion://"), vermilion.BlockingConnectionPool)
    network = vermilion.Redis.from_url("redis://localhost:1/0")
    assert type(network) is redis.Redis
    assert type(vermilion.ConnectionPool.from_url("redis://localhost:1")) is redis.ConnectionPool


def test_later_options_for_a_named_engine_are_applied() -> None:
    first = vermilion.Engine.named("reconfigured-test", maxmemory="1mb")
    again = vermilion.Engine.named("reconfigured-test", maxmemory="2mb")
    assert first is again
    assert first.config_get("maxmemory") == "2097152"
