//! DUMP and RESTORE: a key's value in Redis's serialization format, readable by any Redis 7.0.

use super::table::{acl, flag, key, CmdResult, Command, Group, KeySpec};
use super::Ctx;
use crate::keyspace::{lru_clock, LRU_CLOCK_MAX};
use crate::persist;
use crate::pubsub::class;
use crate::reply::{errors, Reply};
use crate::util::parse_i64;

const KS: u32 = acl::KEYSPACE;
const BUSY_KEY: Reply = Reply::err("BUSYKEY Target key name already exists.");
const BAD_TTL: Reply = Reply::err("ERR Invalid TTL value, must be >= 0");
const BAD_IDLETIME: Reply = Reply::err("ERR Invalid IDLETIME value, must be >= 0");
const BAD_FREQ: Reply = Reply::err("ERR Invalid FREQ value, must be >= 0 and <= 255");
const BAD_FOOTER: Reply = Reply::err("ERR DUMP payload version or checksum are wrong");
const BAD_DATA: Reply = Reply::err("ERR Bad data format");

pub static COMMANDS: &[Command] = &[
    Command::new("dump", 2, Group::Generic, dump).flags(flag::READONLY).acl(KS)
        .keys(&[KeySpec::single(1, key::RO | key::ACCESS)])
        .tips(&["nondeterministic_output"])
        .doc("2.6.0", "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).", "Returns a serialized representation of the value stored at a key."),
    Command::new("restore", -4, Group::Generic, restore).flags(flag::WRITE | flag::DENYOOM).acl(KS | acl::DANGEROUS)
        .keys(&[KeySpec::single(1, key::OW | key::UPDATE)])
        .doc("2.6.0", "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).", "Creates a key from the serialized representation of a value."),
];

/// DUMP key
fn dump(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let Some(value) = ctx.read(key) else {
        return Ok(Reply::Null);
    };
    Ok(Reply::bulk(persist::dump_payload(value)))
}

/// RESTORE's options after the payload.
#[derive(Default)]
struct RestoreOptions {
    replace: bool,
    absolute_ttl: bool,
    idle_seconds: Option<i64>,
}

/// Parses `[REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]`; IDLETIME and FREQ exclude
/// each other (one is for LRU, the other for LFU eviction).
fn restore_options(ctx: &mut Ctx) -> Result<RestoreOptions, Reply> {
    let mut options = RestoreOptions::default();
    let mut freq_given = false;
    while let Some(word) = ctx.args.peek() {
        ctx.args.bytes()?;
        match word.to_ascii_uppercase().as_slice() {
            b"REPLACE" => options.replace = true,
            b"ABSTTL" => options.absolute_ttl = true,
            b"IDLETIME" if !ctx.args.is_empty() && !freq_given => {
                let idle = ctx.args.int()?;
                if idle < 0 {
                    return Err(BAD_IDLETIME);
                }
                options.idle_seconds = Some(idle);
            }
            b"FREQ" if !ctx.args.is_empty() && options.idle_seconds.is_none() => {
                // Only an LFU policy keeps access frequencies, and this engine tracks idle time.
                let freq = ctx.args.int()?;
                if !(0..=255).contains(&freq) {
                    return Err(BAD_FREQ);
                }
                freq_given = true;
            }
            _ => return Err(errors::SYNTAX),
        }
    }
    Ok(options)
}

/// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
fn restore(ctx: &mut Ctx) -> CmdResult {
    let (key, ttl_arg, payload) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    let options = restore_options(ctx)?;
    if !options.replace && ctx.exists(key) {
        return Err(BUSY_KEY);
    }
    let ttl = parse_i64(ttl_arg).ok_or(errors::NOT_INTEGER)?;
    if ttl < 0 {
        return Err(BAD_TTL);
    }
    let body = persist::verify_payload(payload).ok_or(BAD_FOOTER)?;
    let value = persist::load_payload(body).map_err(|_| BAD_DATA)?;

    let replaced = options.replace && ctx.delete(key);
    let now = ctx.now();
    let expire_at = match ttl {
        0 => None,
        _ if options.absolute_ttl => Some(ttl),
        _ => Some(ttl.saturating_add(now)),
    };
    // A deadline already past leaves the key deleted (REPLACE) or never created.
    if expire_at.is_some_and(|when| when <= now) {
        if replaced {
            ctx.notify(class::GENERIC, "del", key);
        }
        return Ok(Reply::OK);
    }
    ctx.store(key, value, false);
    ctx.db().track_field_ttls(key);
    if let Some(when) = expire_at {
        ctx.db().set_expire(key, when);
    }
    if let Some(idle) = options.idle_seconds {
        set_idle_time(ctx, key, idle);
    }
    ctx.notify(class::GENERIC, "restore", key);
    Ok(Reply::OK)
}

/// Backdates the key's access time so OBJECT IDLETIME reports `idle` seconds, on the 24-bit
/// LRU clock as Redis does (an idle time beyond the clock's range lands half a cycle back).
fn set_idle_time(ctx: &mut Ctx, key: &[u8], idle: i64) {
    let now = i64::from(lru_clock(ctx.engine.coarse_ms()));
    let max = i64::from(LRU_CLOCK_MAX);
    let access = match now - idle {
        backdated if backdated >= 0 => backdated,
        _ => (now + max / 2) % max,
    };
    if let Some((_, stamp)) = ctx.db().keys.get_tagged_mut(key) {
        *stamp = access as u32;
    }
}
