//! The Lua hook that ends a script from outside: a kill request (`SCRIPT KILL`, `FUNCTION KILL`)
//! or the time limit of a library's load.
//!
//! Checked every [`INSTRUCTIONS_PER_CHECK`] instructions, as Redis does. Once it fires, the hook
//! runs on every line, so a script cannot swallow the error with `pcall` and carry on.

use std::ffi::{c_int, CStr};
use std::sync::atomic::Ordering;
use std::time::Instant;

use mlua::{ffi, LightUserData, Lua};

use super::status::KILLED_MESSAGE;
use super::ScriptShared;

/// Registry slot holding a light pointer to the interpreter's [`ScriptShared`].
const SHARED_KEY: &CStr = c"vermilion.watchdog";
/// Redis's interval (`LUA_MASKCOUNT`, 100000).
const INSTRUCTIONS_PER_CHECK: c_int = 100_000;

/// Installs the hook for good. `shared` must outlive the interpreter's runs: the runtime keeps
/// both for its whole life.
pub(super) fn install(lua: &Lua, shared: &ScriptShared) -> mlua::Result<()> {
    let pointer = std::ptr::from_ref(shared).cast_mut().cast::<std::ffi::c_void>();
    lua.set_named_registry_value(SHARED_KEY.to_str().expect("ASCII name"), LightUserData(pointer))?;
    rearm(lua)
}

/// Back to the periodic check after a run the hook ended (it had switched to every line).
pub(super) fn rearm(lua: &Lua) -> mlua::Result<()> {
    // SAFETY: only sets the hook of the state exec_raw hands over.
    unsafe { lua.exec_raw::<()>((), |state| set_periodic(state)) }
}

unsafe fn set_periodic(state: *mut ffi::lua_State) {
    ffi::lua_sethook(state, Some(hook), ffi::LUA_MASKCOUNT, INSTRUCTIONS_PER_CHECK);
}

/// Why the running code must stop, if it must.
fn stop_reason(shared: &ScriptShared) -> Option<&'static CStr> {
    if shared.status.kill_requested() {
        return Some(KILLED_MESSAGE);
    }
    let deadline = *shared.load_deadline.lock();
    deadline.filter(|d| Instant::now() >= *d).map(|_| c"ERR FUNCTION LOAD timeout")
}

unsafe extern "C-unwind" fn hook(state: *mut ffi::lua_State, debug: *mut ffi::lua_Debug) {
    ffi::lua_getfield(state, ffi::LUA_REGISTRYINDEX, SHARED_KEY.as_ptr());
    let shared = ffi::lua_touserdata(state, -1).cast::<ScriptShared>().cast_const();
    ffi::lua_pop(state, 1);
    // SAFETY: `install` published a pointer to the runtime's shared state, which lives as long
    // as the interpreter.
    let Some(shared) = shared.as_ref() else { return };
    let Some(reason) = stop_reason(shared) else { return };
    // The runtime's own Lua code (which calls the script and hands its result back) is never
    // interrupted: the script stops inside its own code, under the error handler.
    if ffi::lua_getinfo(state, c"S".as_ptr(), debug) != 0 && in_runtime_code(&*debug) {
        return;
    }
    let first_time = !shared.hook_escalated.swap(true, Ordering::Relaxed);
    if first_time && reason == KILLED_MESSAGE {
        super::log::write(super::log::WARNING, shared.log_level.load(Ordering::Relaxed), b"Lua script killed by user with SCRIPT KILL.");
    }
    ffi::lua_sethook(state, Some(hook), ffi::LUA_MASKLINE, 0);
    // Redis's error table; the error handler adds the script's position.
    ffi::lua_createtable(state, 0, 1);
    ffi::lua_pushstring(state, reason.as_ptr());
    ffi::lua_setfield(state, -2, c"err".as_ptr());
    ffi::lua_error(state);
}

/// Whether the hook fired in the runtime's own chunks (named `=...`), not in user code.
unsafe fn in_runtime_code(debug: &ffi::lua_Debug) -> bool {
    !debug.source.is_null() && *debug.source == b'=' as std::ffi::c_char
}
