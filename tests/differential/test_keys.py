"""Generic key commands: DEL UNLINK EXISTS TYPE RENAME RENAMENX COPY TOUCH RANDOMKEY SCAN."""

import pytest

from steps import case, cases, prerequisite, scan_all, shape

FAR_S = "4102444800"
NON_STRING = prerequisite("LPUSH", "list", "x")

DELETE_EXISTS = cases(
    case("del", ["MSET", "a", "1", "b", "2"], ["DEL", "a", "b", "c"], ["DEL", "a"], ["EXISTS", "a", "b"], resp3=True),
    case("del-duplicate-keys", ["SET", "a", "1"], ["DEL", "a", "a", "a"]),
    case("del-non-string", NON_STRING, ["DEL", "list"], ["TYPE", "list"]),
    case("del-arity", ["DEL"]),
    case("unlink", ["MSET", "a", "1", "b", "2"], ["UNLINK", "a", "nokey", "b"], ["DBSIZE"]),
    case("unlink-arity", ["UNLINK"]),
    case("exists", ["MSET", "a", "1", "b", "2"], ["EXISTS", "a"], ["EXISTS", "nokey"], ["EXISTS", "a", "b", "c"], ["EXISTS", "a", "a", "a"]),
    case("exists-arity", ["EXISTS"]),
    case("exists-after-expiry", ["SET", "a", "1", "PXAT", "1"], ["EXISTS", "a"]),
    case("type", ["SET", "s", "v"], ["TYPE", "s"], ["TYPE", "nokey"], ["SET", "n", "123"], ["TYPE", "n"], resp3=True),
    case("type-list", NON_STRING, ["TYPE", "list"]),
    case("type-arity", ["TYPE"], ["TYPE", "a", "b"]),
    case("touch", ["MSET", "a", "1", "b", "2"], ["TOUCH", "a", "b", "nokey", "a"], ["TOUCH", "nokey"]),
    case("touch-arity", ["TOUCH"]),
)

RENAMES = cases(
    case("rename", ["SET", "a", "1"], ["RENAME", "a", "b"], ["GET", "a"], ["GET", "b"], resp3=True),
    case("rename-missing-source", ["RENAME", "nokey", "b"], ["EXISTS", "b"]),
    case("rename-same-name", ["SET", "a", "1"], ["RENAME", "a", "a"], ["GET", "a"], ["RENAME", "nokey", "nokey"]),
    case("rename-over-existing", ["MSET", "a", "1", "b", "2"], ["RENAME", "a", "b"], ["GET", "b"], ["DBSIZE"]),
    case("rename-moves-ttl", ["SET", "a", "1", "EXAT", FAR_S], ["RENAME", "a", "b"], ["EXPIRETIME", "b"], ["TTL", "a"]),
    case("rename-drops-target-ttl", ["SET", "b", "old", "EXAT", FAR_S], ["SET", "a", "new"], ["RENAME", "a", "b"], ["TTL", "b"]),
    case("rename-non-string", NON_STRING, ["RENAME", "list", "l2"], ["TYPE", "l2"], ["SET", "s", "v"], ["RENAME", "s", "l2"], ["TYPE", "l2"]),
    case("rename-arity", ["RENAME", "a"], ["RENAME", "a", "b", "c"]),
    case("renamenx", ["SET", "a", "1"], ["RENAMENX", "a", "b"], ["SET", "c", "3"], ["RENAMENX", "b", "c"], ["MGET", "a", "b", "c"]),
    case("renamenx-missing-source", ["RENAMENX", "nokey", "b"]),
    case("renamenx-same-name", ["SET", "a", "1"], ["RENAMENX", "a", "a"], ["RENAMENX", "nokey", "nokey"]),
    case("renamenx-moves-ttl", ["SET", "a", "1", "EXAT", FAR_S], ["RENAMENX", "a", "b"], ["EXPIRETIME", "b"]),
    case("renamenx-arity", ["RENAMENX", "a"]),
    case("copy", ["SET", "a", "v"], ["COPY", "a", "b"], ["MGET", "a", "b"], ["COPY", "a", "b"], ["COPY", "nokey", "c"], ["EXISTS", "c"], resp3=True),
    case("copy-replace", ["MSET", "a", "1", "b", "2"], ["COPY", "a", "b", "REPLACE"], ["GET", "b"], ["COPY", "a", "b", "replace"]),
    case("copy-ttl", ["SET", "a", "1", "EXAT", FAR_S], ["COPY", "a", "b"], ["EXPIRETIME", "b"],
         ["SET", "c", "x", "EXAT", FAR_S], ["COPY", "b", "c", "REPLACE"], ["SET", "d", "y"], ["COPY", "d", "c", "REPLACE"], ["TTL", "c"]),
    case("copy-to-db", ["SET", "a", "v"], ["COPY", "a", "a", "DB", "1"], ["SELECT", "1"], ["GET", "a"], ["COPY", "a", "a", "DB", "0"],
         ["SET", "b", "w"], ["COPY", "b", "a", "DB", "0", "REPLACE"], ["SELECT", "0"], ["GET", "a"]),
    case("copy-same-key", ["SET", "a", "v"], ["COPY", "a", "a"], ["COPY", "a", "a", "DB", "0"], ["COPY", "a", "a", "REPLACE"], ["COPY", "nokey", "nokey"]),
    case("copy-bad-db", ["SET", "a", "v"], ["COPY", "a", "b", "DB", "16"], ["COPY", "a", "b", "DB", "-1"], ["COPY", "a", "b", "DB", "x"], ["COPY", "a", "b", "DB"]),
    case("copy-bad-option", ["SET", "a", "v"], ["COPY", "a", "b", "NOW"], ["COPY", "a", "b", "REPLACE", "x"], ["EXISTS", "b"]),
    case("copy-non-string", NON_STRING, ["COPY", "list", "l2"], ["TYPE", "l2"]),
    case("copy-arity", ["COPY", "a"]),
)

RANDOMKEY = cases(
    case("randomkey-empty", ["RANDOMKEY"], resp3=True),
    case("randomkey-single", ["SET", "only", "v"], ["RANDOMKEY"]),
    case("randomkey-many", ["MSET", "a", "1", "b", "2", "c", "3"], shape("RANDOMKEY")),
    case("randomkey-arity", ["RANDOMKEY", "x"]),
)

KEYSET = ["MSET", "user:1", "a", "user:2", "b", "user:10", "c", "session:1", "d", "other", "e", "n", "1"]

SCANS = cases(
    case("scan-empty", ["SCAN", "0"], resp3=True),
    case("scan-all", KEYSET, scan_all()),
    case("scan-match", KEYSET, scan_all("MATCH", "user:*"), scan_all("MATCH", "*:1"), scan_all("MATCH", "nothing*"), scan_all("MATCH", "*")),
    case("scan-count", KEYSET, scan_all("COUNT", "1"), scan_all("COUNT", "2", "MATCH", "user:?"), scan_all("COUNT", "1000")),
    case("scan-type", KEYSET, scan_all("TYPE", "string"), scan_all("TYPE", "list"), scan_all("TYPE", "STRING"), scan_all("TYPE", "nosuchtype")),
    case("scan-type-list", NON_STRING, ["SET", "s", "v"], scan_all("TYPE", "list"), scan_all("TYPE", "string")),
    case("scan-many-keys", ["MSET", *[f"key:{i}" for i in range(300) for _ in (0, 1)]], scan_all(), scan_all("MATCH", "key:1*", "COUNT", "7")),
    case("scan-bad-cursor", ["SCAN", "abc"], ["SCAN", "-1"], ["SCAN", "1.5"], ["SCAN", ""], ["SCAN", "18446744073709551616"]),
    case("scan-bad-count", ["SCAN", "0", "COUNT", "0"], ["SCAN", "0", "COUNT", "-1"], ["SCAN", "0", "COUNT", "x"]),
    case("scan-bad-options", ["SCAN", "0", "MATCH"], ["SCAN", "0", "FOO", "bar"], ["SCAN", "0", "COUNT"], ["SCAN", "0", "TYPE"]),
    case("scan-arity", ["SCAN"]),
)


@pytest.mark.parametrize("script", DELETE_EXISTS + RANDOMKEY)
def test_delete_exists_type(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", RENAMES)
def test_rename_copy(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", SCANS)
def test_scan(differ, script):
    differ.check(script)
