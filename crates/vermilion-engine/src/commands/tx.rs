//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! Commands issued after MULTI are queued; EXEC runs them all under one hold of the keyspace lock,
//! so no other client — of any face — interleaves. WATCH is optimistic locking: a change to a
//! watched key (by a command, an expiry or a flush) marks the watcher, and its EXEC then fails.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::table::{acl, flag, key, CmdResult, Command, Group, KeySpec};
use super::Ctx;
use crate::client::{run_locked, ClientShared, ClientState};
use crate::keyspace::Keyspace;
use crate::reply::Reply;

const TX: u32 = flag::NOSCRIPT | flag::LOADING | flag::STALE | flag::FAST | flag::ALLOW_BUSY;

pub static COMMANDS: &[Command] = &[
    Command::new("multi", 1, Group::Transactions, multi).flags(TX).acl(acl::TRANSACTION)
        .doc("1.2.0", "O(1)", "Starts a transaction."),
    Command::new("exec", 1, Group::Transactions, exec)
        .flags(flag::NOSCRIPT | flag::LOADING | flag::STALE | flag::SKIP_SLOWLOG).acl(acl::TRANSACTION)
        .doc("1.2.0", "Depends on commands in the transaction", "Executes all commands in a transaction."),
    Command::new("discard", 1, Group::Transactions, discard).flags(TX).acl(acl::TRANSACTION)
        .doc("2.0.0", "O(N), when N is the number of queued commands", "Discards a transaction."),
    Command::new("watch", -2, Group::Transactions, watch).flags(TX).acl(acl::TRANSACTION)
        .keys(&[KeySpec::range(1, -1, 1, key::RO)])
        .doc("2.2.0", "O(1) for every key.", "Monitors changes to keys to determine the execution of a transaction."),
    Command::new("unwatch", 1, Group::Transactions, unwatch).flags(TX).acl(acl::TRANSACTION)
        .doc("2.2.0", "O(1)", "Forgets about watched keys of a transaction."),
];

/// An open transaction: the queued commands and whether one was refused while queueing.
#[derive(Default)]
pub struct Multi {
    queued: Vec<Queued>,
    pub(crate) failed: bool,
}

impl Multi {
    /// Whether a queued command may grow memory (EXEC is then refused over `maxmemory`).
    pub(crate) fn queues_denyoom(&self) -> bool {
        self.queued.iter().any(|q| q.cmd.has(super::flag::DENYOOM))
    }

    /// Whether a queued command meets `test` (given the command and its arguments).
    pub(crate) fn any_queued(&self, test: impl Fn(&Command, &[Vec<u8>]) -> bool) -> bool {
        self.queued.iter().any(|q| test(q.cmd, &q.argv))
    }
}

struct Queued {
    cmd: &'static Command,
    first_arg: usize,
    argv: Vec<Vec<u8>>,
}

impl Multi {
    pub(crate) fn queue(&mut self, cmd: &'static Command, first_arg: usize, argv: &[&[u8]]) {
        self.queued.push(Queued { cmd, first_arg, argv: argv.iter().map(|a| a.to_vec()).collect() });
    }
}

/// One key under WATCH, and whether it was already expired then (Redis ignores those at EXEC).
pub struct WatchedKey {
    db: usize,
    key: Box<[u8]>,
    expired_when_watched: bool,
}

/// Commands that act at once inside a transaction instead of being queued.
pub(crate) fn runs_inside_multi(cmd: &Command) -> bool {
    matches!(cmd.name, "exec" | "discard" | "multi" | "watch" | "quit" | "reset")
}

/// Which clients watch which keys, so a change can mark them. Lives in the keyspace, under its
/// lock, so marking is part of the change itself.
#[derive(Default)]
pub struct WatchRegistry {
    watchers: ahash::AHashMap<WatchedSlot, Vec<Arc<ClientShared>>>,
}

/// A watched key: its database and name.
type WatchedSlot = (usize, Box<[u8]>);

impl WatchRegistry {
    pub fn is_empty(&self) -> bool {
        self.watchers.is_empty()
    }

    fn add(&mut self, db: usize, key: &[u8], client: &Arc<ClientShared>) {
        let list = self.watchers.entry((db, key.into())).or_default();
        if !list.iter().any(|c| c.id == client.id) {
            list.push(Arc::clone(client));
        }
    }

    fn remove(&mut self, db: usize, key: &[u8], client_id: u64) {
        let slot = (db, Box::<[u8]>::from(key));
        if let Some(list) = self.watchers.get_mut(&slot) {
            list.retain(|c| c.id != client_id);
            if list.is_empty() {
                self.watchers.remove(&slot);
            }
        }
    }

    /// Marks every client watching `key` in `db`.
    pub fn touch(&mut self, db: usize, key: &[u8]) {
        if let Some(list) = self.watchers.get(&(db, Box::<[u8]>::from(key))) {
            for client in list {
                client.watch_touched.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Marks the watchers of every key of `db` for which `exists` holds (FLUSHDB, SWAPDB: Redis
    /// touches only watched keys that the flush or swap really changes).
    pub fn touch_db(&mut self, db: usize, exists: impl Fn(&[u8]) -> bool) {
        for ((watched_db, key), list) in &self.watchers {
            if *watched_db == db && exists(key) {
                for client in list {
                    client.watch_touched.store(true, Ordering::Relaxed);
                }
            }
        }
    }
}

/// Forgets every key the client watches and clears its mark; any transaction is over.
pub(crate) fn unwatch_all(state: &mut ClientState, ks: &mut Keyspace) {
    if state.multi.is_none() {
        state.shared().queued.store(-1, Ordering::Relaxed);
    }
    for w in state.watched.drain(..) {
        ks.watched.remove(w.db, &w.key, state.id);
    }
    state.shared().watch_touched.store(false, Ordering::Relaxed);
}

/// MULTI
fn multi(ctx: &mut Ctx) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(Reply::err("ERR MULTI calls can not be nested"));
    }
    ctx.client.multi = Some(Multi::default());
    ctx.client.shared().queued.store(0, Ordering::Relaxed);
    Ok(Reply::OK)
}

/// DISCARD
fn discard(ctx: &mut Ctx) -> CmdResult {
    if ctx.client.multi.take().is_none() {
        return Err(Reply::err("ERR DISCARD without MULTI"));
    }
    unwatch_all(ctx.client, ctx.ks);
    Ok(Reply::OK)
}

/// Whether a watched key changed, or expired, since WATCH.
fn watch_broken(ctx: &mut Ctx) -> bool {
    if ctx.client.shared().watch_touched.load(Ordering::Relaxed) {
        return true;
    }
    ctx.client
        .watched
        .iter()
        .any(|w| !w.expired_when_watched && ctx.ks.dbs[w.db].is_expired(&w.key, ctx.now()))
}

/// EXEC — runs the queue atomically; a null reply if a watched key changed.
fn exec(ctx: &mut Ctx) -> CmdResult {
    let Some(multi) = ctx.client.multi.take() else {
        return Err(Reply::err("ERR EXEC without MULTI"));
    };
    if multi.failed {
        unwatch_all(ctx.client, ctx.ks);
        return Err(Reply::err("EXECABORT Transaction discarded because of previous errors."));
    }
    if watch_broken(ctx) {
        unwatch_all(ctx.client, ctx.ks);
        return Ok(Reply::NullArray);
    }
    // Unwatch first: the transaction's own writes must not count against it.
    unwatch_all(ctx.client, ctx.ks);
    let mut replies = Vec::with_capacity(multi.queued.len());
    // Every command of the transaction sees the same time, as in Redis.
    let now = ctx.now();
    for q in &multi.queued {
        let argv: Vec<&[u8]> = q.argv.iter().map(Vec::as_slice).collect();
        // Permissions may have changed since the command was queued.
        if let Err(denial) = crate::acl::check(&ctx.client.acl_user, q.cmd, &argv) {
            crate::client::log_denial(ctx.engine, ctx.client, denial, crate::acl::LogContext::Multi, q.cmd, &argv);
            replies.push(Reply::error(format!(
                "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: {}",
                match denial {
                    crate::acl::Denial::Command => "no permission to execute the command or subcommand",
                    crate::acl::Denial::Key(_) => "no permission to touch the specified keys",
                    crate::acl::Denial::Channel(_) => "no permission to access one of the channels used as arguments",
                }
            )));
            continue;
        }
        // Inside EXEC nothing blocks: blocking commands answer as if their timeout passed.
        let (reply, _) = run_locked(ctx.engine, ctx.client, ctx.ks, q.cmd, &argv, q.first_arg, Some(now), false);
        replies.push(reply);
    }
    Ok(Reply::Array(replies))
}

/// WATCH key [key ...]
fn watch(ctx: &mut Ctx) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(Reply::err("ERR WATCH inside MULTI is not allowed"));
    }
    let db = ctx.client.db;
    for key in ctx.args.rest() {
        if ctx.client.watched.iter().any(|w| w.db == db && *w.key == **key) {
            continue;
        }
        let expired_when_watched = ctx.ks.dbs[db].is_expired(key, ctx.now());
        let shared = Arc::clone(ctx.client.shared());
        ctx.ks.watched.add(db, key, &shared);
        ctx.client.watched.push(WatchedKey { db, key: (*key).into(), expired_when_watched });
    }
    Ok(Reply::OK)
}

/// UNWATCH
fn unwatch(ctx: &mut Ctx) -> CmdResult {
    unwatch_all(ctx.client, ctx.ks);
    Ok(Reply::OK)
}
