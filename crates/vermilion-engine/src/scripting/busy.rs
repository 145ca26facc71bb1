//! The dispatcher's side of a long-running script: Redis's `busy-reply-threshold`.
//!
//! A script holds the keyspace lock for its whole run. Once it has run past the threshold, other
//! clients stop waiting for the lock: commands flagged `allow-busy` that need no keyspace
//! (`SCRIPT KILL`, `FUNCTION KILL`, `FUNCTION STATS`) are answered at once, the other `allow-busy`
//! commands keep waiting, and everything else gets Redis's `BUSY` error.

use std::time::Duration;

use parking_lot::MutexGuard;

use super::status::ScriptKind;
use crate::commands::{flag, Command};
use crate::engine::Engine;
use crate::keyspace::Keyspace;
use crate::reply::Reply;

/// How long a client waits for the lock before it looks at the running script again. Short
/// enough that BUSY arrives promptly once the threshold passes; long enough to cost nothing.
const LOCK_SLICE: Duration = Duration::from_millis(10);

/// The keyspace, or the answer a busy script leaves for the command instead.
pub(crate) enum KeyspaceAccess<'e> {
    Locked(MutexGuard<'e, Keyspace>),
    Answered(Reply),
}

/// The kind of the script that has been running past `busy-reply-threshold`, if any.
fn busy_script(engine: &Engine) -> Option<ScriptKind> {
    if !engine.script_status.is_running() {
        return None;
    }
    let threshold = engine.config.read().busy_reply_threshold;
    engine.script_status.busy(threshold)
}

/// The BUSY error for `cmd` while a script is busy, unless `cmd` is allowed then. One atomic load
/// when no script runs.
pub(crate) fn refusal(engine: &Engine, cmd: &Command) -> Option<Reply> {
    if cmd.has(flag::ALLOW_BUSY) {
        return None;
    }
    busy_script(engine).map(ScriptKind::busy_reply)
}

/// Locks the keyspace for `cmd`; while a busy script holds it, answers instead what Redis
/// answers during a busy script.
pub(crate) fn lock_keyspace<'e>(engine: &'e Engine, cmd: &Command) -> KeyspaceAccess<'e> {
    if let Some(ks) = engine.keyspace.try_lock() {
        return KeyspaceAccess::Locked(ks);
    }
    loop {
        if let Some(ks) = engine.keyspace.try_lock_for(LOCK_SLICE) {
            return KeyspaceAccess::Locked(ks);
        }
        let Some(kind) = busy_script(engine) else { continue };
        if !cmd.has(flag::ALLOW_BUSY) {
            return KeyspaceAccess::Answered(kind.busy_reply());
        }
        if let Some(reply) = answer_without_keyspace(engine, cmd) {
            return KeyspaceAccess::Answered(reply);
        }
    }
}

/// The `allow-busy` commands that are about the running script itself.
fn answer_without_keyspace(engine: &Engine, cmd: &Command) -> Option<Reply> {
    let status = &engine.script_status;
    match cmd.name {
        "script|kill" => Some(status.kill(true)),
        "function|kill" => Some(status.kill(false)),
        "function|stats" => Some(status.function_stats()),
        _ => None,
    }
}
