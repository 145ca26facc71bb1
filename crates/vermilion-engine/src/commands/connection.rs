//! Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET.

use std::borrow::Cow;

use super::table::{acl, flag, CmdResult, Command, Group};
use super::Ctx;
use crate::reply::{errors, Reply};

const CONN: u32 = acl::CONNECTION;

pub static COMMANDS: &[Command] = &[
    Command::new("ping", -1, Group::Connection, ping)
        .flags(flag::FAST).acl(CONN)
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .doc("1.0.0", "O(1)", "Returns the server's liveliness response."),
    Command::new("echo", 2, Group::Connection, echo)
        .flags(flag::LOADING | flag::STALE | flag::FAST).acl(CONN)
        .doc("1.0.0", "O(1)", "Returns the given string."),
    Command::new("hello", -1, Group::Connection, hello)
        .flags(flag::NOSCRIPT | flag::LOADING | flag::STALE | flag::FAST | flag::NO_AUTH | flag::ALLOW_BUSY).acl(CONN)
        .doc("6.0.0", "O(1)", "Handshakes with the Redis server."),
    Command::new("auth", -2, Group::Connection, auth)
        .flags(flag::NOSCRIPT | flag::LOADING | flag::STALE | flag::FAST | flag::NO_AUTH | flag::ALLOW_BUSY).acl(CONN)
        .doc("1.0.0", "O(N) where N is the number of passwords defined for the user", "Authenticates the connection."),
    Command::new("select", 2, Group::Connection, select)
        .flags(flag::LOADING | flag::STALE | flag::FAST).acl(CONN)
        .doc("1.0.0", "O(1)", "Changes the selected database."),
    Command::new("quit", -1, Group::Connection, quit)
        .flags(flag::NOSCRIPT | flag::LOADING | flag::STALE | flag::FAST | flag::NO_AUTH | flag::ALLOW_BUSY).acl(CONN)
        .doc("1.0.0", "O(1)", "Closes the connection."),
    Command::new("reset", 1, Group::Connection, reset)
        .flags(flag::NOSCRIPT | flag::LOADING | flag::STALE | flag::FAST | flag::NO_AUTH | flag::ALLOW_BUSY).acl(CONN)
        .doc("6.2.0", "O(1)", "Resets the connection."),
];

/// PING [message]
fn ping(ctx: &mut Ctx) -> CmdResult {
    // A RESP2 subscriber's replies share the stream with its messages: PING answers in their shape.
    if ctx.client.resp == 2 && ctx.client.subscriptions.any() {
        let message = if ctx.args.remaining() == 0 { Vec::new() } else { ctx.args.bytes()?.to_vec() };
        if ctx.args.remaining() > 0 {
            return Err(errors::arity("ping"));
        }
        return Ok(Reply::Array(vec![Reply::bulk("pong"), Reply::bulk(message)]));
    }
    match ctx.args.remaining() {
        0 => Ok(Reply::simple("PONG")),
        1 => Ok(Reply::bulk(ctx.args.bytes()?)),
        _ => Err(errors::arity("ping")),
    }
}

/// ECHO message
fn echo(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::bulk(ctx.args.bytes()?))
}

/// Authenticates the client as `user` if the password opens it (see `AclUser::accepts`); a
/// failure is recorded in ACL LOG and answered with WRONGPASS.
fn authenticate(ctx: &mut Ctx, user: &[u8], password: &[u8], command: &str) -> Result<(), Reply> {
    let name = String::from_utf8_lossy(user).into_owned();
    let found = ctx.engine.acl.read().user(&name).cloned();
    match found {
        Some(acl_user) if acl_user.accepts(password) => {
            ctx.client.authenticated = true;
            *ctx.client.shared().user.lock() = name.clone();
            ctx.client.user = name;
            ctx.client.acl_user = acl_user;
            Ok(())
        }
        _ => {
            log_failed_auth(ctx, &name);
            let now = ctx.engine.now_ms();
            let info = super::describe_client(ctx.client.shared(), now);
            let (reason, context) = (crate::acl::LogReason::Auth, crate::acl::LogContext::TopLevel);
            ctx.engine.acl.write().log.add(reason, context, command.into(), name, now, info);
            Err(WRONGPASS)
        }
    }
}

/// A warning naming who failed to authenticate, and from where (never the password): repeated
/// lines are how an operator spots someone guessing passwords.
fn log_failed_auth(ctx: &Ctx, user: &str) {
    use crate::scripting::log;
    let threshold = log::level_number(&ctx.engine.config.read().loglevel);
    let addr = &ctx.client.shared().info.addr;
    let line = format!("Failed authentication of user '{user}' from client addr={addr} id={}", ctx.client.id);
    log::write(log::WARNING, threshold, line.as_bytes());
}

const WRONGPASS: Reply = Reply::err("WRONGPASS invalid username-password pair or user is disabled.");

/// AUTH [username] password
fn auth(ctx: &mut Ctx) -> CmdResult {
    let (user, password): (&[u8], &[u8]) = match ctx.args.remaining() {
        1 => (b"default", ctx.args.bytes()?),
        2 => (ctx.args.bytes()?, ctx.args.bytes()?),
        _ => return Err(errors::SYNTAX),
    };
    if ctx.args.argv().len() == 2 && !ctx.engine.auth_required.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Reply::err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"));
    }
    authenticate(ctx, user, password, "AUTH")?;
    Ok(Reply::OK)
}

/// HELLO [protover [AUTH username password] [SETNAME clientname]]
fn hello(ctx: &mut Ctx) -> CmdResult {
    let mut protover = None;
    if !ctx.args.is_empty() {
        let v = crate::util::parse_i64(ctx.args.bytes()?)
            .ok_or(Reply::err("ERR Protocol version is not an integer or out of range"))?;
        if !(2..=3).contains(&v) {
            return Err(Reply::err("NOPROTO unsupported protocol version"));
        }
        protover = Some(v as u8);
    }
    let mut credentials = None;
    let mut name = None;
    while let Some(option) = ctx.args.peek() {
        ctx.args.bytes()?;
        let more = ctx.args.remaining();
        if option.eq_ignore_ascii_case(b"AUTH") && more >= 2 {
            credentials = Some((ctx.args.bytes()?, ctx.args.bytes()?));
        } else if option.eq_ignore_ascii_case(b"SETNAME") && more >= 1 {
            name = Some(ctx.args.bytes()?);
        } else {
            return Err(Reply::error(format!("ERR Syntax error in HELLO option '{}'", String::from_utf8_lossy(option))));
        }
    }
    if let Some((user, password)) = credentials {
        authenticate(ctx, user, password, "HELLO")?;
    }
    if !ctx.client.authenticated && ctx.engine.auth_required.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Reply::err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"));
    }
    if let Some(name) = name {
        super::client_cmd::validate_name(name)?;
        *ctx.client.shared().name.lock() = name.to_vec();
    }
    if let Some(v) = protover {
        ctx.client.set_resp(v);
    }
    let text = |s: &'static str| Reply::bulk(s);
    Ok(Reply::Map(vec![
        (text("server"), text("redis")),
        (text("version"), text(crate::REDIS_VERSION)),
        (text("proto"), Reply::Integer(i64::from(ctx.client.resp))),
        (text("id"), Reply::Integer(ctx.client.id as i64)),
        (text("mode"), text("standalone")),
        (text("role"), text("master")),
        (text("modules"), Reply::Array(Vec::new())),
    ]))
}

/// SELECT index
fn select(ctx: &mut Ctx) -> CmdResult {
    let index = ctx.args.int()?;
    if i32::try_from(index).is_err() {
        return Err(Reply::err("ERR value is out of range, value must between -2147483648 and 2147483647"));
    }
    let db = usize::try_from(index).ok().filter(|&i| i < ctx.ks.dbs.len()).ok_or(errors::DB_INDEX)?;
    ctx.client.select(db);
    Ok(Reply::OK)
}

/// QUIT — replies OK; the face closes the connection after sending it.
fn quit(ctx: &mut Ctx) -> CmdResult {
    ctx.client.close_after_reply = true;
    Ok(Reply::OK)
}

/// RESET — back to a fresh connection's state.
fn reset(ctx: &mut Ctx) -> CmdResult {
    ctx.client.multi = None;
    super::tx::unwatch_all(ctx.client, ctx.ks);
    let shared = std::sync::Arc::clone(ctx.client.shared());
    ctx.ks.pubsub.forget(&mut ctx.client.subscriptions, &shared);
    if ctx.client.tracking.take().is_some() {
        ctx.ks.tracking.disable(ctx.client.id);
    }
    ctx.client.select(0);
    ctx.client.set_resp(2);
    ctx.client.shared().name.lock().clear();
    ctx.client.user = "default".into();
    *ctx.client.shared().user.lock() = "default".into();
    ctx.client.acl_user = std::sync::Arc::clone(ctx.engine.acl.read().default_user());
    ctx.client.authenticated = !ctx.engine.auth_required.load(std::sync::atomic::Ordering::Relaxed);
    Ok(Reply::Simple(Cow::Borrowed("RESET")))
}
