//! CLIENT: identity, listing and killing of the engine's clients, whatever face they came from.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use super::table::{acl, flag, CmdResult, Command, Group};
use super::{client_tracking, help_reply, Ctx};
use crate::blocking::PauseKind;
use crate::client::{ClientKind, ClientShared};
use crate::reply::{errors, Reply};

const CONN: u32 = acl::CONNECTION;
const ADMIN: u32 = flag::ADMIN | flag::NOSCRIPT | flag::LOADING | flag::STALE;
const SELF: u32 = flag::NOSCRIPT | flag::LOADING | flag::STALE;

pub static COMMANDS: &[Command] = &[Command::container("client", Group::Connection, CLIENT)];

static CLIENT: &[Command] = &[
    Command::new("client|caching", 3, Group::Connection, client_tracking::caching).flags(SELF).acl(CONN)
        .doc("6.0.0", "O(1)", "Instructs the server whether to track the keys in the next request."),
    Command::new("client|getredir", 2, Group::Connection, client_tracking::getredir).flags(SELF).acl(CONN)
        .doc("6.0.0", "O(1)", "Returns the client ID to which the connection's tracking notifications are redirected."),
    Command::new("client|tracking", -3, Group::Connection, client_tracking::tracking).flags(SELF).acl(CONN)
        .doc("6.0.0", "O(1). Some options may introduce additional complexity.", "Controls server-assisted client-side caching for the connection."),
    Command::new("client|trackinginfo", 2, Group::Connection, client_tracking::trackinginfo).flags(SELF).acl(CONN)
        .doc("6.2.0", "O(1)", "Returns information about server-assisted client-side caching for the connection."),
    Command::new("client|getname", 2, Group::Connection, getname).flags(SELF).acl(CONN)
        .doc("2.6.9", "O(1)", "Returns the name of the connection."),
    Command::new("client|help", 2, Group::Connection, help).flags(flag::LOADING | flag::STALE).acl(CONN)
        .doc("5.0.0", "O(1)", "Returns helpful text about the different subcommands."),
    Command::new("client|id", 2, Group::Connection, id).flags(SELF).acl(CONN)
        .doc("5.0.0", "O(1)", "Returns the unique client ID of the connection."),
    Command::new("client|info", 2, Group::Connection, info).flags(SELF).acl(CONN)
        .tips(&["nondeterministic_output"])
        .doc("6.2.0", "O(1)", "Returns information about the connection."),
    Command::new("client|kill", -3, Group::Connection, kill).flags(ADMIN).acl(CONN)
        .doc("2.4.0", "O(N) where N is the number of client connections", "Terminates open connections."),
    Command::new("client|list", -2, Group::Connection, list).flags(ADMIN).acl(CONN)
        .tips(&["nondeterministic_output"])
        .doc("2.4.0", "O(N) where N is the number of client connections", "Lists open connections."),
    Command::new("client|no-evict", 3, Group::Connection, no_evict).flags(ADMIN).acl(CONN)
        .doc("7.0.0", "O(1)", "Sets the client eviction mode of the connection."),
    Command::new("client|pause", -3, Group::Connection, pause).flags(ADMIN).acl(CONN)
        .doc("3.0.0", "O(1)", "Suspends commands processing."),
    Command::new("client|unpause", 2, Group::Connection, unpause).flags(ADMIN).acl(CONN)
        .doc("6.2.0", "O(N) Where N is the number of paused clients", "Resumes processing commands from paused clients."),
    Command::new("client|unblock", -3, Group::Connection, unblock).flags(ADMIN).acl(CONN)
        .doc("5.0.0", "O(log N) where N is the number of client connections", "Unblocks a client blocked by a blocking command from a different connection."),
    Command::new("client|no-touch", 3, Group::Connection, no_touch).flags(SELF).acl(CONN)
        .doc("7.2.0", "O(1)", "Controls whether commands sent by the client affect the LRU/LFU of accessed keys."),
    Command::new("client|reply", 3, Group::Connection, reply).flags(SELF).acl(CONN)
        .doc("3.2.0", "O(1)", "Instructs the server whether to reply to commands."),
    Command::new("client|setinfo", 4, Group::Connection, setinfo).flags(SELF).acl(CONN)
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .doc("7.2.0", "O(1)", "Sets information specific to the client or connection."),
    Command::new("client|setname", 3, Group::Connection, setname).flags(SELF).acl(CONN)
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .doc("2.6.9", "O(1)", "Sets the connection name."),
];

/// Client names may not contain spaces, newlines or other special characters.
pub fn validate_name(name: &[u8]) -> Result<(), Reply> {
    if name.iter().all(|&c| (b'!'..=b'~').contains(&c)) {
        Ok(())
    } else {
        Err(Reply::err("ERR Client names cannot contain spaces, newlines or special characters."))
    }
}

/// `ON` or `OFF`, else a syntax error.
fn on_off(ctx: &mut Ctx) -> Result<bool, Reply> {
    match ctx.args.keyword()?.as_slice() {
        b"ON" => Ok(true),
        b"OFF" => Ok(false),
        _ => Err(errors::SYNTAX),
    }
}

/// CLIENT NO-EVICT ON|OFF — accepted and remembered; Vermilion does not evict clients.
fn no_evict(ctx: &mut Ctx) -> CmdResult {
    ctx.client.no_evict = on_off(ctx)?;
    Ok(Reply::OK)
}

/// CLIENT NO-TOUCH ON|OFF — this client's commands leave keys' LRU/LFU data alone.
fn no_touch(ctx: &mut Ctx) -> CmdResult {
    ctx.client.no_touch = on_off(ctx)?;
    Ok(Reply::OK)
}

/// CLIENT REPLY ON|OFF|SKIP
fn reply(ctx: &mut Ctx) -> CmdResult {
    use crate::client::ReplyMode;
    ctx.client.reply_mode = match ctx.args.keyword()?.as_slice() {
        b"ON" => ReplyMode::On,
        b"OFF" => ReplyMode::Off,
        b"SKIP" => ReplyMode::SkipThis,
        _ => return Err(errors::SYNTAX),
    };
    Ok(Reply::OK)
}

/// CLIENT ID
fn id(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Integer(ctx.client.id as i64))
}

/// CLIENT SETNAME connection-name — an empty name removes it.
fn setname(ctx: &mut Ctx) -> CmdResult {
    let name = ctx.args.bytes()?;
    validate_name(name)?;
    *ctx.client.shared().name.lock() = name.to_vec();
    Ok(Reply::OK)
}

/// CLIENT GETNAME
fn getname(ctx: &mut Ctx) -> CmdResult {
    let name = ctx.client.shared().name();
    Ok(if name.is_empty() { Reply::Null } else { Reply::bulk(name) })
}

/// CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>
fn setinfo(ctx: &mut Ctx) -> CmdResult {
    let attr = ctx.args.bytes()?;
    let value = ctx.args.text()?;
    let upper = attr.to_ascii_uppercase();
    let label = match upper.as_slice() {
        b"LIB-NAME" => "lib-name",
        b"LIB-VER" => "lib-ver",
        _ => return Err(Reply::error(format!("ERR Unrecognized option '{}'", String::from_utf8_lossy(attr)))),
    };
    if !value.bytes().all(|c| (b'!'..=b'~').contains(&c)) {
        return Err(Reply::error(format!("ERR {label} cannot contain spaces, newlines or special characters.")));
    }
    let mut lib = ctx.client.shared().lib.lock();
    if label == "lib-name" {
        lib.0 = value;
    } else {
        lib.1 = value;
    }
    Ok(Reply::OK)
}

/// One `CLIENT LIST` line, with Redis's field names and order. Buffer figures Vermilion does not
/// keep per client are reported as 0.
pub(crate) fn describe(client: &ClientShared, now_ms: i64) -> String {
    let mut line = String::with_capacity(256);
    let name = String::from_utf8_lossy(&client.name.lock()).into_owned();
    let (lib_name, lib_ver) = client.lib.lock().clone();
    let cmd = client.last_command().map_or("NULL", |c| c.name);
    let age = (now_ms - client.created_ms).max(0) / 1000;
    let idle = (now_ms - client.last_interaction_ms.load(Ordering::Relaxed)).max(0) / 1000;
    let mut flags = String::new();
    if client.blocked.load(Ordering::Relaxed) {
        flags.push('b');
    }
    if client.queued.load(Ordering::Relaxed) >= 0 {
        flags.push('x');
    }
    let [sub, psub, ssub] = [0, 1, 2].map(|kind| client.subscriptions[kind].load(Ordering::Relaxed));
    if sub + psub + ssub > 0 {
        flags.push('P');
    }
    if client.info.kind == ClientKind::Unix {
        flags.push('U');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    let _ = write!(
        line,
        "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={sub} psub={psub} ssub={ssub} multi={} \
         qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll={} omem={} tot-mem=0 events=r \
         cmd={} user={} redir=-1 resp={} lib-name={} lib-ver={}",
        client.id,
        client.info.addr,
        client.info.laddr,
        client.info.fd,
        name,
        age,
        idle,
        flags,
        client.db.load(Ordering::Relaxed),
        client.queued.load(Ordering::Relaxed),
        client.mailbox.len(),
        client.mailbox.bytes(),
        cmd,
        client.user.lock(),
        client.resp.load(Ordering::Relaxed),
        lib_name,
        lib_ver,
    );
    line
}

/// CLIENT INFO
fn info(ctx: &mut Ctx) -> CmdResult {
    let mut line = describe(ctx.client.shared(), ctx.now());
    line.push('\n');
    Ok(Reply::Verbatim("txt", line.into_bytes()))
}

fn clients(ctx: &Ctx) -> Vec<std::sync::Arc<ClientShared>> {
    ctx.engine.clients.lock().values().cloned().collect()
}

/// CLIENT LIST [TYPE NORMAL | MASTER | REPLICA | PUBSUB] [ID client-id [client-id ...]]
fn list(ctx: &mut Ctx) -> CmdResult {
    let mut ids: Option<Vec<u64>> = None;
    let mut type_filter: Option<String> = None;
    while let Some(word) = ctx.args.peek() {
        ctx.args.bytes()?;
        match word.to_ascii_uppercase().as_slice() {
            b"TYPE" if !ctx.args.is_empty() => {
                let t = ctx.args.text()?.to_ascii_lowercase();
                if !["normal", "master", "replica", "slave", "pubsub"].contains(&t.as_str()) {
                    return Err(Reply::error(format!("ERR Unknown client type '{t}'")));
                }
                type_filter = Some(t);
            }
            b"ID" if !ctx.args.is_empty() => {
                let mut wanted = Vec::new();
                while let Some(arg) = ctx.args.peek() {
                    ctx.args.bytes()?;
                    let id = crate::util::parse_i64(arg).filter(|&n| n > 0).ok_or(Reply::err("ERR Invalid client ID"))?;
                    wanted.push(id as u64);
                }
                ids = Some(wanted);
            }
            _ => return Err(errors::SYNTAX),
        }
    }
    let mut text = String::new();
    for client in clients(ctx) {
        if ids.as_ref().is_some_and(|ids| !ids.contains(&client.id)) {
            continue;
        }
        // Every client is a normal client until pub/sub and replication exist.
        if type_filter.as_deref().is_some_and(|t| t != "normal") {
            continue;
        }
        text.push_str(&describe(&client, ctx.now()));
        text.push('\n');
    }
    Ok(Reply::Verbatim("txt", text.into_bytes()))
}

/// Which clients a `CLIENT KILL` filter selects.
#[derive(Default)]
struct KillFilter {
    id: Option<u64>,
    addr: Option<String>,
    laddr: Option<String>,
    user: Option<String>,
    kind: Option<String>,
    max_age: Option<i64>,
    skip_me: bool,
}

impl KillFilter {
    fn matches(&self, client: &ClientShared, me: u64, now_ms: i64) -> bool {
        self.id.is_none_or(|id| id == client.id)
            && self.addr.as_deref().is_none_or(|a| a == client.info.addr)
            && self.laddr.as_deref().is_none_or(|a| a == client.info.laddr)
            && self.user.as_deref().is_none_or(|u| *client.user.lock() == *u)
            && self.kind.as_deref().is_none_or(|t| t == "normal")
            && self.max_age.is_none_or(|age| (now_ms - client.created_ms) / 1000 >= age)
            && !(self.skip_me && client.id == me)
    }
}

/// CLIENT KILL ip:port | CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR ip:port]
/// [LADDR ip:port] [SKIPME yes/no] [MAXAGE seconds]
fn kill(ctx: &mut Ctx) -> CmdResult {
    let legacy = ctx.args.remaining() == 1;
    let mut filter = KillFilter { skip_me: !legacy, ..KillFilter::default() };
    if legacy {
        filter.addr = Some(ctx.args.text()?);
    } else {
        while let Some(word) = ctx.args.peek() {
            ctx.args.bytes()?;
            if ctx.args.is_empty() {
                return Err(errors::SYNTAX);
            }
            let value = ctx.args.text()?;
            match word.to_ascii_uppercase().as_slice() {
                b"ID" => {
                    let id = value.parse::<i64>().ok().filter(|&n| n > 0)
                        .ok_or(Reply::err("ERR client-id should be greater than 0"))?;
                    filter.id = Some(id as u64);
                }
                b"TYPE" => {
                    let t = value.to_ascii_lowercase();
                    if !["normal", "master", "replica", "slave", "pubsub"].contains(&t.as_str()) {
                        return Err(Reply::error(format!("ERR Unknown client type '{value}'")));
                    }
                    filter.kind = Some(t);
                }
                b"ADDR" => filter.addr = Some(value),
                b"LADDR" => filter.laddr = Some(value),
                b"USER" => filter.user = Some(value),
                b"MAXAGE" => filter.max_age = Some(value.parse().map_err(|_| errors::SYNTAX)?),
                b"SKIPME" => match value.to_ascii_lowercase().as_str() {
                    "yes" => filter.skip_me = true,
                    "no" => filter.skip_me = false,
                    _ => return Err(errors::SYNTAX),
                },
                _ => return Err(errors::SYNTAX),
            }
        }
    }
    let me = ctx.client.id;
    let mut killed = 0;
    for client in clients(ctx) {
        if filter.matches(&client, me, ctx.now()) {
            if client.id == me {
                // Our own connection closes after this reply is sent.
                ctx.client.close_after_reply = true;
            } else {
                client.kill();
            }
            killed += 1;
        }
    }
    if legacy {
        return if killed > 0 { Ok(Reply::OK) } else { Err(Reply::err("ERR No such client")) };
    }
    Ok(Reply::Integer(killed))
}

/// CLIENT PAUSE timeout [WRITE | ALL] — holds back other clients' commands (all of them, or
/// those that may write) for `timeout` milliseconds, or until CLIENT UNPAUSE.
fn pause(ctx: &mut Ctx) -> CmdResult {
    let timeout = ctx.args.bytes()?;
    let kind = match ctx.args.peek() {
        None => PauseKind::All,
        Some(mode) if mode.eq_ignore_ascii_case(b"write") => PauseKind::Write,
        Some(mode) if mode.eq_ignore_ascii_case(b"all") => PauseKind::All,
        Some(_) => return Err(Reply::err("ERR CLIENT PAUSE mode must be WRITE or ALL")),
    };
    if ctx.args.remaining() > 1 {
        return Err(wrong_arity(ctx));
    }
    let ms = crate::util::parse_i64(timeout).ok_or(Reply::err("ERR timeout is not an integer or out of range"))?;
    if ms < 0 {
        return Err(Reply::err("ERR timeout is negative"));
    }
    // As in Redis, a zero timeout is an end time already past: no pause at all.
    let end = if ms > 0 { ctx.now().saturating_add(ms) } else { 0 };
    ctx.ks.blocked.pause(kind, end);
    Ok(Reply::OK)
}

/// CLIENT UNPAUSE — ends the pause; the commands it held back run, oldest first, before any
/// newer command (or as soon as their faces look again).
fn unpause(ctx: &mut Ctx) -> CmdResult {
    ctx.ks.blocked.unpause();
    ctx.ks.blocked.nudge_postponed();
    Ok(Reply::OK)
}

/// CLIENT UNBLOCK client-id [TIMEOUT | ERROR] — ends another client's blocking command as if
/// its timeout passed, or with an UNBLOCKED error; 1 if there was one to end. A command held
/// back by CLIENT PAUSE is not a blocking command: it stays (Redis 7.0 crashes there; later
/// versions leave it too).
fn unblock(ctx: &mut Ctx) -> CmdResult {
    let id = ctx.args.bytes()?;
    let error = match ctx.args.peek() {
        None => None,
        Some(reason) if reason.eq_ignore_ascii_case(b"timeout") => None,
        Some(reason) if reason.eq_ignore_ascii_case(b"error") => Some(Reply::err("UNBLOCKED client unblocked via CLIENT UNBLOCK")),
        Some(_) => return Err(Reply::err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")),
    };
    if ctx.args.remaining() > 1 {
        return Err(wrong_arity(ctx));
    }
    let id = crate::util::parse_i64(id).ok_or(errors::NOT_INTEGER)?;
    let Some(call) = u64::try_from(id).ok().and_then(|id| ctx.ks.blocked.parked_call_of(id)) else {
        return Ok(Reply::Integer(0));
    };
    crate::blocking::unblock(&mut ctx.ks.blocked, &call, error);
    Ok(Reply::Integer(1))
}

/// Redis's reply to a subcommand given more arguments than it takes.
fn wrong_arity(ctx: &Ctx) -> Reply {
    let sub = String::from_utf8_lossy(ctx.args.argv()[1]);
    Reply::error(format!("ERR unknown subcommand or wrong number of arguments for '{sub}'. Try CLIENT HELP."))
}

/// CLIENT HELP
fn help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("CLIENT", &[
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <option> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "NO-TOUCH (ON|OFF)",
        "    Will not touch LRU/LFU stats when this mode is on.",
    ]))
}
