//! The sandbox Redis puts scripts in: a short list of globals, read-only globals and
//! libraries, and Redis's `math.random`.

use std::ffi::{c_int, CStr};
use std::sync::Arc;

use mlua::{ffi, Function, Lua, MultiValue, Table, Value};

use super::{ScriptShared, INTERNAL_CHUNK};

/// The globals a script may see (Redis 7's list); everything else the standard libraries define
/// (`print`, `dofile`, `loadfile`, `require`, `setfenv`, ...) is removed.
const ALLOWED_GLOBALS: &[&str] = &[
    "_G", "_VERSION", "assert", "collectgarbage", "coroutine", "error", "gcinfo", "getmetatable",
    "ipairs", "load", "loadstring", "next", "pairs", "pcall", "rawequal", "rawget", "rawset",
    "select", "setmetatable", "tonumber", "tostring", "type", "unpack", "xpcall",
    "string", "table", "math", "bit", "cjson", "cmsgpack", "struct", "redis", "__redis__err__handler",
];

/// Registry slot of the set of read-only tables (as keys), which scripts' `rawset` refuses.
const READONLY_KEY: &CStr = c"vermilion.readonly";

/// Library tables scripts may read but never change.
const READONLY_LIBRARIES: &[&str] =
    &["string", "table", "math", "coroutine", "bit", "cjson", "cmsgpack", "struct", "redis"];

/// Replaces `math.random` and `math.randomseed` with Redis's generator.
pub(super) fn install_random(lua: &Lua, globals: &Table, shared: &Arc<ScriptShared>) -> mlua::Result<()> {
    let math: Table = globals.raw_get("math")?;
    let rng = Arc::clone(shared);
    math.raw_set(
        "random",
        lua.create_function(move |_, bounds: mlua::Variadic<f64>| {
            let r = rng.rng.next_fraction();
            // luaL_checkint truncates toward zero.
            match bounds[..] {
                [] => Ok(r),
                [upper] => {
                    let upper = upper as i32;
                    if upper < 1 {
                        return Err(mlua::Error::runtime("bad argument #1 to 'random' (interval is empty)"));
                    }
                    Ok((r * f64::from(upper)).floor() + 1.0)
                }
                [lower, upper] => {
                    let (lower, upper) = (lower as i32, upper as i32);
                    if lower > upper {
                        return Err(mlua::Error::runtime("bad argument #2 to 'random' (interval is empty)"));
                    }
                    Ok((r * (f64::from(upper) - f64::from(lower) + 1.0)).floor() + f64::from(lower))
                }
                _ => Err(mlua::Error::runtime("wrong number of arguments")),
            }
        })?,
    )?;
    let rng = Arc::clone(shared);
    math.raw_set(
        "randomseed",
        lua.create_function(move |_, seed: f64| {
            rng.rng.seed(seed as i32);
            Ok(())
        })?,
    )?;
    Ok(())
}

pub(super) fn remove_unsafe_globals(globals: &Table) -> mlua::Result<()> {
    let mut unsafe_names = Vec::new();
    globals.for_each(|name: Value, _: Value| {
        let allowed = matches!(&name, Value::String(s) if ALLOWED_GLOBALS.contains(&&*s.to_string_lossy()));
        if !allowed {
            unsafe_names.push(name);
        }
        Ok(())
    })?;
    for name in unsafe_names {
        globals.raw_set(name, Value::Nil)?;
    }
    Ok(())
}

/// Makes the globals and the libraries read-only for scripts, as Redis 7 does: scripts see
/// the globals through an empty proxy that refuses writes, reading a missing global is an error,
/// and each library table is replaced by a read-only view of itself. Returns the proxy, which
/// becomes every script's environment (and its `_G`).
pub(super) fn protect_globals(lua: &Lua, globals: &Table, string_meta: &Table) -> mlua::Result<Table> {
    let refuse_write = refuse_write(lua)?;
    for name in READONLY_LIBRARIES {
        let library: Table = globals.raw_get(*name)?;
        globals.raw_set(*name, readonly_view(lua, library, &refuse_write)?)?;
    }
    // Strings index the read-only `string` too, and their metatable reads as read-only.
    string_meta.raw_set("__index", globals.raw_get::<Table>("string")?)?;
    string_meta.raw_set("__metatable", readonly_view(lua, string_meta.clone(), &refuse_write)?)?;
    make_strict(lua, globals, &refuse_write)?;
    let sandbox = readonly_view(lua, globals.clone(), &refuse_write)?;
    globals.raw_set("_G", sandbox.clone())?;
    Ok(sandbox)
}

/// The function every read-only table raises from on a write.
pub(super) fn refuse_write(lua: &Lua) -> mlua::Result<Function> {
    lua.create_function(|_, _: MultiValue| -> mlua::Result<()> { Err(mlua::Error::runtime("Attempt to modify a readonly table")) })
}

/// Gives `table` Redis's error metatable: reading a missing name is an error, and so is any write.
pub(super) fn make_strict(lua: &Lua, table: &Table, refuse_write: &Function) -> mlua::Result<()> {
    let missing_global = lua.create_function(|_, (_, name): (Value, Value)| -> mlua::Result<()> {
        let name = match name {
            Value::String(s) => s.to_string_lossy(),
            other => format!("{other:?}"),
        };
        Err(mlua::Error::runtime(format!("Script attempted to access nonexistent global variable '{name}'")))
    })?;
    let meta = lua.create_table()?;
    meta.raw_set("__index", missing_global)?;
    meta.raw_set("__newindex", refuse_write.clone())?;
    table.set_metatable(Some(meta))?;
    mark_readonly(lua, table)
}

/// Code compiled by `loadstring` and `load` runs in the scripts' sandbox too, not in the
/// real globals.
pub(super) fn confine_loaders(lua: &Lua, globals: &Table, sandbox: &Table, setfenv: Function) -> mlua::Result<()> {
    const CONFINED: &str = r#"
local loader, setfenv, sandbox = ...
return function(...)
  local chunk, message = loader(...)
  if chunk then setfenv(chunk, sandbox) end
  return chunk, message
end
"#;
    for name in ["loadstring", "load"] {
        let loader: Function = globals.raw_get(name)?;
        let confined: Function =
            lua.load(CONFINED).set_name(INTERNAL_CHUNK).call((loader, setfenv.clone(), sandbox.clone()))?;
        globals.raw_set(name, confined)?;
    }
    Ok(())
}

/// An empty table reading through to `target` and refusing every write.
pub(super) fn readonly_view(lua: &Lua, target: Table, refuse_write: &Function) -> mlua::Result<Table> {
    let meta = lua.create_table()?;
    meta.raw_set("__index", target)?;
    meta.raw_set("__newindex", refuse_write.clone())?;
    meta.raw_set("__metatable", false)?;
    let view = lua.create_table()?;
    view.set_metatable(Some(meta))?;
    mark_readonly(lua, &view)?;
    Ok(view)
}

/// Adds `table` to the tables scripts' `rawset` refuses.
pub(super) fn mark_readonly(lua: &Lua, table: &Table) -> mlua::Result<()> {
    let name = READONLY_KEY.to_str().expect("ASCII name");
    let readonly = match lua.named_registry_value::<Option<Table>>(name)? {
        Some(set) => set,
        None => {
            let set = lua.create_table()?;
            lua.set_named_registry_value(name, &set)?;
            set
        }
    };
    readonly.raw_set(table, true)
}

/// The scripts' `rawset` (Lua's `luaB_rawset`), except that the read-only tables refuse it too,
/// as Redis's readonly tables do: otherwise a script could write a global into the sandbox's
/// proxy, and every later script would see it.
pub(super) unsafe extern "C-unwind" fn script_rawset(state: *mut ffi::lua_State) -> c_int {
    ffi::luaL_checktype(state, 1, ffi::LUA_TTABLE);
    ffi::luaL_checkany(state, 2);
    ffi::luaL_checkany(state, 3);
    ffi::lua_settop(state, 3);
    ffi::lua_getfield(state, ffi::LUA_REGISTRYINDEX, READONLY_KEY.as_ptr());
    let readonly = ffi::lua_istable(state, -1) != 0 && {
        ffi::lua_pushvalue(state, 1);
        ffi::lua_rawget(state, -2);
        let marked = ffi::lua_toboolean(state, -1) != 0;
        ffi::lua_pop(state, 1);
        marked
    };
    ffi::lua_pop(state, 1);
    if readonly {
        // A plain message, raised from C: no script position in it, as in Redis.
        ffi::lua_pushstring(state, c"Attempt to modify a readonly table".as_ptr());
        ffi::lua_error(state);
    }
    ffi::lua_rawset(state, 1);
    1
}


#[cfg(test)]
mod tests {
    use crate::{Config, ConnectionInfo, Engine, Reply};

    #[test]
    fn rawset_refuses_the_readonly_tables_and_nothing_leaks_to_the_next_script() {
        let engine = Engine::open(Config::default()).expect("engine opens");
        let mut client = engine.connect(ConnectionInfo::embedded("test"));
        let mut eval = |body: &str| client.execute(&[b"EVAL", body.as_bytes(), b"1", b"good"]);
        for target in ["_G", "redis", "string", "getmetatable('')"] {
            let Reply::Error(line) = eval(&format!("rawset({target}, 'KEYS', {{'evil'}}) return 1")) else {
                panic!("rawset on {target} went through")
            };
            assert!(line.starts_with("ERR Attempt to modify a readonly table script: "), "{line}");
        }
        assert_eq!(eval("local ok, e = pcall(rawset, _G, 'x', 1) return e"), Reply::bulk("Attempt to modify a readonly table"));
        assert_eq!(eval("return KEYS[1]"), Reply::bulk("good"));
        assert_eq!(eval("return rawset({}, 'a', 'b').a"), Reply::bulk("b"));
        engine.shutdown();
    }
}
