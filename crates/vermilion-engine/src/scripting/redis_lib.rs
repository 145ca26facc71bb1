//! The `redis` library's functions that need no command context (`call` and `pcall` are the
//! runtime's), with Redis 7's argument checks and messages.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use mlua::{Lua, Result, Table, Value, Variadic};

use super::convert::error_table;
use super::{lib_error, sha1_hex, ScriptShared};

/// `redis.LOG_*` levels, Redis's `LL_*` values.
const LOG_LEVELS: &[(&str, i64)] = &[("LOG_DEBUG", 0), ("LOG_VERBOSE", 1), ("LOG_NOTICE", 2), ("LOG_WARNING", 3)];

/// `redis.REPL_*` flags for `redis.set_repl` (`PROPAGATE_*`).
const REPL_FLAGS: &[(&str, i64)] = &[("REPL_NONE", 0), ("REPL_AOF", 1), ("REPL_SLAVE", 2), ("REPL_REPLICA", 2), ("REPL_ALL", 3)];

pub fn install(lua: &Lua, redis: &Table, shared: &Arc<ScriptShared>) -> Result<()> {
    install_load_api(lua, redis, shared)?;
    for &(name, value) in REPL_FLAGS {
        redis.raw_set(name, value)?;
    }
    redis.raw_set("error_reply", lua.create_function(error_reply)?)?;
    redis.raw_set("status_reply", lua.create_function(status_reply)?)?;
    redis.raw_set("sha1hex", lua.create_function(sha1hex)?)?;
    redis.raw_set("set_repl", lua.create_function(set_repl)?)?;
    redis.raw_set("replicate_commands", lua.create_function(|_, _: Variadic<Value>| Ok(true))?)?;
    redis.raw_set("breakpoint", lua.create_function(|_, _: Variadic<Value>| Ok(false))?)?;
    redis.raw_set("debug", lua.create_function(|_, _: Variadic<Value>| Ok(()))?)?;
    let shared = Arc::clone(shared);
    redis.raw_set(
        "setresp",
        lua.create_function(move |_, args: Variadic<Value>| {
            let [version] = args.as_slice() else {
                return lib_error("redis.setresp() requires one argument.");
            };
            match number(version) {
                Some(v) if v == 2.0 || v == 3.0 => {
                    shared.resp.store(v as u8, Ordering::Relaxed);
                    Ok(())
                }
                _ => lib_error("RESP version must be 2 or 3."),
            }
        })?,
    )?;
    Ok(())
}

/// What a library's code may use of `redis` while it loads, besides `register_function`:
/// `log`, the `LOG_*` levels and the version (Redis 7.0's load-time API).
pub fn install_load_api(lua: &Lua, redis: &Table, shared: &Arc<ScriptShared>) -> Result<()> {
    for &(name, value) in LOG_LEVELS {
        redis.raw_set(name, value)?;
    }
    redis.raw_set("REDIS_VERSION", crate::REDIS_VERSION)?;
    redis.raw_set("REDIS_VERSION_NUM", version_number(crate::REDIS_VERSION))?;
    let shared = Arc::clone(shared);
    redis.raw_set("log", lua.create_function(move |_, args: Variadic<Value>| log(&shared, &args))?)?;
    Ok(())
}

/// `0x00MMmmpp`, as `REDIS_VERSION_NUM`.
fn version_number(version: &str) -> i64 {
    version.split('.').take(3).fold(0, |acc, part| (acc << 8) | part.parse::<i64>().unwrap_or(0))
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(n) => Some(*n as f64),
        Value::Number(n) => Some(*n),
        Value::String(s) => s.to_str().ok()?.trim().parse().ok(),
        _ => None,
    }
}

/// The one string argument of `error_reply` / `status_reply`; anything else is answered (not
/// raised) with an error table, as Redis does.
fn single_string(args: &Variadic<Value>) -> Option<mlua::LuaString> {
    match args.as_slice() {
        [Value::String(s)] => Some(s.clone()),
        _ => None,
    }
}

/// `redis.error_reply(message)` → `{err="message"}`, with `ERR` in front of a code-less line.
fn error_reply(lua: &Lua, args: Variadic<Value>) -> Result<Table> {
    match single_string(&args) {
        Some(message) => error_table(lua, &format!("-{}", message.to_string_lossy())),
        None => error_table(lua, "ERR wrong number or type of arguments"),
    }
}

/// `redis.status_reply(message)` → `{ok="message"}`.
fn status_reply(lua: &Lua, args: Variadic<Value>) -> Result<Table> {
    match single_string(&args) {
        Some(message) => {
            let table = lua.create_table_with_capacity(0, 1)?;
            table.raw_set("ok", message)?;
            Ok(table)
        }
        None => error_table(lua, "ERR wrong number or type of arguments"),
    }
}

/// `redis.sha1hex(text)`.
fn sha1hex(_: &Lua, args: Variadic<Value>) -> Result<String> {
    match args.as_slice() {
        [Value::String(s)] => Ok(sha1_hex(&s.as_bytes())),
        [Value::Integer(n)] => Ok(sha1_hex(n.to_string().as_bytes())),
        [Value::Number(n)] => Ok(sha1_hex(super::cjson::format_number(*n).as_bytes())),
        [_] => Ok(sha1_hex(b"")),
        _ => lib_error("wrong number of arguments"),
    }
}

/// `redis.log(level, message ...)`: the messages (strings and numbers; other values are left
/// out) joined by spaces, logged if `loglevel` lets the level through.
fn log(shared: &ScriptShared, args: &[Value]) -> Result<()> {
    if args.len() < 2 {
        return lib_error("redis.log() requires two arguments or more.");
    }
    let Some(level) = number(&args[0]) else {
        return lib_error("First argument must be a number (log level).");
    };
    // C's conversion to int truncates toward zero.
    let level = level.trunc();
    if !(0.0..=3.0).contains(&level) {
        return lib_error("Invalid debug level.");
    }
    let mut message = Vec::new();
    for (i, part) in args[1..].iter().enumerate() {
        let text = match part {
            Value::String(s) => s.as_bytes().to_vec(),
            Value::Integer(n) => n.to_string().into_bytes(),
            Value::Number(n) => super::cjson::format_number(*n).into_bytes(),
            _ => continue,
        };
        // As Redis glues them: a space before every printed message but the first argument's.
        if i > 0 {
            message.push(b' ');
        }
        message.extend_from_slice(&text);
    }
    super::log::write(level as u8, shared.log_level.load(Ordering::Relaxed), &message);
    Ok(())
}

/// `redis.set_repl(flags)`: scripts always replicate their effects, so only the check remains.
fn set_repl(_: &Lua, args: Variadic<Value>) -> Result<()> {
    let [flags] = args.as_slice() else {
        return lib_error("redis.set_repl() requires two arguments.");
    };
    match number(flags) {
        Some(f) if (0.0..=3.0).contains(&f) && f.fract() == 0.0 => Ok(()),
        _ => lib_error("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE."),
    }
}
