//! The command table and the context handlers run in.
//!
//! Every family file declares its commands as data (`COMMANDS`); [`lookup`] finds them by name.
//! The generic gates (arity, authentication, ...) run once in the dispatcher (`Client::execute`)
//! from this metadata; handlers only do their command's work.

pub mod table;

mod acl_cmd;
pub(crate) use acl_cmd::parse_acl_file;
mod args;
mod client_cmd;
pub(crate) use client_cmd::describe as describe_client;
mod client_tracking;
mod geo;
mod bitmap;
mod connection;
mod debug;
mod docs;
mod docs_table;
mod latency;
mod monitor;
mod slowlog;
mod dump;
mod function;
mod hash;
mod hll;
mod introspection;
mod keys;
mod list;
mod memory;
mod persistence;
mod pubsub;
pub mod scripting;
mod server;
mod sort;
mod set;
mod stream;
mod string;
pub mod tx;
mod zset;

use std::sync::LazyLock;

use ahash::AHashMap;

pub use args::{Args, ExpireOption};
pub use table::{acl, flag, key, BeginSearch, CmdResult, Command, FindKeys, Group, Handler, KeySpec};

use crate::client::ClientState;
use crate::engine::Engine;
use crate::keyspace::{Db, Entry, Keyspace};
use crate::reply::{errors, Reply};
use crate::types::Value;

/// Every family's commands, in the order `COMMAND` lists them.
fn families() -> impl Iterator<Item = &'static Command> {
    [
        string::COMMANDS,
        list::COMMANDS,
        hash::COMMANDS,
        set::COMMANDS,
        zset::COMMANDS,
        stream::COMMANDS,
        bitmap::COMMANDS,
        hll::COMMANDS,
        geo::COMMANDS,
        sort::COMMANDS,
        dump::COMMANDS,
        scripting::COMMANDS,
        function::COMMANDS,
        keys::COMMANDS,
        tx::COMMANDS,
        acl_cmd::COMMANDS,
        memory::COMMANDS,
        pubsub::COMMANDS,
        connection::COMMANDS,
        server::COMMANDS,
        persistence::COMMANDS,
        client_cmd::COMMANDS,
        introspection::COMMANDS,
        slowlog::COMMANDS,
        latency::COMMANDS,
        monitor::COMMANDS,
        debug::COMMANDS,
    ]
    .into_iter()
    .flatten()
}

/// Whether a command may run a Lua script, and so hold the engine for long (up to
/// `busy-reply-threshold` and beyond): faces run it where waiting cannot stall anyone else.
pub fn may_run_scripts(name: &[u8]) -> bool {
    ["eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "exec"]
        .iter()
        .any(|script| name.eq_ignore_ascii_case(script.as_bytes()))
}

/// Every top-level command (containers included, their subcommands not listed separately).
pub(crate) fn all_commands() -> impl Iterator<Item = &'static Command> {
    families()
}

/// The subcommand `argv` names under a container (when it has subcommands and one is named),
/// with the index of its first argument.
pub(crate) fn resolve_subcommand(cmd: &'static Command, argv: &[&[u8]]) -> (&'static Command, usize) {
    if cmd.subcommands.is_empty() || argv.len() < 2 {
        return (cmd, 1);
    }
    match lookup_sub(cmd, argv[1]) {
        Some(sub) => (sub, 2),
        None => (cmd, 1),
    }
}

static TABLE: LazyLock<AHashMap<&'static [u8], &'static Command>> = LazyLock::new(|| {
    let mut map = AHashMap::new();
    for cmd in families() {
        assert!(cmd.name.bytes().all(|b| !b.is_ascii_uppercase()), "command names are lowercase: {}", cmd.name);
        for sub in cmd.subcommands {
            assert!(sub.name.starts_with(cmd.name) && sub.name.as_bytes()[cmd.name.len()] == b'|', "subcommand {} of {}", sub.name, cmd.name);
        }
        let previous = map.insert(cmd.name.as_bytes(), cmd);
        assert!(previous.is_none(), "command {} declared twice", cmd.name);
    }
    map
});

/// Every top-level command.
pub fn all() -> impl Iterator<Item = &'static Command> {
    families()
}

/// Finds a top-level command by name, case-insensitively, without allocating.
pub fn lookup(name: &[u8]) -> Option<&'static Command> {
    let mut buf = [0u8; 32];
    let lowered = buf.get_mut(..name.len())?;
    for (dst, src) in lowered.iter_mut().zip(name) {
        *dst = src.to_ascii_lowercase();
    }
    TABLE.get(&*lowered).copied()
}

/// Finds a subcommand of a container by its (case-insensitive) name.
pub fn lookup_sub(container: &Command, name: &[u8]) -> Option<&'static Command> {
    let prefix = container.name.len() + 1;
    container.subcommands.iter().find(|s| s.name.as_bytes()[prefix..].eq_ignore_ascii_case(name))
}

/// Finds a command or `container|sub` by full name, as `COMMAND INFO` and ACL rules spell it.
pub fn lookup_full(name: &[u8]) -> Option<&'static Command> {
    match name.iter().position(|&b| b == b'|') {
        None => lookup(name),
        Some(bar) => lookup_sub(lookup(&name[..bar])?, &name[bar + 1..]),
    }
}

/// What a handler works with: the engine, its own client's state, the locked keyspace, and the
/// command's arguments. `now` is fixed for the whole command, as Redis caches the time per call.
pub struct Ctx<'a> {
    pub engine: &'a Engine,
    pub client: &'a mut ClientState,
    pub ks: &'a mut Keyspace,
    pub args: Args<'a>,
    /// The command's time snapshot (ms), read from the clock on first use: most commands never
    /// need it, and a clock read is a noticeable part of a GET.
    pub(crate) now: std::cell::Cell<Option<i64>>,
    /// Whether a blocking command may park here (not inside MULTI, where it acts as if timed out).
    pub(crate) may_block: bool,
    /// Set by [`Ctx::block_on`]: the dispatcher parks the call instead of replying.
    pub(crate) block: Option<crate::blocking::BlockRequest>,
}

impl<'a> Ctx<'a> {
    /// Publishes the keyspace event `event` (of class `class`, see [`crate::pubsub::class`])
    /// about `key` in the client's database, if `notify-keyspace-events` enables that class.
    pub fn notify(&self, class: u32, event: &str, key: &[u8]) {
        self.ks.pubsub.notify_keyspace_event(class, event, key, self.client.db, self.engine.coarse_ms());
    }

    /// The time of this command, in milliseconds on the engine clock; the same value for the whole
    /// command (and for every command of an EXEC or script), as Redis's command time snapshot.
    pub fn now(&self) -> i64 {
        match self.now.get() {
            Some(now) => now,
            None => {
                let now = self.engine.clock.now_ms();
                self.now.set(Some(now));
                now
            }
        }
    }

    /// Called by a blocking command that cannot serve itself now: park until one of `keys`
    /// changes or `deadline_ms` (engine clock) passes; a timed-out wait replies a null array, as
    /// Redis does for every command blocked on keys. Where blocking is not allowed (inside MULTI),
    /// replies `immediate` at once instead.
    pub fn block_on(&mut self, keys: &[&[u8]], deadline_ms: Option<i64>, immediate: Reply) -> CmdResult {
        self.block_until(keys, deadline_ms, immediate, Reply::NullArray)
    }

    /// [`Ctx::block_on`] with the reply a timed-out wait gives (WAIT answers a count, not a null).
    pub fn block_until(&mut self, keys: &[&[u8]], deadline_ms: Option<i64>, immediate: Reply, timeout_reply: Reply) -> CmdResult {
        if !self.may_block {
            return Ok(immediate);
        }
        let keys = keys.iter().map(|k| Box::<[u8]>::from(*k)).collect();
        self.block = Some(crate::blocking::BlockRequest { keys, deadline_ms, timeout_reply, rewritten_argv: None });
        Ok(Reply::NullArray)
    }

    /// [`Ctx::block_on`], re-running the call with `argv` instead of its original arguments.
    pub fn block_on_rewritten(&mut self, keys: &[&[u8]], deadline_ms: Option<i64>, immediate: Reply, argv: Vec<Vec<u8>>) -> CmdResult {
        let reply = self.block_on(keys, deadline_ms, immediate)?;
        if let Some(request) = &mut self.block {
            request.rewritten_argv = Some(argv);
        }
        Ok(reply)
    }

    /// The selected database.
    pub fn db(&mut self) -> &mut Db {
        &mut self.ks.dbs[self.client.db]
    }

    /// Deletes the key first if it has expired (lazy expiry).
    pub fn expire_if_needed(&mut self, key: &[u8]) -> bool {
        if self.ks.dbs[self.client.db].expires.is_empty() {
            return false;
        }
        let now = self.now();
        self.ks.expire_if_needed(self.client.db, key, now)
    }

    /// Lazy expiry for a read: whether the key has expired (deleted now, or kept until a CLIENT
    /// PAUSE ends), so the read misses.
    fn is_gone(&mut self, key: &[u8]) -> bool {
        if self.ks.dbs[self.client.db].expires.is_empty() {
            return false;
        }
        let now = self.now();
        self.ks.is_gone(self.client.db, key, now)
    }

    /// Looks a key up for reading: lazy expiry, hit/miss statistics, access time.
    pub fn read(&mut self, key: &[u8]) -> Option<&mut Value> {
        let gone = self.is_gone(key);
        let now = self.engine.coarse_ms();
        let ks = &mut *self.ks;
        // The entry comes back mutable (lazy field expiry changes it on reads), so a snapshot
        // under way saves it first.
        ks.dbs[self.client.db].preserve(key);
        let touch = !self.client.no_touch;
        let Keyspace { dbs, stats, eviction, rng, .. } = ks;
        let found = if gone { None } else { dbs[self.client.db].keys.get_tagged_mut(key) };
        match found {
            Some((value, access)) => {
                stats.keyspace_hits += 1;
                if touch {
                    eviction.touch(access, now, rng);
                }
                Some(value)
            }
            None => {
                ks.stats.keyspace_misses += 1;
                ks.pubsub.notify_keyspace_event(crate::pubsub::class::KEY_MISS, "keymiss", key, self.client.db, now);
                None
            }
        }
    }

    /// [`Ctx::read`] without touching the access time (Redis's `LOOKUP_NOTOUCH`, as EXISTS, TYPE
    /// and TTL look keys up): whether the key exists, counted and published as a read.
    pub fn read_untouched(&mut self, key: &[u8]) -> bool {
        let gone = self.is_gone(key);
        let ks = &mut *self.ks;
        if !gone && ks.dbs[self.client.db].keys.contains_key(key) {
            ks.stats.keyspace_hits += 1;
            return true;
        }
        ks.stats.keyspace_misses += 1;
        ks.pubsub.notify_keyspace_event(crate::pubsub::class::KEY_MISS, "keymiss", key, self.client.db, self.engine.coarse_ms());
        false
    }

    /// Looks a key up for writing: lazy expiry and access time, no hit statistics.
    pub fn write(&mut self, key: &[u8]) -> Option<&mut Value> {
        self.expire_if_needed(key);
        let now = self.engine.coarse_ms();
        let touch = !self.client.no_touch;
        let db = self.client.db;
        let Keyspace { dbs, eviction, rng, .. } = &mut *self.ks;
        dbs[db].preserve(key);
        let (value, access) = dbs[db].keys.get_tagged_mut(key)?;
        if touch {
            eviction.touch(access, now, rng);
        }
        Some(value)
    }

    /// Whether the key exists (after lazy expiry), without touching its access time.
    pub fn exists(&mut self, key: &[u8]) -> bool {
        !self.is_gone(key) && self.db().keys.contains_key(key)
    }

    /// Adds a key known to be absent (a write lookup just missed it), not counting a change:
    /// the caller fills the new value and counts what it did. Publishes the `new` event.
    pub fn insert_absent(&mut self, key: &[u8], value: Value) {
        let now = self.engine.coarse_ms();
        let access = self.ks.eviction.initial_access(now);
        self.db().insert_entry(key, Entry { value, access });
        self.notify(crate::pubsub::class::NEW, "new", key);
    }

    /// Stores a value, replacing any old one; the old expiry is dropped unless `keep_ttl`.
    /// Publishes the `new` event when the key did not exist.
    pub fn store(&mut self, key: &[u8], value: Value, keep_ttl: bool) {
        // An expired key is gone first (publishing `expired`), so its value counts as new.
        self.expire_if_needed(key);
        let access = self.ks.eviction.initial_access(self.engine.coarse_ms());
        let db = self.db();
        db.preserve(key);
        let replaced = db.keys.insert_tagged(key, value, access).is_some();
        if replaced && !keep_ttl {
            db.persist(key);
        }
        self.ks.dirty += 1;
        if !replaced {
            self.notify(crate::pubsub::class::NEW, "new", key);
        }
    }

    /// Deletes a key (after lazy expiry); returns whether it existed.
    pub fn delete(&mut self, key: &[u8]) -> bool {
        self.expire_if_needed(key);
        let removed = self.db().remove(key).is_some();
        if removed {
            self.ks.dirty += 1;
        }
        removed
    }

    /// Whether the client speaks RESP3.
    pub fn resp3(&self) -> bool {
        self.client.resp >= 3
    }

    /// Deletes `key` if it holds an emptied collection: Redis never keeps empty lists, hashes,
    /// sets or sorted sets. Returns whether it was deleted.
    pub fn delete_if_empty(&mut self, key: &[u8]) -> bool {
        let empty = self.db().keys.get(key).is_some_and(Value::is_empty_collection);
        if empty {
            self.db().remove(key);
        }
        empty
    }

    /// [`Ctx::delete_if_empty`], publishing the `del` event when it deletes: called after the
    /// command has published its own event, as Redis orders them.
    pub fn delete_if_empty_and_notify(&mut self, key: &[u8]) -> bool {
        let deleted = self.delete_if_empty(key);
        if deleted {
            self.notify(crate::pubsub::class::GENERIC, "del", key);
        }
        deleted
    }
}

/// Generates the type-checked lookups of one value type: `read_x` (a read, counted in keyspace
/// hits/misses) and `write_x` (a write lookup). Both give `Ok(None)` for a missing key and
/// WRONGTYPE for a key of another type.
macro_rules! typed_lookups {
    ($($variant:ident($ty:ty) => $read:ident, $write:ident;)*) => {
        impl<'a> Ctx<'a> {
            $(
                pub fn $read(&mut self, key: &[u8]) -> Result<Option<&mut $ty>, crate::reply::Reply> {
                    match self.read(key) {
                        None => Ok(None),
                        Some(Value::$variant(v)) => {
                            let v: &mut $ty = v;
                            Ok(Some(v))
                        }
                        Some(_) => Err(errors::WRONGTYPE),
                    }
                }

                pub fn $write(&mut self, key: &[u8]) -> Result<Option<&mut $ty>, crate::reply::Reply> {
                    match self.write(key) {
                        None => Ok(None),
                        Some(Value::$variant(v)) => {
                            let v: &mut $ty = v;
                            Ok(Some(v))
                        }
                        Some(_) => Err(errors::WRONGTYPE),
                    }
                }
            )*
        }
    };
}

typed_lookups! {
    String(crate::types::StringValue) => read_string, write_string;
    List(crate::types::ListValue) => read_list, write_list;
    Hash(crate::types::HashValue) => read_hash, write_hash;
    Set(crate::types::SetValue) => read_set, write_set;
    ZSet(crate::types::ZSetValue) => read_zset, write_zset;
    Stream(crate::types::StreamValue) => read_stream, write_stream;
}

/// The reply of every `<COMMAND> HELP`: Redis's header line, the command's lines, and HELP's own.
pub fn help_reply(command: &str, lines: &[&str]) -> crate::reply::Reply {
    use crate::reply::Reply;
    let mut out = Vec::with_capacity(lines.len() + 3);
    out.push(Reply::Simple(format!("{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:").into()));
    out.extend(lines.iter().map(|l| Reply::Simple(l.to_string().into())));
    out.push(Reply::simple("HELP"));
    out.push(Reply::simple("    Print this help."));
    Reply::Array(out)
}
