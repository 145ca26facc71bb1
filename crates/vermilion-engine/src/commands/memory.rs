//! MEMORY: what keys and the engine take, measured by the counting allocator where a face
//! installed it.

use super::table::{acl, flag, key, CmdResult, Command, Group, KeySpec};
use super::{help_reply, Ctx};
use crate::info::{bytes_to_human, used_memory};
use crate::reply::{errors, Reply};

pub static COMMANDS: &[Command] = &[Command::container("memory", Group::Server, MEMORY)
    .doc("4.0.0", "Depends on subcommand.", "A container for memory diagnostics commands.")];

static MEMORY: &[Command] = &[
    Command::new("memory|doctor", 2, Group::Server, doctor)
        .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
        .doc("4.0.0", "O(1)", "Outputs a memory problems report."),
    Command::new("memory|help", 2, Group::Server, help).flags(flag::LOADING | flag::STALE)
        .doc("4.0.0", "O(1)", "Returns helpful text about the different subcommands."),
    Command::new("memory|malloc-stats", 2, Group::Server, malloc_stats)
        .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
        .doc("4.0.0", "Depends on how much memory is allocated, could be slow", "Returns the allocator statistics."),
    Command::new("memory|purge", 2, Group::Server, purge)
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .doc("4.0.0", "Depends on how much memory is allocated, could be slow", "Asks the allocator to release memory."),
    Command::new("memory|stats", 2, Group::Server, stats)
        .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
        .doc("4.0.0", "O(1)", "Returns details about memory usage."),
    Command::new("memory|usage", -3, Group::Server, usage).flags(flag::READONLY).acl(acl::READ)
        .keys(&[KeySpec::single(2, key::RO)])
        .doc("4.0.0", "O(N) where N is the number of samples.", "Estimates the memory usage of a key."),
];

/// Bytes a key costs beyond its value's heap: the table entry and its access metadata.
const ENTRY_OVERHEAD: usize = 48;

/// MEMORY USAGE key [SAMPLES count]
fn usage(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    match ctx.args.rest() {
        [] => {}
        [option, count] if option.eq_ignore_ascii_case(b"SAMPLES") => {
            let count = crate::util::parse_i64(count).ok_or(errors::NOT_INTEGER)?;
            if count < 0 {
                return Err(errors::SYNTAX);
            }
        }
        _ => return Err(errors::SYNTAX),
    }
    if !ctx.exists(key) {
        return Ok(Reply::Null);
    }
    let entry = ctx.db().keys.get(key).expect("exists above");
    let value_bytes = heap_bytes_of(entry);
    let expiry = if ctx.db().expire_of(key).is_some() { 32 + key.len() } else { 0 };
    Ok(Reply::Integer((ENTRY_OVERHEAD + key.len() + value_bytes + expiry) as i64))
}

/// A value's heap footprint. With the counting allocator installed it is measured exactly, by
/// copying the value (a copy allocates what the original holds); otherwise the size of its
/// serialized form stands in.
fn heap_bytes_of(value: &crate::types::Value) -> usize {
    if let Some(before) = crate::alloc::allocated_bytes() {
        let copy = value.clone();
        let after = crate::alloc::allocated_bytes().unwrap_or(before);
        drop(copy);
        return after.saturating_sub(before) + std::mem::size_of::<crate::types::Value>();
    }
    let mut encoded = Vec::new();
    crate::persist::encode_value(value, &mut encoded);
    encoded.len() + std::mem::size_of::<crate::types::Value>()
}

/// MEMORY STATS
fn stats(ctx: &mut Ctx) -> CmdResult {
    let used = used_memory() as u64;
    let peak = crate::info::peak_memory() as u64;
    let keys: usize = ctx.ks.dbs.iter().map(|d| d.len()).sum();
    let mut fields: Vec<(Reply, Reply)> = Vec::new();
    let mut add = |name: &str, value: Reply| fields.push((Reply::bulk(name.as_bytes()), value));
    add("peak.allocated", Reply::Integer(peak as i64));
    add("total.allocated", Reply::Integer(used as i64));
    add("startup.allocated", Reply::Integer(crate::info::startup_memory() as i64));
    add("replication.backlog", Reply::Integer(0));
    add("clients.slaves", Reply::Integer(0));
    let client_buffers: u64 = ctx.engine.clients.lock().values().map(|c| c.mailbox.bytes()).sum();
    add("clients.normal", Reply::Integer(client_buffers as i64));
    add("aof.buffer", Reply::Integer(0));
    add("lua.caches", Reply::Integer(ctx.ks.scripting.lua_memory() as i64));
    let mut overhead = crate::info::startup_memory() as u64 + client_buffers;
    for (index, db) in ctx.ks.dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        let main = db.keys.len() * std::mem::size_of::<usize>();
        let expires = db.expires.len() * std::mem::size_of::<usize>();
        overhead += (main + expires) as u64;
        fields.push((
            Reply::bulk(format!("db.{index}")),
            Reply::Map(vec![
                (Reply::bulk("overhead.hashtable.main"), Reply::Integer(main as i64)),
                (Reply::bulk("overhead.hashtable.expires"), Reply::Integer(expires as i64)),
            ]),
        ));
    }
    let dataset = used.saturating_sub(overhead);
    let mut add = |name: &str, value: Reply| fields.push((Reply::bulk(name.as_bytes()), value));
    add("overhead.total", Reply::Integer(overhead as i64));
    add("keys.count", Reply::Integer(keys as i64));
    add("keys.bytes-per-key", Reply::Integer(if keys == 0 { 0 } else { (dataset / keys as u64) as i64 }));
    add("dataset.bytes", Reply::Integer(dataset as i64));
    add("dataset.percentage", Reply::Double(percent(dataset, used)));
    add("peak.percentage", Reply::Double(percent(used, peak)));
    let rss = crate::alloc::resident_bytes() as u64;
    add("allocator.allocated", Reply::Integer(used as i64));
    add("allocator.resident", Reply::Integer(rss as i64));
    add("fragmentation", Reply::Double(if used == 0 { 0.0 } else { rss as f64 / used as f64 }));
    add("fragmentation.bytes", Reply::Integer(rss as i64 - used as i64));
    Ok(Reply::Map(fields))
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// MEMORY DOCTOR — Redis's report, for the problems this engine can have.
fn doctor(ctx: &mut Ctx) -> CmdResult {
    let used = used_memory() as u64;
    let rss = crate::alloc::resident_bytes() as u64;
    let peak = crate::info::peak_memory() as u64;
    let text = if used < 5 * 1024 * 1024 {
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.".to_string()
    } else {
        let mut issues = Vec::new();
        if peak > used * 3 / 2 {
            issues.push(format!(
                " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n (peak {})",
                bytes_to_human(peak)
            ));
        }
        if rss > used * 14 / 10 && rss - used > 10 * 1024 * 1024 {
            issues.push(format!(
                " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. (RSS {}, allocated {})",
                bytes_to_human(rss),
                bytes_to_human(used)
            ));
        }
        let config = ctx.engine.config.read();
        if config.maxmemory > 0 && used > config.maxmemory {
            issues.push(format!(" * Over maxmemory: {} used with a limit of {}.", bytes_to_human(used), bytes_to_human(config.maxmemory)));
        }
        if issues.is_empty() {
            "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.".to_string()
        } else {
            format!("Sam, I detected a few issues in this Redis instance memory implants:\n\n{}\n\nI'm here to keep you safe, Sam. I want to help you.", issues.join("\n\n"))
        }
    };
    Ok(Reply::Verbatim("txt", text.into_bytes()))
}

/// MEMORY PURGE — gives free memory back to the operating system where the allocator can.
fn purge(_ctx: &mut Ctx) -> CmdResult {
    crate::alloc::release_free_memory();
    Ok(Reply::OK)
}

/// MEMORY MALLOC-STATS
fn malloc_stats(_ctx: &mut Ctx) -> CmdResult {
    Ok(Reply::Verbatim("txt", b"Stats not supported for the current allocator".to_vec()))
}

/// MEMORY HELP
fn help(_ctx: &mut Ctx) -> CmdResult {
    Ok(help_reply("MEMORY", &[
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
    ]))
}
