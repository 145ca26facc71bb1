mod common;

use common::*;
use vermilion_engine::{Client, ConnectionInfo, Outcome, Reply};

/// `EVAL body numkeys keys... args...`, the body kept whole.
fn eval(c: &mut Client, body: &str, keys: &[&str], args: &[&str]) -> Reply {
    let numkeys = keys.len().to_string();
    let mut argv: Vec<&[u8]> = vec![b"EVAL", body.as_bytes(), numkeys.as_bytes()];
    argv.extend(keys.iter().chain(args).map(|w| w.as_bytes()));
    c.execute(&argv)
}

fn eval0(c: &mut Client, body: &str) -> Reply {
    eval(c, body, &[], &[])
}

fn array(items: Vec<Reply>) -> Reply {
    Reply::Array(items)
}

fn sha1(body: &str) -> String {
    sha1_smol::Sha1::from(body).digest().to_string()
}

/// The message Redis 7 gives for a script failing on line 1.
fn script_err(message: &str, body: &str) -> Reply {
    err(&format!("{message} script: {}, on @user_script:1.", sha1(body)))
}

#[test]
fn keys_and_argv_reach_the_script() {
    let (_e, mut c) = setup();
    let reply = eval(&mut c, "return {KEYS[1], KEYS[2], ARGV[1], #KEYS, #ARGV}", &["k1", "k2"], &["a1"]);
    assert_eq!(reply, array(vec![bulk("k1"), bulk("k2"), bulk("a1"), int(2), int(1)]));
}

#[test]
fn numkeys_is_checked_before_anything_runs() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "EVAL x"), err("ERR wrong number of arguments for 'eval' command"));
    assert_eq!(run(&mut c, "EVAL x -1"), err("ERR Number of keys can't be negative"));
    assert_eq!(run(&mut c, "EVAL x 2 a"), err("ERR Number of keys can't be greater than number of args"));
    assert_eq!(run(&mut c, "EVAL x y"), err("ERR value is not an integer or out of range"));
}

#[test]
fn commands_run_through_redis_call() {
    let (_e, mut c) = setup();
    let body = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])";
    assert_eq!(eval(&mut c, body, &["k"], &["v"]), bulk("v"));
    assert_eq!(run(&mut c, "GET k"), bulk("v"));
    assert_eq!(eval0(&mut c, "return redis.call('INCRBY', 'n', 5)"), int(5));
    assert_eq!(eval0(&mut c, "return redis.call('SET', 'x', 'y')"), ok());
    assert_eq!(eval0(&mut c, "return redis.call('GET', 'missing')"), Reply::Null);
    // Numbers become arguments as %.17g, as in Redis.
    assert_eq!(eval0(&mut c, "redis.call('SET', 'f', 0.1) return redis.call('GET', 'f')"), bulk("0.10000000000000001"));
}

#[test]
fn scripts_are_cached_by_sha1() {
    let (_e, mut c) = setup();
    let body = "return redis.call('GET', KEYS[1])";
    let sha = sha1(body);
    let noscript = err("NOSCRIPT No matching script. Please use EVAL.");
    assert_eq!(c.execute(&[b"EVALSHA", sha.as_bytes(), b"1", b"k"]), noscript);
    assert_eq!(c.execute(&[b"SCRIPT", b"LOAD", body.as_bytes()]), bulk(&sha));
    run(&mut c, "SET k v");
    assert_eq!(c.execute(&[b"EVALSHA", sha.as_bytes(), b"1", b"k"]), bulk("v"));
    assert_eq!(c.execute(&[b"EVALSHA", sha.to_uppercase().as_bytes(), b"1", b"k"]), bulk("v"));
    assert_eq!(run(&mut c, "EVALSHA abc 0"), noscript);
    assert_eq!(
        c.execute(&[b"SCRIPT", b"EXISTS", sha.as_bytes(), b"nope", sha.to_uppercase().as_bytes()]),
        array(vec![int(1), int(0), int(1)])
    );
    assert_eq!(run(&mut c, "SCRIPT FLUSH ASYNC"), ok());
    assert_eq!(c.execute(&[b"SCRIPT", b"EXISTS", sha.as_bytes()]), array(vec![int(0)]));
    // EVAL caches too.
    eval0(&mut c, "return 1");
    assert_eq!(c.execute(&[b"SCRIPT", b"EXISTS", sha1("return 1").as_bytes()]), array(vec![int(1)]));
    assert_eq!(run(&mut c, "SCRIPT FLUSH x"), err("ERR SCRIPT FLUSH only support SYNC|ASYNC option"));
    assert_eq!(run(&mut c, "SCRIPT KILL"), err("NOTBUSY No scripts in execution right now."));
    assert_eq!(
        c.execute(&[b"SCRIPT", b"LOAD", b"return 1 +"]),
        err("ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'")
    );
}

#[test]
fn lua_values_convert_as_redis_converts_them() {
    let (_e, mut c) = setup();
    assert_eq!(eval0(&mut c, "return 3.99"), int(3));
    assert_eq!(eval0(&mut c, "return true"), int(1));
    assert_eq!(eval0(&mut c, "return false"), Reply::Null);
    assert_eq!(eval0(&mut c, "return {1, 2, nil, 3}"), array(vec![int(1), int(2)]), "arrays stop at the first nil");
    assert_eq!(eval0(&mut c, "return {ok='FINE'}"), Reply::simple("FINE"));
    assert_eq!(eval0(&mut c, "return redis.error_reply('My Error')"), err("My Error"));
    assert_eq!(eval0(&mut c, "return redis.error_reply('x')"), err("ERR x"));
    assert_eq!(eval0(&mut c, "return {1e20}"), array(vec![int(i64::MIN)]), "C's cast of an out-of-range double");
    assert_eq!(eval0(&mut c, "return {double=1.5}"), Reply::Double(1.5));
}

#[test]
fn replies_convert_to_lua_values() {
    let (_e, mut c) = setup();
    run(&mut c, "SET s v");
    assert_eq!(eval0(&mut c, "return type(redis.call('GET', 'nokey'))"), bulk("boolean"));
    assert_eq!(eval0(&mut c, "return redis.call('SET', 'a', 'b').ok"), bulk("OK"));
    assert_eq!(
        eval0(&mut c, "return redis.pcall('LPUSH', 's', 'x').err"),
        bulk("WRONGTYPE Operation against a key holding the wrong kind of value")
    );
    run(&mut c, "HSET h f v");
    assert_eq!(eval0(&mut c, "return redis.call('HGETALL', 'h')"), array(vec![bulk("f"), bulk("v")]));
    assert_eq!(eval0(&mut c, "redis.setresp(3) return redis.call('HGETALL', 'h').map.f"), bulk("v"));
    run(&mut c, "ZADD z 1.5 m");
    assert_eq!(eval0(&mut c, "redis.setresp(3) return redis.call('ZSCORE', 'z', 'm').double"), int(1));
    assert_eq!(eval0(&mut c, "return redis.call('ZSCORE', 'z', 'm')"), bulk("1.5"));
}

#[test]
fn script_errors_read_as_in_redis() {
    let (_e, mut c) = setup();
    run(&mut c, "SET s v");
    let cases = [
        ("return foo", "ERR user_script:1: Script attempted to access nonexistent global variable 'foo'"),
        ("foo = 1", "ERR user_script:1: Attempt to modify a readonly table"),
        ("return redis.call('nosuch')", "ERR Unknown Redis command called from script"),
        ("return redis.call('get')", "ERR Wrong number of args calling Redis command from script"),
        ("return redis.call('blpop', 'x', 0)", "ERR This Redis command is not allowed from script"),
        ("return redis.call('eval', 'return 1', 0)", "ERR This Redis command is not allowed from script"),
        ("return redis.call('lpush', 's', 'a')", "WRONGTYPE Operation against a key holding the wrong kind of value"),
        ("return redis.call()", "ERR Please specify at least one argument for this redis lib call"),
        ("return redis.call('get', {})", "ERR Lua redis lib command arguments must be strings or integers"),
        ("error('boom')", "ERR user_script:1: boom"),
        ("error({err='MY boom'})", "MY boom"),
        ("redis.setresp(5)", "ERR RESP version must be 2 or 3."),
        ("return cjson.decode('[1,2')", "ERR user_script:1: Expected comma or array end but found T_END at character 5"),
    ];
    for (body, message) in cases {
        assert_eq!(eval0(&mut c, body), script_err(message, body), "{body}");
    }
    let body = "\n\nreturn redis.call('nosuch')";
    let expected = format!("ERR Unknown Redis command called from script script: {}, on @user_script:3.", sha1(body));
    assert_eq!(eval0(&mut c, body), err(&expected), "the line is the script's own");
}

#[test]
fn pcall_catches_errors_as_their_message() {
    let (_e, mut c) = setup();
    assert_eq!(
        eval0(&mut c, "local ok, e = pcall(redis.call, 'nosuch') return {tostring(ok), e}"),
        array(vec![bulk("false"), bulk("ERR Unknown Redis command called from script")])
    );
    assert_eq!(eval0(&mut c, "return redis.pcall('nosuch')"), err("ERR Unknown Redis command called from script"));
}

#[test]
fn read_only_scripts_refuse_writes() {
    let (_e, mut c) = setup();
    let body = "return redis.call('set', 'a', 'b')";
    let reply = c.execute(&[b"EVAL_RO", body.as_bytes(), b"0"]);
    assert_eq!(reply, script_err("ERR Write commands are not allowed from read-only scripts.", body));
    run(&mut c, "SET a 1");
    assert_eq!(c.execute(&[b"EVAL_RO", b"return redis.call('get', 'a')", b"0"]), bulk("1"));
    assert_eq!(c.execute(&[b"SCRIPT", b"LOAD", body.as_bytes()]), bulk(&sha1(body)));
    let reply = c.execute(&[b"EVALSHA_RO", sha1(body).as_bytes(), b"0"]);
    assert_eq!(reply, script_err("ERR Write commands are not allowed from read-only scripts.", body));
}

#[test]
fn select_inside_a_script_stays_in_the_script() {
    let (_e, mut c) = setup();
    run(&mut c, "SET k db0");
    let body = "redis.call('SELECT', 1) redis.call('SET', 'k', 'db1') return redis.call('GET', 'k')";
    assert_eq!(eval0(&mut c, body), bulk("db1"));
    assert_eq!(run(&mut c, "GET k"), bulk("db0"));
    run(&mut c, "SELECT 1");
    assert_eq!(run(&mut c, "GET k"), bulk("db1"));
    assert_eq!(eval0(&mut c, "return redis.call('GET', 'k')"), bulk("db1"), "a script starts in its caller's db");
}

#[test]
fn the_sandbox_hides_the_unsafe_parts_of_lua() {
    let (_e, mut c) = setup();
    for name in ["os", "io", "print", "require", "dofile", "loadfile", "setfenv", "getfenv", "module"] {
        let body = format!("return {name}");
        let message = format!("ERR user_script:1: Script attempted to access nonexistent global variable '{name}'");
        assert_eq!(eval0(&mut c, &body), script_err(&message, &body));
    }
    for body in ["string.foo = 1", "redis.call = nil", "_G.x = 1", "KEYS = {}"] {
        assert_eq!(eval0(&mut c, body), script_err("ERR user_script:1: Attempt to modify a readonly table", body));
    }
    assert_eq!(eval0(&mut c, "local t = {} t.x = 1 return t.x"), int(1), "locals are free");
    assert_eq!(eval0(&mut c, "return redis.call('GET', 'k')"), Reply::Null, "globals survive failed scripts");
}

#[test]
fn math_random_is_redis_generator() {
    let (_e, mut c) = setup();
    assert_eq!(eval0(&mut c, "math.randomseed(0) return tostring(math.random())"), bulk("0.17082803611217"));
    let body = "math.randomseed(7) return {math.random(10), math.random(5, 8)}";
    assert_eq!(eval0(&mut c, body), eval0(&mut c, body), "the same seed gives the same sequence");
}

#[test]
fn bit_and_cjson_libraries() {
    let (_e, mut c) = setup();
    assert_eq!(
        eval0(&mut c, "return {bit.tobit(0xffffffff), bit.tohex(65535), bit.tohex(-1, -4), bit.band(0xff, 0x0f, 0x3), bit.bswap(0x12345678)}"),
        array(vec![int(-1), bulk("0000ffff"), bulk("FFFF"), int(3), int(2018915346)])
    );
    assert_eq!(
        eval0(&mut c, "return cjson.encode({'a/b', 1.5, 1e20, {}, {1, nil, 3}, {x = cjson.null}})"),
        bulk(r#"["a\/b",1.5,1e+20,{},[1,null,3],{"x":null}]"#)
    );
    assert_eq!(
        eval0(&mut c, r#"local t = cjson.decode('{"a":[1,"x",{"b":null}]}') return {t.a[1], t.a[2], tostring(t.a[3].b == cjson.null)}"#),
        array(vec![int(1), bulk("x"), bulk("true")])
    );
    let body = "return cjson.encode({[1] = 1, [20] = 2})";
    assert_eq!(eval0(&mut c, body), script_err("ERR user_script:1: Cannot serialise table: excessively sparse array", body));
}

#[test]
fn cmsgpack_and_struct_libraries() {
    let (_e, mut c) = setup();
    assert_eq!(
        eval0(&mut c, "return cmsgpack.pack({1, 2}, 'ab', -1, 300)"),
        Reply::bulk(vec![0x92, 0x01, 0x02, 0xa2, b'a', b'b', 0xff, 0xcd, 0x01, 0x2c])
    );
    assert_eq!(
        eval0(&mut c, "local t, n = cmsgpack.unpack(cmsgpack.pack({a = {1, 'x'}}, 7)) return {t.a[1], t.a[2], n}"),
        array(vec![int(1), bulk("x"), int(7)])
    );
    assert_eq!(eval0(&mut c, "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2))}"), array(vec![int(1), int(1)]));
    let body = "return cmsgpack.unpack('\\205')";
    assert_eq!(eval0(&mut c, body), script_err("ERR user_script:1: Missing bytes in input.", body));
    assert_eq!(eval0(&mut c, "return struct.pack('>I2i4', 258, -2)"), Reply::bulk(vec![1, 2, 0xff, 0xff, 0xff, 0xfe]));
    assert_eq!(
        eval0(&mut c, "return {struct.unpack('>I2i4', struct.pack('>I2i4', 258, -2))}"),
        array(vec![int(258), int(-2), int(7)])
    );
    assert_eq!(eval0(&mut c, "return struct.size('!4 b i')"), int(8));
    let body = "return struct.pack('y', 1)";
    assert_eq!(eval0(&mut c, body), script_err("ERR user_script:1: bad argument #1 to 'pack' (invalid format option 'y')", body));
}

#[test]
fn shebang_flags_are_honoured() {
    let (_e, mut c) = setup();
    let body = "#!lua flags=no-writes\nreturn redis.call('set', 'a', 'b')";
    let expected = format!("ERR Write commands are not allowed from read-only scripts. script: {}, on @user_script:2.", sha1(body));
    assert_eq!(eval0(&mut c, body), err(&expected), "the shebang line still counts");
    assert_eq!(eval0(&mut c, "#!lua\nreturn 1"), int(1));
    assert_eq!(eval0(&mut c, "#!lua flags=bad\nreturn 1"), err("ERR Unexpected flag in script shebang: bad"));
    assert_eq!(eval0(&mut c, "#!js\nreturn 1"), err("ERR Unexpected engine in script shebang: #!js"));
    assert_eq!(eval0(&mut c, "#!lua x=1\nreturn 1"), err("ERR Unknown lua shebang option: x=1"));
}

#[test]
fn loaded_code_stays_in_the_sandbox() {
    let (_e, mut c) = setup();
    let body = "loadstring('redis = 1')() return 1";
    let expected = format!(
        "ERR [string \"redis = 1\"]:1: Attempt to modify a readonly table script: {}, on redis = 1:1.",
        sha1(body)
    );
    assert_eq!(eval0(&mut c, body), err(&expected));
    assert_eq!(eval0(&mut c, "return loadstring('return 1 + 1')()"), int(2));
    let body = "getmetatable('').__index = {} return 1";
    assert_eq!(eval0(&mut c, body), script_err("ERR user_script:1: Attempt to modify a readonly table", body));
    assert_eq!(eval0(&mut c, "return ('abc'):upper()"), bulk("ABC"), "strings keep their methods");
}

#[test]
fn scripts_run_inside_transactions_and_break_watches() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut a, "SET k 1");
    run(&mut a, "WATCH k");
    eval(&mut b, "return redis.call('INCR', KEYS[1])", &["k"], &[]);
    run(&mut a, "MULTI");
    assert_eq!(eval0(&mut a, "return redis.call('GET', 'k')"), Reply::QUEUED);
    assert_eq!(run(&mut a, "EXEC"), Reply::NullArray, "the script's write broke the WATCH");
    run(&mut a, "MULTI");
    eval0(&mut a, "return redis.call('INCR', 'k')");
    assert_eq!(run(&mut a, "EXEC"), array(vec![int(3)]));
}

#[test]
fn a_script_push_wakes_a_blocked_client() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    let Outcome::Blocked(waiter) = a.start(&[b"BLPOP", b"q", b"0"]) else { panic!("should block") };
    eval(&mut b, "redis.call('RPUSH', KEYS[1], 'job') return 1", &["q"], &[]);
    assert_eq!(waiter.try_take(), Some(array(vec![bulk("q"), bulk("job")])));
}

#[test]
fn script_command_metadata() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "COMMAND GETKEYS EVAL x 2 a b c"), array(vec![bulk("a"), bulk("b")]));
    let Reply::Array(info) = run(&mut c, "COMMAND INFO eval_ro") else { panic!("array") };
    let Reply::Array(entry) = &info[0] else { panic!("entry") };
    assert_eq!(entry[1], int(-3));
}

/// Best of five rounds of `N` calls, in ns per call.
fn ns_per_call(mut call: impl FnMut()) -> f64 {
    const N: u32 = 200_000;
    (0..5)
        .map(|_| {
            let start = std::time::Instant::now();
            for _ in 0..N {
                call();
            }
            start.elapsed().as_nanos() as f64 / f64::from(N)
        })
        .fold(f64::INFINITY, f64::min)
}

/// EVALSHA of a one-command script, in-process, beside the plain command. Run with
/// `cargo test --release -p vermilion-engine --test scripting -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark"]
fn evalsha_speed() {
    let (_e, mut c) = setup();
    let body = "return redis.call('GET', KEYS[1])";
    let sha = sha1(body);
    c.execute(&[b"SCRIPT", b"LOAD", body.as_bytes()]);
    run(&mut c, "SET k v");
    let script = ns_per_call(|| {
        c.execute(&[b"EVALSHA", sha.as_bytes(), b"1", b"k"]);
    });
    let plain = ns_per_call(|| {
        c.execute(&[b"GET", b"k"]);
    });
    println!("EVALSHA return redis.call('GET', KEYS[1]): {script:.0} ns/op (GET alone: {plain:.0} ns/op)");
}

#[test]
fn info_counts_cached_scripts() {
    let (_engine, mut c) = setup();
    c.execute(&[b"SCRIPT", b"LOAD", b"return 1"]);
    let Reply::Verbatim(_, text) = run(&mut c, "INFO memory") else { panic!("INFO is verbatim text") };
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("number_of_cached_scripts:1\r\n"), "{text}");
    assert!(!text.contains("used_memory_lua:0\r\n"), "the interpreter holds memory once started");
}
