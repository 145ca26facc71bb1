//! The pending entries list: XACK, XPENDING, XCLAIM, XAUTOCLAIM.

use super::*;

/// XACK key group id [id ...]
pub(super) fn xack(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let group = ctx.args.bytes()?;
    let ids_args = ctx.args.rest();
    let Some(g) = ctx.read_stream(key)?.and_then(|s| s.group_mut(group)) else {
        return Ok(Reply::Integer(0));
    };
    let ids = ids_args.iter().map(|a| strict_id(a)).collect::<Result<Vec<_>, _>>()?;
    let acknowledged = ids.into_iter().filter(|&id| g.acknowledge(id)).count();
    ctx.ks.dirty += acknowledged as u64;
    Ok(Reply::Integer(acknowledged as i64))
}

/// The extended form of XPENDING: which entries, and at most how many.
pub(super) struct PendingQuery<'a> {
    min_idle: i64,
    start: StreamId,
    end: StreamId,
    count: usize,
    consumer: Option<&'a [u8]>,
}

pub(super) fn parse_pending_query<'a>(args: &[&'a [u8]]) -> Result<PendingQuery<'a>, Reply> {
    let mut args = args;
    let mut min_idle = 0;
    if args[0].eq_ignore_ascii_case(b"IDLE") {
        min_idle = parse_i64(args[1]).ok_or(errors::NOT_INTEGER)?;
        if args.len() < 5 {
            return Err(errors::SYNTAX);
        }
        args = &args[2..];
    }
    let count = count_arg(args[2])?;
    let start = parse_start(args[0])?;
    let end = parse_end(args[1])?;
    Ok(PendingQuery { min_idle, start, end, count, consumer: args.get(3).copied() })
}

/// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
pub(super) fn xpending(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let group = ctx.args.bytes()?;
    let rest = ctx.args.rest();
    if !rest.is_empty() && !(3..=6).contains(&rest.len()) {
        return Err(errors::SYNTAX);
    }
    let query = if rest.is_empty() { None } else { Some(parse_pending_query(rest)?) };
    let now = ctx.now();
    let stream = stream_with_group(ctx, key, group)?;
    let g = stream.group(group).expect("checked by stream_with_group");
    Ok(match query {
        None => pending_summary(g),
        Some(query) => pending_entries(g, &query, now),
    })
}

/// `[count, first id, last id, [[consumer, count], ...]]`.
pub(super) fn pending_summary(g: &ConsumerGroup) -> Reply {
    let (Some((&first, _)), Some((&last, _))) = (g.pel.first_key_value(), g.pel.last_key_value()) else {
        return Reply::Array(vec![Reply::Integer(0), Reply::Null, Reply::Null, Reply::NullArray]);
    };
    let consumers = g
        .consumers
        .iter()
        .filter(|(_, c)| !c.pending.is_empty())
        .map(|(name, c)| Reply::Array(vec![Reply::bulk(name.clone()), Reply::bulk_int(c.pending.len() as i64)]))
        .collect();
    Reply::Array(vec![Reply::Integer(g.pel.len() as i64), id_reply(first), id_reply(last), Reply::Array(consumers)])
}

/// `[[id, consumer, idle ms, deliveries], ...]` for the pending entries the query selects.
pub(super) fn pending_entries(g: &ConsumerGroup, query: &PendingQuery, now: i64) -> Reply {
    let ids: Box<dyn Iterator<Item = StreamId>> = match query.consumer {
        Some(name) => match g.consumers.get(name) {
            Some(c) => Box::new(c.pending.range(query.start..).copied()),
            None => return Reply::Array(Vec::new()),
        },
        None => Box::new(g.pel.range(query.start..).map(|(id, _)| *id)),
    };
    let mut out = Vec::new();
    for id in ids.take_while(|&id| id <= query.end) {
        if out.len() == query.count {
            break;
        }
        let pending = &g.pel[&id];
        let idle = now - pending.delivery_time;
        if query.min_idle > 0 && idle < query.min_idle {
            continue;
        }
        out.push(Reply::Array(vec![
            id_reply(id),
            Reply::bulk(pending.consumer.clone()),
            Reply::Integer(idle.max(0)),
            Reply::Integer(pending.delivery_count as i64),
        ]));
    }
    Reply::Array(out)
}

/// A claimed entry as XCLAIM and XAUTOCLAIM reply with it: its ID alone with JUSTID.
pub(super) fn claimed_reply(entries: &StreamEntries, id: StreamId, justid: bool) -> Reply {
    match entries.get(id) {
        Some(fields) if !justid => entry_reply(id, fields),
        _ => id_reply(id),
    }
}

/// XCLAIM's options after its IDs.
pub(super) struct ClaimOptions {
    delivery_time: i64,
    retry_count: Option<u64>,
    force: bool,
    justid: bool,
    last_id: Option<StreamId>,
}

pub(super) fn parse_claim_options(args: &[&[u8]], now: i64) -> Result<ClaimOptions, Reply> {
    let mut options = ClaimOptions { delivery_time: now, retry_count: None, force: false, justid: false, last_id: None };
    let mut delivery_time = None;
    let mut i = 0;
    while i < args.len() {
        let (option, value) = (args[i], args.get(i + 1).copied());
        match (option.to_ascii_uppercase().as_slice(), value) {
            (b"FORCE", _) => options.force = true,
            (b"JUSTID", _) => options.justid = true,
            (b"IDLE", Some(v)) => {
                delivery_time = Some(now.saturating_sub(int_or(v, "Invalid IDLE option argument for XCLAIM")?));
                i += 1;
            }
            (b"TIME", Some(v)) => {
                delivery_time = Some(int_or(v, "Invalid TIME option argument for XCLAIM")?);
                i += 1;
            }
            (b"RETRYCOUNT", Some(v)) => {
                let n = int_or(v, "Invalid RETRYCOUNT option argument for XCLAIM")?;
                options.retry_count = Some(n.max(0) as u64);
                i += 1;
            }
            (b"LASTID", Some(v)) => {
                options.last_id = Some(strict_id(v)?);
                i += 1;
            }
            _ => return Err(Reply::error(format!("ERR Unrecognized XCLAIM option '{}'", shown(option)))),
        }
        i += 1;
    }
    // A bogus time (negative, or in the future) means now rather than an error: clients compute
    // it from their own clocks.
    if let Some(time) = delivery_time {
        options.delivery_time = if time < 0 || time > now { now } else { time };
    }
    Ok(options)
}

/// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds]
/// [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
pub(super) fn xclaim(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let group = ctx.args.bytes()?;
    let consumer = ctx.args.bytes()?;
    let min_idle_arg = ctx.args.bytes()?;
    let now = ctx.now();
    stream_with_group(ctx, key, group)?;
    let min_idle = int_or(min_idle_arg, "Invalid min-idle-time argument for XCLAIM")?.max(0);
    let rest = ctx.args.rest();
    let id_count = rest.iter().take_while(|a| strict_id(a).is_ok()).count();
    let ids: Vec<StreamId> = rest[..id_count].iter().map(|a| strict_id(a).expect("checked")).collect();
    let options = parse_claim_options(&rest[id_count..], now)?;

    let stream = ctx.read_stream(key)?.expect("checked by stream_with_group");
    let (entries, g) = stream.entries_and_group(group).expect("checked by stream_with_group");
    let consumer_existed = g.consumers.contains_key(consumer);
    let mut changes = 0u64;
    if let Some(last_id) = options.last_id.filter(|&id| id > g.last_id) {
        g.last_id = last_id;
        changes += 1;
    }
    let mut claimed = Vec::new();
    for id in ids {
        if !entries.contains(id) {
            // The entry is gone from the stream: it cannot be claimed, nor stay pending.
            changes += u64::from(g.acknowledge(id));
            continue;
        }
        match g.pel.get(&id) {
            None if !options.force || min_idle > 0 => continue,
            Some(pending) if min_idle > 0 && now - pending.delivery_time < min_idle => continue,
            _ => {}
        }
        let pending = g.assign(id, consumer, now);
        pending.delivery_time = options.delivery_time;
        match options.retry_count {
            Some(n) => pending.delivery_count = n,
            None if !options.justid => pending.delivery_count += 1,
            None => {}
        }
        changes += 1;
        claimed.push(claimed_reply(&entries, id, options.justid));
    }
    let consumer_created = !consumer_existed && g.consumers.contains_key(consumer);
    ctx.ks.dirty += changes;
    if consumer_created {
        ctx.notify(class::STREAM, "xgroup-createconsumer", key);
    }
    Ok(Reply::Array(claimed))
}

/// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
pub(super) fn xautoclaim(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let group = ctx.args.bytes()?;
    let consumer = ctx.args.bytes()?;
    let min_idle = int_or(ctx.args.bytes()?, "Invalid min-idle-time argument for XAUTOCLAIM")?.max(0);
    let start = parse_start(ctx.args.bytes()?)?;
    let mut count = AUTOCLAIM_DEFAULT_COUNT;
    let mut justid = false;
    while let Some(option) = ctx.args.peek() {
        ctx.args.bytes()?;
        if option.eq_ignore_ascii_case(b"COUNT") && !ctx.args.is_empty() {
            let max = i64::MAX / 16;
            count = match parse_i64(ctx.args.bytes()?) {
                Some(n) if (1..=max).contains(&n) => n as u64,
                _ => return Err(COUNT_NOT_POSITIVE),
            };
        } else if option.eq_ignore_ascii_case(b"JUSTID") {
            justid = true;
        } else {
            return Err(errors::SYNTAX);
        }
    }
    let now = ctx.now();
    let stream = stream_with_group(ctx, key, group)?;
    let (entries, g) = stream.entries_and_group(group).expect("checked by stream_with_group");

    let consumer_existed = g.consumers.contains_key(consumer);
    let mut attempts = count * AUTOCLAIM_ATTEMPTS_FACTOR;
    let mut claimed = Vec::new();
    let mut deleted = Vec::new();
    // Where the scan resumes; `None` once the PEL is exhausted.
    let mut cursor = Some(start);
    while attempts > 0 && count > 0 {
        let Some(&id) = cursor.and_then(|from| g.pel.range(from..).next().map(|(id, _)| id)) else {
            cursor = None;
            break;
        };
        attempts -= 1;
        cursor = id.next();
        if !entries.contains(id) {
            g.acknowledge(id);
            deleted.push(id_reply(id));
            count -= 1;
            continue;
        }
        if min_idle > 0 && now - g.pel[&id].delivery_time < min_idle {
            continue;
        }
        let pending = g.assign(id, consumer, now);
        pending.delivery_time = now;
        if !justid {
            pending.delivery_count += 1;
        }
        claimed.push(claimed_reply(&entries, id, justid));
        count -= 1;
    }
    // The next call's start: the first pending entry not looked at, or 0-0 when none is left.
    let next = cursor.and_then(|from| g.pel.range(from..).next().map(|(id, _)| *id)).unwrap_or(StreamId::MIN);
    let consumer_created = !consumer_existed && g.consumers.contains_key(consumer);
    ctx.ks.dirty += (claimed.len() + deleted.len()) as u64;
    if consumer_created {
        ctx.notify(class::STREAM, "xgroup-createconsumer", key);
    }
    Ok(Reply::Array(vec![id_reply(next), Reply::Array(claimed), Reply::Array(deleted)]))
}
