//! Shared helpers for the engine's integration tests.
#![allow(dead_code)]

use std::sync::Arc;

use vermilion_engine::{Client, Clock, Config, ConnectionInfo, Engine, Reply};

/// An engine on a manual clock (starting at a fixed instant) and one client of it.
pub fn setup() -> (Arc<Engine>, Client) {
    let engine = Engine::open_with_clock(Config::default(), Clock::manual(1_700_000_000_000)).unwrap();
    let client = engine.connect(ConnectionInfo::embedded("test"));
    (engine, client)
}

/// Runs a command written as space-separated words.
pub fn run(client: &mut Client, line: &str) -> Reply {
    let words: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
    client.execute(&words)
}

pub fn bulk(s: &str) -> Reply {
    Reply::bulk(s.as_bytes().to_vec())
}

pub fn int(n: i64) -> Reply {
    Reply::Integer(n)
}

pub fn err(line: &str) -> Reply {
    Reply::Error(line.to_string().into())
}

pub fn ok() -> Reply {
    Reply::OK
}

/// The text of `INFO section`.
pub fn info_text(client: &mut Client, section: &str) -> String {
    match run(client, &format!("INFO {section}")) {
        Reply::Bulk(text) => String::from_utf8(text.to_vec()).unwrap(),
        Reply::Verbatim(_, text) => String::from_utf8(text).unwrap(),
        other => panic!("INFO replied {other:?}"),
    }
}

/// The value of field `name` in `INFO section`.
pub fn info_field(client: &mut Client, section: &str, name: &str) -> String {
    let text = info_text(client, section);
    let prefix = format!("{name}:");
    text.lines().find_map(|l| l.strip_prefix(&prefix)).unwrap_or_else(|| panic!("{name} missing: {text}")).trim().to_string()
}

/// The byte strings of an array or set reply, in reply order.
pub fn strings(reply: Reply) -> Vec<String> {
    let (Reply::Array(items) | Reply::Set(items)) = reply else { panic!("not an array or set: {reply:?}") };
    items
        .into_iter()
        .map(|r| match r {
            Reply::Bulk(b) => String::from_utf8(b.to_vec()).unwrap(),
            other => panic!("not a bulk: {other:?}"),
        })
        .collect()
}

/// [`strings`], sorted: for replies whose order Redis leaves open.
pub fn sorted(reply: Reply) -> Vec<String> {
    let mut items = strings(reply);
    items.sort();
    items
}

/// `OBJECT ENCODING key`.
pub fn encoding(c: &mut Client, key: &str) -> Reply {
    run(c, &format!("OBJECT ENCODING {key}"))
}
