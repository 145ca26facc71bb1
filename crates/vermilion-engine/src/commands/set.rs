//! Set commands. SINTER, SUNION and SDIFF each have one generic serving the plain command, its
//! STORE form (and, for SINTER, SMEMBERS and SINTERCARD), as Redis's `sinterGenericCommand` and
//! `sunionDiffGenericCommand`.

use rand::rngs::SmallRng;
use rand::SeedableRng;

use super::hash::{parse_random_count, sample_distinct, scan_reply, ScanOptions};
use super::table::{acl, flag, key, BeginSearch, CmdResult, Command, FindKeys, Group, KeySpec};
use super::args::scan_cursor;
use super::Ctx;
use crate::pubsub::class;
use crate::reply::{errors, Reply};
use crate::types::set::Member;
use crate::types::{SetValue, Value};
use crate::util::parse_i64;

const RO: &[KeySpec] = &[KeySpec::single(1, key::RO)];
const RO_ACCESS: &[KeySpec] = &[KeySpec::single(1, key::RO | key::ACCESS)];
const RW_DELETE: &[KeySpec] = &[KeySpec::single(1, key::RW | key::ACCESS | key::DELETE)];
const ALL_SOURCES: &[KeySpec] = &[KeySpec::range(1, -1, 1, key::RO | key::ACCESS)];
const R_FAST: u32 = flag::READONLY | flag::FAST;
const STORE: u32 = flag::WRITE | flag::DENYOOM;
const SET: u32 = acl::SET;
const UNORDERED: &[&str] = &["nondeterministic_output_order"];
const RANDOM: &[&str] = &["nondeterministic_output"];
const INTER_COMPLEXITY: &str = "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
const UNION_COMPLEXITY: &str = "O(N) where N is the total number of elements in all given sets.";

/// The key specs of the STORE forms: the destination, then every source.
const fn store_keys(destination: u16) -> [KeySpec; 2] {
    [KeySpec::single(1, destination), KeySpec::range(2, -1, 1, key::RO | key::ACCESS)]
}
const OVERWRITE_STORE: &[KeySpec] = &store_keys(key::OW | key::UPDATE);
const UPDATE_STORE: &[KeySpec] = &store_keys(key::RW | key::UPDATE);
/// SINTERCARD's keys: as many as its first argument says.
const COUNTED_SOURCES: &[KeySpec] = &[KeySpec {
    flags: key::RO | key::ACCESS,
    begin: BeginSearch::Index(1),
    find: FindKeys::Keynum { keynumidx: 0, firstkey: 1, keystep: 1 },
    notes: "",
}];

pub static COMMANDS: &[Command] = &[
    Command::new("sadd", -3, Group::Set, sadd).flags(flag::WRITE | flag::DENYOOM | flag::FAST).acl(SET)
        .keys(&[KeySpec::single(1, key::RW | key::INSERT)])
        .doc("1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "Adds one or more members to a set. Creates the key if it doesn't exist."),
    Command::new("srem", -3, Group::Set, srem).flags(flag::WRITE | flag::FAST).acl(SET)
        .keys(&[KeySpec::single(1, key::RW | key::DELETE)])
        .doc("1.0.0", "O(N) where N is the number of members to be removed.", "Removes one or more members from a set. Deletes the set if the last member was removed."),
    Command::new("scard", 2, Group::Set, scard).flags(R_FAST).acl(SET).keys(RO)
        .doc("1.0.0", "O(1)", "Returns the number of members in a set."),
    Command::new("sismember", 3, Group::Set, sismember).flags(R_FAST).acl(SET).keys(RO)
        .doc("1.0.0", "O(1)", "Determines whether a member belongs to a set."),
    Command::new("smismember", -3, Group::Set, smismember).flags(R_FAST).acl(SET).keys(RO_ACCESS)
        .doc("6.2.0", "O(N) where N is the number of elements being checked for membership", "Determines whether multiple members belong to a set."),
    Command::new("smembers", 2, Group::Set, smembers).flags(flag::READONLY).acl(SET).keys(RO_ACCESS)
        .tips(UNORDERED)
        .doc("1.0.0", "O(N) where N is the set cardinality.", "Returns all members of a set."),
    Command::new("srandmember", -2, Group::Set, srandmember).flags(flag::READONLY).acl(SET).keys(RO_ACCESS)
        .tips(RANDOM)
        .doc("1.0.0", "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", "Get one or multiple random members from a set"),
    Command::new("spop", -2, Group::Set, spop).flags(flag::WRITE | flag::FAST).acl(SET).keys(RW_DELETE)
        .tips(RANDOM)
        .doc("1.0.0", "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped."),
    Command::new("smove", 4, Group::Set, smove).flags(flag::WRITE | flag::FAST).acl(SET)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::DELETE), KeySpec::single(2, key::RW | key::INSERT)])
        .doc("1.0.0", "O(1)", "Moves a member from one set to another."),
    Command::new("sinter", -2, Group::Set, sinter).flags(flag::READONLY).acl(SET).keys(ALL_SOURCES)
        .tips(UNORDERED)
        .doc("1.0.0", INTER_COMPLEXITY, "Returns the intersect of multiple sets."),
    Command::new("sintercard", -3, Group::Set, sintercard).flags(flag::READONLY).acl(SET)
        .keys(COUNTED_SOURCES)
        .doc("7.0.0", INTER_COMPLEXITY, "Returns the number of members of the intersect of multiple sets."),
    Command::new("sinterstore", -3, Group::Set, sinterstore).flags(STORE).acl(SET).keys(UPDATE_STORE)
        .doc("1.0.0", INTER_COMPLEXITY, "Stores the intersect of multiple sets in a key."),
    Command::new("sunion", -2, Group::Set, sunion).flags(flag::READONLY).acl(SET).keys(ALL_SOURCES)
        .tips(UNORDERED)
        .doc("1.0.0", UNION_COMPLEXITY, "Returns the union of multiple sets."),
    Command::new("sunionstore", -3, Group::Set, sunionstore).flags(STORE).acl(SET).keys(OVERWRITE_STORE)
        .doc("1.0.0", UNION_COMPLEXITY, "Stores the union of multiple sets in a key."),
    Command::new("sdiff", -2, Group::Set, sdiff).flags(flag::READONLY).acl(SET).keys(ALL_SOURCES)
        .tips(UNORDERED)
        .doc("1.0.0", UNION_COMPLEXITY, "Returns the difference of multiple sets."),
    Command::new("sdiffstore", -3, Group::Set, sdiffstore).flags(STORE).acl(SET).keys(OVERWRITE_STORE)
        .doc("1.0.0", UNION_COMPLEXITY, "Stores the difference of multiple sets in a key."),
    Command::new("sscan", -3, Group::Set, sscan).flags(flag::READONLY).acl(SET).keys(RO_ACCESS)
        .tips(RANDOM)
        .doc("2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", "Iterates over members of a set."),
];

fn member_reply(member: Member) -> Reply {
    match member {
        Member::Int(n) => Reply::bulk_int(n),
        Member::Bytes(bytes) => Reply::bulk(bytes),
    }
}

/// Members as bulk replies, each written straight into its slot (see [`Reply::push_bulk`]).
fn member_replies<'a>(members: impl IntoIterator<Item = Member<'a>>) -> Vec<Reply> {
    let members = members.into_iter();
    let mut out = Vec::with_capacity(members.size_hint().0);
    for member in members {
        match member {
            Member::Int(n) => Reply::push_bulk(&mut out, itoa::Buffer::new().format(n).as_bytes()),
            Member::Bytes(bytes) => Reply::push_bulk(&mut out, bytes),
        }
    }
    out
}

/// The set at `key` for writing, created in the encoding `first` needs if missing: only for
/// callers about to add `first`, so no empty set is ever left behind.
fn set_to_fill<'c>(ctx: &'c mut Ctx, key: &[u8], first: &[u8]) -> Result<&'c mut SetValue, Reply> {
    if ctx.write_set(key)?.is_none() {
        ctx.insert_absent(key, Value::Set(Box::new(SetValue::for_member(first))));
    }
    Ok(ctx.write_set(key)?.expect("created above"))
}

/// SADD key member [member ...]
fn sadd(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let members = ctx.args.rest();
    let set = set_to_fill(ctx, key, members[0])?;
    let added = members.iter().filter(|m| set.insert(m)).count();
    ctx.ks.dirty += added as u64;
    if added > 0 {
        ctx.notify(class::SET, "sadd", key);
    }
    Ok(Reply::Integer(added as i64))
}

/// SREM key member [member ...] — deletes the key with its last member.
fn srem(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let members = ctx.args.rest();
    let Some(set) = ctx.write_set(key)? else {
        return Ok(Reply::Integer(0));
    };
    let removed = members.iter().filter(|m| set.remove(m)).count();
    if removed > 0 {
        ctx.notify(class::SET, "srem", key);
    }
    ctx.delete_if_empty_and_notify(key);
    ctx.ks.dirty += removed as u64;
    Ok(Reply::Integer(removed as i64))
}

/// SCARD key
fn scard(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    Ok(Reply::Integer(ctx.read_set(key)?.map_or(0, |s| s.len() as i64)))
}

/// SISMEMBER key member
fn sismember(ctx: &mut Ctx) -> CmdResult {
    let (key, member) = (ctx.args.bytes()?, ctx.args.bytes()?);
    Ok(Reply::Integer(i64::from(ctx.read_set(key)?.is_some_and(|s| s.contains(member)))))
}

/// SMISMEMBER key member [member ...] — a missing key reads as an empty set.
fn smismember(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let members = ctx.args.rest();
    let set = ctx.read_set(key)?;
    let found = |m: &&[u8]| set.as_ref().is_some_and(|s| s.contains(m));
    Ok(Reply::Array(members.iter().map(|m| Reply::Integer(i64::from(found(m)))).collect()))
}

/// SMEMBERS key — Redis serves it as a one-set SINTER.
fn smembers(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let members = ctx.read_set(key)?.map_or_else(Vec::new, |set| member_replies(set.iter()));
    Ok(Reply::Set(members))
}

/// SRANDMEMBER key [count]
fn srandmember(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    if ctx.args.remaining() > 1 {
        return Err(errors::SYNTAX);
    }
    let mut rng = SmallRng::from_rng(&mut ctx.ks.rng);
    if ctx.args.is_empty() {
        let set = ctx.read_set(key)?;
        return Ok(set.and_then(|s| s.random(&mut rng)).map_or(Reply::Null, member_reply));
    }
    let count = parse_random_count(ctx.args.bytes()?)?;
    let Some(set) = ctx.read_set(key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    let set: &SetValue = set;
    let wanted = count.unsigned_abs() as usize;
    let draw = |rng: &mut SmallRng| set.random(rng).expect("a stored set is never empty");
    let members = if count < 0 {
        (0..wanted).map(|_| draw(&mut rng)).collect()
    } else if wanted >= set.len() {
        set.iter().collect()
    } else {
        sample_distinct(&mut rng, set.len(), wanted, set.iter(), draw)
    };
    Ok(Reply::Array(member_replies(members)))
}

/// SPOP key [count]
fn spop(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    match ctx.args.remaining() {
        0 => spop_one(ctx, key),
        1 => {
            // Redis words every unusable count, even a non-number, this way.
            let count = parse_i64(ctx.args.bytes()?)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or(Reply::err("ERR value is out of range, must be positive"))?;
            spop_many(ctx, key, count)
        }
        _ => Err(errors::SYNTAX),
    }
}

/// SPOP key — one member, or nil.
fn spop_one(ctx: &mut Ctx, key: &[u8]) -> CmdResult {
    let mut rng = SmallRng::from_rng(&mut ctx.ks.rng);
    let Some(set) = ctx.write_set(key)? else {
        return Ok(Reply::Null);
    };
    let member = set.pop_random(&mut rng).expect("a stored set is never empty");
    ctx.notify(class::SET, "spop", key);
    ctx.delete_if_empty_and_notify(key);
    ctx.ks.dirty += 1;
    Ok(Reply::bulk(member))
}

/// When the members left would be at most a fifth of those popped, SPOP with a count draws the
/// survivors into a new set instead of popping one by one (Redis's `SPOP_MOVE_STRATEGY_MUL`).
const SPOP_KEEP_RATIO: usize = 5;

/// SPOP key count — a set reply of up to `count` members, all of them if the set is no bigger.
fn spop_many(ctx: &mut Ctx, key: &[u8], count: usize) -> CmdResult {
    let mut rng = SmallRng::from_rng(&mut ctx.ks.rng);
    let Some(set) = ctx.write_set(key)? else {
        return Ok(Reply::Set(Vec::new()));
    };
    let size = set.len();
    if count == 0 {
        return Ok(Reply::Set(Vec::new()));
    }
    ctx.notify(class::SET, "spop", key);
    let set = ctx.write_set(key)?.expect("looked up above");
    let popped: Vec<Reply> = if count >= size {
        let all = set.iter().map(member_reply).collect();
        ctx.db().remove(key);
        ctx.notify(class::GENERIC, "del", key);
        all
    } else if (size - count) * SPOP_KEEP_RATIO > count {
        (0..count).map(|_| Reply::bulk(set.pop_random(&mut rng).expect("count < size"))).collect()
    } else {
        let mut survivors = SetValue::new();
        for _ in 0..size - count {
            survivors.insert(&set.pop_random(&mut rng).expect("count < size"));
        }
        let popped = std::mem::replace(set, survivors);
        popped.iter().map(member_reply).collect()
    };
    ctx.ks.dirty += popped.len() as u64;
    Ok(Reply::Set(popped))
}

/// SMOVE source destination member
fn smove(ctx: &mut Ctx) -> CmdResult {
    let (src, dst, member) = (ctx.args.bytes()?, ctx.args.bytes()?, ctx.args.bytes()?);
    // Redis looks both keys up first, then answers 0 for a missing source before any type check.
    let src_is_set = ctx.write(src).map(|e| matches!(e, Value::Set(_)));
    let dst_is_set = ctx.write(dst).map(|e| matches!(e, Value::Set(_)));
    match (src_is_set, dst_is_set) {
        (None, _) => return Ok(Reply::Integer(0)),
        (Some(false), _) | (_, Some(false)) => return Err(errors::WRONGTYPE),
        _ => {}
    }
    let source = ctx.write_set(src)?.expect("checked above");
    if src == dst {
        return Ok(Reply::Integer(i64::from(source.contains(member))));
    }
    if !source.remove(member) {
        return Ok(Reply::Integer(0));
    }
    ctx.notify(class::SET, "srem", src);
    ctx.delete_if_empty_and_notify(src);
    let added = set_to_fill(ctx, dst, member)?.insert(member);
    ctx.ks.dirty += 1 + u64::from(added);
    if added {
        ctx.notify(class::SET, "sadd", dst);
    }
    Ok(Reply::Integer(1))
}

/// Looks every source key up as SINTER, SUNION and SDIFF do (lazy expiry, statistics, WRONGTYPE
/// for any key of another type) and returns the sets; a missing key is `None`, an empty set.
fn source_sets<'c>(ctx: &'c mut Ctx, keys: &[&[u8]]) -> Result<Vec<Option<&'c SetValue>>, Reply> {
    for key in keys {
        ctx.read_set(key)?;
    }
    let db = &ctx.ks.dbs[ctx.client.db];
    Ok(keys
        .iter()
        .map(|k| match db.keys.get(k) {
            Some(Value::Set(set)) => Some(&**set),
            _ => None,
        })
        .collect())
}

/// The members all `sets` share, found by walking the smallest one; a missing set empties it.
fn intersection<'s>(sets: Vec<Option<&'s SetValue>>) -> impl Iterator<Item = Member<'s>> {
    let mut present: Vec<&SetValue> = sets.iter().flatten().copied().collect();
    if present.len() < sets.len() {
        present.clear();
    }
    present.sort_by_key(|s| s.len());
    let walked = present.first().copied();
    // A key named twice is the same set: no need to test the walked set against itself.
    let others: Vec<&SetValue> =
        present.into_iter().skip(1).filter(|s| walked.is_none_or(|w| !std::ptr::eq(*s, w))).collect();
    walked.into_iter().flat_map(|s| s.iter()).filter(move |&m| others.iter().all(|s| s.contains_member(m)))
}

/// All members of all `sets`, in a new set (an intset while they are all integers, as Redis).
fn union(sets: &[Option<&SetValue>]) -> SetValue {
    let mut out = SetValue::new();
    for set in sets.iter().flatten() {
        for member in set.iter() {
            out.insert_member(member);
        }
    }
    out
}

/// The members of the first set in none of the others, in a new set.
fn difference(sets: &[Option<&SetValue>]) -> SetValue {
    let mut out = SetValue::new();
    let Some((Some(first), rest)) = sets.split_first() else {
        return out;
    };
    let mut others: Vec<&SetValue> = rest.iter().flatten().copied().collect();
    if others.iter().any(|s| std::ptr::eq(*s, *first)) {
        return out;
    }
    // Redis's choice: testing each member of the first set costs |first| per set, copying it
    // and removing everything else costs the total size; the test is favoured (halved) because
    // it stops early on shared members.
    let test_each_cost = first.len() * (others.len() + 1) / 2;
    let copy_cost = first.len() + others.iter().map(|s| s.len()).sum::<usize>();
    if test_each_cost <= copy_cost {
        // Biggest first: the likeliest to hold a member, so the test stops sooner.
        others.sort_by_key(|s| std::cmp::Reverse(s.len()));
        for member in first.iter().filter(|&m| !others.iter().any(|s| s.contains_member(m))) {
            out.insert_member(member);
        }
    } else {
        for member in first.iter() {
            out.insert_member(member);
        }
        for member in others.iter().flat_map(|s| s.iter()) {
            out.remove_member(member);
            if out.is_empty() {
                break;
            }
        }
    }
    out
}

/// Stores a computed set at `destination` (dropping any expiry) and publishes `event`, or
/// deletes it when the result is empty (publishing `del` if it existed). Replies with the
/// result's size.
fn store_result(ctx: &mut Ctx, destination: &[u8], result: SetValue, event: &str) -> CmdResult {
    let len = result.len() as i64;
    if result.is_empty() {
        if ctx.delete(destination) {
            ctx.notify(class::GENERIC, "del", destination);
        }
    } else {
        ctx.store(destination, Value::Set(Box::new(result)), false);
        ctx.notify(class::SET, event, destination);
    }
    Ok(Reply::Integer(len))
}

/// SINTER key [key ...]
fn sinter(ctx: &mut Ctx) -> CmdResult {
    let keys = ctx.args.rest();
    let sets = source_sets(ctx, keys)?;
    Ok(Reply::Set(member_replies(intersection(sets))))
}

/// SINTERSTORE destination key [key ...]
fn sinterstore(ctx: &mut Ctx) -> CmdResult {
    let destination = ctx.args.bytes()?;
    let keys = ctx.args.rest();
    let sets = source_sets(ctx, keys)?;
    let mut result = SetValue::new();
    for member in intersection(sets) {
        result.insert_member(member);
    }
    store_result(ctx, destination, result, "sinterstore")
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit] — LIMIT 0 means no limit.
fn sintercard(ctx: &mut Ctx) -> CmdResult {
    let numkeys = parse_i64(ctx.args.bytes()?)
        .filter(|&n| n >= 1)
        .ok_or(Reply::err("ERR numkeys should be greater than 0"))?;
    if numkeys > ctx.args.remaining() as i64 {
        return Err(Reply::err("ERR Number of keys can't be greater than number of args"));
    }
    let (keys, options) = ctx.args.rest().split_at(numkeys as usize);
    let mut limit = usize::MAX;
    let mut options = options.iter();
    while let Some(word) = options.next() {
        match options.next() {
            Some(value) if word.eq_ignore_ascii_case(b"LIMIT") => {
                let n = parse_i64(value).filter(|&n| n >= 0).ok_or(Reply::err("ERR LIMIT can't be negative"))?;
                limit = if n == 0 { usize::MAX } else { n as usize };
            }
            _ => return Err(errors::SYNTAX),
        }
    }
    let sets = source_sets(ctx, keys)?;
    Ok(Reply::Integer(intersection(sets).take(limit).count() as i64))
}

/// SUNION key [key ...]
fn sunion(ctx: &mut Ctx) -> CmdResult {
    let keys = ctx.args.rest();
    let sets = source_sets(ctx, keys)?;
    Ok(Reply::Set(union(&sets).iter().map(member_reply).collect()))
}

/// SUNIONSTORE destination key [key ...]
fn sunionstore(ctx: &mut Ctx) -> CmdResult {
    let destination = ctx.args.bytes()?;
    let keys = ctx.args.rest();
    let result = union(&source_sets(ctx, keys)?);
    store_result(ctx, destination, result, "sunionstore")
}

/// SDIFF key [key ...]
fn sdiff(ctx: &mut Ctx) -> CmdResult {
    let keys = ctx.args.rest();
    let sets = source_sets(ctx, keys)?;
    Ok(Reply::Set(difference(&sets).iter().map(member_reply).collect()))
}

/// SDIFFSTORE destination key [key ...]
fn sdiffstore(ctx: &mut Ctx) -> CmdResult {
    let destination = ctx.args.bytes()?;
    let keys = ctx.args.rest();
    let result = difference(&source_sets(ctx, keys)?);
    store_result(ctx, destination, result, "sdiffstore")
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]
fn sscan(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let cursor = scan_cursor(ctx.args.bytes()?)?;
    let options = ScanOptions::parse(ctx.args);
    let Some(set) = ctx.read_set(key)? else {
        return Ok(scan_reply(0, Vec::new()));
    };
    let options = options?;
    let mut found = Vec::new();
    let next = set.scan(cursor, options.count, |member| {
        let matched = match member {
            Member::Int(n) => options.matches(itoa::Buffer::new().format(n).as_bytes()),
            Member::Bytes(bytes) => options.matches(bytes),
        };
        if matched {
            found.push(member_reply(member));
        }
    });
    Ok(scan_reply(next, found))
}
