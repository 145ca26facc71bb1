//! Persistence commands: SAVE, BGSAVE and LASTSAVE (the machinery is in `persist::rdb_save`).

use super::table::{acl, flag, CmdResult, Command, Group};
use super::Ctx;
use crate::persist::Persistence;
use crate::reply::{errors, Reply};

pub static COMMANDS: &[Command] = &[
    Command::new("save", 1, Group::Server, save).flags(flag::ADMIN | flag::NOSCRIPT | flag::NO_MULTI).acl(acl::ADMIN | acl::DANGEROUS)
        .doc("1.0.0", "O(N) where N is the total number of keys in all databases", "Synchronously saves the database(s) to disk."),
    Command::new("bgsave", -1, Group::Server, bgsave).flags(flag::ADMIN | flag::NOSCRIPT).acl(acl::ADMIN | acl::DANGEROUS)
        .doc("1.0.0", "O(1)", "Asynchronously saves the database(s) to disk."),
    Command::new("bgrewriteaof", 1, Group::Server, bgrewriteaof).flags(flag::ADMIN | flag::NOSCRIPT).acl(acl::ADMIN | acl::DANGEROUS)
        .doc("1.0.0", "O(1)", "Asynchronously rewrites the append-only file to disk."),
    Command::new("lastsave", 1, Group::Server, lastsave).flags(flag::LOADING | flag::STALE | flag::FAST).acl(acl::ADMIN | acl::DANGEROUS)
        .tips(&["nondeterministic_output"])
        .doc("1.0.0", "O(1)", "Returns the Unix timestamp of the last successful save to disk."),
];

/// SAVE — writes the snapshot now; every other client waits, as with Redis.
fn save(ctx: &mut Ctx) -> CmdResult {
    match Persistence::save(ctx.engine, ctx.ks) {
        Ok(()) => Ok(Reply::OK),
        Err(e) if e == crate::persist::rdb_save::BGSAVE_IN_PROGRESS => Err(Reply::err(crate::persist::rdb_save::BGSAVE_IN_PROGRESS)),
        // Redis answers a failed SAVE with a bare ERR; the reason is in the log.
        Err(_) => Err(Reply::err("ERR")),
    }
}

/// BGSAVE [SCHEDULE] — starts a snapshot written in the background while commands go on.
fn bgsave(ctx: &mut Ctx) -> CmdResult {
    let schedule = match ctx.args.rest() {
        [] => false,
        [word] if word.eq_ignore_ascii_case(b"SCHEDULE") => true,
        _ => return Err(errors::SYNTAX),
    };
    Persistence::background_save(ctx.engine, ctx.ks, schedule).map_err(Reply::error)
}

/// BGREWRITEAOF — a new AOF base written in the background while commands go on.
fn bgrewriteaof(ctx: &mut Ctx) -> CmdResult {
    crate::persist::aof::Aof::background_rewrite(ctx.engine, ctx.ks).map_err(Reply::error)
}

/// LASTSAVE — the Unix time of the last successful save (the start, before any).
fn lastsave(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Integer(ctx.engine.persistence.last_save_secs()))
}
