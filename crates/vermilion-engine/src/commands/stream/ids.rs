//! Stream IDs and their parsing.

use super::*;

/// An unsigned 64-bit argument as Redis's `string2ull`: any non-negative `i64`, or a longer
/// run of digits that still fits.
pub(super) fn parse_u64(arg: &[u8]) -> Option<u64> {
    match parse_i64(arg) {
        Some(n) => u64::try_from(n).ok(),
        None => std::str::from_utf8(arg).ok()?.parse().ok(),
    }
}

/// The ID XADD is asked for.
#[derive(Debug, Clone, Copy)]
pub(super) enum NewId {
    /// `*`: from the clock.
    Auto,
    /// `ms-*`: the given milliseconds, the next free sequence.
    Millis(u64),
    Exact(StreamId),
}

/// How an ID argument may be written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum IdSyntax {
    /// `-` and `+` stand for the smallest and largest IDs.
    Bounds,
    /// Only `ms[-seq]`.
    Strict,
}

/// Splits `ms[-seq]` (Redis's `streamGenericParseIDOrReply`); `seq` is `None` when omitted.
pub(super) fn parse_id_parts(arg: &[u8]) -> Option<(u64, Option<&[u8]>)> {
    if arg.len() > 127 {
        return None;
    }
    match arg.iter().position(|&b| b == b'-') {
        Some(dash) => Some((parse_u64(&arg[..dash])?, Some(&arg[dash + 1..]))),
        None => Some((parse_u64(arg)?, None)),
    }
}

/// An ID argument; an omitted sequence reads as `missing_seq`.
pub(super) fn parse_id(arg: &[u8], missing_seq: u64, syntax: IdSyntax) -> Result<StreamId, Reply> {
    match (arg, syntax) {
        (b"-", IdSyntax::Bounds) => return Ok(StreamId::MIN),
        (b"+", IdSyntax::Bounds) => return Ok(StreamId::MAX),
        _ => {}
    }
    let (ms, seq) = parse_id_parts(arg).ok_or(INVALID_ID)?;
    let seq = match seq {
        None => missing_seq,
        Some(seq) => parse_u64(seq).ok_or(INVALID_ID)?,
    };
    Ok(StreamId::new(ms, seq))
}

/// A strict ID, a missing sequence reading as 0.
pub(super) fn strict_id(arg: &[u8]) -> Result<StreamId, Reply> {
    parse_id(arg, 0, IdSyntax::Strict)
}

/// XADD's ID argument: `ms-seq`, `ms` (sequence 0) or `ms-*`.
pub(super) fn parse_new_id(arg: &[u8]) -> Result<NewId, Reply> {
    match parse_id_parts(arg).ok_or(INVALID_ID)? {
        (ms, Some(b"*")) => Ok(NewId::Millis(ms)),
        (ms, None) => Ok(NewId::Exact(StreamId::new(ms, 0))),
        (ms, Some(seq)) => Ok(NewId::Exact(StreamId::new(ms, parse_u64(seq).ok_or(INVALID_ID)?))),
    }
}

/// A range bound of XRANGE, XPENDING and XAUTOCLAIM: an ID, `-`/`+`, or `(id` for an
/// exclusive bound, returned as `(id, exclusive)`.
pub(super) fn parse_bound(arg: &[u8], missing_seq: u64) -> Result<(StreamId, bool), Reply> {
    match arg.strip_prefix(b"(") {
        Some(rest) if !rest.is_empty() => Ok((parse_id(rest, missing_seq, IdSyntax::Strict)?, true)),
        _ => Ok((parse_id(arg, missing_seq, IdSyntax::Bounds)?, false)),
    }
}

/// A range's start: inclusive, so an exclusive bound moves one ID up.
pub(super) fn parse_start(arg: &[u8]) -> Result<StreamId, Reply> {
    match parse_bound(arg, 0)? {
        (id, true) => id.next().ok_or(BAD_START),
        (id, false) => Ok(id),
    }
}

/// A range's end: inclusive, so an exclusive bound moves one ID down.
pub(super) fn parse_end(arg: &[u8]) -> Result<StreamId, Reply> {
    match parse_bound(arg, u64::MAX)? {
        (id, true) => id.prev().ok_or(BAD_END),
        (id, false) => Ok(id),
    }
}

/// The ID a new entry gets, or `None` when it would not exceed the stream's last ID.
pub(super) fn next_id(last: StreamId, wanted: NewId, now_ms: u64) -> Option<StreamId> {
    let id = match wanted {
        NewId::Auto if now_ms > last.ms => StreamId::new(now_ms, 0),
        NewId::Auto => last.next()?,
        NewId::Millis(ms) if ms == last.ms => last.next().filter(|id| id.ms == ms)?,
        NewId::Millis(ms) => StreamId::new(ms, 0),
        NewId::Exact(id) => id,
    };
    (id > last).then_some(id)
}

/// A COUNT-style integer: negative counts as 0.
pub(super) fn count_arg(arg: &[u8]) -> Result<usize, Reply> {
    let n = parse_i64(arg).ok_or(errors::NOT_INTEGER)?;
    Ok(n.max(0) as usize)
}

/// An integer argument with a command-specific error for anything that does not parse.
pub(super) fn int_or(arg: &[u8], error: &str) -> Result<i64, Reply> {
    parse_i64(arg).ok_or_else(|| Reply::error(format!("ERR {error}")))
}

/// Text of a key or name for an error line.
pub(super) fn shown(arg: &[u8]) -> String {
    String::from_utf8_lossy(arg).into_owned()
}
