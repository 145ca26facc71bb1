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
        let option = |name: &[u8]| word.eq_ignore_ascii_case(name);
        if option(b"NX") {
            opts.nx = true;
        } else if option(b"XX") {
            opts.xx = true;
        } else if option(b"GT") {
            opts.gt = true;
        } else if option(b"LT") {
            opts.lt = true;
        } else if option(b"CH") {
            opts.ch = true;
        } else if option(b"INCR") {
            opts.incr = true;
        } else {
            break;
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
    // Most ZADDs add one or a few members: their pairs stay on the stack.
    let mut pairs = smallvec::SmallVec::<[(f64, &[u8]); 4]>::with_capacity(rest.len() / 2);
    for pair in rest.chunks_exact(2) {
        pairs.push((parse_f64(pair[0]).ok_or(errors::NOT_FLOAT)?, pair[1]));
    }
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
        let mut nan = false;
        zset.update(member, |current| {
            let Some(current) = current else {
                if opts.xx {
                    return None;
                }
                counts.added += 1;
                counts.processed += 1;
                counts.score = score;
                return Some(score);
            };
            if opts.nx {
                return None;
            }
            let new = if opts.incr { current + score } else { score };
            if new.is_nan() {
                nan = true;
                return None;
            }
            if (opts.lt && new >= current) || (opts.gt && new <= current) {
                return None;
            }
            if new != current {
                counts.updated += 1;
            }
            counts.processed += 1;
            counts.score = new;
            Some(new)
        });
        if nan {
            return Err(NAN_RESULT);
        }
    }
    Ok(counts)
}
