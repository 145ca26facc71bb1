"""Geo commands: GEOADD GEODIST GEOHASH GEOPOS GEOSEARCH GEOSEARCHSTORE GEORADIUS GEORADIUS_RO
GEORADIUSBYMEMBER GEORADIUSBYMEMBER_RO — scores, decoded positions, distances, search order and
counts must equal Redis's for the same inputs.

RESP3 variants leave coordinates out: Redis sends them as doubles printed with `%.17Lf`
(`,13.36138933897018433`), which a `Reply::Double` cannot carry yet; the value read back is the
same double."""

import random

import pytest

from steps import Script, Step, case, cases, prerequisite

NON_ZSET = prerequisite("LPUSH", "list", "x")
SICILY = ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"]
CITIES = ["GEOADD", "eu",
          "2.3522", "48.8566", "paris", "-0.1276", "51.5072", "london", "13.4050", "52.5200", "berlin",
          "12.4964", "41.9028", "rome", "-3.7038", "40.4168", "madrid", "4.9041", "52.3676", "amsterdam",
          "16.3738", "48.2082", "vienna", "14.4378", "50.0755", "prague", "21.0122", "52.2297", "warsaw",
          "-9.1393", "38.7223", "lisbon", "23.7275", "37.9838", "athens", "18.0686", "59.3293", "stockholm"]


def grid(key, n, seed):
    rng = random.Random(seed)
    args = ["GEOADD", key]
    for i in range(n):
        args += [f"{rng.uniform(-10, 10):.6f}", f"{rng.uniform(40, 50):.6f}", f"p{i}"]
    return args


ADD = cases(
    case("geoadd-basic", SICILY, ["ZRANGE", "Sicily", "0", "-1", "WITHSCORES"], ["TYPE", "Sicily"],
         ["OBJECT", "ENCODING", "Sicily"]),
    case("geoadd-options",
         SICILY,
         ["GEOADD", "Sicily", "NX", "13.1", "38.1", "Palermo", "14", "37", "Messina"],
         ["GEOADD", "Sicily", "XX", "CH", "13.2", "38.2", "Palermo", "1", "1", "Nowhere"],
         ["GEOADD", "Sicily", "CH", "13.2", "38.2", "Palermo", "15.087269", "37.502669", "Catania"],
         ["GEOADD", "Sicily", "XX", "NX", "1", "1", "x"],
         ["GEOADD", "none", "XX", "1", "1", "x"], ["EXISTS", "none"],
         ["ZRANGE", "Sicily", "0", "-1", "WITHSCORES"]),
    case("geoadd-errors",
         ["GEOADD", "g", "200", "10", "x"], ["GEOADD", "g", "10", "86", "x"], ["GEOADD", "g", "10", "-85.06", "x"],
         ["GEOADD", "g", "abc", "10", "x"], ["GEOADD", "g", "1", "2", "x", "3"], ["GEOADD", "g", "GT", "1", "2", "x"],
         ["GEOADD", "g", "NX", "1", "2"], ["GEOADD", "g", "1", "2"], ["GEOADD", "g", "1", "2", "a", "1e400", "2", "b"],
         ["GEOADD", "g", "-180", "-85.05112878", "sw", "180", "85.05112878", "ne"],
         ["GEOPOS", "g", "sw", "ne"], ["GEOHASH", "g", "sw", "ne"], ["EXISTS", "g"],
         NON_ZSET, ["GEOADD", "list", "1", "2", "x"], ["GEOADD", "list", "1", "200", "x"]),
    case("geoadd-big", grid("big", 300, 1), ["OBJECT", "ENCODING", "big"], ["ZCARD", "big"],
         ["GEOPOS", "big", "p0", "p150", "p299"]),
)

READS = cases(
    case("geopos", SICILY, ["GEOPOS", "Sicily", "Palermo", "Catania", "nope"], ["GEOPOS", "nokey", "a", "b"],
         ["GEOPOS", "Sicily"]),
    case("geopos-resp3", SICILY, ["GEOPOS", "Sicily", "nope"], ["GEOPOS", "nokey", "a"], resp3=True),
    case("geohash", SICILY, ["GEOHASH", "Sicily", "Palermo", "Catania", "nope"], ["GEOHASH", "nokey", "a"],
         ["GEOHASH", "Sicily"], CITIES, ["GEOHASH", "eu", "paris", "london", "lisbon", "athens"]),
    case("geodist", SICILY, ["GEODIST", "Sicily", "Palermo", "Catania"], ["GEODIST", "Sicily", "Palermo", "Catania", "km"],
         ["GEODIST", "Sicily", "Palermo", "Catania", "MI"], ["GEODIST", "Sicily", "Palermo", "Catania", "ft"],
         ["GEODIST", "Sicily", "Palermo", "Palermo"], ["GEODIST", "Sicily", "Palermo", "nope"],
         ["GEODIST", "nokey", "a", "b"], ["GEODIST", "Sicily", "Palermo", "Catania", "yd"],
         ["GEODIST", "nokey", "a", "b", "yd"], ["GEODIST", "Sicily", "Palermo", "Catania", "km", "x"],
         CITIES, ["GEODIST", "eu", "lisbon", "stockholm", "km"], ["GEODIST", "eu", "paris", "london"], resp3=True),
    case("geo-on-plain-zset", ["ZADD", "z", "0", "zero", "-1", "neg", "1e20", "huge", "123456789", "mid", "1e19", "big",
                                      "-1e19", "low", "4503599627370496", "past52"],
         ["GEOPOS", "z", "zero", "neg", "huge", "mid", "big", "low", "past52"],
         ["GEOHASH", "z", "zero", "neg", "huge", "mid", "big", "low", "past52"],
         ["GEODIST", "z", "zero", "mid"]),
    case("geo-wrongtype", NON_ZSET, ["GEOPOS", "list", "a"], ["GEOHASH", "list", "a"], ["GEODIST", "list", "a", "b"],
         ["GEOSEARCH", "list", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"],
         ["GEORADIUS", "list", "0", "0", "1", "km"], ["GEORADIUSBYMEMBER", "list", "a", "1", "km"],
         ["GEOSEARCHSTORE", "dst", "list", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"]),
)

SEARCHES = cases(
    case("georadius-sicily", SICILY,
         ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST"],
         ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHCOORD"],
         ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH"],
         ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "DESC"],
         ["GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1"],
         ["GEORADIUS", "Sicily", "15", "37", "100", "km"],
         ["GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "ASC", "WITHHASH"],
         ["GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "WITHDIST", "ASC"],
         ["GEORADIUSBYMEMBER_RO", "Sicily", "Catania", "0", "m", "WITHDIST"],
         ["GEORADIUSBYMEMBER", "Sicily", "nope", "300", "km"]),
    case("georadius-sicily-resp3", SICILY,
         ["GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHHASH"],
         ["GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "ASC"], resp3=True),
    case("geosearch-cities", CITIES,
         ["GEOSEARCH", "eu", "FROMMEMBER", "paris", "BYRADIUS", "1000", "km", "ASC", "WITHDIST"],
         ["GEOSEARCH", "eu", "FROMLONLAT", "10", "50", "BYRADIUS", "800", "km", "DESC", "WITHDIST", "WITHCOORD"],
         ["GEOSEARCH", "eu", "FROMLONLAT", "10", "50", "BYBOX", "1500", "1000", "km", "ASC", "WITHDIST"],
         ["GEOSEARCH", "eu", "FROMMEMBER", "berlin", "BYBOX", "2000", "2000", "km", "ASC", "COUNT", "3"],
         ["GEOSEARCH", "eu", "FROMMEMBER", "berlin", "BYBOX", "2000", "2000", "km", "COUNT", "3", "ANY"],
         ["GEOSEARCH", "eu", "FROMLONLAT", "0", "45", "BYRADIUS", "3000", "mi", "ASC"],
         ["GEOSEARCH", "eu", "FROMLONLAT", "0", "45", "BYRADIUS", "3000000", "ft", "DESC", "WITHHASH"],
         ["GEOSEARCH", "eu", "FROMLONLAT", "0", "45", "BYRADIUS", "20000", "km", "ASC"],
         ["GEOSEARCH", "eu", "FROMLONLAT", "179", "85", "BYRADIUS", "5000", "km", "ASC"],
         ["GEOSEARCH", "eu", "FROMLONLAT", "-179", "-80", "BYBOX", "40000", "40000", "km", "ASC"],
         ["GEOSEARCH", "nokey", "FROMLONLAT", "0", "45", "BYRADIUS", "1", "km"],
         ["GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km"]),
    case("geosearch-grid", grid("g", 400, 7),
         ["GEOSEARCH", "g", "FROMLONLAT", "0", "45", "BYRADIUS", "150", "km", "ASC", "WITHDIST"],
         ["GEOSEARCH", "g", "FROMLONLAT", "3", "47", "BYBOX", "300", "100", "km", "DESC", "WITHDIST"],
         ["GEOSEARCH", "g", "FROMMEMBER", "p10", "BYRADIUS", "50", "km", "ASC", "WITHDIST", "WITHHASH", "WITHCOORD"],
         ["GEOSEARCH", "g", "FROMMEMBER", "p10", "BYRADIUS", "500", "km", "ASC", "COUNT", "20"],
         ["GEOSEARCH", "g", "FROMMEMBER", "p10", "BYRADIUS", "500", "km", "COUNT", "20", "ANY"],
         ["GEOSEARCH", "g", "FROMMEMBER", "p10", "BYRADIUS", "500", "km", "COUNT", "20", "ANY", "DESC"],
         ["GEORADIUS", "g", "-5", "42", "250", "km", "WITHDIST", "ASC"],
         ["GEOSEARCH", "g", "FROMLONLAT", "0", "45", "BYRADIUS", "0", "m"]),
    case("geo-store",
         CITIES,
         ["GEORADIUS", "eu", "10", "50", "800", "km", "STORE", "near"], ["ZRANGE", "near", "0", "-1", "WITHSCORES"],
         ["GEORADIUS", "eu", "10", "50", "800", "km", "STOREDIST", "dist", "ASC", "COUNT", "3"],
         ["ZRANGE", "dist", "0", "-1", "WITHSCORES"],
         ["GEORADIUSBYMEMBER", "eu", "paris", "500", "km", "STORE", "near2"], ["ZRANGE", "near2", "0", "-1"],
         ["GEOSEARCHSTORE", "s1", "eu", "FROMMEMBER", "rome", "BYRADIUS", "1000", "km"], ["ZRANGE", "s1", "0", "-1", "WITHSCORES"],
         ["GEOSEARCHSTORE", "s2", "eu", "FROMMEMBER", "rome", "BYBOX", "3000", "3000", "km", "STOREDIST", "DESC", "COUNT", "4"],
         ["ZRANGE", "s2", "0", "-1", "WITHSCORES"],
         ["SET", "s3", "old"], ["GEOSEARCHSTORE", "s3", "eu", "FROMLONLAT", "-170", "0", "BYRADIUS", "1", "km"], ["EXISTS", "s3"],
         ["SET", "s4", "old"], ["GEOSEARCHSTORE", "s4", "nokey", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"], ["EXISTS", "s4"],
         ["SET", "s5", "old"], ["GEORADIUS", "nokey", "0", "0", "1", "km", "STORE", "s5"], ["EXISTS", "s5"],
         ["GEORADIUSBYMEMBER", "nokey", "x", "1", "km", "STORE", "s5"],
         ["GEOSEARCHSTORE", "eu", "eu", "FROMMEMBER", "paris", "BYRADIUS", "300", "km"], ["ZRANGE", "eu", "0", "-1"]),
)

ERRORS = cases(
    case("geosearch-errors", SICILY,
         ["GEOSEARCH", "Sicily", "FROMLONLAT", "200", "10", "BYRADIUS", "1", "km"],
         ["GEOSEARCH", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", "1", "km"],
         ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "x", "km"],
         ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "-1", "km"],
         ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "yd"],
         ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "x", "1", "km"],
         ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "1", "x", "km"],
         ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "-1", "1", "km"],
         ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"],
         ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"],
         ["GEOSEARCH", "Sicily", "BYRADIUS", "1", "km", "ASC", "WITHDIST"],
         ["geosearch", "Sicily", "FROMLONLAT", "1", "1", "ASC", "WITHDIST"],
         ["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "ANY"],
         ["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "COUNT", "0"],
         ["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "COUNT", "x"],
         ["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STORE", "x"],
         ["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STOREDIST"],
         ["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "bogus"],
         ["GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "WITHDIST"],
         ["GEOSEARCHSTORE", "d", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km", "WITHHASH"],
         ["GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km", "ANY"]),
    case("georadius-errors", SICILY,
         ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "x", "WITHDIST"],
         ["GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "x"],
         ["GEORADIUSBYMEMBER_RO", "Sicily", "Palermo", "200", "km", "STOREDIST", "x"],
         ["GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE"],
         ["GEORADIUS", "Sicily", "15", "37", "200", "km", "FROMMEMBER", "Palermo"],
         ["GEORADIUS", "Sicily", "15", "95", "200", "km"],
         ["GEORADIUS", "Sicily", "15", "37", "-1", "km"],
         ["GEORADIUS", "Sicily", "15", "37", "1", "parsec"],
         ["GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT"],
         ["GEORADIUSBYMEMBER", "Sicily", "nope", "x", "km"],
         ["GEORADIUSBYMEMBER", "nokey", "nope", "x", "km"],
         ["GEORADIUSBYMEMBER", "nokey", "nope", "1", "km", "WITHDIST"],
         ["GEORADIUS", "nokey", "15", "37", "1", "km", "ANY"],
         ["GEOADD", "Sicily"], ["GEODIST", "Sicily", "a"], ["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1"]),
)


@pytest.mark.parametrize("script", ADD)
def test_geoadd(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", READS)
def test_reads(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", SEARCHES)
def test_searches(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", ERRORS)
def test_errors(differ, script):
    differ.check(script)


def ties(key, n, seed):
    """Points on a few shared spots, so many are equally distant from any centre."""
    rng = random.Random(seed)
    spots = [(f"{rng.uniform(-2, 2):.5f}", f"{rng.uniform(44, 46):.5f}") for _ in range(4)]
    args = ["GEOADD", key]
    for i in range(n):
        args += [*rng.choice(spots), f"t{i:03}"]
    return args


TIES = cases(
    case("geo-ties-count", ties("t", 90, 3),
         *[["GEOSEARCH", "t", "FROMLONLAT", "0", "45", "BYRADIUS", "500", "km", order, "COUNT", count, "WITHDIST"]
           for order in ("ASC", "DESC") for count in ("1", "7", "40", "89", "90", "200")],
         ["GEOSEARCH", "t", "FROMLONLAT", "0", "45", "BYRADIUS", "500", "km", "COUNT", "5", "ANY"],
         ["GEORADIUS", "t", "0", "45", "500", "km", "COUNT", "12", "STORE", "out"], ["ZRANGE", "out", "0", "-1"]),
)


@pytest.mark.parametrize("script", TIES)
def test_ties(differ, script):
    differ.check(script)


def _random_search(seed: int) -> Script:
    """Random points and random searches, every result ordered and with distances."""
    rng = random.Random(seed)
    steps = [Step(grid("r", rng.randint(1, 300), seed))]
    for _ in range(25):
        lon, lat = f"{rng.uniform(-12, 12):.4f}", f"{rng.uniform(38, 52):.4f}"
        unit = rng.choice(["m", "km", "mi", "ft"])
        scale = {"m": 1000, "km": 1, "mi": 0.62, "ft": 3281}[unit]
        if rng.random() < 0.5:
            shape = ["BYRADIUS", f"{rng.uniform(1, 600) * scale:.3f}", unit]
        else:
            shape = ["BYBOX", f"{rng.uniform(1, 900) * scale:.3f}", f"{rng.uniform(1, 900) * scale:.3f}", unit]
        origin = ["FROMLONLAT", lon, lat] if rng.random() < 0.7 else ["FROMMEMBER", f"p{rng.randint(0, 5)}"]
        extra = rng.choice([[], ["COUNT", str(rng.randint(1, 30))]])
        steps.append(Step(["GEOSEARCH", "r", *origin, *shape, rng.choice(["ASC", "DESC"]), *extra, "WITHDIST", "WITHHASH"]))
    return Script(steps)


@pytest.mark.parametrize("seed", range(40), ids=lambda seed: f"geo-seed-{seed}")
def test_random_searches(differ, seed):
    differ.check(_random_search(seed), first_only=True, header=f"seed {seed}; replies up to the first difference:")
