//! The Lua runtimes behind EVAL and FCALL: one Lua 5.1 interpreter for EVAL's scripts and one for
//! the function libraries (as Redis keeps them apart), both sandboxed as Redis sandboxes its own.
//!
//! Scripts run with the keyspace lock held (the EVAL and FCALL handlers run inside it), so every
//! `redis.call` goes straight to the dispatcher's `run_locked`, exactly as EXEC's commands do.
//! The script's commands run as a dedicated script client: its own selected database and
//! protocol, so SELECT or `redis.setresp` inside a script never leak to the caller. While a
//! script runs, [`ScriptStatus`] tells other clients about it (BUSY, SCRIPT KILL).

mod bit;
pub(crate) mod busy;
mod call;
mod cjson;
mod cmsgpack;
mod convert;
mod entry;
mod errors;
pub(crate) mod functions;
mod library;
pub(crate) mod log;
mod rand48;
mod redis_lib;
mod sandbox;
mod status;
mod structlib;
mod watchdog;

use std::ffi::{c_void, CStr};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Instant;

use ahash::AHashMap;
use mlua::chunk::ChunkMode;
use mlua::ffi;
use mlua::{Function, LightUserData, Lua, LuaOptions, StdLib, Table, Value};
use parking_lot::Mutex;

use crate::client::{ClientShared, ClientState, ConnectionInfo};
use crate::commands::Ctx;
use crate::reply::Reply;

use call::{redis_call, redis_pcall, script_pcall, RunningCaller, ScriptCaller};
use convert::lua_to_reply;
use entry::{enter, Entry, KeptArrays};
use errors::{caught_error_message, error_handler, interpreter_error, lua_message, script_error};
use rand48::Rand48;
use sandbox::{confine_loaders, install_random, protect_globals, remove_unsafe_globals, script_rawset};

pub(crate) use errors::lib_error;
pub use status::{ScriptKind, ScriptStatus};

/// Name of the chunk every script is compiled as; error positions read `user_script:<line>`.
const SCRIPT_CHUNK: &str = "@user_script";
/// Name of the runtime's own Lua code.
const INTERNAL_CHUNK: &str = "=redis";
/// Registry slot of the function turning a Rust library error into its message.
const ERROR_MESSAGE_KEY: &CStr = c"vermilion.error_message";
/// Redis's refusal of a script that may write, run by a `*_RO` command.
const WRITE_FLAG_WITH_RO: Reply = Reply::err("ERR Can not execute a script with write flag using *_ro command.");

/// What the interpreter's permanent functions share with the code being run.
pub(crate) struct ScriptShared {
    /// The protocol the script's commands reply in (`redis.setresp`).
    resp: AtomicU8,
    /// `math.random`'s generator.
    rng: Rand48,
    /// The engine's record of the running script: kill requests arrive through it.
    status: Arc<ScriptStatus>,
    /// The engine's `loglevel` as a number, for `redis.log`.
    log_level: AtomicU8,
    /// When a library's load must give up (`FUNCTION LOAD`'s time limit).
    load_deadline: Mutex<Option<Instant>>,
    /// Set when the watchdog has stopped code and switched to checking every line.
    hook_escalated: AtomicBool,
    /// The running script's [`ScriptCaller`] while a run lasts, null otherwise (see
    /// [`RunningCaller`]); `redis.call` finds it here through its upvalue.
    caller: AtomicPtr<c_void>,
}

impl ScriptShared {
    fn new(status: Arc<ScriptStatus>) -> Self {
        ScriptShared {
            resp: AtomicU8::new(2),
            rng: Rand48::default(),
            status,
            log_level: AtomicU8::new(2),
            load_deadline: Mutex::new(None),
            hook_escalated: AtomicBool::new(false),
            caller: AtomicPtr::new(std::ptr::null_mut()),
        }
    }
}

/// Script flags, from a script's shebang (`#!lua flags=...`) or a function's registration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptFlags(u8);

impl ScriptFlags {
    /// Redis's flag names, in the order `FUNCTION LIST` shows them; bit `i` is `NAMES[i]`.
    pub const NAMES: &'static [&'static str] = &["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"];

    /// The flag called `name`: exactly (shebangs) or ignoring case (function registration).
    pub fn named(name: &[u8], ignore_case: bool) -> Option<ScriptFlags> {
        let matches = |known: &&str| if ignore_case { known.as_bytes().eq_ignore_ascii_case(name) } else { known.as_bytes() == name };
        Self::NAMES.iter().position(matches).map(|i| ScriptFlags(1 << i))
    }

    pub fn with(self, other: ScriptFlags) -> ScriptFlags {
        ScriptFlags(self.0 | other.0)
    }

    /// `no-writes`: the script may not write, whichever command runs it.
    pub fn no_writes(self) -> bool {
        self.0 & 1 != 0
    }

    /// `allow-oom`: the script runs, writes included, even when memory is over `maxmemory`.
    pub fn allow_oom(self) -> bool {
        self.0 & 2 != 0
    }

    /// The names of the flags set, in Redis's order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES.iter().enumerate().filter(move |(i, _)| self.0 & (1 << i) != 0).map(|(_, name)| *name)
    }
}

/// One run of compiled code: a script's body or a function's callback.
pub(crate) struct Call<'a> {
    pub function: &'a Function,
    /// What error lines name the code by: the script's SHA1, or the function's name.
    pub name: &'a str,
    pub kind: ScriptKind,
    pub keys: &'a [&'a [u8]],
    pub args: &'a [&'a [u8]],
    /// Whether write commands are refused (a `*_RO` command, or a `no-writes` script).
    pub read_only: bool,
    /// The flags the code declares (a shebang, a function's registration); `None` for a
    /// script without a shebang, which keeps EVAL's old rules.
    pub declared: Option<ScriptFlags>,
}

/// A sandboxed interpreter with Redis's libraries, and the client its scripts' commands run as.
pub(crate) struct Interpreter {
    lua: Lua,
    /// What scripts see as their globals: a read-only view of the real ones.
    sandbox: Table,
    xpcall: Function,
    error_handler: Function,
    /// Starts a run: sets up KEYS and ARGV and calls the code under the error handler.
    enter: Function,
    /// What `enter` remembers of the KEYS and ARGV tables it keeps for EVAL's scripts.
    kept_arrays: KeptArrays,
    shared: Arc<ScriptShared>,
    /// The client the script's commands run as (Redis's Lua client): its own identity,
    /// selected database and protocol.
    script_state: ClientState,
}

impl Interpreter {
    /// A fresh interpreter with Redis's libraries and sandbox, watched through `status`.
    fn new(now_ms: i64, status: Arc<ScriptStatus>) -> mlua::Result<Interpreter> {
        let lua = Lua::new_with(StdLib::TABLE | StdLib::STRING | StdLib::MATH, LuaOptions::default())?;
        let globals = lua.globals();
        let shared = Arc::new(ScriptShared::new(status));
        shared.rng.seed(0);

        let error_handler = lua.create_function(error_handler)?;
        let error_message = lua.create_function(|_, error: Value| Ok(caught_error_message(&error)))?;
        lua.set_named_registry_value(ERROR_MESSAGE_KEY.to_str().expect("ASCII name"), error_message)?;
        globals.raw_set("__redis__err__handler", error_handler.clone())?;
        let redis = lua.create_table()?;
        // SAFETY: these C functions keep to the Lua stack, the registry and (for `redis.call`)
        // the shared state their upvalue points to, which outlives the interpreter's runs (see
        // `dispatch`, `script_pcall`, `enter`).
        let enter = unsafe {
            let shared_pointer = Arc::as_ptr(&shared).cast_mut().cast::<c_void>();
            redis.raw_set("call", c_closure(&lua, redis_call, shared_pointer)?)?;
            redis.raw_set("pcall", c_closure(&lua, redis_pcall, shared_pointer)?)?;
            globals.raw_set("pcall", lua.create_c_function(script_pcall)?)?;
            globals.raw_set("rawset", lua.create_c_function(script_rawset)?)?;
            // Upvalues: EVAL's KEYS and ARGV tables, made by the first script.
            lua.exec_raw::<Function>((), |state| {
                ffi::lua_pushnil(state);
                ffi::lua_pushnil(state);
                ffi::lua_pushcclosure(state, enter, 2);
            })?
        };
        redis_lib::install(&lua, &redis, &shared)?;
        globals.raw_set("redis", redis)?;
        globals.raw_set("bit", bit::module(&lua)?)?;
        globals.raw_set("cjson", cjson::module(&lua)?)?;
        globals.raw_set("cmsgpack", cmsgpack::module(&lua)?)?;
        globals.raw_set("struct", structlib::module(&lua)?)?;
        install_random(&lua, &globals, &shared)?;
        let xpcall = globals.raw_get::<Function>("xpcall")?;
        let setfenv = globals.raw_get::<Function>("setfenv")?;
        let string_meta: Table = lua.load("return getmetatable('')").set_name(INTERNAL_CHUNK).eval()?;

        remove_unsafe_globals(&globals)?;
        let sandbox = protect_globals(&lua, &globals, &string_meta)?;
        confine_loaders(&lua, &globals, &sandbox, setfenv)?;
        watchdog::install(&lua, &shared)?;
        let script_client = Arc::new(ClientShared::new(0, ConnectionInfo::embedded("lua"), now_ms));
        let script_state = ClientState::for_blocked_call(&script_client, 0, 2, Arc::new(crate::acl::AclUser::unrestricted()));
        Ok(Interpreter { lua, sandbox, xpcall, error_handler, enter, kept_arrays: KeptArrays::default(), shared, script_state })
    }

    /// Compiles `source` as the chunk `chunk_name`, with `environment` as its globals.
    fn compile(&self, source: &[u8], chunk_name: &str, environment: Table) -> mlua::Result<Function> {
        self.lua.load(source).set_name(chunk_name).set_mode(ChunkMode::Text).set_environment(environment).into_function()
    }

    /// Publishes the engine's `loglevel` to `redis.log`.
    fn follow_log_level(&self, engine: &crate::engine::Engine) {
        let level = log::level_number(&engine.config.read().loglevel);
        self.shared.log_level.store(level, Ordering::Relaxed);
    }

    /// Runs `call` against the locked keyspace and converts its result, as Redis's
    /// `luaCallFunction` does.
    fn call(&mut self, ctx: &mut Ctx, call: Call) -> Result<Reply, Reply> {
        let Call { function, name, kind, keys, args, read_only, declared } = call;
        let refuses_growth = match declared {
            // Code that may write and did not declare `allow-oom` is refused at once, as a
            // `denyoom` command.
            Some(flags) if !flags.allow_oom() && !flags.no_writes() && out_of_memory(ctx) => return Err(crate::reply::errors::OOM),
            Some(_) => false,
            // EVAL's old rules: the script starts, and its first write that may grow memory fails.
            None => out_of_memory(ctx),
        };
        self.shared.resp.store(2, Ordering::Relaxed);
        self.follow_log_level(ctx.engine);
        self.script_state.db = ctx.client.db;
        // Commands of the script run with its caller's permissions.
        self.script_state.acl_user = Arc::clone(&ctx.client.acl_user);
        self.script_state.user.clone_from(&ctx.client.user);
        // The whole script sees one time, as in Redis.
        let now = ctx.now();
        let running = self.shared.status.begin(kind, (kind == ScriptKind::Function).then(|| (name, ctx.args.argv())));
        let mut caller = ScriptCaller {
            engine: ctx.engine,
            state: &mut self.script_state,
            ks: &mut *ctx.ks,
            now,
            read_only,
            refuses_growth,
            shared: &self.shared,
            panic: None,
        };
        let globals = (kind == ScriptKind::Eval).then_some(&mut self.kept_arrays);
        let mut entry = Entry { keys, args, globals, resp: &self.shared.resp, reply: None };
        let outcome: mlua::Result<(bool, Value)> = {
            let _published = RunningCaller::publish(&self.shared, &mut caller);
            // `enter` uses the entry only during this call.
            let entry_pointer = std::ptr::from_mut(&mut entry).cast::<c_void>();
            self.enter.call((LightUserData(entry_pointer), function, &self.error_handler))
        };
        let plain_reply = entry.reply;
        drop(running);
        if let Some(payload) = caller.panic.take() {
            std::panic::resume_unwind(payload);
        }
        self.rearm_watchdog();
        // Redis converts the result by the protocol the script chose, not the caller's.
        let script_resp3 = self.shared.resp.load(Ordering::Relaxed) >= 3;
        match (outcome, plain_reply) {
            (Ok((true, _)), Some(reply)) => Ok(reply),
            (Ok((true, value)), None) => Ok(lua_to_reply(&value, script_resp3)),
            (Ok((false, error)), _) => Err(script_error(&error, name)),
            (Err(e), _) => Err(interpreter_error(name, &e)),
        }
    }

    /// Puts the watchdog back on its periodic check if it stopped the last run.
    fn rearm_watchdog(&self) {
        if self.shared.hook_escalated.swap(false, Ordering::Relaxed) {
            // Only fails if Lua cannot allocate; the hook then stays on every line, which is slower
            // but still correct.
            let _ = watchdog::rearm(&self.lua);
        }
    }

    fn used_memory(&self) -> usize {
        self.lua.used_memory()
    }
}

/// Whether memory is over `maxmemory` with nothing left to evict as a script starts.
fn out_of_memory(ctx: &mut Ctx) -> bool {
    let now = ctx.now();
    ctx.engine.eviction.maxmemory() > 0 && crate::eviction::out_of_memory(ctx.engine, ctx.ks, now)
}

/// A C function with one light-pointer upvalue.
///
/// # Safety
/// `function` may only use the stack, the registry and what `data` points to.
unsafe fn c_closure(lua: &Lua, function: ffi::lua_CFunction, data: *mut c_void) -> mlua::Result<Function> {
    lua.exec_raw::<Function>((), |state| {
        ffi::lua_pushlightuserdata(state, data);
        ffi::lua_pushcclosure(state, function, 1);
    })
}

/// EVAL's interpreter and script cache.
pub struct Runtime {
    interpreter: Interpreter,
    scripts: AHashMap<String, Script>,
}

impl Runtime {
    /// A fresh interpreter with Redis's libraries and sandbox, watched through `status`.
    pub fn new(now_ms: i64, status: Arc<ScriptStatus>) -> mlua::Result<Runtime> {
        Ok(Runtime { interpreter: Interpreter::new(now_ms, status)?, scripts: AHashMap::new() })
    }

    pub fn script_count(&self) -> usize {
        self.scripts.len()
    }

    pub fn used_memory(&self) -> usize {
        self.interpreter.used_memory()
    }

    /// Whether a script with this (lowercase) SHA1 is cached.
    pub fn contains(&self, sha: &str) -> bool {
        self.scripts.contains_key(sha)
    }

    /// Whether the cached script `sha` declares `no-writes` in its shebang.
    pub fn promises_no_writes(&self, sha: &str) -> bool {
        self.scripts.get(sha).is_some_and(|script| script.shebang.present && script.shebang.flags.no_writes())
    }

    /// Compiles and caches a script (once per body); returns its SHA1.
    pub fn load(&mut self, body: &[u8]) -> Result<String, Reply> {
        let sha = sha1_hex(body);
        if !self.scripts.contains_key(&sha) {
            let shebang = Shebang::parse(body)?;
            let source = shebang.commented_out(body);
            let interpreter = &self.interpreter;
            let function = interpreter.compile(&source, SCRIPT_CHUNK, interpreter.sandbox.clone()).map_err(|e| {
                Reply::error(format!("ERR Error compiling script (new function): {}", lua_message(&e)).replace(['\r', '\n'], " "))
            })?;
            self.scripts.insert(sha.clone(), Script { function, shebang });
        }
        Ok(sha)
    }

    /// Runs the cached script `sha` with its KEYS and ARGV; `read_only` refuses write commands.
    pub fn run(&mut self, ctx: &mut Ctx, sha: &str, keys: &[&[u8]], args: &[&[u8]], read_only: bool) -> Result<Reply, Reply> {
        let script = self.scripts.get(sha).ok_or_else(noscript)?;
        // A script with a shebang declares whether it writes; one without keeps EVAL's old rules.
        if read_only && script.shebang.present && !script.shebang.flags.no_writes() {
            return Err(WRITE_FLAG_WITH_RO);
        }
        let read_only = read_only || script.shebang.flags.no_writes();
        let declared = script.shebang.present.then_some(script.shebang.flags);
        let call = Call { function: &script.function, name: sha, kind: ScriptKind::Eval, keys, args, read_only, declared };
        self.interpreter.call(ctx, call)
    }
}

/// A compiled script and what its shebang allows.
struct Script {
    function: Function,
    shebang: Shebang,
}

/// Redis 7's script shebang, `#!lua [flags=<flag>[,<flag>...]]` on the first line.
#[derive(Default)]
struct Shebang {
    present: bool,
    flags: ScriptFlags,
}

impl Shebang {
    fn parse(body: &[u8]) -> Result<Shebang, Reply> {
        if !body.starts_with(b"#!") {
            return Ok(Shebang::default());
        }
        let line = body.split(|&b| b == b'\n').next().unwrap_or(body);
        let line = String::from_utf8_lossy(line);
        let mut parts = line.split_ascii_whitespace();
        let engine = parts.next().unwrap_or("");
        if engine != "#!lua" {
            return Err(Reply::error(format!("ERR Unexpected engine in script shebang: {engine}")));
        }
        let mut shebang = Shebang { present: true, flags: ScriptFlags::default() };
        for option in parts {
            let Some(flags) = option.strip_prefix("flags=") else {
                return Err(Reply::error(format!("ERR Unknown lua shebang option: {option}")));
            };
            for flag in flags.split(',').filter(|f| !f.is_empty()) {
                let known = ScriptFlags::named(flag.as_bytes(), false)
                    .ok_or_else(|| Reply::error(format!("ERR Unexpected flag in script shebang: {flag}")))?;
                shebang.flags = shebang.flags.with(known);
            }
        }
        Ok(shebang)
    }

    /// The body Lua compiles: the shebang line becomes a comment, so line numbers stay.
    fn commented_out<'a>(&self, body: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        if !self.present {
            return std::borrow::Cow::Borrowed(body);
        }
        let mut source = body.to_vec();
        source[..2].copy_from_slice(b"--");
        std::borrow::Cow::Owned(source)
    }
}

/// `NOSCRIPT No matching script. Please use EVAL.`
pub fn noscript() -> Reply {
    Reply::err("NOSCRIPT No matching script. Please use EVAL.")
}

/// The lowercase hex SHA1 scripts are named by.
pub fn sha1_hex(body: &[u8]) -> String {
    sha1_smol::Sha1::from(body).digest().to_string()
}

/// `cjson.null` and other NULL light userdata: Redis's stand-in for JSON null.
pub(crate) fn null() -> LightUserData {
    LightUserData(std::ptr::null_mut())
}
