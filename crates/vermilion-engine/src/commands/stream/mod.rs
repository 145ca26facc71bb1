//! Stream commands: appending and trimming, ranges, reads (plain and through consumer groups),
//! the pending entries lists, and the XGROUP / XINFO containers.
//!
//! XREAD and XREADGROUP with BLOCK park on the engine's blocking machinery, which re-runs them
//! when their keys change. XREAD's `$` cannot be re-run that way (it would mean the newer last
//! ID each time), so a read with `$` that finds nothing answers as if its timeout had elapsed.

use super::table::{acl, flag, key, BeginSearch, CmdResult, Command, FindKeys, Group, KeySpec};
use super::{help_reply, Ctx};
use crate::pubsub::class;
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

mod ids;
mod replies;
mod lookups;
mod add;
mod range;
mod read;
mod pending;
mod group;
mod info;

use ids::*;
use replies::*;
use lookups::*;
use add::*;
use range::*;
use read::*;
use pending::*;
use group::*;
use info::*;

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
