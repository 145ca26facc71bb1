//! XREAD and XREADGROUP, blocking included.

use super::*;

/// Where a read starts in one stream.
#[derive(Clone, Copy)]
pub(super) enum ReadFrom {
    /// Entries after this ID (for XREADGROUP: the consumer's pending entries after it).
    After(StreamId),
    /// XREAD's `+`: the last entry.
    Last,
    /// XREADGROUP's `>`: entries never delivered to the group.
    Undelivered,
}

/// XREAD's and XREADGROUP's options.
pub(super) struct ReadOptions<'a> {
    count: usize,
    /// BLOCK's timeout in milliseconds (0: forever).
    block: Option<i64>,
    noack: bool,
    group: Option<(&'a [u8], &'a [u8])>,
    /// The arguments after STREAMS: keys, then as many IDs.
    streams: &'a [&'a [u8]],
}

pub(super) fn parse_read_options<'a>(ctx: &mut Ctx<'a>, xreadgroup: bool) -> Result<ReadOptions<'a>, Reply> {
    let mut options = ReadOptions { count: 0, block: None, noack: false, group: None, streams: &[] };
    let mut saw_streams = false;
    while let Some(arg) = ctx.args.peek() {
        let more = ctx.args.remaining() - 1;
        ctx.args.bytes()?;
        if arg.eq_ignore_ascii_case(b"BLOCK") && more > 0 {
            let timeout = parse_i64(ctx.args.bytes()?).ok_or(TIMEOUT_NOT_INTEGER)?;
            if timeout < 0 {
                return Err(TIMEOUT_NEGATIVE);
            }
            options.block = Some(timeout);
        } else if arg.eq_ignore_ascii_case(b"COUNT") && more > 0 {
            options.count = count_arg(ctx.args.bytes()?)?;
        } else if arg.eq_ignore_ascii_case(b"STREAMS") && more > 0 {
            options.streams = ctx.args.rest();
            if !options.streams.len().is_multiple_of(2) {
                return Err(UNBALANCED_STREAMS);
            }
            saw_streams = true;
            break;
        } else if arg.eq_ignore_ascii_case(b"GROUP") && more >= 2 {
            if !xreadgroup {
                return Err(Reply::err("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."));
            }
            options.group = Some((ctx.args.bytes()?, ctx.args.bytes()?));
        } else if arg.eq_ignore_ascii_case(b"NOACK") {
            if !xreadgroup {
                return Err(Reply::err("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."));
            }
            options.noack = true;
        } else {
            return Err(errors::SYNTAX);
        }
    }
    if !saw_streams {
        return Err(errors::SYNTAX);
    }
    if xreadgroup && options.group.is_none() {
        return Err(Reply::err("ERR Missing GROUP option for XREADGROUP"));
    }
    Ok(options)
}

/// Resolves each stream's ID argument, checking types and groups stream by stream as Redis does.
pub(super) fn resolve_read_positions(ctx: &mut Ctx, options: &ReadOptions) -> Result<Vec<ReadFrom>, Reply> {
    let (keys, ids) = options.streams.split_at(options.streams.len() / 2);
    let mut positions = Vec::with_capacity(keys.len());
    for (&key, &arg) in keys.iter().zip(ids) {
        let stream = ctx.read_stream(key)?;
        if let Some((group, _)) = options.group {
            if stream.as_ref().is_none_or(|s| s.group(group).is_none()) {
                return Err(Reply::error(format!(
                    "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option",
                    shown(key),
                    shown(group)
                )));
            }
        }
        let grouped = options.group.is_some();
        positions.push(match arg {
            b"$" if grouped => return Err(DOLLAR_IN_XREADGROUP),
            b"$" => ReadFrom::After(stream.map_or(StreamId::MIN, |s| s.last_id())),
            b">" if grouped => ReadFrom::Undelivered,
            b">" => return Err(GT_IN_XREAD),
            b"+" if !grouped => ReadFrom::Last,
            _ => ReadFrom::After(strict_id(arg)?),
        });
    }
    Ok(positions)
}

/// What one stream contributes to a read's reply, or `None` when it has nothing to serve.
pub(super) fn serve_stream(ctx: &mut Ctx, key: &[u8], from: ReadFrom, options: &ReadOptions) -> Result<Option<Reply>, Reply> {
    let now = ctx.now();
    let Some(stream) = ctx.read_stream(key)? else {
        return Ok(None);
    };
    let newest = stream.last_entry_id();
    let has_entries = !stream.is_empty();
    // A consumer a group read serves is created on the way (and published).
    let new_consumer = options.group.is_some_and(|(group, consumer)| {
        stream.group(group).is_some_and(|g| !g.consumers.contains_key(consumer))
    });
    let served = match (options.group, from) {
        (None, ReadFrom::Last) if has_entries => entries_reply(stream.range(newest, newest, 1, false)),
        (None, ReadFrom::After(after)) if has_entries && newest > after => entries_reply(stream.entries_after(after, options.count)),
        (Some((group, consumer)), ReadFrom::After(after)) => {
            let start = after.next().unwrap_or_default();
            let history = stream.read_history(group, consumer, start, options.count, now);
            Reply::Array(
                history
                    .into_iter()
                    .map(|(id, fields)| match fields {
                        Some(fields) => entry_reply(id, fields),
                        None => Reply::Array(vec![id_reply(id), Reply::NullArray]),
                    })
                    .collect(),
            )
        }
        (Some((group, consumer)), ReadFrom::Undelivered)
            if has_entries && stream.group(group).is_some_and(|g| newest > g.last_id) =>
        {
            entries_reply(stream.read_new(group, consumer, options.count, options.noack, now))
        }
        _ => return Ok(None),
    };
    if options.group.is_some() {
        ctx.ks.dirty += 1;
    }
    if new_consumer {
        ctx.notify(class::STREAM, "xgroup-createconsumer", key);
    }
    Ok(Some(served))
}

/// The heart of XREAD and XREADGROUP: per stream served, its key and entries (an array of
/// pairs in RESP2, a map in RESP3); when nothing could be served, a null array or, with BLOCK,
/// a wait for the keys to change.
pub(super) fn read_generic(ctx: &mut Ctx, xreadgroup: bool) -> CmdResult {
    let options = parse_read_options(ctx, xreadgroup)?;
    let positions = resolve_read_positions(ctx, &options)?;
    let keys = &options.streams[..positions.len()];
    let mut served = Vec::new();
    for (&key, &from) in keys.iter().zip(&positions) {
        if let Some(entries) = serve_stream(ctx, key, from, &options)? {
            served.push((Reply::bulk(key), entries));
        }
    }
    if served.is_empty() {
        let Some(timeout) = options.block else {
            return Ok(Reply::NullArray);
        };
        let deadline = (timeout > 0).then(|| ctx.now().saturating_add(timeout));
        // Re-running the call must read after the ID `$` meant now, not the stream's last ID then.
        let argv = ctx.args.argv();
        let first_id = argv.len() - positions.len();
        let pinned = argv
            .iter()
            .enumerate()
            .map(|(i, arg)| match (i.checked_sub(first_id).map(|n| positions[n]), *arg) {
                (Some(ReadFrom::After(id)), b"$") => id.to_string().into_bytes(),
                _ => arg.to_vec(),
            })
            .collect();
        return ctx.block_on_rewritten(keys, deadline, Reply::NullArray, pinned);
    }
    if ctx.resp3() {
        Ok(Reply::Map(served))
    } else {
        Ok(Reply::Array(served.into_iter().map(|(k, v)| Reply::Array(vec![k, v])).collect()))
    }
}

/// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
pub(super) fn xread(ctx: &mut Ctx) -> CmdResult {
    read_generic(ctx, false)
}

/// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]
pub(super) fn xreadgroup(ctx: &mut Ctx) -> CmdResult {
    read_generic(ctx, true)
}
