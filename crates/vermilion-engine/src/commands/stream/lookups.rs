//! Stream and consumer-group lookups.

use super::*;

/// The stream at `key`, created empty if missing; WRONGTYPE for another type.
pub(super) fn stream_or_create<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<&'c mut StreamValue, Reply> {
    if ctx.write_stream(key)?.is_none() {
        ctx.insert_absent(key, Value::Stream(Box::new(StreamValue::new())));
        ctx.ks.dirty += 1;
    }
    Ok(ctx.write_stream(key)?.expect("just created"))
}

/// `NOGROUP No such key 'k' or consumer group 'g'` (XPENDING, XCLAIM, XAUTOCLAIM).
pub(super) fn no_such_key_or_group(key: &[u8], group: &[u8]) -> Reply {
    Reply::error(format!("NOGROUP No such key '{}' or consumer group '{}'", shown(key), shown(group)))
}

/// `NOGROUP No such consumer group 'g' for key name 'k'` (XGROUP, XINFO).
pub(super) fn no_such_group(key: &[u8], group: &[u8]) -> Reply {
    Reply::error(format!("NOGROUP No such consumer group '{}' for key name '{}'", shown(group), shown(key)))
}

/// The stream and group a PEL command works on, or its NOGROUP error.
pub(super) fn stream_with_group<'c>(ctx: &'c mut Ctx, key: &[u8], group: &[u8]) -> Result<&'c mut StreamValue, Reply> {
    match ctx.read_stream(key)? {
        Some(stream) if stream.group(group).is_some() => Ok(stream),
        _ => Err(no_such_key_or_group(key, group)),
    }
}
