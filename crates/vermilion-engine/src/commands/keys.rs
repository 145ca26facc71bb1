//! Generic key commands: existence, deletion, renaming, copying, scanning and expiry.

use super::table::{acl, flag, key, CmdResult, Command, Group, KeySpec};
use super::args::scan_cursor;
use super::Ctx;
use crate::glob::glob_match;
use crate::keyspace::{idle_seconds, Entry};
use crate::pubsub::class;
use crate::reply::{errors, Reply};
use crate::types::{StringValue, Value};
use crate::util::parse_i64;

const KS: u32 = acl::KEYSPACE;
const SAME_OBJECT: Reply = Reply::err("ERR source and destination objects are the same");
const EXPIRE_KEYS: &[KeySpec] = &[KeySpec::single(1, key::RW | key::UPDATE)];
const TTL_KEYS: &[KeySpec] = &[KeySpec::single(1, key::RO | key::ACCESS)];
const EXPIRE_FLAGS: u32 = flag::WRITE | flag::FAST;
const TTL_FLAGS: u32 = flag::READONLY | flag::FAST;

pub static COMMANDS: &[Command] = &[
    Command::new("del", -2, Group::Generic, del).flags(flag::WRITE).acl(KS)
        .keys(&[KeySpec::range(1, -1, 1, key::RM | key::DELETE)])
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .doc("1.0.0", "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).", "Deletes one or more keys."),
    Command::new("unlink", -2, Group::Generic, del).flags(flag::WRITE | flag::FAST).acl(KS)
        .keys(&[KeySpec::range(1, -1, 1, key::RM | key::DELETE)])
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .doc("4.0.0", "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.", "Asynchronously deletes one or more keys."),
    Command::new("exists", -2, Group::Generic, exists).flags(flag::READONLY | flag::FAST).acl(KS)
        .keys(&[KeySpec::range(1, -1, 1, key::RO)])
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .doc("1.0.0", "O(N) where N is the number of keys to check.", "Determines whether one or more keys exist."),
    Command::new("type", 2, Group::Generic, type_cmd).flags(flag::READONLY | flag::FAST).acl(KS)
        .keys(&[KeySpec::single(1, key::RO)])
        .doc("1.0.0", "O(1)", "Determines the type of value stored at a key."),
    Command::new("keys", 2, Group::Generic, keys).flags(flag::READONLY).acl(KS | acl::DANGEROUS)
        .tips(&["request_policy:all_shards", "nondeterministic_output_order"])
        .doc("1.0.0", "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.", "Returns all key names that match a pattern."),
    Command::new("scan", -2, Group::Generic, scan).flags(flag::READONLY).acl(KS)
        .tips(&["nondeterministic_output", "request_policy:special", "response_policy:special"])
        .doc("2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", "Iterates over the key names in the database."),
    Command::new("randomkey", 1, Group::Generic, randomkey).flags(flag::READONLY).acl(KS)
        .tips(&["request_policy:all_shards", "response_policy:special", "nondeterministic_output"])
        .doc("1.0.0", "O(1)", "Returns a random key name from the database."),
    Command::new("rename", 3, Group::Generic, rename).flags(flag::WRITE).acl(KS)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::DELETE), KeySpec::single(2, key::OW | key::UPDATE)])
        .doc("1.0.0", "O(1)", "Renames a key and overwrites the destination."),
    Command::new("renamenx", 3, Group::Generic, renamenx).flags(flag::WRITE | flag::FAST).acl(KS)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::DELETE), KeySpec::single(2, key::OW | key::INSERT)])
        .doc("1.0.0", "O(1)", "Renames a key only when the target key name doesn't exist."),
    Command::new("copy", -3, Group::Generic, copy).flags(flag::WRITE | flag::DENYOOM).acl(KS)
        .keys(&[KeySpec::single(1, key::RO | key::ACCESS), KeySpec::single(2, key::OW | key::UPDATE)])
        .doc("6.2.0", "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", "Copies the value of a key to a new key."),
    Command::new("move", 3, Group::Generic, move_cmd).flags(flag::WRITE | flag::FAST).acl(KS)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::UPDATE)])
        .doc("1.0.0", "O(1)", "Moves a key to another database."),
    Command::new("touch", -2, Group::Generic, touch).flags(flag::READONLY | flag::FAST).acl(KS)
        .keys(&[KeySpec::range(1, -1, 1, key::RO)])
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .doc("3.2.1", "O(N) where N is the number of keys that will be touched.", "Returns the number of existing keys out of those specified after updating the time they were last accessed."),
    Command::new("expire", -3, Group::Generic, expire).flags(EXPIRE_FLAGS).acl(KS).keys(EXPIRE_KEYS)
        .doc("1.0.0", "O(1)", "Sets the expiration time of a key in seconds."),
    Command::new("pexpire", -3, Group::Generic, pexpire).flags(EXPIRE_FLAGS).acl(KS).keys(EXPIRE_KEYS)
        .doc("2.6.0", "O(1)", "Sets the expiration time of a key in milliseconds."),
    Command::new("expireat", -3, Group::Generic, expireat).flags(EXPIRE_FLAGS).acl(KS).keys(EXPIRE_KEYS)
        .doc("1.2.0", "O(1)", "Sets the expiration time of a key to a Unix timestamp."),
    Command::new("pexpireat", -3, Group::Generic, pexpireat).flags(EXPIRE_FLAGS).acl(KS).keys(EXPIRE_KEYS)
        .doc("2.6.0", "O(1)", "Sets the expiration time of a key to a Unix milliseconds timestamp."),
    Command::new("ttl", 2, Group::Generic, ttl).flags(TTL_FLAGS).acl(KS).keys(TTL_KEYS)
        .tips(&["nondeterministic_output"])
        .doc("1.0.0", "O(1)", "Returns the expiration time in seconds of a key."),
    Command::new("pttl", 2, Group::Generic, pttl).flags(TTL_FLAGS).acl(KS).keys(TTL_KEYS)
        .tips(&["nondeterministic_output"])
        .doc("2.6.0", "O(1)", "Returns the expiration time in milliseconds of a key."),
    Command::new("expiretime", 2, Group::Generic, expiretime).flags(TTL_FLAGS).acl(KS).keys(TTL_KEYS)
        .doc("7.0.0", "O(1)", "Returns the expiration time of a key as a Unix timestamp."),
    Command::new("pexpiretime", 2, Group::Generic, pexpiretime).flags(TTL_FLAGS).acl(KS).keys(TTL_KEYS)
        .doc("7.0.0", "O(1)", "Returns the expiration time of a key as a Unix milliseconds timestamp."),
    Command::new("persist", 2, Group::Generic, persist).flags(flag::WRITE | flag::FAST).acl(KS).keys(EXPIRE_KEYS)
        .doc("2.2.0", "O(1)", "Removes the expiration time of a key."),
    Command::container("object", Group::Generic, OBJECT),
];

static OBJECT: &[Command] = &[
    Command::new("object|encoding", 3, Group::Generic, object_encoding).flags(flag::READONLY).acl(KS)
        .keys(&[KeySpec::single(2, key::RO)]).tips(&["nondeterministic_output"])
        .doc("2.2.3", "O(1)", "Returns the internal encoding of a Redis object."),
    Command::new("object|freq", 3, Group::Generic, object_freq).flags(flag::READONLY).acl(KS)
        .keys(&[KeySpec::single(2, key::RO)]).tips(&["nondeterministic_output"])
        .doc("4.0.0", "O(1)", "Returns the logarithmic access frequency counter of a Redis object."),
    Command::new("object|help", 2, Group::Generic, object_help).flags(flag::LOADING | flag::STALE).acl(KS)
        .doc("6.2.0", "O(1)", "Returns helpful text about the different subcommands."),
    Command::new("object|idletime", 3, Group::Generic, object_idletime).flags(flag::READONLY).acl(KS)
        .keys(&[KeySpec::single(2, key::RO)]).tips(&["nondeterministic_output"])
        .doc("2.2.3", "O(1)", "Returns the time since the last access to a Redis object."),
    Command::new("object|refcount", 3, Group::Generic, object_refcount).flags(flag::READONLY).acl(KS)
        .keys(&[KeySpec::single(2, key::RO)]).tips(&["nondeterministic_output"])
        .doc("2.2.3", "O(1)", "Returns the reference count of a value of a key."),
];

/// DEL key [key ...] / UNLINK key [key ...]
fn del(ctx: &mut Ctx) -> CmdResult {
    let mut n = 0;
    for key in ctx.args.rest() {
        if ctx.delete(key) {
            ctx.notify(class::GENERIC, "del", key);
            n += 1;
        }
    }
    Ok(Reply::Integer(n))
}

/// EXISTS key [key ...] — a key named twice counts twice.
fn exists(ctx: &mut Ctx) -> CmdResult {
    let mut n = 0;
    for key in ctx.args.rest() {
        n += i64::from(ctx.read_untouched(key));
    }
    Ok(Reply::Integer(n))
}

/// TOUCH key [key ...]
fn touch(ctx: &mut Ctx) -> CmdResult {
    let mut n = 0;
    for key in ctx.args.rest() {
        n += i64::from(ctx.read(key).is_some());
    }
    Ok(Reply::Integer(n))
}

/// TYPE key
fn type_cmd(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    ctx.read_untouched(key);
    let name = ctx.db().keys.get(key).map_or("none", Value::type_name);
    Ok(Reply::simple(name))
}

/// Whether a key name passes a MATCH pattern; a lone `*` matches everything (even the empty key).
fn matches_pattern(pattern: Option<&[u8]>, key: &[u8]) -> bool {
    match pattern {
        None | Some(b"*") => true,
        Some(p) => glob_match(p, key, false),
    }
}

/// KEYS pattern
fn keys(ctx: &mut Ctx) -> CmdResult {
    let pattern = ctx.args.bytes()?;
    let now = ctx.now();
    let db = ctx.db();
    let out = db
        .keys
        .keys()
        .filter(|k| matches_pattern(Some(pattern), k) && !db.is_expired(k, now))
        .map(Reply::bulk)
        .collect();
    Ok(Reply::Array(out))
}


/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
fn scan(ctx: &mut Ctx) -> CmdResult {
    let mut cursor = scan_cursor(ctx.args.bytes()?)?;
    let (mut pattern, mut count, mut type_filter) = (None, 10i64, None);
    while let Some(word) = ctx.args.peek() {
        ctx.args.bytes()?;
        let has_value = !ctx.args.is_empty();
        match word.to_ascii_uppercase().as_slice() {
            b"COUNT" if has_value => {
                count = ctx.args.int()?;
                if count < 1 {
                    return Err(errors::SYNTAX);
                }
            }
            b"MATCH" if has_value => pattern = Some(ctx.args.bytes()?),
            b"TYPE" if has_value => type_filter = Some(ctx.args.bytes()?.to_ascii_lowercase()),
            _ => return Err(errors::SYNTAX),
        }
    }
    let now = ctx.now();
    let db = ctx.db();
    // Like Redis: collect up to COUNT keys (or visit ten times as many buckets), then filter.
    let mut found: Vec<Vec<u8>> = Vec::new();
    cursor = db.keys.scan_steps(cursor, count as usize, |k, entry| {
        let type_ok = type_filter.as_deref().is_none_or(|t| t == entry.type_name().as_bytes());
        if type_ok && matches_pattern(pattern, k) {
            found.push(k.to_vec());
        }
    });
    found.retain(|k| !db.is_expired(k, now));
    let keys = found.into_iter().map(Reply::bulk).collect();
    Ok(Reply::Array(vec![Reply::bulk(cursor.to_string()), Reply::Array(keys)]))
}

/// RANDOMKEY
fn randomkey(ctx: &mut Ctx) -> CmdResult {
    let now = ctx.now();
    // Expired keys met on the way are deleted, as Redis does; give up on them after a while so a
    // database of only expired keys cannot spin.
    for _ in 0..100 {
        let ks = &mut *ctx.ks;
        let db = &mut ks.dbs[ctx.client.db];
        let Some((key, _)) = db.keys.random_entry(&mut ks.rng) else {
            return Ok(Reply::Null);
        };
        let key = key.to_vec();
        if !db.is_expired(&key, now) {
            return Ok(Reply::bulk(key));
        }
        ctx.expire_if_needed(&key);
    }
    Ok(Reply::Null)
}

/// Moves `src`'s value and expiry to `dst` within the selected database.
fn rename_generic(ctx: &mut Ctx, only_if_absent: bool) -> CmdResult {
    let (src, dst) = (ctx.args.bytes()?, ctx.args.bytes()?);
    if ctx.write(src).is_none() {
        return Err(errors::NO_SUCH_KEY);
    }
    if src == dst {
        return Ok(if only_if_absent { Reply::Integer(0) } else { Reply::OK });
    }
    // Looked up even without NX: an expired destination goes (and is published) first.
    if ctx.exists(dst) && only_if_absent {
        return Ok(Reply::Integer(0));
    }
    let db = ctx.db();
    let expire = db.expire_of(src);
    let entry = db.remove(src).expect("looked up above");
    db.remove(dst);
    db.insert_entry(dst, entry);
    db.track_field_ttls(dst);
    if let Some(when) = expire {
        db.set_expire(dst, when);
    }
    ctx.ks.dirty += 1;
    // The destination is added afresh even when it replaced a key, as Redis's `dbAdd`.
    ctx.notify(class::NEW, "new", dst);
    ctx.notify(class::GENERIC, "rename_from", src);
    ctx.notify(class::GENERIC, "rename_to", dst);
    Ok(if only_if_absent { Reply::Integer(1) } else { Reply::OK })
}

/// RENAME key newkey
fn rename(ctx: &mut Ctx) -> CmdResult {
    rename_generic(ctx, false)
}

/// RENAMENX key newkey
fn renamenx(ctx: &mut Ctx) -> CmdResult {
    rename_generic(ctx, true)
}

/// Parses a database index argument: not an integer → not-integer error; out of range → DB index.
fn db_index(ctx: &Ctx, arg: &[u8]) -> Result<usize, Reply> {
    let n = parse_i64(arg).filter(|n| i32::try_from(*n).is_ok()).ok_or(errors::NOT_INTEGER)?;
    usize::try_from(n).ok().filter(|&i| i < ctx.ks.dbs.len()).ok_or(errors::DB_INDEX)
}

/// COPY source destination [DB destination-db] [REPLACE]
fn copy(ctx: &mut Ctx) -> CmdResult {
    let (src, dst) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let mut target_db = ctx.client.db;
    let mut replace = false;
    while let Some(word) = ctx.args.peek() {
        ctx.args.bytes()?;
        match word.to_ascii_uppercase().as_slice() {
            b"REPLACE" => replace = true,
            b"DB" if !ctx.args.is_empty() => {
                let arg = ctx.args.bytes()?;
                target_db = db_index(ctx, arg)?;
            }
            _ => return Err(errors::SYNTAX),
        }
    }
    if target_db == ctx.client.db && src == dst {
        return Err(SAME_OBJECT);
    }
    let Some(value) = ctx.read(src) else {
        return Ok(Reply::Integer(0));
    };
    let value = value.clone();
    let expire = ctx.db().expire_of(src);
    let now = ctx.now();
    ctx.ks.expire_if_needed(target_db, dst, now);
    let target = &mut ctx.ks.dbs[target_db];
    if target.keys.contains_key(dst) {
        if !replace {
            return Ok(Reply::Integer(0));
        }
        target.remove(dst);
    }
    target.insert_entry(dst, Entry::new(value, now));
    target.track_field_ttls(dst);
    if let Some(when) = expire {
        target.set_expire(dst, when);
    }
    ctx.ks.dirty += 1;
    notify_in(ctx, target_db, class::NEW, "new", dst);
    notify_in(ctx, target_db, class::GENERIC, "copy_to", dst);
    Ok(Reply::Integer(1))
}

/// MOVE key db
fn move_cmd(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let arg = ctx.args.bytes()?;
    let target_db = db_index(ctx, arg)?;
    if target_db == ctx.client.db {
        return Err(SAME_OBJECT);
    }
    if ctx.write(key).is_none() {
        return Ok(Reply::Integer(0));
    }
    let now = ctx.now();
    ctx.ks.expire_if_needed(target_db, key, now);
    if ctx.ks.dbs[target_db].keys.contains_key(key) {
        return Ok(Reply::Integer(0));
    }
    let db = ctx.db();
    let expire = db.expire_of(key);
    let entry = db.remove(key).expect("looked up above");
    let target = &mut ctx.ks.dbs[target_db];
    target.insert_entry(key, entry);
    target.track_field_ttls(key);
    if let Some(when) = expire {
        target.set_expire(key, when);
    }
    ctx.ks.dirty += 1;
    notify_in(ctx, target_db, class::NEW, "new", key);
    ctx.notify(class::GENERIC, "move_from", key);
    notify_in(ctx, target_db, class::GENERIC, "move_to", key);
    Ok(Reply::Integer(1))
}

/// [`Ctx::notify`] about a key of database `db` rather than the selected one (COPY, MOVE).
fn notify_in(ctx: &Ctx, db: usize, class: u32, event: &str, key: &[u8]) {
    ctx.ks.pubsub.notify_keyspace_event(class, event, key, db, ctx.engine.coarse_ms());
}

/// The NX/XX/GT/LT conditions of the EXPIRE family.
#[derive(Default)]
struct ExpireCondition {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

impl ExpireCondition {
    fn parse(args: &[&[u8]]) -> Result<Self, Reply> {
        let mut c = ExpireCondition::default();
        for arg in args {
            match arg.to_ascii_uppercase().as_slice() {
                b"NX" => c.nx = true,
                b"XX" => c.xx = true,
                b"GT" => c.gt = true,
                b"LT" => c.lt = true,
                _ => return Err(Reply::error(format!("ERR Unsupported option {}", String::from_utf8_lossy(arg)))),
            }
        }
        if c.nx && (c.xx || c.gt || c.lt) {
            return Err(Reply::err("ERR NX and XX, GT or LT options at the same time are not compatible"));
        }
        if c.gt && c.lt {
            return Err(Reply::err("ERR GT and LT options at the same time are not compatible"));
        }
        Ok(c)
    }

    /// Whether a new deadline may replace the current one (`None`: no expiry, an infinite TTL).
    fn allows(&self, current: Option<i64>, new: i64) -> bool {
        !((self.nx && current.is_some())
            || (self.xx && current.is_none())
            || (self.gt && current.is_none_or(|c| new <= c))
            || (self.lt && current.is_some_and(|c| new >= c)))
    }
}

/// The heart of EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: `base` is added to the (scaled) argument.
fn expire_generic(ctx: &mut Ctx, base: i64, unit_ms: i64, command: &str) -> CmdResult {
    let key = ctx.args.bytes()?;
    let amount = ctx.args.bytes()?;
    let condition = ExpireCondition::parse(ctx.args.rest())?;
    let mut when = parse_i64(amount).ok_or(errors::NOT_INTEGER)?;
    when = when.checked_mul(unit_ms).ok_or_else(|| errors::invalid_expire(command))?;
    when = when.checked_add(base).ok_or_else(|| errors::invalid_expire(command))?;
    if ctx.write(key).is_none() {
        return Ok(Reply::Integer(0));
    }
    let current = ctx.db().expire_of(key);
    if !condition.allows(current, when) {
        return Ok(Reply::Integer(0));
    }
    if when <= ctx.now() {
        ctx.delete(key);
        ctx.notify(class::GENERIC, "del", key);
    } else {
        ctx.db().set_expire(key, when);
        ctx.ks.dirty += 1;
        ctx.notify(class::GENERIC, "expire", key);
    }
    Ok(Reply::Integer(1))
}

/// EXPIRE key seconds [NX | XX | GT | LT]
fn expire(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, ctx.now(), 1000, "expire")
}

/// PEXPIRE key milliseconds [NX | XX | GT | LT]
fn pexpire(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, ctx.now(), 1, "pexpire")
}

/// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
fn expireat(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, 0, 1000, "expireat")
}

/// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
fn pexpireat(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, 0, 1, "pexpireat")
}

/// The heart of TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 no key, -1 no expiry.
fn ttl_generic(ctx: &mut Ctx, in_ms: bool, absolute: bool) -> CmdResult {
    let key = ctx.args.bytes()?;
    if !ctx.read_untouched(key) {
        return Ok(Reply::Integer(-2));
    }
    let Some(when) = ctx.db().expire_of(key) else {
        return Ok(Reply::Integer(-1));
    };
    let ttl = if absolute { when } else { when - ctx.now() }.max(0);
    Ok(Reply::Integer(if in_ms { ttl } else { (ttl + 500) / 1000 }))
}

/// TTL key
fn ttl(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, false, false)
}

/// PTTL key
fn pttl(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, true, false)
}

/// EXPIRETIME key
fn expiretime(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, false, true)
}

/// PEXPIRETIME key
fn pexpiretime(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, true, true)
}

/// PERSIST key
fn persist(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    if ctx.write(key).is_none() {
        return Ok(Reply::Integer(0));
    }
    let removed = ctx.db().persist(key);
    if removed {
        ctx.ks.dirty += 1;
        ctx.notify(class::GENERIC, "persist", key);
    }
    Ok(Reply::Integer(i64::from(removed)))
}

/// Looks a key up for OBJECT without touching its access time (as Redis's LOOKUP_NOTOUCH).
fn object_entry<'c>(ctx: &'c mut Ctx) -> Result<Option<(&'c Value, u32)>, Reply> {
    let key = ctx.args.bytes()?;
    ctx.expire_if_needed(key);
    Ok(ctx.db().keys.get_tagged(key))
}

fn uses_lfu(ctx: &Ctx) -> bool {
    ctx.ks.eviction.policy().is_lfu()
}

/// OBJECT ENCODING key
fn object_encoding(ctx: &mut Ctx) -> CmdResult {
    Ok(object_entry(ctx)?.map_or(Reply::Null, |(value, _)| Reply::bulk(value.encoding_name())))
}

/// Integers below this are shared objects in Redis (`OBJ_SHARED_INTEGERS`).
const SHARED_INTEGERS: i64 = 10_000;
/// The refcount Redis reports for shared objects.
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

/// OBJECT REFCOUNT key
fn object_refcount(ctx: &mut Ctx) -> CmdResult {
    let lru_policy = {
        let policy = &ctx.engine.config.read().maxmemory_policy;
        policy.contains("lru") || policy.contains("lfu")
    };
    let maxmemory = ctx.engine.config.read().maxmemory;
    Ok(match object_entry(ctx)? {
        None => Reply::Null,
        // Redis shares small integers unless an LRU/LFU policy needs per-object access data.
        Some((Value::String(StringValue::Int(n)), _))
            if (0..SHARED_INTEGERS).contains(n) && (maxmemory == 0 || !lru_policy) =>
        {
            Reply::Integer(SHARED_REFCOUNT)
        }
        Some(_) => Reply::Integer(1),
    })
}

/// OBJECT IDLETIME key
fn object_idletime(ctx: &mut Ctx) -> CmdResult {
    // Access times are stamped from the cached clock (Redis's LRU clock): read idle time on the
    // same clock, or a second boundary between the two readings adds a second.
    let now = ctx.engine.coarse_ms();
    let Some(idle) = object_entry(ctx)?.map(|(_, access)| idle_seconds(access, now)) else {
        return Ok(Reply::Null);
    };
    if uses_lfu(ctx) {
        return Err(Reply::err("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."));
    }
    Ok(Reply::Integer(idle as i64))
}

/// OBJECT FREQ key
fn object_freq(ctx: &mut Ctx) -> CmdResult {
    let Some(access) = object_entry(ctx)?.map(|(_, access)| access) else {
        return Ok(Reply::Null);
    };
    if !uses_lfu(ctx) {
        return Err(Reply::err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."));
    }
    let now = ctx.engine.coarse_ms();
    Ok(Reply::Integer(i64::from(ctx.ks.eviction.lfu_decayed(access, now))))
}

/// OBJECT HELP
fn object_help(_ctx: &mut Ctx) -> CmdResult {
    Ok(super::help_reply("OBJECT", &[
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
    ]))
}
