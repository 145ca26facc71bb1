//! MONITOR: every command any client runs, streamed to the clients that asked, in Redis's line
//! format (`+1700000000.123456 [0 127.0.0.1:12345] "SET" "k" "v"`).
//!
//! Lines land in each monitor's mailbox, so a slow monitor only grows its own backlog (bounded
//! by the `normal` class of `client-output-buffer-limit`) and never holds anyone up.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::client::{ClientKind, ClientShared};
use crate::pubsub::{Delivery, OutputLimit};
use crate::reply::Reply;

/// Where a command came from, as the monitor line shows it.
pub enum Source<'a> {
    Client(&'a ClientShared),
    /// A command a script ran.
    Lua,
}

#[derive(Default)]
pub struct Monitors {
    /// How many clients monitor, readable without the lock on every command.
    count: AtomicUsize,
    clients: Mutex<Vec<Arc<ClientShared>>>,
}

impl Monitors {
    #[inline]
    pub fn any(&self) -> bool {
        self.count.load(Ordering::Relaxed) > 0
    }

    pub fn add(&self, client: &Arc<ClientShared>) {
        let mut clients = self.clients.lock();
        if !clients.iter().any(|c| c.id == client.id) {
            clients.push(Arc::clone(client));
            self.count.store(clients.len(), Ordering::Relaxed);
        }
    }

    pub fn remove(&self, id: u64) {
        let mut clients = self.clients.lock();
        clients.retain(|c| c.id != id);
        self.count.store(clients.len(), Ordering::Relaxed);
    }

    /// Sends one command to every monitor. `now_us` is Unix time in microseconds.
    pub fn feed(&self, source: Source, db: usize, argv: &[&[u8]], now_us: i64, limit: OutputLimit) {
        let line = format_line(&source, db, argv, now_us);
        let size = line.len() + 3;
        let mut clients = self.clients.lock();
        let mut overflowed = Vec::new();
        for monitor in clients.iter() {
            let message = Reply::Simple(line.clone().into());
            if monitor.mailbox.deliver(message, size, limit, now_us / 1000) == Delivery::Overflowed {
                overflowed.push(monitor.id);
                monitor.kill();
            }
        }
        if !overflowed.is_empty() {
            clients.retain(|c| !overflowed.contains(&c.id));
            self.count.store(clients.len(), Ordering::Relaxed);
        }
    }
}

/// `1700000000.123456 [0 127.0.0.1:12345] "SET" "k" "v"`, with AUTH and HELLO's secrets hidden.
pub fn format_line(source: &Source, db: usize, argv: &[&[u8]], now_us: i64) -> String {
    let mut line = String::with_capacity(64 + argv.iter().map(|a| a.len() + 3).sum::<usize>());
    let _ = write!(line, "{}.{:06} [{db} ", now_us / 1_000_000, now_us % 1_000_000);
    match source {
        Source::Lua => line.push_str("lua"),
        Source::Client(client) if client.info.kind == ClientKind::Unix => {
            let _ = write!(line, "unix:{}", client.info.laddr);
        }
        Source::Client(client) => line.push_str(&client.info.addr),
    }
    line.push(']');
    let redacted = redacted_from(argv);
    for (i, arg) in argv.iter().enumerate() {
        line.push(' ');
        if redacted.is_some_and(|from| i >= from) {
            line.push_str("\"(redacted)\"");
        } else {
            quote_into(&mut line, arg);
        }
    }
    line
}

/// The first argument to hide: every argument of AUTH, and the user and password after
/// HELLO's AUTH (everything after it, as Redis redacts).
fn redacted_from(argv: &[&[u8]]) -> Option<usize> {
    let name = argv.first()?;
    if name.eq_ignore_ascii_case(b"auth") {
        return Some(1);
    }
    if name.eq_ignore_ascii_case(b"hello") {
        return argv.iter().position(|a| a.eq_ignore_ascii_case(b"auth")).map(|at| at + 1);
    }
    None
}

/// Redis's `sdscatrepr`: a double-quoted string with C escapes for the unprintable.
pub fn quote_into(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_escape_and_redact_like_redis() {
        let line = format_line(&Source::Lua, 0, &[b"set", b"a b\"c", b"x\ty\x01"], 1_795_323_132_080_509);
        assert_eq!(line, r#"1795323132.080509 [0 lua] "set" "a b\"c" "x\ty\x01""#);
        let auth = format_line(&Source::Lua, 2, &[b"hello", b"3", b"AUTH", b"u", b"p"], 5);
        assert_eq!(auth, r#"0.000005 [2 lua] "hello" "3" "AUTH" "(redacted)" "(redacted)""#);
    }
}
