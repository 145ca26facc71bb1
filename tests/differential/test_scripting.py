"""Lua scripting: EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT, the `redis` library, reply conversions
both ways, the sandbox, script error messages, and the `bit` and `cjson` libraries."""

import pytest

from steps import case, cases, help_text

GET_SHA = "4e6d8fc8bb01276962cce5371fa795a7763657ae"  # sha1("return redis.call('GET', KEYS[1])")


def ev(body: str, *keys_then_args, numkeys: int = 0) -> list:
    return ["EVAL", body, str(numkeys), *keys_then_args]


BASICS = cases(
    case("eval-keys-argv", ev("return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", "k1", "k2", "a1", "a2", numkeys=2)),
    case("eval-numkeys-errors", ev("return 1", numkeys=-1), ev("return 1", "a", numkeys=2), ["EVAL", "return 1", "x"],
         ["EVAL", "return 1"], ["EVALSHA", GET_SHA, "-1"], ["EVAL", "return 1", "1"]),
    case("eval-call-commands", ev("redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])", "k", "v", numkeys=1),
         ev("return redis.call('INCRBY', 'n', 5)"), ev("return redis.call('LPUSH', 'l', 'a', 'b')"),
         ev("return redis.call('LRANGE', 'l', 0, -1)"), ev("return redis.call('GET', 'missing')"),
         ev("return redis.call('SET', 'x', 'y')"), ev("return redis.call('HGETALL', 'nohash')"),
         ev("return redis.call('set', 'f', 0.1) and redis.call('get', 'f')"), ev("return redis.call('incrbyfloat', 'g', 1.5)")),
    case("evalsha-and-cache", ["SCRIPT", "FLUSH"], ["EVALSHA", GET_SHA, "1", "k"], ["SET", "k", "v"],
         ["SCRIPT", "LOAD", "return redis.call('GET', KEYS[1])"], ["EVALSHA", GET_SHA, "1", "k"],
         ["EVALSHA", GET_SHA.upper(), "1", "k"], ["EVALSHA_RO", GET_SHA, "1", "k"], ["EVALSHA", "abc", "0"],
         ["SCRIPT", "EXISTS", GET_SHA, "ffffffffffffffffffffffffffffffffffffffff", GET_SHA.upper()], ["SCRIPT", "FLUSH", "ASYNC"],
         ["SCRIPT", "EXISTS", GET_SHA], ["EVAL", "return 1", "0"], ["SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"],
         ["SCRIPT", "FLUSH", "SYNC"], ["SCRIPT", "FLUSH", "x"], ["SCRIPT", "LOAD", "return +"], ["SCRIPT", "KILL"],
         ["SCRIPT", "DEBUG", "x"], ["SCRIPT", "NOPE"]),
    case("script-help", help_text("SCRIPT", "HELP")),
)

CONVERSIONS = cases(
    case("lua-to-reply", ev("return 3.99"), ev("return -3.99"), ev("return 'hello'"), ev("return true"), ev("return false"),
         ev("return nil"), ev("return {1, 2, nil, 3}"), ev("return {1, {2, {3, 'x'}}, true, false}"),
         ev("return {ok='FINE'}"), ev("return {err='MY error'}"), ev("return {err='x'}"), ev("return redis.status_reply('DONE')"),
         ev("return redis.error_reply('My Error')"), ev("return redis.error_reply('x')"), ev("return redis.error_reply()"),
         ev("return redis.status_reply(5)"), ev("return {double=3.5}"), ev("return {1, {err='inner'}, {ok='st'}}"),
         ev("return {map={a=1}}"), ev("return {set={a=true}}"), ev("return {big_number='12345'}"), resp3=True),
    case("reply-to-lua", ["SET", "s", "v"], ["RPUSH", "l", "a"],
         ev("return type(redis.call('GET', 'nokey'))"), ev("return redis.call('SET', 'a', 'b').ok"),
         ev("return type(redis.call('INCR', 'n'))"), ev("return redis.pcall('LPUSH', 's', 'x').err"),
         ev("local r = redis.pcall('nosuch') return r.err"), ev("return type(redis.call('LRANGE', 'l', 0, -1))"),
         ev("return redis.call('HGETALL', 'nokey')"), ev("return redis.pcall('LPUSH', 's', 'x')")),
    case("resp3-through", ["HSET", "h", "f", "v"], ["SADD", "s", "m"], ["ZADD", "z", "2.5", "m"],
         ev("redis.setresp(3) return redis.call('HGETALL', 'h')"), ev("redis.setresp(3) return redis.call('SMEMBERS', 's')"),
         ev("redis.setresp(3) return redis.call('ZSCORE', 'z', 'm')"), ev("redis.setresp(3) return redis.call('GET', 'nokey')"),
         ev("redis.setresp(3) return {true, false}"), ev("return redis.call('PING')"), ev("return {1, 2, {err='x'}}"),
         resp3=True),
    case("eval-in-transaction", ["MULTI"], ev("return redis.call('INCR', 'n')"), ev("return redis.call('nosuch')"),
         ["EVAL", "return 1"], ["EXEC"], ["GET", "n"]),
    case("setresp", ["HSET", "h", "f", "v"], ["ZADD", "z", "1.5", "m"],
         ev("redis.setresp(3) local r = redis.call('HGETALL', 'h') return r.map.f"),
         ev("redis.setresp(3) return redis.call('ZSCORE', 'z', 'm').double"),
         ev("redis.setresp(2) return redis.call('ZSCORE', 'z', 'm')"),
         ev("redis.setresp(3) return type(redis.call('GET', 'nokey'))"),
         ev("redis.setresp(5)"), ev("redis.setresp()"), resp3=True),
)

ERRORS = cases(
    case("script-errors", ["SET", "s", "v"], ev("return foo"), ev("foo = 1"), ev("return redis.call('nosuch')"),
         ev("return redis.call('get')"), ev("return redis.call('blpop', 'x', 0)"),
         ev("return redis.call('eval', 'return 1', 0)"), ev("error('boom')"), ev("error({err='MY boom'})"),
         ev("return redis.call('lpush', 's', 'a')"), ev("return 1 +"), ev("return redis.call()"),
         ev("return redis.call(1)"), ev("return redis.call('get', {})"), ev("local x = nil\nreturn x.y"),
         ev("\n\nreturn redis.call('nosuch')"), ev("return string.format('%d')"), ev("redis.sha1hex()"),
         ev("redis.log()"), ev("redis.log('a', 'b')"), ev("redis.log(99, 'b')"), ev("redis.set_repl()"),
         ev("redis.set_repl(9)"), ev("return redis.call('multi')"), ev("return redis.call('client', 'nosuch')")),
    case("errors-caught-in-scripts", ["SET", "s", "v"],
         ev("local ok, e = pcall(redis.call, 'nosuch') return {tostring(ok), e.err}"),
         ev("local ok, e = pcall(redis.call, 'lpush', 's', 'x') return e.err"),
         ev("local ok, e = pcall(error, 'x') return e"), ev("local ok, e = pcall(function() return nil + 1 end) return e"),
         ev("local ok, e = pcall(error, {err='T'}) return e.err"), ev("return redis.pcall('get')"),
         ev("local function f() return redis.call('nosuch') end\nlocal x = f()\nreturn x"),
         ev("local t = setmetatable({}, {__index = function() error('deep') end})\nreturn t.x"),
         ev("error()"), ev("error(42)"), ev("error('no position', 0)"), ev("return {err = 'line\nbreak'}"),
         ev("return redis.status_reply('a\nb')"), ev("local ok, e = pcall(cjson.decode, 'x') return {tostring(ok), e}"),
         ev("local ok, e = pcall(redis.setresp, 9) return e")),
    case("shebang", ["EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0"], ["EVAL", "#!lua\nreturn 1", "0"],
         ["EVAL", "#!lua flags=bad\nreturn 1", "0"], ["EVAL", "#!js\nreturn 1", "0"], ["EVAL", "#!lua x=1\nreturn 1", "0"],
         ["EVAL", "#!lua flags=no-writes,allow-oom\nreturn error('x')", "0"],
         ["EVAL", "#!lua flags=no-writes\nreturn redis.call('get','a')", "0"], ["SCRIPT", "LOAD", "#!lua flags=nope\nreturn 1"]),
    case("read-only-scripts", ["EVAL_RO", "return redis.call('set', 'a', 'b')", "0"],
         ["EVAL_RO", "return redis.call('get', 'a')", "0"], ["EVAL_RO", "return redis.pcall('del', 'a')", "0"]),
)

SANDBOX = cases(
    case("sandbox-globals", ev("return os"), ev("return io"), ev("return print"), ev("return require"), ev("return dofile"),
         ev("return loadfile"), ev("return setfenv"), ev("return type(loadstring)"), ev("string.foo = 1"),
         ev("redis.call = nil"), ev("_G.x = 1"), ev("local t = {} t.x = 1 return t.x"),
         ev("return {type(string), type(table), type(math), type(bit), type(cjson), type(redis), type(coroutine)}"),
         ev("loadstring('redis = 1')() return 1"), ev("return loadstring('return 1 + 1')()"),
         ev("return type(getmetatable(''))"), ev("getmetatable('').__index = {} return 1"),
         ev("return ('abc'):upper()"), ev("return redis.call('PING')")),
    case("redis-lib", ev("return redis.sha1hex('')"), ev("return redis.sha1hex(1)"),
         ev("return {redis.replicate_commands(), redis.LOG_DEBUG, redis.LOG_WARNING, redis.REPL_ALL, redis.REPL_NONE}"),
         ev("redis.log(redis.LOG_WARNING, 'hello') return 1"), ev("redis.set_repl(redis.REPL_ALL) return 1"),
         ev("return type(redis.breakpoint())")),
    case("select-stays-in-script", ["SET", "k", "db0"], ev("redis.call('SELECT', 1) redis.call('SET', 'k', 'db1') return redis.call('GET', 'k')"),
         ["GET", "k"], ["SELECT", "1"], ["GET", "k"], ["DEL", "k"]),
    case("lua-values", ev("return tostring(0.1 + 0.2)"), ev("return tostring(1e100)"), ev("return unpack({1, 2, 3})"),
         ev("KEYS[1] = 'changed' return KEYS[1]", "k", numkeys=1), ev("return #ARGV", "a", "b"),
         ev("return string.rep('ab', 3) .. string.upper('x') .. table.concat({1, 2}, '-')"),
         ev("return math.floor(7.9) + math.max(1, 5)"), ev("return type(coroutine.create(function() end))"),
         ev("local t = {} for i = 1, 5 do t[#t + 1] = i * i end return t"), ev("return 9007199254740993"),
         ev("return -0.5"), ev("return {1e20}"), ev("return string.format('%5.2f|%s|%q', 3.14159, 'x', 'a\nb')")),
    case("math-random", ev("math.randomseed(7) return {tostring(math.random()), math.random(10), math.random(5, 8)}"),
         ev("math.randomseed(0) return tostring(math.random())"), ev("return math.random(0)")),
)

LIBRARIES = cases(
    case("bit", ev("return {bit.tobit(0xffffffff), bit.tohex(65535), bit.tohex(-1, -4), bit.bnot(0), bit.lshift(1, 33), "
                   "bit.arshift(-256, 4), bit.rshift(-256, 4), bit.rol(0x12345678, 12), bit.bswap(0x12345678), "
                   "bit.band(0xff, 0x0f, 0x3), bit.tobit(2^40 + 5.5), bit.tohex(255, 2), bit.bor(1, 2, 4), bit.bxor(5, 1)}"),
         ev("return bit.band()"), ev("return bit.tobit('x')"), ev("return bit.tobit('12')")),
    case("cjson-encode", ev("return cjson.encode({'a/b\\127\\1\"', 1.5, 1e20, 0.1, {}, {1, nil, 3}, {x = cjson.null}})"),
         ev("return cjson.encode({a = 1})"), ev("return cjson.encode({[1] = 1, [20] = 2})"), ev("return cjson.encode(1/0)"),
         ev("return cjson.encode({[true] = 1})"), ev("return cjson.encode(redis.call)"), ev("return cjson.encode('\\n\\t')"),
         ev("return cjson.encode(123456789012345678)"), ev("return cjson.encode(-0.000001234)"), ev("return cjson.encode(nil)")),
    case("cjson-decode", ev("return cjson.decode('[1,2')"), ev("return cjson.decode('x')"),
         ev("local t = cjson.decode('{\"a\":[1,2,{\"b\":null}]}') return {t.a[1], t.a[3].b == cjson.null}"),
         ev("return cjson.decode('\"\\\\u00e9\\\\ud83d\\\\ude00\"')"), ev("return cjson.decode('{\"a\" 1}')"),
         ev("return cjson.decode('{1:2}')"), ev("return cjson.decode('[1 2]')"), ev("return cjson.decode('[] x')"),
         ev("return cjson.decode('\"abc')"), ev("return cjson.decode('[\"\\\\q\"]')"), ev("return cjson.decode('-1.5e3')"),
         ev("return cjson.decode('  true ')"), ev("return cjson.encode(cjson.decode('{\"k\":[1,\"x\",false]}'))")),
    case("cmsgpack", ev("return cmsgpack.pack({1, 2, 3}, {a = 1}, 'abc', 1.5, -1, 300, -200, 2^40, true, nil, {}, 0.1, -40000, "
                        "-2^40, 70000, string.rep('x', 40), string.rep('y', 300))"),
         ev("return {cmsgpack.unpack(cmsgpack.pack({1, {2, 'x'}}, 7, 'hi'))}"), ev("return cmsgpack.pack()"),
         ev("return cmsgpack.unpack('\\205')"), ev("return {cmsgpack.unpack_one(cmsgpack.pack(1, 2))}"),
         ev("return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), 1)}"), ev("return cmsgpack.unpack('\\193')"),
         ev("return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}"),
         ev("local t = cmsgpack.unpack(cmsgpack.pack({a = {b = 'c'}, [1] = 5})) return {t.a.b, t[1]}"),
         ev("return {cmsgpack.unpack(cmsgpack.pack(-1, -100, -30000, -2000000000, 1e10, 3.25, 255, 65535))}"),
         ev("local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return cmsgpack.pack(t)")),
    case("struct", ev("return {struct.pack('>I2i4bB', 258, -2, -1, 255), struct.size('>I2i4bB'), struct.pack('<h', 1), "
                      "struct.pack('s', 'ab'), struct.pack('c3', 'abcdef'), struct.pack('d', 1.5), struct.pack('!4 b i', 1, 2)}"),
         ev("return {struct.unpack('>I2i4', struct.pack('>I2i4', 258, -2))}"), ev("return struct.pack('y', 1)"),
         ev("return {struct.unpack('c0', 'abc')}"), ev("return {struct.unpack('bc0', '\\2abc')}"),
         ev("return {struct.unpack('>i4', 'ab')}"), ev("return {struct.unpack('s', 'ab')}"),
         ev("return {struct.unpack('b', 'abc', 2)}"), ev("return struct.size('s')"), ev("return struct.pack('i17', 1)"),
         ev("return {struct.unpack('>i8', struct.pack('>i8', -3))}"), ev("return struct.size('l')"),
         ev("return {struct.unpack('<f>d', struct.pack('<f>d', 0.5, -2.25))}"), ev("return struct.pack('i33', 1)"),
         ev("return struct.pack('!3 i', 1)"), ev("return {struct.unpack('zz', 'a')}"), ev("return struct.pack('c5', 'ab')")),
)


@pytest.mark.parametrize("script", BASICS)
def test_eval_basics(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", CONVERSIONS)
def test_conversions(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", ERRORS)
def test_script_errors(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", SANDBOX)
def test_sandbox(differ, script):
    differ.check(script)


@pytest.mark.parametrize("script", LIBRARIES)
def test_libraries(differ, script):
    differ.check(script)
