//! ACL on the engine seam: what users may run and touch, from every face's point of view, and
//! what changes take effect on clients already authenticated.

mod common;

use common::*;
use vermilion_engine::{Config, ConnectionInfo, Engine, Reply};

fn user_client(engine: &std::sync::Arc<Engine>, user: &str, password: &str) -> vermilion_engine::Client {
    let mut client = engine.connect(ConnectionInfo::embedded("test"));
    assert_eq!(client.execute(&[b"AUTH", user.as_bytes(), password.as_bytes()]), ok());
    client
}

#[test]
fn a_new_user_can_do_nothing_until_given_rules() {
    let (engine, mut admin) = setup();
    assert_eq!(run(&mut admin, "ACL SETUSER alice on >pw"), ok());
    let mut alice = user_client(&engine, "alice", "pw");
    assert_eq!(run(&mut alice, "GET k"), err("NOPERM this user has no permissions to run the 'get' command"));
    run(&mut admin, "ACL SETUSER alice +get ~k*");
    // Changes apply to clients already authenticated as the user.
    assert_eq!(run(&mut alice, "GET k"), Reply::Null);
    assert_eq!(run(&mut alice, "GET other"), err("NOPERM this user has no permissions to access one of the keys used as arguments"));
}

#[test]
fn subcommand_rules_are_separate_from_their_container() {
    let (engine, mut admin) = setup();
    run(&mut admin, "ACL SETUSER ops on nopass +client -client|kill");
    let mut ops = user_client(&engine, "ops", "x");
    assert!(matches!(run(&mut ops, "CLIENT ID"), Reply::Integer(_)));
    assert_eq!(
        run(&mut ops, "CLIENT KILL ID 1"),
        err("NOPERM this user has no permissions to run the 'client|kill' command")
    );
}

#[test]
fn read_only_key_patterns_refuse_writes() {
    let (engine, mut admin) = setup();
    run(&mut admin, "ACL SETUSER ro on nopass +@all %R~cache:*");
    run(&mut admin, "SET cache:1 v");
    let mut ro = user_client(&engine, "ro", "x");
    assert_eq!(run(&mut ro, "GET cache:1"), bulk("v"));
    assert_eq!(run(&mut ro, "SET cache:1 w"), err("NOPERM this user has no permissions to access one of the keys used as arguments"));
    assert_eq!(run(&mut ro, "GET cache:1"), bulk("v"));
}

#[test]
fn scripts_run_with_their_callers_permissions() {
    let (engine, mut admin) = setup();
    run(&mut admin, "ACL SETUSER s on nopass +eval +get ~a");
    let mut s = user_client(&engine, "s", "x");
    let reply = s.execute(&[b"EVAL", b"return redis.call('get', 'b')", b"0"]);
    let Reply::Error(line) = reply else { panic!("expected an error, got {reply:?}") };
    assert!(line.starts_with("ERR The user executing the script can't access at least one of the keys"), "{line}");
    let reply = s.execute(&[b"EVAL", b"return redis.call('set', 'a', '1')", b"0"]);
    let Reply::Error(line) = reply else { panic!("expected an error, got {reply:?}") };
    assert!(line.starts_with("ERR The user executing the script can't run this command or subcommand"), "{line}");
}

#[test]
fn deleting_a_user_disconnects_its_clients() {
    let (engine, mut admin) = setup();
    run(&mut admin, "ACL SETUSER temp on nopass +@all ~*");
    let temp = user_client(&engine, "temp", "x");
    assert!(!temp.should_close());
    assert_eq!(run(&mut admin, "ACL DELUSER temp"), int(1));
    assert!(temp.should_close());
}

#[test]
fn requirepass_is_the_default_users_password() {
    let mut config = Config::default();
    config.set("requirepass", "s3cret").unwrap();
    let engine = Engine::open(config).unwrap();
    let mut client = engine.connect(ConnectionInfo::embedded("test"));
    assert_eq!(run(&mut client, "GET k"), err("NOAUTH Authentication required."));
    assert_eq!(run(&mut client, "AUTH wrong"), err("WRONGPASS invalid username-password pair or user is disabled."));
    assert_eq!(run(&mut client, "AUTH s3cret"), ok());
    assert_eq!(run(&mut client, "ACL WHOAMI"), bulk("default"));
    engine.set_config("requirepass", "").unwrap();
    let mut fresh = engine.connect(ConnectionInfo::embedded("test"));
    assert_eq!(run(&mut fresh, "PING"), Reply::simple("PONG"));
}

#[test]
fn acl_files_load_and_save() {
    let dir = std::env::temp_dir().join(format!("vermilion-acl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("users.acl");
    std::fs::write(&path, "user reader on >pw ~public:* +@read\n").unwrap();
    let mut config = Config::default();
    config.set("aclfile", path.to_str().unwrap()).unwrap();
    let engine = Engine::open(config).unwrap();
    let mut admin = engine.connect(ConnectionInfo::embedded("test"));
    assert_eq!(sorted(run(&mut admin, "ACL USERS")), ["default", "reader"]);
    let mut reader = user_client(&engine, "reader", "pw");
    assert_eq!(run(&mut reader, "GET public:1"), Reply::Null);
    run(&mut admin, "ACL SETUSER writer on >w ~* +@write");
    assert_eq!(run(&mut admin, "ACL SAVE"), ok());
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.lines().any(|l| l.starts_with("user writer on #")), "{saved}");
    std::fs::write(&path, "user only on nopass +ping\nnot a user line\n").unwrap();
    let Reply::Error(line) = run(&mut admin, "ACL LOAD") else { panic!("a bad file must be refused") };
    assert!(line.contains("should start with user keyword"), "{line}");
    assert_eq!(sorted(run(&mut admin, "ACL USERS")), ["default", "reader", "writer"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
