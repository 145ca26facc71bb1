//! ZADD and ZINCRBY.

use super::*;

/// The options of ZADD (ZINCRBY is ZADD with INCR).
#[derive(Default, Clone, Copy)]
pub(super) struct AddOptions {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

/// What one ZADD run did.
#[derive(Default)]
pub(super) struct AddCounts {
    added: i64,
    updated: i64,
    /// Elements that were not skipped by NX/XX/GT/LT.
    processed: i64,
    /// The last score written (INCR's reply).
    score: f64,
}

/// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
pub(super) fn zadd(ctx: &mut Ctx) -> CmdResult {
    zadd_generic(ctx, AddOptions::default())
}

/// ZINCRBY key increment member
pub(super) fn zincrby(ctx: &mut Ctx) -> CmdResult {
    zadd_generic(ctx, AddOptions { incr: true, ..AddOptions::default() })
}

/// Parses the options, checks their combinations and the scores (all before touching the key,
/// as Redis does), then adds.
pub(super) fn zadd_generic(ctx: &mut Ctx, mut opts: AddOptions) -> CmdResult {
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
    let event = if opts.incr { "zincr" } else { "zadd" };
    let changed = |counts: &Result<AddCounts, Reply>| counts.as_ref().is_ok_and(|c| c.added + c.updated > 0).then_some(event);
    let counts = update_zset(ctx, key, !opts.xx, |zset| add_all(zset, &pairs, opts), changed)?.transpose()?.unwrap_or_default();
    ctx.ks.dirty += (counts.added + counts.updated) as u64;
    Ok(if opts.incr {
        if counts.processed > 0 { Reply::Double(counts.score) } else { Reply::Null }
    } else {
        Reply::Integer(if opts.ch { counts.added + counts.updated } else { counts.added })
    })
}

/// Redis's `zsetAdd` for every pair.
pub(super) fn add_all(zset: &mut ZSetValue, pairs: &[(f64, &[u8])], opts: AddOptions) -> Result<AddCounts, Reply> {
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
