//! COMMAND: answered entirely from the command table, in Redis 7's reply shapes.

use super::table::{acl, flag, key, BeginSearch, CmdResult, Command, FindKeys, Group, KeySpec};
use super::{help_reply, lookup, lookup_full, lookup_sub, Ctx};
use crate::glob::glob_match;
use crate::reply::{errors, Reply};

const CONN: u32 = acl::CONNECTION;
const META: u32 = flag::LOADING | flag::STALE;

pub static COMMANDS: &[Command] = &[{
    let mut c = Command::container("command", Group::Server, COMMAND);
    // Bare COMMAND lists every command, so the container runs on its own too.
    c.arity = -1;
    c.handler = all_info;
    c.flags = META;
    c.acl = CONN;
    c.tips = &["nondeterministic_output_order"];
    c.since = "2.8.13";
    c.complexity = "O(N) where N is the total number of Redis commands";
    c.summary = "Returns detailed information about all commands.";
    c
}];

static COMMAND: &[Command] = &[
    Command::new("command|count", 2, Group::Server, count).flags(META).acl(CONN)
        .doc("2.8.13", "O(1)", "Returns a count of commands."),
    Command::new("command|docs", -2, Group::Server, docs).flags(META).acl(CONN)
        .tips(&["nondeterministic_output_order"])
        .doc("7.0.0", "O(N) where N is the number of commands to look up", "Returns documentary information about one, multiple or all commands."),
    Command::new("command|getkeys", -3, Group::Server, getkeys).flags(META).acl(CONN)
        .doc("2.8.13", "O(N) where N is the number of arguments to the command", "Extracts the key names from an arbitrary command."),
    Command::new("command|getkeysandflags", -3, Group::Server, getkeysandflags).flags(META).acl(CONN)
        .doc("7.0.0", "O(N) where N is the number of arguments to the command", "Extracts the key names and access flags for an arbitrary command."),
    Command::new("command|help", 2, Group::Server, help).flags(META).acl(CONN)
        .doc("5.0.0", "O(1)", "Returns helpful text about the different subcommands."),
    Command::new("command|info", -2, Group::Server, info).flags(META).acl(CONN)
        .tips(&["nondeterministic_output_order"])
        .doc("2.8.13", "O(N) where N is the number of commands to look up", "Returns information about one, multiple or all commands."),
    Command::new("command|list", -2, Group::Server, list).flags(META).acl(CONN)
        .tips(&["nondeterministic_output_order"])
        .doc("7.0.0", "O(N) where N is the total number of Redis commands", "Returns a list of command names."),
];

fn status_set<T: Copy + Into<u64>>(bits: T, names: &[(T, &str)], prefix: &str) -> Reply {
    let bits: u64 = bits.into();
    Reply::Set(
        names
            .iter()
            .filter(|(b, _)| bits & (*b).into() != 0)
            .map(|(_, name)| Reply::Simple(format!("{prefix}{name}").into()))
            .collect(),
    )
}

fn map(pairs: Vec<(&'static str, Reply)>) -> Reply {
    Reply::Map(pairs.into_iter().map(|(k, v)| (Reply::bulk(k), v)).collect())
}

fn key_spec_reply(spec: &KeySpec) -> Reply {
    let begin = match spec.begin {
        BeginSearch::Index(i) => map(vec![("type", Reply::bulk("index")), ("spec", map(vec![("index", Reply::Integer(i.into()))]))]),
        BeginSearch::Unknown => map(vec![("type", Reply::bulk("unknown")), ("spec", map(vec![]))]),
        BeginSearch::Keyword { keyword, startfrom } => map(vec![
            ("type", Reply::bulk("keyword")),
            ("spec", map(vec![("keyword", Reply::bulk(keyword)), ("startfrom", Reply::Integer(startfrom.into()))])),
        ]),
    };
    let find = match spec.find {
        FindKeys::Range { lastkey, keystep, limit } => map(vec![
            ("type", Reply::bulk("range")),
            ("spec", map(vec![
                ("lastkey", Reply::Integer(lastkey.into())),
                ("keystep", Reply::Integer(keystep.into())),
                ("limit", Reply::Integer(limit.into())),
            ])),
        ]),
        FindKeys::Unknown => map(vec![("type", Reply::bulk("unknown")), ("spec", map(vec![]))]),
        FindKeys::Keynum { keynumidx, firstkey, keystep } => map(vec![
            ("type", Reply::bulk("keynum")),
            ("spec", map(vec![
                ("keynumidx", Reply::Integer(keynumidx.into())),
                ("firstkey", Reply::Integer(firstkey.into())),
                ("keystep", Reply::Integer(keystep.into())),
            ])),
        ]),
    };
    let mut fields = Vec::with_capacity(4);
    if !spec.notes.is_empty() {
        fields.push(("notes", Reply::bulk(spec.notes)));
    }
    fields.extend([("flags", status_set(spec.flags, key::NAMES, "")), ("begin_search", begin), ("find_keys", find)]);
    map(fields)
}

/// One command's `COMMAND INFO` entry.
fn info_reply(cmd: &Command) -> Reply {
    let (first, last, step) = cmd.legacy_key_range();
    let mut flags = cmd.flags;
    if cmd.has_movable_keys() {
        flags |= flag::MOVABLEKEYS;
    }
    Reply::Array(vec![
        Reply::bulk(cmd.name),
        Reply::Integer(cmd.arity.into()),
        status_set(flags, flag::NAMES, ""),
        Reply::Integer(first.into()),
        Reply::Integer(last.into()),
        Reply::Integer(step.into()),
        status_set(cmd.acl_categories(), acl::NAMES, "@"),
        Reply::Set(cmd.tips.iter().map(|t| Reply::bulk(*t)).collect()),
        Reply::Set(cmd.key_specs.iter().map(key_spec_reply).collect()),
        Reply::Set(cmd.subcommands.iter().map(info_reply).collect()),
    ])
}

/// One command's `COMMAND DOCS` entry.
fn docs_reply(cmd: &Command) -> Reply {
    let mut pairs = vec![
        ("summary", Reply::bulk(cmd.summary)),
        ("since", Reply::bulk(cmd.since)),
        ("group", Reply::bulk(cmd.group.name())),
    ];
    // A few commands (MONITOR) state no complexity: Redis leaves the field out.
    if !cmd.complexity.is_empty() {
        pairs.push(("complexity", Reply::bulk(cmd.complexity)));
    }
    pairs.extend(super::docs::extra_fields(cmd.name));
    if !cmd.subcommands.is_empty() {
        pairs.push((
            "subcommands",
            Reply::Map(cmd.subcommands.iter().map(|s| (Reply::bulk(s.name), docs_reply(s))).collect()),
        ));
    }
    map(pairs)
}

/// COMMAND
fn all_info(_ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Array(super::all().map(info_reply).collect()))
}

/// COMMAND COUNT
fn count(_ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Integer(super::all().count() as i64))
}

/// COMMAND INFO [command-name ...]
fn info(ctx: &mut Ctx) -> CmdResult {
    let names = ctx.args.rest();
    if names.is_empty() {
        return all_info(ctx);
    }
    Ok(Reply::Array(names.iter().map(|n| lookup_full(n).map_or(Reply::Null, info_reply)).collect()))
}

/// COMMAND DOCS [command-name ...]
fn docs(ctx: &mut Ctx) -> CmdResult {
    let names = ctx.args.rest();
    let entries: Vec<(Reply, Reply)> = if names.is_empty() {
        super::all().map(|c| (Reply::bulk(c.name), docs_reply(c))).collect()
    } else {
        names.iter().filter_map(|n| lookup_full(n)).map(|c| (Reply::bulk(c.name), docs_reply(c))).collect()
    };
    Ok(Reply::Map(entries))
}

/// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
fn list(ctx: &mut Ctx) -> CmdResult {
    let filter: Box<dyn Fn(&Command) -> bool> = match ctx.args.rest() {
        [] => Box::new(|_| true),
        [by, kind, value] if by.eq_ignore_ascii_case(b"FILTERBY") => {
            let value = value.to_vec();
            match kind.to_ascii_uppercase().as_slice() {
                b"MODULE" => Box::new(|_| false),
                b"ACLCAT" => {
                    let bit = acl::NAMES.iter().find(|(_, n)| n.as_bytes().eq_ignore_ascii_case(&value)).map(|(b, _)| *b);
                    Box::new(move |c| bit.is_some_and(|b| c.acl_categories() & b != 0))
                }
                b"PATTERN" => Box::new(move |c| glob_match(&value, c.name.as_bytes(), true)),
                _ => return Err(errors::SYNTAX),
            }
        }
        _ => return Err(errors::SYNTAX),
    };
    let mut names = Vec::new();
    for cmd in super::all() {
        for c in std::iter::once(cmd).chain(cmd.subcommands) {
            if filter(c) {
                names.push(Reply::bulk(c.name));
            }
        }
    }
    Ok(Reply::Array(names))
}

/// Resolves the command a GETKEYS call asks about and checks its arity.
fn target<'a>(argv: &'a [&'a [u8]]) -> Result<&'static Command, Reply> {
    let mut cmd = lookup(argv[0]).ok_or(Reply::err("ERR Invalid command specified"))?;
    if !cmd.subcommands.is_empty() && argv.len() >= 2 {
        cmd = lookup_sub(cmd, argv[1]).ok_or(Reply::err("ERR Invalid command specified"))?;
    }
    if !cmd.arity_ok(argv.len()) {
        return Err(Reply::err("ERR Invalid number of arguments specified for command"));
    }
    Ok(cmd)
}

/// The key positions of a GETKEYS call, with the spec each came from.
fn keys_of(ctx: &Ctx) -> Result<(Vec<usize>, &'static Command), Reply> {
    let argv = ctx.args.rest();
    let cmd = target(argv)?;
    let positions = cmd.key_positions(argv);
    if positions.is_empty() {
        return Err(Reply::err("ERR The command has no key arguments"));
    }
    Ok((positions, cmd))
}

/// COMMAND GETKEYS command [arg ...]
fn getkeys(ctx: &mut Ctx) -> CmdResult {
    let (positions, _) = keys_of(ctx)?;
    let argv = ctx.args.rest();
    Ok(Reply::Array(positions.into_iter().map(|i| Reply::bulk(argv[i])).collect()))
}

/// COMMAND GETKEYSANDFLAGS command [arg ...]
fn getkeysandflags(ctx: &mut Ctx) -> CmdResult {
    let (positions, cmd) = keys_of(ctx)?;
    let argv = ctx.args.rest();
    let out = positions
        .into_iter()
        .map(|i| {
            let flags = cmd
                .key_specs
                .iter()
                .find(|s| cmd_spec_covers(s, i, argv))
                .map_or(0, |s| s.flags);
            Reply::Array(vec![Reply::bulk(argv[i]), status_set(flags, key::NAMES, "")])
        })
        .collect();
    Ok(Reply::Array(out))
}

/// Whether a key spec yields the key at position `i`.
fn cmd_spec_covers(spec: &KeySpec, i: usize, argv: &[&[u8]]) -> bool {
    let mut positions = Vec::new();
    spec.positions(argv, &mut positions);
    positions.contains(&i)
}

/// COMMAND HELP
fn help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("COMMAND", &[
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
    ]))
}
