//! ZRANDMEMBER.

use super::*;

/// ZRANDMEMBER key [count [WITHSCORES]]
pub(super) fn zrandmember(ctx: &mut Ctx) -> CmdResult {
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
    let Some(Value::ZSet(zset)) = ks.dbs[ctx.client.db].keys.get(key) else {
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
pub(super) fn zrandmember_one(ctx: &mut Ctx, key: &[u8]) -> CmdResult {
    if ctx.read_zset(key)?.is_none() {
        return Ok(Reply::Null);
    }
    let ks = &mut *ctx.ks;
    let Some(Value::ZSet(zset)) = ks.dbs[ctx.client.db].keys.get(key) else {
        unreachable!("checked above");
    };
    let rank = ks.rng.random_range(0..zset.len());
    Ok(Reply::opt_bulk(zset.at_rank(rank).map(|(member, _)| member)))
}

/// `wanted` distinct ranks for ZRANDMEMBER, following Redis's cases: a count covering the set
/// returns it whole, in order; most of the set is picked by shuffling; a few by drawing until
/// enough distinct ranks came up.
pub(super) fn distinct_random_ranks(len: usize, wanted: u64, rng: &mut impl Rng) -> Vec<usize> {
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
