//! XRANGE and XREVRANGE.

use super::*;

/// The heart of XRANGE and XREVRANGE: `first` and `second` are the bounds in argument order.
pub(super) fn range_generic(ctx: &mut Ctx, rev: bool) -> CmdResult {
    let key = ctx.args.bytes()?;
    let (first, second) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let (start_arg, end_arg) = if rev { (second, first) } else { (first, second) };
    let start = parse_start(start_arg)?;
    let end = parse_end(end_arg)?;
    let mut count = None;
    while let Some(option) = ctx.args.peek() {
        ctx.args.bytes()?;
        if option.eq_ignore_ascii_case(b"COUNT") && !ctx.args.is_empty() {
            count = Some(count_arg(ctx.args.bytes()?)?);
        } else {
            return Err(errors::SYNTAX);
        }
    }
    let Some(stream) = ctx.read_stream(key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    match count {
        Some(0) => Ok(Reply::NullArray),
        count => Ok(entries_reply(stream.range(start, end, count.unwrap_or(0), rev))),
    }
}

/// XRANGE key start end [COUNT count]
pub(super) fn xrange(ctx: &mut Ctx) -> CmdResult {
    range_generic(ctx, false)
}

/// XREVRANGE key end start [COUNT count]
pub(super) fn xrevrange(ctx: &mut Ctx) -> CmdResult {
    range_generic(ctx, true)
}
