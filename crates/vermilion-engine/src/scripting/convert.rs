//! Replies to Lua values and back, with Redis's rules (`redisProtocolToLuaType` and
//! `luaReplyToRedisReply`). Replies go straight onto the Lua stack: that is the hot path of
//! every `redis.call`.

use std::ffi::{c_int, CStr};

use mlua::{ffi, Lua, Result, Table, Value};

use crate::double::format_g17;
use crate::reply::Reply;

/// How deep a script's reply may nest before Redis gives up on it.
const MAX_REPLY_DEPTH: usize = 1000;

/// Pushes a command's reply as the script sees it. `resp3` is the protocol the script chose
/// with `redis.setresp`: RESP2 folds maps, sets, doubles and booleans into arrays, strings and
/// integers; RESP3 keeps them as Redis's marked tables (`{map=...}`, `{double=...}`, ...).
///
/// # Safety
/// `state` must be a running Lua state. Raises a Lua error (Redis's "reached lua stack limit")
/// if the reply nests deeper than the stack can grow.
pub unsafe fn push_reply(state: *mut ffi::lua_State, reply: &Reply, resp3: bool) {
    ffi::luaL_checkstack(state, 4, c"reached lua stack limit".as_ptr());
    match reply {
        Reply::Simple(line) => push_marked(state, c"ok", |state| push_bytes(state, line.as_bytes())),
        Reply::Error(line) => push_marked(state, c"err", |state| push_bytes(state, error_line(line).as_bytes())),
        Reply::Integer(n) => ffi::lua_pushnumber(state, *n as f64),
        Reply::Bulk(bytes) => push_bytes(state, bytes),
        Reply::Verbatim(_, text) if !resp3 => push_bytes(state, text),
        Reply::Null | Reply::NullArray if resp3 => ffi::lua_pushnil(state),
        Reply::Null | Reply::NullArray => ffi::lua_pushboolean(state, 0),
        Reply::Array(items) | Reply::Push(items) | Reply::Several(items) => push_sequence(state, items.iter(), items.len(), resp3),
        Reply::Set(items) if !resp3 => push_sequence(state, items.iter(), items.len(), resp3),
        Reply::Map(pairs) if !resp3 => {
            push_sequence(state, pairs.iter().flat_map(|(k, v)| [k, v]), pairs.len() * 2, resp3);
        }
        Reply::Set(items) => push_marked(state, c"set", |state| {
            push_table(state, items.iter().map(|item| (item, None)), items.len(), resp3);
        }),
        Reply::Map(pairs) => push_marked(state, c"map", |state| {
            push_table(state, pairs.iter().map(|(k, v)| (k, Some(v))), pairs.len(), resp3);
        }),
        Reply::Double(d) if resp3 => push_marked(state, c"double", |state| ffi::lua_pushnumber(state, *d)),
        Reply::Double(d) => push_bytes(state, format_g17(*d).as_bytes()),
        Reply::Bool(b) if resp3 => ffi::lua_pushboolean(state, c_int::from(*b)),
        Reply::Bool(b) => ffi::lua_pushnumber(state, f64::from(u8::from(*b))),
        Reply::BigNumber(digits) if resp3 => push_marked(state, c"big_number", |state| push_bytes(state, digits.as_bytes())),
        Reply::BigNumber(digits) => push_bytes(state, digits.as_bytes()),
        Reply::Verbatim(format, text) => push_marked(state, c"verbatim_string", |state| {
            ffi::lua_createtable(state, 0, 2);
            push_bytes(state, format.as_bytes());
            ffi::lua_setfield(state, -2, c"format".as_ptr());
            push_bytes(state, text);
            ffi::lua_setfield(state, -2, c"string".as_ptr());
        }),
    }
}

unsafe fn push_bytes(state: *mut ffi::lua_State, bytes: &[u8]) {
    ffi::lua_pushlstring(state, bytes.as_ptr().cast(), bytes.len());
}

/// `{<field> = <value pushed by push_value>}`.
unsafe fn push_marked(state: *mut ffi::lua_State, field: &CStr, push_value: impl FnOnce(*mut ffi::lua_State)) {
    ffi::lua_createtable(state, 0, 1);
    push_value(state);
    ffi::lua_setfield(state, -2, field.as_ptr());
}

unsafe fn push_sequence<'r>(state: *mut ffi::lua_State, items: impl Iterator<Item = &'r Reply>, len: usize, resp3: bool) {
    ffi::lua_createtable(state, c_int::try_from(len).unwrap_or(c_int::MAX), 0);
    for (i, item) in items.enumerate() {
        push_reply(state, item, resp3);
        ffi::lua_rawseti(state, -2, (i + 1) as ffi::lua_Integer);
    }
}

/// A RESP3 map (`value` given) or set (`true` as every value) as a Lua table; a nil key (a
/// null member) cannot be stored and is left out.
unsafe fn push_table<'r>(
    state: *mut ffi::lua_State,
    entries: impl Iterator<Item = (&'r Reply, Option<&'r Reply>)>,
    len: usize,
    resp3: bool,
) {
    ffi::lua_createtable(state, 0, c_int::try_from(len).unwrap_or(c_int::MAX));
    for (key, value) in entries {
        push_reply(state, key, resp3);
        if ffi::lua_type(state, -1) == ffi::LUA_TNIL {
            ffi::lua_pop(state, 1);
            continue;
        }
        match value {
            Some(value) => push_reply(state, value, resp3),
            None => ffi::lua_pushboolean(state, 1),
        }
        ffi::lua_rawset(state, -3);
    }
}

/// `{err="CODE message"}`, as Redis's `luaPushErrorBuff` builds it from an error line: a line
/// without a code (no space) gets `ERR`, and trailing newlines go.
pub fn error_table(lua: &Lua, line: &str) -> Result<Table> {
    let table = lua.create_table_with_capacity(0, 1)?;
    table.raw_set("err", error_line(line))?;
    Ok(table)
}

/// An error line with its code: `"x"` becomes `"ERR x"`, `"MY error"` stays.
pub fn error_line(line: &str) -> String {
    let line = line.strip_prefix('-').unwrap_or(line);
    let line = line.trim_end_matches(['\r', '\n']);
    match line.split_once(' ') {
        Some(_) => line.to_string(),
        None => format!("ERR {line}"),
    }
}

/// A script's result as a reply; `resp3` is the protocol the script chose (it decides how
/// booleans convert).
pub fn lua_to_reply(value: &Value, resp3: bool) -> Reply {
    to_reply(value, resp3, 0)
}

fn to_reply(value: &Value, resp3: bool, depth: usize) -> Reply {
    if depth > MAX_REPLY_DEPTH {
        return Reply::err("ERR reached lua stack limit");
    }
    match value {
        Value::String(s) => Reply::bulk(&*s.as_bytes()),
        Value::Boolean(b) if resp3 => Reply::Bool(*b),
        Value::Boolean(true) => Reply::Integer(1),
        Value::Integer(n) => Reply::Integer(*n),
        Value::Number(n) => Reply::Integer(number_to_integer(*n)),
        Value::Table(table) => table_to_reply(table, resp3, depth).unwrap_or(Reply::Null),
        _ => Reply::Null,
    }
}

/// [`lua_to_reply`] of the value at `index` if it is a string, a number, a boolean or nil: the
/// results of most scripts, read without making an mlua value of them. `None` for the rest.
///
/// # Safety
/// `index` must be a valid index of a running Lua state.
pub unsafe fn plain_value_to_reply(state: *mut ffi::lua_State, index: c_int, resp3: bool) -> Option<Reply> {
    match ffi::lua_type(state, index) {
        ffi::LUA_TSTRING => {
            let mut len = 0;
            let ptr = ffi::lua_tolstring(state, index, &mut len);
            Some(Reply::bulk(std::slice::from_raw_parts(ptr.cast::<u8>(), len)))
        }
        ffi::LUA_TNUMBER => Some(Reply::Integer(number_to_integer(ffi::lua_tonumber(state, index)))),
        ffi::LUA_TBOOLEAN => {
            let b = ffi::lua_toboolean(state, index) != 0;
            Some(if resp3 { Reply::Bool(b) } else if b { Reply::Integer(1) } else { Reply::Null })
        }
        ffi::LUA_TNIL => Some(Reply::Null),
        _ => None,
    }
}

/// C's `(long long)` cast as x86-64 performs it: the fraction is dropped, and a value out of
/// range (or NaN) becomes the "integer indefinite", `i64::MIN`.
fn number_to_integer(n: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if n.is_nan() || !(-LIMIT..LIMIT).contains(&n) {
        i64::MIN
    } else {
        n as i64
    }
}

/// A table is an error, a status, a RESP3 type marked by its field, or else an array that ends
/// at the first nil.
fn table_to_reply(table: &Table, resp3: bool, depth: usize) -> Result<Reply> {
    if let Value::String(err) = table.raw_get::<Value>("err")? {
        return Ok(Reply::error(one_line(&err.to_string_lossy())));
    }
    if let Value::String(ok) = table.raw_get::<Value>("ok")? {
        return Ok(Reply::Simple(one_line(&ok.to_string_lossy()).into()));
    }
    if let Value::Number(d) = table.raw_get::<Value>("double")? {
        return Ok(Reply::Double(d));
    }
    if let Value::Integer(d) = table.raw_get::<Value>("double")? {
        return Ok(Reply::Double(d as f64));
    }
    if let Value::String(digits) = table.raw_get::<Value>("big_number")? {
        return Ok(Reply::BigNumber(one_line(&digits.to_string_lossy())));
    }
    if let Value::Table(verbatim) = table.raw_get::<Value>("verbatim_string")? {
        if let (Value::String(text), Value::String(format)) =
            (verbatim.raw_get::<Value>("string")?, verbatim.raw_get::<Value>("format")?)
        {
            return Ok(verbatim_reply(&format.to_string_lossy(), text.as_bytes().to_vec()));
        }
    }
    if let Value::Table(map) = table.raw_get::<Value>("map")? {
        let mut pairs = Vec::new();
        map.for_each(|k: Value, v: Value| {
            pairs.push((to_reply(&k, resp3, depth + 1), to_reply(&v, resp3, depth + 1)));
            Ok(())
        })?;
        return Ok(Reply::Map(pairs));
    }
    if let Value::Table(set) = table.raw_get::<Value>("set")? {
        let mut members = Vec::new();
        set.for_each(|k: Value, _: Value| {
            members.push(to_reply(&k, resp3, depth + 1));
            Ok(())
        })?;
        return Ok(Reply::Set(members));
    }
    let mut items = Vec::new();
    for i in 1.. {
        let item: Value = table.raw_get(i)?;
        if item.is_nil() {
            break;
        }
        items.push(to_reply(&item, resp3, depth + 1));
    }
    Ok(Reply::Array(items))
}

fn verbatim_reply(format: &str, text: Vec<u8>) -> Reply {
    match format {
        "txt" => Reply::Verbatim("txt", text),
        "mkd" => Reply::Verbatim("mkd", text),
        _ => Reply::bulk(text),
    }
}

/// Status and error lines cannot hold line breaks; Redis turns them into spaces.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}
