//! Stream commands: appending and trimming, ranges, reads (plain and through consumer groups),
//! the pending entries lists, and the XGROUP / XINFO containers.
//!
//! XREAD and XREADGROUP with BLOCK park on the engine's blocking machinery, which re-runs them
//! when their keys change. XREAD's `$` cannot be re-run that way (it would mean the newer last
//! ID each time), so a read with `$` that finds nothing answers as if its timeout had elapsed.

use super::table::{acl, flag, key, BeginSearch, CmdResult, Command, FindKeys, Group, KeySpec};
use super::{help_reply, Ctx};
use crate::keyspace::Entry;
use crate::reply::{errors, Reply};
use crate::types::stream::{ConsumerGroup, Fields, StreamEntries, StreamId, Trim, TrimStrategy};
use crate::types::{StreamValue, Value};
use crate::util::parse_i64;

const STREAM: u32 = acl::STREAM;
const READ_KEYS: &[KeySpec] = &[KeySpec::single(1, key::RO | key::ACCESS)];
const UPDATE_KEYS: &[KeySpec] = &[KeySpec::single(1, key::RW | key::UPDATE)];
const DELETE_KEYS: &[KeySpec] = &[KeySpec::single(1, key::RW | key::DELETE)];
const SUB_READ_KEYS: &[KeySpec] = &[KeySpec::single(2, key::RO | key::ACCESS)];
const SUB_INSERT_KEYS: &[KeySpec] = &[KeySpec::single(2, key::RW | key::INSERT)];
const SUB_UPDATE_KEYS: &[KeySpec] = &[KeySpec::single(2, key::RW | key::UPDATE)];
const SUB_DELETE_KEYS: &[KeySpec] = &[KeySpec::single(2, key::RW | key::DELETE)];
/// The keys of XREAD and XREADGROUP: the first half of what follows `STREAMS`.
const fn streams_keys(startfrom: i32) -> [KeySpec; 1] {
    [KeySpec {
        flags: key::RO | key::ACCESS,
        begin: BeginSearch::Keyword { keyword: "STREAMS", startfrom },
        find: FindKeys::Range { lastkey: -1, keystep: 1, limit: 2 },
        notes: "",
    }]
}
const XREAD_KEYS: &[KeySpec] = &streams_keys(1);
const XREADGROUP_KEYS: &[KeySpec] = &streams_keys(4);
const NONDETERMINISTIC: &[&str] = &["nondeterministic_output"];
const HELP_FLAGS: u32 = flag::LOADING | flag::STALE;
const HELP_SUMMARY: &str = "Show helpful text about the different subcommands";

pub static COMMANDS: &[Command] = &[
    Command::new("xadd", -5, Group::Stream, xadd).flags(flag::WRITE | flag::DENYOOM | flag::FAST).acl(STREAM)
        .keys(&[KeySpec::single(1, key::RW | key::UPDATE).notes("UPDATE instead of INSERT because of the optional trimming feature")])
        .tips(NONDETERMINISTIC)
        .doc("5.0.0", "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.", "Appends a new entry to a stream"),
    Command::new("xlen", 2, Group::Stream, xlen).flags(flag::READONLY | flag::FAST).acl(STREAM)
        .keys(&[KeySpec::single(1, key::RO)])
        .doc("5.0.0", "O(1)", "Return the number of entries in a stream"),
    Command::new("xrange", -4, Group::Stream, xrange).flags(flag::READONLY).acl(STREAM).keys(READ_KEYS)
        .doc("5.0.0", "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).", "Return a range of elements in a stream, with IDs matching the specified IDs interval"),
    Command::new("xrevrange", -4, Group::Stream, xrevrange).flags(flag::READONLY).acl(STREAM).keys(READ_KEYS)
        .doc("5.0.0", "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).", "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE"),
    Command::new("xdel", -3, Group::Stream, xdel).flags(flag::WRITE | flag::FAST).acl(STREAM).keys(DELETE_KEYS)
        .doc("5.0.0", "O(1) for each single item to delete in the stream, regardless of the stream size.", "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist."),
    Command::new("xtrim", -4, Group::Stream, xtrim).flags(flag::WRITE).acl(STREAM).keys(DELETE_KEYS)
        .tips(NONDETERMINISTIC)
        .doc("5.0.0", "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.", "Trims the stream to (approximately if '~' is passed) a certain size"),
    Command::new("xread", -4, Group::Stream, xread).flags(flag::READONLY | flag::BLOCKING | flag::MOVABLEKEYS).acl(STREAM)
        .keys(XREAD_KEYS)
        .doc("5.0.0", "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.", "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block."),
    Command::new("xreadgroup", -7, Group::Stream, xreadgroup).flags(flag::WRITE | flag::BLOCKING | flag::MOVABLEKEYS).acl(STREAM)
        .keys(XREADGROUP_KEYS)
        .doc("5.0.0", "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.", "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block."),
    Command::new("xack", -4, Group::Stream, xack).flags(flag::WRITE | flag::FAST).acl(STREAM).keys(UPDATE_KEYS)
        .doc("5.0.0", "O(1) for each message ID processed.", "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL."),
    Command::new("xpending", -3, Group::Stream, xpending).flags(flag::READONLY).acl(STREAM).keys(READ_KEYS)
        .tips(NONDETERMINISTIC)
        .doc("5.0.0", "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.", "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged."),
    Command::new("xclaim", -6, Group::Stream, xclaim).flags(flag::WRITE | flag::FAST).acl(STREAM).keys(UPDATE_KEYS)
        .tips(NONDETERMINISTIC)
        .doc("5.0.0", "O(log N) with N being the number of messages in the PEL of the consumer group.", "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer."),
    Command::new("xautoclaim", -6, Group::Stream, xautoclaim).flags(flag::WRITE | flag::FAST).acl(STREAM).keys(DELETE_KEYS)
        .tips(NONDETERMINISTIC)
        .doc("6.2.0", "O(1) if COUNT is small.", "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer."),
    Command::new("xsetid", -3, Group::Stream, xsetid).flags(flag::WRITE | flag::DENYOOM | flag::FAST).acl(STREAM).keys(UPDATE_KEYS)
        .doc("5.0.0", "O(1)", "An internal command for replicating stream values"),
    Command::container("xgroup", Group::Stream, XGROUP)
        .doc("5.0.0", "Depends on subcommand.", "A container for consumer groups commands"),
    Command::container("xinfo", Group::Stream, XINFO)
        .doc("5.0.0", "Depends on subcommand.", "A container for stream introspection commands"),
];

/// In Redis's listing order.
static XGROUP: &[Command] = &[
    Command::new("xgroup|destroy", 4, Group::Stream, xgroup_destroy).flags(flag::WRITE).acl(STREAM)
        .keys(SUB_DELETE_KEYS)
        .doc("5.0.0", "O(N) where N is the number of entries in the group's pending entries list (PEL).", "Destroy a consumer group."),
    Command::new("xgroup|help", 2, Group::Stream, xgroup_help).flags(HELP_FLAGS).acl(STREAM)
        .doc("5.0.0", "O(1)", HELP_SUMMARY),
    Command::new("xgroup|setid", -5, Group::Stream, xgroup_setid).flags(flag::WRITE).acl(STREAM)
        .keys(SUB_UPDATE_KEYS).doc("5.0.0", "O(1)", "Set a consumer group to an arbitrary last delivered ID value."),
    Command::new("xgroup|delconsumer", 5, Group::Stream, xgroup_delconsumer).flags(flag::WRITE).acl(STREAM)
        .keys(SUB_DELETE_KEYS).doc("5.0.0", "O(1)", "Delete a consumer from a consumer group."),
    Command::new("xgroup|create", -5, Group::Stream, xgroup_create).flags(flag::WRITE | flag::DENYOOM).acl(STREAM)
        .keys(SUB_INSERT_KEYS).doc("5.0.0", "O(1)", "Create a consumer group."),
    Command::new("xgroup|createconsumer", 5, Group::Stream, xgroup_createconsumer).flags(flag::WRITE | flag::DENYOOM)
        .acl(STREAM).keys(SUB_INSERT_KEYS).doc("6.2.0", "O(1)", "Create a consumer in a consumer group."),
];

/// In Redis's listing order.
static XINFO: &[Command] = &[
    Command::new("xinfo|stream", -3, Group::Stream, xinfo_stream).flags(flag::READONLY).acl(STREAM)
        .keys(SUB_READ_KEYS).doc("5.0.0", "O(1)", "Get information about a stream"),
    Command::new("xinfo|help", 2, Group::Stream, xinfo_help).flags(HELP_FLAGS).acl(STREAM)
        .doc("5.0.0", "O(1)", HELP_SUMMARY),
    Command::new("xinfo|groups", 3, Group::Stream, xinfo_groups).flags(flag::READONLY).acl(STREAM)
        .keys(SUB_READ_KEYS).doc("5.0.0", "O(1)", "List the consumer groups of a stream"),
    Command::new("xinfo|consumers", 4, Group::Stream, xinfo_consumers).flags(flag::READONLY).acl(STREAM)
        .keys(SUB_READ_KEYS).tips(NONDETERMINISTIC).doc("5.0.0", "O(1)", "List the consumers in a consumer group"),
];

const INVALID_ID: Reply = Reply::err("ERR Invalid stream ID specified as stream command argument");
const ID_TOO_SMALL: Reply = Reply::err("ERR The ID specified in XADD is equal or smaller than the target stream top item");
const ID_ZERO: Reply = Reply::err("ERR The ID specified in XADD must be greater than 0-0");
const EXHAUSTED: Reply = Reply::err("ERR The stream has exhausted the last possible ID, unable to add more items");
const BAD_START: Reply = Reply::err("ERR invalid start ID for the interval");
const BAD_END: Reply = Reply::err("ERR invalid end ID for the interval");
const MAXLEN_AND_MINID: Reply =
    Reply::err("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
const NEGATIVE_MAXLEN: Reply = Reply::err("ERR The MAXLEN argument must be >= 0.");
const NEGATIVE_LIMIT: Reply = Reply::err("ERR The LIMIT argument must be >= 0.");
const LIMIT_WITHOUT_STRATEGY: Reply =
    Reply::err("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
const LIMIT_WITHOUT_APPROX: Reply = Reply::err("ERR syntax error, LIMIT cannot be used without the special ~ option");
const XTRIM_WITHOUT_STRATEGY: Reply = Reply::err("ERR syntax error, XTRIM must be called with a trimming strategy");
const BUSYGROUP: Reply = Reply::err("BUSYGROUP Consumer Group name already exists");
const XGROUP_NEEDS_KEY: Reply = Reply::err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.");
const BAD_ENTRIES_READ: Reply = Reply::err("ERR value for ENTRIESREAD must be positive or -1");
const TIMEOUT_NOT_INTEGER: Reply = Reply::err("ERR timeout is not an integer or out of range");
const TIMEOUT_NEGATIVE: Reply = Reply::err("ERR timeout is negative");
const DOLLAR_IN_XREADGROUP: Reply = Reply::err("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.");
const GT_IN_XREAD: Reply =
    Reply::err("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
/// Redis 7.0 words this the same way for XREADGROUP.
const UNBALANCED_STREAMS: Reply =
    Reply::err("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
const COUNT_NOT_POSITIVE: Reply = Reply::err("ERR COUNT must be > 0");

/// Redis trims approximately at most this many entries unless LIMIT says otherwise:
/// 100 × `stream-node-max-entries`.
const DEFAULT_APPROX_LIMIT: u64 = 100 * crate::types::stream::NODE_MAX_ENTRIES as u64;
/// XAUTOCLAIM looks at most this many PEL entries per entry it may return.
const AUTOCLAIM_ATTEMPTS_FACTOR: u64 = 10;
/// XAUTOCLAIM's COUNT when not given.
const AUTOCLAIM_DEFAULT_COUNT: u64 = 100;
/// XINFO STREAM FULL's COUNT when not given (or negative).
const INFO_FULL_DEFAULT_COUNT: usize = 10;

// ---------------------------------------------------------------------------------------------
// IDs and their parsing

/// An unsigned 64-bit argument as Redis's `string2ull`: any non-negative `i64`, or a longer
/// run of digits that still fits.
fn parse_u64(arg: &[u8]) -> Option<u64> {
    match parse_i64(arg) {
        Some(n) => u64::try_from(n).ok(),
        None => std::str::from_utf8(arg).ok()?.parse().ok(),
    }
}

/// The ID XADD is asked for.
#[derive(Debug, Clone, Copy)]
enum NewId {
    /// `*`: from the clock.
    Auto,
    /// `ms-*`: the given milliseconds, the next free sequence.
    Millis(u64),
    Exact(StreamId),
}

/// How an ID argument may be written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IdSyntax {
    /// `-` and `+` stand for the smallest and largest IDs.
    Bounds,
    /// Only `ms[-seq]`.
    Strict,
}

/// Splits `ms[-seq]` (Redis's `streamGenericParseIDOrReply`); `seq` is `None` when omitted.
fn parse_id_parts(arg: &[u8]) -> Option<(u64, Option<&[u8]>)> {
    if arg.len() > 127 {
        return None;
    }
    match arg.iter().position(|&b| b == b'-') {
        Some(dash) => Some((parse_u64(&arg[..dash])?, Some(&arg[dash + 1..]))),
        None => Some((parse_u64(arg)?, None)),
    }
}

/// An ID argument; an omitted sequence reads as `missing_seq`.
fn parse_id(arg: &[u8], missing_seq: u64, syntax: IdSyntax) -> Result<StreamId, Reply> {
    match (arg, syntax) {
        (b"-", IdSyntax::Bounds) => return Ok(StreamId::MIN),
        (b"+", IdSyntax::Bounds) => return Ok(StreamId::MAX),
        _ => {}
    }
    let (ms, seq) = parse_id_parts(arg).ok_or(INVALID_ID)?;
    let seq = match seq {
        None => missing_seq,
        Some(seq) => parse_u64(seq).ok_or(INVALID_ID)?,
    };
    Ok(StreamId::new(ms, seq))
}

/// A strict ID, a missing sequence reading as 0.
fn strict_id(arg: &[u8]) -> Result<StreamId, Reply> {
    parse_id(arg, 0, IdSyntax::Strict)
}

/// XADD's ID argument: `ms-seq`, `ms` (sequence 0) or `ms-*`.
fn parse_new_id(arg: &[u8]) -> Result<NewId, Reply> {
    match parse_id_parts(arg).ok_or(INVALID_ID)? {
        (ms, Some(b"*")) => Ok(NewId::Millis(ms)),
        (ms, None) => Ok(NewId::Exact(StreamId::new(ms, 0))),
        (ms, Some(seq)) => Ok(NewId::Exact(StreamId::new(ms, parse_u64(seq).ok_or(INVALID_ID)?))),
    }
}

/// A range bound of XRANGE, XPENDING and XAUTOCLAIM: an ID, `-`/`+`, or `(id` for an
/// exclusive bound, returned as `(id, exclusive)`.
fn parse_bound(arg: &[u8], missing_seq: u64) -> Result<(StreamId, bool), Reply> {
    match arg.strip_prefix(b"(") {
        Some(rest) if !rest.is_empty() => Ok((parse_id(rest, missing_seq, IdSyntax::Strict)?, true)),
        _ => Ok((parse_id(arg, missing_seq, IdSyntax::Bounds)?, false)),
    }
}

/// A range's start: inclusive, so an exclusive bound moves one ID up.
fn parse_start(arg: &[u8]) -> Result<StreamId, Reply> {
    match parse_bound(arg, 0)? {
        (id, true) => id.next().ok_or(BAD_START),
        (id, false) => Ok(id),
    }
}

/// A range's end: inclusive, so an exclusive bound moves one ID down.
fn parse_end(arg: &[u8]) -> Result<StreamId, Reply> {
    match parse_bound(arg, u64::MAX)? {
        (id, true) => id.prev().ok_or(BAD_END),
        (id, false) => Ok(id),
    }
}

/// The ID a new entry gets, or `None` when it would not exceed the stream's last ID.
fn next_id(last: StreamId, wanted: NewId, now_ms: u64) -> Option<StreamId> {
    let id = match wanted {
        NewId::Auto if now_ms > last.ms => StreamId::new(now_ms, 0),
        NewId::Auto => last.next()?,
        NewId::Millis(ms) if ms == last.ms => last.next().filter(|id| id.ms == ms)?,
        NewId::Millis(ms) => StreamId::new(ms, 0),
        NewId::Exact(id) => id,
    };
    (id > last).then_some(id)
}

/// A COUNT-style integer: negative counts as 0.
fn count_arg(arg: &[u8]) -> Result<usize, Reply> {
    let n = parse_i64(arg).ok_or(errors::NOT_INTEGER)?;
    Ok(n.max(0) as usize)
}

/// An integer argument with a command-specific error for anything that does not parse.
fn int_or(arg: &[u8], error: &str) -> Result<i64, Reply> {
    parse_i64(arg).ok_or_else(|| Reply::error(format!("ERR {error}")))
}

/// Text of a key or name for an error line.
fn shown(arg: &[u8]) -> String {
    String::from_utf8_lossy(arg).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Replies

fn id_reply(id: StreamId) -> Reply {
    Reply::bulk(id.to_string())
}

/// `[id, [field, value, ...]]`.
fn entry_reply(id: StreamId, fields: Fields) -> Reply {
    Reply::Array(vec![id_reply(id), Reply::Array(fields.into_iter().map(Reply::Bulk).collect())])
}

fn entries_reply(entries: Vec<(StreamId, Fields)>) -> Reply {
    Reply::Array(entries.into_iter().map(|(id, fields)| entry_reply(id, fields)).collect())
}

fn field(name: &'static str, value: Reply) -> (Reply, Reply) {
    (Reply::bulk(name), value)
}

// ---------------------------------------------------------------------------------------------
// Lookups

/// The stream at `key`, created empty if missing; WRONGTYPE for another type.
fn stream_or_create<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<&'c mut StreamValue, Reply> {
    if ctx.write_stream(key)?.is_none() {
        let now = ctx.now();
        ctx.db().keys.insert_new(key.into(), Entry::new(Value::Stream(Box::new(StreamValue::new())), now));
        ctx.ks.dirty += 1;
    }
    Ok(ctx.write_stream(key)?.expect("just created"))
}

/// `NOGROUP No such key 'k' or consumer group 'g'` (XPENDING, XCLAIM, XAUTOCLAIM).
fn no_such_key_or_group(key: &[u8], group: &[u8]) -> Reply {
    Reply::error(format!("NOGROUP No such key '{}' or consumer group '{}'", shown(key), shown(group)))
}

/// `NOGROUP No such consumer group 'g' for key name 'k'` (XGROUP, XINFO).
fn no_such_group(key: &[u8], group: &[u8]) -> Reply {
    Reply::error(format!("NOGROUP No such consumer group '{}' for key name '{}'", shown(group), shown(key)))
}

/// The stream and group a PEL command works on, or its NOGROUP error.
fn stream_with_group<'c>(ctx: &'c mut Ctx, key: &[u8], group: &[u8]) -> Result<&'c mut StreamValue, Reply> {
    match ctx.read_stream(key)? {
        Some(stream) if stream.group(group).is_some() => Ok(stream),
        _ => Err(no_such_key_or_group(key, group)),
    }
}

// ---------------------------------------------------------------------------------------------
// XADD and XTRIM

/// What XADD and XTRIM were told about trimming, and XADD's own options.
struct AddOptions {
    trim: Option<Trim>,
    no_mkstream: bool,
    /// XADD's ID; parsing stops after it.
    id: NewId,
}

/// Parses XADD's options up to its ID, or all of XTRIM's arguments (Redis's
/// `streamParseAddOrTrimArgsOrReply`).
fn parse_add_or_trim(ctx: &mut Ctx, xadd: bool) -> Result<AddOptions, Reply> {
    let mut strategy = None;
    let mut approx = false;
    let mut limit = None;
    let mut no_mkstream = false;
    let mut id = NewId::Auto;
    while let Some(arg) = ctx.args.peek() {
        let more = ctx.args.remaining() - 1;
        ctx.args.bytes()?;
        if xadd && arg == b"*" {
            break;
        }
        let is_maxlen = arg.eq_ignore_ascii_case(b"MAXLEN");
        if (is_maxlen || arg.eq_ignore_ascii_case(b"MINID")) && more > 0 {
            if strategy.is_some() {
                return Err(MAXLEN_AND_MINID);
            }
            approx = false;
            if more >= 2 {
                match ctx.args.peek() {
                    Some(b"~") => {
                        approx = true;
                        ctx.args.bytes()?;
                    }
                    Some(b"=") => {
                        ctx.args.bytes()?;
                    }
                    _ => {}
                }
            }
            let value = ctx.args.bytes()?;
            strategy = Some(if is_maxlen {
                let max = parse_i64(value).ok_or(errors::NOT_INTEGER)?;
                TrimStrategy::MaxLen(u64::try_from(max).map_err(|_| NEGATIVE_MAXLEN)?)
            } else {
                TrimStrategy::MinId(strict_id(value)?)
            });
        } else if arg.eq_ignore_ascii_case(b"LIMIT") && more > 0 {
            let n = ctx.args.int()?;
            limit = Some(u64::try_from(n).map_err(|_| NEGATIVE_LIMIT)?);
        } else if xadd && arg.eq_ignore_ascii_case(b"NOMKSTREAM") {
            no_mkstream = true;
        } else if xadd {
            id = parse_new_id(arg)?;
            break;
        } else {
            return Err(errors::SYNTAX);
        }
    }
    if limit.is_some_and(|l| l > 0) && strategy.is_none() {
        return Err(LIMIT_WITHOUT_STRATEGY);
    }
    if !xadd && strategy.is_none() {
        return Err(XTRIM_WITHOUT_STRATEGY);
    }
    let limit = match limit {
        Some(_) if !approx => return Err(LIMIT_WITHOUT_APPROX),
        Some(limit) => limit,
        None if approx => DEFAULT_APPROX_LIMIT,
        None => 0,
    };
    let trim = strategy.map(|strategy| Trim { strategy, approx, limit });
    Ok(AddOptions { trim, no_mkstream, id })
}

/// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]
fn xadd(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let options = parse_add_or_trim(ctx, true)?;
    let pairs = ctx.args.rest();
    if pairs.is_empty() || !pairs.len().is_multiple_of(2) {
        return Err(errors::arity("xadd"));
    }
    if matches!(options.id, NewId::Exact(id) if id.is_zero()) {
        return Err(ID_ZERO);
    }
    if options.no_mkstream && ctx.write_stream(key)?.is_none() {
        return Ok(Reply::Null);
    }
    let now = ctx.now().max(0) as u64;
    let stream = stream_or_create(ctx, key)?;
    if stream.last_id() == StreamId::MAX {
        return Err(EXHAUSTED);
    }
    let id = next_id(stream.last_id(), options.id, now).ok_or(ID_TOO_SMALL)?;
    stream.append(id, pairs);
    let trimmed = options.trim.map_or(0, |trim| stream.trim(trim));
    ctx.ks.dirty += 1 + trimmed;
    Ok(id_reply(id))
}

/// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
fn xtrim(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let trim = parse_add_or_trim(ctx, false)?.trim.expect("XTRIM requires a strategy");
    let Some(stream) = ctx.write_stream(key)? else {
        return Ok(Reply::Integer(0));
    };
    let evicted = stream.trim(trim);
    ctx.ks.dirty += evicted;
    Ok(Reply::Integer(evicted as i64))
}

/// XDEL key id [id ...]
fn xdel(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let ids_args = ctx.args.rest();
    let Some(stream) = ctx.write_stream(key)? else {
        return Ok(Reply::Integer(0));
    };
    // Every ID is checked before any is deleted, so the command never half-runs.
    let ids = ids_args.iter().map(|a| strict_id(a)).collect::<Result<Vec<_>, _>>()?;
    let deleted = ids.into_iter().filter(|&id| stream.delete(id)).count();
    ctx.ks.dirty += deleted as u64;
    Ok(Reply::Integer(deleted as i64))
}

/// XLEN key
fn xlen(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    Ok(Reply::Integer(ctx.read_stream(key)?.map_or(0, |s| s.len() as i64)))
}

/// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
fn xsetid(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let id = strict_id(ctx.args.bytes()?)?;
    let mut entries_added = None;
    let mut max_deleted = None;
    while let Some(option) = ctx.args.peek() {
        if ctx.args.remaining() < 2 {
            return Err(errors::SYNTAX);
        }
        ctx.args.bytes()?;
        if option.eq_ignore_ascii_case(b"ENTRIESADDED") {
            let n = ctx.args.int()?;
            let n = u64::try_from(n).map_err(|_| Reply::err("ERR entries_added must be positive"))?;
            entries_added = Some(n);
        } else if option.eq_ignore_ascii_case(b"MAXDELETEDID") {
            let deleted = strict_id(ctx.args.bytes()?)?;
            if id < deleted {
                return Err(Reply::err("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"));
            }
            max_deleted = Some(deleted);
        } else {
            return Err(errors::SYNTAX);
        }
    }
    let stream = ctx.write_stream(key)?.ok_or(errors::NO_SUCH_KEY)?;
    if !stream.is_empty() {
        if id < stream.last_entry_id() {
            return Err(Reply::err("ERR The ID specified in XSETID is smaller than the target stream top item"));
        }
        if entries_added.is_some_and(|added| (stream.len() as u64) > added) {
            return Err(Reply::err("ERR The entries_added specified in XSETID is smaller than the target stream length"));
        }
    }
    stream.set_last_id(id, entries_added, max_deleted.filter(|d| !d.is_zero()));
    ctx.ks.dirty += 1;
    Ok(Reply::OK)
}

// ---------------------------------------------------------------------------------------------
// XRANGE and XREVRANGE

/// The heart of XRANGE and XREVRANGE: `first` and `second` are the bounds in argument order.
fn range_generic(ctx: &mut Ctx, rev: bool) -> CmdResult {
    let key = ctx.args.bytes()?;
    let (first, second) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let (start_arg, end_arg) = if rev { (second, first) } else { (first, second) };
    let start = parse_start(start_arg)?;
    let end = parse_end(end_arg)?;
    let mut count = None;
    while let Some(option) = ctx.args.peek() {
        ctx.args.bytes()?;
        if option.eq_ignore_ascii_case(b"COUNT") && !ctx.args.is_empty() {
            count = Some(count_arg(ctx.args.bytes()?)?);
        } else {
            return Err(errors::SYNTAX);
        }
    }
    let Some(stream) = ctx.read_stream(key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    match count {
        Some(0) => Ok(Reply::NullArray),
        count => Ok(entries_reply(stream.range(start, end, count.unwrap_or(0), rev))),
    }
}

/// XRANGE key start end [COUNT count]
fn xrange(ctx: &mut Ctx) -> CmdResult {
    range_generic(ctx, false)
}

/// XREVRANGE key end start [COUNT count]
fn xrevrange(ctx: &mut Ctx) -> CmdResult {
    range_generic(ctx, true)
}

// ---------------------------------------------------------------------------------------------
// XREAD and XREADGROUP

/// Where a read starts in one stream.
#[derive(Clone, Copy)]
enum ReadFrom {
    /// Entries after this ID (for XREADGROUP: the consumer's pending entries after it).
    After(StreamId),
    /// XREAD's `+`: the last entry.
    Last,
    /// XREADGROUP's `>`: entries never delivered to the group.
    Undelivered,
}

/// XREAD's and XREADGROUP's options.
struct ReadOptions<'a> {
    count: usize,
    /// BLOCK's timeout in milliseconds (0: forever).
    block: Option<i64>,
    noack: bool,
    group: Option<(&'a [u8], &'a [u8])>,
    /// The arguments after STREAMS: keys, then as many IDs.
    streams: &'a [&'a [u8]],
}

fn parse_read_options<'a>(ctx: &mut Ctx<'a>, xreadgroup: bool) -> Result<ReadOptions<'a>, Reply> {
    let mut options = ReadOptions { count: 0, block: None, noack: false, group: None, streams: &[] };
    let mut saw_streams = false;
    while let Some(arg) = ctx.args.peek() {
        let more = ctx.args.remaining() - 1;
        ctx.args.bytes()?;
        if arg.eq_ignore_ascii_case(b"BLOCK") && more > 0 {
            let timeout = parse_i64(ctx.args.bytes()?).ok_or(TIMEOUT_NOT_INTEGER)?;
            if timeout < 0 {
                return Err(TIMEOUT_NEGATIVE);
            }
            options.block = Some(timeout);
        } else if arg.eq_ignore_ascii_case(b"COUNT") && more > 0 {
            options.count = count_arg(ctx.args.bytes()?)?;
        } else if arg.eq_ignore_ascii_case(b"STREAMS") && more > 0 {
            options.streams = ctx.args.rest();
            if !options.streams.len().is_multiple_of(2) {
                return Err(UNBALANCED_STREAMS);
            }
            saw_streams = true;
            break;
        } else if arg.eq_ignore_ascii_case(b"GROUP") && more >= 2 {
            if !xreadgroup {
                return Err(Reply::err("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."));
            }
            options.group = Some((ctx.args.bytes()?, ctx.args.bytes()?));
        } else if arg.eq_ignore_ascii_case(b"NOACK") {
            if !xreadgroup {
                return Err(Reply::err("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."));
            }
            options.noack = true;
        } else {
            return Err(errors::SYNTAX);
        }
    }
    if !saw_streams {
        return Err(errors::SYNTAX);
    }
    if xreadgroup && options.group.is_none() {
        return Err(Reply::err("ERR Missing GROUP option for XREADGROUP"));
    }
    Ok(options)
}

/// Resolves each stream's ID argument, checking types and groups stream by stream as Redis does.
fn resolve_read_positions(ctx: &mut Ctx, options: &ReadOptions) -> Result<Vec<ReadFrom>, Reply> {
    let (keys, ids) = options.streams.split_at(options.streams.len() / 2);
    let mut positions = Vec::with_capacity(keys.len());
    for (&key, &arg) in keys.iter().zip(ids) {
        let stream = ctx.read_stream(key)?;
        if let Some((group, _)) = options.group {
            if stream.as_ref().is_none_or(|s| s.group(group).is_none()) {
                return Err(Reply::error(format!(
                    "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option",
                    shown(key),
                    shown(group)
                )));
            }
        }
        let grouped = options.group.is_some();
        positions.push(match arg {
            b"$" if grouped => return Err(DOLLAR_IN_XREADGROUP),
            b"$" => ReadFrom::After(stream.map_or(StreamId::MIN, |s| s.last_id())),
            b">" if grouped => ReadFrom::Undelivered,
            b">" => return Err(GT_IN_XREAD),
            b"+" if !grouped => ReadFrom::Last,
            _ => ReadFrom::After(strict_id(arg)?),
        });
    }
    Ok(positions)
}

/// What one stream contributes to a read's reply, or `None` when it has nothing to serve.
fn serve_stream(ctx: &mut Ctx, key: &[u8], from: ReadFrom, options: &ReadOptions) -> Result<Option<Reply>, Reply> {
    let now = ctx.now();
    let Some(stream) = ctx.read_stream(key)? else {
        return Ok(None);
    };
    let newest = stream.last_entry_id();
    let has_entries = !stream.is_empty();
    let served = match (options.group, from) {
        (None, ReadFrom::Last) if has_entries => entries_reply(stream.range(newest, newest, 1, false)),
        (None, ReadFrom::After(after)) if has_entries && newest > after => entries_reply(stream.entries_after(after, options.count)),
        (Some((group, consumer)), ReadFrom::After(after)) => {
            let start = after.next().unwrap_or_default();
            let history = stream.read_history(group, consumer, start, options.count, now);
            Reply::Array(
                history
                    .into_iter()
                    .map(|(id, fields)| match fields {
                        Some(fields) => entry_reply(id, fields),
                        None => Reply::Array(vec![id_reply(id), Reply::NullArray]),
                    })
                    .collect(),
            )
        }
        (Some((group, consumer)), ReadFrom::Undelivered)
            if has_entries && stream.group(group).is_some_and(|g| newest > g.last_id) =>
        {
            entries_reply(stream.read_new(group, consumer, options.count, options.noack, now))
        }
        _ => return Ok(None),
    };
    if options.group.is_some() {
        ctx.ks.dirty += 1;
    }
    Ok(Some(served))
}

/// The heart of XREAD and XREADGROUP: per stream served, its key and entries (an array of
/// pairs in RESP2, a map in RESP3); when nothing could be served, a null array or, with BLOCK,
/// a wait for the keys to change.
fn read_generic(ctx: &mut Ctx, xreadgroup: bool) -> CmdResult {
    let options = parse_read_options(ctx, xreadgroup)?;
    let positions = resolve_read_positions(ctx, &options)?;
    let keys = &options.streams[..positions.len()];
    let mut served = Vec::new();
    for (&key, &from) in keys.iter().zip(&positions) {
        if let Some(entries) = serve_stream(ctx, key, from, &options)? {
            served.push((Reply::bulk(key), entries));
        }
    }
    if served.is_empty() {
        let Some(timeout) = options.block else {
            return Ok(Reply::NullArray);
        };
        let deadline = (timeout > 0).then(|| ctx.now().saturating_add(timeout));
        // Re-running the call must read after the ID `$` meant now, not the stream's last ID then.
        let argv = ctx.args.argv();
        let first_id = argv.len() - positions.len();
        let pinned = argv
            .iter()
            .enumerate()
            .map(|(i, arg)| match (i.checked_sub(first_id).map(|n| positions[n]), *arg) {
                (Some(ReadFrom::After(id)), b"$") => id.to_string().into_bytes(),
                _ => arg.to_vec(),
            })
            .collect();
        return ctx.block_on_rewritten(keys, deadline, Reply::NullArray, pinned);
    }
    if ctx.resp3() {
        Ok(Reply::Map(served))
    } else {
        Ok(Reply::Array(served.into_iter().map(|(k, v)| Reply::Array(vec![k, v])).collect()))
    }
}

/// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
fn xread(ctx: &mut Ctx) -> CmdResult {
    read_generic(ctx, false)
}

/// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]
fn xreadgroup(ctx: &mut Ctx) -> CmdResult {
    read_generic(ctx, true)
}

// ---------------------------------------------------------------------------------------------
// The pending entries list: XACK, XPENDING, XCLAIM, XAUTOCLAIM

/// XACK key group id [id ...]
fn xack(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let group = ctx.args.bytes()?;
    let ids_args = ctx.args.rest();
    let Some(g) = ctx.read_stream(key)?.and_then(|s| s.group_mut(group)) else {
        return Ok(Reply::Integer(0));
    };
    let ids = ids_args.iter().map(|a| strict_id(a)).collect::<Result<Vec<_>, _>>()?;
    let acknowledged = ids.into_iter().filter(|&id| g.acknowledge(id)).count();
    ctx.ks.dirty += acknowledged as u64;
    Ok(Reply::Integer(acknowledged as i64))
}

/// The extended form of XPENDING: which entries, and at most how many.
struct PendingQuery<'a> {
    min_idle: i64,
    start: StreamId,
    end: StreamId,
    count: usize,
    consumer: Option<&'a [u8]>,
}

fn parse_pending_query<'a>(args: &[&'a [u8]]) -> Result<PendingQuery<'a>, Reply> {
    let mut args = args;
    let mut min_idle = 0;
    if args[0].eq_ignore_ascii_case(b"IDLE") {
        min_idle = parse_i64(args[1]).ok_or(errors::NOT_INTEGER)?;
        if args.len() < 5 {
            return Err(errors::SYNTAX);
        }
        args = &args[2..];
    }
    let count = count_arg(args[2])?;
    let start = parse_start(args[0])?;
    let end = parse_end(args[1])?;
    Ok(PendingQuery { min_idle, start, end, count, consumer: args.get(3).copied() })
}

/// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
fn xpending(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let group = ctx.args.bytes()?;
    let rest = ctx.args.rest();
    if !rest.is_empty() && !(3..=6).contains(&rest.len()) {
        return Err(errors::SYNTAX);
    }
    let query = if rest.is_empty() { None } else { Some(parse_pending_query(rest)?) };
    let now = ctx.now();
    let stream = stream_with_group(ctx, key, group)?;
    let g = stream.group(group).expect("checked by stream_with_group");
    Ok(match query {
        None => pending_summary(g),
        Some(query) => pending_entries(g, &query, now),
    })
}

/// `[count, first id, last id, [[consumer, count], ...]]`.
fn pending_summary(g: &ConsumerGroup) -> Reply {
    let (Some((&first, _)), Some((&last, _))) = (g.pel.first_key_value(), g.pel.last_key_value()) else {
        return Reply::Array(vec![Reply::Integer(0), Reply::Null, Reply::Null, Reply::NullArray]);
    };
    let consumers = g
        .consumers
        .iter()
        .filter(|(_, c)| !c.pending.is_empty())
        .map(|(name, c)| Reply::Array(vec![Reply::bulk(name.clone()), Reply::bulk_int(c.pending.len() as i64)]))
        .collect();
    Reply::Array(vec![Reply::Integer(g.pel.len() as i64), id_reply(first), id_reply(last), Reply::Array(consumers)])
}

/// `[[id, consumer, idle ms, deliveries], ...]` for the pending entries the query selects.
fn pending_entries(g: &ConsumerGroup, query: &PendingQuery, now: i64) -> Reply {
    let ids: Box<dyn Iterator<Item = StreamId>> = match query.consumer {
        Some(name) => match g.consumers.get(name) {
            Some(c) => Box::new(c.pending.range(query.start..).copied()),
            None => return Reply::Array(Vec::new()),
        },
        None => Box::new(g.pel.range(query.start..).map(|(id, _)| *id)),
    };
    let mut out = Vec::new();
    for id in ids.take_while(|&id| id <= query.end) {
        if out.len() == query.count {
            break;
        }
        let pending = &g.pel[&id];
        let idle = now - pending.delivery_time;
        if query.min_idle > 0 && idle < query.min_idle {
            continue;
        }
        out.push(Reply::Array(vec![
            id_reply(id),
            Reply::bulk(pending.consumer.clone()),
            Reply::Integer(idle.max(0)),
            Reply::Integer(pending.delivery_count as i64),
        ]));
    }
    Reply::Array(out)
}

/// A claimed entry as XCLAIM and XAUTOCLAIM reply with it: its ID alone with JUSTID.
fn claimed_reply(entries: &StreamEntries, id: StreamId, justid: bool) -> Reply {
    match entries.get(id) {
        Some(fields) if !justid => entry_reply(id, fields),
        _ => id_reply(id),
    }
}

/// XCLAIM's options after its IDs.
struct ClaimOptions {
    delivery_time: i64,
    retry_count: Option<u64>,
    force: bool,
    justid: bool,
    last_id: Option<StreamId>,
}

fn parse_claim_options(args: &[&[u8]], now: i64) -> Result<ClaimOptions, Reply> {
    let mut options = ClaimOptions { delivery_time: now, retry_count: None, force: false, justid: false, last_id: None };
    let mut delivery_time = None;
    let mut i = 0;
    while i < args.len() {
        let (option, value) = (args[i], args.get(i + 1).copied());
        match (option.to_ascii_uppercase().as_slice(), value) {
            (b"FORCE", _) => options.force = true,
            (b"JUSTID", _) => options.justid = true,
            (b"IDLE", Some(v)) => {
                delivery_time = Some(now.saturating_sub(int_or(v, "Invalid IDLE option argument for XCLAIM")?));
                i += 1;
            }
            (b"TIME", Some(v)) => {
                delivery_time = Some(int_or(v, "Invalid TIME option argument for XCLAIM")?);
                i += 1;
            }
            (b"RETRYCOUNT", Some(v)) => {
                let n = int_or(v, "Invalid RETRYCOUNT option argument for XCLAIM")?;
                options.retry_count = Some(n.max(0) as u64);
                i += 1;
            }
            (b"LASTID", Some(v)) => {
                options.last_id = Some(strict_id(v)?);
                i += 1;
            }
            _ => return Err(Reply::error(format!("ERR Unrecognized XCLAIM option '{}'", shown(option)))),
        }
        i += 1;
    }
    // A bogus time (negative, or in the future) means now rather than an error: clients compute
    // it from their own clocks.
    if let Some(time) = delivery_time {
        options.delivery_time = if time < 0 || time > now { now } else { time };
    }
    Ok(options)
}

/// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds]
/// [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
fn xclaim(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let group = ctx.args.bytes()?;
    let consumer = ctx.args.bytes()?;
    let min_idle_arg = ctx.args.bytes()?;
    let now = ctx.now();
    stream_with_group(ctx, key, group)?;
    let min_idle = int_or(min_idle_arg, "Invalid min-idle-time argument for XCLAIM")?.max(0);
    let rest = ctx.args.rest();
    let id_count = rest.iter().take_while(|a| strict_id(a).is_ok()).count();
    let ids: Vec<StreamId> = rest[..id_count].iter().map(|a| strict_id(a).expect("checked")).collect();
    let options = parse_claim_options(&rest[id_count..], now)?;

    let stream = ctx.read_stream(key)?.expect("checked by stream_with_group");
    let (entries, g) = stream.entries_and_group(group).expect("checked by stream_with_group");
    let mut changes = 0u64;
    if let Some(last_id) = options.last_id.filter(|&id| id > g.last_id) {
        g.last_id = last_id;
        changes += 1;
    }
    let mut claimed = Vec::new();
    for id in ids {
        if !entries.contains(id) {
            // The entry is gone from the stream: it cannot be claimed, nor stay pending.
            changes += u64::from(g.acknowledge(id));
            continue;
        }
        match g.pel.get(&id) {
            None if !options.force || min_idle > 0 => continue,
            Some(pending) if min_idle > 0 && now - pending.delivery_time < min_idle => continue,
            _ => {}
        }
        let pending = g.assign(id, consumer, now);
        pending.delivery_time = options.delivery_time;
        match options.retry_count {
            Some(n) => pending.delivery_count = n,
            None if !options.justid => pending.delivery_count += 1,
            None => {}
        }
        changes += 1;
        claimed.push(claimed_reply(&entries, id, options.justid));
    }
    ctx.ks.dirty += changes;
    Ok(Reply::Array(claimed))
}

/// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
fn xautoclaim(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let group = ctx.args.bytes()?;
    let consumer = ctx.args.bytes()?;
    let min_idle = int_or(ctx.args.bytes()?, "Invalid min-idle-time argument for XAUTOCLAIM")?.max(0);
    let start = parse_start(ctx.args.bytes()?)?;
    let mut count = AUTOCLAIM_DEFAULT_COUNT;
    let mut justid = false;
    while let Some(option) = ctx.args.peek() {
        ctx.args.bytes()?;
        if option.eq_ignore_ascii_case(b"COUNT") && !ctx.args.is_empty() {
            let max = i64::MAX / 16;
            count = match parse_i64(ctx.args.bytes()?) {
                Some(n) if (1..=max).contains(&n) => n as u64,
                _ => return Err(COUNT_NOT_POSITIVE),
            };
        } else if option.eq_ignore_ascii_case(b"JUSTID") {
            justid = true;
        } else {
            return Err(errors::SYNTAX);
        }
    }
    let now = ctx.now();
    let stream = stream_with_group(ctx, key, group)?;
    let (entries, g) = stream.entries_and_group(group).expect("checked by stream_with_group");

    let mut attempts = count * AUTOCLAIM_ATTEMPTS_FACTOR;
    let mut claimed = Vec::new();
    let mut deleted = Vec::new();
    // Where the scan resumes; `None` once the PEL is exhausted.
    let mut cursor = Some(start);
    while attempts > 0 && count > 0 {
        let Some(&id) = cursor.and_then(|from| g.pel.range(from..).next().map(|(id, _)| id)) else {
            cursor = None;
            break;
        };
        attempts -= 1;
        cursor = id.next();
        if !entries.contains(id) {
            g.acknowledge(id);
            deleted.push(id_reply(id));
            count -= 1;
            continue;
        }
        if min_idle > 0 && now - g.pel[&id].delivery_time < min_idle {
            continue;
        }
        let pending = g.assign(id, consumer, now);
        pending.delivery_time = now;
        if !justid {
            pending.delivery_count += 1;
        }
        claimed.push(claimed_reply(&entries, id, justid));
        count -= 1;
    }
    // The next call's start: the first pending entry not looked at, or 0-0 when none is left.
    let next = cursor.and_then(|from| g.pel.range(from..).next().map(|(id, _)| *id)).unwrap_or(StreamId::MIN);
    ctx.ks.dirty += (claimed.len() + deleted.len()) as u64;
    Ok(Reply::Array(vec![id_reply(next), Reply::Array(claimed), Reply::Array(deleted)]))
}

// ---------------------------------------------------------------------------------------------
// XGROUP

/// `ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.`
fn xgroup_syntax_error(ctx: &Ctx) -> Reply {
    Reply::error(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try XGROUP HELP.",
        shown(ctx.args.argv()[1])
    ))
}

/// CREATE's and SETID's trailing options: whether to create the stream, and ENTRIESREAD.
fn parse_group_options(ctx: &mut Ctx, allow_mkstream: bool) -> Result<(bool, Option<i64>), Reply> {
    let mut mkstream = false;
    let mut entries_read = None;
    while let Some(option) = ctx.args.peek() {
        if allow_mkstream && option.eq_ignore_ascii_case(b"MKSTREAM") {
            mkstream = true;
            ctx.args.bytes()?;
        } else if option.eq_ignore_ascii_case(b"ENTRIESREAD") && ctx.args.remaining() >= 2 {
            ctx.args.bytes()?;
            let n = ctx.args.int()?;
            if n < -1 {
                return Err(BAD_ENTRIES_READ);
            }
            entries_read = (n >= 0).then_some(n);
        } else {
            return Err(xgroup_syntax_error(ctx));
        }
    }
    Ok((mkstream, entries_read))
}

/// The stream an XGROUP subcommand works on: WRONGTYPE, or Redis's error for a missing key.
fn xgroup_stream<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<&'c mut StreamValue, Reply> {
    ctx.write_stream(key)?.ok_or(XGROUP_NEEDS_KEY)
}

/// The stream and an existing group of an XGROUP subcommand.
fn xgroup_existing<'c>(ctx: &'c mut Ctx, key: &[u8], group: &[u8]) -> Result<&'c mut ConsumerGroup, Reply> {
    xgroup_stream(ctx, key)?.group_mut(group).ok_or_else(|| no_such_group(key, group))
}

/// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]
fn xgroup_create(ctx: &mut Ctx) -> CmdResult {
    let (key, group, id_arg) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    let (mkstream, entries_read) = parse_group_options(ctx, true)?;
    let exists = ctx.write_stream(key)?.is_some();
    if !exists && !mkstream {
        return Err(XGROUP_NEEDS_KEY);
    }
    if ctx.args.argv().len() > 8 {
        return Err(xgroup_syntax_error(ctx));
    }
    let last_id = match id_arg {
        b"$" => ctx.write_stream(key)?.map_or(StreamId::MIN, |s| s.last_id()),
        _ => strict_id(id_arg)?,
    };
    let stream = stream_or_create(ctx, key)?;
    if !stream.create_group(group, last_id, entries_read) {
        return Err(BUSYGROUP);
    }
    ctx.ks.dirty += 1;
    Ok(Reply::OK)
}

/// XGROUP SETID key group id|$ [ENTRIESREAD entries-read]
fn xgroup_setid(ctx: &mut Ctx) -> CmdResult {
    let (key, group, id_arg) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    let (_, entries_read) = parse_group_options(ctx, false)?;
    let last_id = xgroup_stream(ctx, key)?.last_id();
    xgroup_existing(ctx, key, group)?;
    if !matches!(ctx.args.argv().len(), 5 | 7) {
        return Err(xgroup_syntax_error(ctx));
    }
    let id = match id_arg {
        b"$" => last_id,
        _ => parse_id(id_arg, 0, IdSyntax::Bounds)?,
    };
    let g = xgroup_existing(ctx, key, group)?;
    g.last_id = id;
    g.entries_read = entries_read;
    ctx.ks.dirty += 1;
    Ok(Reply::OK)
}

/// XGROUP DESTROY key group
fn xgroup_destroy(ctx: &mut Ctx) -> CmdResult {
    let (key, group) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let destroyed = xgroup_stream(ctx, key)?.destroy_group(group);
    ctx.ks.dirty += u64::from(destroyed);
    Ok(Reply::Integer(i64::from(destroyed)))
}

/// XGROUP CREATECONSUMER key group consumer
fn xgroup_createconsumer(ctx: &mut Ctx) -> CmdResult {
    let (key, group, consumer) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    let now = ctx.now();
    let created = xgroup_existing(ctx, key, group)?.create_consumer(consumer, now);
    ctx.ks.dirty += u64::from(created);
    Ok(Reply::Integer(i64::from(created)))
}

/// XGROUP DELCONSUMER key group consumer
fn xgroup_delconsumer(ctx: &mut Ctx) -> CmdResult {
    let (key, group, consumer) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    let pending = xgroup_existing(ctx, key, group)?.delete_consumer(consumer);
    ctx.ks.dirty += u64::from(pending.is_some());
    Ok(Reply::Integer(pending.unwrap_or(0) as i64))
}

/// XGROUP HELP
fn xgroup_help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("XGROUP", &[
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
    ]))
}

// ---------------------------------------------------------------------------------------------
// XINFO

/// The stream an XINFO subcommand describes: `ERR no such key` when missing.
fn xinfo_stream_at<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<&'c mut StreamValue, Reply> {
    ctx.read_stream(key)?.ok_or(errors::NO_SUCH_KEY)
}

fn lag_reply(stream: &StreamValue, g: &ConsumerGroup) -> Reply {
    stream.lag(g).map_or(Reply::Null, Reply::Integer)
}

fn entries_read_reply(g: &ConsumerGroup) -> Reply {
    g.entries_read.map_or(Reply::Null, Reply::Integer)
}

/// The fields every XINFO STREAM reply starts with.
fn stream_header(stream: &StreamValue) -> Vec<(Reply, Reply)> {
    vec![
        field("length", Reply::Integer(stream.len() as i64)),
        field("radix-tree-keys", Reply::Integer(stream.radix_tree_keys() as i64)),
        field("radix-tree-nodes", Reply::Integer(stream.radix_tree_nodes() as i64)),
        field("last-generated-id", id_reply(stream.last_id())),
        field("max-deleted-entry-id", id_reply(stream.max_deleted_id())),
        field("entries-added", Reply::Integer(stream.entries_added() as i64)),
        field("recorded-first-entry-id", id_reply(stream.first_id())),
    ]
}

/// XINFO STREAM key [FULL [COUNT count]]
fn xinfo_stream(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let rest = ctx.args.rest();
    let stream = xinfo_stream_at(ctx, key)?;
    let full_count = match rest {
        [] => None,
        [full] if full.eq_ignore_ascii_case(b"FULL") => Some(INFO_FULL_DEFAULT_COUNT),
        [full, count, n] if full.eq_ignore_ascii_case(b"FULL") && count.eq_ignore_ascii_case(b"COUNT") => {
            let n = parse_i64(n).ok_or(errors::NOT_INTEGER)?;
            Some(usize::try_from(n).unwrap_or(INFO_FULL_DEFAULT_COUNT))
        }
        _ => {
            return Err(Reply::error(format!(
                "ERR unknown subcommand or wrong number of arguments for '{}'. Try XINFO HELP.",
                shown(ctx.args.argv()[1])
            )))
        }
    };
    let mut info = stream_header(stream);
    match full_count {
        None => {
            let first = stream.range(StreamId::MIN, StreamId::MAX, 1, false).pop();
            let last = stream.range(StreamId::MIN, StreamId::MAX, 1, true).pop();
            info.push(field("groups", Reply::Integer(stream.group_count() as i64)));
            info.push(field("first-entry", first.map_or(Reply::Null, |(id, f)| entry_reply(id, f))));
            info.push(field("last-entry", last.map_or(Reply::Null, |(id, f)| entry_reply(id, f))));
        }
        Some(count) => {
            info.push(field("entries", entries_reply(stream.range(StreamId::MIN, StreamId::MAX, count, false))));
            let groups = stream.groups().map(|(name, g)| Reply::Map(full_group_info(stream, name, g, count))).collect();
            info.push(field("groups", Reply::Array(groups)));
        }
    }
    Ok(Reply::Map(info))
}

/// One group of XINFO STREAM FULL, its PEL and consumers listed up to `count` (0: all).
fn full_group_info(stream: &StreamValue, name: &[u8], g: &ConsumerGroup, count: usize) -> Vec<(Reply, Reply)> {
    let limit = if count == 0 { usize::MAX } else { count };
    let pel = g
        .pel
        .iter()
        .take(limit)
        .map(|(id, p)| {
            Reply::Array(vec![
                id_reply(*id),
                Reply::bulk(p.consumer.clone()),
                Reply::Integer(p.delivery_time),
                Reply::Integer(p.delivery_count as i64),
            ])
        })
        .collect();
    let consumers = g
        .consumers
        .iter()
        .map(|(consumer, c)| {
            let pending = c
                .pending
                .iter()
                .take(limit)
                .map(|id| {
                    let p = &g.pel[id];
                    Reply::Array(vec![id_reply(*id), Reply::Integer(p.delivery_time), Reply::Integer(p.delivery_count as i64)])
                })
                .collect();
            Reply::Map(vec![
                field("name", Reply::bulk(consumer.clone())),
                field("seen-time", Reply::Integer(c.seen_time)),
                field("pel-count", Reply::Integer(c.pending.len() as i64)),
                field("pending", Reply::Array(pending)),
            ])
        })
        .collect();
    vec![
        field("name", Reply::bulk(name)),
        field("last-delivered-id", id_reply(g.last_id)),
        field("entries-read", entries_read_reply(g)),
        field("lag", lag_reply(stream, g)),
        field("pel-count", Reply::Integer(g.pel.len() as i64)),
        field("pending", Reply::Array(pel)),
        field("consumers", Reply::Array(consumers)),
    ]
}

/// XINFO GROUPS key
fn xinfo_groups(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let stream = xinfo_stream_at(ctx, key)?;
    let groups = stream
        .groups()
        .map(|(name, g)| {
            Reply::Map(vec![
                field("name", Reply::bulk(name)),
                field("consumers", Reply::Integer(g.consumers.len() as i64)),
                field("pending", Reply::Integer(g.pel.len() as i64)),
                field("last-delivered-id", id_reply(g.last_id)),
                field("entries-read", entries_read_reply(g)),
                field("lag", lag_reply(stream, g)),
            ])
        })
        .collect();
    Ok(Reply::Array(groups))
}

/// XINFO CONSUMERS key group
fn xinfo_consumers(ctx: &mut Ctx) -> CmdResult {
    let (key, group) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let now = ctx.now();
    let stream = xinfo_stream_at(ctx, key)?;
    let g = stream.group(group).ok_or_else(|| no_such_group(key, group))?;
    let consumers = g
        .consumers
        .iter()
        .map(|(name, c)| {
            Reply::Map(vec![
                field("name", Reply::bulk(name.clone())),
                field("pending", Reply::Integer(c.pending.len() as i64)),
                field("idle", Reply::Integer((now - c.seen_time).max(0))),
            ])
        })
        .collect();
    Ok(Reply::Array(consumers))
}

/// XINFO HELP
fn xinfo_help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("XINFO", &[
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_as_redis_reads_them() {
        assert_eq!(parse_id(b"5", 0, IdSyntax::Strict), Ok(StreamId::new(5, 0)));
        assert_eq!(parse_id(b"5", u64::MAX, IdSyntax::Strict), Ok(StreamId::new(5, u64::MAX)));
        assert_eq!(parse_id(b"-", 0, IdSyntax::Bounds), Ok(StreamId::MIN));
        assert_eq!(parse_id(b"-", 0, IdSyntax::Strict), Err(INVALID_ID));
        assert_eq!(parse_id(b"18446744073709551615-1", 0, IdSyntax::Strict), Ok(StreamId::new(u64::MAX, 1)));
        assert_eq!(parse_id(b"18446744073709551616", 0, IdSyntax::Strict), Err(INVALID_ID));
        assert_eq!(parse_id(b"1-2-3", 0, IdSyntax::Strict), Err(INVALID_ID));
        assert_eq!(parse_id(b"-1", 0, IdSyntax::Strict), Err(INVALID_ID));
        assert!(matches!(parse_new_id(b"7-*"), Ok(NewId::Millis(7))));
    }

    #[test]
    fn new_ids_follow_the_last_one() {
        let last = StreamId::new(100, 5);
        assert_eq!(next_id(last, NewId::Auto, 50), Some(StreamId::new(100, 6)));
        assert_eq!(next_id(last, NewId::Auto, 200), Some(StreamId::new(200, 0)));
        assert_eq!(next_id(last, NewId::Millis(100), 0), Some(StreamId::new(100, 6)));
        assert_eq!(next_id(last, NewId::Millis(99), 0), None);
        assert_eq!(next_id(StreamId::new(3, u64::MAX), NewId::Millis(3), 0), None);
        assert_eq!(next_id(last, NewId::Exact(last), 0), None);
    }
}
