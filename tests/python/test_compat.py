"""``vermilion.compat`` as a drop-in for fakeredis: fakeredis's own usage patterns, each run
against fakeredis and against ``vermilion.compat`` to show the switch is one import."""

from __future__ import annotations

import asyncio
import importlib.util
from types import ModuleType
from typing import Any

import pytest
import redis

import vermilion
from vermilion import compat

fakeredis = pytest.importorskip("fakeredis")


@pytest.fixture(params=["fakeredis", "vermilion.compat"])
def fake(request: pytest.FixtureRequest) -> ModuleType:
    """The module a test suite imports its fakes from."""
    return fakeredis if request.param == "fakeredis" else compat  # type: ignore[no-any-return]


def test_basic_usage(fake: Any) -> None:
    r = fake.FakeRedis()
    r.set("foo", "bar")
    assert r.get("foo") == b"bar"
    assert isinstance(r, redis.Redis)
    r.lpush("bar", 1, 2)
    assert r.lrange("bar", 0, -1) == [b"2", b"1"]


def test_clients_without_a_server_do_not_share(fake: Any) -> None:
    first, second = fake.FakeRedis(), fake.FakeStrictRedis()
    first.set("k", "v")
    assert second.get("k") is None


def test_clients_given_one_server_share_it(fake: Any) -> None:
    server = fake.FakeServer()
    r1, r2 = fake.FakeStrictRedis(server=server), fake.FakeStrictRedis(server=server)
    r1.set("foo", "bar")
    assert r2.get("foo") == b"bar"
    r2.flushall()  # a FLUSH reaches every client of the server: no fork of the data
    assert r1.get("foo") is None


def test_clients_of_one_address_share_it(fake: Any) -> None:
    host = f"compat-{id(fake)}.example"
    a = fake.FakeRedis(host=host, port=6390)
    b = fake.FakeRedis(host=host, port=6390, db=0)
    c = fake.FakeRedis(host=host, port=6391)
    a.set("k", "v")
    assert b.get("k") == b"v"
    assert c.get("k") is None
    from_url = fake.FakeRedis.from_url(f"redis://{host}:6390/0")
    assert from_url.get("k") == b"v"


def test_decode_responses_and_db(fake: Any) -> None:
    server = fake.FakeServer()
    r = fake.FakeRedis(server=server, decode_responses=True, db=2)
    r.hset("h", mapping={"a": "1"})
    assert r.hgetall("h") == {"a": "1"}
    assert fake.FakeRedis(server=server, db=0).exists("h") == 0


def test_a_server_that_is_down(fake: Any) -> None:
    server = fake.FakeServer()
    r = fake.FakeRedis(server=server)
    r.set("k", "v")
    server.connected = False
    with pytest.raises(redis.ConnectionError):
        r.get("k")
    with pytest.raises(redis.ConnectionError):
        r.set("k", "w")
    server.connected = True
    assert r.get("k") == b"v"


def test_patching_redis_for_code_under_test(fake: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def code_under_test() -> int:
        client = redis.Redis(host="localhost", port=6379, db=0)
        client.incr("hits")
        return int(client.get("hits"))

    monkeypatch.setattr(redis, "Redis", fake.FakeRedis)
    assert code_under_test() >= 1


def test_locks(fake: Any) -> None:
    if fake is fakeredis and importlib.util.find_spec("lupa") is None:
        pytest.skip("fakeredis runs redis-py's Lock scripts only with lupa installed")
    r = fake.FakeRedis()
    with r.lock("resource", timeout=5):
        assert r.exists("resource") == 1
    assert r.exists("resource") == 0


def test_pipelines_and_pubsub(fake: Any) -> None:
    r = fake.FakeRedis()
    with r.pipeline() as pipe:
        assert pipe.set("a", 1).incr("a").execute() == [True, 2]
    p = r.pubsub(ignore_subscribe_messages=True)
    p.subscribe("c")
    p.get_message(timeout=1)
    r.publish("c", "hi")
    message = p.get_message(timeout=1)
    assert message is not None and message["data"] == b"hi"
    p.close()


def test_async_client(fake: Any) -> None:
    async def scenario() -> list[Any]:
        server = fake.FakeServer()
        async with fake.FakeAsyncRedis(server=server) as r:
            await r.set("k", "v")
            other = fake.FakeAsyncRedis(server=server)
            seen = [await other.get("k"), await r.incr("n"), await r.blpop(["q"], timeout=0.05)]
            await other.aclose()
            return seen

    assert asyncio.run(scenario()) == [b"v", 1, None]


def test_imitation_arguments_are_accepted(fake: Any) -> None:
    r = fake.FakeRedis(version=7, server_type="redis")
    assert r.ping() is True


def test_a_fake_server_is_a_vermilion_engine() -> None:
    server = compat.FakeServer(config={b"requirepass": b"secret"})
    assert isinstance(server.engine, vermilion.Engine)
    assert compat.FakeRedis(server=server, password="secret").ping() is True
    with pytest.raises(redis.AuthenticationError):
        compat.FakeRedis(server=server, password="wrong").ping()
    # A sync, an async and a fake client may all share one engine.
    engine = vermilion.Engine()
    compat.FakeRedis(server=compat.FakeServer(engine=engine)).set("k", "v")
    assert vermilion.Redis(engine=engine).get("k") == b"v"
