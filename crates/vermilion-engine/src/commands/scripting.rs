//! Scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT.
//!
//! A script runs inside the EVAL handler, so under the keyspace lock like any command: no other
//! client, of any face, sees the keyspace between two of its `redis.call`s. The interpreter and
//! the script cache live in [`ScriptingState`], kept in the keyspace.

use super::table::{acl, flag, key, BeginSearch, CmdResult, Command, FindKeys, Group, KeySpec};
use super::{help_reply, Ctx};
use std::sync::Arc;

use crate::engine::Engine;
use crate::reply::Reply;
use crate::scripting::functions::Functions;
use crate::scripting::{noscript, Runtime};
use crate::util::parse_i64;

const EVAL_FLAGS: u32 = flag::NOSCRIPT | flag::STALE | flag::SKIP_MONITOR | flag::NO_MANDATORY_KEYS | flag::MOVABLEKEYS;
const EVAL_RO_FLAGS: u32 = EVAL_FLAGS | flag::READONLY;
const SCRIPTING: u32 = acl::SCRIPTING;
const EVAL_COMPLEXITY: &str = "Depends on the script that is executed.";

/// Key-spec notes of scripts and functions, whose keys may be used any way.
pub(super) const ASSUME_RW: &str = "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
pub(super) const ASSUME_RO: &str = "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS";

/// `numkeys` and the keys after it; a script may touch any of them, any way.
pub(super) const fn script_keys(flags: u16, notes: &'static str) -> KeySpec {
    KeySpec { flags, begin: BeginSearch::Index(2), find: FindKeys::Keynum { keynumidx: 0, firstkey: 1, keystep: 1 }, notes }
}
const EVAL_KEYS: &[KeySpec] = &[script_keys(key::RW | key::ACCESS | key::UPDATE, ASSUME_RW)];
const EVALSHA_KEYS: &[KeySpec] = &[script_keys(key::RW | key::ACCESS | key::UPDATE, "")];
const EVAL_RO_KEYS: &[KeySpec] = &[script_keys(key::RO | key::ACCESS, ASSUME_RO)];
const EVALSHA_RO_KEYS: &[KeySpec] = &[script_keys(key::RO | key::ACCESS, "")];

pub static COMMANDS: &[Command] = &[
    Command::new("eval", -3, Group::Scripting, eval).flags(EVAL_FLAGS).acl(SCRIPTING).keys(EVAL_KEYS)
        .doc("2.6.0", EVAL_COMPLEXITY, "Executes a server-side Lua script."),
    Command::new("evalsha", -3, Group::Scripting, evalsha).flags(EVAL_FLAGS).acl(SCRIPTING).keys(EVALSHA_KEYS)
        .doc("2.6.0", EVAL_COMPLEXITY, "Executes a server-side Lua script by SHA1 digest."),
    Command::new("eval_ro", -3, Group::Scripting, eval_ro).flags(EVAL_RO_FLAGS).acl(SCRIPTING).keys(EVAL_RO_KEYS)
        .doc("7.0.0", EVAL_COMPLEXITY, "Executes a read-only server-side Lua script."),
    Command::new("evalsha_ro", -3, Group::Scripting, evalsha_ro).flags(EVAL_RO_FLAGS).acl(SCRIPTING).keys(EVALSHA_RO_KEYS)
        .doc("7.0.0", EVAL_COMPLEXITY, "Executes a read-only server-side Lua script by SHA1 digest."),
    Command::container("script", Group::Scripting, SCRIPT)
        .doc("2.6.0", "Depends on subcommand.", "A container for Lua scripts management commands."),
];

static SCRIPT: &[Command] = &[
    Command::new("script|debug", 3, Group::Scripting, script_debug).flags(flag::NOSCRIPT).acl(SCRIPTING)
        .doc("3.2.0", "O(1)", "Sets the debug mode of server-side Lua scripts."),
    Command::new("script|exists", -3, Group::Scripting, script_exists).flags(flag::NOSCRIPT).acl(SCRIPTING)
        .tips(&["request_policy:all_shards", "response_policy:agg_logical_and"])
        .doc("2.6.0", "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).", "Determines whether server-side Lua scripts exist in the script cache."),
    Command::new("script|flush", -2, Group::Scripting, script_flush).flags(flag::NOSCRIPT).acl(SCRIPTING)
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .doc("2.6.0", "O(N) with N being the number of scripts in cache", "Removes all server-side Lua scripts from the script cache."),
    Command::new("script|help", 2, Group::Scripting, script_help).flags(flag::LOADING | flag::STALE).acl(SCRIPTING)
        .doc("5.0.0", "O(1)", "Returns helpful text about the different subcommands."),
    Command::new("script|kill", 2, Group::Scripting, script_kill).flags(flag::NOSCRIPT | flag::ALLOW_BUSY).acl(SCRIPTING)
        .tips(&["request_policy:all_shards", "response_policy:one_succeeded"])
        .doc("2.6.0", "O(1)", "Terminates a server-side Lua script during execution."),
    Command::new("script|load", 3, Group::Scripting, script_load).flags(flag::NOSCRIPT | flag::STALE).acl(SCRIPTING)
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .doc("2.6.0", "O(N) with N being the length in bytes of the script body.", "Loads a server-side Lua script to the script cache."),
];

const SCRIPT_HELP: &[&str] = &[
    "DEBUG (YES|SYNC|NO)",
    "    Set the debug mode for subsequent scripts executed.",
    "EXISTS <sha1> [<sha1> ...]",
    "    Return information about the existence of the scripts in the script cache.",
    "FLUSH [ASYNC|SYNC]",
    "    Flush the Lua scripts cache. Very dangerous on replicas.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the scripts cache.",
    "    * SYNC: Synchronously flush the scripts cache.",
    "KILL",
    "    Kill the currently executing Lua script.",
    "LOAD <script>",
    "    Load a script into the scripts cache without executing it.",
];

/// The engine's scripting state: EVAL's interpreter and script cache, and the function libraries
/// with their own interpreter. Kept in the keyspace so scripts run under the same lock as every
/// command; each interpreter starts when first needed. Boxed, so that taking the state out of
/// the keyspace for a script run (`with_scripting_state`) moves two pointers.
#[derive(Default)]
pub struct ScriptingState {
    runtime: Option<Box<Runtime>>,
    functions: Option<Box<Functions>>,
}

impl ScriptingState {
    /// How many scripts are cached (INFO's `number_of_cached_scripts`).
    pub fn cached_scripts(&self) -> usize {
        self.runtime.as_ref().map_or(0, |r| r.script_count())
    }

    /// Bytes EVAL's interpreter holds (INFO's `used_memory_lua`); 0 before the first script.
    pub fn lua_memory(&self) -> usize {
        self.runtime.as_ref().map_or(0, |r| r.used_memory())
    }

    /// Bytes the functions' interpreter holds (INFO's `used_memory_vm_functions`).
    pub fn functions_memory(&self) -> usize {
        self.functions.as_ref().map_or(0, |f| f.used_memory())
    }

    /// Libraries and functions loaded (INFO's `number_of_libraries`, `number_of_functions`).
    pub fn library_counts(&self) -> (usize, usize) {
        self.functions.as_ref().map_or((0, 0), |f| (f.library_count(), f.function_count()))
    }

    /// Every library's code, as an RDB file stores them (one `RDB_OPCODE_FUNCTION2` record each).
    pub fn library_codes(&self) -> Vec<Vec<u8>> {
        self.functions.as_ref().map_or_else(Vec::new, |f| f.libraries().map(|l| l.code.clone()).collect())
    }

    /// Loads one library's code from an RDB file (no time limit, a same-named library is
    /// replaced); the error is Redis's text without its code.
    pub fn load_library_code(&mut self, engine: &Engine, code: &[u8]) -> Result<(), String> {
        let functions = self.functions(engine, engine.now_ms()).map_err(|_| "failed to start the Lua interpreter".to_string())?;
        functions.load(engine, code, true, None)?;
        self.publish_library_counts(engine);
        Ok(())
    }

    fn runtime(&mut self, engine: &Engine, now_ms: i64) -> Result<&mut Runtime, Reply> {
        if self.runtime.is_none() {
            let runtime = Runtime::new(now_ms, Arc::clone(&engine.script_status)).map_err(interpreter_failed)?;
            self.runtime = Some(Box::new(runtime));
        }
        Ok(self.runtime.as_mut().expect("just started"))
    }

    pub(super) fn functions(&mut self, engine: &Engine, now_ms: i64) -> Result<&mut Functions, Reply> {
        if self.functions.is_none() {
            let functions = Functions::new(now_ms, Arc::clone(&engine.script_status)).map_err(interpreter_failed)?;
            self.functions = Some(Box::new(functions));
        }
        Ok(self.functions.as_mut().expect("just started"))
    }

    /// The libraries, if any interpreter holds them yet.
    /// Whether EVALSHA's script or FCALL's function (`name`) is known and declares `no-writes`:
    /// a CLIENT PAUSE WRITE lets it run.
    pub(crate) fn promises_no_writes(&self, command: &str, name: &[u8]) -> bool {
        match command {
            "evalsha" => self.runtime.as_ref().is_some_and(|r| r.promises_no_writes(&String::from_utf8_lossy(name).to_ascii_lowercase())),
            "fcall" => self.functions.as_ref().and_then(|f| f.find(name)).is_some_and(|def| def.flags.no_writes()),
            _ => false,
        }
    }

    pub(super) fn loaded_functions(&self) -> Option<&Functions> {
        self.functions.as_deref()
    }

    pub(super) fn loaded_functions_mut(&mut self) -> Option<&mut Functions> {
        self.functions.as_deref_mut()
    }

    /// Drops every library (FUNCTION FLUSH), and their interpreter with them.
    pub(super) fn flush_functions(&mut self, engine: &Engine) {
        self.functions = None;
        self.publish_library_counts(engine);
    }

    /// Tells the engine's script status how many libraries and functions there are, so
    /// `FUNCTION STATS` can answer while a function runs.
    pub(super) fn publish_library_counts(&self, engine: &Engine) {
        let (libraries, functions) = self.library_counts();
        engine.script_status.set_library_counts(libraries, functions);
    }
}

fn interpreter_failed(e: mlua::Error) -> Reply {
    Reply::error(format!("ERR failed to start the Lua interpreter: {e}"))
}

/// Runs `f` with the scripting state taken out of the keyspace: a running script's commands need
/// the keyspace, and none of them may touch the scripting state (they are `noscript`).
pub(super) fn with_scripting_state<R>(ctx: &mut Ctx, f: impl FnOnce(&mut Ctx, &mut ScriptingState) -> R) -> R {
    let mut state = std::mem::take(&mut ctx.ks.scripting);
    let result = f(ctx, &mut state);
    ctx.ks.scripting = state;
    result
}

/// Which script an EVAL-family call names.
#[derive(Clone, Copy)]
enum ScriptRef {
    Body,
    Sha,
}

/// EVAL script numkeys [key [key ...]] [arg [arg ...]]
fn eval(ctx: &mut Ctx) -> CmdResult {
    eval_generic(ctx, ScriptRef::Body, false)
}

/// EVALSHA sha1 numkeys [key [key ...]] [arg [arg ...]]
fn evalsha(ctx: &mut Ctx) -> CmdResult {
    eval_generic(ctx, ScriptRef::Sha, false)
}

/// EVAL_RO script numkeys [key [key ...]] [arg [arg ...]]
fn eval_ro(ctx: &mut Ctx) -> CmdResult {
    eval_generic(ctx, ScriptRef::Body, true)
}

/// EVALSHA_RO sha1 numkeys [key [key ...]] [arg [arg ...]]
fn evalsha_ro(ctx: &mut Ctx) -> CmdResult {
    eval_generic(ctx, ScriptRef::Sha, true)
}

/// Redis's `evalGenericCommand`: check numkeys, find (or compile) the script, run it.
fn eval_generic(ctx: &mut Ctx, script: ScriptRef, read_only: bool) -> CmdResult {
    let source = ctx.args.bytes()?;
    let numkeys = parse_i64(ctx.args.bytes()?).ok_or(crate::reply::errors::NOT_INTEGER)?;
    let rest = ctx.args.rest();
    if numkeys > rest.len() as i64 {
        return Err(Reply::err("ERR Number of keys can't be greater than number of args"));
    }
    if numkeys < 0 {
        return Err(Reply::err("ERR Number of keys can't be negative"));
    }
    let (keys, args) = rest.split_at(numkeys as usize);
    with_scripting_state(ctx, |ctx, state| run_script(ctx, state, source, script, keys, args, read_only))
}

fn run_script(
    ctx: &mut Ctx,
    state: &mut ScriptingState,
    source: &[u8],
    script: ScriptRef,
    keys: &[&[u8]],
    args: &[&[u8]],
    read_only: bool,
) -> CmdResult {
    let runtime = state.runtime(ctx.engine, ctx.now())?;
    match script {
        ScriptRef::Body => {
            let sha = runtime.load(source)?;
            runtime.run(ctx, &sha, keys, args, read_only)
        }
        ScriptRef::Sha => {
            // Redis accepts any case, and only 40-character names.
            let mut sha = <[u8; 40]>::try_from(source).map_err(|_| noscript())?;
            sha.make_ascii_lowercase();
            let sha = std::str::from_utf8(&sha).map_err(|_| noscript())?;
            runtime.run(ctx, sha, keys, args, read_only)
        }
    }
}

/// SCRIPT LOAD script
fn script_load(ctx: &mut Ctx) -> CmdResult {
    let body = ctx.args.bytes()?;
    let now = ctx.now();
    let sha = ctx.ks.scripting.runtime(ctx.engine, now)?.load(body)?;
    Ok(Reply::bulk(sha))
}

/// SCRIPT EXISTS sha1 [sha1 ...]
fn script_exists(ctx: &mut Ctx) -> CmdResult {
    let cached = ctx.ks.scripting.runtime.as_ref();
    let answers = ctx
        .args
        .rest()
        .iter()
        .map(|sha| {
            // Names compare case-insensitively, as in Redis.
            let known = cached.is_some_and(|r| std::str::from_utf8(sha).is_ok_and(|s| r.contains(&s.to_ascii_lowercase())));
            Reply::Integer(i64::from(known))
        })
        .collect();
    Ok(Reply::Array(answers))
}

/// SCRIPT FLUSH [ASYNC|SYNC] — drops the cache with the interpreter; the next script starts a
/// fresh one, as Redis does.
fn script_flush(ctx: &mut Ctx) -> CmdResult {
    match ctx.args.rest() {
        [] => {}
        [mode] if mode.eq_ignore_ascii_case(b"sync") || mode.eq_ignore_ascii_case(b"async") => {}
        _ => return Err(Reply::err("ERR SCRIPT FLUSH only support SYNC|ASYNC option")),
    }
    ctx.ks.scripting.runtime = None;
    Ok(Reply::OK)
}

/// SCRIPT KILL — runs here only when the keyspace lock is free, so with no script running;
/// while a script is busy, the dispatcher answers it without the lock (`scripting::busy`).
fn script_kill(ctx: &mut Ctx) -> CmdResult {
    Ok(ctx.engine.script_status.kill(true))
}

/// SCRIPT DEBUG YES|SYNC|NO — the step debugger needs a live connection to talk to; only NO
/// (the default) is available.
fn script_debug(ctx: &mut Ctx) -> CmdResult {
    let mode = ctx.args.bytes()?;
    if mode.eq_ignore_ascii_case(b"no") {
        Ok(Reply::OK)
    } else if mode.eq_ignore_ascii_case(b"yes") || mode.eq_ignore_ascii_case(b"sync") {
        Err(Reply::err("ERR The Lua debugger is not available"))
    } else {
        Err(Reply::err("ERR Use SCRIPT DEBUG YES/SYNC/NO"))
    }
}

/// SCRIPT HELP
fn script_help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("SCRIPT", SCRIPT_HELP))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interpreter_starts_with_the_first_script() {
        let engine = Engine::open(crate::Config::default()).expect("engine opens");
        let mut state = ScriptingState::default();
        assert_eq!((state.cached_scripts(), state.lua_memory()), (0, 0));
        let runtime = state.runtime(&engine, 0).expect("interpreter starts");
        let sha = runtime.load(b"return 1").expect("compiles");
        assert_eq!(sha, "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
        runtime.load(b"return 1").expect("cached");
        assert_eq!(state.cached_scripts(), 1);
        assert!(state.lua_memory() > 0);
        engine.shutdown();
    }

    #[test]
    fn library_code_round_trips_through_the_rdb_accessors() {
        let engine = Engine::open(crate::Config::default()).expect("engine opens");
        let mut state = ScriptingState::default();
        let code = b"#!lua name=lib\nredis.register_function('f', function() return 1 end)";
        state.load_library_code(&engine, code).expect("loads");
        assert_eq!(state.library_codes(), vec![code.to_vec()]);
        assert_eq!(state.library_counts(), (1, 1));
        assert_eq!(state.load_library_code(&engine, b"return 1").unwrap_err(), "Missing library metadata");
        engine.shutdown();
    }
}
