"""EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), TTL PTTL EXPIRETIME PEXPIRETIME PERSIST.

Nothing here sleeps: deadlines are either in the past (the key goes at once) or decades ahead,
and relative deadlines are read back with a tolerance.
"""

import pytest

from steps import approx, case, cases, prerequisite

FAR_S = 4102444800  # 2100-01-01
FAR_MS = FAR_S * 1000
NON_STRING = prerequisite("LPUSH", "list", "x")


def at(offset_s: int) -> str:
    return str(FAR_S + offset_s)


RELATIVE = cases(
    case("expire", ["SET", "k", "v"], ["EXPIRE", "k", "100"], approx("TTL", "k", tolerance=1), approx("PTTL", "k", tolerance=1000), resp3=True),
    case("expire-missing-key", ["EXPIRE", "nokey", "100"], ["PEXPIRE", "nokey", "100"], ["EXISTS", "nokey"]),
    case("expire-zero-deletes", ["SET", "k", "v"], ["EXPIRE", "k", "0"], ["EXISTS", "k"], ["TTL", "k"]),
    case("expire-negative-deletes", ["SET", "k", "v"], ["EXPIRE", "k", "-10"], ["GET", "k"], ["SET", "j", "v"], ["PEXPIRE", "j", "-1"], ["EXISTS", "j"]),
    case("pexpire", ["SET", "k", "v"], ["PEXPIRE", "k", "100000"], approx("PTTL", "k", tolerance=1000), approx("TTL", "k", tolerance=1)),
    case("expire-not-an-integer", ["SET", "k", "v"], ["EXPIRE", "k", "ten"], ["EXPIRE", "k", "1.5"], ["PEXPIRE", "k", ""], ["TTL", "k"]),
    case("expire-overflow", ["SET", "k", "v"], ["EXPIRE", "k", "9223372036854775807"], ["EXPIRE", "k", "9223372036854775"],
         ["PEXPIRE", "k", "9223372036854775807"], ["EXPIRE", "k", "-9223372036854775808"], ["PEXPIRE", "k", "-9223372036854775808"], ["TTL", "k"]),
    case("expire-replaces-ttl", ["SET", "k", "v", "EX", "1000"], ["EXPIRE", "k", "50"], approx("TTL", "k", tolerance=1)),
    case("expire-non-string", NON_STRING, ["EXPIRE", "list", "100"], approx("TTL", "list", tolerance=1)),
    case("expire-arity", ["EXPIRE", "k"], ["PEXPIRE"], ["EXPIREAT", "k"], ["PEXPIREAT", "k"]),
)

OPTIONS = cases(
    case("expire-nx", ["SET", "k", "v"], ["EXPIRE", "k", "100", "NX"], ["EXPIRE", "k", "200", "NX"], approx("TTL", "k", tolerance=1)),
    case("expire-xx", ["SET", "k", "v"], ["EXPIRE", "k", "100", "XX"], ["TTL", "k"], ["EXPIRE", "k", "100"], ["EXPIRE", "k", "200", "XX"],
         approx("TTL", "k", tolerance=1)),
    case("expire-gt", ["SET", "k", "v"], ["EXPIRE", "k", "100", "GT"], ["TTL", "k"], ["EXPIRE", "k", "100"], ["EXPIRE", "k", "50", "GT"],
         ["EXPIRE", "k", "200", "GT"], approx("TTL", "k", tolerance=1)),
    case("expire-lt", ["SET", "k", "v"], ["EXPIRE", "k", "100", "LT"], approx("TTL", "k", tolerance=1), ["EXPIRE", "k", "200", "LT"],
         ["EXPIRE", "k", "50", "LT"], approx("TTL", "k", tolerance=1)),
    case("expire-xx-gt", ["SET", "k", "v"], ["EXPIRE", "k", "100", "XX", "GT"], ["EXPIRE", "k", "100"], ["EXPIRE", "k", "200", "GT", "XX"],
         ["EXPIRE", "k", "10", "XX", "GT"], approx("TTL", "k", tolerance=1)),
    case("expire-xx-lt", ["SET", "k", "v", "EX", "100"], ["EXPIRE", "k", "50", "XX", "LT"], ["EXPIRE", "k", "500", "LT", "XX"], approx("TTL", "k", tolerance=1)),
    case("expire-lowercase-options", ["SET", "k", "v"], ["EXPIRE", "k", "100", "nx"], ["EXPIRE", "k", "200", "gt"], approx("TTL", "k", tolerance=1)),
    case("expire-incompatible-options", ["SET", "k", "v"], ["EXPIRE", "k", "100", "NX", "XX"], ["EXPIRE", "k", "100", "NX", "GT"],
         ["EXPIRE", "k", "100", "LT", "NX"], ["EXPIRE", "k", "100", "GT", "LT"], ["EXPIRE", "k", "100", "XX", "GT", "LT"], ["TTL", "k"]),
    case("expire-unknown-option", ["SET", "k", "v"], ["EXPIRE", "k", "100", "FOO"], ["EXPIRE", "k", "100", "NX", "bar"],
         ["PEXPIREAT", "k", "100", "NXX"], ["TTL", "k"]),
    case("expire-options-missing-key", ["EXPIRE", "nokey", "100", "XX"], ["EXPIRE", "nokey", "100", "NX"], ["EXPIRE", "nokey", "100", "LT"]),
    case("expire-option-order-of-errors", ["EXPIRE", "k", "abc", "FOO"], ["EXPIRE", "k", "abc", "NX", "XX"], ["EXPIRE", "nokey", "100", "NX", "XX"]),
    case("expire-nx-past-deletes", ["SET", "k", "v"], ["EXPIRE", "k", "-1", "NX"], ["EXISTS", "k"]),
    case("expire-gt-past-no-ttl", ["SET", "k", "v"], ["EXPIRE", "k", "-1", "GT"], ["EXISTS", "k"], ["EXPIRE", "k", "-1", "LT"], ["EXISTS", "k"]),
)

ABSOLUTE = cases(
    case("expireat", ["SET", "k", "v"], ["EXPIREAT", "k", at(0)], ["EXPIRETIME", "k"], ["PEXPIRETIME", "k"], resp3=True),
    case("pexpireat", ["SET", "k", "v"], ["PEXPIREAT", "k", str(FAR_MS + 123)], ["PEXPIRETIME", "k"], ["EXPIRETIME", "k"]),
    case("expireat-past-deletes", ["SET", "k", "v"], ["EXPIREAT", "k", "1"], ["EXISTS", "k"], ["SET", "j", "v"], ["PEXPIREAT", "j", "0"],
         ["EXISTS", "j"], ["SET", "m", "v"], ["EXPIREAT", "m", "-5"], ["EXISTS", "m"]),
    case("expireat-missing-key", ["EXPIREAT", "nokey", at(0)], ["PEXPIREAT", "nokey", str(FAR_MS)]),
    case("expireat-nx-xx", ["SET", "k", "v"], ["EXPIREAT", "k", at(0), "XX"], ["EXPIREAT", "k", at(0), "NX"], ["EXPIREAT", "k", at(10), "NX"],
         ["EXPIREAT", "k", at(20), "XX"], ["EXPIRETIME", "k"]),
    case("expireat-gt-lt", ["SET", "k", "v"], ["EXPIREAT", "k", at(0), "GT"], ["EXPIREAT", "k", at(0), "LT"], ["EXPIREAT", "k", at(0), "GT"],
         ["EXPIREAT", "k", at(0), "LT"], ["EXPIREAT", "k", at(100), "GT"], ["EXPIREAT", "k", at(50), "GT"], ["EXPIREAT", "k", at(50), "LT"],
         ["EXPIREAT", "k", at(70), "LT"], ["EXPIRETIME", "k"]),
    case("pexpireat-gt-lt-ms", ["SET", "k", "v"], ["PEXPIREAT", "k", str(FAR_MS + 1)], ["PEXPIREAT", "k", str(FAR_MS + 2), "GT"],
         ["PEXPIREAT", "k", str(FAR_MS + 2), "GT"], ["PEXPIREAT", "k", str(FAR_MS + 1), "LT"], ["PEXPIRETIME", "k"]),
    case("expireat-overflow", ["SET", "k", "v"], ["EXPIREAT", "k", "9223372036854775807"], ["EXPIREAT", "k", "9223372036854775"],
         ["PEXPIREAT", "k", "9223372036854775807"], ["EXPIREAT", "k", "-9223372036854775808"], ["EXISTS", "k"]),
    case("expireat-not-an-integer", ["SET", "k", "v"], ["EXPIREAT", "k", "soon"], ["PEXPIREAT", "k", "1e3"], ["TTL", "k"]),
)

READING = cases(
    case("ttl-sentinels", ["TTL", "nokey"], ["PTTL", "nokey"], ["SET", "k", "v"], ["TTL", "k"], ["PTTL", "k"], resp3=True),
    case("expiretime-sentinels", ["EXPIRETIME", "nokey"], ["PEXPIRETIME", "nokey"], ["SET", "k", "v"], ["EXPIRETIME", "k"], ["PEXPIRETIME", "k"]),
    case("expiretime-rounding", ["SET", "k", "v", "PXAT", str(FAR_MS + 999)], ["EXPIRETIME", "k"], ["PEXPIRETIME", "k"],
         ["SET", "j", "v", "PXAT", str(FAR_MS + 500)], ["EXPIRETIME", "j"], ["SET", "m", "v", "PXAT", str(FAR_MS + 499)], ["EXPIRETIME", "m"]),
    # TTL rounds to the nearest second: 100.9 s left reads 101 (100 if truncated), with 400 ms of slack.
    case("ttl-rounds-to-nearest", ["SET", "k", "v", "PX", "100900"], ["TTL", "k"]),
    case("ttl-arity", ["TTL"], ["PTTL", "a", "b"], ["EXPIRETIME"], ["PEXPIRETIME", "a", "b"]),
    case("persist", ["SET", "k", "v", "EXAT", str(FAR_S)], ["PERSIST", "k"], ["TTL", "k"], ["PERSIST", "k"], ["PERSIST", "nokey"], resp3=True),
    case("persist-arity", ["PERSIST"], ["PERSIST", "a", "b"]),
    case("expired-key-is-gone-everywhere", ["SET", "k", "v"], ["PEXPIREAT", "k", "1"], ["GET", "k"], ["TTL", "k"], ["TYPE", "k"],
         ["KEYS", "*"], ["DBSIZE"], ["RENAME", "k", "j"], ["PERSIST", "k"]),
)


@pytest.mark.parametrize("script", RELATIVE + OPTIONS)
def test_expire_relative(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", ABSOLUTE + READING)
def test_expire_absolute_and_reading(differ, script):
    differ.check(script)
