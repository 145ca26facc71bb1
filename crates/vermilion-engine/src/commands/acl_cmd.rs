//! ACL: users and permissions (see `crate::acl`).

use std::sync::atomic::Ordering;

use super::table::{acl, flag, CmdResult, Command, Group};
use super::{help_reply, Ctx};
use crate::acl::{self as access, rules, Acl};
use crate::reply::{errors, Reply};

const ADMIN: u32 = flag::ADMIN | flag::NOSCRIPT | flag::LOADING | flag::STALE;
const SELF: u32 = flag::NOSCRIPT | flag::LOADING | flag::STALE;

pub static COMMANDS: &[Command] = &[Command::container("acl", Group::Server, ACL)
    .doc("6.0.0", "Depends on subcommand.", "A container for Access List Control commands.")];

static ACL: &[Command] = &[
    Command::new("acl|cat", -2, Group::Server, cat).flags(SELF)
        .doc("6.0.0", "O(1) since the categories and commands are a fixed set.", "Lists the ACL categories, or the commands inside a category."),
    Command::new("acl|deluser", -3, Group::Server, deluser).flags(ADMIN)
        .doc("6.0.0", "O(1) amortized time considering the typical user.", "Deletes ACL users, and terminates their connections."),
    Command::new("acl|dryrun", -4, Group::Server, dryrun).flags(ADMIN)
        .doc("7.0.0", "O(1).", "Simulates the execution of a command by a user, without executing the command."),
    Command::new("acl|genpass", -2, Group::Server, genpass).flags(SELF)
        .doc("6.0.0", "O(N)", "Generates a pseudorandom, secure password that can be used to identify ACL users."),
    Command::new("acl|getuser", 3, Group::Server, getuser).flags(ADMIN)
        .doc("6.0.0", "O(N). Where N is the number of password, command and pattern rules that the user has.", "Lists the ACL rules of a user."),
    Command::new("acl|help", 2, Group::Server, help).flags(flag::LOADING | flag::STALE)
        .doc("6.0.0", "O(1)", "Returns helpful text about the different subcommands."),
    Command::new("acl|list", 2, Group::Server, list).flags(ADMIN)
        .doc("6.0.0", "O(N). Where N is the number of configured users.", "Dumps the effective rules in ACL file format."),
    Command::new("acl|load", 2, Group::Server, load).flags(ADMIN)
        .doc("6.0.0", "O(N). Where N is the number of configured users.", "Reloads the rules from the configured ACL file."),
    Command::new("acl|log", -2, Group::Server, log).flags(ADMIN)
        .doc("6.0.0", "O(N) with N being the number of entries shown.", "Lists recent security events generated due to commands rejected by ACL rules."),
    Command::new("acl|save", 2, Group::Server, save).flags(ADMIN)
        .doc("6.0.0", "O(N). Where N is the number of configured users.", "Saves the effective ACL rules in the configured ACL file."),
    Command::new("acl|setuser", -3, Group::Server, setuser).flags(ADMIN)
        .doc("6.0.0", "O(N). Where N is the number of rules provided.", "Creates and modifies an ACL user and its rules."),
    Command::new("acl|users", 2, Group::Server, users).flags(ADMIN)
        .doc("6.0.0", "O(N). Where N is the number of configured users.", "Lists all ACL users."),
    Command::new("acl|whoami", 2, Group::Server, whoami).flags(SELF)
        .doc("6.0.0", "O(1)", "Returns the authenticated username of the current connection."),
];

/// ACL SETUSER username [rule ...]
fn setuser(ctx: &mut Ctx) -> CmdResult {
    let name = ctx.args.text()?;
    let words = ctx.args.rest();
    let mut acl = ctx.engine.acl.write();
    acl.set_user(&name, words).map_err(|(word, why)| {
        Reply::error(format!("ERR Error in ACL SETUSER modifier '{}': {why}", String::from_utf8_lossy(&word)))
    })?;
    ctx.engine.auth_required.store(acl.default_requires_auth(), Ordering::Relaxed);
    Ok(Reply::OK)
}

/// ACL DELUSER username [username ...] — disconnects the deleted users' clients.
fn deluser(ctx: &mut Ctx) -> CmdResult {
    let names = ctx.args.rest();
    if names.iter().any(|n| *n == b"default") {
        return Err(Reply::err("ERR The 'default' user cannot be removed"));
    }
    let mut deleted = Vec::new();
    {
        let mut acl = ctx.engine.acl.write();
        for name in names {
            let name = String::from_utf8_lossy(name).into_owned();
            if acl.delete_user(&name) {
                deleted.push(name);
            }
        }
    }
    for client in ctx.engine.clients.lock().values() {
        if deleted.iter().any(|name| *client.user.lock() == *name) {
            client.kill();
        }
    }
    Ok(Reply::Integer(deleted.len() as i64))
}

/// ACL GETUSER username
fn getuser(ctx: &mut Ctx) -> CmdResult {
    let name = ctx.args.text()?;
    let acl = ctx.engine.acl.read();
    let Some(user) = acl.user(&name) else { return Ok(Reply::Null) };
    let rules = user.rules();
    let field = |name: &'static str, value: Reply| (Reply::bulk(name), value);
    Ok(Reply::Map(vec![
        field("flags", Reply::Set(rules.flag_names().into_iter().map(Reply::bulk).collect())),
        field("passwords", Reply::Array(rules.passwords.iter().map(|p| Reply::bulk(p.as_bytes())).collect())),
        field("commands", Reply::bulk(rules.describe_commands())),
        field("keys", Reply::bulk(rules.describe_keys())),
        field("channels", Reply::bulk(rules.describe_channels())),
        field("selectors", Reply::Array(Vec::new())),
    ]))
}

/// ACL LIST
fn list(ctx: &mut Ctx) -> CmdResult {
    let acl = ctx.engine.acl.read();
    Ok(Reply::Array(acl.users().map(|u| Reply::bulk(format!("user {} {}", u.name, u.rules().describe()))).collect()))
}

/// ACL USERS
fn users(ctx: &mut Ctx) -> CmdResult {
    let acl = ctx.engine.acl.read();
    Ok(Reply::Array(acl.users().map(|u| Reply::bulk(u.name.as_bytes())).collect()))
}

/// ACL WHOAMI
fn whoami(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::bulk(ctx.client.user.as_bytes()))
}

/// ACL CAT [category]
fn cat(ctx: &mut Ctx) -> CmdResult {
    let Some(name) = ctx.args.rest().first() else {
        return Ok(Reply::Array(acl::NAMES.iter().map(|(_, name)| Reply::bulk(*name)).collect()));
    };
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    let bit = rules::category_bit(&name)
        .ok_or_else(|| Reply::error(format!("ERR Unknown category '{name}'")))?;
    let names = rules::every_command().iter().filter(|c| c.acl_categories() & bit != 0).map(|c| Reply::bulk(c.name));
    Ok(Reply::Array(names.collect()))
}

/// ACL GENPASS [bits] — hex of `bits` random bits (256 by default), rounded up to a nibble.
fn genpass(ctx: &mut Ctx) -> CmdResult {
    let bits = match ctx.args.rest().first() {
        None => 256,
        Some(arg) => crate::util::parse_i64(arg).filter(|b| (1..=4096).contains(b)).ok_or(Reply::err(
            "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096",
        ))?,
    };
    use rand::Rng;
    let mut rng = rand::rng();
    let chars = (bits as usize).div_ceil(4);
    let text: String = (0..chars).map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0')).collect();
    Ok(Reply::bulk(text))
}

/// ACL DRYRUN username command [arg ...]
fn dryrun(ctx: &mut Ctx) -> CmdResult {
    let name = ctx.args.text()?;
    let argv = ctx.args.rest();
    let user = ctx.engine.acl.read().user(&name).cloned()
        .ok_or_else(|| Reply::error(format!("ERR User '{name}' not found")))?;
    let cmd = super::lookup(argv[0])
        .ok_or_else(|| Reply::error(format!("ERR Command '{}' not found", String::from_utf8_lossy(argv[0]))))?;
    let (cmd, _) = super::resolve_subcommand(cmd, argv);
    if !cmd.arity_ok(argv.len()) {
        return Err(errors::arity(cmd.name));
    }
    Ok(match access::check(&user, cmd, argv) {
        Ok(()) => Reply::OK,
        Err(access::Denial::Command) => Reply::bulk(format!("This user has no permissions to run the '{}' command", cmd.name)),
        Err(access::Denial::Key(i)) => {
            Reply::bulk(format!("This user has no permissions to access the '{}' key", String::from_utf8_lossy(argv[i])))
        }
        Err(access::Denial::Channel(i)) => {
            Reply::bulk(format!("This user has no permissions to access the '{}' channel", String::from_utf8_lossy(argv[i])))
        }
    })
}

/// ACL LOG [count | RESET]
fn log(ctx: &mut Ctx) -> CmdResult {
    let count = match ctx.args.rest().first() {
        None => None,
        Some(arg) if arg.eq_ignore_ascii_case(b"RESET") => {
            ctx.engine.acl.write().log.reset();
            return Ok(Reply::OK);
        }
        Some(arg) => Some(crate::util::parse_i64(arg).ok_or(errors::NOT_INTEGER)?.max(0) as usize),
    };
    Ok(ctx.engine.acl.read().log.reply(count, ctx.engine.now_ms()))
}

const NO_ACL_FILE: &str = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

/// ACL SAVE — writes every user as `user <name> <rules>` to `aclfile`, replacing it atomically.
fn save(ctx: &mut Ctx) -> CmdResult {
    let path = ctx.engine.config.read().aclfile.clone();
    if path.is_empty() {
        return Err(Reply::err(NO_ACL_FILE));
    }
    let text: String = ctx.engine.acl.read().users().map(|u| format!("user {} {}\n", u.name, u.rules().describe())).collect();
    let temp = format!("{path}.tmp-{}", std::process::id());
    std::fs::write(&temp, text)
        .and_then(|()| std::fs::rename(&temp, &path))
        .map_err(|e| Reply::error(format!("ERR There was an error trying to save the ACLs. Please check the server logs for more information ({e})")))?;
    Ok(Reply::OK)
}

/// ACL LOAD — replaces every user with those of `aclfile`, or changes nothing if a line is bad.
fn load(ctx: &mut Ctx) -> CmdResult {
    let path = ctx.engine.config.read().aclfile.clone();
    if path.is_empty() {
        return Err(Reply::err(NO_ACL_FILE));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Reply::error(format!("ERR Error loading ACLs, opening file '{path}': {e}")))?;
    let loaded = parse_acl_file(&text).map_err(|e| Reply::error(format!("ERR {e}")))?;
    let mut acl = ctx.engine.acl.write();
    *acl = loaded;
    ctx.engine.auth_required.store(acl.default_requires_auth(), Ordering::Relaxed);
    Ok(Reply::OK)
}

/// Parses an ACL file: `user <name> <rule> ...` lines; the default user exists even if absent.
pub fn parse_acl_file(text: &str) -> Result<Acl, String> {
    let mut acl = Acl::default();
    for (number, line) in text.lines().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            ["user", name, rules @ ..] => {
                let rules: Vec<&[u8]> = rules.iter().map(|r| r.as_bytes()).collect();
                // A user listed in the file starts from nothing, not from an earlier definition.
                acl.delete_user(name);
                let mut words = vec![b"reset".as_slice()];
                words.extend(rules);
                acl.set_user(name, &words).map_err(|(word, why)| {
                    format!("/{number}: Error in user declaration '{}': {why}", String::from_utf8_lossy(&word))
                })?;
            }
            _ => return Err(format!("/{}: line should start with user keyword", number + 1)),
        }
    }
    Ok(acl)
}

/// ACL HELP
fn help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("ACL", &[
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
    ]))
}
