"""DUMP and RESTORE: error paths side by side, and payloads carried across servers.

A value DUMPed by Redis must RESTORE in Vermilion with the same contents, and a value DUMPed by
Vermilion must RESTORE in Redis: for every type, in each of Redis's encodings of it.
"""

import pytest

from steps import case, cases, shape

FAR_MS = "4102444800000"
HELLO = bytes.fromhex("000568656c6c6f0a006372df766534200a")  # DUMP of "hello" by Redis 7.0
CORRUPT = HELLO[:3] + b"X" + HELLO[4:]
NEWER = bytes.fromhex("000568656c6c6f0b00") + b"\0" * 8  # RDB version 11

ERRORS = cases(
    case("dump-missing-and-arity", ["DUMP", "nokey"], ["DUMP"], ["DUMP", "a", "b"]),
    case("dump-strings-byte-for-byte", ["SET", "a", "hello"], ["DUMP", "a"], ["SET", "a", "-5"], ["DUMP", "a"],
         ["SET", "a", "70000"], ["DUMP", "a"], ["SET", "a", "12345678901"], ["DUMP", "a"]),
    case("restore-busykey", ["SET", "a", "1"], ["RESTORE", "a", "0", HELLO], ["GET", "a"],
         ["RESTORE", "a", "0", HELLO, "REPLACE"], ["GET", "a"], ["TTL", "a"]),
    case("restore-bad-ttl", ["RESTORE", "a", "-1", HELLO], ["RESTORE", "a", "x", HELLO], ["RESTORE", "a", "1.5", HELLO], ["EXISTS", "a"]),
    case("restore-bad-payload", ["RESTORE", "a", "0", "x"], ["RESTORE", "a", "0", CORRUPT], ["RESTORE", "a", "0", NEWER], ["RESTORE", "a", "0", ""]),
    case("restore-options", ["RESTORE", "a", "0", HELLO, "IDLETIME", "-1"], ["RESTORE", "a", "0", HELLO, "FREQ", "256"],
         ["RESTORE", "a", "0", HELLO, "FREQ", "-1"], ["RESTORE", "a", "0", HELLO, "IDLETIME", "x"],
         ["RESTORE", "a", "0", HELLO, "IDLETIME", "1", "FREQ", "1"], ["RESTORE", "a", "0", HELLO, "FREQ", "1", "IDLETIME", "1"],
         ["RESTORE", "a", "0", HELLO, "IDLETIME"], ["RESTORE", "a", "0", HELLO, "NOPE"], ["EXISTS", "a"]),
    case("restore-idletime", ["RESTORE", "a", "0", HELLO, "IDLETIME", "500"], ["OBJECT", "IDLETIME", "a"]),
    case("restore-ttl", ["RESTORE", "a", "100000", HELLO], shape("PTTL", "a"), ["RESTORE", "b", FAR_MS, HELLO, "ABSTTL"], ["PEXPIRETIME", "b"]),
    case("restore-expired", ["RESTORE", "a", "1", HELLO, "ABSTTL"], ["EXISTS", "a"], ["SET", "b", "old"],
         ["RESTORE", "b", "1", HELLO, "ABSTTL", "REPLACE"], ["EXISTS", "b"]),
    case("restore-arity", ["RESTORE", "a", "0"], ["RESTORE", "a"]),
)


@pytest.mark.parametrize("script", ERRORS)
def test_dump_restore_replies(differ, script):
    differ.check(script)


def many(prefix, count):
    return [f"{prefix}{i}" for i in range(count)]


def scored(count):
    return [x for i in range(count) for x in (str(i * 1.5 - 40), f"member:{i}")]


# name -> (commands building key "k", the read to compare, whether its order is arbitrary)
VALUES = {
    "string-embstr": ([["SET", "k", "hello"]], ["GET"], False),
    "string-int": ([["SET", "k", "-123456"]], ["GET"], False),
    "string-long-int": ([["SET", "k", "9223372036854775807"]], ["GET"], False),
    "string-compressible": ([["SET", "k", "ab" * 500]], ["GET"], False),
    "string-binary": ([["SET", "k", bytes(range(256))]], ["GET"], False),
    "list-small": ([["RPUSH", "k", "a", "1", "-2", "300", "70000", "-9000000000", "x" * 70, ""]], ["LRANGE", "0", "-1"], False),
    "list-many-nodes": ([["RPUSH", "k", *many("element-number-", 3000)]], ["LRANGE", "0", "-1"], False),
    "set-intset": ([["SADD", "k", "1", "-70000", "5000000000", "0"]], ["SMEMBERS"], True),
    "set-hashtable": ([["SADD", "k", "a", "b", "1"]], ["SMEMBERS"], True),
    "set-large-ints": ([["SADD", "k", *[str(i) for i in range(600)]]], ["SMEMBERS"], True),
    "hash-listpack": ([["HSET", "k", "f", "v", "n", "12", "neg", "-5000"]], ["HGETALL"], True),
    "hash-long-value": ([["HSET", "k", "f", "v", "long", "y" * 80]], ["HGETALL"], True),
    "hash-many-fields": ([["HSET", "k", *[x for i in range(300) for x in (f"f{i}", str(i))]]], ["HGETALL"], True),
    "zset-listpack": ([["ZADD", "k", "1", "a", "2.5", "b", "-3", "c", "inf", "d", "-inf", "e"]], ["ZRANGE", "0", "-1", "WITHSCORES"], False),
    "zset-long-member": ([["ZADD", "k", "1", "a", "0.1", "z" * 80]], ["ZRANGE", "0", "-1", "WITHSCORES"], False),
    "zset-skiplist": ([["ZADD", "k", *scored(300)]], ["ZRANGE", "0", "-1", "WITHSCORES"], False),
}


def read(conn, key, command, arbitrary_order):
    name, *rest = command
    reply = conn.call([name, key, *rest])
    if arbitrary_order and reply[0] == "array":
        items = reply[1]
        if name == "HGETALL":
            items = list(zip(items[::2], items[1::2]))
        return ("array", sorted(items))
    return reply


def build(conn, commands):
    for argv in commands:
        reply = conn.call(argv)
        assert reply[0] != "error", f"{argv[:2]} failed: {reply}"


@pytest.mark.parametrize("name", VALUES)
@pytest.mark.parametrize("direction", ["redis-to-vermilion", "vermilion-to-redis"])
def test_payload_crosses_servers(servers, name, direction):
    oracle, subject = servers
    for server in servers:
        server.ensure_running()
    source, target = (oracle, subject) if direction == "redis-to-vermilion" else (subject, oracle)
    commands, command, arbitrary_order = VALUES[name]
    with source.connect() as src, target.connect() as dst:
        for conn in (src, dst):
            assert conn.call(["FLUSHALL"]) == ("simple", b"OK")
        build(src, commands)
        kind, payload = src.call(["DUMP", "k"])
        assert kind == "bulk" and payload, f"{source.label} DUMP gave {kind} {payload!r}"
        assert dst.call(["RESTORE", "copy", "0", payload]) == ("simple", b"OK"), f"{target.label} refused {source.label}'s payload"
        assert read(dst, "copy", command, arbitrary_order) == read(src, "k", command, arbitrary_order)
        assert dst.call(["TYPE", "copy"]) == src.call(["TYPE", "k"])
        if not name.startswith("list"):
            # Lists aside (Redis 7.0 calls every list a quicklist), the encoding survives the trip.
            assert dst.call(["OBJECT", "ENCODING", "copy"]) == src.call(["OBJECT", "ENCODING", "k"])


def stream_with_groups():
    commands = [["XADD", "k", f"{i}-1", "field", f"value{i}", "n", str(i)] for i in range(1, 8)]
    commands += [["XADD", "k", "9-0", "other", "shape"], ["XDEL", "k", "3-1"],
                 ["XGROUP", "CREATE", "k", "g1", "0"], ["XGROUP", "CREATE", "k", "g2", "$"],
                 ["XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "k", ">"],
                 ["XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "k", ">"],
                 ["XACK", "k", "g1", "2-1"], ["XGROUP", "CREATECONSUMER", "k", "g2", "carol"]]
    return commands


# name -> commands building stream "k"
STREAMS = {
    "stream-small": [["XADD", "k", "1-1", "a", "1"], ["XADD", "k", "2-0", "a", "2", "b", "x" * 100]],
    "stream-many-nodes": [["XADD", "k", f"{i}-0", "f", str(i)] for i in range(1, 350)] + [["XDEL", "k", "5-0", "200-0"]],
    "stream-groups": stream_with_groups(),
    "stream-emptied": [["XADD", "k", "5-5", "a", "1"], ["XDEL", "k", "5-5"]],
    "stream-trimmed": [["XADD", "k", f"{i}-0", "f", str(i)] for i in range(1, 20)] + [["XTRIM", "k", "MAXLEN", "5"]],
}

# XINFO STREAM fields that depend on how entries were split into nodes, not on the stream.
NODE_LAYOUT_FIELDS = {b"radix-tree-keys", b"radix-tree-nodes"}


def stream_view(conn, key):
    info = conn.call(["XINFO", "STREAM", key])
    items = info[1]
    info = [(items[i], items[i + 1]) for i in range(0, len(items), 2) if items[i][1] not in NODE_LAYOUT_FIELDS]
    return {
        "entries": conn.call(["XRANGE", key, "-", "+"]),
        "info": info,
        "groups": conn.call(["XINFO", "GROUPS", key]),
        "pending": [conn.call(["XPENDING", key, g]) for g in ("g1", "g2")],
        "consumers": [consumers_view(conn.call(["XINFO", "CONSUMERS", key, g])) for g in ("g1", "g2")],
    }


def consumers_view(reply):
    """Each consumer's name and pending count: its idle time moves with the clock."""
    if reply[0] != "array":
        return reply
    kept = []
    for consumer in reply[1]:
        fields = consumer[1]
        kept.append([(fields[i], fields[i + 1]) for i in range(0, len(fields), 2) if fields[i][1] in (b"name", b"pending")])
    return kept


@pytest.mark.parametrize("name", STREAMS)
@pytest.mark.parametrize("direction", ["redis-to-vermilion", "vermilion-to-redis"])
def test_stream_crosses_servers(servers, name, direction):
    oracle, subject = servers
    for server in servers:
        server.ensure_running()
    source, target = (oracle, subject) if direction == "redis-to-vermilion" else (subject, oracle)
    with source.connect() as src, target.connect() as dst:
        for conn in (src, dst):
            assert conn.call(["FLUSHALL"]) == ("simple", b"OK")
        build(src, STREAMS[name])
        kind, payload = src.call(["DUMP", "k"])
        assert kind == "bulk" and payload, f"{source.label} DUMP gave {kind} {payload!r}"
        assert dst.call(["RESTORE", "k", "0", payload]) == ("simple", b"OK"), f"{target.label} refused {source.label}'s payload"
        assert stream_view(dst, "k") == stream_view(src, "k")
