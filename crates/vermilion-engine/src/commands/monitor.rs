//! MONITOR: stream every command the engine runs to this client.

use super::table::{flag, CmdResult, Command, Group};
use super::Ctx;
use crate::reply::Reply;

pub static COMMANDS: &[Command] = &[
    Command::new("monitor", 1, Group::Server, monitor).flags(flag::ADMIN | flag::NOSCRIPT | flag::LOADING | flag::STALE)
        .doc("1.0.0", "", "Listens for all requests received by the server in real-time."),
];

/// MONITOR — from here on the client receives a line per command run by anyone, and may only
/// send QUIT, RESET or PING. Asking again changes nothing and gets no reply, as in Redis.
fn monitor(ctx: &mut Ctx) -> CmdResult {
    if ctx.client.monitoring {
        return Ok(Reply::Several(Vec::new()));
    }
    ctx.client.monitoring = true;
    ctx.engine.observer.monitors.add(ctx.client.shared());
    Ok(Reply::OK)
}
