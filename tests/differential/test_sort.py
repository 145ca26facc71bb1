"""SORT and SORT_RO on lists, sets and sorted sets: numeric and ALPHA order, BY and GET patterns
(`*`, `#`, `->field`), LIMIT windows, STORE, and the errors. Sets are only read in an order of
their own (BY nosort without STORE) when they are intsets, whose order is defined."""

import random

import pytest

from steps import Script, Step, case, cases, prerequisite

NUMBERS = ["RPUSH", "l", "3", "1", "10", "-2.5", "1e3", "7", "0", "1"]
WORDS = ["RPUSH", "w", "pear", "apple", "Banana", "cherry", "apple2", "10", "9"]
WEIGHTS = ["MSET", "weight_a", "3", "weight_b", "1", "weight_c", "2", "weight_d", "-1", "name_a", "Ann", "name_c", "Cy"]
HASHES = [["HSET", "h_a", "age", "30", "nick", "aa"], ["HSET", "h_b", "age", "25"], ["HSET", "h_c", "age", "41", "nick", "cc"]]


BASIC = cases(
    case("sort-list-numeric", NUMBERS, ["SORT", "l"], ["SORT", "l", "DESC"], ["SORT", "l", "LIMIT", "2", "3"],
         ["SORT", "l", "LIMIT", "-5", "2"], ["SORT", "l", "LIMIT", "1", "-1"], ["SORT", "l", "LIMIT", "100", "1"],
         ["SORT", "l", "LIMIT", "0", "0"], ["SORT", "l", "desc", "limit", "0", "3"], ["SORT_RO", "l", "ASC"],
         resp3=True),
    case("sort-alpha", WORDS, ["SORT", "w", "ALPHA"], ["SORT", "w", "ALPHA", "DESC", "LIMIT", "1", "4"],
         ["SORT", "w"], ["SORT", "nokey"], ["SORT", "nokey", "ALPHA", "LIMIT", "0", "5"]),
    case("sort-set-and-zset",
         ["SADD", "s", "5", "3", "100", "-4"], ["SORT", "s"], ["SORT", "s", "DESC"], ["SORT", "s", "BY", "nosort"],
         ["SADD", "sw", "b", "a", "c", "d"], ["SORT", "sw", "ALPHA"], ["SORT", "sw", "ALPHA", "DESC", "LIMIT", "1", "2"],
         ["ZADD", "z", "1", "c", "2", "a", "3", "b", "0", "d"], ["SORT", "z", "ALPHA"],
         ["SORT", "z", "BY", "nosort"], ["SORT", "z", "BY", "nosort", "DESC"],
         ["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"], ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"],
         ["SORT", "z", "BY", "nosort", "LIMIT", "5", "2"], ["SORT", "z"]),
    case("sort-list-nosort", NUMBERS, ["SORT", "l", "BY", "nosort"], ["SORT", "l", "BY", "nosort", "DESC"],
         ["SORT", "l", "BY", "nosort", "LIMIT", "2", "3"], ["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "2", "3"],
         ["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "6", "10"], ["SORT", "l", "BY", "nosort", "LIMIT", "8", "1"]),
)

PATTERNS = cases(
    case("sort-by-get",
         ["RPUSH", "k", "a", "b", "c", "d"], WEIGHTS, *HASHES,
         ["SORT", "k", "BY", "weight_*"], ["SORT", "k", "BY", "weight_*", "DESC"],
         ["SORT", "k", "BY", "weight_*", "GET", "name_*"], ["SORT", "k", "BY", "weight_*", "GET", "#", "GET", "name_*"],
         ["SORT", "k", "BY", "weight_*", "LIMIT", "1", "2", "GET", "#"],
         ["SORT", "k", "BY", "h_*->age"], ["SORT", "k", "BY", "h_*->age", "GET", "h_*->nick", "GET", "h_*->age"],
         ["SORT", "k", "BY", "weight_*", "ALPHA"], ["SORT", "k", "BY", "name_*", "ALPHA"],
         ["SORT", "k", "BY", "name_*", "ALPHA", "DESC"], ["SORT", "k", "BY", "missing_*", "ALPHA"],
         ["SORT", "k", "BY", "missing_*"], ["SORT", "k", "GET", "nostar"], ["SORT", "k", "GET", "h_*->"],
         ["SORT", "k", "GET", "weight_*->x"], ["SORT", "k", "GET", "h_*->age", "BY", "h_*"],
         ["SORT", "k", "BY", "nosort", "GET", "#", "GET", "weight_*"], ["SORT_RO", "k", "BY", "weight_*", "GET", "name_*"],
         ["SORT", "k", "BY", "weight_*", "GET", "*"], ["SET", "a", "x"], ["SORT", "k", "BY", "nosort", "GET", "*"],
         ["SORT", "k", "BY", "#"], resp3=True),
    case("sort-numeric-weights",
         ["RPUSH", "k", "a", "b", "c", "d", "e"],
         ["MSET", "v_a", " 5", "v_b", "", "v_c", "1e2", "v_d", "inf", "v_e", "-inf"],
         ["SORT", "k", "BY", "v_*"], ["SET", "v_e", "12"], ["SORT", "k", "BY", "v_*", "DESC"],
         ["SET", "v_e", "5 "], ["SORT", "k", "BY", "v_*"], ["SET", "v_e", "nan"], ["SORT", "k", "BY", "v_*"],
         # Last: Redis reads errno after strtod without clearing it, so once an out-of-range
         # weight has set ERANGE, later numeric SORTs on that thread fail too.
         ["SET", "v_e", "1e400"], ["SORT", "k", "BY", "v_*"]),
)

STORE = cases(
    case("sort-store",
         NUMBERS, ["SORT", "l", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"], ["TYPE", "dst"],
         ["SET", "dst2", "x"], ["EXPIRE", "dst2", "1000"], ["SORT", "l", "DESC", "LIMIT", "0", "3", "STORE", "dst2"],
         ["LRANGE", "dst2", "0", "-1"], ["TTL", "dst2"],
         ["SORT", "nokey", "STORE", "dst2"], ["EXISTS", "dst2"], ["SORT", "l", "LIMIT", "0", "0", "STORE", "dst"],
         ["EXISTS", "dst"],
         ["RPUSH", "k", "a", "b"], ["SET", "name_a", "Ann"], ["SORT", "k", "ALPHA", "GET", "name_*", "GET", "#", "STORE", "g"],
         ["LRANGE", "g", "0", "-1"], ["SORT", "l", "STORE", "l"], ["LRANGE", "l", "0", "-1"]),
    case("sort-store-set-nosort",
         ["SADD", "s", "b", "c", "a", "10", "9"], ["SORT", "s", "BY", "nosort", "STORE", "out"], ["LRANGE", "out", "0", "-1"],
         ["SORT", "s", "BY", "nosort", "DESC", "LIMIT", "1", "2", "STORE", "out"], ["LRANGE", "out", "0", "-1"]),
)

ERRORS = cases(
    case("sort-errors",
         WORDS, ["SORT", "w"], ["SORT", "w", "LIMIT", "1"], ["SORT", "w", "LIMIT", "a", "1"], ["SORT", "w", "LIMIT", "1", "b"],
         ["SORT", "w", "BY"], ["SORT", "w", "GET"], ["SORT", "w", "STORE"], ["SORT", "w", "bogus"],
         ["SORT_RO", "w", "STORE", "x"], ["SORT", "w", "STORE", "x"], ["EXISTS", "x"],
         ["SET", "str", "v"], ["SORT", "str"], ["SORT", "str", "bogus"], ["SORT", "str", "STORE", "x"],
         ["HSET", "hash", "f", "v"], ["SORT", "hash"], ["SORT_RO", "str"], ["SORT"], ["SORT_RO"]),
    case("sort-key-specs", ["COMMAND", "GETKEYS", "SORT", "a", "STORE", "b"], ["COMMAND", "GETKEYS", "SORT", "a"],
         ["COMMAND", "GETKEYS", "SORT_RO", "a", "BY", "w_*"],
         ["COMMAND", "GETKEYS", "SORT", "k", "BY", "w_*", "GET", "store", "STORE", "dst"],
         ["COMMAND", "GETKEYS", "SORT", "k", "LIMIT", "0", "1", "STORE", "d"]),
    case("sort-command-info", ["COMMAND", "INFO", "sort", "sort_ro"], resp3=True),
)


@pytest.mark.parametrize("script", BASIC)
def test_basic(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", PATTERNS)
def test_patterns(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", STORE)
def test_store(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", ERRORS)
def test_errors(differ, script):
    differ.check(script)


def _random_sort(seed: int) -> Script:
    """A random list (or, every third seed, a set of integers: an intset, whose order is
    defined) and weights, sorted in random ways."""
    rng = random.Random(seed)
    as_intset = seed % 3 == 2
    if as_intset:
        elements = sorted({str(rng.randint(-99, 99)) for _ in range(rng.randint(0, 40))})
    else:
        elements = [rng.choice([str(rng.randint(-50, 50)), f"{rng.uniform(-9, 9):.3f}", rng.choice("abcdefg") * rng.randint(1, 3)])
                    for _ in range(rng.randint(0, 40))]
    steps = [Step(["DEL", "l"])]
    if elements:
        steps.append(Step(["SADD" if as_intset else "RPUSH", "l", *elements]))
    for element in set(elements):
        if rng.random() < 0.8:
            steps.append(Step(["SET", f"w_{element}", str(rng.randint(0, 9))]))
        if rng.random() < 0.5:
            steps.append(Step(["HSET", f"h_{element}", "f", rng.choice(["x", "y", "z", "1", "2"])]))
    for _ in range(20):
        argv = ["SORT", "l"]
        if rng.random() < 0.5:
            argv += ["BY", rng.choice(["w_*", "h_*->f", "nosort"])]
        if rng.random() < 0.4:
            argv += ["LIMIT", str(rng.randint(-2, 10)), str(rng.randint(-2, 10))]
        for _ in range(rng.randint(0, 2)):
            argv += ["GET", rng.choice(["#", "w_*", "h_*->f"])]
        if rng.random() < 0.5:
            argv.append("DESC")
        if rng.random() < 0.6:
            argv.append("ALPHA")
        steps.append(Step(argv))
    return Script(steps)


@pytest.mark.parametrize("seed", range(60), ids=lambda seed: f"sort-seed-{seed}")
def test_random_sorts(differ, seed):
    differ.check(_random_sort(seed), first_only=True, header=f"seed {seed}; replies up to the first difference:")
