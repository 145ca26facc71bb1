//! The sandbox Redis puts scripts in: a short list of globals, read-only globals and
//! libraries, and Redis's `math.random`.

use std::sync::Arc;

use mlua::{Function, Lua, MultiValue, Table, Value};

use super::{ScriptShared, INTERNAL_CHUNK};

/// The globals a script may see (Redis 7's list); everything else the standard libraries define
/// (`print`, `dofile`, `loadfile`, `require`, `setfenv`, ...) is removed.
const ALLOWED_GLOBALS: &[&str] = &[
    "_G", "_VERSION", "assert", "collectgarbage", "coroutine", "error", "gcinfo", "getmetatable",
    "ipairs", "load", "loadstring", "next", "pairs", "pcall", "rawequal", "rawget", "rawset",
    "select", "setmetatable", "tonumber", "tostring", "type", "unpack", "xpcall",
    "string", "table", "math", "bit", "cjson", "cmsgpack", "struct", "redis", "__redis__err__handler",
];

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
    Ok(())
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
    Ok(view)
}

