"""String commands: GET SET SETNX SETEX PSETEX MGET MSET MSETNX GETSET GETDEL GETEX APPEND STRLEN
GETRANGE SETRANGE INCR DECR INCRBY DECRBY INCRBYFLOAT LCS."""

import pytest

from steps import approx, case, cases, prerequisite

FAR_S = "4102444800"  # 2100-01-01, as unix seconds: far enough that nothing expires during a run
FAR_MS = "4102444800000"
NON_STRING = prerequisite("LPUSH", "list", "x")

GET_SET = cases(
    case("get-missing", ["GET", "nokey"], resp3=True),
    case("set-get", ["SET", "k", "v"], ["GET", "k"], resp3=True),
    case("set-overwrite", ["SET", "k", "a"], ["SET", "k", "bb"], ["GET", "k"]),
    case("set-empty-value", ["SET", "k", ""], ["GET", "k"], ["STRLEN", "k"], ["EXISTS", "k"]),
    case("set-binary-value", ["SET", b"k\x00\r\n", b"\x00\xff\r\n$3\r\n"], ["GET", b"k\x00\r\n"], ["STRLEN", b"k\x00\r\n"]),
    case("set-large-value", ["SET", "k", "x" * 100_000], ["STRLEN", "k"], ["GETRANGE", "k", "99990", "-1"]),
    case("set-integer-values", ["SET", "k", "-0"], ["GET", "k"], ["SET", "k", "007"], ["GET", "k"], ["SET", "k", "9223372036854775808"], ["GET", "k"]),
    case("set-ex-ttl", ["SET", "k", "v", "EX", "100"], approx("TTL", "k", tolerance=1), approx("PTTL", "k", tolerance=1000)),
    case("set-px-ttl", ["SET", "k", "v", "PX", "100000"], approx("PTTL", "k", tolerance=1000), approx("TTL", "k", tolerance=1)),
    case("set-exat", ["SET", "k", "v", "EXAT", FAR_S], ["EXPIRETIME", "k"], ["PEXPIRETIME", "k"]),
    case("set-pxat", ["SET", "k", "v", "PXAT", "4102444800123"], ["PEXPIRETIME", "k"], ["EXPIRETIME", "k"]),
    case("set-exat-in-the-past", ["SET", "k", "v", "EXAT", "1"], ["GET", "k"], ["EXISTS", "k"], ["DBSIZE"]),
    case("set-pxat-in-the-past", ["SET", "k", "old"], ["SET", "k", "v", "PXAT", "1000"], ["GET", "k"], ["TTL", "k"]),
    case("set-lowercase-options", ["set", "k", "v", "ex", "100", "nx"], ["set", "k", "w", "xx", "get"], ["get", "k"]),
    case("set-nx", ["SET", "k", "v", "NX"], ["SET", "k", "w", "NX"], ["GET", "k"], resp3=True),
    case("set-xx", ["SET", "k", "v", "XX"], ["GET", "k"], ["SET", "k", "v"], ["SET", "k", "w", "XX"], ["GET", "k"], resp3=True),
    case("set-nx-and-xx", ["SET", "k", "v", "NX", "XX"], ["SET", "k", "v", "XX", "NX"]),
    case("set-get-option", ["SET", "k", "v", "GET"], ["SET", "k", "w", "GET"], ["GET", "k"], resp3=True),
    case("set-nx-get", ["SET", "k", "v", "NX", "GET"], ["SET", "k", "w", "NX", "GET"], ["GET", "k"]),
    case("set-xx-get", ["SET", "k", "v", "XX", "GET"], ["SET", "k", "v"], ["SET", "k", "w", "XX", "GET"], ["GET", "k"]),
    case("set-get-wrongtype", NON_STRING, ["SET", "list", "v", "GET"], ["TYPE", "list"]),
    case("set-over-non-string", NON_STRING, ["SET", "list", "v"], ["TYPE", "list"], ["GET", "list"]),
    case("set-keepttl", ["SET", "k", "v", "EXAT", FAR_S], ["SET", "k", "w", "KEEPTTL"], ["EXPIRETIME", "k"], ["GET", "k"]),
    case("set-clears-ttl", ["SET", "k", "v", "EXAT", FAR_S], ["SET", "k", "w"], ["TTL", "k"]),
    case("set-keepttl-no-ttl", ["SET", "k", "v"], ["SET", "k", "w", "KEEPTTL"], ["TTL", "k"]),
    case("set-conflicting-expiries",
         ["SET", "k", "v", "EX", "10", "PX", "10000"], ["SET", "k", "v", "EX", "10", "KEEPTTL"],
         ["SET", "k", "v", "KEEPTTL", "PX", "100"], ["SET", "k", "v", "EXAT", FAR_S, "PXAT", FAR_MS],
         ["SET", "k", "v", "PX", "100", "EXAT", FAR_S], ["EXISTS", "k"]),
    case("set-repeated-option", ["SET", "k", "v", "EX", "10", "EX", "20"], approx("TTL", "k", tolerance=1),
         ["SET", "k", "v", "NX", "NX"], ["SET", "k", "v", "GET", "GET"]),
    case("set-bad-expire-numbers",
         ["SET", "k", "v", "EX", "0"], ["SET", "k", "v", "EX", "-1"], ["SET", "k", "v", "PX", "0"],
         ["SET", "k", "v", "PX", "-100"], ["SET", "k", "v", "EXAT", "0"], ["SET", "k", "v", "PXAT", "-1"],
         ["SET", "k", "v", "EX", "abc"], ["SET", "k", "v", "EX", "1.5"], ["SET", "k", "v", "PX", ""],
         ["SET", "k", "v", "EX", "9223372036854775807"], ["SET", "k", "v", "PX", "9223372036854775807"],
         ["SET", "k", "v", "EX", "9223372036854775808"], ["SET", "k", "v", "EXAT", "9223372036854775"], ["EXISTS", "k"]),
    case("set-option-missing-value", ["SET", "k", "v", "EX"], ["SET", "k", "v", "PXAT"], ["EXISTS", "k"]),
    case("set-unknown-option", ["SET", "k", "v", "FOREVER"], ["SET", "k", "v", "EX", "10", "x"], ["SET", "k", "v", "KEEPTTL", "10"]),
    case("set-arity", ["SET"], ["SET", "k"]),
    case("get-arity", ["GET"], ["GET", "a", "b"]),
    case("get-wrongtype", NON_STRING, ["GET", "list"]),
)

SET_VARIANTS = cases(
    case("setnx", ["SETNX", "k", "v"], ["SETNX", "k", "w"], ["GET", "k"], resp3=True),
    case("setnx-arity", ["SETNX", "k"], ["SETNX", "k", "v", "x"]),
    case("setnx-over-non-string", NON_STRING, ["SETNX", "list", "v"]),
    case("setex", ["SETEX", "k", "100", "v"], ["GET", "k"], approx("TTL", "k", tolerance=1)),
    case("setex-bad-expire", ["SETEX", "k", "0", "v"], ["SETEX", "k", "-5", "v"], ["SETEX", "k", "ten", "v"],
         ["SETEX", "k", "9223372036854775807", "v"], ["EXISTS", "k"]),
    case("setex-arity", ["SETEX", "k", "10"], ["SETEX", "k", "10", "v", "x"]),
    case("psetex", ["PSETEX", "k", "100000", "v"], ["GET", "k"], approx("PTTL", "k", tolerance=1000)),
    case("psetex-bad-expire", ["PSETEX", "k", "0", "v"], ["PSETEX", "k", "-1", "v"], ["PSETEX", "k", "1.5", "v"]),
    case("psetex-arity", ["PSETEX", "k"], ["PSETEX"]),
    case("getset", ["GETSET", "k", "v"], ["GETSET", "k", "w"], ["GET", "k"]),
    case("getset-clears-ttl", ["SET", "k", "v", "EXAT", FAR_S], ["GETSET", "k", "w"], ["TTL", "k"]),
    case("getset-wrongtype", NON_STRING, ["GETSET", "list", "v"]),
    case("getset-arity", ["GETSET", "k"], ["GETSET", "k", "v", "w"]),
)

MULTI_KEY = cases(
    case("mget", ["SET", "a", "1"], ["SET", "c", "3"], ["MGET", "a", "b", "c"], ["MGET", "b"], resp3=True),
    case("mget-non-string-is-nil", NON_STRING, ["SET", "a", "1"], ["MGET", "a", "list", "nokey"]),
    case("mget-arity", ["MGET"]),
    case("mset", ["MSET", "a", "1", "b", "2"], ["MGET", "a", "b"], ["MSET", "a", "x", "a", "y"], ["GET", "a"]),
    case("mset-clears-ttl", ["SET", "a", "1", "EXAT", FAR_S], ["MSET", "a", "2"], ["TTL", "a"]),
    case("mset-odd-arguments", ["MSET", "a"], ["MSET", "a", "1", "b"], ["EXISTS", "a"]),
    case("msetnx", ["MSETNX", "a", "1", "b", "2"], ["MSETNX", "b", "3", "c", "4"], ["MGET", "a", "b", "c"]),
    case("msetnx-same-key-twice", ["MSETNX", "a", "1", "a", "2"], ["GET", "a"]),
    case("msetnx-odd-arguments", ["MSETNX", "a"], ["MSETNX", "a", "1", "b"]),
    case("msetnx-existing-non-string", NON_STRING, ["MSETNX", "list", "v", "x", "y"], ["EXISTS", "x"]),
)

GETDEL_GETEX = cases(
    case("getdel", ["SET", "k", "v"], ["GETDEL", "k"], ["GETDEL", "k"], ["EXISTS", "k"], resp3=True),
    case("getdel-wrongtype", NON_STRING, ["GETDEL", "list"], ["EXISTS", "list"]),
    case("getdel-arity", ["GETDEL"], ["GETDEL", "a", "b"]),
    case("getex-no-options", ["SET", "k", "v", "EXAT", FAR_S], ["GETEX", "k"], ["EXPIRETIME", "k"]),
    case("getex-missing", ["GETEX", "nokey"], ["GETEX", "nokey", "EX", "10"], ["EXISTS", "nokey"], resp3=True),
    case("getex-ex", ["SET", "k", "v"], ["GETEX", "k", "EX", "100"], approx("TTL", "k", tolerance=1)),
    case("getex-px", ["SET", "k", "v"], ["GETEX", "k", "PX", "100000"], approx("PTTL", "k", tolerance=1000)),
    case("getex-exat", ["SET", "k", "v"], ["GETEX", "k", "EXAT", FAR_S], ["EXPIRETIME", "k"]),
    case("getex-pxat", ["SET", "k", "v"], ["GETEX", "k", "PXAT", "4102444800999"], ["PEXPIRETIME", "k"]),
    case("getex-persist", ["SET", "k", "v", "EXAT", FAR_S], ["GETEX", "k", "PERSIST"], ["TTL", "k"]),
    case("getex-exat-past-deletes", ["SET", "k", "v"], ["GETEX", "k", "EXAT", "1"], ["EXISTS", "k"]),
    case("getex-pxat-past-deletes", ["SET", "k", "v"], ["GETEX", "k", "PXAT", "1"], ["GET", "k"]),
    case("getex-conflicting-options",
         ["SET", "k", "v"], ["GETEX", "k", "EX", "10", "PX", "1000"], ["GETEX", "k", "PERSIST", "EX", "10"],
         ["GETEX", "k", "EX", "10", "PERSIST"], ["GETEX", "k", "KEEPTTL"], ["GETEX", "k", "NX"], ["GETEX", "k", "EX"], ["TTL", "k"]),
    case("getex-bad-expire", ["SET", "k", "v"], ["GETEX", "k", "EX", "0"], ["GETEX", "k", "PX", "-1"],
         ["GETEX", "k", "EXAT", "abc"], ["GETEX", "k", "EX", "9223372036854775807"], ["TTL", "k"]),
    case("getex-wrongtype", NON_STRING, ["GETEX", "list"], ["GETEX", "list", "PERSIST"]),
    case("getex-arity", ["GETEX"]),
)

APPEND_STRLEN = cases(
    case("append-new-key", ["APPEND", "k", "hello"], ["GET", "k"], resp3=True),
    case("append-existing", ["SET", "k", "hello"], ["APPEND", "k", " world"], ["GET", "k"], ["APPEND", "k", ""], ["STRLEN", "k"]),
    case("append-to-integer", ["SET", "k", "12"], ["APPEND", "k", "34"], ["GET", "k"], ["INCR", "k"]),
    case("append-empty-to-missing", ["APPEND", "k", ""], ["EXISTS", "k"], ["GET", "k"]),
    case("append-keeps-ttl", ["SET", "k", "a", "EXAT", FAR_S], ["APPEND", "k", "b"], ["EXPIRETIME", "k"]),
    case("append-wrongtype", NON_STRING, ["APPEND", "list", "x"]),
    case("append-arity", ["APPEND", "k"], ["APPEND", "k", "a", "b"]),
    case("strlen", ["STRLEN", "nokey"], ["SET", "k", "abc"], ["STRLEN", "k"], ["SET", "n", "12345"], ["STRLEN", "n"],
         ["SET", "neg", "-100"], ["STRLEN", "neg"]),
    case("strlen-wrongtype", NON_STRING, ["STRLEN", "list"]),
    case("strlen-arity", ["STRLEN"], ["STRLEN", "a", "b"]),
)

RANGES = cases(
    case("getrange", ["SET", "k", "Hello World"],
         ["GETRANGE", "k", "0", "4"], ["GETRANGE", "k", "-5", "-1"], ["GETRANGE", "k", "0", "-1"],
         ["GETRANGE", "k", "6", "100"], ["GETRANGE", "k", "5", "2"], ["GETRANGE", "k", "-100", "2"],
         ["GETRANGE", "k", "-100", "-50"], ["GETRANGE", "k", "100", "200"], ["GETRANGE", "k", "0", "0"],
         ["GETRANGE", "k", "-1", "-1"], ["GETRANGE", "k", "-1", "-2"], ["GETRANGE", "k", "3", "-9"],
         ["GETRANGE", "k", "0", "9223372036854775807"], ["GETRANGE", "k", "-9223372036854775808", "3"], resp3=True),
    case("getrange-missing-key", ["GETRANGE", "nokey", "0", "-1"], ["GETRANGE", "nokey", "5", "1"]),
    case("getrange-empty-string", ["SET", "k", ""], ["GETRANGE", "k", "0", "-1"], ["GETRANGE", "k", "0", "0"], ["GETRANGE", "k", "-1", "0"]),
    case("getrange-integer-encoded", ["SET", "k", "123456"], ["GETRANGE", "k", "1", "3"], ["GETRANGE", "k", "-2", "-1"]),
    case("getrange-bad-index", ["SET", "k", "abc"], ["GETRANGE", "k", "a", "1"], ["GETRANGE", "k", "0", "1.5"],
         ["GETRANGE", "k", "0", "9223372036854775808"]),
    case("getrange-wrongtype", NON_STRING, ["GETRANGE", "list", "0", "-1"]),
    case("getrange-arity", ["GETRANGE", "k", "0"], ["GETRANGE", "k", "0", "1", "2"]),
    case("substr", ["SET", "k", "Hello"], ["SUBSTR", "k", "1", "3"], ["SUBSTR", "k", "1"]),
    case("setrange", ["SET", "k", "Hello World"], ["SETRANGE", "k", "6", "Redis"], ["GET", "k"],
         ["SETRANGE", "k", "0", "J"], ["GET", "k"], resp3=True),
    case("setrange-pads-with-zeros", ["SETRANGE", "k", "5", "x"], ["GET", "k"], ["SET", "j", "ab"], ["SETRANGE", "j", "4", "cd"], ["GET", "j"]),
    case("setrange-empty-value-missing-key", ["SETRANGE", "k", "0", ""], ["SETRANGE", "k", "100", ""], ["EXISTS", "k"]),
    case("setrange-empty-value-existing", ["SET", "k", "abc"], ["SETRANGE", "k", "10", ""], ["GET", "k"]),
    case("setrange-integer-encoded", ["SET", "k", "1234"], ["SETRANGE", "k", "1", "9"], ["GET", "k"], ["INCR", "k"]),
    case("setrange-keeps-ttl", ["SET", "k", "abc", "EXAT", FAR_S], ["SETRANGE", "k", "1", "x"], ["EXPIRETIME", "k"]),
    case("setrange-bad-offset", ["SETRANGE", "k", "-1", "x"], ["SETRANGE", "k", "abc", "x"], ["SETRANGE", "k", "1.5", "x"], ["EXISTS", "k"]),
    case("setrange-too-large", ["SETRANGE", "k", "536870912", "x"], ["SETRANGE", "k", "536870911", ""],
         ["SETRANGE", "k", "9223372036854775807", "x"], ["SET", "j", "a"], ["SETRANGE", "j", "536870912", "x"], ["GET", "j"]),
    case("setrange-wrongtype", NON_STRING, ["SETRANGE", "list", "0", "x"]),
    case("setrange-arity", ["SETRANGE", "k", "0"], ["SETRANGE", "k", "0", "a", "b"]),
)

COUNTERS = cases(
    case("incr-decr", ["INCR", "n"], ["INCR", "n"], ["DECR", "n"], ["DECR", "n"], ["DECR", "n"], ["GET", "n"], resp3=True),
    case("incr-existing", ["SET", "n", "41"], ["INCR", "n"], ["SET", "m", "-1"], ["INCR", "m"], ["GET", "m"]),
    case("incr-not-an-integer", ["SET", "n", "abc"], ["INCR", "n"], ["SET", "n", "1.5"], ["INCR", "n"], ["SET", "n", ""], ["INCR", "n"],
         ["SET", "n", " 1"], ["INCR", "n"], ["SET", "n", "1 "], ["INCR", "n"], ["SET", "n", "+1"], ["INCR", "n"],
         ["SET", "n", "007"], ["INCR", "n"], ["SET", "n", "-0"], ["INCR", "n"], ["SET", "n", "0x10"], ["INCR", "n"]),
    case("incr-overflow", ["SET", "n", "9223372036854775807"], ["INCR", "n"], ["GET", "n"],
         ["SET", "m", "-9223372036854775808"], ["DECR", "m"], ["GET", "m"], ["SET", "big", "9223372036854775808"], ["INCR", "big"]),
    case("incr-keeps-ttl", ["SET", "n", "1", "EXAT", FAR_S], ["INCR", "n"], ["EXPIRETIME", "n"]),
    case("incrby", ["INCRBY", "n", "10"], ["INCRBY", "n", "-25"], ["INCRBY", "n", "0"], ["GET", "n"]),
    case("incrby-bad-increment", ["INCRBY", "n", "x"], ["INCRBY", "n", "1.0"], ["INCRBY", "n", "9223372036854775808"], ["INCRBY", "n", ""], ["EXISTS", "n"]),
    case("incrby-overflow", ["SET", "n", "9223372036854775800"], ["INCRBY", "n", "8"], ["INCRBY", "n", "7"], ["GET", "n"],
         ["SET", "m", "-9223372036854775800"], ["INCRBY", "m", "-9"], ["INCRBY", "m", "-8"], ["GET", "m"]),
    case("decrby", ["DECRBY", "n", "5"], ["DECRBY", "n", "-7"], ["GET", "n"]),
    case("decrby-llong-min", ["DECRBY", "n", "-9223372036854775808"], ["EXISTS", "n"], ["SET", "m", "-1"], ["DECRBY", "m", "9223372036854775807"],
         ["DECRBY", "m", "1"]),
    case("incr-wrongtype", NON_STRING, ["INCR", "list"], ["DECRBY", "list", "1"], ["INCRBYFLOAT", "list", "1"]),
    case("counter-arity", ["INCR"], ["INCR", "a", "b"], ["DECR"], ["INCRBY", "n"], ["DECRBY", "n", "1", "2"], ["INCRBYFLOAT", "n"]),
    case("incrbyfloat-basic", ["SET", "f", "10.50"], ["INCRBYFLOAT", "f", "0.1"], ["INCRBYFLOAT", "f", "-5"], ["GET", "f"], resp3=True),
    case("incrbyfloat-exponent", ["SET", "f", "5.0e3"], ["INCRBYFLOAT", "f", "2.0e2"], ["INCRBYFLOAT", "g", "1e3"], ["INCRBYFLOAT", "g", "1E-3"]),
    case("incrbyfloat-formatting", ["INCRBYFLOAT", "f", "1.0"], ["INCRBYFLOAT", "f", "0.1"], ["INCRBYFLOAT", "f", "0.2"],
         ["INCRBYFLOAT", "g", "3"], ["INCRBYFLOAT", "h", "-0.0"], ["INCRBYFLOAT", "i", "1.23456789012345678"],
         ["INCRBYFLOAT", "j", "0.0000001"], ["INCRBYFLOAT", "k", "123456789012345678901234567890"], ["INCRBYFLOAT", "m", "-1.5"]),
    case("incrbyfloat-on-integer", ["SET", "f", "10"], ["INCRBYFLOAT", "f", "1.5"], ["INCRBYFLOAT", "f", "-1.5"], ["GET", "f"], ["INCR", "f"]),
    case("incrbyfloat-nan-inf", ["SET", "f", "1"], ["INCRBYFLOAT", "f", "inf"], ["INCRBYFLOAT", "f", "-inf"], ["INCRBYFLOAT", "f", "nan"],
         ["INCRBYFLOAT", "f", "+inf"], ["SET", "g", "inf"], ["INCRBYFLOAT", "g", "1"], ["GET", "f"]),
    case("incrbyfloat-overflow", ["SET", "f", "1.7e308"], ["INCRBYFLOAT", "f", "1.7e308"], ["GET", "f"]),
    case("incrbyfloat-not-a-float", ["SET", "f", "abc"], ["INCRBYFLOAT", "f", "1"], ["INCRBYFLOAT", "g", "x"], ["INCRBYFLOAT", "g", ""],
         ["INCRBYFLOAT", "g", "1.5 "], ["INCRBYFLOAT", "g", " 1.5"], ["INCRBYFLOAT", "g", "0x10"], ["EXISTS", "g"]),
    case("incrbyfloat-keeps-ttl", ["SET", "f", "1", "EXAT", FAR_S], ["INCRBYFLOAT", "f", "1"], ["EXPIRETIME", "f"]),
)

LCS = cases(
    case("lcs-plain", ["MSET", "a", "ohmytext", "b", "mynewtext"], ["LCS", "a", "b"], ["LCS", "b", "a"], resp3=True),
    case("lcs-len", ["MSET", "a", "ohmytext", "b", "mynewtext"], ["LCS", "a", "b", "LEN"]),
    case("lcs-idx", ["MSET", "a", "ohmytext", "b", "mynewtext"], ["LCS", "a", "b", "IDX"], resp3=True),
    case("lcs-idx-minmatchlen", ["MSET", "a", "ohmytext", "b", "mynewtext"], ["LCS", "a", "b", "IDX", "MINMATCHLEN", "4"],
         ["LCS", "a", "b", "IDX", "MINMATCHLEN", "0"], ["LCS", "a", "b", "IDX", "MINMATCHLEN", "-3"]),
    case("lcs-idx-withmatchlen", ["MSET", "a", "ohmytext", "b", "mynewtext"], ["LCS", "a", "b", "IDX", "WITHMATCHLEN"],
         ["LCS", "a", "b", "IDX", "MINMATCHLEN", "2", "WITHMATCHLEN"], resp3=True),
    case("lcs-missing-keys", ["LCS", "x", "y"], ["LCS", "x", "y", "LEN"], ["SET", "a", "abc"], ["LCS", "a", "x"], ["LCS", "x", "y", "IDX"]),
    case("lcs-identical-and-disjoint", ["MSET", "a", "abcdef", "b", "abcdef", "c", "xyz"], ["LCS", "a", "b"],
         ["LCS", "a", "c"], ["LCS", "a", "c", "IDX"], ["LCS", "a", "b", "IDX", "WITHMATCHLEN"]),
    case("lcs-len-and-idx", ["MSET", "a", "abc", "b", "abc"], ["LCS", "a", "b", "LEN", "IDX"]),
    case("lcs-bad-options", ["MSET", "a", "abc", "b", "abd"], ["LCS", "a", "b", "FOO"], ["LCS", "a", "b", "MINMATCHLEN"],
         ["LCS", "a", "b", "IDX", "MINMATCHLEN", "x"]),
    case("lcs-same-key", ["SET", "a", "hello"], ["LCS", "a", "a", "IDX"]),
    case("lcs-wrongtype", NON_STRING, ["SET", "s", "abc"], ["LCS", "list", "s"], ["LCS", "s", "list"]),
    case("lcs-arity", ["LCS", "a"], ["LCS"]),
)


@pytest.mark.parametrize("script", GET_SET + SET_VARIANTS)
def test_get_set(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", MULTI_KEY + GETDEL_GETEX)
def test_multi_key_and_getex(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", APPEND_STRLEN + RANGES)
def test_append_and_ranges(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", COUNTERS)
def test_counters(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", LCS)
def test_lcs(differ, script):
    differ.check(script)
