//! The Lua runtime behind EVAL: one Lua 5.1 interpreter per engine, sandboxed as Redis
//! sandboxes its own, and the cache of compiled scripts keyed by their SHA1.
//!
//! Scripts run with the keyspace lock held (the EVAL handler runs inside it), so every
//! `redis.call` goes straight to the dispatcher's `run_locked`, exactly as EXEC's commands do.
//! The script's commands run as a dedicated script client: its own selected database and
//! protocol, so SELECT or `redis.setresp` inside a script never leak to the caller.

mod bit;
mod call;
mod cjson;
mod cmsgpack;
mod convert;
mod errors;
mod rand48;
mod redis_lib;
mod sandbox;
mod structlib;

use std::ffi::{c_int, CStr};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use ahash::AHashMap;
use mlua::chunk::ChunkMode;
use mlua::ffi;
use mlua::{Function, LightUserData, Lua, LuaOptions, StdLib, Table, Value};

use crate::client::{ClientShared, ClientState, ConnectionInfo};
use crate::commands::Ctx;
use crate::reply::Reply;

use call::{redis_call, redis_pcall, script_pcall, RunningCaller, ScriptCaller};
use convert::lua_to_reply;
use errors::{caught_error_message, error_handler, interpreter_error, lua_message, script_error};
use rand48::Rand48;
use sandbox::{confine_loaders, install_random, protect_globals, remove_unsafe_globals};

pub(crate) use errors::lib_error;

/// Name of the chunk every script is compiled as; error positions read `user_script:<line>`.
const SCRIPT_CHUNK: &str = "@user_script";
/// Name of the runtime's own Lua code.
const INTERNAL_CHUNK: &str = "=redis";
/// Registry slot holding a light pointer to the running script's [`ScriptCaller`].
const CALLER_KEY: &CStr = c"vermilion.caller";
/// Registry slot of the function turning a Rust library error into its message.
const ERROR_MESSAGE_KEY: &CStr = c"vermilion.error_message";

/// What the interpreter's permanent functions share with the script being run.
#[derive(Default)]
pub(crate) struct ScriptShared {
    /// The protocol the script's commands reply in (`redis.setresp`).
    resp: AtomicU8,
    /// `math.random`'s generator.
    rng: Rand48,
}

/// One engine's interpreter and script cache.
pub struct Runtime {
    lua: Lua,
    /// What scripts see as their globals: a read-only view of the real ones.
    sandbox: Table,
    xpcall: Function,
    error_handler: Function,
    scripts: AHashMap<String, Script>,
    shared: Arc<ScriptShared>,
    /// The client the script's commands run as (Redis's Lua client): its own identity,
    /// selected database and protocol.
    script_state: ClientState,
}

impl Runtime {
    /// A fresh interpreter with Redis's libraries and sandbox.
    pub fn new(now_ms: i64) -> mlua::Result<Runtime> {
        let lua = Lua::new_with(StdLib::TABLE | StdLib::STRING | StdLib::MATH, LuaOptions::default())?;
        let globals = lua.globals();
        let shared = Arc::new(ScriptShared::default());
        shared.rng.seed(0);

        let error_handler = lua.create_function(error_handler)?;
        let error_message = lua.create_function(|_, error: Value| Ok(caught_error_message(&error)))?;
        lua.set_named_registry_value(ERROR_MESSAGE_KEY.to_str().expect("ASCII name"), error_message)?;
        globals.raw_set("__redis__err__handler", error_handler.clone())?;
        let redis = lua.create_table()?;
        // SAFETY: these C functions keep to the Lua stack and the registry (see `dispatch`, `script_pcall`).
        unsafe {
            redis.raw_set("call", lua.create_c_function(redis_call)?)?;
            redis.raw_set("pcall", lua.create_c_function(redis_pcall)?)?;
            globals.raw_set("pcall", lua.create_c_function(script_pcall)?)?;
        }
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
        let script_client = Arc::new(ClientShared::new(0, ConnectionInfo::embedded("lua"), now_ms));
        let script_state = ClientState::for_blocked_call(&script_client, 0, 2);
        Ok(Runtime {
            lua,
            sandbox,
            xpcall,
            error_handler,
            scripts: AHashMap::new(),
            shared,
            script_state,
        })
    }

    pub fn script_count(&self) -> usize {
        self.scripts.len()
    }

    pub fn used_memory(&self) -> usize {
        self.lua.used_memory()
    }

    /// Whether a script with this (lowercase) SHA1 is cached.
    pub fn contains(&self, sha: &str) -> bool {
        self.scripts.contains_key(sha)
    }

    /// Compiles and caches a script (once per body); returns its SHA1.
    pub fn load(&mut self, body: &[u8]) -> Result<String, Reply> {
        let sha = sha1_hex(body);
        if !self.scripts.contains_key(&sha) {
            let shebang = Shebang::parse(body)?;
            let source = shebang.commented_out(body);
            let function = self
                .lua
                .load(&*source)
                .set_name(SCRIPT_CHUNK)
                .set_mode(ChunkMode::Text)
                .set_environment(self.sandbox.clone())
                .into_function()
                .map_err(|e| {
                    Reply::error(format!("ERR Error compiling script (new function): {}", lua_message(&e)).replace(['\r', '\n'], " "))
                })?;
            self.scripts.insert(sha.clone(), Script { function, no_writes: shebang.no_writes });
        }
        Ok(sha)
    }

    /// Runs the cached script `sha` with its KEYS and ARGV; `read_only` refuses write commands.
    pub fn run(&mut self, ctx: &mut Ctx, sha: &str, keys: &[&[u8]], args: &[&[u8]], read_only: bool) -> Result<Reply, Reply> {
        let script = self.scripts.get(sha).ok_or_else(noscript)?;
        let read_only = read_only || script.no_writes;
        // SAFETY: `set_global_array` only pushes to and sets from the stack exec_raw gives it.
        let set_globals = unsafe {
            self.lua.exec_raw::<()>((), |state| {
                set_global_array(state, c"KEYS", keys);
                set_global_array(state, c"ARGV", args);
            })
        };
        set_globals.map_err(|e| interpreter_error(sha, &e))?;
        self.shared.resp.store(2, Ordering::Relaxed);
        self.script_state.db = ctx.client.db;
        // The whole script sees one time, as in Redis.
        let now = ctx.now();
        let mut caller = ScriptCaller {
            engine: ctx.engine,
            state: &mut self.script_state,
            ks: &mut *ctx.ks,
            now,
            read_only,
            shared: &self.shared,
            panic: None,
        };
        let outcome: mlua::Result<(bool, Value)> = RunningCaller::install(&self.lua, &mut caller)
            .and_then(|_running| self.xpcall.call((&script.function, &self.error_handler)));
        if let Some(payload) = caller.panic.take() {
            std::panic::resume_unwind(payload);
        }
        // Redis converts the result by the protocol the script chose, not the caller's.
        let script_resp3 = self.shared.resp.load(Ordering::Relaxed) >= 3;
        match outcome {
            Ok((true, value)) => Ok(lua_to_reply(&value, script_resp3)),
            Ok((false, error)) => Err(script_error(&error, sha)),
            Err(e) => Err(interpreter_error(sha, &e)),
        }
    }
}

/// Sets global `name` to a fresh array of `items` straight on the Lua stack (at most three
/// slots): KEYS and ARGV are rebuilt for every script, on the hot path of a small EVALSHA.
/// Runs protected (`exec_raw`), so an allocation failure unwinds nothing that needs dropping.
unsafe fn set_global_array(state: *mut ffi::lua_State, name: &CStr, items: &[&[u8]]) {
    ffi::lua_pushstring(state, name.as_ptr());
    ffi::lua_createtable(state, c_int::try_from(items.len()).unwrap_or(c_int::MAX), 0);
    for (i, item) in items.iter().enumerate() {
        ffi::lua_pushlstring(state, item.as_ptr().cast(), item.len());
        ffi::lua_rawseti(state, -2, (i + 1) as ffi::lua_Integer);
    }
    ffi::lua_rawset(state, ffi::LUA_GLOBALSINDEX);
}

/// A compiled script and what its shebang allows.
struct Script {
    function: Function,
    /// `#!lua flags=no-writes`: the script may not write, whichever command runs it.
    no_writes: bool,
}

/// Redis 7's script shebang, `#!lua [flags=<flag>[,<flag>...]]` on the first line.
#[derive(Default)]
struct Shebang {
    present: bool,
    no_writes: bool,
}

impl Shebang {
    /// Flags Redis knows; only `no-writes` changes what a script may do here.
    const FLAGS: &'static [&'static str] = &["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"];

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
        let mut shebang = Shebang { present: true, no_writes: false };
        for option in parts {
            let Some(flags) = option.strip_prefix("flags=") else {
                return Err(Reply::error(format!("ERR Unknown lua shebang option: {option}")));
            };
            for flag in flags.split(',').filter(|f| !f.is_empty()) {
                if !Self::FLAGS.contains(&flag) {
                    return Err(Reply::error(format!("ERR Unexpected flag in script shebang: {flag}")));
                }
                shebang.no_writes |= flag == "no-writes";
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
