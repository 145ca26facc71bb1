//! XGROUP.

use super::*;

/// `ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.`
pub(super) fn xgroup_syntax_error(ctx: &Ctx) -> Reply {
    Reply::error(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try XGROUP HELP.",
        shown(ctx.args.argv()[1])
    ))
}

/// CREATE's and SETID's trailing options: whether to create the stream, and ENTRIESREAD.
pub(super) fn parse_group_options(ctx: &mut Ctx, allow_mkstream: bool) -> Result<(bool, Option<i64>), Reply> {
    let mut mkstream = false;
    let mut entries_read = None;
    while let Some(option) = ctx.args.peek() {
        if allow_mkstream && option.eq_ignore_ascii_case(b"MKSTREAM") {
            mkstream = true;
            ctx.args.bytes()?;
        } else if option.eq_ignore_ascii_case(b"ENTRIESREAD") && ctx.args.remaining() >= 2 {
            ctx.args.bytes()?;
            let n = ctx.args.int()?;
            if n < -1 {
                return Err(BAD_ENTRIES_READ);
            }
            entries_read = (n >= 0).then_some(n);
        } else {
            return Err(xgroup_syntax_error(ctx));
        }
    }
    Ok((mkstream, entries_read))
}

/// The stream an XGROUP subcommand works on: WRONGTYPE, or Redis's error for a missing key.
pub(super) fn xgroup_stream<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<&'c mut StreamValue, Reply> {
    ctx.write_stream(key)?.ok_or(XGROUP_NEEDS_KEY)
}

/// The stream and an existing group of an XGROUP subcommand.
pub(super) fn xgroup_existing<'c>(ctx: &'c mut Ctx, key: &[u8], group: &[u8]) -> Result<&'c mut ConsumerGroup, Reply> {
    xgroup_stream(ctx, key)?.group_mut(group).ok_or_else(|| no_such_group(key, group))
}

/// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]
pub(super) fn xgroup_create(ctx: &mut Ctx) -> CmdResult {
    let (key, group, id_arg) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    let (mkstream, entries_read) = parse_group_options(ctx, true)?;
    let exists = ctx.write_stream(key)?.is_some();
    if !exists && !mkstream {
        return Err(XGROUP_NEEDS_KEY);
    }
    if ctx.args.argv().len() > 8 {
        return Err(xgroup_syntax_error(ctx));
    }
    let last_id = match id_arg {
        b"$" => ctx.write_stream(key)?.map_or(StreamId::MIN, |s| s.last_id()),
        _ => strict_id(id_arg)?,
    };
    let stream = stream_or_create(ctx, key)?;
    if !stream.create_group(group, last_id, entries_read) {
        return Err(BUSYGROUP);
    }
    ctx.ks.dirty += 1;
    ctx.notify(class::STREAM, "xgroup-create", key);
    Ok(Reply::OK)
}

/// XGROUP SETID key group id|$ [ENTRIESREAD entries-read]
pub(super) fn xgroup_setid(ctx: &mut Ctx) -> CmdResult {
    let (key, group, id_arg) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    let (_, entries_read) = parse_group_options(ctx, false)?;
    let last_id = xgroup_stream(ctx, key)?.last_id();
    xgroup_existing(ctx, key, group)?;
    if !matches!(ctx.args.argv().len(), 5 | 7) {
        return Err(xgroup_syntax_error(ctx));
    }
    let id = match id_arg {
        b"$" => last_id,
        _ => parse_id(id_arg, 0, IdSyntax::Bounds)?,
    };
    let g = xgroup_existing(ctx, key, group)?;
    g.last_id = id;
    g.entries_read = entries_read;
    ctx.ks.dirty += 1;
    ctx.notify(class::STREAM, "xgroup-setid", key);
    Ok(Reply::OK)
}

/// XGROUP DESTROY key group
pub(super) fn xgroup_destroy(ctx: &mut Ctx) -> CmdResult {
    let (key, group) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let destroyed = xgroup_stream(ctx, key)?.destroy_group(group);
    ctx.ks.dirty += u64::from(destroyed);
    if destroyed {
        ctx.notify(class::STREAM, "xgroup-destroy", key);
    }
    Ok(Reply::Integer(i64::from(destroyed)))
}

/// XGROUP CREATECONSUMER key group consumer
pub(super) fn xgroup_createconsumer(ctx: &mut Ctx) -> CmdResult {
    let (key, group, consumer) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    let now = ctx.now();
    let created = xgroup_existing(ctx, key, group)?.create_consumer(consumer, now);
    ctx.ks.dirty += u64::from(created);
    if created {
        ctx.notify(class::STREAM, "xgroup-createconsumer", key);
    }
    Ok(Reply::Integer(i64::from(created)))
}

/// XGROUP DELCONSUMER key group consumer
pub(super) fn xgroup_delconsumer(ctx: &mut Ctx) -> CmdResult {
    let (key, group, consumer) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    let pending = xgroup_existing(ctx, key, group)?.delete_consumer(consumer);
    ctx.ks.dirty += u64::from(pending.is_some());
    if pending.is_some() {
        ctx.notify(class::STREAM, "xgroup-delconsumer", key);
    }
    Ok(Reply::Integer(pending.unwrap_or(0) as i64))
}

/// XGROUP HELP
pub(super) fn xgroup_help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("XGROUP", &[
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
    ]))
}
