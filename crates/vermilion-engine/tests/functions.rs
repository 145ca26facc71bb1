//! Functions: FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS and FCALL/FCALL_RO, with Redis
//! 7.0's replies and error lines.

mod common;

use common::*;
use vermilion_engine::{Client, Reply};

fn execute(client: &mut Client, argv: &[&str]) -> Reply {
    let argv: Vec<&[u8]> = argv.iter().map(|a| a.as_bytes()).collect();
    client.execute(&argv)
}

fn load(client: &mut Client, code: &str) -> Reply {
    execute(client, &["FUNCTION", "LOAD", code])
}

const LIBRARY: &str = "#!lua name=lib\n\
    redis.register_function('echo', function(keys, args) return {keys, args} end)\n\
    redis.register_function{function_name='get', callback=function(keys) return redis.call('GET', keys[1]) end, \
    flags={'no-writes'}, description='reads a key'}\n\
    redis.register_function('set', function(keys, args) return redis.call('SET', keys[1], args[1]) end)";

fn strs(items: &[&str]) -> Reply {
    Reply::Array(items.iter().map(|s| bulk(s)).collect())
}

#[test]
fn functions_load_and_run_with_keys_and_args() {
    let (_e, mut c) = setup();
    assert_eq!(load(&mut c, LIBRARY), bulk("lib"));
    assert_eq!(execute(&mut c, &["FCALL", "echo", "2", "a", "b", "c"]), Reply::Array(vec![strs(&["a", "b"]), strs(&["c"])]));
    assert_eq!(execute(&mut c, &["FCALL", "ECHO", "0"]), Reply::Array(vec![strs(&[]), strs(&[])]));
    assert_eq!(execute(&mut c, &["FCALL", "set", "1", "k", "v"]), ok());
    assert_eq!(execute(&mut c, &["FCALL_RO", "get", "1", "k"]), bulk("v"));
    assert_eq!(execute(&mut c, &["FCALL_RO", "set", "1", "k", "v"]), err("ERR Can not execute a script with write flag using *_ro command."));
    assert_eq!(execute(&mut c, &["FCALL", "nosuch", "0"]), err("ERR Function not found"));
    assert_eq!(execute(&mut c, &["FCALL", "echo", "x"]), err("ERR Bad number of keys provided"));
    assert_eq!(execute(&mut c, &["FCALL", "echo", "3", "a"]), err("ERR Number of keys can't be greater than number of args"));
    assert_eq!(execute(&mut c, &["FCALL", "echo", "-1"]), err("ERR Number of keys can't be negative"));
    // FLUSHALL empties the keyspace, not the libraries.
    assert_eq!(execute(&mut c, &["FLUSHALL"]), ok());
    assert_eq!(execute(&mut c, &["FCALL", "get", "1", "k"]), Reply::Null);
}

#[test]
fn function_errors_name_the_function_and_its_line() {
    let (_e, mut c) = setup();
    let code = "#!lua name=bad\n\
        redis.register_function('keys', function() return KEYS end)\n\
        redis.register_function('boom', function() error('boom') end)\n\
        redis.register_function{function_name='w', callback=function() return redis.call('SET', 'a', 'b') end, flags={'no-writes'}}";
    assert_eq!(load(&mut c, code), bulk("bad"));
    assert_eq!(
        execute(&mut c, &["FCALL", "keys", "0"]),
        err("ERR user_function:2: Script attempted to access nonexistent global variable 'KEYS' script: keys, on @user_function:2.")
    );
    assert_eq!(execute(&mut c, &["FCALL", "boom", "0"]), err("ERR user_function:3: boom script: boom, on @user_function:3."));
    assert_eq!(
        execute(&mut c, &["FCALL", "w", "0"]),
        err("ERR Write commands are not allowed from read-only scripts. script: w, on @user_function:4.")
    );
}

#[test]
fn loading_checks_metadata_names_and_registrations() {
    let (_e, mut c) = setup();
    let cases: &[(&str, &str)] = &[
        ("return 1", "ERR Missing library metadata"),
        ("#!lua name=x", "ERR Invalid library metadata"),
        ("#!lua\nreturn 1", "ERR Library name was not given"),
        ("#!lua name=x name=y\n", "ERR Invalid metadata value, name argument was given multiple times"),
        ("#!lua name=x foo=y\n", "ERR Invalid metadata value given: foo=y"),
        ("#!luax name=x\n", "ERR Engine 'luax' not found"),
        ("#!lua name=a-b\n", "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"),
        ("#!lua name=x\nreturn 1", "ERR No functions registered"),
        ("#!lua name=x\nreturn +", "ERR Error compiling function: user_function:2: unexpected symbol near '+'"),
        ("#!lua name=x\nredis.call('ping')", "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'"),
        ("#!lua name=x\nlocal s = string.len('a')", "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'string'"),
        ("#!lua name=x\nfoo = 1", "ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table"),
        (
            "#!lua name=x\nredis.register_function('a', function() end)\nredis.register_function('a', function() end)",
            "ERR Error registering functions: ERR Function already exists in the library",
        ),
        ("#!lua name=x\nredis.register_function{function_name='a', callback=function() end, flags={'bad'}}", "ERR Error registering functions: ERR unknown flag given"),
        ("#!lua name=x\nredis.register_function('a')", "ERR Error registering functions: ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments)."),
        ("#!lua name=x\nwhile true do end", "ERR Error registering functions: ERR FUNCTION LOAD timeout"),
    ];
    for (code, expected) in cases {
        assert_eq!(load(&mut c, code), err(expected), "loading {code:?}");
    }
    assert_eq!(execute(&mut c, &["FUNCTION", "LOAD", "foo", "#!lua name=x\n"]), err("ERR Unknown option given: foo"));
    assert_eq!(execute(&mut c, &["FUNCTION", "LIST"]), Reply::Array(vec![]));
}

#[test]
fn libraries_replace_and_collide_by_name() {
    let (_e, mut c) = setup();
    let v1 = "#!lua name=lib\nredis.register_function('f', function() return 1 end)";
    let v2 = "#!lua name=lib\nredis.register_function('f', function() return 2 end)";
    assert_eq!(load(&mut c, v1), bulk("lib"));
    assert_eq!(load(&mut c, v1), err("ERR Library 'lib' already exists"));
    assert_eq!(execute(&mut c, &["FUNCTION", "LOAD", "REPLACE", v2]), bulk("lib"));
    assert_eq!(execute(&mut c, &["FCALL", "f", "0"]), int(2));
    assert_eq!(load(&mut c, "#!lua name=other\nredis.register_function('F', function() end)"), err("ERR Function F already exists"));
    assert_eq!(execute(&mut c, &["FUNCTION", "DELETE", "nosuch"]), err("ERR Library not found"));
    assert_eq!(execute(&mut c, &["FUNCTION", "DELETE", "lib"]), ok());
    assert_eq!(execute(&mut c, &["FCALL", "f", "0"]), err("ERR Function not found"));
}

#[test]
fn list_shows_functions_flags_and_code() {
    let (_e, mut c) = setup();
    load(&mut c, LIBRARY);
    let function = |name: &str, description: Option<&str>, flags: &[&'static str]| {
        Reply::Map(vec![
            (bulk("name"), bulk(name)),
            (bulk("description"), description.map_or(Reply::Null, bulk)),
            (bulk("flags"), Reply::Set(flags.iter().map(|f| Reply::simple(f)).collect())),
        ])
    };
    let functions = Reply::Array(vec![function("echo", None, &[]), function("get", Some("reads a key"), &["no-writes"]), function("set", None, &[])]);
    let listed = Reply::Map(vec![(bulk("library_name"), bulk("lib")), (bulk("engine"), bulk("LUA")), (bulk("functions"), functions.clone())]);
    assert_eq!(execute(&mut c, &["FUNCTION", "LIST"]), Reply::Array(vec![listed.clone()]));
    assert_eq!(execute(&mut c, &["FUNCTION", "LIST", "LIBRARYNAME", "l*"]), Reply::Array(vec![listed]));
    assert_eq!(execute(&mut c, &["FUNCTION", "LIST", "LIBRARYNAME", "x*"]), Reply::Array(vec![]));
    let Reply::Array(with_code) = execute(&mut c, &["FUNCTION", "LIST", "WITHCODE"]) else { panic!() };
    let Reply::Map(fields) = &with_code[0] else { panic!() };
    assert_eq!(fields[3], (bulk("library_code"), bulk(LIBRARY)));
    assert_eq!(execute(&mut c, &["FUNCTION", "LIST", "LIBRARYNAME"]), err("ERR library name argument was not given"));
    assert_eq!(execute(&mut c, &["FUNCTION", "LIST", "WITHCODE", "WITHCODE"]), err("ERR Unknown argument WITHCODE"));
}

#[test]
fn dump_and_restore_follow_their_policies() {
    let (_e, mut c) = setup();
    load(&mut c, "#!lua name=a\nredis.register_function('fa', function() return 'a' end)");
    let Reply::Bulk(payload) = execute(&mut c, &["FUNCTION", "DUMP"]) else { panic!("DUMP gives a bulk") };
    let restore = |c: &mut Client, policy: &[&[u8]]| {
        let mut argv: Vec<&[u8]> = vec![b"FUNCTION", b"RESTORE", &payload];
        argv.extend_from_slice(policy);
        c.execute(&argv)
    };
    assert_eq!(restore(&mut c, &[]), err("ERR Library a already exists"));
    assert_eq!(restore(&mut c, &[b"REPLACE"]), ok());
    assert_eq!(restore(&mut c, &[b"nope"]), err("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."));
    assert_eq!(execute(&mut c, &["FUNCTION", "FLUSH"]), ok());
    load(&mut c, "#!lua name=b\nredis.register_function('FA', function() return 'b' end)");
    assert_eq!(restore(&mut c, &[b"APPEND"]), err("ERR Function fa already exists"));
    assert_eq!(restore(&mut c, &[b"FLUSH"]), ok());
    assert_eq!(execute(&mut c, &["FCALL", "fa", "0"]), bulk("a"));
    assert_eq!(execute(&mut c, &["FUNCTION", "LIST", "LIBRARYNAME", "b"]), Reply::Array(vec![]));
    let mut damaged = payload.clone();
    damaged[3] ^= 1;
    assert_eq!(
        c.execute(&[b"FUNCTION", b"RESTORE", &damaged]),
        err("ERR DUMP payload version or checksum are wrong")
    );
    assert_eq!(
        execute(&mut c, &["FUNCTION", "RESTORE", "x", "FLUSH", "extra"]),
        err("ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP.")
    );
}

#[test]
fn stats_count_libraries_and_functions() {
    let (_e, mut c) = setup();
    load(&mut c, LIBRARY);
    let stats = Reply::Map(vec![
        (bulk("running_script"), Reply::Null),
        (
            bulk("engines"),
            Reply::Map(vec![(bulk("LUA"), Reply::Map(vec![(bulk("libraries_count"), int(1)), (bulk("functions_count"), int(3))]))]),
        ),
    ]);
    assert_eq!(execute(&mut c, &["FUNCTION", "STATS"]), stats);
    assert_eq!(execute(&mut c, &["FUNCTION", "FLUSH", "x"]), err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"));
    assert_eq!(execute(&mut c, &["FUNCTION", "FLUSH", "SYNC"]), ok());
    let Reply::Map(stats) = execute(&mut c, &["FUNCTION", "STATS"]) else { panic!() };
    assert_eq!(stats[1].1, Reply::Map(vec![(bulk("LUA"), Reply::Map(vec![(bulk("libraries_count"), int(0)), (bulk("functions_count"), int(0))]))]));
}
