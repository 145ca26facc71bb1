//! Server commands: database management, time, configuration and INFO.

use super::table::{acl, flag, CmdResult, Command, Group};
use super::{help_reply, Ctx};
use crate::client::ClientKind;
use crate::config::{find_param, Config, ConfigChange, PARAMS, PROTECTED_PARAMS};
use crate::glob::glob_match;
use crate::reply::{errors, Reply};

const KS: u32 = acl::KEYSPACE;

pub static COMMANDS: &[Command] = &[
    Command::new("dbsize", 1, Group::Server, dbsize).flags(flag::READONLY | flag::FAST).acl(KS)
        .tips(&["request_policy:all_shards", "response_policy:agg_sum"])
        .doc("1.0.0", "O(1)", "Returns the number of keys in the database."),
    Command::new("flushdb", -1, Group::Server, flushdb).flags(flag::WRITE).acl(KS | acl::DANGEROUS)
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .doc("1.0.0", "O(N) where N is the number of keys in the selected database", "Remove all keys from the current database."),
    Command::new("flushall", -1, Group::Server, flushall).flags(flag::WRITE).acl(KS | acl::DANGEROUS)
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .doc("1.0.0", "O(N) where N is the total number of keys in all databases", "Removes all keys from all databases."),
    Command::new("swapdb", 3, Group::Server, swapdb).flags(flag::WRITE | flag::FAST).acl(KS | acl::DANGEROUS)
        .doc("4.0.0", "O(N) where N is the count of clients watching or blocking on keys from both databases.", "Swaps two Redis databases."),
    Command::new("time", 1, Group::Server, time).flags(flag::LOADING | flag::STALE | flag::FAST)
        .tips(&["nondeterministic_output"])
        .doc("2.6.0", "O(1)", "Returns the server time."),
    Command::new("info", -1, Group::Server, info).flags(flag::LOADING | flag::STALE).acl(acl::DANGEROUS)
        .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
        .doc("1.0.0", "O(1)", "Returns information and statistics about the server."),
    Command::new("role", 1, Group::Server, role).flags(flag::NOSCRIPT | flag::LOADING | flag::STALE | flag::FAST)
        .acl(acl::ADMIN | acl::DANGEROUS)
        .doc("2.8.12", "O(1)", "Returns the replication role."),
    Command::new("wait", 3, Group::Generic, wait).flags(flag::NOSCRIPT).acl(acl::CONNECTION)
        .tips(&["request_policy:all_shards", "response_policy:agg_min"])
        .doc("3.0.0", "O(1)", "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed."),
    Command::container("config", Group::Server, CONFIG),
    Command::new("shutdown", -1, Group::Server, shutdown).flags(flag::ADMIN | flag::NOSCRIPT | flag::LOADING | flag::STALE | flag::NO_MULTI)
        .doc("1.0.0", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
            "Synchronously saves the database(s) to disk and shuts down the Redis server."),
];

/// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
///
/// Saves if asked (or if save points are configured), then stops every network server on this
/// engine: each closes all its connections, this one included, without a reply (Redis exits
/// before replying; clients take the closed connection as success). There are no replicas to
/// wait for, so NOW changes nothing and no shutdown is ever left in progress for ABORT.
///
/// An embedded client gets an error instead: the engine lives inside its host process and does
/// not end it; the host stops its servers and the engine itself.
fn shutdown(ctx: &mut Ctx) -> CmdResult {
    let (mut save, mut nosave, mut force, mut abort, mut now) = (false, false, false, false, false);
    for arg in ctx.args.rest() {
        let flag = match arg.to_ascii_lowercase().as_slice() {
            b"save" => &mut save,
            b"nosave" => &mut nosave,
            b"force" => &mut force,
            b"abort" => &mut abort,
            b"now" => &mut now,
            _ => return Err(errors::SYNTAX),
        };
        *flag = true;
    }
    if (save && nosave) || (abort && (save || nosave || force || now)) {
        return Err(errors::SYNTAX);
    }
    if abort {
        return Err(Reply::err("ERR No shutdown in progress."));
    }
    if ctx.client.shared.info.kind == ClientKind::Embedded || !ctx.engine.has_shutdown_listeners() {
        return Err(Reply::err(
            "ERR SHUTDOWN is not available here: an embedded engine does not stop the process it lives in. \
             Stop the process, or send SHUTDOWN to a network server it runs",
        ));
    }
    let snapshot = if save { Some(true) } else if nosave { Some(false) } else { None };
    if ctx.engine.prepare_shutdown_locked(ctx.ks, snapshot).is_err() && !force {
        return Err(Reply::err("ERR Errors trying to SHUTDOWN. Check logs."));
    }
    ctx.engine.request_shutdown();
    ctx.client.close_after_reply = true;
    // Never sent: the server closes the connection instead.
    Ok(Reply::OK)
}

/// ROLE — always a master with no replicas.
fn role(_ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Array(vec![Reply::bulk("master"), Reply::Integer(0), Reply::Array(Vec::new())]))
}

/// WAIT numreplicas timeout — no replica ever acknowledges, so asking for none answers 0 at
/// once and asking for more waits out the timeout (milliseconds; 0 = forever), as Redis does.
fn wait(ctx: &mut Ctx) -> CmdResult {
    let wanted = ctx.args.int()?;
    let timeout = crate::util::parse_i64(ctx.args.bytes()?).ok_or(Reply::err("ERR timeout is not an integer or out of range"))?;
    if timeout < 0 {
        return Err(Reply::err("ERR timeout is negative"));
    }
    const ACKNOWLEDGED: i64 = 0;
    if wanted <= ACKNOWLEDGED {
        return Ok(Reply::Integer(ACKNOWLEDGED));
    }
    let deadline = (timeout > 0).then(|| ctx.now().saturating_add(timeout));
    ctx.block_until(&[], deadline, Reply::Integer(ACKNOWLEDGED), Reply::Integer(ACKNOWLEDGED))
}

static CONFIG: &[Command] = &[
    Command::new("config|get", -3, Group::Server, config_get).flags(flag::ADMIN | flag::NOSCRIPT | flag::LOADING | flag::STALE)
        .doc("2.0.0", "O(N) when N is the number of configuration parameters provided", "Returns the effective values of configuration parameters."),
    Command::new("config|help", 2, Group::Server, config_help).flags(flag::LOADING | flag::STALE)
        .doc("5.0.0", "O(1)", "Returns helpful text about the different subcommands."),
    Command::new("config|resetstat", 2, Group::Server, config_resetstat).flags(flag::ADMIN | flag::NOSCRIPT | flag::LOADING | flag::STALE)
        .doc("2.0.0", "O(1)", "Resets the server's statistics."),
    Command::new("config|rewrite", 2, Group::Server, config_rewrite).flags(flag::ADMIN | flag::NOSCRIPT | flag::LOADING | flag::STALE)
        .doc("2.8.0", "O(1)", "Persists the effective configuration to file."),
    Command::new("config|set", -4, Group::Server, config_set).flags(flag::ADMIN | flag::NOSCRIPT | flag::LOADING | flag::STALE)
        .doc("2.0.0", "O(N) when N is the number of configuration parameters provided", "Sets configuration parameters in-flight."),
];

/// DBSIZE
fn dbsize(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Integer(ctx.db().len() as i64))
}

/// The optional `ASYNC | SYNC` of FLUSHDB and FLUSHALL. Both free memory at once here.
fn flush_mode(ctx: &Ctx) -> Result<(), Reply> {
    match ctx.args.rest() {
        [] => Ok(()),
        [mode] if mode.eq_ignore_ascii_case(b"ASYNC") || mode.eq_ignore_ascii_case(b"SYNC") => Ok(()),
        _ => Err(errors::SYNTAX),
    }
}

/// FLUSHDB [ASYNC | SYNC]
fn flushdb(ctx: &mut Ctx) -> CmdResult {
    flush_mode(ctx)?;
    let removed = ctx.db().len() as u64;
    ctx.ks.touch_all_watched(ctx.client.db);
    ctx.db().clear();
    ctx.ks.dirty += removed;
    ctx.ks.tracking.invalidate_all(ctx.client.id);
    Ok(Reply::OK)
}

/// FLUSHALL [ASYNC | SYNC]
fn flushall(ctx: &mut Ctx) -> CmdResult {
    flush_mode(ctx)?;
    for index in 0..ctx.ks.dbs.len() {
        ctx.ks.touch_all_watched(index);
    }
    for db in &mut ctx.ks.dbs {
        ctx.ks.dirty += db.len() as u64;
        db.clear();
    }
    ctx.ks.tracking.invalidate_all(ctx.client.id);
    Ok(Reply::OK)
}

/// SWAPDB index1 index2
fn swapdb(ctx: &mut Ctx) -> CmdResult {
    let first = crate::util::parse_i64(ctx.args.bytes()?).ok_or(Reply::err("ERR invalid first DB index"))?;
    let second = crate::util::parse_i64(ctx.args.bytes()?).ok_or(Reply::err("ERR invalid second DB index"))?;
    let count = ctx.ks.dbs.len() as i64;
    if !(0..count).contains(&first) || !(0..count).contains(&second) {
        return Err(errors::DB_INDEX);
    }
    let (first, second) = (first as usize, second as usize);
    if !ctx.ks.watched.is_empty() {
        let dbs = &ctx.ks.dbs;
        let in_either = |k: &[u8]| dbs[first].keys.contains_key(k) || dbs[second].keys.contains_key(k);
        ctx.ks.watched.touch_db(first, in_either);
        ctx.ks.watched.touch_db(second, in_either);
    }
    ctx.ks.dbs.swap(first, second);
    ctx.ks.dirty += 1;
    Ok(Reply::OK)
}

/// TIME — seconds and microseconds, as two bulk strings.
fn time(ctx: &mut Ctx) -> CmdResult {
    let us = ctx.engine.clock.now_us();
    Ok(Reply::Array(vec![Reply::bulk_int(us / 1_000_000), Reply::bulk_int(us % 1_000_000)]))
}

/// INFO [section [section ...]]
fn info(ctx: &mut Ctx) -> CmdResult {
    let sections: Vec<String> = ctx.args.rest().iter().map(|s| String::from_utf8_lossy(s).to_ascii_lowercase()).collect();
    let text = crate::info::render(ctx.engine, ctx.ks, ctx.now(), &sections);
    Ok(Reply::Verbatim("txt", text.into_bytes()))
}

/// CONFIG GET parameter [parameter ...]
fn config_get(ctx: &mut Ctx) -> CmdResult {
    let patterns = ctx.args.rest();
    let config = ctx.engine.config.read();
    let mut out = Vec::new();
    for param in PARAMS {
        if patterns.iter().any(|p| glob_match(p, param.name.as_bytes(), true)) {
            out.push((Reply::bulk(param.name), Reply::bulk((param.get)(&config))));
        }
    }
    Ok(Reply::Map(out))
}

/// CONFIG SET parameter value [parameter value ...] — all or nothing.
fn config_set(ctx: &mut Ctx) -> CmdResult {
    let pairs = ctx.args.rest();
    if !pairs.len().is_multiple_of(2) {
        return Err(errors::arity("config|set"));
    }
    let current = ctx.engine.config();
    let mut trial = current.clone();
    let mut names = Vec::with_capacity(pairs.len() / 2);
    let protected_allowed = Config::allows_protected_action(&trial.enable_protected_configs, ctx.client.shared.info.is_local());
    for pair in pairs.chunks_exact(2) {
        let (name, value) = (String::from_utf8_lossy(pair[0]), String::from_utf8_lossy(pair[1]));
        if !protected_allowed && PROTECTED_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(&name)) {
            return Err(Reply::error(format!(
                "ERR CONFIG SET failed (possibly related to argument '{name}') - can't set protected config"
            )));
        }
        trial.set_at_runtime(&name, &value).map_err(|e| Reply::error(format!("ERR {e}")))?;
        names.extend(find_param(&name).map(|param| param.name));
    }
    // What lives outside the engine (a server's TLS context) takes the new values first, and
    // may refuse them.
    let change = ConfigChange { old: &current, new: &trial, names: &names };
    ctx.engine.apply_config_change(&change).map_err(|e| Reply::error(format!("ERR {e}")))?;
    for pair in pairs.chunks_exact(2) {
        let (name, value) = (String::from_utf8_lossy(pair[0]), String::from_utf8_lossy(pair[1]));
        ctx.engine.store_setting(&name, &value).map_err(|e| Reply::error(format!("ERR {e}")))?;
    }
    // A lower maxmemory takes effect now: evict down to it.
    if ctx.engine.eviction.maxmemory() > 0 {
        let now = ctx.engine.coarse_ms();
        crate::eviction::perform_evictions(ctx.engine, ctx.ks, now);
    }
    Ok(Reply::OK)
}

/// CONFIG REWRITE — writes the running configuration into the file the server started with.
fn config_rewrite(ctx: &mut Ctx) -> CmdResult {
    let config = ctx.engine.config.read();
    let Some(path) = &config.config_file else {
        return Err(Reply::err("ERR The server is running without a config file"));
    };
    crate::config::rewrite::rewrite_file(path, &config).map_err(|e| {
        // Redis reports strerror's text alone.
        let text = e.to_string();
        let reason = text.split(" (os error").next().unwrap_or(&text);
        Reply::error(format!("ERR Rewriting config file: {reason}"))
    })?;
    Ok(Reply::OK)
}

/// CONFIG RESETSTAT
fn config_resetstat(ctx: &mut Ctx) -> CmdResult {
    ctx.ks.stats = Default::default();
    ctx.ks.calls = Default::default();
    ctx.engine.observer.reset();
    Ok(Reply::OK)
}

/// CONFIG HELP
fn config_help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("CONFIG", &[
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
    ]))
}
