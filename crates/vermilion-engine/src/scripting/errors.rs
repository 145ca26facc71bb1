//! Script errors: the error handler that turns every failure into Redis's error table, and the
//! error lines Redis 7 replies with.

use mlua::{Lua, Table, Value};

use crate::reply::Reply;

/// An error raised by the `redis` library itself: it reaches the caller as `ERR <message>`,
/// without a script position in front, as Redis's `luaPushError` + `luaError` do.
#[derive(Debug)]
pub(crate) struct RedisLibError(pub String);

impl std::fmt::Display for RedisLibError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedisLibError {}

/// Raises `ERR <message>` from a `redis` library function.
pub(crate) fn lib_error<T>(message: &str) -> mlua::Result<T> {
    Err(mlua::Error::external(RedisLibError(message.to_string())))
}

/// A failure of the interpreter itself (not of the script's code).
pub(super) fn interpreter_error(sha: &str, e: &mlua::Error) -> Reply {
    Reply::error(format!("ERR Error running script {sha}: {}", lua_message(e)).replace(['\r', '\n'], " "))
}

/// Where a script error happened: the innermost frame of the script itself.
struct ScriptFrame {
    source: String,
    short_src: String,
    line: i64,
}

fn script_frame(lua: &Lua) -> Option<ScriptFrame> {
    const MAX_LEVELS: usize = 64;
    for level in 1..MAX_LEVELS {
        let frame = lua.inspect_stack(level, |debug| {
            let source = debug.source();
            let is_script = source.what != "C";
            is_script.then(|| ScriptFrame {
                source: source.source.as_deref().unwrap_or("?").to_string(),
                short_src: source.short_src.as_deref().unwrap_or("?").to_string(),
                line: debug.current_line().map_or(-1, |l| l as i64),
            })
        })?;
        if frame.is_some() {
            return frame;
        }
    }
    None
}

/// The script's error handler (`__redis__err__handler`): every error becomes a table
/// `{err=..., source=..., line=...}`. Errors raised by Lua code arrive as strings already
/// positioned (`user_script:1: ...`); errors of Rust library functions get the position of
/// the script line that called them, as C libraries' `luaL_error` gives.
pub(super) fn error_handler(lua: &Lua, error: Value) -> mlua::Result<Table> {
    let frame = script_frame(lua);
    let table = match error {
        Value::Table(table) => table,
        Value::Error(e) => {
            let message = match find_lib_error(&e) {
                Some(lib) => format!("ERR {lib}"),
                None => {
                    let position = frame.as_ref().map(|f| format!("{}:{}: ", f.short_src, f.line)).unwrap_or_default();
                    format!("ERR {position}{}", lua_message(&e))
                }
            };
            let table = lua.create_table()?;
            table.raw_set("err", message)?;
            table
        }
        other => {
            let table = lua.create_table()?;
            table.raw_set("err", format!("ERR {}", display_value(&other)))?;
            table
        }
    };
    if let Some(frame) = frame {
        table.raw_set("source", frame.source)?;
        table.raw_set("line", frame.line)?;
    }
    Ok(table)
}

/// What a script's `pcall` sees of an error raised by a Rust library function.
pub(super) fn caught_error_message(error: &Value) -> String {
    match error {
        Value::Error(e) => match find_lib_error(e) {
            Some(lib) => format!("ERR {lib}"),
            None => lua_message(e),
        },
        other => display_value(other),
    }
}

fn find_lib_error(e: &mlua::Error) -> Option<&RedisLibError> {
    match e {
        mlua::Error::CallbackError { cause, .. } => find_lib_error(cause),
        mlua::Error::ExternalError(inner) => inner.downcast_ref::<RedisLibError>(),
        _ => None,
    }
}

/// An interpreter error's message as Lua would print it, without mlua's decorations.
pub(super) fn lua_message(e: &mlua::Error) -> String {
    match e {
        mlua::Error::CallbackError { cause, .. } => lua_message(cause),
        mlua::Error::RuntimeError(message) | mlua::Error::SyntaxError { message, .. } => message.clone(),
        mlua::Error::ExternalError(inner) => inner.to_string(),
        mlua::Error::BadArgument { to, pos, cause, .. } => {
            format!("bad argument #{pos} to '{}' ({})", to.as_deref().unwrap_or("?"), lua_message(cause))
        }
        mlua::Error::FromLuaConversionError { from, to, .. } => format!("{to} expected, got {from}"),
        other => other.to_string(),
    }
}

/// `tostring` of a non-table error value.
pub(super) fn display_value(value: &Value) -> String {
    match value {
        Value::Nil => "nil".into(),
        Value::Boolean(b) => b.to_string(),
        Value::Integer(n) => n.to_string(),
        Value::Number(n) => super::cjson::format_number(*n),
        Value::String(s) => s.to_string_lossy(),
        other => other.type_name().into(),
    }
}

/// The reply of a failed script, as Redis 7 words it:
/// `<error> script: <sha>, on @user_script:<line>.`
pub(super) fn script_error(error: &Value, sha: &str) -> Reply {
    let Value::Table(table) = error else {
        return Reply::error(format!("ERR Error running script {sha}, {:.100}", display_value(error)));
    };
    let message = match table.raw_get::<Value>("err") {
        Ok(Value::String(s)) => s.to_string_lossy(),
        _ => "ERR unknown error".to_string(),
    };
    let source = table.raw_get::<Option<String>>("source").ok().flatten();
    let line = table.raw_get::<Option<i64>>("line").ok().flatten();
    let text = match (source, line) {
        (Some(source), Some(line)) => format!("{message} script: {sha}, on {source}:{line}."),
        _ => message,
    };
    Reply::error(text.replace(['\r', '\n'], " "))
}

