"""maxmemory against real Redis, where the two agree whatever their baseline memory: a limit of
one byte. Under noeviction writes get OOM while reads and deletes work; volatile policies with only
persistent keys evict nothing; allkeys policies evict everything and still refuse; the eviction
settings round-trip through CONFIG. Finer behaviour (LRU/LFU/TTL order, shrinking to a limit) is
tested on the engine with its own memory accounting (crates/vermilion-engine/tests/eviction.rs)."""

import pytest

from steps import case, cases

RESET = ["CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction"]

CASES = cases(
    case("noeviction-refuses-writes",
         ["SET", "a", "1"], ["RPUSH", "l", "x"], ["CONFIG", "SET", "maxmemory", "1"],
         ["SET", "b", "2"], ["RPUSH", "l", "y"], ["INCR", "a"], ["GET", "a"], ["LRANGE", "l", "0", "-1"],
         ["MULTI"], ["GET", "a"], ["EXEC"], ["MULTI"], ["SET", "c", "3"], ["EXEC"],
         ["DEL", "a"], ["EXISTS", "a"], ["EXPIRE", "l", "100"], RESET),
    case("volatile-policies-spare-persistent-keys",
         ["SET", "a", "1"], ["SET", "b", "2"],
         *[step for policy in ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"]
           for step in (["CONFIG", "SET", "maxmemory-policy", policy, "maxmemory", "1"], ["SET", "c", "3"], ["DBSIZE"])],
         RESET),
    case("allkeys-policies-evict-then-refuse",
         *[step for policy in ["allkeys-lru", "allkeys-lfu", "allkeys-random"]
           for step in (["MSET", "a", "1", "b", "2"], ["CONFIG", "SET", "maxmemory", "0"],
                        ["CONFIG", "SET", "maxmemory-policy", policy, "maxmemory", "1"], ["SET", "c", "3"],
                        ["DBSIZE"], ["CONFIG", "SET", "maxmemory", "0"])],
         RESET),
    case("settings-round-trip",
         ["CONFIG", "SET", "maxmemory", "100mb", "maxmemory-samples", "10", "maxmemory-eviction-tenacity", "20",
          "lfu-log-factor", "5", "lfu-decay-time", "2"],
         ["CONFIG", "GET", "maxmemory"], ["CONFIG", "GET", "maxmemory-samples"],
         ["CONFIG", "GET", "maxmemory-eviction-tenacity"], ["CONFIG", "GET", "lfu-log-factor"],
         ["CONFIG", "GET", "lfu-decay-time"], ["CONFIG", "SET", "maxmemory-policy", "sometimes"],
         ["CONFIG", "SET", "maxmemory-samples", "0"], ["CONFIG", "SET", "maxmemory-eviction-tenacity", "101"],
         ["CONFIG", "SET", "maxmemory", "-1"],
         ["CONFIG", "SET", "maxmemory", "0", "maxmemory-samples", "5", "maxmemory-eviction-tenacity", "10",
          "lfu-log-factor", "10", "lfu-decay-time", "1"], RESET),
    case("object-freq-and-idletime-follow-the-policy",
         ["SET", "k", "v"], ["OBJECT", "FREQ", "k"], ["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
         ["SET", "k2", "v"], ["OBJECT", "FREQ", "k2"], ["OBJECT", "IDLETIME", "k2"], ["OBJECT", "FREQ", "missing"],
         RESET),
    case("client-no-evict-and-no-touch",
         ["CLIENT", "NO-EVICT", "on"], ["CLIENT", "NO-EVICT", "off"], ["CLIENT", "NO-EVICT", "maybe"],
         ["CLIENT", "NO-EVICT"]),
)


@pytest.mark.parametrize("script", CASES)
def test_eviction(differ, script):
    differ.check(script)
