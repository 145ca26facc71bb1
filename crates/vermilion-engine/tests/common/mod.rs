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
    Reply::Bulk(s.as_bytes().to_vec())
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
