mod common;

use common::*;
use vermilion_engine::{Config, ConnectionInfo, Engine, Reply};

#[test]
fn ping_echo_select_and_unknown_commands() {
    let (_e, mut c) = setup();
    assert_eq!(run(&mut c, "PING"), Reply::simple("PONG"));
    assert_eq!(run(&mut c, "ping hi"), bulk("hi"));
    assert_eq!(run(&mut c, "PING a b"), err("ERR wrong number of arguments for 'ping' command"));
    assert_eq!(run(&mut c, "ECHO x"), bulk("x"));
    assert_eq!(run(&mut c, "SELECT 16"), err("ERR DB index is out of range"));
    assert_eq!(run(&mut c, "SELECT x"), err("ERR value is not an integer or out of range"));
    assert_eq!(run(&mut c, "NOPE a b"), err("ERR unknown command 'NOPE', with args beginning with: 'a' 'b' "));
}

#[test]
fn hello_switches_protocol_and_names_client() {
    let (_e, mut c) = setup();
    let Reply::Map(fields) = run(&mut c, "HELLO 3 SETNAME app") else { panic!() };
    assert!(fields.contains(&(bulk("proto"), int(3))));
    assert_eq!(c.resp(), 3);
    assert_eq!(run(&mut c, "CLIENT GETNAME"), bulk("app"));
    assert_eq!(run(&mut c, "HELLO 4"), err("NOPROTO unsupported protocol version"));
    assert_eq!(run(&mut c, "HELLO x"), err("ERR Protocol version is not an integer or out of range"));
    assert_eq!(run(&mut c, "HELLO 3 FOO"), err("ERR Syntax error in HELLO option 'FOO'"));
    assert_eq!(run(&mut c, "RESET"), Reply::simple("RESET"));
    assert_eq!(c.resp(), 2);
    assert_eq!(run(&mut c, "CLIENT GETNAME"), Reply::Null);
}

#[test]
fn requirepass_gates_commands() {
    let config = Config { requirepass: "secret".into(), ..Config::default() };
    let engine = Engine::open(config).unwrap();
    let mut c = engine.connect(ConnectionInfo::embedded("test"));
    assert_eq!(run(&mut c, "GET k"), err("NOAUTH Authentication required."));
    assert_eq!(run(&mut c, "AUTH wrong"), err("WRONGPASS invalid username-password pair or user is disabled."));
    assert_eq!(run(&mut c, "HELLO 3").as_error().map(|e| e.starts_with("NOAUTH HELLO")), Some(true));
    assert_eq!(run(&mut c, "AUTH secret"), ok());
    assert_eq!(run(&mut c, "GET k"), Reply::Null);
}

#[test]
fn client_list_kill_and_quit() {
    let (engine, mut a) = setup();
    let mut b = engine.connect(ConnectionInfo::embedded("test"));
    run(&mut b, "CLIENT SETNAME worker");
    assert_eq!(b.execute(&[b"CLIENT", b"SETNAME", b"bad name"]), err("ERR Client names cannot contain spaces, newlines or special characters."));
    let Reply::Verbatim(_, list) = run(&mut a, "CLIENT LIST") else { panic!() };
    let list = String::from_utf8(list).unwrap();
    assert_eq!(list.lines().count(), 2);
    assert!(list.contains("name=worker"));
    let id = b.id();
    assert_eq!(run(&mut a, &format!("CLIENT KILL ID {id}")), int(1));
    assert!(b.should_close());
    assert!(!a.should_close());
    assert_eq!(run(&mut a, "CLIENT KILL 1.2.3.4:5"), err("ERR No such client"));
    assert_eq!(run(&mut a, "QUIT"), ok());
    assert!(a.should_close());
}

#[test]
fn command_table_introspection() {
    let (_e, mut c) = setup();
    let Reply::Array(info) = run(&mut c, "COMMAND INFO get nosuch") else { panic!() };
    assert_eq!(info[1], Reply::Null);
    let Reply::Array(get) = &info[0] else { panic!() };
    assert_eq!(get[0], bulk("get"));
    assert_eq!(get[1], int(2));
    assert_eq!(get[2], Reply::Set(vec![Reply::simple("readonly"), Reply::simple("fast")]));
    assert_eq!((&get[3], &get[4], &get[5]), (&int(1), &int(1), &int(1)));
    assert_eq!(get[6], Reply::Set(vec![Reply::simple("@read"), Reply::simple("@string"), Reply::simple("@fast")]));
    let Reply::Array(mset) = run(&mut c, "COMMAND INFO mset") else { panic!() };
    let Reply::Array(mset) = &mset[0] else { panic!() };
    assert_eq!((&mset[3], &mset[4], &mset[5]), (&int(1), &int(-1), &int(2)));
    assert_eq!(run(&mut c, "COMMAND GETKEYS MSET a 1 b 2"), Reply::Array(vec![bulk("a"), bulk("b")]));
    assert_eq!(run(&mut c, "COMMAND GETKEYS PING"), err("ERR The command has no key arguments"));
    assert_eq!(run(&mut c, "COMMAND GETKEYS GET"), err("ERR Invalid number of arguments specified for command"));
    assert_eq!(run(&mut c, "COMMAND GETKEYS NOPE x"), err("ERR Invalid command specified"));
    let Reply::Integer(count) = run(&mut c, "COMMAND COUNT") else { panic!() };
    let Reply::Array(all) = run(&mut c, "COMMAND") else { panic!() };
    assert_eq!(all.len() as i64, count);
}

#[test]
fn info_and_config() {
    let (_e, mut c) = setup();
    run(&mut c, "SET a 1 EX 100");
    let Reply::Verbatim(_, text) = run(&mut c, "INFO keyspace") else { panic!() };
    assert_eq!(String::from_utf8(text).unwrap(), "# Keyspace\r\ndb0:keys=1,expires=1,avg_ttl=100000\r\n");
    assert_eq!(run(&mut c, "CONFIG SET maxmemory 10mb"), ok());
    assert_eq!(run(&mut c, "CONFIG GET maxmemory"), Reply::Map(vec![(bulk("maxmemory"), bulk("10485760"))]));
    assert_eq!(
        run(&mut c, "CONFIG SET nosuch 1"),
        err("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'")
    );
    assert_eq!(run(&mut c, "SWAPDB 0 1"), ok());
    assert_eq!(run(&mut c, "DBSIZE"), int(0));
    assert_eq!(run(&mut c, "SWAPDB x 1"), err("ERR invalid first DB index"));
    assert_eq!(run(&mut c, "FLUSHALL"), ok());
    assert_eq!(run(&mut c, "FLUSHDB BAD"), err("ERR syntax error"));
}
