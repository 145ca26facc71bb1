//! XINFO.

use super::*;

/// The stream an XINFO subcommand describes: `ERR no such key` when missing.
pub(super) fn xinfo_stream_at<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<&'c mut StreamValue, Reply> {
    ctx.read_stream(key)?.ok_or(errors::NO_SUCH_KEY)
}

pub(super) fn lag_reply(stream: &StreamValue, g: &ConsumerGroup) -> Reply {
    stream.lag(g).map_or(Reply::Null, Reply::Integer)
}

pub(super) fn entries_read_reply(g: &ConsumerGroup) -> Reply {
    g.entries_read.map_or(Reply::Null, Reply::Integer)
}

/// The fields every XINFO STREAM reply starts with.
pub(super) fn stream_header(stream: &StreamValue) -> Vec<(Reply, Reply)> {
    vec![
        field("length", Reply::Integer(stream.len() as i64)),
        field("radix-tree-keys", Reply::Integer(stream.radix_tree_keys() as i64)),
        field("radix-tree-nodes", Reply::Integer(stream.radix_tree_nodes() as i64)),
        field("last-generated-id", id_reply(stream.last_id())),
        field("max-deleted-entry-id", id_reply(stream.max_deleted_id())),
        field("entries-added", Reply::Integer(stream.entries_added() as i64)),
        field("recorded-first-entry-id", id_reply(stream.first_id())),
    ]
}

/// XINFO STREAM key [FULL [COUNT count]]
pub(super) fn xinfo_stream(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let rest = ctx.args.rest();
    let stream = xinfo_stream_at(ctx, key)?;
    let full_count = match rest {
        [] => None,
        [full] if full.eq_ignore_ascii_case(b"FULL") => Some(INFO_FULL_DEFAULT_COUNT),
        [full, count, n] if full.eq_ignore_ascii_case(b"FULL") && count.eq_ignore_ascii_case(b"COUNT") => {
            let n = parse_i64(n).ok_or(errors::NOT_INTEGER)?;
            Some(usize::try_from(n).unwrap_or(INFO_FULL_DEFAULT_COUNT))
        }
        _ => {
            return Err(Reply::error(format!(
                "ERR unknown subcommand or wrong number of arguments for '{}'. Try XINFO HELP.",
                shown(ctx.args.argv()[1])
            )))
        }
    };
    let mut info = stream_header(stream);
    match full_count {
        None => {
            let first = stream.range(StreamId::MIN, StreamId::MAX, 1, false).pop();
            let last = stream.range(StreamId::MIN, StreamId::MAX, 1, true).pop();
            info.push(field("groups", Reply::Integer(stream.group_count() as i64)));
            info.push(field("first-entry", first.map_or(Reply::Null, |(id, f)| entry_reply(id, f))));
            info.push(field("last-entry", last.map_or(Reply::Null, |(id, f)| entry_reply(id, f))));
        }
        Some(count) => {
            info.push(field("entries", entries_reply(stream.range(StreamId::MIN, StreamId::MAX, count, false))));
            let groups = stream.groups().map(|(name, g)| Reply::Map(full_group_info(stream, name, g, count))).collect();
            info.push(field("groups", Reply::Array(groups)));
        }
    }
    Ok(Reply::Map(info))
}

/// One group of XINFO STREAM FULL, its PEL and consumers listed up to `count` (0: all).
pub(super) fn full_group_info(stream: &StreamValue, name: &[u8], g: &ConsumerGroup, count: usize) -> Vec<(Reply, Reply)> {
    let limit = if count == 0 { usize::MAX } else { count };
    let pel = g
        .pel
        .iter()
        .take(limit)
        .map(|(id, p)| {
            Reply::Array(vec![
                id_reply(*id),
                Reply::bulk(p.consumer.clone()),
                Reply::Integer(p.delivery_time),
                Reply::Integer(p.delivery_count as i64),
            ])
        })
        .collect();
    let consumers = g
        .consumers
        .iter()
        .map(|(consumer, c)| {
            let pending = c
                .pending
                .iter()
                .take(limit)
                .map(|id| {
                    let p = &g.pel[id];
                    Reply::Array(vec![id_reply(*id), Reply::Integer(p.delivery_time), Reply::Integer(p.delivery_count as i64)])
                })
                .collect();
            Reply::Map(vec![
                field("name", Reply::bulk(consumer.clone())),
                field("seen-time", Reply::Integer(c.seen_time)),
                field("pel-count", Reply::Integer(c.pending.len() as i64)),
                field("pending", Reply::Array(pending)),
            ])
        })
        .collect();
    vec![
        field("name", Reply::bulk(name)),
        field("last-delivered-id", id_reply(g.last_id)),
        field("entries-read", entries_read_reply(g)),
        field("lag", lag_reply(stream, g)),
        field("pel-count", Reply::Integer(g.pel.len() as i64)),
        field("pending", Reply::Array(pel)),
        field("consumers", Reply::Array(consumers)),
    ]
}

/// XINFO GROUPS key
pub(super) fn xinfo_groups(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let stream = xinfo_stream_at(ctx, key)?;
    let groups = stream
        .groups()
        .map(|(name, g)| {
            Reply::Map(vec![
                field("name", Reply::bulk(name)),
                field("consumers", Reply::Integer(g.consumers.len() as i64)),
                field("pending", Reply::Integer(g.pel.len() as i64)),
                field("last-delivered-id", id_reply(g.last_id)),
                field("entries-read", entries_read_reply(g)),
                field("lag", lag_reply(stream, g)),
            ])
        })
        .collect();
    Ok(Reply::Array(groups))
}

/// XINFO CONSUMERS key group
pub(super) fn xinfo_consumers(ctx: &mut Ctx) -> CmdResult {
    let (key, group) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let now = ctx.now();
    let stream = xinfo_stream_at(ctx, key)?;
    let g = stream.group(group).ok_or_else(|| no_such_group(key, group))?;
    let consumers = g
        .consumers
        .iter()
        .map(|(name, c)| {
            Reply::Map(vec![
                field("name", Reply::bulk(name.clone())),
                field("pending", Reply::Integer(c.pending.len() as i64)),
                field("idle", Reply::Integer((now - c.seen_time).max(0))),
            ])
        })
        .collect();
    Ok(Reply::Array(consumers))
}

/// XINFO HELP
pub(super) fn xinfo_help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("XINFO", &[
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
    ]))
}
