//! `redis.call` and `redis.pcall`: C functions that run the script's commands through the
//! dispatcher, and the scripts' `pcall`.

use std::ffi::c_int;
use std::sync::atomic::Ordering;

use mlua::ffi;

use super::{convert, ScriptShared, ERROR_MESSAGE_KEY};
use crate::client::{run_locked, ClientState};
use crate::commands::{self, flag, Command};
use crate::engine::Engine;
use crate::keyspace::Keyspace;
use crate::reply::Reply;

/// Runs the commands of one script: the script client's state, the locked keyspace, and the
/// script's permissions.
pub(super) struct ScriptCaller<'a> {
    pub(super) engine: &'a Engine,
    pub(super) state: &'a mut ClientState,
    pub(super) ks: &'a mut Keyspace,
    pub(super) now: i64,
    pub(super) read_only: bool,
    /// Memory was over `maxmemory` with nothing to evict when the script started: its first
    /// write that may grow memory is refused; once it has written, it runs to its end (Redis's
    /// `scriptVerifyOOM`).
    pub(super) refuses_growth: bool,
    pub(super) shared: &'a ScriptShared,
    /// A panic caught in a command, resumed when the script is over.
    pub(super) panic: Option<Box<dyn std::any::Any + Send>>,
}

impl ScriptCaller<'_> {
    /// Runs one command of the script; `None` words means an argument was neither a string
    /// nor a number.
    fn execute(&mut self, words: Option<&[&[u8]]>) -> Reply {
        self.state.resp = self.shared.resp.load(Ordering::Relaxed);
        let Some(argv) = words else {
            return Reply::err("ERR Lua redis lib command arguments must be strings or integers");
        };
        if argv.is_empty() {
            return Reply::err("ERR Please specify at least one argument for this redis lib call");
        }
        let (cmd, first_arg) = match resolve_for_script(argv) {
            Ok(found) => found,
            Err(reply) => return reply,
        };
        if cmd.has(flag::NOSCRIPT) {
            return Reply::err("ERR This Redis command is not allowed from script");
        }
        if self.read_only && cmd.has(flag::WRITE) {
            return Reply::err("ERR Write commands are not allowed from read-only scripts.");
        }
        if cmd.has(flag::WRITE) {
            if self.refuses_growth && cmd.has(flag::DENYOOM) {
                return crate::reply::errors::OOM;
            }
            self.refuses_growth = false;
        }
        // A killed script runs nothing more; a write makes it unkillable from here on.
        let status = &self.shared.status;
        if status.kill_requested() || (cmd.has(flag::WRITE) && !status.note_write()) {
            return killed();
        }
        if let Err(denial) = crate::acl::check(&self.state.acl_user, cmd, argv) {
            crate::client::log_denial(self.engine, self.state, denial, crate::acl::LogContext::Lua, cmd, argv);
            return Reply::err(match denial {
                crate::acl::Denial::Command => "ERR The user executing the script can't run this command or subcommand",
                crate::acl::Denial::Key(_) => "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments",
                crate::acl::Denial::Channel(_) => "ERR The user executing the script can't publish to the channel mentioned in the command",
            });
        }
        let (reply, _) = run_locked(self.engine, self.state, self.ks, cmd, argv, first_arg, Some(self.now), false);
        reply
    }
}

fn killed() -> Reply {
    Reply::error(super::status::KILLED_MESSAGE.to_str().expect("ASCII message"))
}

/// The running script's caller, published in the interpreter's shared state for `redis.call`
/// for as long as this guard lives: the pointer never outlives the script run that owns the
/// caller, and the caller is not used otherwise meanwhile.
pub(super) struct RunningCaller<'s> {
    shared: &'s ScriptShared,
}

impl<'s> RunningCaller<'s> {
    pub(super) fn publish(shared: &'s ScriptShared, caller: &mut ScriptCaller) -> Self {
        let pointer = std::ptr::from_mut(caller).cast::<std::ffi::c_void>();
        shared.caller.store(pointer, Ordering::Relaxed);
        RunningCaller { shared }
    }
}

impl Drop for RunningCaller<'_> {
    fn drop(&mut self) {
        self.shared.caller.store(std::ptr::null_mut(), Ordering::Relaxed);
    }
}

/// Commands with at most this many words (nearly all a script runs) are gathered without
/// allocating.
const INLINE_WORDS: usize = 8;

/// Room for a number's `%.17g` text (at most 24 bytes: sign, 17 digits, point, exponent).
const NUMBER_TEXT: usize = 32;

/// Turns the number arguments on the stack into their `%.17g` text in place (Lua's own `%.14g`
/// would lose precision), so that every word is a Lua string; false if an argument is neither
/// a string nor a number. The slots are this C function's own: the script sees no change.
///
/// May raise a memory error, so it holds nothing that needs dropping while it pushes.
unsafe fn stringify_numbers(state: *mut ffi::lua_State, nargs: c_int) -> bool {
    for index in 1..=nargs {
        match ffi::lua_type(state, index) {
            ffi::LUA_TSTRING => {}
            ffi::LUA_TNUMBER => {
                let mut text = [0u8; NUMBER_TEXT];
                let len = {
                    let formatted = crate::double::format_g17(ffi::lua_tonumber(state, index));
                    let len = formatted.len().min(NUMBER_TEXT);
                    text[..len].copy_from_slice(&formatted.as_bytes()[..len]);
                    len
                };
                ffi::lua_pushlstring(state, text.as_ptr().cast(), len);
                ffi::lua_replace(state, index);
            }
            _ => return false,
        }
    }
    true
}

/// The bytes of the string at `index`.
///
/// # Safety
/// The string must stay on the stack while the bytes are in use.
unsafe fn string_at<'a>(state: *mut ffi::lua_State, index: c_int) -> &'a [u8] {
    let mut len = 0;
    let ptr = ffi::lua_tolstring(state, index, &mut len);
    std::slice::from_raw_parts(ptr.cast::<u8>(), len)
}

/// `redis.call`: a C function (its upvalue a light pointer to the [`ScriptShared`]), as in Redis, so that a failing command raises its error table
/// from the script's own line (and `return redis.call(...)` keeps the script's frame: Lua 5.1
/// tail calls do not replace a frame for C functions).
pub(super) unsafe extern "C-unwind" fn redis_call(state: *mut ffi::lua_State) -> c_int {
    if dispatch(state) {
        ffi::lua_error(state);
    }
    1
}

/// `redis.pcall`: the same, handing the error table back instead.
pub(super) unsafe extern "C-unwind" fn redis_pcall(state: *mut ffi::lua_State) -> c_int {
    dispatch(state);
    1
}

/// Runs the command named by the arguments on the stack for the running script and pushes its
/// reply (an error table if it failed); returns whether it failed. Everything owned here is
/// dropped before the caller may raise; a panic in the command is caught, parked in the caller
/// and resumed once the script has unwound.
unsafe fn dispatch(state: *mut ffi::lua_State) -> bool {
    let nargs = ffi::lua_gettop(state);
    // SAFETY: the upvalue points to the interpreter's shared state, which outlives its runs;
    // `RunningCaller` publishes the caller only while it is alive and borrowed by nothing else.
    let shared = ffi::lua_touserdata(state, ffi::lua_upvalueindex(1)).cast::<ScriptShared>().cast_const();
    let caller = (*shared).caller.load(Ordering::Relaxed).cast::<ScriptCaller>();
    let Some(caller) = caller.as_mut() else {
        convert::push_reply(state, &Reply::err("ERR redis.call is only available while a script runs"), false);
        return true;
    };
    let strings = stringify_numbers(state, nargs);
    let count = if strings { usize::try_from(nargs).unwrap_or(0) } else { 0 };
    let mut inline: [&[u8]; INLINE_WORDS] = [&[]; INLINE_WORDS];
    let mut spilled = Vec::new();
    let words = if count <= INLINE_WORDS {
        &mut inline[..count]
    } else {
        spilled.resize(count, &[][..]);
        &mut spilled[..]
    };
    // SAFETY: every argument is a string now, and stays on the stack until the reply is pushed.
    for (word, index) in words.iter_mut().zip(1..) {
        *word = string_at(state, index);
    }
    let words = strings.then_some(&*words);
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| caller.execute(words)));
    let reply = run.unwrap_or_else(|payload| {
        caller.panic = Some(payload);
        Reply::err("ERR the command panicked")
    });
    drop(spilled);
    convert::push_reply(state, &reply, caller.state.resp >= 3);
    reply.is_error()
}

/// The scripts' `pcall` (Redis 7's `luaRedisPcall`): Lua's own, except that a caught error
/// table is handed back as its `err` string, so `pcall(redis.call, ...)` yields the error line;
/// a Rust library's error is handed back as its message, as a C library's would be.
pub(super) unsafe extern "C-unwind" fn script_pcall(state: *mut ffi::lua_State) -> c_int {
    ffi::luaL_checkany(state, 1);
    let nargs = ffi::lua_gettop(state) - 1;
    ffi::lua_pushboolean(state, 1);
    ffi::lua_insert(state, 1);
    if ffi::lua_pcall(state, nargs, ffi::LUA_MULTRET, 0) != 0 {
        ffi::lua_remove(state, 1);
        if ffi::lua_istable(state, -1) != 0 {
            ffi::lua_getfield(state, -1, c"err".as_ptr());
            if ffi::lua_isstring(state, -1) != 0 {
                ffi::lua_replace(state, -2);
            } else {
                ffi::lua_pop(state, 1);
            }
        } else if ffi::lua_type(state, -1) == ffi::LUA_TUSERDATA {
            ffi::lua_getfield(state, ffi::LUA_REGISTRYINDEX, ERROR_MESSAGE_KEY.as_ptr());
            ffi::lua_insert(state, -2);
            ffi::lua_call(state, 1, 1);
        }
        ffi::lua_pushboolean(state, 0);
        ffi::lua_insert(state, 1);
    }
    ffi::lua_gettop(state)
}

/// Finds the command a script names, with the script flavour of the lookup errors.
fn resolve_for_script(argv: &[&[u8]]) -> Result<(&'static Command, usize), Reply> {
    const UNKNOWN: Reply = Reply::err("ERR Unknown Redis command called from script");
    const ARITY: Reply = Reply::err("ERR Wrong number of args calling Redis command from script");
    let mut cmd = commands::lookup(argv[0]).ok_or(UNKNOWN)?;
    let mut first_arg = 1;
    if !cmd.subcommands.is_empty() && (argv.len() >= 2 || !cmd.arity_ok(argv.len())) {
        if argv.len() < 2 {
            return Err(ARITY);
        }
        cmd = commands::lookup_sub(cmd, argv[1]).ok_or(UNKNOWN)?;
        first_arg = 2;
    }
    if !cmd.arity_ok(argv.len()) {
        return Err(ARITY);
    }
    Ok((cmd, first_arg))
}

