//! Hash commands. HSET and HMSET share one generic; so do HKEYS, HVALS and HGETALL's walk.
//! Field expiry (HEXPIRE and family, and the lazy expiry other commands apply) is in
//! [`field_expiry`].
//!
//! Fields past their TTL follow Redis 7.4: commands reading a named field (HGET, HMGET,
//! HEXISTS, HSTRLEN, HSETNX, HINCRBY, HINCRBYFLOAT) reclaim it first, deleting the key with its
//! last field; HGETALL, HKEYS, HVALS and HSCAN skip such fields without reclaiming them;
//! HRANDFIELD reclaims them all first. HLEN counts them and HDEL deletes them like any field
//! until they are reclaimed, as in Redis; HSET overwrites them (and drops their TTL).
//!
//! Keyspace events follow Redis too: each write publishes its own (`hset` for HSET, HMSET and
//! HSETNX; `hincrby`, `hincrbyfloat`, `hdel`, `hexpire`, `hpersist`), after `new` when it
//! creates the key and before `del` when it empties it. Reclaiming expired fields publishes one
//! `hexpired` per command (or per visit of the active expiry cycle).
//!
//! The tail of this file holds what every collection family shares with HSCAN and HRANDFIELD:
//! scan cursors and options, and random sampling without repeats.

mod field_expiry;

use std::hash::Hash;

use ahash::AHashSet;
use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::table::{acl, flag, key, CmdResult, Command, Group, KeySpec};
use super::args::scan_cursor;
use super::{Args, Ctx};
use crate::glob::glob_match;
use crate::pubsub::class;
use crate::reply::{errors, Reply};
use crate::types::{HashValue, Value};
use crate::util::{incr_long_double, parse_i64, FloatIncrError};
use field_expiry::{after_fields_expired, reclaim_field, FieldClock};
pub(super) use field_expiry::live_field_value;

const RO: &[KeySpec] = &[KeySpec::single(1, key::RO)];
const RO_ACCESS: &[KeySpec] = &[KeySpec::single(1, key::RO | key::ACCESS)];
const RW_UPDATE: &[KeySpec] = &[KeySpec::single(1, key::RW | key::UPDATE)];
const RW_ACCESS_UPDATE: &[KeySpec] = &[KeySpec::single(1, key::RW | key::ACCESS | key::UPDATE)];
const W_FAST: u32 = flag::WRITE | flag::DENYOOM | flag::FAST;
const R_FAST: u32 = flag::READONLY | flag::FAST;
const HASH: u32 = acl::HASH;
const PER_FIELD_COMPLEXITY: &str = "O(N) where N is the number of specified fields";
const SCAN_COMPLEXITY: &str = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.";

pub static COMMANDS: &[Command] = &[
    Command::new("hset", -4, Group::Hash, hset).flags(W_FAST).acl(HASH).keys(RW_UPDATE)
        .doc("2.0.0", "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", "Creates or modifies the value of a field in a hash."),
    Command::new("hsetnx", 4, Group::Hash, hsetnx).flags(W_FAST).acl(HASH)
        .keys(&[KeySpec::single(1, key::RW | key::INSERT)])
        .doc("2.0.0", "O(1)", "Sets the value of a field in a hash only when the field doesn't exist."),
    Command::new("hmset", -4, Group::Hash, hmset).flags(W_FAST).acl(HASH).keys(RW_UPDATE)
        .doc("2.0.0", "O(N) where N is the number of fields being set.", "Sets the values of multiple fields."),
    Command::new("hget", 3, Group::Hash, hget).flags(R_FAST).acl(HASH).keys(RO_ACCESS)
        .doc("2.0.0", "O(1)", "Returns the value of a field in a hash."),
    Command::new("hmget", -3, Group::Hash, hmget).flags(R_FAST).acl(HASH).keys(RO_ACCESS)
        .doc("2.0.0", "O(N) where N is the number of fields being requested.", "Returns the values of all fields in a hash."),
    Command::new("hdel", -3, Group::Hash, hdel).flags(flag::WRITE | flag::FAST).acl(HASH)
        .keys(&[KeySpec::single(1, key::RW | key::DELETE)])
        .doc("2.0.0", "O(N) where N is the number of fields to be removed.", "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain."),
    Command::new("hlen", 2, Group::Hash, hlen).flags(R_FAST).acl(HASH).keys(RO)
        .doc("2.0.0", "O(1)", "Returns the number of fields in a hash."),
    Command::new("hstrlen", 3, Group::Hash, hstrlen).flags(R_FAST).acl(HASH).keys(RO)
        .doc("3.2.0", "O(1)", "Returns the length of the value of a field."),
    Command::new("hexists", 3, Group::Hash, hexists).flags(R_FAST).acl(HASH).keys(RO)
        .doc("2.0.0", "O(1)", "Determines whether a field exists in a hash."),
    Command::new("hkeys", 2, Group::Hash, hkeys).flags(flag::READONLY).acl(HASH).keys(RO_ACCESS)
        .tips(&["nondeterministic_output_order"])
        .doc("2.0.0", "O(N) where N is the size of the hash.", "Returns all fields in a hash."),
    Command::new("hvals", 2, Group::Hash, hvals).flags(flag::READONLY).acl(HASH).keys(RO_ACCESS)
        .tips(&["nondeterministic_output_order"])
        .doc("2.0.0", "O(N) where N is the size of the hash.", "Returns all values in a hash."),
    Command::new("hgetall", 2, Group::Hash, hgetall).flags(flag::READONLY).acl(HASH).keys(RO_ACCESS)
        .tips(&["nondeterministic_output_order"])
        .doc("2.0.0", "O(N) where N is the size of the hash.", "Returns all fields and values in a hash."),
    Command::new("hincrby", 4, Group::Hash, hincrby).flags(W_FAST).acl(HASH).keys(RW_ACCESS_UPDATE)
        .doc("2.0.0", "O(1)", "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist."),
    Command::new("hincrbyfloat", 4, Group::Hash, hincrbyfloat).flags(W_FAST).acl(HASH).keys(RW_ACCESS_UPDATE)
        .doc("2.6.0", "O(1)", "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist."),
    Command::new("hrandfield", -2, Group::Hash, hrandfield).flags(flag::READONLY).acl(HASH).keys(RO_ACCESS)
        .tips(&["nondeterministic_output"])
        .doc("6.2.0", "O(N) where N is the number of fields returned", "Returns one or more random fields from a hash."),
    Command::new("hscan", -3, Group::Hash, hscan).flags(flag::READONLY).acl(HASH).keys(RO_ACCESS)
        .tips(&["nondeterministic_output"])
        .doc("2.8.0", SCAN_COMPLEXITY, "Iterates over fields and values of a hash."),
    Command::new("hexpire", -6, Group::Hash, field_expiry::hexpire).flags(W_FAST).acl(HASH).keys(RW_UPDATE)
        .doc("7.4.0", PER_FIELD_COMPLEXITY, "Set expiry for hash field using relative time to expire (seconds)"),
    Command::new("hpexpire", -6, Group::Hash, field_expiry::hpexpire).flags(W_FAST).acl(HASH).keys(RW_UPDATE)
        .doc("7.4.0", PER_FIELD_COMPLEXITY, "Set expiry for hash field using relative time to expire (milliseconds)"),
    Command::new("hexpireat", -6, Group::Hash, field_expiry::hexpireat).flags(W_FAST).acl(HASH).keys(RW_UPDATE)
        .doc("7.4.0", PER_FIELD_COMPLEXITY, "Set expiry for hash field using an absolute Unix timestamp (seconds)"),
    Command::new("hpexpireat", -6, Group::Hash, field_expiry::hpexpireat).flags(W_FAST).acl(HASH).keys(RW_UPDATE)
        .doc("7.4.0", PER_FIELD_COMPLEXITY, "Set expiry for hash field using an absolute Unix timestamp (milliseconds)"),
    Command::new("httl", -5, Group::Hash, field_expiry::httl).flags(R_FAST).acl(HASH).keys(RO_ACCESS)
        .doc("7.4.0", PER_FIELD_COMPLEXITY, "Returns the TTL in seconds of a hash field."),
    Command::new("hpttl", -5, Group::Hash, field_expiry::hpttl).flags(R_FAST).acl(HASH).keys(RO_ACCESS)
        .doc("7.4.0", PER_FIELD_COMPLEXITY, "Returns the TTL in milliseconds of a hash field."),
    Command::new("hexpiretime", -5, Group::Hash, field_expiry::hexpiretime).flags(R_FAST).acl(HASH).keys(RO_ACCESS)
        .doc("7.4.0", PER_FIELD_COMPLEXITY, "Returns the expiration time of a hash field as a Unix timestamp, in seconds."),
    Command::new("hpexpiretime", -5, Group::Hash, field_expiry::hpexpiretime).flags(R_FAST).acl(HASH).keys(RO_ACCESS)
        .doc("7.4.0", PER_FIELD_COMPLEXITY, "Returns the expiration time of a hash field as a Unix timestamp, in msec."),
    Command::new("hpersist", -5, Group::Hash, field_expiry::hpersist).flags(flag::WRITE | flag::FAST).acl(HASH).keys(RW_UPDATE)
        .doc("7.4.0", PER_FIELD_COMPLEXITY, "Removes the expiration time for each specified field"),
];

const NOT_INTEGER_VALUE: Reply = Reply::err("ERR hash value is not an integer");
const NOT_FLOAT_VALUE: Reply = Reply::err("ERR hash value is not a float");

/// The hash at `key` for writing, created empty if missing: only for callers about to add a
/// field, so no empty hash is ever left behind.
fn hash_to_fill<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<&'c mut HashValue, Reply> {
    if ctx.write_hash(key)?.is_none() {
        ctx.insert_absent(key, Value::Hash(Box::default()));
    }
    Ok(ctx.write_hash(key)?.expect("created above"))
}

/// The heart of HSET and HMSET: sets every pair, returns how many fields are new. An odd
/// number of field/value arguments is an arity error, as in Redis.
fn set_pairs(ctx: &mut Ctx, command: &str) -> Result<i64, Reply> {
    let key = ctx.args.bytes()?;
    let pairs = ctx.args.rest();
    if !pairs.len().is_multiple_of(2) {
        return Err(errors::arity(command));
    }
    let hash = hash_to_fill(ctx, key)?;
    let added = pairs.chunks_exact(2).filter(|pair| hash.set(pair[0], pair[1])).count();
    ctx.ks.dirty += (pairs.len() / 2) as u64;
    ctx.notify(class::HASH, "hset", key);
    Ok(added as i64)
}

/// HSET key field value [field value ...]
fn hset(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Integer(set_pairs(ctx, "hset")?))
}

/// HMSET key field value [field value ...] — HSET's older form, replying OK.
fn hmset(ctx: &mut Ctx) -> CmdResult {
    set_pairs(ctx, "hmset")?;
    Ok(Reply::OK)
}

/// HSETNX key field value
fn hsetnx(ctx: &mut Ctx) -> CmdResult {
    let (key, field, value) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    reclaim_field(ctx, key, field)?;
    if ctx.write_hash(key)?.is_some_and(|h| h.contains(field)) {
        return Ok(Reply::Integer(0));
    }
    hash_to_fill(ctx, key)?.set(field, value);
    ctx.ks.dirty += 1;
    ctx.notify(class::HASH, "hset", key);
    Ok(Reply::Integer(1))
}

/// Looks `fields` up in the hash at `key` after lazily expiring those past their time, and
/// answers with `reply` (`None` for a missing key). One lookup for a hash without field TTLs.
fn read_fields(ctx: &mut Ctx, key: &[u8], fields: &[&[u8]], reply: impl FnOnce(Option<&HashValue>) -> Reply) -> CmdResult {
    let clock = FieldClock::of(ctx);
    let Some(hash) = ctx.read_hash(key)? else {
        return Ok(reply(None));
    };
    let mut expired = false;
    if hash.has_field_ttls() {
        for field in fields {
            expired |= hash.reclaim_if_expired(field, || clock.now());
        }
    }
    let answer = reply(Some(hash));
    if expired {
        after_fields_expired(ctx, key, &clock);
    }
    Ok(answer)
}

/// HGET key field
fn hget(ctx: &mut Ctx) -> CmdResult {
    let (key, field) = (ctx.args.bytes()?, ctx.args.bytes()?);
    read_fields(ctx, key, &[field], |hash| Reply::opt_bulk(hash.and_then(|h| h.get(field))))
}

/// HMGET key field [field ...] — a missing key reads as an empty hash.
fn hmget(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let fields = ctx.args.rest();
    read_fields(ctx, key, fields, |hash| {
        let mut out = Vec::with_capacity(fields.len());
        for field in fields {
            match hash.and_then(|h| h.get(field)) {
                Some(value) => Reply::push_bulk(&mut out, value),
                None => out.push(Reply::Null),
            }
        }
        Reply::Array(out)
    })
}

/// HDEL key field [field ...] — deletes the key with its last field.
fn hdel(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let fields = ctx.args.rest();
    let Some(hash) = ctx.write_hash(key)? else {
        return Ok(Reply::Integer(0));
    };
    let deleted = fields.iter().filter(|f| hash.remove(f)).count();
    if deleted > 0 {
        ctx.ks.dirty += deleted as u64;
        ctx.notify(class::HASH, "hdel", key);
        ctx.delete_if_empty_and_notify(key);
    }
    Ok(Reply::Integer(deleted as i64))
}

/// HLEN key — counting fields past their TTL until they are reclaimed, as Redis does.
fn hlen(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    Ok(Reply::Integer(ctx.read_hash(key)?.map_or(0, |h| h.len() as i64)))
}

/// HSTRLEN key field
fn hstrlen(ctx: &mut Ctx) -> CmdResult {
    let (key, field) = (ctx.args.bytes()?, ctx.args.bytes()?);
    read_fields(ctx, key, &[field], |hash| Reply::Integer(hash.and_then(|h| h.get(field)).map_or(0, <[u8]>::len) as i64))
}

/// HEXISTS key field
fn hexists(ctx: &mut Ctx) -> CmdResult {
    let (key, field) = (ctx.args.bytes()?, ctx.args.bytes()?);
    read_fields(ctx, key, &[field], |hash| Reply::Integer(i64::from(hash.is_some_and(|h| h.contains(field)))))
}

/// Every live pair of the hash at `key` (fields past their TTL skipped, not reclaimed), mapped
/// by `each`; nothing for a missing key.
fn map_pairs<T>(ctx: &mut Ctx, mut each: impl FnMut(&mut Vec<T>, &[u8], &[u8])) -> Result<Vec<T>, Reply> {
    let key = ctx.args.bytes()?;
    let clock = FieldClock::of(ctx);
    let Some(hash) = ctx.read_hash(key)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(hash.len());
    if !hash.has_field_ttls() {
        hash.iter().for_each(|(f, v)| each(&mut out, f, v));
        return Ok(out);
    }
    let now = clock.now();
    hash.iter().filter(|(f, _)| !hash.is_expired(f, now)).for_each(|(f, v)| each(&mut out, f, v));
    clock.settle(ctx);
    Ok(out)
}

/// HKEYS key
fn hkeys(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Array(map_pairs(ctx, |out, field, _| Reply::push_bulk(out, field))?))
}

/// HVALS key
fn hvals(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Array(map_pairs(ctx, |out, _, value| Reply::push_bulk(out, value))?))
}

/// HGETALL key — a map in RESP3, a flat array in RESP2.
fn hgetall(ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Map(map_pairs(ctx, |out, field, value| out.push((Reply::bulk(field), Reply::bulk(value))))?))
}

/// HINCRBY key field increment — the key is created only once the new value is known good.
fn hincrby(ctx: &mut Ctx) -> CmdResult {
    let (key, field) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let by = ctx.args.int()?;
    reclaim_field(ctx, key, field)?;
    let current = match ctx.write_hash(key)?.and_then(|h| h.get(field)) {
        Some(text) => parse_i64(text).ok_or(NOT_INTEGER_VALUE)?,
        None => 0,
    };
    let value = current.checked_add(by).ok_or(errors::OVERFLOW)?;
    // A live field keeps its TTL through an increment, as in Redis.
    hash_to_fill(ctx, key)?.set_keeping_ttl(field, itoa::Buffer::new().format(value).as_bytes());
    ctx.ks.dirty += 1;
    ctx.notify(class::HASH, "hincrby", key);
    Ok(Reply::Integer(value))
}

/// HINCRBYFLOAT key field increment — computed in long double, as Redis does.
fn hincrbyfloat(ctx: &mut Ctx) -> CmdResult {
    let (key, field, by) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    // Redis judges the increment on its own before looking at the key.
    incr_long_double(None, by).map_err(|e| match e {
        FloatIncrError::NanOrInfinity => Reply::err("ERR value is NaN or Infinity"),
        FloatIncrError::BadCurrent | FloatIncrError::BadIncrement => errors::NOT_FLOAT,
    })?;
    reclaim_field(ctx, key, field)?;
    let current = ctx.write_hash(key)?.and_then(|h| h.get(field)).map(<[u8]>::to_vec);
    let text = incr_long_double(current.as_deref(), by).map_err(|e| match e {
        FloatIncrError::BadCurrent => NOT_FLOAT_VALUE,
        FloatIncrError::BadIncrement => errors::NOT_FLOAT,
        FloatIncrError::NanOrInfinity => Reply::err("ERR increment would produce NaN or Infinity"),
    })?;
    hash_to_fill(ctx, key)?.set_keeping_ttl(field, &text);
    ctx.ks.dirty += 1;
    ctx.notify(class::HASH, "hincrbyfloat", key);
    Ok(Reply::bulk(text))
}

/// HRANDFIELD key [count [WITHVALUES]]
fn hrandfield(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let mut rng = SmallRng::from_rng(&mut ctx.ks.rng);
    if ctx.args.is_empty() {
        let hash = live_hash(ctx, key)?;
        return Ok(hash.map_or(Reply::Null, |h| Reply::bulk(h.sampler().draw(&mut rng).0)));
    }
    let count = parse_random_count(ctx.args.bytes()?)?;
    let with_values = match ctx.args.rest() {
        [] => false,
        [word] if word.eq_ignore_ascii_case(b"WITHVALUES") => true,
        _ => return Err(errors::SYNTAX),
    };
    // Redis keeps the doubled reply length within a long.
    if with_values && count.unsigned_abs() > (i64::MAX / 2) as u64 {
        return Err(Reply::err("ERR value is out of range"));
    }
    let resp3 = ctx.resp3();
    let Some(hash) = live_hash(ctx, key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    let pairs = random_pairs(hash, count, &mut rng);
    let reply = match (with_values, resp3) {
        (false, _) => pairs.into_iter().map(|(field, _)| Reply::bulk(field)).collect(),
        (true, true) => pairs.into_iter().map(|(f, v)| Reply::Array(vec![Reply::bulk(f), Reply::bulk(v)])).collect(),
        (true, false) => pairs.into_iter().flat_map(|(f, v)| [Reply::bulk(f), Reply::bulk(v)]).collect(),
    };
    Ok(Reply::Array(reply))
}

/// The hash at `key` with every field past its TTL reclaimed first (HRANDFIELD samples only
/// live fields; the key goes with its last field).
fn live_hash<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<Option<&'c HashValue>, Reply> {
    let clock = FieldClock::of(ctx);
    let expired = match ctx.read_hash(key)? {
        Some(hash) if hash.has_field_ttls() => hash.reclaim_expired(clock.now(), usize::MAX) > 0,
        _ => false,
    };
    if expired {
        after_fields_expired(ctx, key, &clock);
    }
    Ok(match ctx.db().keys.get(key) {
        Some(Value::Hash(hash)) => Some(hash),
        _ => None,
    })
}

/// HRANDFIELD's picks: `count` distinct pairs (at most the whole hash), or with a negative
/// count that many independent draws.
fn random_pairs<'h>(hash: &'h HashValue, count: i64, rng: &mut SmallRng) -> Vec<(&'h [u8], &'h [u8])> {
    let wanted = count.unsigned_abs() as usize;
    if count < 0 {
        let sampler = hash.sampler();
        (0..wanted).map(|_| sampler.draw(rng)).collect()
    } else if wanted >= hash.len() {
        hash.iter().collect()
    } else {
        let sampler = hash.sampler();
        sample_distinct(rng, hash.len(), wanted, hash.iter(), |rng| sampler.draw(rng))
    }
}

/// HSCAN key cursor [MATCH pattern] [COUNT count]
fn hscan(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let cursor = scan_cursor(ctx.args.bytes()?)?;
    let options = ScanOptions::parse(ctx.args);
    let clock = FieldClock::of(ctx);
    let Some(hash) = ctx.read_hash(key)? else {
        return Ok(scan_reply(0, Vec::new()));
    };
    let options = options?;
    let now = if hash.has_field_ttls() { Some(clock.now()) } else { None };
    let mut found = Vec::new();
    let next = hash.scan(cursor, options.count, |field, value| {
        let expired = now.is_some_and(|now| hash.is_expired(field, now));
        if !expired && options.matches(field) {
            found.push(Reply::bulk(field));
            found.push(Reply::bulk(value));
        }
    });
    clock.settle(ctx);
    Ok(scan_reply(next, found))
}

// What the collection families share: scan cursors and options, random counts and sampling.

/// A scan's reply: the next cursor and the elements found. The cursor is a bulk string.
pub(super) fn scan_reply(cursor: u64, found: Vec<Reply>) -> Reply {
    Reply::Array(vec![Reply::bulk(itoa::Buffer::new().format(cursor)), Reply::Array(found)])
}


/// The options of HSCAN and SSCAN.
pub(super) struct ScanOptions<'a> {
    /// `None` matches everything (so does a lone `*`).
    pattern: Option<&'a [u8]>,
    pub count: usize,
}

impl<'a> ScanOptions<'a> {
    /// Parses `[MATCH pattern] [COUNT count]`, repeatable. Handlers parse from a copy of their
    /// cursor and report errors only once the key holds a collection: a scan of a missing key
    /// answers an empty page whatever its options, as in Redis.
    pub fn parse(mut args: Args<'a>) -> Result<Self, Reply> {
        let mut options = ScanOptions { pattern: None, count: 10 };
        while let Some(word) = args.peek() {
            args.bytes()?;
            let has_value = !args.is_empty();
            match word.to_ascii_uppercase().as_slice() {
                b"COUNT" if has_value => {
                    let count = args.int()?;
                    if count < 1 {
                        return Err(errors::SYNTAX);
                    }
                    options.count = usize::try_from(count).unwrap_or(usize::MAX);
                }
                b"MATCH" if has_value => {
                    let pattern = args.bytes()?;
                    options.pattern = (pattern != b"*").then_some(pattern);
                }
                _ => return Err(errors::SYNTAX),
            }
        }
        Ok(options)
    }

    pub fn matches(&self, text: &[u8]) -> bool {
        self.pattern.is_none_or(|p| glob_match(p, text, false))
    }
}

/// Parses the count of HRANDFIELD and SRANDMEMBER: any `long` but the one whose negation
/// overflows.
pub(super) fn parse_random_count(arg: &[u8]) -> Result<i64, Reply> {
    match parse_i64(arg) {
        None => Err(errors::NOT_INTEGER),
        Some(i64::MIN) => Err(Reply::err(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        )),
        Some(n) => Ok(n),
    }
}

/// Collections at most this many times bigger than the sample are shuffled rather than drawn
/// from (Redis's `SRANDMEMBER_SUB_STRATEGY_MUL`): drawing until enough distinct items came up
/// gets slow when most of the collection is wanted.
const SHUFFLE_BELOW_RATIO: usize = 3;

/// `count` distinct random items of a collection of `len` (`count < len`): shuffle `all` when
/// the sample is a big part of it, else call `draw` until `count` distinct items came up.
pub(super) fn sample_distinct<T, R>(
    rng: &mut R,
    len: usize,
    count: usize,
    all: impl Iterator<Item = T>,
    mut draw: impl FnMut(&mut R) -> T,
) -> Vec<T>
where
    T: Copy + Eq + Hash,
    R: Rng,
{
    if count.saturating_mul(SHUFFLE_BELOW_RATIO) > len {
        let mut items: Vec<T> = all.collect();
        let (picked, _) = items.partial_shuffle(rng, count);
        return picked.to_vec();
    }
    let mut seen = AHashSet::with_capacity(count);
    let mut picked = Vec::with_capacity(count);
    while picked.len() < count {
        let item = draw(rng);
        if seen.insert(item) {
            picked.push(item);
        }
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_samples_have_no_repeats_on_both_paths() {
        let mut rng = SmallRng::seed_from_u64(7);
        for (len, count) in [(10, 9), (1000, 5)] {
            let picked = sample_distinct(&mut rng, len, count, 0..len, |rng| rng.random_range(0..len));
            let unique: AHashSet<_> = picked.iter().collect();
            assert_eq!((picked.len(), unique.len()), (count, count));
            assert!(picked.iter().all(|&i| i < len));
        }
    }
}
