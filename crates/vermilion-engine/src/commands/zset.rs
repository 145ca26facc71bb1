//! Sorted-set commands. Like Redis's `t_zset.c`, families share one generic each: ZADD and
//! ZINCRBY (`zadd_generic`), the ZRANGE forms and ZRANGESTORE (`zrange_generic`), the
//! ZREMRANGEBY* trio, ZPOPMIN/ZPOPMAX/ZMPOP, and the ZUNION/ZINTER/ZDIFF family with its STORE
//! forms and ZINTERCARD.
//!
//! Scores are answered as `Reply::Double`; each face prints them as Redis does. WITHSCORES
//! replies are flat (member, score, ...) arrays in RESP2 and arrays of pairs in RESP3, as in
//! Redis 7.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use ahash::AHashMap;
use rand::Rng;

use super::table::{acl, flag, key, BeginSearch, CmdResult, Command, FindKeys, Group, KeySpec};
use super::args::scan_cursor;
use super::Ctx;
use crate::double::write_g17;
use crate::glob::glob_match;
use crate::keyspace::Entry;
use crate::reply::{errors, Reply};
use crate::types::zset::{Bounds, LexRange, ScoreRange};
use crate::types::set::Member;
use crate::types::{SetValue, Value, ZSetValue};
use crate::util::{parse_f64, parse_i64};

const ZS: u32 = acl::SORTEDSET;
const R: u32 = flag::READONLY;
const R_FAST: u32 = flag::READONLY | flag::FAST;
const W: u32 = flag::WRITE;
const W_FAST: u32 = flag::WRITE | flag::FAST;
const W_OOM: u32 = flag::WRITE | flag::DENYOOM;
const W_OOM_FAST: u32 = flag::WRITE | flag::DENYOOM | flag::FAST;

const RO: &[KeySpec] = &[KeySpec::single(1, key::RO | key::ACCESS)];
const RW_DELETE: &[KeySpec] = &[KeySpec::single(1, key::RW | key::DELETE)];
const RW_POP: &[KeySpec] = &[KeySpec::single(1, key::RW | key::ACCESS | key::DELETE)];
/// `numkeys key [key ...]` from argument 1.
const NUMKEYS_RO: &[KeySpec] = &[numkeys_spec(1, key::RO | key::ACCESS)];
/// `destination numkeys key [key ...]`.
const STORE_NUMKEYS: &[KeySpec] = &[KeySpec::single(1, key::OW | key::UPDATE), numkeys_spec(2, key::RO | key::ACCESS)];

const fn numkeys_spec(index: i32, flags: u16) -> KeySpec {
    let find = FindKeys::Keynum { keynumidx: 0, firstkey: 1, keystep: 1 };
    KeySpec { flags, begin: BeginSearch::Index(index), find, notes: "" }
}

const RANGE_COMPLEXITY: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).";
const REMRANGE_COMPLEXITY: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.";
const POP_COMPLEXITY: &str = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.";
const UNION_COMPLEXITY: &str = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.";
const INTER_COMPLEXITY: &str = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.";
const DIFF_COMPLEXITY: &str = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.";

pub static COMMANDS: &[Command] = &[
    Command::new("zadd", -4, Group::SortedSet, zadd).flags(W_OOM_FAST).acl(ZS)
        .keys(&[KeySpec::single(1, key::RW | key::UPDATE)])
        .doc("1.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", "Add one or more members to a sorted set, or update its score if it already exists"),
    Command::new("zincrby", 4, Group::SortedSet, zincrby).flags(W_OOM_FAST).acl(ZS)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::UPDATE)])
        .doc("1.2.0", "O(log(N)) where N is the number of elements in the sorted set.", "Increment the score of a member in a sorted set"),
    Command::new("zrem", -3, Group::SortedSet, zrem).flags(W_FAST).acl(ZS).keys(RW_DELETE)
        .doc("1.2.0", "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", "Remove one or more members from a sorted set"),
    Command::new("zcard", 2, Group::SortedSet, zcard).flags(R_FAST).acl(ZS).keys(&[KeySpec::single(1, key::RO)])
        .doc("1.2.0", "O(1)", "Get the number of members in a sorted set"),
    Command::new("zcount", 4, Group::SortedSet, zcount).flags(R_FAST).acl(ZS).keys(RO)
        .doc("2.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Count the members in a sorted set with scores within the given values"),
    Command::new("zlexcount", 4, Group::SortedSet, zlexcount).flags(R_FAST).acl(ZS).keys(RO)
        .doc("2.8.9", "O(log(N)) with N being the number of elements in the sorted set.", "Count the number of members in a sorted set between a given lexicographical range"),
    Command::new("zscore", 3, Group::SortedSet, zscore).flags(R_FAST).acl(ZS).keys(RO)
        .doc("1.2.0", "O(1)", "Get the score associated with the given member in a sorted set"),
    Command::new("zmscore", -3, Group::SortedSet, zmscore).flags(R_FAST).acl(ZS).keys(RO)
        .doc("6.2.0", "O(N) where N is the number of members being requested.", "Get the score associated with the given members in a sorted set"),
    Command::new("zrank", -3, Group::SortedSet, zrank).flags(R_FAST).acl(ZS).keys(RO)
        .doc("2.0.0", "O(log(N))", "Determine the index of a member in a sorted set"),
    Command::new("zrevrank", -3, Group::SortedSet, zrevrank).flags(R_FAST).acl(ZS).keys(RO)
        .doc("2.0.0", "O(log(N))", "Determine the index of a member in a sorted set, with scores ordered from high to low"),
    Command::new("zrange", -4, Group::SortedSet, zrange).flags(R).acl(ZS).keys(RO)
        .doc("1.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", "Return a range of members in a sorted set"),
    Command::new("zrangestore", -5, Group::SortedSet, zrangestore).flags(W_OOM).acl(ZS)
        .keys(&[KeySpec::single(1, key::OW | key::UPDATE), KeySpec::single(2, key::RO | key::ACCESS)])
        .doc("6.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.", "Store a range of members from sorted set into another key"),
    Command::new("zrevrange", -4, Group::SortedSet, zrevrange).flags(R).acl(ZS).keys(RO)
        .doc("1.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", "Return a range of members in a sorted set, by index, with scores ordered from high to low"),
    Command::new("zrangebyscore", -4, Group::SortedSet, zrangebyscore).flags(R).acl(ZS).keys(RO)
        .doc("1.0.5", RANGE_COMPLEXITY, "Return a range of members in a sorted set, by score"),
    Command::new("zrevrangebyscore", -4, Group::SortedSet, zrevrangebyscore).flags(R).acl(ZS).keys(RO)
        .doc("2.2.0", RANGE_COMPLEXITY, "Return a range of members in a sorted set, by score, with scores ordered from high to low"),
    Command::new("zrangebylex", -4, Group::SortedSet, zrangebylex).flags(R).acl(ZS).keys(RO)
        .doc("2.8.9", RANGE_COMPLEXITY, "Return a range of members in a sorted set, by lexicographical range"),
    Command::new("zrevrangebylex", -4, Group::SortedSet, zrevrangebylex).flags(R).acl(ZS).keys(RO)
        .doc("2.8.9", RANGE_COMPLEXITY, "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings."),
    Command::new("zremrangebyrank", 4, Group::SortedSet, zremrangebyrank).flags(W).acl(ZS).keys(RW_DELETE)
        .doc("2.0.0", REMRANGE_COMPLEXITY, "Remove all members in a sorted set within the given indexes"),
    Command::new("zremrangebyscore", 4, Group::SortedSet, zremrangebyscore).flags(W).acl(ZS).keys(RW_DELETE)
        .doc("1.2.0", REMRANGE_COMPLEXITY, "Remove all members in a sorted set within the given scores"),
    Command::new("zremrangebylex", 4, Group::SortedSet, zremrangebylex).flags(W).acl(ZS).keys(RW_DELETE)
        .doc("2.8.9", REMRANGE_COMPLEXITY, "Remove all members in a sorted set between the given lexicographical range"),
    Command::new("zpopmin", -2, Group::SortedSet, zpopmin).flags(W_FAST).acl(ZS).keys(RW_POP)
        .doc("5.0.0", POP_COMPLEXITY, "Remove and return members with the lowest scores in a sorted set"),
    Command::new("zpopmax", -2, Group::SortedSet, zpopmax).flags(W_FAST).acl(ZS).keys(RW_POP)
        .doc("5.0.0", POP_COMPLEXITY, "Remove and return members with the highest scores in a sorted set"),
    Command::new("zmpop", -4, Group::SortedSet, zmpop).flags(W).acl(ZS)
        .keys(&[numkeys_spec(1, key::RW | key::ACCESS | key::DELETE)])
        .doc("7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with scores in a sorted set"),
    Command::new("bzpopmin", -3, Group::SortedSet, bzpopmin).flags(flag::WRITE | flag::NOSCRIPT | flag::FAST | flag::BLOCKING).acl(ZS)
        .keys(&[KeySpec::range(1, -2, 1, key::RW | key::ACCESS | key::DELETE)])
        .doc("5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available"),
    Command::new("bzpopmax", -3, Group::SortedSet, bzpopmax).flags(flag::WRITE | flag::NOSCRIPT | flag::FAST | flag::BLOCKING).acl(ZS)
        .keys(&[KeySpec::range(1, -2, 1, key::RW | key::ACCESS | key::DELETE)])
        .doc("5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Remove and return the member with the highest score from one or more sorted sets, or block until one is available"),
    Command::new("bzmpop", -5, Group::SortedSet, bzmpop).flags(flag::WRITE | flag::BLOCKING).acl(ZS)
        .keys(&[numkeys_spec(2, key::RW | key::ACCESS | key::DELETE)])
        .doc("7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with scores in a sorted set or block until one is available"),
    Command::new("zrandmember", -2, Group::SortedSet, zrandmember).flags(R).acl(ZS).keys(RO)
        .tips(&["nondeterministic_output"])
        .doc("6.2.0", "O(N) where N is the number of elements returned", "Get one or multiple random elements from a sorted set"),
    Command::new("zunion", -3, Group::SortedSet, zunion).flags(R).acl(ZS).keys(NUMKEYS_RO)
        .doc("6.2.0", UNION_COMPLEXITY, "Add multiple sorted sets"),
    Command::new("zinter", -3, Group::SortedSet, zinter).flags(R).acl(ZS).keys(NUMKEYS_RO)
        .doc("6.2.0", INTER_COMPLEXITY, "Intersect multiple sorted sets"),
    Command::new("zdiff", -3, Group::SortedSet, zdiff).flags(R).acl(ZS).keys(NUMKEYS_RO)
        .doc("6.2.0", DIFF_COMPLEXITY, "Subtract multiple sorted sets"),
    Command::new("zunionstore", -4, Group::SortedSet, zunionstore).flags(W_OOM).acl(ZS).keys(STORE_NUMKEYS)
        .doc("2.0.0", "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", "Add multiple sorted sets and store the resulting sorted set in a new key"),
    Command::new("zinterstore", -4, Group::SortedSet, zinterstore).flags(W_OOM).acl(ZS).keys(STORE_NUMKEYS)
        .doc("2.0.0", INTER_COMPLEXITY, "Intersect multiple sorted sets and store the resulting sorted set in a new key"),
    Command::new("zdiffstore", -4, Group::SortedSet, zdiffstore).flags(W_OOM).acl(ZS).keys(STORE_NUMKEYS)
        .doc("6.2.0", DIFF_COMPLEXITY, "Subtract multiple sorted sets and store the resulting sorted set in a new key"),
    Command::new("zintercard", -3, Group::SortedSet, zintercard).flags(R).acl(ZS).keys(NUMKEYS_RO)
        .doc("7.0.0", "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.", "Intersect multiple sorted sets and return the cardinality of the result"),
    Command::new("zscan", -3, Group::SortedSet, zscan).flags(R).acl(ZS).keys(RO)
        .tips(&["nondeterministic_output"])
        .doc("2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", "Incrementally iterate sorted sets elements and associated scores"),
];

const NAN_RESULT: Reply = Reply::err("ERR resulting score is not a number (NaN)");
const NOT_FLOAT_RANGE: Reply = Reply::err("ERR min or max is not a float");
const NOT_LEX_RANGE: Reply = Reply::err("ERR min or max not valid string range item");
const MUST_BE_POSITIVE: Reply = Reply::err("ERR value is out of range, must be positive");

// ---------------------------------------------------------------------------------------------
// Shared plumbing

/// Runs `change` on the sorted set at `key`, or — if `create` — on a new one that is stored only
/// if it ends up non-empty. An emptied set is deleted. `None` if the key is missing and not
/// created. Changes are counted in `dirty` by the caller.
fn update_zset<T>(
    ctx: &mut Ctx,
    key: &[u8],
    create: bool,
    change: impl FnOnce(&mut ZSetValue) -> T,
) -> Result<Option<T>, Reply> {
    if let Some(zset) = ctx.write_zset(key)? {
        let out = change(zset);
        if zset.is_empty() {
            ctx.delete_if_empty(key);
        }
        return Ok(Some(out));
    }
    if !create {
        return Ok(None);
    }
    let mut zset = ZSetValue::new();
    let out = change(&mut zset);
    if !zset.is_empty() {
        let entry = Entry::new(Value::ZSet(zset), ctx.now());
        ctx.db().keys.insert(key, entry);
    }
    Ok(Some(out))
}

/// Replaces `dst` with a computed sorted set, or deletes it when the result is empty (Redis's
/// store rule for ZRANGESTORE, ZUNIONSTORE, ...). Replies with the result's size.
fn store_result(ctx: &mut Ctx, dst: &[u8], members: Vec<(Vec<u8>, f64)>) -> CmdResult {
    let len = members.len() as i64;
    if members.is_empty() {
        ctx.delete(dst);
    } else {
        ctx.store(dst, Value::ZSet(ZSetValue::from_members(members)), false);
    }
    Ok(Reply::Integer(len))
}

/// A list of members, with their scores if asked: flat in RESP2, pairs in RESP3.
fn members_reply<'a>(resp3: bool, entries: impl Iterator<Item = (&'a [u8], f64)>, with_scores: bool) -> Reply {
    let mut out = Vec::with_capacity(entries.size_hint().0 * if with_scores && !resp3 { 2 } else { 1 });
    for (member, score) in entries {
        if !with_scores {
            out.push(Reply::bulk(member));
        } else if resp3 {
            out.push(Reply::Array(vec![Reply::bulk(member), Reply::Double(score)]));
        } else {
            out.push(Reply::bulk(member));
            out.push(Reply::Double(score));
        }
    }
    Reply::Array(out)
}

/// A score as ZSCAN prints it in every protocol: Redis 7.0's `%.17g`.
fn score_text(score: f64) -> Vec<u8> {
    let mut out = Vec::with_capacity(24);
    write_g17(score, &mut out);
    out
}

/// A score as a listpack stores it, for ZSCAN: integral scores within half the `i64` range are
/// listpack integers (Redis's `double2ll`), anything else the `%.17g` text.
fn listpack_score_text(score: f64) -> Vec<u8> {
    const LIMIT: f64 = (i64::MAX / 2) as f64;
    if score.fract() == 0.0 && (-LIMIT..=LIMIT).contains(&score) {
        return itoa::Buffer::new().format(score as i64).as_bytes().to_vec();
    }
    score_text(score)
}

/// Redis's `getPositiveLongFromObjectOrReply` with a custom message for every failure.
fn positive_or(arg: &[u8], error: Reply) -> Result<i64, Reply> {
    parse_i64(arg).filter(|&n| n >= 0).ok_or(error)
}

// ---------------------------------------------------------------------------------------------
// ZADD, ZINCRBY

/// The options of ZADD (ZINCRBY is ZADD with INCR).
#[derive(Default, Clone, Copy)]
struct AddOptions {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

/// What one ZADD run did.
#[derive(Default)]
struct AddCounts {
    added: i64,
    updated: i64,
    /// Elements that were not skipped by NX/XX/GT/LT.
    processed: i64,
    /// The last score written (INCR's reply).
    score: f64,
}

/// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
fn zadd(ctx: &mut Ctx) -> CmdResult {
    zadd_generic(ctx, AddOptions::default())
}

/// ZINCRBY key increment member
fn zincrby(ctx: &mut Ctx) -> CmdResult {
    zadd_generic(ctx, AddOptions { incr: true, ..AddOptions::default() })
}

/// Parses the options, checks their combinations and the scores (all before touching the key,
/// as Redis does), then adds.
fn zadd_generic(ctx: &mut Ctx, mut opts: AddOptions) -> CmdResult {
    let key = ctx.args.bytes()?;
    while let Some(word) = ctx.args.peek() {
        match word.to_ascii_uppercase().as_slice() {
            b"NX" => opts.nx = true,
            b"XX" => opts.xx = true,
            b"GT" => opts.gt = true,
            b"LT" => opts.lt = true,
            b"CH" => opts.ch = true,
            b"INCR" => opts.incr = true,
            _ => break,
        }
        ctx.args.bytes()?;
    }
    let rest = ctx.args.rest();
    if rest.is_empty() || !rest.len().is_multiple_of(2) {
        return Err(errors::SYNTAX);
    }
    if opts.nx && opts.xx {
        return Err(Reply::err("ERR XX and NX options at the same time are not compatible"));
    }
    if (opts.nx && (opts.gt || opts.lt)) || (opts.gt && opts.lt) {
        return Err(Reply::err("ERR GT, LT, and/or NX options at the same time are not compatible"));
    }
    if opts.incr && rest.len() > 2 {
        return Err(Reply::err("ERR INCR option supports a single increment-element pair"));
    }
    let pairs = rest
        .chunks_exact(2)
        .map(|pair| Ok((parse_f64(pair[0]).ok_or(errors::NOT_FLOAT)?, pair[1])))
        .collect::<Result<Vec<(f64, &[u8])>, Reply>>()?;
    let counts = update_zset(ctx, key, !opts.xx, |zset| add_all(zset, &pairs, opts))?.transpose()?.unwrap_or_default();
    ctx.ks.dirty += (counts.added + counts.updated) as u64;
    Ok(if opts.incr {
        if counts.processed > 0 { Reply::Double(counts.score) } else { Reply::Null }
    } else {
        Reply::Integer(if opts.ch { counts.added + counts.updated } else { counts.added })
    })
}

/// Redis's `zsetAdd` for every pair.
fn add_all(zset: &mut ZSetValue, pairs: &[(f64, &[u8])], opts: AddOptions) -> Result<AddCounts, Reply> {
    let mut counts = AddCounts::default();
    for &(score, member) in pairs {
        let Some(current) = zset.score(member) else {
            if !opts.xx {
                zset.set_score(member, score);
                counts.added += 1;
                counts.processed += 1;
                counts.score = score;
            }
            continue;
        };
        if opts.nx {
            continue;
        }
        let new = if opts.incr { current + score } else { score };
        if new.is_nan() {
            return Err(NAN_RESULT);
        }
        if (opts.lt && new >= current) || (opts.gt && new <= current) {
            continue;
        }
        if new != current {
            zset.set_score(member, new);
            counts.updated += 1;
        }
        counts.processed += 1;
        counts.score = new;
    }
    Ok(counts)
}

// ---------------------------------------------------------------------------------------------
// Single-member reads and ZREM

/// ZREM key member [member ...]
fn zrem(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let members = ctx.args.rest();
    let removed = update_zset(ctx, key, false, |zset| members.iter().filter(|m| zset.remove(m)).count())?.unwrap_or(0);
    ctx.ks.dirty += removed as u64;
    Ok(Reply::Integer(removed as i64))
}

/// ZCARD key
fn zcard(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    Ok(Reply::Integer(ctx.read_zset(key)?.map_or(0, |z| z.len() as i64)))
}

/// ZSCORE key member
fn zscore(ctx: &mut Ctx) -> CmdResult {
    let (key, member) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let score = ctx.read_zset(key)?.and_then(|z| z.score(member));
    Ok(score.map_or(Reply::Null, Reply::Double))
}

/// ZMSCORE key member [member ...]
fn zmscore(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let members = ctx.args.rest();
    let zset = ctx.read_zset(key)?;
    let zset = zset.as_deref();
    let scores = members.iter().map(|m| zset.and_then(|z| z.score(m)).map_or(Reply::Null, Reply::Double));
    Ok(Reply::Array(scores.collect()))
}

/// ZRANK key member [WITHSCORE]
fn zrank(ctx: &mut Ctx) -> CmdResult {
    rank_generic(ctx, false, "zrank")
}

/// ZREVRANK key member [WITHSCORE]
fn zrevrank(ctx: &mut Ctx) -> CmdResult {
    rank_generic(ctx, true, "zrevrank")
}

fn rank_generic(ctx: &mut Ctx, reverse: bool, name: &str) -> CmdResult {
    let (key, member) = (ctx.args.bytes()?, ctx.args.bytes()?);
    if ctx.args.remaining() > 1 {
        return Err(errors::arity(name));
    }
    let with_score = match ctx.args.peek() {
        None => false,
        Some(word) if word.eq_ignore_ascii_case(b"WITHSCORE") => true,
        Some(_) => return Err(errors::SYNTAX),
    };
    let found = ctx.read_zset(key)?.and_then(|z| {
        let (rank, score) = z.rank(member)?;
        Some((if reverse { z.len() - 1 - rank } else { rank }, score))
    });
    Ok(match (found, with_score) {
        (None, false) => Reply::Null,
        (None, true) => Reply::NullArray,
        (Some((rank, _)), false) => Reply::Integer(rank as i64),
        (Some((rank, score)), true) => Reply::Array(vec![Reply::Integer(rank as i64), Reply::Double(score)]),
    })
}

// ---------------------------------------------------------------------------------------------
// Ranges: ZRANGE and its older forms, ZRANGESTORE, ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*

/// `LIMIT offset count`.
type Limit = (i64, i64);

/// The elements a range query selects, in reply order.
type Selection<'a> = Box<dyn Iterator<Item = (&'a [u8], f64)> + 'a>;

/// What a range selects: ranks, scores or members.
enum Query {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RangeKind {
    Rank,
    Score,
    Lex,
}

impl Query {
    /// Parses `min max` (or `start stop`) of a range kind, with Redis's errors.
    fn parse(kind: RangeKind, min: &[u8], max: &[u8]) -> Result<Query, Reply> {
        Ok(match kind {
            RangeKind::Rank => {
                let (start, stop) = (parse_i64(min), parse_i64(max));
                Query::Rank(start.ok_or(errors::NOT_INTEGER)?, stop.ok_or(errors::NOT_INTEGER)?)
            }
            RangeKind::Score => Query::Score(ScoreRange::parse(min, max).ok_or(NOT_FLOAT_RANGE)?),
            RangeKind::Lex => Query::Lex(LexRange::parse(min, max).ok_or(NOT_LEX_RANGE)?),
        })
    }

    /// The elements this query selects, in reply order; rank queries count from the top when
    /// `reverse`.
    fn select<'a>(&'a self, zset: &'a ZSetValue, reverse: bool, limit: Option<Limit>) -> Selection<'a> {
        match self {
            Query::Rank(start, stop) => {
                let ranks = clamp_ranks(*start, *stop, zset.len());
                let ranks = if reverse { zset.len() - ranks.end..zset.len() - ranks.start } else { ranks };
                Box::new(zset.range(ranks, reverse))
            }
            Query::Score(range) => walk_range(zset, range, reverse, limit),
            Query::Lex(range) => walk_range(zset, range, reverse, limit),
        }
    }
}

/// The elements in `bounds` as Redis walks them: from the first (or, in reverse, the last)
/// element in range, skip `offset` elements unchecked, then take up to `count` while still in
/// range. A negative offset selects nothing; a negative count means no limit.
fn walk_range<'a>(zset: &'a ZSetValue, bounds: &'a dyn Bounds, reverse: bool, limit: Option<Limit>) -> Selection<'a> {
    let (offset, count) = limit.unwrap_or((0, -1));
    let Ok(offset) = usize::try_from(offset) else { return Box::new(std::iter::empty()) };
    let take = usize::try_from(count).unwrap_or(usize::MAX);
    if reverse {
        let Some(start) = zset.last_in_range(bounds).and_then(|last| last.checked_sub(offset)) else {
            return Box::new(std::iter::empty());
        };
        Box::new(zset.range(0..start + 1, true).take(take).take_while(move |&(m, s)| !bounds.below_min(m, s)))
    } else {
        let Some(start) = zset.first_in_range(bounds).map(|first| first.saturating_add(offset)) else {
            return Box::new(std::iter::empty());
        };
        Box::new(zset.range(start..zset.len(), false).take(take).take_while(move |&(m, s)| !bounds.above_max(m, s)))
    }
}

/// Redis's rank normalisation: negative indexes count from the end, then clamp; an empty range
/// when start passes stop or the end.
fn clamp_ranks(start: i64, stop: i64, len: usize) -> Range<usize> {
    let len = len as i64;
    let start = if start < 0 { (len + start).max(0) } else { start };
    let stop = if stop < 0 { len + stop } else { stop };
    if start > stop || start >= len {
        return 0..0;
    }
    start as usize..stop.min(len - 1) as usize + 1
}

/// How one ZRANGE-family command reads its arguments.
struct RangeCommand {
    store: bool,
    /// Fixed by the command name (ZRANGEBYSCORE...), or chosen by BYSCORE/BYLEX (ZRANGE).
    kind: Option<RangeKind>,
    /// Fixed by the command name (ZREVRANGE...), or chosen by REV (ZRANGE).
    reverse: Option<bool>,
}

/// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
fn zrange(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: None, reverse: None })
}

/// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
fn zrangestore(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: true, kind: None, reverse: None })
}

/// ZREVRANGE key start stop [WITHSCORES]
fn zrevrange(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: Some(RangeKind::Rank), reverse: Some(true) })
}

/// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
fn zrangebyscore(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: Some(RangeKind::Score), reverse: Some(false) })
}

/// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
fn zrevrangebyscore(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: Some(RangeKind::Score), reverse: Some(true) })
}

/// ZRANGEBYLEX key min max [LIMIT offset count]
fn zrangebylex(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: Some(RangeKind::Lex), reverse: Some(false) })
}

/// ZREVRANGEBYLEX key max min [LIMIT offset count]
fn zrevrangebylex(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: Some(RangeKind::Lex), reverse: Some(true) })
}

/// Redis's `zrangeGenericCommand`: options in any order, then conflicts, then the range, then
/// the key.
fn zrange_generic(ctx: &mut Ctx, cmd: RangeCommand) -> CmdResult {
    let dst = if cmd.store { Some(ctx.args.bytes()?) } else { None };
    let key = ctx.args.bytes()?;
    let (mut min, mut max) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let (mut kind, mut reverse) = (cmd.kind, cmd.reverse);
    let (mut with_scores, mut limit) = (false, None);
    while let Some(word) = ctx.args.peek() {
        ctx.args.bytes()?;
        match word.to_ascii_uppercase().as_slice() {
            b"WITHSCORES" if !cmd.store => with_scores = true,
            b"LIMIT" if ctx.args.remaining() >= 2 => limit = Some((ctx.args.int()?, ctx.args.int()?)),
            b"REV" if reverse.is_none() => reverse = Some(true),
            b"BYSCORE" if kind.is_none() => kind = Some(RangeKind::Score),
            b"BYLEX" if kind.is_none() => kind = Some(RangeKind::Lex),
            _ => return Err(errors::SYNTAX),
        }
    }
    let (kind, reverse) = (kind.unwrap_or(RangeKind::Rank), reverse.unwrap_or(false));
    // Like Redis, `LIMIT offset -1` counts as no LIMIT at all.
    if kind == RangeKind::Rank && limit.is_some_and(|(_, count)| count != -1) {
        return Err(Reply::err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"));
    }
    if kind == RangeKind::Lex && with_scores {
        return Err(Reply::err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
    }
    if reverse && kind != RangeKind::Rank {
        std::mem::swap(&mut min, &mut max);
    }
    let query = Query::parse(kind, min, max)?;
    let resp3 = ctx.resp3();
    let Some(zset) = ctx.read_zset(key)? else {
        return match dst {
            Some(dst) => store_result(ctx, dst, Vec::new()),
            None => Ok(Reply::Array(Vec::new())),
        };
    };
    let zset: &ZSetValue = zset;
    let entries = query.select(zset, reverse, limit);
    match dst {
        Some(dst) => {
            let members = entries.map(|(m, s)| (m.to_vec(), s)).collect();
            store_result(ctx, dst, members)
        }
        None => Ok(members_reply(resp3, entries, with_scores)),
    }
}

/// ZCOUNT key min max
fn zcount(ctx: &mut Ctx) -> CmdResult {
    count_generic(ctx, RangeKind::Score)
}

/// ZLEXCOUNT key min max
fn zlexcount(ctx: &mut Ctx) -> CmdResult {
    count_generic(ctx, RangeKind::Lex)
}

fn count_generic(ctx: &mut Ctx, kind: RangeKind) -> CmdResult {
    let key = ctx.args.bytes()?;
    let query = Query::parse(kind, ctx.args.bytes()?, ctx.args.bytes()?)?;
    let count = ctx.read_zset(key)?.map_or(0, |zset| match &query {
        Query::Score(range) => zset.count_in(range),
        Query::Lex(range) => zset.count_in(range),
        Query::Rank(..) => unreachable!("counts are by score or by lex"),
    });
    Ok(Reply::Integer(count as i64))
}

/// ZREMRANGEBYRANK key start stop
fn zremrangebyrank(ctx: &mut Ctx) -> CmdResult {
    remrange_generic(ctx, RangeKind::Rank)
}

/// ZREMRANGEBYSCORE key min max
fn zremrangebyscore(ctx: &mut Ctx) -> CmdResult {
    remrange_generic(ctx, RangeKind::Score)
}

/// ZREMRANGEBYLEX key min max
fn zremrangebylex(ctx: &mut Ctx) -> CmdResult {
    remrange_generic(ctx, RangeKind::Lex)
}

fn remrange_generic(ctx: &mut Ctx, kind: RangeKind) -> CmdResult {
    let key = ctx.args.bytes()?;
    let query = Query::parse(kind, ctx.args.bytes()?, ctx.args.bytes()?)?;
    let removed = update_zset(ctx, key, false, |zset| match &query {
        Query::Rank(start, stop) => zset.remove_ranks(clamp_ranks(*start, *stop, zset.len())),
        Query::Score(range) => zset.remove_in(range),
        Query::Lex(range) => zset.remove_in(range),
    })?
    .unwrap_or(0);
    ctx.ks.dirty += removed as u64;
    Ok(Reply::Integer(removed as i64))
}

// ---------------------------------------------------------------------------------------------
// ZPOPMIN, ZPOPMAX, ZMPOP

/// ZPOPMIN key [count]
fn zpopmin(ctx: &mut Ctx) -> CmdResult {
    zpop_command(ctx, false)
}

/// ZPOPMAX key [count]
fn zpopmax(ctx: &mut Ctx) -> CmdResult {
    zpop_command(ctx, true)
}

fn zpop_command(ctx: &mut Ctx, max: bool) -> CmdResult {
    let key = ctx.args.bytes()?;
    let count = match ctx.args.peek() {
        None => None,
        Some(_) => Some(positive_or(ctx.args.bytes()?, MUST_BE_POSITIVE)?),
    };
    ctx.args.finish()?;
    if count == Some(0) {
        return Ok(Reply::Array(Vec::new()));
    }
    let Some(popped) = pop(ctx, key, max, count.unwrap_or(1))? else {
        return Ok(Reply::Array(Vec::new()));
    };
    // Without a count the reply stays one flat pair even in RESP3, as in Redis.
    let nested = ctx.resp3() && count.is_some();
    Ok(popped_reply(popped, nested))
}

/// Popped elements, in pop order.
type Popped = Vec<(Vec<u8>, f64)>;

/// Pops up to `count` elements from one end; `None` if the key is missing.
fn pop(ctx: &mut Ctx, key: &[u8], max: bool, count: i64) -> Result<Option<Popped>, Reply> {
    let popped = update_zset(ctx, key, false, |zset| {
        let len = zset.len();
        let n = (count as u64).min(len as u64) as usize;
        let ranks = if max { len - n..len } else { 0..n };
        let popped: Popped = zset.range(ranks.clone(), max).map(|(m, s)| (m.to_vec(), s)).collect();
        zset.remove_ranks(ranks);
        popped
    })?;
    if let Some(popped) = &popped {
        ctx.ks.dirty += popped.len() as u64;
    }
    Ok(popped)
}

fn popped_reply(popped: Popped, nested: bool) -> Reply {
    let mut out = Vec::with_capacity(popped.len() * 2);
    for (member, score) in popped {
        if nested {
            out.push(Reply::Array(vec![Reply::Bulk(member), Reply::Double(score)]));
        } else {
            out.push(Reply::Bulk(member));
            out.push(Reply::Double(score));
        }
    }
    Reply::Array(out)
}

/// The arguments ZMPOP and BZMPOP share: `numkeys key [key ...] MIN | MAX [COUNT count]`.
struct MultiPop<'a> {
    keys: &'a [&'a [u8]],
    max: bool,
    count: i64,
}

impl<'a> MultiPop<'a> {
    fn parse(ctx: &mut Ctx<'a>) -> Result<Self, Reply> {
        let numkeys = parse_i64(ctx.args.bytes()?).filter(|&n| n > 0).ok_or(Reply::err("ERR numkeys should be greater than 0"))?;
        if numkeys as u64 >= ctx.args.remaining() as u64 {
            return Err(errors::SYNTAX);
        }
        let keys = &ctx.args.rest()[..numkeys as usize];
        for _ in 0..numkeys {
            ctx.args.bytes()?;
        }
        let max = match ctx.args.keyword()?.as_slice() {
            b"MIN" => false,
            b"MAX" => true,
            _ => return Err(errors::SYNTAX),
        };
        let mut count = None;
        while let Some(word) = ctx.args.peek() {
            ctx.args.bytes()?;
            if count.is_some() || !word.eq_ignore_ascii_case(b"COUNT") || ctx.args.is_empty() {
                return Err(errors::SYNTAX);
            }
            let n = parse_i64(ctx.args.bytes()?).filter(|&n| n > 0);
            count = Some(n.ok_or(Reply::err("ERR count should be greater than 0"))?);
        }
        Ok(MultiPop { keys, max, count: count.unwrap_or(1) })
    }

    /// Pops from the first non-empty sorted set: `[key, [[member, score] ...]]`.
    fn pop(&self, ctx: &mut Ctx) -> Result<Option<Reply>, Reply> {
        for &key in self.keys {
            if let Some(popped) = pop(ctx, key, self.max, self.count)? {
                return Ok(Some(Reply::Array(vec![Reply::bulk(key), popped_reply(popped, true)])));
            }
        }
        Ok(None)
    }
}

/// ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]
fn zmpop(ctx: &mut Ctx) -> CmdResult {
    let request = MultiPop::parse(ctx)?;
    Ok(request.pop(ctx)?.unwrap_or(Reply::NullArray))
}

/// BZMPOP timeout numkeys key [key ...] MIN | MAX [COUNT count]
fn bzmpop(ctx: &mut Ctx) -> CmdResult {
    let deadline = super::Args::timeout_seconds(ctx.args.bytes()?, ctx.now())?;
    let request = MultiPop::parse(ctx)?;
    match request.pop(ctx)? {
        Some(reply) => Ok(reply),
        None => ctx.block_on(request.keys, deadline, Reply::NullArray),
    }
}

/// The heart of BZPOPMIN and BZPOPMAX: `key [key ...] timeout`; pops one member from the first
/// non-empty sorted set and replies `[key, member, score]`.
fn blocking_pop(ctx: &mut Ctx, max: bool) -> CmdResult {
    let args = ctx.args.rest();
    let (timeout, keys) = args.split_last().expect("arity guarantees a timeout");
    let deadline = super::Args::timeout_seconds(timeout, ctx.now())?;
    for &key in keys {
        if let Some(mut popped) = pop(ctx, key, max, 1)? {
            let (member, score) = popped.remove(0);
            return Ok(Reply::Array(vec![Reply::bulk(key), Reply::Bulk(member), Reply::Double(score)]));
        }
    }
    ctx.block_on(keys, deadline, Reply::NullArray)
}

/// BZPOPMIN key [key ...] timeout
fn bzpopmin(ctx: &mut Ctx) -> CmdResult {
    blocking_pop(ctx, false)
}

/// BZPOPMAX key [key ...] timeout
fn bzpopmax(ctx: &mut Ctx) -> CmdResult {
    blocking_pop(ctx, true)
}

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER

/// ZRANDMEMBER key [count [WITHSCORES]]
fn zrandmember(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let Some(count_arg) = ctx.args.peek() else {
        return zrandmember_one(ctx, key);
    };
    ctx.args.bytes()?;
    let count = parse_i64(count_arg).ok_or(errors::NOT_INTEGER)?;
    if count == i64::MIN {
        return Err(Reply::err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
    }
    let with_scores = match ctx.args.rest() {
        [] => false,
        [word] if word.eq_ignore_ascii_case(b"WITHSCORES") => true,
        _ => return Err(errors::SYNTAX),
    };
    // Redis refuses counts whose WITHSCORES reply would overflow its length.
    if with_scores && count.unsigned_abs() > (i64::MAX / 2) as u64 {
        return Err(Reply::err("ERR value is out of range"));
    }
    let resp3 = ctx.resp3();
    if ctx.read_zset(key)?.is_none() {
        return Ok(Reply::Array(Vec::new()));
    }
    let ks = &mut *ctx.ks;
    let Some(Entry { value: Value::ZSet(zset), .. }) = ks.dbs[ctx.client.db].keys.get(key) else {
        unreachable!("checked above");
    };
    let (rng, len, wanted) = (&mut ks.rng, zset.len(), count.unsigned_abs());
    // A negative count may repeat members. Those ranks are drawn as the reply is built: the
    // count is the caller's, and need not fit in memory twice.
    let ranks: Box<dyn Iterator<Item = usize>> = if count < 0 || wanted == 1 {
        Box::new((0..wanted).map(move |_| rng.random_range(0..len)))
    } else {
        Box::new(distinct_random_ranks(len, wanted, rng).into_iter())
    };
    Ok(members_reply(resp3, ranks.filter_map(|rank| zset.at_rank(rank)), with_scores))
}

/// ZRANDMEMBER key
fn zrandmember_one(ctx: &mut Ctx, key: &[u8]) -> CmdResult {
    if ctx.read_zset(key)?.is_none() {
        return Ok(Reply::Null);
    }
    let ks = &mut *ctx.ks;
    let Some(Entry { value: Value::ZSet(zset), .. }) = ks.dbs[ctx.client.db].keys.get(key) else {
        unreachable!("checked above");
    };
    let rank = ks.rng.random_range(0..zset.len());
    Ok(Reply::opt_bulk(zset.at_rank(rank).map(|(m, _)| m.to_vec())))
}

/// `wanted` distinct ranks for ZRANDMEMBER, following Redis's cases: a count covering the set
/// returns it whole, in order; most of the set is picked by shuffling; a few by drawing until
/// enough distinct ranks came up.
fn distinct_random_ranks(len: usize, wanted: u64, rng: &mut impl Rng) -> Vec<usize> {
    if wanted >= len as u64 {
        return (0..len).collect();
    }
    let wanted = wanted as usize;
    if wanted * 3 > len {
        // Most of the set: shuffle the front of all ranks, then walk them in order.
        let mut ranks: Vec<usize> = (0..len).collect();
        for i in 0..wanted {
            let j = rng.random_range(i..len);
            ranks.swap(i, j);
        }
        ranks.truncate(wanted);
        ranks.sort_unstable();
        return ranks;
    }
    let mut picked = HashSet::with_capacity(wanted);
    let mut ranks = Vec::with_capacity(wanted);
    while ranks.len() < wanted {
        let rank = rng.random_range(0..len);
        if picked.insert(rank) {
            ranks.push(rank);
        }
    }
    ranks
}

// ---------------------------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

impl Aggregate {
    /// Redis's `zunionInterAggregate`: a NaN sum (inf + -inf) counts as 0.
    fn apply(self, target: &mut f64, value: f64) {
        match self {
            Aggregate::Sum => {
                *target += value;
                if target.is_nan() {
                    *target = 0.0;
                }
            }
            Aggregate::Min => *target = target.min(value),
            Aggregate::Max => *target = target.max(value),
        }
    }
}

/// One input of a set operation: a sorted set, or a plain set whose members all score 1.
#[derive(Clone, Copy)]
enum Input<'a> {
    Missing,
    ZSet(&'a ZSetValue),
    Set(&'a SetValue),
}

impl<'a> Input<'a> {
    fn len(self) -> usize {
        match self {
            Input::Missing => 0,
            Input::ZSet(z) => z.len(),
            Input::Set(s) => s.len(),
        }
    }

    fn score(self, member: &[u8]) -> Option<f64> {
        match self {
            Input::Missing => None,
            Input::ZSet(z) => z.score(member),
            Input::Set(s) => s.contains(member).then_some(1.0),
        }
    }

    /// The members with their scores; a plain set's integer members are spelled out.
    fn entries(self) -> Box<dyn Iterator<Item = (Cow<'a, [u8]>, f64)> + 'a> {
        match self {
            Input::Missing => Box::new(std::iter::empty()),
            Input::ZSet(z) => Box::new(z.iter().map(|(m, s)| (Cow::Borrowed(m), s))),
            Input::Set(s) => Box::new(s.iter().map(|member| match member {
                Member::Bytes(bytes) => (Cow::Borrowed(bytes), 1.0),
                Member::Int(_) => (Cow::Owned(member.to_vec()), 1.0),
            })),
        }
    }
}

/// The parsed arguments of a set operation.
struct SetOpArgs<'a> {
    keys: &'a [&'a [u8]],
    weights: Vec<f64>,
    aggregate: Aggregate,
    with_scores: bool,
    limit: i64,
}

/// ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]
fn zunion(ctx: &mut Ctx) -> CmdResult {
    setop_generic(ctx, SetOp::Union, None)
}

/// ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]
fn zinter(ctx: &mut Ctx) -> CmdResult {
    setop_generic(ctx, SetOp::Inter, None)
}

/// ZDIFF numkeys key [key ...] [WITHSCORES]
fn zdiff(ctx: &mut Ctx) -> CmdResult {
    setop_generic(ctx, SetOp::Diff, None)
}

/// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]
fn zunionstore(ctx: &mut Ctx) -> CmdResult {
    let dst = ctx.args.bytes()?;
    setop_generic(ctx, SetOp::Union, Some(dst))
}

/// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]
fn zinterstore(ctx: &mut Ctx) -> CmdResult {
    let dst = ctx.args.bytes()?;
    setop_generic(ctx, SetOp::Inter, Some(dst))
}

/// ZDIFFSTORE destination numkeys key [key ...]
fn zdiffstore(ctx: &mut Ctx) -> CmdResult {
    let dst = ctx.args.bytes()?;
    setop_generic(ctx, SetOp::Diff, Some(dst))
}

/// ZINTERCARD numkeys key [key ...] [LIMIT limit]
fn zintercard(ctx: &mut Ctx) -> CmdResult {
    let args = parse_setop(ctx, SetOp::Inter, false, true)?;
    let inputs = borrow_inputs(ctx, args.keys);
    let limit = if args.limit > 0 { args.limit as usize } else { usize::MAX };
    let (smallest, others) = by_cardinality(&inputs);
    let count = smallest
        .entries()
        .filter(|(member, _)| others.iter().all(|other| other.score(member).is_some()))
        .take(limit)
        .count();
    Ok(Reply::Integer(count as i64))
}

/// Parses `numkeys key... [options]` as Redis's `zunionInterDiffGenericCommand`, which looks the
/// keys up (and checks their types) before it reads the options.
fn parse_setop<'a>(ctx: &mut Ctx<'a>, op: SetOp, store: bool, cardinality_only: bool) -> Result<SetOpArgs<'a>, Reply> {
    let numkeys = ctx.args.int()?;
    if numkeys < 1 {
        let name = ctx.args.argv()[0].to_ascii_lowercase();
        return Err(Reply::error(format!("ERR at least 1 input key is needed for '{}' command", String::from_utf8_lossy(&name))));
    }
    if numkeys as u64 > ctx.args.remaining() as u64 {
        return Err(errors::SYNTAX);
    }
    let numkeys = numkeys as usize;
    let keys = &ctx.args.rest()[..numkeys];
    for _ in 0..numkeys {
        ctx.args.bytes()?;
    }
    check_inputs(ctx, keys)?;
    let mut args = SetOpArgs { keys, weights: vec![1.0; numkeys], aggregate: Aggregate::Sum, with_scores: false, limit: 0 };
    let weighted = op != SetOp::Diff && !cardinality_only;
    while let Some(word) = ctx.args.peek() {
        ctx.args.bytes()?;
        let remaining = ctx.args.remaining();
        match word.to_ascii_uppercase().as_slice() {
            b"WEIGHTS" if weighted && remaining >= numkeys => {
                for weight in &mut args.weights {
                    *weight = parse_f64(ctx.args.bytes()?).ok_or(Reply::err("ERR weight value is not a float"))?;
                }
            }
            b"AGGREGATE" if weighted && remaining >= 1 => {
                args.aggregate = match ctx.args.keyword()?.as_slice() {
                    b"SUM" => Aggregate::Sum,
                    b"MIN" => Aggregate::Min,
                    b"MAX" => Aggregate::Max,
                    _ => return Err(errors::SYNTAX),
                };
            }
            b"WITHSCORES" if !store && !cardinality_only => args.with_scores = true,
            b"LIMIT" if cardinality_only && remaining >= 1 => {
                args.limit = positive_or(ctx.args.bytes()?, Reply::err("ERR LIMIT can't be negative"))?;
            }
            _ => return Err(errors::SYNTAX),
        }
    }
    Ok(args)
}

/// Looks every input up (lazy expiry, statistics) and checks its type: sorted sets, and plain
/// sets whose members all score 1.
fn check_inputs(ctx: &mut Ctx, keys: &[&[u8]]) -> Result<(), Reply> {
    for key in keys {
        match ctx.read(key) {
            None | Some(Entry { value: Value::ZSet(_) | Value::Set(_), .. }) => {}
            Some(_) => return Err(errors::WRONGTYPE),
        }
    }
    Ok(())
}

/// Borrows every input at once (they were looked up by [`check_inputs`]).
fn borrow_inputs<'c>(ctx: &'c Ctx, keys: &[&[u8]]) -> Vec<Input<'c>> {
    let db = &ctx.ks.dbs[ctx.client.db];
    keys.iter()
        .map(|key| match db.keys.get(key).map(|e| &e.value) {
            Some(Value::ZSet(z)) => Input::ZSet(z),
            Some(Value::Set(s)) => Input::Set(s),
            _ => Input::Missing,
        })
        .collect()
}

/// The smallest input and the others, smallest first (Redis visits inputs in this order, which
/// also decides how floating-point sums are rounded).
fn by_cardinality<'a>(inputs: &[Input<'a>]) -> (Input<'a>, Vec<Input<'a>>) {
    let mut sorted = inputs.to_vec();
    sorted.sort_by_key(|input| input.len());
    let smallest = sorted.remove(0);
    (smallest, sorted)
}

fn setop_generic(ctx: &mut Ctx, op: SetOp, dst: Option<&[u8]>) -> CmdResult {
    let args = parse_setop(ctx, op, dst.is_some(), false)?;
    let resp3 = ctx.resp3();
    let inputs = borrow_inputs(ctx, args.keys);
    let mut result = match op {
        SetOp::Union => union(&inputs, &args),
        SetOp::Inter => intersection(&inputs, &args),
        SetOp::Diff => difference(&inputs),
    };
    match dst {
        Some(dst) => {
            let members = result.into_iter().map(|(m, s)| (m.into_owned(), s)).collect();
            store_result(ctx, dst, members)
        }
        None => {
            result.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal).then_with(|| a.0.cmp(&b.0)));
            Ok(members_reply(resp3, result.iter().map(|(m, s)| (&**m, *s)), args.with_scores))
        }
    }
}

/// An input's score times its weight; `0 * inf` counts as 0, as in Redis.
fn weighted(score: f64, weight: f64) -> f64 {
    let value = score * weight;
    if value.is_nan() { 0.0 } else { value }
}

fn union<'a>(inputs: &[Input<'a>], args: &SetOpArgs) -> Vec<(Cow<'a, [u8]>, f64)> {
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&i| inputs[i].len());
    let mut scores: AHashMap<Cow<'a, [u8]>, f64> = AHashMap::new();
    for i in order {
        for (member, score) in inputs[i].entries() {
            let value = weighted(score, args.weights[i]);
            scores.entry(member).and_modify(|total| args.aggregate.apply(total, value)).or_insert(value);
        }
    }
    scores.into_iter().collect()
}

fn intersection<'a>(inputs: &[Input<'a>], args: &SetOpArgs) -> Vec<(Cow<'a, [u8]>, f64)> {
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&i| inputs[i].len());
    let (first, rest) = order.split_first().expect("at least one input");
    let mut result = Vec::new();
    'members: for (member, score) in inputs[*first].entries() {
        let mut total = weighted(score, args.weights[*first]);
        for &i in rest {
            let Some(other) = inputs[i].score(&member) else { continue 'members };
            args.aggregate.apply(&mut total, weighted(other, args.weights[i]));
        }
        result.push((member, total));
    }
    result
}

fn difference<'a>(inputs: &[Input<'a>]) -> Vec<(Cow<'a, [u8]>, f64)> {
    let (first, rest) = inputs.split_first().expect("at least one input");
    first.entries().filter(|(member, _)| rest.iter().all(|other| other.score(member).is_none())).collect()
}

// ---------------------------------------------------------------------------------------------
// ZSCAN


/// ZSCAN key cursor [MATCH pattern] [COUNT count]
fn zscan(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let cursor = scan_cursor(ctx.args.bytes()?)?;
    // Options are read after the lookup: a missing key answers an empty scan whatever follows.
    let mut args = ctx.args;
    let Some(zset) = ctx.read_zset(key)? else {
        return Ok(Reply::Array(vec![Reply::bulk("0"), Reply::Array(Vec::new())]));
    };
    let zset: &ZSetValue = zset;
    let (mut pattern, mut count) = (None, 10i64);
    while let Some(word) = args.peek() {
        args.bytes()?;
        match word.to_ascii_uppercase().as_slice() {
            b"COUNT" if !args.is_empty() => {
                count = args.int()?;
                if count < 1 {
                    return Err(errors::SYNTAX);
                }
            }
            b"MATCH" if !args.is_empty() => pattern = Some(args.bytes()?).filter(|p| *p != b"*"),
            _ => return Err(errors::SYNTAX),
        }
    }
    let print_score = if zset.is_listpack() { listpack_score_text } else { score_text };
    let mut found = Vec::new();
    // Like Redis: visit buckets until COUNT replies (members and scores) or ten times as many
    // buckets were seen.
    let mut budget = count.saturating_mul(10);
    let collected = std::cell::Cell::new(0i64);
    let next = zset.scan(
        cursor,
        || {
            budget -= 1;
            budget > 0 && collected.get() < count
        },
        |member, score| {
            collected.set(collected.get() + 2);
            if pattern.is_none_or(|p| glob_match(p, member, false)) {
                found.push(Reply::bulk(member));
                found.push(Reply::Bulk(print_score(score)));
            }
        },
    );
    Ok(Reply::Array(vec![Reply::bulk(next.to_string()), Reply::Array(found)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_scores_print_as_redis_stores_them() {
        let text = |f: fn(f64) -> Vec<u8>, v: f64| String::from_utf8(f(v)).unwrap();
        assert_eq!(text(score_text, 1.1), "1.1000000000000001");
        assert_eq!(text(score_text, 4e18), "4e+18");
        assert_eq!(text(listpack_score_text, 4e18), "4000000000000000000");
        assert_eq!(text(listpack_score_text, 5e18), "5e+18");
        assert_eq!(text(listpack_score_text, -3.0), "-3");
        assert_eq!(text(listpack_score_text, 2.5), "2.5");
        assert_eq!(text(listpack_score_text, f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn ranks_clamp_like_redis() {
        assert_eq!(clamp_ranks(0, -1, 5), 0..5);
        assert_eq!(clamp_ranks(-100, 100, 5), 0..5);
        assert_eq!(clamp_ranks(3, 1, 5), 0..0);
        assert_eq!(clamp_ranks(5, 10, 5), 0..0);
        assert_eq!(clamp_ranks(-2, -1, 5), 3..5);
        assert_eq!(clamp_ranks(0, -6, 5), 0..0);
    }
}
