//! ZSCAN.

use super::*;
use crate::commands::hash::ScanOptions;

/// ZSCAN key cursor [MATCH pattern] [COUNT count]
pub(super) fn zscan(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let cursor = scan_cursor(ctx.args.bytes()?)?;
    // Options are read after the lookup: a missing key answers an empty scan whatever follows.
    let args = ctx.args;
    let Some(zset) = ctx.read_zset(key)? else {
        return Ok(Reply::Array(vec![Reply::bulk("0"), Reply::Array(Vec::new())]));
    };
    let zset: &ZSetValue = zset;
    let options = ScanOptions::parse(args)?;
    let count = i64::try_from(options.count).unwrap_or(i64::MAX);
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
            if options.matches(member) {
                found.push(Reply::bulk(member));
                found.push(Reply::bulk(print_score(score)));
            }
        },
    );
    Ok(Reply::Array(vec![Reply::bulk(next.to_string()), Reply::Array(found)]))
}
