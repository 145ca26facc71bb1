"""SELECT, SWAPDB, MOVE, FLUSHDB, FLUSHALL, DBSIZE."""

import pytest

from steps import case, cases

CASES = cases(
    case("select-valid", ["SELECT", "1"], ["SET", "k", "in1"], ["SELECT", "0"], ["GET", "k"], ["SELECT", "1"], ["GET", "k"], resp3=True),
    case("select-last-db", ["SELECT", "15"], ["SET", "k", "v"], ["DBSIZE"]),
    case("select-out-of-range", ["SELECT", "16"], ["SELECT", "-1"], ["SELECT", "99999999999"]),
    case("select-not-a-number", ["SELECT", "abc"], ["SELECT", "1.5"], ["SELECT", ""], ["SELECT", " 1"]),
    case("select-arity", ["SELECT"], ["SELECT", "1", "2"]),
    case("dbsize-counts-per-db", ["MSET", "a", "1", "b", "2"], ["DBSIZE"], ["SELECT", "2"], ["DBSIZE"], ["SET", "c", "3"], ["DBSIZE"]),
    case("dbsize-arity", ["DBSIZE", "x"]),
    case("flushdb-only-current", ["SET", "a", "1"], ["SELECT", "1"], ["SET", "b", "2"], ["FLUSHDB"], ["DBSIZE"], ["SELECT", "0"], ["DBSIZE"]),
    case("flushdb-modes", ["SET", "a", "1"], ["FLUSHDB", "SYNC"], ["SET", "a", "1"], ["FLUSHDB", "ASYNC"], ["DBSIZE"], ["FLUSHDB", "async"]),
    case("flushdb-bad-mode", ["FLUSHDB", "NOW"], ["FLUSHDB", "SYNC", "ASYNC"]),
    case("flushall-every-db", ["SET", "a", "1"], ["SELECT", "3"], ["SET", "b", "2"], ["FLUSHALL"], ["DBSIZE"], ["SELECT", "0"], ["DBSIZE"]),
    case("flushall-modes", ["SET", "a", "1"], ["FLUSHALL", "SYNC"], ["FLUSHALL", "ASYNC"], ["FLUSHALL", "sync"], ["DBSIZE"]),
    case("flushall-bad-mode", ["FLUSHALL", "LATER"], ["FLUSHALL", "SYNC", "x"]),
    case("swapdb-basic", ["SET", "a", "zero"], ["SELECT", "1"], ["SET", "b", "one"], ["SWAPDB", "0", "1"],
         ["GET", "a"], ["GET", "b"], ["SELECT", "0"], ["GET", "a"], ["GET", "b"], ["DBSIZE"]),
    case("swapdb-same-db", ["SET", "a", "1"], ["SWAPDB", "0", "0"], ["GET", "a"]),
    case("swapdb-keeps-ttl", ["SET", "a", "1", "PXAT", "4102444800000"], ["SWAPDB", "0", "5"], ["SELECT", "5"], ["PEXPIRETIME", "a"]),
    case("swapdb-bad-index", ["SWAPDB", "0", "16"], ["SWAPDB", "16", "0"], ["SWAPDB", "-1", "0"], ["SWAPDB", "x", "0"], ["SWAPDB", "0", "y"]),
    case("swapdb-arity", ["SWAPDB", "0"], ["SWAPDB", "0", "1", "2"]),
    case("move-basic", ["SET", "k", "v"], ["MOVE", "k", "1"], ["EXISTS", "k"], ["SELECT", "1"], ["GET", "k"]),
    case("move-missing-key", ["MOVE", "nokey", "1"]),
    case("move-target-exists", ["SET", "k", "src"], ["SELECT", "1"], ["SET", "k", "dst"], ["SELECT", "0"], ["MOVE", "k", "1"], ["GET", "k"], ["SELECT", "1"], ["GET", "k"]),
    case("move-same-db", ["SET", "k", "v"], ["MOVE", "k", "0"], ["SELECT", "4"], ["SET", "j", "v"], ["MOVE", "j", "4"]),
    case("move-keeps-ttl", ["SET", "k", "v", "EXAT", "4102444800"], ["MOVE", "k", "2"], ["SELECT", "2"], ["EXPIRETIME", "k"]),
    case("move-bad-db", ["SET", "k", "v"], ["MOVE", "k", "16"], ["MOVE", "k", "-1"], ["MOVE", "k", "one"]),
    case("move-arity", ["MOVE", "k"], ["MOVE", "k", "1", "2"]),
)


@pytest.mark.parametrize("script", CASES)
def test_databases(differ, script):
    differ.check(script)
