//! Functions: FCALL, FCALL_RO and FUNCTION (LOAD, LIST, DELETE, FLUSH, DUMP, RESTORE, STATS,
//! KILL, HELP).
//!
//! Libraries live in the scripting state next to EVAL's script cache; FLUSHALL leaves them, as
//! in Redis. A function runs inside the FCALL handler, under the keyspace lock like a script.

use super::scripting::{script_keys, with_scripting_state, ASSUME_RO, ASSUME_RW};
use super::table::{acl, flag, key, CmdResult, Command, Group, KeySpec};
use super::{help_reply, Ctx};
use crate::reply::Reply;
use crate::scripting::functions::{self, RestorePolicy, ENGINE_NAME, LOAD_TIMEOUT};
use crate::util::parse_i64;

const SCRIPTING: u32 = acl::SCRIPTING;
const FCALL_FLAGS: u32 =
    flag::NOSCRIPT | flag::SKIP_MONITOR | flag::MAY_REPLICATE | flag::NO_MANDATORY_KEYS | flag::STALE | flag::MOVABLEKEYS;
const FCALL_RO_FLAGS: u32 = flag::NOSCRIPT | flag::SKIP_MONITOR | flag::NO_MANDATORY_KEYS | flag::STALE | flag::READONLY | flag::MOVABLEKEYS;
const FCALL_COMPLEXITY: &str = "Depends on the function that is executed.";
const ALL_SHARDS_ALL_SUCCEEDED: &[&str] = &["request_policy:all_shards", "response_policy:all_succeeded"];

/// `numkeys` and the keys after it, as for EVAL.
const FCALL_KEYS: &[KeySpec] = &[script_keys(key::RW | key::ACCESS | key::UPDATE, ASSUME_RW)];
const FCALL_RO_KEYS: &[KeySpec] = &[script_keys(key::RO | key::ACCESS, ASSUME_RO)];

pub static COMMANDS: &[Command] = &[
    Command::new("fcall", -3, Group::Scripting, fcall).flags(FCALL_FLAGS).acl(SCRIPTING).keys(FCALL_KEYS)
        .doc("7.0.0", FCALL_COMPLEXITY, "Invoke a function"),
    Command::new("fcall_ro", -3, Group::Scripting, fcall_ro).flags(FCALL_RO_FLAGS).acl(SCRIPTING).keys(FCALL_RO_KEYS)
        .doc("7.0.0", FCALL_COMPLEXITY, "Invoke a read-only function"),
    Command::container("function", Group::Scripting, FUNCTION)
        .doc("7.0.0", "Depends on subcommand.", "A container for function commands"),
];

static FUNCTION: &[Command] = &[
    Command::new("function|delete", 3, Group::Scripting, function_delete).flags(flag::NOSCRIPT | flag::WRITE).acl(SCRIPTING)
        .tips(ALL_SHARDS_ALL_SUCCEEDED)
        .doc("7.0.0", "O(1)", "Delete a function by name"),
    Command::new("function|dump", 2, Group::Scripting, function_dump).flags(flag::NOSCRIPT).acl(SCRIPTING)
        .doc("7.0.0", "O(N) where N is the number of functions", "Dump all functions into a serialized binary payload"),
    Command::new("function|flush", -2, Group::Scripting, function_flush).flags(flag::NOSCRIPT | flag::WRITE).acl(SCRIPTING)
        .tips(ALL_SHARDS_ALL_SUCCEEDED)
        .doc("7.0.0", "O(N) where N is the number of functions deleted", "Deleting all functions"),
    Command::new("function|help", 2, Group::Scripting, function_help).flags(flag::LOADING | flag::STALE).acl(SCRIPTING)
        .doc("7.0.0", "O(1)", "Show helpful text about the different subcommands"),
    Command::new("function|kill", 2, Group::Scripting, function_kill).flags(flag::NOSCRIPT | flag::ALLOW_BUSY).acl(SCRIPTING)
        .tips(&["request_policy:all_shards", "response_policy:one_succeeded"])
        .doc("7.0.0", "O(1)", "Kill the function currently in execution."),
    Command::new("function|list", -2, Group::Scripting, function_list).flags(flag::NOSCRIPT).acl(SCRIPTING)
        .tips(&["nondeterministic_output_order"])
        .doc("7.0.0", "O(N) where N is the number of functions", "List information about all the functions"),
    Command::new("function|load", -3, Group::Scripting, function_load).flags(flag::NOSCRIPT | flag::WRITE | flag::DENYOOM).acl(SCRIPTING)
        .tips(ALL_SHARDS_ALL_SUCCEEDED)
        .doc("7.0.0", "O(1) (considering compilation time is redundant)", "Create a function with the given arguments (name, code, description)"),
    Command::new("function|restore", -3, Group::Scripting, function_restore).flags(flag::NOSCRIPT | flag::WRITE | flag::DENYOOM).acl(SCRIPTING)
        .tips(ALL_SHARDS_ALL_SUCCEEDED)
        .doc("7.0.0", "O(N) where N is the number of functions on the payload", "Restore all the functions on the given payload"),
    Command::new("function|stats", 2, Group::Scripting, function_stats).flags(flag::NOSCRIPT | flag::ALLOW_BUSY).acl(SCRIPTING)
        .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
        .doc("7.0.0", "O(1)", "Return information about the function currently running (name, description, duration)"),
];

const FUNCTION_HELP: &[&str] = &[
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
    "      libraries with the new libraries (notice that even on this option there is a chance of failure",
    "      in case of functions name collision with another library).",
];

/// FCALL function numkeys [key [key ...]] [arg [arg ...]]
fn fcall(ctx: &mut Ctx) -> CmdResult {
    fcall_generic(ctx, false)
}

/// FCALL_RO function numkeys [key [key ...]] [arg [arg ...]]
fn fcall_ro(ctx: &mut Ctx) -> CmdResult {
    fcall_generic(ctx, true)
}

/// Redis's `fcallCommandGeneric`: find the function, check numkeys, run it.
fn fcall_generic(ctx: &mut Ctx, read_only: bool) -> CmdResult {
    let name = ctx.args.bytes()?;
    if ctx.ks.scripting.loaded_functions().and_then(|f| f.find(name)).is_none() {
        return Err(Reply::err("ERR Function not found"));
    }
    let numkeys = parse_i64(ctx.args.bytes()?).ok_or(Reply::err("ERR Bad number of keys provided"))?;
    let rest = ctx.args.rest();
    if numkeys > rest.len() as i64 {
        return Err(Reply::err("ERR Number of keys can't be greater than number of args"));
    }
    if numkeys < 0 {
        return Err(Reply::err("ERR Number of keys can't be negative"));
    }
    let (keys, args) = rest.split_at(numkeys as usize);
    with_scripting_state(ctx, |ctx, state| {
        let functions = state.functions(ctx.engine, ctx.now())?;
        functions.call(ctx, name, keys, args, read_only)
    })
}

/// FUNCTION LOAD [REPLACE] function-code
fn function_load(ctx: &mut Ctx) -> CmdResult {
    let argv = ctx.args.rest();
    let (code, options) = argv.split_last().expect("arity guarantees the code");
    let mut replace = false;
    for option in options {
        if !option.eq_ignore_ascii_case(b"replace") {
            return Err(Reply::error(format!("ERR Unknown option given: {}", String::from_utf8_lossy(option))));
        }
        replace = true;
    }
    let now = ctx.now();
    let engine = ctx.engine;
    let functions = ctx.ks.scripting.functions(engine, now)?;
    let name = functions.load(engine, code, replace, Some(LOAD_TIMEOUT)).map_err(error_line)?;
    ctx.ks.scripting.publish_library_counts(engine);
    ctx.ks.dirty += 1;
    Ok(Reply::bulk(name))
}

/// FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE]
fn function_list(ctx: &mut Ctx) -> CmdResult {
    let mut with_code = false;
    let mut pattern: Option<&[u8]> = None;
    let argv = ctx.args.rest();
    let mut i = 0;
    while i < argv.len() {
        let arg = argv[i];
        if !with_code && arg.eq_ignore_ascii_case(b"withcode") {
            with_code = true;
        } else if pattern.is_none() && arg.eq_ignore_ascii_case(b"libraryname") {
            i += 1;
            pattern = Some(argv.get(i).ok_or(Reply::err("ERR library name argument was not given"))?);
        } else {
            return Err(Reply::error(format!("ERR Unknown argument {}", String::from_utf8_lossy(arg))));
        }
        i += 1;
    }
    let Some(functions) = ctx.ks.scripting.loaded_functions() else {
        return Ok(Reply::Array(Vec::new()));
    };
    let libraries = functions
        .libraries()
        .filter(|library| pattern.is_none_or(|p| crate::glob::glob_match(p, library.name.as_bytes(), true)))
        .map(|library| {
            let listed = library.functions.values().map(|f| {
                Reply::Map(vec![
                    (Reply::bulk("name"), Reply::bulk(f.name.as_bytes())),
                    (Reply::bulk("description"), f.description.as_ref().map_or(Reply::Null, |d| Reply::bulk(d.as_slice()))),
                    (Reply::bulk("flags"), Reply::Set(f.flags.names().map(|n| Reply::Simple(n.into())).collect())),
                ])
            });
            let mut fields = vec![
                (Reply::bulk("library_name"), Reply::bulk(library.name.as_bytes())),
                (Reply::bulk("engine"), Reply::bulk(ENGINE_NAME)),
                (Reply::bulk("functions"), Reply::Array(listed.collect())),
            ];
            if with_code {
                fields.push((Reply::bulk("library_code"), Reply::bulk(library.code.as_slice())));
            }
            Reply::Map(fields)
        })
        .collect();
    Ok(Reply::Array(libraries))
}

/// FUNCTION DELETE library-name
fn function_delete(ctx: &mut Ctx) -> CmdResult {
    let name = ctx.args.bytes()?;
    let scripting = &mut ctx.ks.scripting;
    if !scripting.loaded_functions_mut().is_some_and(|f| f.delete(name)) {
        return Err(Reply::err("ERR Library not found"));
    }
    scripting.publish_library_counts(ctx.engine);
    ctx.ks.dirty += 1;
    Ok(Reply::OK)
}

/// FUNCTION FLUSH [ASYNC|SYNC]
fn function_flush(ctx: &mut Ctx) -> CmdResult {
    match ctx.args.rest() {
        [] => {}
        [mode] if mode.eq_ignore_ascii_case(b"sync") || mode.eq_ignore_ascii_case(b"async") => {}
        [_] => return Err(Reply::err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")),
        _ => return Err(syntax_error(ctx)),
    }
    ctx.ks.scripting.flush_functions(ctx.engine);
    ctx.ks.dirty += 1;
    Ok(Reply::OK)
}

/// FUNCTION DUMP
fn function_dump(ctx: &mut Ctx) -> CmdResult {
    let payload = match ctx.ks.scripting.loaded_functions() {
        Some(functions) => functions.dump(),
        None => functions::dump_codes(std::iter::empty()),
    };
    Ok(Reply::bulk(payload))
}

/// FUNCTION RESTORE serialized-value [FLUSH|APPEND|REPLACE]
fn function_restore(ctx: &mut Ctx) -> CmdResult {
    let policy = match ctx.args.rest() {
        [_] => RestorePolicy::Append,
        [_, policy] if policy.eq_ignore_ascii_case(b"append") => RestorePolicy::Append,
        [_, policy] if policy.eq_ignore_ascii_case(b"replace") => RestorePolicy::Replace,
        [_, policy] if policy.eq_ignore_ascii_case(b"flush") => RestorePolicy::Flush,
        [_, _] => return Err(Reply::err("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")),
        _ => return Err(syntax_error(ctx)),
    };
    let payload = ctx.args.bytes()?;
    let now = ctx.now();
    let engine = ctx.engine;
    let functions = ctx.ks.scripting.functions(engine, now)?;
    functions.restore(engine, payload, policy).map_err(error_line)?;
    ctx.ks.scripting.publish_library_counts(engine);
    ctx.ks.dirty += 1;
    Ok(Reply::OK)
}

/// FUNCTION STATS — with the keyspace lock, so no function is running; while one is busy, the
/// dispatcher answers without the lock (`scripting::busy`).
fn function_stats(ctx: &mut Ctx) -> CmdResult {
    Ok(ctx.engine.script_status.function_stats())
}

/// FUNCTION KILL
fn function_kill(ctx: &mut Ctx) -> CmdResult {
    Ok(ctx.engine.script_status.kill(false))
}

/// FUNCTION HELP
fn function_help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("FUNCTION", FUNCTION_HELP))
}

fn error_line(message: String) -> Reply {
    Reply::error(format!("ERR {message}").replace(['\r', '\n'], " "))
}

/// Redis's `addReplySubcommandSyntaxError`.
fn syntax_error(ctx: &Ctx) -> Reply {
    let argv = ctx.args.argv();
    Reply::error(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
        String::from_utf8_lossy(argv[1]),
        String::from_utf8_lossy(argv[0]).to_ascii_uppercase()
    ))
}
