//! What the sorted-set commands share: lookups that create or delete, and reply shapes.

use super::*;

/// Runs `change` on the sorted set at `key`, or — if `create` — on a new one that is stored only
/// if it ends up non-empty. `None` if the key is missing and not created. Changes are counted in
/// `dirty` by the caller.
///
/// The keyspace event `event` picks from the outcome (`None`: nothing changed) is published
/// first, then an emptied set is deleted with its `del` event, in Redis's order.
pub(super) fn update_zset<T>(
    ctx: &mut Ctx,
    key: &[u8],
    create: bool,
    change: impl FnOnce(&mut ZSetValue) -> T,
    event: impl FnOnce(&T) -> Option<&'static str>,
) -> Result<Option<T>, Reply> {
    if let Some(zset) = ctx.write_zset(key)? {
        let out = change(zset);
        // Only an emptied set costs a second lookup.
        let emptied = zset.is_empty();
        if let Some(event) = event(&out) {
            ctx.notify(class::ZSET, event, key);
        }
        if emptied {
            ctx.delete_if_empty_and_notify(key);
        }
        return Ok(Some(out));
    }
    if !create {
        return Ok(None);
    }
    let mut zset = ZSetValue::new();
    let out = change(&mut zset);
    if !zset.is_empty() {
        ctx.insert_absent(key, Value::ZSet(Box::new(zset)));
        if let Some(event) = event(&out) {
            ctx.notify(class::ZSET, event, key);
        }
    }
    Ok(Some(out))
}

/// Replaces `dst` with a computed sorted set and publishes `event`, or deletes it when the
/// result is empty, publishing `del` if it existed (Redis's store rule for ZRANGESTORE,
/// ZUNIONSTORE, ...). Replies with the result's size.
pub(super) fn store_result(ctx: &mut Ctx, dst: &[u8], members: Vec<(Vec<u8>, f64)>, event: &str) -> CmdResult {
    let len = members.len() as i64;
    if members.is_empty() {
        if ctx.delete(dst) {
            ctx.notify(class::GENERIC, "del", dst);
        }
    } else {
        ctx.store(dst, Value::ZSet(Box::new(ZSetValue::from_members(members))), false);
        ctx.notify(class::ZSET, event, dst);
    }
    Ok(Reply::Integer(len))
}

/// A list of members, with their scores if asked: flat in RESP2, pairs in RESP3.
pub(super) fn members_reply<'a>(resp3: bool, entries: impl Iterator<Item = (&'a [u8], f64)>, with_scores: bool) -> Reply {
    let mut out = Vec::with_capacity(entries.size_hint().0 * if with_scores && !resp3 { 2 } else { 1 });
    for (member, score) in entries {
        if !with_scores {
            Reply::push_bulk(&mut out, member);
        } else if resp3 {
            out.push(Reply::Array(vec![Reply::bulk(member), Reply::Double(score)]));
        } else {
            Reply::push_bulk(&mut out, member);
            out.push(Reply::Double(score));
        }
    }
    Reply::Array(out)
}

/// A score as ZSCAN prints it in every protocol: Redis 7.0's `%.17g`.
pub(super) fn score_text(score: f64) -> Vec<u8> {
    let mut out = Vec::with_capacity(24);
    write_g17(score, &mut out);
    out
}

/// A score as a listpack stores it, for ZSCAN: integral scores within half the `i64` range are
/// listpack integers (Redis's `double2ll`), anything else the `%.17g` text.
pub(super) fn listpack_score_text(score: f64) -> Vec<u8> {
    const LIMIT: f64 = (i64::MAX / 2) as f64;
    if score.fract() == 0.0 && (-LIMIT..=LIMIT).contains(&score) {
        return itoa::Buffer::new().format(score as i64).as_bytes().to_vec();
    }
    score_text(score)
}

/// Redis's `getPositiveLongFromObjectOrReply` with a custom message for every failure.
pub(super) fn positive_or(arg: &[u8], error: Reply) -> Result<i64, Reply> {
    parse_i64(arg).filter(|&n| n >= 0).ok_or(error)
}
