//! The way into a run: one C function that sets up KEYS and ARGV and calls the script's code
//! under the error handler, as Redis's `luaCallFunction` does. A run then costs a single protected
//! call from Rust, which matters on the hot path of a small EVALSHA or FCALL.
//!
//! EVAL's KEYS and ARGV tables are kept from run to run and refilled in place: making two tables
//! per run and collecting them again cost more than a small script itself (about 1,900 of the
//! 5,200 instructions of an EVALSHA of `return 1`). Scripts cannot tell: no script can keep a
//! table past its run (globals are read-only), and a table the last script changed in any way
//! (a new field, a metatable, another length) is replaced by a fresh one, as is every table after
//! [`FRESH_EVERY`] runs, so the room a big KEYS took is not kept for long. Functions get fresh
//! tables as arguments: one could keep them in an upvalue of its library.

use std::ffi::{c_int, CStr};
use std::sync::atomic::{AtomicU8, Ordering};

use mlua::ffi;

use super::convert;
use crate::reply::Reply;

/// Runs after which EVAL's KEYS and ARGV tables are replaced even if untouched.
const FRESH_EVERY: u32 = 64;

/// Upvalues of [`enter`]: EVAL's KEYS and ARGV tables (nil until the first script runs).
const KEYS_SLOT: c_int = 1;
const ARGV_SLOT: c_int = 2;

/// What the interpreter remembers of one of EVAL's kept tables between runs.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct KeptArray {
    /// How many items the last run was given.
    len: usize,
    /// Runs since the table was made.
    runs: u32,
}

impl KeptArray {
    /// What a table that must be replaced looks like, whatever its contents.
    const STALE: KeptArray = KeptArray { len: 0, runs: FRESH_EVERY };
}

/// EVAL's kept KEYS and ARGV.
#[derive(Debug, Default)]
pub(super) struct KeptArrays {
    keys: KeptArray,
    args: KeptArray,
}

/// What one run hands to [`enter`], behind a light pointer that lives for the call.
pub(super) struct Entry<'a> {
    pub(super) keys: &'a [&'a [u8]],
    pub(super) args: &'a [&'a [u8]],
    /// EVAL's scripts read KEYS and ARGV as globals, from the kept tables; functions get fresh
    /// ones as their arguments (`None`).
    pub(super) globals: Option<&'a mut KeptArrays>,
    /// The protocol the script chose (`redis.setresp`): it decides how a boolean converts.
    pub(super) resp: &'a AtomicU8,
    /// The reply, when the code succeeded with a plain value (not a table), converted straight
    /// from the stack rather than through a reference held by mlua.
    pub(super) reply: Option<Reply>,
}

/// Called with (a light pointer to an [`Entry`], the code, the error handler); returns whether the
/// code ran without error, then its first result or the error the handler made of its failure
/// (nil when the entry holds the reply already).
///
/// Building the arrays may raise a memory error, which unwinds nothing: nothing here owns memory.
pub(super) unsafe extern "C-unwind" fn enter(state: *mut ffi::lua_State) -> c_int {
    const CODE: c_int = 2;
    const HANDLER: c_int = 3;
    // SAFETY: the interpreter passes a pointer to an `Entry` that outlives this call and is not
    // used elsewhere meanwhile.
    let entry = &mut *ffi::lua_touserdata(state, 1).cast::<Entry>();
    ffi::lua_pushvalue(state, CODE);
    let nargs = if let Some(kept) = entry.globals.as_deref_mut() {
        refill(state, KEYS_SLOT, c"KEYS", entry.keys, &mut kept.keys);
        refill(state, ARGV_SLOT, c"ARGV", entry.args, &mut kept.args);
        0
    } else {
        push_array(state, entry.keys);
        push_array(state, entry.args);
        2
    };
    let status = ffi::lua_pcall(state, nargs, 1, HANDLER);
    if status == 0 {
        let resp3 = entry.resp.load(Ordering::Relaxed) >= 3;
        entry.reply = convert::plain_value_to_reply(state, -1, resp3);
        if entry.reply.is_some() {
            ffi::lua_pop(state, 1);
            ffi::lua_pushnil(state);
        }
    }
    ffi::lua_pushboolean(state, c_int::from(status == 0));
    ffi::lua_insert(state, -2);
    2
}

/// Makes the kept table in upvalue `slot` (global `name`) an array of `items`: refilled in place
/// if the last script left it as it was given, else replaced by a fresh one.
unsafe fn refill(state: *mut ffi::lua_State, slot: c_int, name: &CStr, items: &[&[u8]], kept: &mut KeptArray) {
    // Should a memory error cut this short, the next run starts from a fresh table.
    let last = std::mem::replace(kept, KeptArray::STALE);
    ffi::lua_pushvalue(state, ffi::lua_upvalueindex(slot));
    let table = ffi::lua_gettop(state);
    if last.runs >= FRESH_EVERY || !left_as_given(state, table, last.len) {
        ffi::lua_pop(state, 1);
        ffi::lua_pushstring(state, name.as_ptr());
        push_array(state, items);
        ffi::lua_pushvalue(state, -1);
        ffi::lua_replace(state, ffi::lua_upvalueindex(slot));
        // The real globals refuse writes through their metatable; the sandbox reads through them.
        ffi::lua_rawset(state, ffi::LUA_GLOBALSINDEX);
        *kept = KeptArray { len: items.len(), runs: 1 };
        return;
    }
    for (i, item) in items.iter().enumerate() {
        ffi::lua_pushlstring(state, item.as_ptr().cast(), item.len());
        ffi::lua_rawseti(state, table, (i + 1) as ffi::lua_Integer);
    }
    for i in items.len()..last.len {
        ffi::lua_pushnil(state);
        ffi::lua_rawseti(state, table, (i + 1) as ffi::lua_Integer);
    }
    ffi::lua_pop(state, 1);
    *kept = KeptArray { len: items.len(), runs: last.runs + 1 };
}

/// Whether the value at `table` is still the plain array of `len` items the last run was given:
/// a table, without a metatable, whose border is `len`, with nothing after index `len`.
unsafe fn left_as_given(state: *mut ffi::lua_State, table: c_int, len: usize) -> bool {
    if ffi::lua_type(state, table) != ffi::LUA_TTABLE {
        return false;
    }
    if ffi::lua_getmetatable(state, table) != 0 {
        ffi::lua_pop(state, 1);
        return false;
    }
    if ffi::lua_objlen(state, table) != len {
        return false;
    }
    // Iterate from the last item (present: the border is `len`), or from the start if empty.
    if len == 0 {
        ffi::lua_pushnil(state);
    } else {
        ffi::lua_pushinteger(state, len as ffi::lua_Integer);
    }
    if ffi::lua_next(state, table) != 0 {
        ffi::lua_pop(state, 2);
        return false;
    }
    true
}

/// Pushes a fresh array of `items` (two stack slots while it is built).
unsafe fn push_array(state: *mut ffi::lua_State, items: &[&[u8]]) {
    ffi::lua_createtable(state, c_int::try_from(items.len()).unwrap_or(c_int::MAX), 0);
    for (i, item) in items.iter().enumerate() {
        ffi::lua_pushlstring(state, item.as_ptr().cast(), item.len());
        ffi::lua_rawseti(state, -2, (i + 1) as ffi::lua_Integer);
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, ConnectionInfo, Engine, Reply};

    fn eval(client: &mut crate::Client, body: &str, keys: &[&str], args: &[&str]) -> Reply {
        let numkeys = keys.len().to_string();
        let mut argv: Vec<&[u8]> = vec![b"EVAL", body.as_bytes(), numkeys.as_bytes()];
        argv.extend(keys.iter().chain(args).map(|w| w.as_bytes()));
        client.execute(&argv)
    }

    fn ints(values: &[i64]) -> Reply {
        Reply::Array(values.iter().map(|&v| Reply::Integer(v)).collect())
    }

    /// What a script sees of its KEYS and ARGV: sizes, a field, an index past the end, a metatable.
    const INSPECT: &str = "return {#KEYS, #ARGV, KEYS.extra == nil and 1 or 0, KEYS[4] == nil and 1 or 0, \
                           getmetatable(KEYS) == nil and 1 or 0, ARGV.source == nil and 1 or 0}";

    #[test]
    fn kept_tables_look_fresh_whatever_the_last_script_did_to_them() {
        let engine = Engine::open(Config::default()).expect("engine opens");
        let mut client = engine.connect(ConnectionInfo::embedded("test"));
        let fresh = |keys: i64, args: i64| ints(&[keys, args, 1, 1, 1, 1]);
        let changes = [
            "KEYS.extra = 1 return 1",
            "KEYS[4] = 'x' return 1",
            "table.insert(KEYS, 'x') table.insert(KEYS, 'y') return 1",
            "table.remove(KEYS) return 1",
            "KEYS[1] = nil return 1",
            "setmetatable(KEYS, {__index = function() return 'ghost' end}) return 1",
            "for i = 1, 1000 do ARGV[i] = i end for i = 1000, 1, -1 do ARGV[i] = nil end return 1",
        ];
        for change in changes {
            assert_eq!(eval(&mut client, change, &["a", "b", "c"], &["x"]), Reply::Integer(1), "{change}");
            assert_eq!(eval(&mut client, INSPECT, &["a", "b", "c"], &["x"]), fresh(3, 1), "after {change}");
            assert_eq!(eval(&mut client, INSPECT, &["a"], &[]), fresh(1, 0), "after {change}");
        }
        // An error raised with ARGV itself gets the script's position written into it.
        assert!(eval(&mut client, "error(ARGV)", &[], &["x"]).is_error());
        assert_eq!(eval(&mut client, INSPECT, &[], &["x"]), fresh(0, 1));
        engine.shutdown();
    }

    #[test]
    fn kept_tables_carry_each_runs_items() {
        let engine = Engine::open(Config::default()).expect("engine opens");
        let mut client = engine.connect(ConnectionInfo::embedded("test"));
        let echo = "return {KEYS, ARGV}";
        let bulks = |words: &[&str]| Reply::Array(words.iter().map(|w| Reply::bulk(w.as_bytes())).collect());
        let runs: &[(&[&str], &[&str])] = &[(&["a", "b", "c"], &["1", "2"]), (&["d"], &[]), (&[], &["3"]), (&["e", "f"], &["4", "5", "6"])];
        // Past the runs after which the tables are replaced anyway.
        for round in 0..100 {
            let (keys, args) = runs[round % runs.len()];
            assert_eq!(eval(&mut client, echo, keys, args), Reply::Array(vec![bulks(keys), bulks(args)]), "round {round}");
        }
        engine.shutdown();
    }

    #[test]
    fn functions_see_no_keys_global() {
        let engine = Engine::open(Config::default()).expect("engine opens");
        let mut client = engine.connect(ConnectionInfo::embedded("test"));
        assert_eq!(eval(&mut client, "return #KEYS", &["a"], &[]), Reply::Integer(1));
        let library = "#!lua name=lib\nredis.register_function('f', function(keys) return {#keys, KEYS} end)";
        assert_eq!(client.execute(&[b"FUNCTION", b"LOAD", library.as_bytes()]), Reply::bulk("lib"));
        let Reply::Error(line) = client.execute(&[b"FCALL", b"f", b"1", b"a"]) else { panic!("KEYS is not a global of functions") };
        assert!(line.contains("nonexistent global variable 'KEYS'"), "{line}");
        engine.shutdown();
    }
}
