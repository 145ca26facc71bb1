"""Client behaviour: errors, authentication, protocols, callbacks, sharing and reconnection."""

from __future__ import annotations

import sys
import threading

import pytest
import redis
from redis.exceptions import AuthenticationError, ResponseError

import vermilion


def test_two_clients_share_one_engine(r: vermilion.Redis) -> None:
    other = vermilion.Redis(engine=r.engine)
    r.set("shared", "yes")
    assert other.get("shared") == b"yes"
    assert other.client_id() != r.client_id()


def test_a_fresh_redis_has_a_private_engine() -> None:
    first, second = vermilion.Redis(), vermilion.Redis()
    first.set("k", "v")
    assert second.get("k") is None
    assert first.engine is not second.engine


def test_unknown_commands_raise_response_error(r: vermilion.Redis) -> None:
    with pytest.raises(ResponseError, match="unknown command 'NOSUCHCMD'"):
        r.execute_command("NOSUCHCMD", "a")


def test_error_classes_come_from_redis_pys_parser(r: vermilion.Redis) -> None:
    with pytest.raises(AuthenticationError, match="without any password configured"):
        r.execute_command("AUTH", "secret")


def test_password_protected_engine() -> None:
    engine = vermilion.Engine(requirepass="s3cret")
    with pytest.raises(AuthenticationError, match="Authentication required"):
        vermilion.Redis(engine=engine).get("k")
    with pytest.raises(AuthenticationError, match="WRONGPASS|invalid"):
        vermilion.Redis(engine=engine, password="wrong")
    authed = vermilion.Redis(engine=engine, password="s3cret")
    assert authed.set("k", "v") is True


def test_engine_options_use_redis_names() -> None:
    engine = vermilion.Engine(maxmemory="100mb", maxmemory_policy="allkeys-lru", databases=4)
    r = vermilion.Redis(engine=engine)
    assert r.config_get("maxmemory") == {"maxmemory": str(100 * 1024 * 1024)}
    assert engine.config_get("maxmemory_policy") == "allkeys-lru"
    with pytest.raises(ResponseError, match="DB index is out of range"):
        vermilion.Redis(engine=engine, db=4)
    with pytest.raises(ValueError):
        vermilion.Engine(no_such_option=1)


def test_config_file(tmp_path) -> None:
    conf = tmp_path / "vermilion.conf"
    conf.write_text("# comment\nmaxmemory 10mb\nhz 20\n")
    engine = vermilion.Engine(conf, hz=50)
    assert engine.config_get("maxmemory") == str(10 * 1024 * 1024)
    assert engine.config_get("hz") == "50"


def test_client_name_and_resp3(engine: vermilion.Engine) -> None:
    r3 = vermilion.Redis(engine=engine, protocol=3, client_name="worker", decode_responses=True)
    assert r3.client_getname() == "worker"
    hello = r3.execute_command("HELLO")
    assert isinstance(hello, dict) and hello["proto"] == 3
    assert r3.set("k", "v") is True
    assert r3.get("k") == "v"


def test_custom_response_callback_replaces_the_fast_path(r: vermilion.Redis) -> None:
    r.set("k", "v")
    r.set_response_callback("GET", lambda response, **options: ("wrapped", response))
    assert r.get("k") == ("wrapped", b"v")
    r.response_callbacks["INCRBY"] = lambda response, **options: response * 100
    assert r.incr("n") == 100


def test_subclass_overrides_win_over_fast_paths(engine: vermilion.Engine) -> None:
    class Prefixed(vermilion.Redis):
        def get(self, name):  # type: ignore[override]
            return super().get("prefix:" + name)

    p = Prefixed(engine=engine)
    p.set("prefix:k", "v")
    assert p.get("k") == b"v"


def test_quit_then_the_next_command_reconnects(r: vermilion.Redis) -> None:
    r.set("k", "v")
    first_id = r.client_id()
    assert r.execute_command("QUIT") in (True, b"OK")
    assert r.get("k") == b"v"
    assert r.client_id() != first_id


def test_killed_client_reconnects_with_its_handshake(engine: vermilion.Engine) -> None:
    victim = vermilion.Redis(engine=engine, db=1, client_name="victim")
    killer = vermilion.Redis(engine=engine)
    victim.set("k", "in db 1")
    assert killer.client_kill_filter(_id=victim.client_id()) == 1
    assert victim.get("k") == b"in db 1"
    assert victim.client_getname() == "victim"


def test_client_list_shows_embedded_clients(r: vermilion.Redis) -> None:
    r.client_setname("me")
    mine = [c for c in r.client_list() if c["name"] == "me"]
    assert len(mine) == 1


def test_single_connection_client(r: vermilion.Redis) -> None:
    with r.client() as pinned:
        pinned.set("k", "v")
        assert pinned.get("k") == b"v"
        assert pinned.client_id() == pinned.client_id()


def test_threads_hammering_one_client(r: vermilion.Redis) -> None:
    threads, per_thread = 8, 3_000
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            for i in range(per_thread):
                r.incr("counter")
                r.set(f"t{index}", i)
                assert r.get(f"t{index}") == str(i).encode()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads every few bytecodes so commands interleave
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(previous)
    assert errors == []
    assert r.get("counter") == str(threads * per_thread).encode()


def test_threads_with_their_own_pipelines(r: vermilion.Redis) -> None:
    def work(index: int) -> None:
        for _ in range(200):
            with r.pipeline(transaction=False) as p:
                p.incr("pipelined").incr(f"own:{index}")
                p.execute()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert r.get("pipelined") == b"800"
    assert r.mget([f"own:{i}" for i in range(4)]) == [b"200"] * 4


def test_from_url_is_a_plain_redis_py_client() -> None:
    remote = vermilion.Redis.from_url("redis://localhost:6379/0")
    assert type(remote) is redis.Redis
    assert remote.connection_pool.connection_kwargs["port"] == 6379
