//! String commands. SET and its older forms (SETNX, SETEX, PSETEX, GETSET) share one generic, as
//! Redis's `setGenericCommand`; so do the INCR family.

use super::args::ExpireOption;
use super::table::{acl, flag, key, CmdResult, Command, Group, KeySpec};
use super::Ctx;
use crate::pubsub::class;
use crate::reply::{errors, Reply};
use crate::types::{StringValue, Value};
use crate::util::{incr_long_double, FloatIncrError};

const RO: &[KeySpec] = &[KeySpec::single(1, key::RO | key::ACCESS)];
const RW_UPDATE: &[KeySpec] = &[KeySpec::single(1, key::RW | key::ACCESS | key::UPDATE)];
const RW_INSERT: &[KeySpec] = &[KeySpec::single(1, key::RW | key::INSERT)];
const OW_UPDATE: &[KeySpec] = &[KeySpec::single(1, key::OW | key::UPDATE)];
const W: u32 = flag::WRITE | flag::DENYOOM;
const W_FAST: u32 = flag::WRITE | flag::DENYOOM | flag::FAST;
const R_FAST: u32 = flag::READONLY | flag::FAST;
const STR: u32 = acl::STRING;

pub static COMMANDS: &[Command] = &[
    Command::new("get", 2, Group::String, get).flags(R_FAST).acl(STR).keys(RO)
        .doc("1.0.0", "O(1)", "Returns the string value of a key."),
    Command::new("set", -3, Group::String, set).flags(W).acl(STR)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::UPDATE | key::VARIABLE_FLAGS)
            .notes("RW and ACCESS due to the optional `GET` argument")])
        .doc("1.0.0", "O(1)", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist."),
    Command::new("setnx", 3, Group::String, setnx).flags(W_FAST).acl(STR).keys(&[KeySpec::single(1, key::OW | key::INSERT)])
        .doc("1.0.0", "O(1)", "Set the string value of a key only when the key doesn't exist."),
    Command::new("setex", 4, Group::String, setex).flags(W).acl(STR).keys(OW_UPDATE)
        .doc("2.0.0", "O(1)", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist."),
    Command::new("psetex", 4, Group::String, psetex).flags(W).acl(STR).keys(OW_UPDATE)
        .doc("2.6.0", "O(1)", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist."),
    Command::new("getset", 3, Group::String, getset).flags(W_FAST).acl(STR).keys(RW_UPDATE)
        .doc("1.0.0", "O(1)", "Returns the previous string value of a key after setting it to a new value."),
    Command::new("getdel", 2, Group::String, getdel).flags(flag::WRITE | flag::FAST).acl(STR)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::DELETE)])
        .doc("6.2.0", "O(1)", "Returns the string value of a key after deleting the key."),
    Command::new("getex", -2, Group::String, getex).flags(flag::WRITE | flag::FAST).acl(STR)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::UPDATE).notes("RW and UPDATE because it changes the TTL")])
        .doc("6.2.0", "O(1)", "Returns the string value of a key after setting its expiration time."),
    Command::new("mget", -2, Group::String, mget).flags(R_FAST).acl(STR)
        .keys(&[KeySpec::range(1, -1, 1, key::RO | key::ACCESS)])
        .tips(&["request_policy:multi_shard"])
        .doc("1.0.0", "O(N) where N is the number of keys to retrieve.", "Atomically returns the string values of one or more keys."),
    Command::new("mset", -3, Group::String, mset).flags(W).acl(STR)
        .keys(&[KeySpec::range(1, -1, 2, key::OW | key::UPDATE)])
        .tips(&["request_policy:multi_shard", "response_policy:all_succeeded"])
        .doc("1.0.1", "O(N) where N is the number of keys to set.", "Atomically creates or modifies the string values of one or more keys."),
    Command::new("msetnx", -3, Group::String, msetnx).flags(W).acl(STR)
        .keys(&[KeySpec::range(1, -1, 2, key::OW | key::INSERT)])
        .doc("1.0.1", "O(N) where N is the number of keys to set.", "Atomically modifies the string values of one or more keys only when all keys don't exist."),
    Command::new("append", 3, Group::String, append).flags(W_FAST).acl(STR).keys(RW_INSERT)
        .doc("2.0.0", "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.", "Appends a string to the value of a key. Creates the key if it doesn't exist."),
    Command::new("strlen", 2, Group::String, strlen).flags(R_FAST).acl(STR).keys(&[KeySpec::single(1, key::RO)])
        .doc("2.2.0", "O(1)", "Returns the length of a string value."),
    Command::new("getrange", 4, Group::String, getrange).flags(flag::READONLY).acl(STR).keys(RO)
        .doc("2.4.0", "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", "Returns a substring of the string stored at a key."),
    Command::new("substr", 4, Group::String, getrange).flags(flag::READONLY).acl(STR).keys(RO)
        .doc("1.0.0", "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", "Returns a substring from a string value."),
    Command::new("setrange", 4, Group::String, setrange).flags(W).acl(STR).keys(&[KeySpec::single(1, key::RW | key::UPDATE)])
        .doc("2.2.0", "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist."),
    Command::new("incr", 2, Group::String, incr).flags(W_FAST).acl(STR).keys(RW_UPDATE)
        .doc("1.0.0", "O(1)", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."),
    Command::new("decr", 2, Group::String, decr).flags(W_FAST).acl(STR).keys(RW_UPDATE)
        .doc("1.0.0", "O(1)", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."),
    Command::new("incrby", 3, Group::String, incrby).flags(W_FAST).acl(STR).keys(RW_UPDATE)
        .doc("1.0.0", "O(1)", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist."),
    Command::new("decrby", 3, Group::String, decrby).flags(W_FAST).acl(STR).keys(RW_UPDATE)
        .doc("1.0.0", "O(1)", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist."),
    Command::new("incrbyfloat", 3, Group::String, incrbyfloat).flags(W_FAST).acl(STR).keys(RW_UPDATE)
        .doc("2.6.0", "O(1)", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist."),
    Command::new("lcs", -3, Group::String, lcs).flags(flag::READONLY).acl(STR)
        .keys(&[KeySpec::range(1, 1, 1, key::RO | key::ACCESS)])
        .doc("7.0.0", "O(N*M) where N and M are the lengths of s1 and s2, respectively", "Finds the longest common substring."),
];

/// GET key
fn get(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    Ok(ctx.read_string(key)?.map_or(Reply::Null, |s| s.with_bytes(|bytes| Reply::bulk(bytes))))
}

/// The options of SET (and the fixed ones its older forms imply).
#[derive(Default)]
struct SetOptions {
    nx: bool,
    xx: bool,
    get: bool,
    keep_ttl: bool,
    /// Absolute deadline in milliseconds.
    expire_at: Option<i64>,
}

/// What SETNX/SETEX/... reply instead of SET's defaults.
struct SetReplies {
    ok: Reply,
    aborted: Reply,
}

const SET_REPLIES: SetReplies = SetReplies { ok: Reply::OK, aborted: Reply::Null };

/// Parses `[NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts|KEEPTTL]` in any order, with Redis's rule
/// that conflicting options are a syntax error.
fn parse_set_options(ctx: &mut Ctx) -> Result<SetOptions, Reply> {
    let mut opts = SetOptions::default();
    let mut expire: Option<(ExpireOption, &[u8])> = None;
    while let Some(word) = ctx.args.peek() {
        ctx.args.bytes()?;
        let upper = word.to_ascii_uppercase();
        match upper.as_slice() {
            b"NX" if !opts.xx => opts.nx = true,
            b"XX" if !opts.nx => opts.xx = true,
            b"GET" => opts.get = true,
            b"KEEPTTL" if expire.is_none() => opts.keep_ttl = true,
            _ => match ExpireOption::parse(&upper) {
                Some(option) if !opts.keep_ttl && expire.is_none_or(|(o, _)| o == option) && !ctx.args.is_empty() => {
                    expire = Some((option, ctx.args.bytes()?));
                }
                _ => return Err(errors::SYNTAX),
            },
        }
    }
    if let Some((option, arg)) = expire {
        opts.expire_at = Some(option.deadline(arg, ctx.now(), "set")?);
    }
    Ok(opts)
}

/// The heart of SET, SETNX, SETEX, PSETEX.
fn set_generic(ctx: &mut Ctx, key: &[u8], value: &[u8], opts: SetOptions, replies: SetReplies) -> CmdResult {
    // GET reads the old value as GET does: a miss counts (and is published) as one.
    let old = if opts.get { Some(ctx.read_string(key)?.map(|s| s.to_vec())) } else { None };
    let found = ctx.exists(key);
    if (opts.nx && found) || (opts.xx && !found) {
        return Ok(old.map_or(replies.aborted, Reply::opt_bulk));
    }
    ctx.store(key, Value::String(StringValue::from_bytes(value.to_vec())), opts.keep_ttl);
    ctx.notify(class::STRING, "set", key);
    if let Some(when) = opts.expire_at {
        ctx.db().set_expire(key, when);
        ctx.notify(class::GENERIC, "expire", key);
    }
    Ok(old.map_or(replies.ok, Reply::opt_bulk))
}

/// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
/// PXAT unix-time-milliseconds | KEEPTTL]
fn set(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let value = ctx.args.bytes()?;
    let opts = parse_set_options(ctx)?;
    set_generic(ctx, key, value, opts, SET_REPLIES)
}

/// SETNX key value
fn setnx(ctx: &mut Ctx) -> CmdResult {
    let (key, value) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let opts = SetOptions { nx: true, ..SetOptions::default() };
    set_generic(ctx, key, value, opts, SetReplies { ok: Reply::Integer(1), aborted: Reply::Integer(0) })
}

/// SETEX key seconds value / PSETEX key milliseconds value
fn set_with_ttl(ctx: &mut Ctx, option: ExpireOption, command: &str) -> CmdResult {
    let (key, ttl, value) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    let expire_at = Some(option.deadline(ttl, ctx.now(), command)?);
    set_generic(ctx, key, value, SetOptions { expire_at, ..SetOptions::default() }, SET_REPLIES)
}

/// SETEX key seconds value
fn setex(ctx: &mut Ctx) -> CmdResult {
    set_with_ttl(ctx, ExpireOption::Ex, "setex")
}

/// PSETEX key milliseconds value
fn psetex(ctx: &mut Ctx) -> CmdResult {
    set_with_ttl(ctx, ExpireOption::Px, "psetex")
}

/// GETSET key value
fn getset(ctx: &mut Ctx) -> CmdResult {
    let (key, value) = (ctx.args.bytes()?, ctx.args.bytes()?);
    set_generic(ctx, key, value, SetOptions { get: true, ..SetOptions::default() }, SET_REPLIES)
}

/// GETDEL key
fn getdel(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let Some(value) = ctx.read_string(key)?.map(|s| s.to_vec()) else {
        return Ok(Reply::Null);
    };
    ctx.delete(key);
    ctx.notify(class::GENERIC, "del", key);
    Ok(Reply::bulk(value))
}

/// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]
fn getex(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let mut expire: Option<(ExpireOption, &[u8])> = None;
    let mut persist = false;
    while let Some(word) = ctx.args.peek() {
        ctx.args.bytes()?;
        let upper = word.to_ascii_uppercase();
        match ExpireOption::parse(&upper) {
            _ if upper == b"PERSIST" && expire.is_none() => persist = true,
            Some(option) if !persist && expire.is_none_or(|(o, _)| o == option) && !ctx.args.is_empty() => {
                expire = Some((option, ctx.args.bytes()?));
            }
            _ => return Err(errors::SYNTAX),
        }
    }
    let Some(value) = ctx.read_string(key)?.map(|s| s.to_vec()) else {
        return Ok(Reply::Null);
    };
    if let Some((option, arg)) = expire {
        let when = option.deadline(arg, ctx.now(), "getex")?;
        if when <= ctx.now() {
            ctx.delete(key);
            ctx.notify(class::GENERIC, "del", key);
        } else {
            ctx.db().set_expire(key, when);
            ctx.ks.dirty += 1;
            ctx.notify(class::GENERIC, "expire", key);
        }
    } else if persist && ctx.db().persist(key) {
        ctx.ks.dirty += 1;
        ctx.notify(class::GENERIC, "persist", key);
    }
    Ok(Reply::bulk(value))
}

/// MGET key [key ...] — values of other types read as nil.
fn mget(ctx: &mut Ctx) -> CmdResult {
    let keys = ctx.args.rest();
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        match ctx.read_string(key) {
            Ok(Some(s)) => s.with_bytes(|bytes| Reply::push_bulk(&mut out, bytes)),
            _ => out.push(Reply::Null),
        }
    }
    Ok(Reply::Array(out))
}

/// The key/value pairs of MSET and MSETNX; an odd count is an arity error, as in Redis.
fn mset_pairs<'a>(ctx: &Ctx<'a>, command: &str) -> Result<&'a [&'a [u8]], Reply> {
    let pairs = ctx.args.rest();
    if !pairs.len().is_multiple_of(2) {
        return Err(errors::arity(command));
    }
    Ok(pairs)
}

/// MSET key value [key value ...]
fn mset(ctx: &mut Ctx) -> CmdResult {
    let pairs = mset_pairs(ctx, "mset")?;
    for pair in pairs.chunks_exact(2) {
        ctx.store(pair[0], Value::String(StringValue::from_bytes(pair[1].to_vec())), false);
        ctx.notify(class::STRING, "set", pair[0]);
    }
    Ok(Reply::OK)
}

/// MSETNX key value [key value ...] — all or nothing.
fn msetnx(ctx: &mut Ctx) -> CmdResult {
    let pairs = mset_pairs(ctx, "msetnx")?;
    for pair in pairs.chunks_exact(2) {
        if ctx.exists(pair[0]) {
            return Ok(Reply::Integer(0));
        }
    }
    for pair in pairs.chunks_exact(2) {
        ctx.store(pair[0], Value::String(StringValue::from_bytes(pair[1].to_vec())), false);
        ctx.notify(class::STRING, "set", pair[0]);
    }
    Ok(Reply::Integer(1))
}

/// Refuses strings that would grow past `proto-max-bulk-len`, as Redis's `checkStringLength`.
fn check_string_length(ctx: &Ctx, size: u64) -> Result<(), Reply> {
    if size > ctx.engine.config.read().proto_max_bulk_len {
        Err(errors::STRING_TOO_LONG)
    } else {
        Ok(())
    }
}

/// APPEND key value
fn append(ctx: &mut Ctx) -> CmdResult {
    let (key, value) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let current_len = match ctx.write_string(key)? {
        None => {
            ctx.store(key, Value::String(StringValue::from_bytes(value.to_vec())), false);
            ctx.notify(class::STRING, "append", key);
            return Ok(Reply::Integer(value.len() as i64));
        }
        Some(s) => s.len(),
    };
    check_string_length(ctx, (current_len + value.len()) as u64)?;
    let s = ctx.write_string(key)?.expect("checked above");
    let bytes = s.make_raw();
    bytes.extend_from_slice(value);
    let len = bytes.len();
    ctx.ks.dirty += 1;
    ctx.notify(class::STRING, "append", key);
    Ok(Reply::Integer(len as i64))
}

/// STRLEN key
fn strlen(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    Ok(Reply::Integer(ctx.read_string(key)?.map_or(0, |s| s.len() as i64)))
}

/// GETRANGE key start end (and its old name SUBSTR) — inclusive, negative indexes count from the end.
fn getrange(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let (mut start, mut end) = (ctx.args.int()?, ctx.args.int()?);
    let Some(s) = ctx.read_string(key)? else {
        return Ok(Reply::bulk(Vec::new()));
    };
    s.with_bytes(|bytes| {
        let len = bytes.len() as i64;
        if start < 0 && end < 0 && start > end {
            return Ok(Reply::bulk(Vec::new()));
        }
        if start < 0 {
            start += len;
        }
        if end < 0 {
            end += len;
        }
        start = start.max(0);
        end = end.max(0);
        if end >= len {
            end = len - 1;
        }
        if start > end || len == 0 {
            Ok(Reply::bulk(Vec::new()))
        } else {
            Ok(Reply::bulk(&bytes[start as usize..=end as usize]))
        }
    })
}

/// SETRANGE key offset value — pads with zero bytes; an empty value never creates the key.
fn setrange(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let offset = ctx.args.int()?;
    let value = ctx.args.bytes()?;
    if offset < 0 {
        return Err(Reply::err("ERR offset is out of range"));
    }
    let offset = offset as u64;
    let exists = match ctx.write_string(key)? {
        None => false,
        Some(s) if value.is_empty() => return Ok(Reply::Integer(s.len() as i64)),
        Some(_) => true,
    };
    if value.is_empty() {
        return Ok(Reply::Integer(0));
    }
    check_string_length(ctx, offset + value.len() as u64)?;
    if !exists {
        ctx.store(key, Value::String(StringValue::raw(Vec::new())), false);
    }
    let bytes = ctx.write_string(key)?.expect("exists now").make_raw();
    let offset = offset as usize;
    if bytes.len() < offset + value.len() {
        bytes.resize(offset + value.len(), 0);
    }
    bytes[offset..offset + value.len()].copy_from_slice(value);
    let len = bytes.len();
    ctx.ks.dirty += 1;
    ctx.notify(class::STRING, "setrange", key);
    Ok(Reply::Integer(len as i64))
}

/// The heart of INCR, DECR, INCRBY, DECRBY. The key keeps its time to live.
fn incr_generic(ctx: &mut Ctx, key: &[u8], by: i64) -> CmdResult {
    let current = match ctx.write_string(key)? {
        None => None,
        Some(s) => Some(s.as_i64().ok_or(errors::NOT_INTEGER)?),
    };
    let value = current.unwrap_or(0).checked_add(by).ok_or(errors::OVERFLOW)?;
    match ctx.write_string(key)? {
        Some(s) => {
            *s = StringValue::Int(value);
            ctx.ks.dirty += 1;
        }
        None => ctx.store(key, Value::String(StringValue::Int(value)), false),
    }
    ctx.notify(class::STRING, "incrby", key);
    Ok(Reply::Integer(value))
}

/// INCR key
fn incr(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    incr_generic(ctx, key, 1)
}

/// DECR key
fn decr(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    incr_generic(ctx, key, -1)
}

/// INCRBY key increment
fn incrby(ctx: &mut Ctx) -> CmdResult {
    let (key, by) = (ctx.args.bytes()?, ctx.args.int()?);
    incr_generic(ctx, key, by)
}

/// DECRBY key decrement
fn decrby(ctx: &mut Ctx) -> CmdResult {
    let (key, by) = (ctx.args.bytes()?, ctx.args.int()?);
    let by = by.checked_neg().ok_or(Reply::err("ERR decrement would overflow"))?;
    incr_generic(ctx, key, by)
}

/// INCRBYFLOAT key increment — computed in long double, as Redis does.
fn incrbyfloat(ctx: &mut Ctx) -> CmdResult {
    let (key, by) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let current = ctx.write_string(key)?.map(|s| s.to_vec());
    let text = incr_long_double(current.as_deref(), by).map_err(|e| match e {
        FloatIncrError::BadCurrent | FloatIncrError::BadIncrement => errors::NOT_FLOAT,
        FloatIncrError::NanOrInfinity => Reply::err("ERR increment would produce NaN or Infinity"),
    })?;
    // Redis stores the text as a plain string, never as an integer encoding.
    let value = StringValue::text(text.clone());
    match ctx.write_string(key)? {
        Some(s) => {
            *s = value;
            ctx.ks.dirty += 1;
        }
        None => ctx.store(key, Value::String(value), false),
    }
    ctx.notify(class::STRING, "incrbyfloat", key);
    Ok(Reply::bulk(text))
}

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
fn lcs(ctx: &mut Ctx) -> CmdResult {
    let (ka, kb) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let not_strings = Reply::err("ERR The specified keys must contain string values");
    let a = ctx.read_string(ka).map_err(|_| not_strings.clone())?.map(|s| s.to_vec()).unwrap_or_default();
    let b = ctx.read_string(kb).map_err(|_| not_strings)?.map(|s| s.to_vec()).unwrap_or_default();
    let (mut want_len, mut want_idx, mut with_match_len, mut min_match_len) = (false, false, false, 0i64);
    while let Some(word) = ctx.args.peek() {
        ctx.args.bytes()?;
        match word.to_ascii_uppercase().as_slice() {
            b"IDX" => want_idx = true,
            b"LEN" => want_len = true,
            b"WITHMATCHLEN" => with_match_len = true,
            b"MINMATCHLEN" if !ctx.args.is_empty() => min_match_len = ctx.args.int()?.max(0),
            _ => return Err(errors::SYNTAX),
        }
    }
    if want_len && want_idx {
        return Err(Reply::err("ERR If you want both the length and indexes, please just use IDX."));
    }
    let cells = (a.len() as u64 + 1) * (b.len() as u64 + 1);
    if cells.saturating_mul(4) > ctx.engine.config.read().proto_max_bulk_len {
        return Err(Reply::err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"));
    }
    Ok(Lcs::compute(&a, &b).reply(want_len, want_idx, with_match_len, min_match_len as u64))
}

/// The dynamic-programming table of longest common subsequence lengths.
struct Lcs<'a> {
    a: &'a [u8],
    b: &'a [u8],
    table: Vec<u32>,
}

impl<'a> Lcs<'a> {
    fn compute(a: &'a [u8], b: &'a [u8]) -> Self {
        let width = b.len() + 1;
        let mut table = vec![0u32; (a.len() + 1) * width];
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                table[i * width + j] = if a[i - 1] == b[j - 1] {
                    table[(i - 1) * width + j - 1] + 1
                } else {
                    table[(i - 1) * width + j].max(table[i * width + j - 1])
                };
            }
        }
        Lcs { a, b, table }
    }

    fn at(&self, i: usize, j: usize) -> u32 {
        self.table[i * (self.b.len() + 1) + j]
    }

    /// Walks the table back from the end, collecting the subsequence and its matching ranges in
    /// the order Redis reports them (last range first).
    fn reply(&self, want_len: bool, want_idx: bool, with_match_len: bool, min_match_len: u64) -> Reply {
        let total = self.at(self.a.len(), self.b.len());
        if want_len {
            return Reply::Integer(i64::from(total));
        }
        let mut result = vec![0u8; total as usize];
        let mut idx = total as usize;
        let mut matches = Vec::new();
        // `None` while no range is open; otherwise (a_start, a_end, b_start, b_end).
        let mut range: Option<(usize, usize, usize, usize)> = None;
        let (mut i, mut j) = (self.a.len(), self.b.len());
        while i > 0 && j > 0 {
            let mut emit = false;
            if self.a[i - 1] == self.b[j - 1] {
                result[idx - 1] = self.a[i - 1];
                match &mut range {
                    None => range = Some((i - 1, i - 1, j - 1, j - 1)),
                    Some((a_start, _, b_start, _)) if *a_start == i && *b_start == j => {
                        *a_start -= 1;
                        *b_start -= 1;
                    }
                    Some(_) => emit = true,
                }
                if let Some((a_start, _, b_start, _)) = range {
                    if a_start == 0 || b_start == 0 {
                        emit = true;
                    }
                }
                idx -= 1;
                i -= 1;
                j -= 1;
            } else {
                if self.at(i - 1, j) > self.at(i, j - 1) {
                    i -= 1;
                } else {
                    j -= 1;
                }
                emit = range.is_some();
            }
            if emit {
                if let Some((a_start, a_end, b_start, b_end)) = range.take() {
                    let len = (a_end - a_start + 1) as u64;
                    if min_match_len == 0 || len >= min_match_len {
                        let mut m = vec![
                            Reply::Array(vec![Reply::Integer(a_start as i64), Reply::Integer(a_end as i64)]),
                            Reply::Array(vec![Reply::Integer(b_start as i64), Reply::Integer(b_end as i64)]),
                        ];
                        if with_match_len {
                            m.push(Reply::Integer(len as i64));
                        }
                        matches.push(Reply::Array(m));
                    }
                }
            }
        }
        if want_idx {
            Reply::Map(vec![
                (Reply::bulk("matches"), Reply::Array(matches)),
                (Reply::bulk("len"), Reply::Integer(i64::from(total))),
            ])
        } else {
            Reply::bulk(result)
        }
    }
}
