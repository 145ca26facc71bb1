//! ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms.

use super::*;

/// ZPOPMIN key [count]
pub(super) fn zpopmin(ctx: &mut Ctx) -> CmdResult {
    zpop_command(ctx, false)
}

/// ZPOPMAX key [count]
pub(super) fn zpopmax(ctx: &mut Ctx) -> CmdResult {
    zpop_command(ctx, true)
}

pub(super) fn zpop_command(ctx: &mut Ctx, max: bool) -> CmdResult {
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
pub(super) type Popped = Vec<(Vec<u8>, f64)>;

/// Pops up to `count` elements from one end; `None` if the key is missing.
pub(super) fn pop(ctx: &mut Ctx, key: &[u8], max: bool, count: i64) -> Result<Option<Popped>, Reply> {
    let popped = update_zset(ctx, key, false, |zset| {
        let len = zset.len();
        let n = (count as u64).min(len as u64) as usize;
        let ranks = if max { len - n..len } else { 0..n };
        let popped: Popped = zset.range(ranks.clone(), max).map(|(m, s)| (m.to_vec(), s)).collect();
        zset.remove_ranks(ranks);
        popped
    }, |popped| (!popped.is_empty()).then_some(if max { "zpopmax" } else { "zpopmin" }))?;
    if let Some(popped) = &popped {
        ctx.ks.dirty += popped.len() as u64;
    }
    Ok(popped)
}

pub(super) fn popped_reply(popped: Popped, nested: bool) -> Reply {
    let mut out = Vec::with_capacity(popped.len() * 2);
    for (member, score) in popped {
        if nested {
            out.push(Reply::Array(vec![Reply::bulk(member), Reply::Double(score)]));
        } else {
            out.push(Reply::bulk(member));
            out.push(Reply::Double(score));
        }
    }
    Reply::Array(out)
}

/// The arguments ZMPOP and BZMPOP share: `numkeys key [key ...] MIN | MAX [COUNT count]`.
pub(super) struct MultiPop<'a> {
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
pub(super) fn zmpop(ctx: &mut Ctx) -> CmdResult {
    let request = MultiPop::parse(ctx)?;
    Ok(request.pop(ctx)?.unwrap_or(Reply::NullArray))
}

/// BZMPOP timeout numkeys key [key ...] MIN | MAX [COUNT count]
pub(super) fn bzmpop(ctx: &mut Ctx) -> CmdResult {
    let deadline = Args::timeout_seconds(ctx.args.bytes()?, ctx.now())?;
    let request = MultiPop::parse(ctx)?;
    match request.pop(ctx)? {
        Some(reply) => Ok(reply),
        None => ctx.block_on(request.keys, deadline, Reply::NullArray),
    }
}

/// The heart of BZPOPMIN and BZPOPMAX: `key [key ...] timeout`; pops one member from the first
/// non-empty sorted set and replies `[key, member, score]`.
pub(super) fn blocking_pop(ctx: &mut Ctx, max: bool) -> CmdResult {
    let args = ctx.args.rest();
    let (timeout, keys) = args.split_last().expect("arity guarantees a timeout");
    let deadline = Args::timeout_seconds(timeout, ctx.now())?;
    for &key in keys {
        if let Some(mut popped) = pop(ctx, key, max, 1)? {
            let (member, score) = popped.remove(0);
            return Ok(Reply::Array(vec![Reply::bulk(key), Reply::bulk(member), Reply::Double(score)]));
        }
    }
    ctx.block_on(keys, deadline, Reply::NullArray)
}

/// BZPOPMIN key [key ...] timeout
pub(super) fn bzpopmin(ctx: &mut Ctx) -> CmdResult {
    blocking_pop(ctx, false)
}

/// BZPOPMAX key [key ...] timeout
pub(super) fn bzpopmax(ctx: &mut Ctx) -> CmdResult {
    blocking_pop(ctx, true)
}
