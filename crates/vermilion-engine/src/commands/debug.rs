//! DEBUG: the subset operators and test suites use, behind `enable-debug-command`.

use std::time::Duration;

use super::table::{flag, CmdResult, Command, Group};
use super::{help_reply, Ctx};
use crate::config::Config;
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

/// DEBUG OBJECT key — Redis's one-line description of a value.
fn object(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    ctx.expire_if_needed(key);
    let now = ctx.now();
    let Some(entry) = ctx.db().keys.get(key) else {
        return Err(errors::NO_SUCH_KEY);
    };
    // The payload is the type byte, the value, and a 10-byte trailer (version and checksum).
    let serialized = crate::persist::dump_payload(&entry.value).len().saturating_sub(11);
    let line = format!(
        "Value at:{:p} refcount:1 encoding:{} serializedlength:{serialized} lru:{} lru_seconds_idle:{}",
        &entry.value as *const _,
        entry.value.encoding_name(),
        entry.access,
        entry.idle_seconds(now),
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
