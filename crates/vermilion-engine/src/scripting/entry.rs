//! The way into a run: one C function that builds KEYS and ARGV and calls the script's code under
//! the error handler, as Redis's `luaCallFunction` does. A run then costs a single protected call
//! from Rust, which matters on the hot path of a small EVALSHA or FCALL.

use std::ffi::{c_int, CStr};

use mlua::ffi;

/// What one run hands to [`enter`], behind a light pointer that lives for the call.
pub(super) struct Entry<'a> {
    pub(super) keys: &'a [&'a [u8]],
    pub(super) args: &'a [&'a [u8]],
    /// EVAL's scripts read KEYS and ARGV as globals; functions get them as their arguments.
    pub(super) as_globals: bool,
}

/// Called with (a light pointer to an [`Entry`], the code, the error handler); returns whether the
/// code ran without error, then its first result or the error the handler made of its failure.
///
/// Building the arrays may raise a memory error, which unwinds nothing: nothing here owns memory.
pub(super) unsafe extern "C-unwind" fn enter(state: *mut ffi::lua_State) -> c_int {
    const CODE: c_int = 2;
    const HANDLER: c_int = 3;
    // SAFETY: the interpreter passes a pointer to an `Entry` that outlives this call.
    let entry = &*ffi::lua_touserdata(state, 1).cast::<Entry>().cast_const();
    ffi::lua_pushvalue(state, CODE);
    let nargs = if entry.as_globals {
        set_global_array(state, c"KEYS", entry.keys);
        set_global_array(state, c"ARGV", entry.args);
        0
    } else {
        push_array(state, entry.keys);
        push_array(state, entry.args);
        2
    };
    let status = ffi::lua_pcall(state, nargs, 1, HANDLER);
    ffi::lua_pushboolean(state, c_int::from(status == 0));
    ffi::lua_insert(state, -2);
    2
}

/// Sets global `name` (of the real globals, which the sandbox reads through) to a fresh array
/// of `items`.
unsafe fn set_global_array(state: *mut ffi::lua_State, name: &CStr, items: &[&[u8]]) {
    ffi::lua_pushstring(state, name.as_ptr());
    push_array(state, items);
    ffi::lua_rawset(state, ffi::LUA_GLOBALSINDEX);
}

/// Pushes a fresh array of `items` (two stack slots while it is built).
unsafe fn push_array(state: *mut ffi::lua_State, items: &[&[u8]]) {
    ffi::lua_createtable(state, c_int::try_from(items.len()).unwrap_or(c_int::MAX), 0);
    for (i, item) in items.iter().enumerate() {
        ffi::lua_pushlstring(state, item.as_ptr().cast(), item.len());
        ffi::lua_rawseti(state, -2, (i + 1) as ffi::lua_Integer);
    }
}
