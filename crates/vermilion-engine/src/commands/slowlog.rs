//! SLOWLOG: the commands that ran longer than `slowlog-log-slower-than`.

use super::table::{acl, flag, CmdResult, Command, Group};
use super::{help_reply, Ctx};
use crate::reply::Reply;

const FLAGS: u32 = flag::ADMIN | flag::LOADING | flag::STALE;
/// Entries SLOWLOG GET returns when not told how many.
const DEFAULT_COUNT: usize = 10;

pub static COMMANDS: &[Command] = &[Command::container("slowlog", Group::Server, SLOWLOG)];

static SLOWLOG: &[Command] = &[
    Command::new("slowlog|get", -2, Group::Server, get).flags(FLAGS).acl(acl::SLOW)
        .tips(&["request_policy:all_nodes", "nondeterministic_output"])
        .doc("2.2.12", "O(N) where N is the number of entries returned", "Returns the slow log's entries."),
    Command::new("slowlog|help", 2, Group::Server, help).flags(flag::LOADING | flag::STALE).acl(acl::SLOW)
        .doc("6.2.0", "O(1)", "Show helpful text about the different subcommands"),
    Command::new("slowlog|len", 2, Group::Server, len).flags(FLAGS).acl(acl::SLOW)
        .tips(&["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"])
        .doc("2.2.12", "O(1)", "Returns the number of entries in the slow log."),
    Command::new("slowlog|reset", 2, Group::Server, reset).flags(FLAGS).acl(acl::SLOW)
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .doc("2.2.12", "O(N) where N is the number of entries in the slowlog", "Clears all entries from the slow log."),
];

/// SLOWLOG GET [count] — newest first; -1 means all.
fn get(ctx: &mut Ctx) -> CmdResult {
    let count = match ctx.args.peek() {
        None => Some(DEFAULT_COUNT),
        Some(arg) => {
            ctx.args.bytes()?;
            match crate::util::parse_i64(arg) {
                Some(-1) => None,
                Some(n) if n >= 0 => Some(n as usize),
                _ => return Err(Reply::err("ERR count should be greater than or equal to -1")),
            }
        }
    };
    ctx.args.finish()?;
    let log = ctx.engine.observer.slowlog.lock();
    let entries = log
        .newest(count)
        .map(|e| {
            Reply::Array(vec![
                Reply::Integer(e.id as i64),
                Reply::Integer(e.timestamp),
                Reply::Integer(e.duration_us as i64),
                Reply::Array(e.argv.iter().map(|a| Reply::bulk(a.clone())).collect()),
                Reply::bulk(e.addr.as_bytes()),
                Reply::bulk(e.name.clone()),
            ])
        })
        .collect();
    Ok(Reply::Array(entries))
}

/// SLOWLOG LEN
fn len(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Integer(ctx.engine.observer.slowlog.lock().len() as i64))
}

/// SLOWLOG RESET
fn reset(ctx: &mut Ctx) -> CmdResult {
    ctx.engine.observer.slowlog.lock().reset();
    Ok(Reply::OK)
}

/// SLOWLOG HELP
fn help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("SLOWLOG", &[
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
    ]))
}
