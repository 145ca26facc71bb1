//! DEBUG: the subset operators and test suites use, behind `enable-debug-command`.

use std::time::Duration;

use super::table::{flag, CmdResult, Command, Group};
use super::{help_reply, Ctx};
use crate::config::Config;
use crate::persist::rdb_load::{reload_file, Duplicates, LOADING_ERROR};
use crate::persist::rdb_save::{rdb_path, BGSAVE_IN_PROGRESS};
use crate::persist::Persistence;
use crate::reply::{errors, Reply};

pub static COMMANDS: &[Command] = &[
    Command::new("debug", -2, Group::Server, debug).flags(flag::ADMIN | flag::NOSCRIPT | flag::LOADING | flag::STALE)
        .doc("1.0.0", "Depends on subcommand.", "A container for debugging commands."),
];

/// DEBUG subcommand [argument ...]
fn debug(ctx: &mut Ctx) -> CmdResult {
    let setting = ctx.engine.config.read().enable_debug_command.clone();
    if !Config::allows_protected_action(&setting, ctx.client.shared().info.is_local()) {
        return Err(Reply::err(
            "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it \
             from a local connection, otherwise you need to set this option in the configuration file, and then \
             restart the server.",
        ));
    }
    let sub = ctx.args.bytes()?.to_ascii_lowercase();
    match sub.as_slice() {
        b"help" => Ok(help()),
        b"sleep" => sleep(ctx),
        b"set-active-expire" => set_active_expire(ctx),
        b"object" => object(ctx),
        b"reload" => reload(ctx),
        // No replicas to tell apart, so there is no replication id to change.
        b"change-repl-id" => Ok(Reply::OK),
        // Lists here have no packed-node threshold to tune; accepted so test suites run.
        b"quicklist-packed-threshold" => {
            ctx.args.bytes()?;
            Ok(Reply::OK)
        }
        _ => Err(Reply::error(format!(
            "ERR unknown subcommand '{}'. Try DEBUG HELP.",
            String::from_utf8_lossy(ctx.args.argv()[1])
        ))),
    }
}

/// DEBUG SLEEP seconds — holds the engine for that long, as Redis stalls its event loop.
fn sleep(ctx: &mut Ctx) -> CmdResult {
    let seconds = ctx.args.float().map_err(|_| errors::NOT_FLOAT)?;
    if seconds > 0.0 && seconds.is_finite() {
        std::thread::sleep(Duration::from_secs_f64(seconds));
    }
    Ok(Reply::OK)
}

/// DEBUG SET-ACTIVE-EXPIRE 0|1 — turns the background expiry cycle off or on.
fn set_active_expire(ctx: &mut Ctx) -> CmdResult {
    let on = ctx.args.int()? != 0;
    ctx.engine.config.write().active_expire_enabled = on;
    Ok(Reply::OK)
}

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] — saves the RDB file and loads it back in place:
/// what a value survives is what persistence keeps of it. NOSAVE loads the file as it is,
/// NOFLUSH keeps the data in memory (with MERGE the file's keys replace those present).
fn reload(ctx: &mut Ctx) -> CmdResult {
    let (mut merge, mut flush, mut save) = (false, true, true);
    for option in ctx.args.rest() {
        match option.to_ascii_lowercase().as_slice() {
            b"merge" => merge = true,
            b"noflush" => flush = false,
            b"nosave" => save = false,
            _ => return Err(Reply::err("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")),
        }
    }
    if ctx.engine.loading.is_loading() {
        // The file on disk is the one loading: a save now would replace it with part of it.
        return Err(Reply::err(LOADING_ERROR));
    }
    if save {
        Persistence::save(ctx.engine, ctx.ks).map_err(|e| match e.as_str() {
            BGSAVE_IN_PROGRESS => Reply::err(BGSAVE_IN_PROGRESS),
            // Redis's bare `-ERR`: the cause is in the log.
            _ => Reply::err("ERR"),
        })?;
    }
    if flush {
        empty_data(ctx);
    }
    let config = ctx.engine.config();
    let duplicates = if merge { Duplicates::Replace } else { Duplicates::Refuse };
    match reload_file(ctx.engine, ctx.ks, &rdb_path(&config), config.rdbchecksum, duplicates) {
        true => Ok(Reply::OK),
        false => Err(Reply::err("ERR Error trying to load the RDB dump")),
    }
}

/// Empties every database and the function libraries, as a reload does before reading the file
/// (a flush that is no change to the data: `dirty` stays as the save left it).
fn empty_data(ctx: &mut Ctx) {
    for index in 0..ctx.ks.dbs.len() {
        ctx.ks.touch_all_watched(index);
    }
    for db in &mut ctx.ks.dbs {
        db.clear();
    }
    ctx.ks.tracking.invalidate_all(ctx.client.id);
    ctx.ks.scripting.flush_functions(ctx.engine);
}

/// DEBUG OBJECT key — Redis's one-line description of a value.
fn object(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    ctx.expire_if_needed(key);
    let now = ctx.now();
    let Some((value, access)) = ctx.db().keys.get_tagged(key) else {
        return Err(errors::NO_SUCH_KEY);
    };
    // The payload is the type byte, the value, and a 10-byte trailer (version and checksum).
    let serialized = crate::persist::dump_payload(value).len().saturating_sub(11);
    let line = format!(
        "Value at:{:p} refcount:1 encoding:{} serializedlength:{serialized} lru:{access} lru_seconds_idle:{}",
        value as *const _,
        value.encoding_name(),
        crate::keyspace::idle_seconds(access, now),
    );
    Ok(Reply::Simple(line.into()))
}

fn help() -> Reply {
    help_reply("DEBUG", &[
        "CHANGE-REPL-ID",
        "    Change the replication IDs of the instance.",
        "    Dangerous: should be used only for testing the replication subsystem.",
        "OBJECT <key>",
        "    Show low level info about the `key` and associated value.",
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
        "    * MERGE: conflicting keys will be loaded from RDB.",
        "    * NOFLUSH: the existing database will not be removed before load, but",
        "      conflicting keys will make the load fail.",
        "    * NOSAVE: the database will be loaded from an existing RDB file.",
        "    Examples:",
        "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
        "      the database.",
        "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
        "      existing RDB file.",
        "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
        "      file to the database.",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    Sets the threshold for elements to be inserted as plain vs packed nodes",
        "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not",
        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
        "    default.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
    ])
}
