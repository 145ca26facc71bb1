//! Single-member reads (ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCARD) and ZREM.

use super::*;

/// ZREM key member [member ...]
pub(super) fn zrem(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let members = ctx.args.rest();
    let remove_all = |zset: &mut ZSetValue| members.iter().filter(|m| zset.remove(m)).count();
    let removed = update_zset(ctx, key, false, remove_all, |&n| (n > 0).then_some("zrem"))?.unwrap_or(0);
    ctx.ks.dirty += removed as u64;
    Ok(Reply::Integer(removed as i64))
}

/// ZCARD key
pub(super) fn zcard(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    Ok(Reply::Integer(ctx.read_zset(key)?.map_or(0, |z| z.len() as i64)))
}

/// ZSCORE key member
pub(super) fn zscore(ctx: &mut Ctx) -> CmdResult {
    let (key, member) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let score = ctx.read_zset(key)?.and_then(|z| z.score(member));
    Ok(score.map_or(Reply::Null, Reply::Double))
}

/// ZMSCORE key member [member ...]
pub(super) fn zmscore(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let members = ctx.args.rest();
    let zset = ctx.read_zset(key)?;
    let zset = zset.as_deref();
    let scores = members.iter().map(|m| zset.and_then(|z| z.score(m)).map_or(Reply::Null, Reply::Double));
    Ok(Reply::Array(scores.collect()))
}

/// ZRANK key member [WITHSCORE]
pub(super) fn zrank(ctx: &mut Ctx) -> CmdResult {
    rank_generic(ctx, false, "zrank")
}

/// ZREVRANK key member [WITHSCORE]
pub(super) fn zrevrank(ctx: &mut Ctx) -> CmdResult {
    rank_generic(ctx, true, "zrevrank")
}

pub(super) fn rank_generic(ctx: &mut Ctx, reverse: bool, name: &str) -> CmdResult {
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
