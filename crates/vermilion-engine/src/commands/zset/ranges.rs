//! Ranges: ZRANGE and its older forms, ZRANGESTORE, ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*.

use super::*;

/// `LIMIT offset count`.
pub(super) type Limit = (i64, i64);

/// The elements a range query selects, in reply order.
pub(super) type Selection<'a> = Box<dyn Iterator<Item = (&'a [u8], f64)> + 'a>;

/// What a range selects: ranks, scores or members.
pub(super) enum Query {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum RangeKind {
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
pub(super) fn walk_range<'a>(zset: &'a ZSetValue, bounds: &'a dyn Bounds, reverse: bool, limit: Option<Limit>) -> Selection<'a> {
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
pub(super) fn clamp_ranks(start: i64, stop: i64, len: usize) -> Range<usize> {
    let len = len as i64;
    let start = if start < 0 { (len + start).max(0) } else { start };
    let stop = if stop < 0 { len + stop } else { stop };
    if start > stop || start >= len {
        return 0..0;
    }
    start as usize..stop.min(len - 1) as usize + 1
}

/// How one ZRANGE-family command reads its arguments.
pub(super) struct RangeCommand {
    store: bool,
    /// Fixed by the command name (ZRANGEBYSCORE...), or chosen by BYSCORE/BYLEX (ZRANGE).
    kind: Option<RangeKind>,
    /// Fixed by the command name (ZREVRANGE...), or chosen by REV (ZRANGE).
    reverse: Option<bool>,
}

/// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
pub(super) fn zrange(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: None, reverse: None })
}

/// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
pub(super) fn zrangestore(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: true, kind: None, reverse: None })
}

/// ZREVRANGE key start stop [WITHSCORES]
pub(super) fn zrevrange(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: Some(RangeKind::Rank), reverse: Some(true) })
}

/// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
pub(super) fn zrangebyscore(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: Some(RangeKind::Score), reverse: Some(false) })
}

/// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
pub(super) fn zrevrangebyscore(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: Some(RangeKind::Score), reverse: Some(true) })
}

/// ZRANGEBYLEX key min max [LIMIT offset count]
pub(super) fn zrangebylex(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: Some(RangeKind::Lex), reverse: Some(false) })
}

/// ZREVRANGEBYLEX key max min [LIMIT offset count]
pub(super) fn zrevrangebylex(ctx: &mut Ctx) -> CmdResult {
    zrange_generic(ctx, RangeCommand { store: false, kind: Some(RangeKind::Lex), reverse: Some(true) })
}

/// Redis's `zrangeGenericCommand`: options in any order, then conflicts, then the range, then
/// the key.
pub(super) fn zrange_generic(ctx: &mut Ctx, cmd: RangeCommand) -> CmdResult {
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
            Some(dst) => store_result(ctx, dst, Vec::new(), "zrangestore"),
            None => Ok(Reply::Array(Vec::new())),
        };
    };
    let zset: &ZSetValue = zset;
    let entries = query.select(zset, reverse, limit);
    match dst {
        Some(dst) => {
            let members = entries.map(|(m, s)| (m.to_vec(), s)).collect();
            store_result(ctx, dst, members, "zrangestore")
        }
        None => Ok(members_reply(resp3, entries, with_scores)),
    }
}

/// ZCOUNT key min max
pub(super) fn zcount(ctx: &mut Ctx) -> CmdResult {
    count_generic(ctx, RangeKind::Score)
}

/// ZLEXCOUNT key min max
pub(super) fn zlexcount(ctx: &mut Ctx) -> CmdResult {
    count_generic(ctx, RangeKind::Lex)
}

pub(super) fn count_generic(ctx: &mut Ctx, kind: RangeKind) -> CmdResult {
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
pub(super) fn zremrangebyrank(ctx: &mut Ctx) -> CmdResult {
    remrange_generic(ctx, RangeKind::Rank)
}

/// ZREMRANGEBYSCORE key min max
pub(super) fn zremrangebyscore(ctx: &mut Ctx) -> CmdResult {
    remrange_generic(ctx, RangeKind::Score)
}

/// ZREMRANGEBYLEX key min max
pub(super) fn zremrangebylex(ctx: &mut Ctx) -> CmdResult {
    remrange_generic(ctx, RangeKind::Lex)
}

pub(super) fn remrange_generic(ctx: &mut Ctx, kind: RangeKind) -> CmdResult {
    let key = ctx.args.bytes()?;
    let query = Query::parse(kind, ctx.args.bytes()?, ctx.args.bytes()?)?;
    let event = match kind {
        RangeKind::Rank => "zremrangebyrank",
        RangeKind::Score => "zremrangebyscore",
        RangeKind::Lex => "zremrangebylex",
    };
    let remove = |zset: &mut ZSetValue| match &query {
        Query::Rank(start, stop) => zset.remove_ranks(clamp_ranks(*start, *stop, zset.len())),
        Query::Score(range) => zset.remove_in(range),
        Query::Lex(range) => zset.remove_in(range),
    };
    let removed = update_zset(ctx, key, false, remove, |&n| (n > 0).then_some(event))?.unwrap_or(0);
    ctx.ks.dirty += removed as u64;
    Ok(Reply::Integer(removed as i64))
}
