//! CLIENT PAUSE in the dispatcher: which commands a pause holds back, and running them once it
//! ends.
//!
//! As in Redis, the pause is checked just before a command would run or queue. A held-back
//! command is parked like a blocking command (the face waits on its [`Waiter`]); what happens
//! to it depends on what it touches:
//! - a command that acts on its own connection only (SELECT, HELLO, queueing inside MULTI) runs
//!   at once, unseen by anyone, and only its reply waits for the pause to end;
//! - any other command runs when the pause ends, as its client, oldest first.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::{run_locked, serve_blocked, Client, ClientState, Outcome};
use crate::blocking::{self, BlockedCallInit, PauseKind, Postponed, PostponedAction, PostponedRun, Waiter};
use crate::commands::scripting::ScriptingState;
use crate::commands::{acl, flag, tx, Command};
use crate::engine::Engine;
use crate::keyspace::Keyspace;
use crate::reply::Reply;
use crate::scripting::busy::KeyspaceAccess;

impl Client {
    /// Holds back a command the CLIENT PAUSE in effect covers; `None` when no pause covers it.
    pub(super) fn postpone_if_paused(&mut self, cmd: &'static Command, first_arg: usize, argv: &[&[u8]]) -> Option<Outcome> {
        let engine = Arc::clone(&self.engine);
        let mut ks = match crate::scripting::busy::lock_keyspace(&engine, cmd) {
            KeyspaceAccess::Locked(ks) => ks,
            KeyspaceAccess::Answered(reply) => return Some(Outcome::Reply(reply)),
        };
        let now = engine.now_ms();
        // Calls a pause that just ended still holds run before this one, as Redis runs them first.
        release_postponed(&engine, &mut ks, now);
        let writes = may_write(cmd, argv, &self.state, &ks.scripting);
        if ks.blocked.pause_at(now)? == PauseKind::Write && !writes {
            return None;
        }
        let action = if self.state.multi.is_some() && !tx::runs_inside_multi(cmd) {
            self.state.multi.as_mut()?.queue(cmd, first_arg, argv);
            self.state.shared.queued.fetch_add(1, Ordering::Relaxed);
            PostponedAction::Held(Reply::QUEUED)
        } else if acts_on_connection_only(cmd) {
            let (reply, _) = run_locked(&engine, &mut self.state, &mut ks, cmd, argv, first_arg, None, false);
            PostponedAction::Held(reply)
        } else {
            // EXEC ends the transaction whatever happens: it takes the queue and the WATCHes along.
            let exec = cmd.name == "exec";
            PostponedAction::Run(PostponedRun {
                acl_user: Arc::clone(&self.state.acl_user),
                multi: if exec { self.state.multi.take() } else { None },
                watched: if exec { std::mem::take(&mut self.state.watched) } else { Vec::new() },
            })
        };
        let init = BlockedCallInit {
            cmd,
            first_arg,
            argv: argv.iter().map(|a| a.to_vec()).collect(),
            db: self.state.db,
            resp: self.state.resp,
            shared: Arc::clone(&self.state.shared),
        };
        let (waiter, call) = Waiter::postpone(&engine, init, Postponed { writes, action });
        ks.blocked.park(&call);
        self.state.shared.blocked.store(true, Ordering::Relaxed);
        Some(Outcome::Blocked(waiter))
    }
}

/// Runs the postponed calls the pause in effect no longer holds back, oldest first, each as the
/// client that sent it; then serves the blocked calls their writes woke.
pub(crate) fn release_postponed(engine: &Engine, ks: &mut Keyspace, now: i64) {
    if !ks.blocked.has_postponed() {
        return;
    }
    let pause = ks.blocked.pause_at(now);
    for call in ks.blocked.take_released(pause) {
        let Some(postponed) = call.take_postponed() else { continue };
        match postponed.action {
            PostponedAction::Held(reply) => blocking::answer_released(&call, reply),
            PostponedAction::Run(run) => {
                let mut state = ClientState::for_blocked_call(&call.shared, call.db, call.resp, run.acl_user);
                // It never ran before: it is counted and shown now.
                state.replaying = false;
                state.multi = run.multi;
                state.watched = run.watched;
                let argv = call.argv();
                let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
                match run_locked(engine, &mut state, ks, call.cmd, &argv, call.first_arg, None, true) {
                    (_, Some(request)) => blocking::repark(&mut ks.blocked, &call, request),
                    (reply, None) => blocking::answer_released(&call, reply),
                }
            }
        }
    }
    if !ks.blocked.is_empty() {
        serve_blocked(engine, ks, engine.clock.now_ms());
    }
}

/// Whether a WRITE pause holds the command back: it may write or replicate (Redis's
/// `may-replicate`: PUBLISH, PFCOUNT, scripts and functions that do not declare `no-writes`), or
/// it is an EXEC of such commands.
fn may_write(cmd: &Command, argv: &[&[u8]], state: &ClientState, scripting: &ScriptingState) -> bool {
    if cmd.name == "exec" {
        return state.multi.as_ref().is_some_and(|multi| multi.any_queued(|cmd, argv| command_may_write(cmd, argv, scripting)));
    }
    command_may_write(cmd, argv, scripting)
}

fn command_may_write<A: AsRef<[u8]>>(cmd: &Command, argv: &[A], scripting: &ScriptingState) -> bool {
    let first = argv.get(1).map_or(&[][..], AsRef::as_ref);
    match cmd.name {
        "eval" => !declares_no_writes(first),
        "evalsha" | "fcall" => !scripting.promises_no_writes(cmd.name, first),
        _ => cmd.has(flag::WRITE | flag::MAY_REPLICATE),
    }
}

/// Whether a script body's shebang line (`#!lua flags=no-writes,...`) promises no writes.
fn declares_no_writes(body: &[u8]) -> bool {
    if !body.starts_with(b"#!") {
        return false;
    }
    let line = body.split(|&b| b == b'\n').next().unwrap_or_default();
    line.split(|&b| b == b' ')
        .filter_map(|word| word.strip_prefix(b"flags="))
        .any(|flags| flags.split(|&b| b == b',').any(|f| f == b"no-writes"))
}

/// Commands whose whole effect is on their own connection (SELECT, HELLO, MULTI, WATCH, CLIENT
/// SETNAME, SUBSCRIBE...): running them during a pause changes nothing anyone else can see.
fn acts_on_connection_only(cmd: &Command) -> bool {
    let connection = cmd.acl_categories() & (acl::CONNECTION | acl::TRANSACTION) != 0;
    let subscribes = cmd.has(flag::PUBSUB) && cmd.name.contains("subscribe");
    (connection && cmd.name != "exec" && !cmd.has(flag::ADMIN)) || subscribes
}

#[cfg(test)]
mod tests {
    use super::declares_no_writes;

    #[test]
    fn shebang_flags() {
        assert!(declares_no_writes(b"#!lua flags=no-writes\nreturn 1"));
        assert!(declares_no_writes(b"#!lua name=x flags=allow-oom,no-writes\nreturn 1"));
        assert!(!declares_no_writes(b"#!lua\nreturn 1"));
        assert!(!declares_no_writes(b"return 1 -- flags=no-writes"));
    }
}
