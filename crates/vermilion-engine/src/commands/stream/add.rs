//! XADD and XTRIM.

use super::*;

/// What XADD and XTRIM were told about trimming, and XADD's own options.
pub(super) struct AddOptions {
    trim: Option<Trim>,
    no_mkstream: bool,
    /// XADD's ID; parsing stops after it.
    id: NewId,
}

/// Parses XADD's options up to its ID, or all of XTRIM's arguments (Redis's
/// `streamParseAddOrTrimArgsOrReply`).
pub(super) fn parse_add_or_trim(ctx: &mut Ctx, xadd: bool) -> Result<AddOptions, Reply> {
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
pub(super) fn xadd(ctx: &mut Ctx) -> CmdResult {
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
    ctx.notify(class::STREAM, "xadd", key);
    if trimmed > 0 {
        ctx.notify(class::STREAM, "xtrim", key);
    }
    Ok(id_reply(id))
}

/// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
pub(super) fn xtrim(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let trim = parse_add_or_trim(ctx, false)?.trim.expect("XTRIM requires a strategy");
    let Some(stream) = ctx.write_stream(key)? else {
        return Ok(Reply::Integer(0));
    };
    let evicted = stream.trim(trim);
    ctx.ks.dirty += evicted;
    if evicted > 0 {
        ctx.notify(class::STREAM, "xtrim", key);
    }
    Ok(Reply::Integer(evicted as i64))
}

/// XDEL key id [id ...]
pub(super) fn xdel(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let ids_args = ctx.args.rest();
    let Some(stream) = ctx.write_stream(key)? else {
        return Ok(Reply::Integer(0));
    };
    // Every ID is checked before any is deleted, so the command never half-runs.
    let ids = ids_args.iter().map(|a| strict_id(a)).collect::<Result<Vec<_>, _>>()?;
    let deleted = ids.into_iter().filter(|&id| stream.delete(id)).count();
    ctx.ks.dirty += deleted as u64;
    if deleted > 0 {
        ctx.notify(class::STREAM, "xdel", key);
    }
    Ok(Reply::Integer(deleted as i64))
}

/// XLEN key
pub(super) fn xlen(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    Ok(Reply::Integer(ctx.read_stream(key)?.map_or(0, |s| s.len() as i64)))
}

/// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
pub(super) fn xsetid(ctx: &mut Ctx) -> CmdResult {
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
    ctx.notify(class::STREAM, "xsetid", key);
    Ok(Reply::OK)
}
