"""Random scripts of string and key commands over a small key space, reproducible from a seed.

Only deterministic commands are generated. Relative expiries are at least 100 s ahead, so nothing
expires during a run, and they never meet GT/LT (the outcome would hinge on which millisecond each
server ran the command in); GT/LT use absolute deadlines instead. TTL-style reads are compared
with a tolerance, KEYS as a multiset and SCAN as the set of keys after a full iteration.
"""

from __future__ import annotations

import random

from steps import Step, approx, scan_all, unordered

KEYS = ["a", "b", "c", "n", "f", "key:1", "key:2"]
VALUES = ["", "0", "1", "-1", "10", "42", "3.5", "-0", "007", "1e3", "abc", "hello world", "ohmytext", "mynewtext",
          "9223372036854775807", "-9223372036854775808", "9223372036854775808", " 1", "x" * 50]
INCREMENTS = ["0", "1", "-1", "5", "-100", "9223372036854775807", "-9223372036854775808", "1.5", "x"]
FLOAT_INCREMENTS = ["0.1", "1.5", "-2", "1e3", "3.0e2", "10", "-0.5", "abc", "inf", "1.7e308"]
INDEXES = ["0", "1", "3", "-1", "-5", "-100", "100", "9223372036854775807", "-9223372036854775808"]
OFFSETS = ["0", "1", "3", "10", "50", "-1"]
RELATIVE_S = ["-1", "0", "100", "1000", "100000"]
RELATIVE_MS = ["-1", "0", "100000", "1000000"]
FAR_S = 4102444800
ABSOLUTE_S = ["1", str(FAR_S), str(FAR_S + 10), str(FAR_S + 20)]
ABSOLUTE_MS = ["0", "1000", str(FAR_S * 1000), str(FAR_S * 1000 + 5), str(FAR_S * 1000 + 20_000)]
DBS = ["0", "1", "2", "3"]
PATTERNS = ["*", "key:*", "?", "[ab]", "*a*", "[^k]*", "key:[0-9]", "n*"]


class ScriptGenerator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def pick(self, options):
        return self.rng.choice(options)

    def key(self):
        return self.pick(KEYS)

    def keys(self, most=3):
        return [self.key() for _ in range(self.rng.randint(1, most))]

    def value(self):
        return self.pick(VALUES)

    def maybe(self, probability=0.5):
        return self.rng.random() < probability

    # --- strings -----------------------------------------------------------------------------

    def set(self):
        argv = ["SET", self.key(), self.value()]
        expiry = self.pick([None, None, "EX", "PX", "EXAT", "PXAT", "KEEPTTL"])
        if expiry == "EX":
            argv += ["EX", self.pick(["100", "1000", "100000", "0"])]
        elif expiry == "PX":
            argv += ["PX", self.pick(["100000", "1000000", "-5"])]
        elif expiry == "EXAT":
            argv += ["EXAT", self.pick(ABSOLUTE_S)]
        elif expiry == "PXAT":
            argv += ["PXAT", self.pick(ABSOLUTE_MS)]
        elif expiry == "KEEPTTL":
            argv.append("KEEPTTL")
        if self.maybe(0.3):
            argv.append(self.pick(["NX", "XX"]))
        if self.maybe(0.3):
            argv.append("GET")
        return argv

    def set_variant(self):
        kind = self.pick(["SETNX", "SETEX", "PSETEX", "GETSET"])
        if kind == "SETEX":
            return ["SETEX", self.key(), self.pick(["100", "1000", "0"]), self.value()]
        if kind == "PSETEX":
            return ["PSETEX", self.key(), self.pick(["100000", "-1"]), self.value()]
        return [kind, self.key(), self.value()]

    def get(self):
        return [self.pick(["GET", "GETDEL", "STRLEN", "TYPE"]), self.key()]

    def getex(self):
        argv = ["GETEX", self.key()]
        option = self.pick([None, "EX", "PX", "EXAT", "PXAT", "PERSIST"])
        if option == "EX":
            argv += ["EX", self.pick(["100", "1000"])]
        elif option == "PX":
            argv += ["PX", "100000"]
        elif option == "EXAT":
            argv += ["EXAT", self.pick(ABSOLUTE_S)]
        elif option == "PXAT":
            argv += ["PXAT", self.pick(ABSOLUTE_MS)]
        elif option == "PERSIST":
            argv.append("PERSIST")
        return argv

    def multi(self):
        if self.maybe():
            return ["MGET", *self.keys()]
        pairs = [part for key in self.keys() for part in (key, self.value())]
        return [self.pick(["MSET", "MSETNX"]), *pairs]

    def append(self):
        return ["APPEND", self.key(), self.pick(["", "x", "12", "hello"])]

    def counter(self):
        kind = self.pick(["INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT"])
        if kind in ("INCR", "DECR"):
            return [kind, self.key()]
        if kind == "INCRBYFLOAT":
            return [kind, self.key(), self.pick(FLOAT_INCREMENTS)]
        return [kind, self.key(), self.pick(INCREMENTS)]

    def ranges(self):
        if self.maybe():
            return ["GETRANGE", self.key(), self.pick(INDEXES), self.pick(INDEXES)]
        return ["SETRANGE", self.key(), self.pick(OFFSETS), self.pick(["", "x", "yz", "hello"])]

    def lcs(self):
        argv = ["LCS", self.key(), self.key()]
        mode = self.pick([None, "LEN", "IDX"])
        if mode == "LEN":
            argv.append("LEN")
        elif mode == "IDX":
            argv.append("IDX")
            if self.maybe():
                argv += ["MINMATCHLEN", self.pick(["0", "1", "2", "4"])]
            if self.maybe():
                argv.append("WITHMATCHLEN")
        return argv

    # --- keys --------------------------------------------------------------------------------

    def delete(self):
        return [self.pick(["DEL", "UNLINK", "EXISTS", "TOUCH"]), *self.keys()]

    def rename(self):
        kind = self.pick(["RENAME", "RENAMENX", "COPY"])
        argv = [kind, self.key(), self.key()]
        if kind == "COPY":
            if self.maybe():
                argv += ["DB", self.pick(DBS)]
            if self.maybe():
                argv.append("REPLACE")
        return argv

    def expire(self):
        kind = self.pick(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "PERSIST"])
        if kind == "PERSIST":
            return ["PERSIST", self.key()]
        if kind == "EXPIRE":
            argv = [kind, self.key(), self.pick(RELATIVE_S)]
            options = ["NX", "XX"]
        elif kind == "PEXPIRE":
            argv = [kind, self.key(), self.pick(RELATIVE_MS)]
            options = ["NX", "XX"]
        else:
            argv = [kind, self.key(), self.pick(ABSOLUTE_S if kind == "EXPIREAT" else ABSOLUTE_MS)]
            options = ["NX", "XX", "GT", "LT"]
        if self.maybe(0.4):
            argv.append(self.pick(options))
            if self.maybe(0.2):
                argv.append(self.pick(["XX", "GT", "LT"]))
        return argv

    def ttl(self) -> Step:
        kind = self.pick(["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"])
        tolerance = 1000 if kind.startswith("P") else 1
        return approx(kind, self.key(), tolerance=tolerance)

    def databases(self):
        kind = self.pick(["SELECT", "MOVE", "SWAPDB", "DBSIZE"])
        if kind == "SELECT":
            return ["SELECT", self.pick(DBS)]
        if kind == "MOVE":
            return ["MOVE", self.key(), self.pick(DBS)]
        if kind == "SWAPDB":
            return ["SWAPDB", self.pick(DBS), self.pick(DBS)]
        return ["DBSIZE"]

    def listing(self) -> Step:
        if self.maybe():
            return unordered("KEYS", self.pick(PATTERNS))
        options = []
        if self.maybe():
            options += ["MATCH", self.pick(PATTERNS)]
        if self.maybe():
            options += ["COUNT", self.pick(["1", "2", "10"])]
        if self.maybe(0.2):
            options += ["TYPE", self.pick(["string", "list"])]
        return scan_all(*options)

    def encoding(self):
        return ["OBJECT", "ENCODING", self.key()]

    WEIGHTS = {
        "set": 8, "set_variant": 3, "get": 6, "getex": 2, "multi": 3, "append": 3, "counter": 6, "ranges": 3,
        "lcs": 2, "delete": 3, "rename": 3, "expire": 5, "ttl": 4, "databases": 3, "listing": 2, "encoding": 2,
    }

    def step(self) -> Step:
        names, weights = zip(*self.WEIGHTS.items())
        made = getattr(self, self.rng.choices(names, weights)[0])()
        return made if isinstance(made, Step) else Step(made)

    def script(self, length: int) -> list[Step]:
        return [self.step() for _ in range(length)]


def random_steps(seed: int, length: int) -> list[Step]:
    return ScriptGenerator(seed).script(length)
