//! List commands. The push family shares one generic, as Redis's `pushGenericCommand`; so do
//! the pops, and LMOVE with RPOPLPUSH. The blocking variants (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH,
//! BLMPOP) try the same work first and park on their keys when there is nothing to take.

use std::ops::Range;

use super::table::{acl, flag, key, BeginSearch, CmdResult, Command, FindKeys, Group, KeySpec};
use super::Ctx;
use crate::pubsub::class;
use crate::reply::{errors, Reply};
use crate::types::list::End;
use crate::types::{ListValue, Value};
use crate::util::parse_i64;

const PUSH_KEYS: &[KeySpec] = &[KeySpec::single(1, key::RW | key::INSERT)];
const READ_KEYS: &[KeySpec] = &[KeySpec::single(1, key::RO | key::ACCESS)];
const POP_KEYS: &[KeySpec] = &[KeySpec::single(1, key::RW | key::ACCESS | key::DELETE)];
const REMOVE_KEYS: &[KeySpec] = &[KeySpec::single(1, key::RW | key::DELETE)];
const MOVE_KEYS: &[KeySpec] = &[
    KeySpec::single(1, key::RW | key::ACCESS | key::DELETE),
    KeySpec::single(2, key::RW | key::INSERT),
];
const MPOP_KEYS: &[KeySpec] = &[KeySpec {
    flags: key::RW | key::ACCESS | key::DELETE,
    begin: BeginSearch::Index(1),
    find: FindKeys::Keynum { keynumidx: 0, firstkey: 1, keystep: 1 },
    notes: "",
}];
const BLOCKING_POP_KEYS: &[KeySpec] = &[KeySpec::range(1, -2, 1, key::RW | key::ACCESS | key::DELETE)];
const BLMPOP_KEYS: &[KeySpec] = &[KeySpec {
    flags: key::RW | key::ACCESS | key::DELETE,
    begin: BeginSearch::Index(2),
    find: FindKeys::Keynum { keynumidx: 0, firstkey: 1, keystep: 1 },
    notes: "",
}];
const PUSH: u32 = flag::WRITE | flag::DENYOOM | flag::FAST;
const POP: u32 = flag::WRITE | flag::FAST;
const W: u32 = flag::WRITE | flag::DENYOOM;
const LIST: u32 = acl::LIST;
const PUSH_COMPLEXITY: &str =
    "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";

pub static COMMANDS: &[Command] = &[
    Command::new("lpush", -3, Group::List, lpush).flags(PUSH).acl(LIST).keys(PUSH_KEYS)
        .doc("1.0.0", PUSH_COMPLEXITY, "Prepends one or more elements to a list. Creates the key if it doesn't exist."),
    Command::new("rpush", -3, Group::List, rpush).flags(PUSH).acl(LIST).keys(PUSH_KEYS)
        .doc("1.0.0", PUSH_COMPLEXITY, "Appends one or more elements to a list. Creates the key if it doesn't exist."),
    Command::new("lpushx", -3, Group::List, lpushx).flags(PUSH).acl(LIST).keys(PUSH_KEYS)
        .doc("2.2.0", PUSH_COMPLEXITY, "Prepends one or more elements to a list only when the list exists."),
    Command::new("rpushx", -3, Group::List, rpushx).flags(PUSH).acl(LIST).keys(PUSH_KEYS)
        .doc("2.2.0", PUSH_COMPLEXITY, "Appends an element to a list only when the list exists."),
    Command::new("lpop", -2, Group::List, lpop).flags(POP).acl(LIST).keys(POP_KEYS)
        .doc("1.0.0", "O(N) where N is the number of elements returned", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped."),
    Command::new("rpop", -2, Group::List, rpop).flags(POP).acl(LIST).keys(POP_KEYS)
        .doc("1.0.0", "O(N) where N is the number of elements returned", "Returns and removes the last elements of a list. Deletes the list if the last element was popped."),
    Command::new("llen", 2, Group::List, llen).flags(flag::READONLY | flag::FAST).acl(LIST)
        .keys(&[KeySpec::single(1, key::RO)])
        .doc("1.0.0", "O(1)", "Returns the length of a list."),
    Command::new("lrange", 4, Group::List, lrange).flags(flag::READONLY).acl(LIST).keys(READ_KEYS)
        .doc("1.0.0", "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.", "Returns a range of elements from a list."),
    Command::new("lindex", 3, Group::List, lindex).flags(flag::READONLY).acl(LIST).keys(READ_KEYS)
        .doc("1.0.0", "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).", "Returns an element from a list by its index."),
    Command::new("lset", 4, Group::List, lset).flags(W).acl(LIST)
        .keys(&[KeySpec::single(1, key::RW | key::UPDATE)])
        .doc("1.0.0", "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).", "Sets the value of an element in a list by its index."),
    Command::new("linsert", 5, Group::List, linsert).flags(W).acl(LIST).keys(PUSH_KEYS)
        .doc("2.2.0", "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).", "Inserts an element before or after another element in a list."),
    Command::new("lrem", 4, Group::List, lrem).flags(flag::WRITE).acl(LIST).keys(REMOVE_KEYS)
        .doc("1.0.0", "O(N+M) where N is the length of the list and M is the number of elements removed.", "Removes elements from a list. Deletes the list if the last element was removed."),
    Command::new("ltrim", 4, Group::List, ltrim).flags(flag::WRITE).acl(LIST).keys(REMOVE_KEYS)
        .doc("1.0.0", "O(N) where N is the number of elements to be removed by the operation.", "Removes elements from both ends a list. Deletes the list if all elements were trimmed."),
    Command::new("lpos", -3, Group::List, lpos).flags(flag::READONLY).acl(LIST).keys(READ_KEYS)
        .doc("6.0.6", "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.", "Returns the index of matching elements in a list."),
    Command::new("lmove", 5, Group::List, lmove).flags(W).acl(LIST).keys(MOVE_KEYS)
        .doc("6.2.0", "O(1)", "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved."),
    Command::new("rpoplpush", 3, Group::List, rpoplpush).flags(W).acl(LIST).keys(MOVE_KEYS)
        .doc("1.2.0", "O(1)", "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped."),
    Command::new("blpop", -3, Group::List, blpop).flags(flag::WRITE | flag::NOSCRIPT | flag::BLOCKING).acl(LIST).keys(BLOCKING_POP_KEYS)
        .doc("2.0.0", "O(N) where N is the number of provided keys.", "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."),
    Command::new("brpop", -3, Group::List, brpop).flags(flag::WRITE | flag::NOSCRIPT | flag::BLOCKING).acl(LIST).keys(BLOCKING_POP_KEYS)
        .doc("2.0.0", "O(N) where N is the number of provided keys.", "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."),
    Command::new("blmove", 6, Group::List, blmove).flags(W | flag::NOSCRIPT | flag::BLOCKING).acl(LIST).keys(MOVE_KEYS)
        .doc("6.2.0", "O(1)", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved."),
    Command::new("brpoplpush", 4, Group::List, brpoplpush).flags(W | flag::NOSCRIPT | flag::BLOCKING).acl(LIST).keys(MOVE_KEYS)
        .doc("2.2.0", "O(1)", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped."),
    Command::new("blmpop", -5, Group::List, blmpop).flags(flag::WRITE | flag::BLOCKING).acl(LIST).keys(BLMPOP_KEYS)
        .doc("7.0.0", "O(N+M) where N is the number of provided keys and M is the number of elements returned.", "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped."),
    Command::new("lmpop", -4, Group::List, lmpop).flags(flag::WRITE).acl(LIST).keys(MPOP_KEYS)
        .doc("7.0.0", "O(N+M) where N is the number of provided keys and M is the number of elements returned.", "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped."),
];

const OUT_OF_RANGE: Reply = Reply::err("ERR index out of range");
const MUST_BE_POSITIVE: Reply = Reply::err("ERR value is out of range, must be positive");
/// A rank must be negatable: Redis 7.2 refuses the one `i64` that is not.
const RANK_OUT_OF_RANGE: Reply =
    Reply::err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
const RANK_ZERO: Reply = Reply::err(
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
);

/// The list at `key`, created empty if missing (Redis's `dbAdd`); WRONGTYPE for another type.
fn list_or_create<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<&'c mut ListValue, Reply> {
    if ctx.write_list(key)?.is_none() {
        ctx.insert_absent(key, Value::List(Box::new(ListValue::new())));
    }
    Ok(ctx.write_list(key)?.expect("just created"))
}

/// A non-negative integer argument, as Redis's `getPositiveLongFromObjectOrReply`: one error
/// answers both a non-integer and a negative value.
fn non_negative(arg: &[u8], error: Reply) -> Result<usize, Reply> {
    match parse_i64(arg) {
        Some(n) if n >= 0 => Ok(n as usize),
        _ => Err(error),
    }
}

/// A strictly positive integer argument, with the error Redis words for it.
fn positive(arg: &[u8], error: Reply) -> Result<usize, Reply> {
    match parse_i64(arg) {
        Some(n) if n > 0 => Ok(n as usize),
        _ => Err(error),
    }
}

/// `LEFT` or `RIGHT`, case-insensitively.
fn parse_end(arg: &[u8]) -> Result<End, Reply> {
    if arg.eq_ignore_ascii_case(b"left") {
        Ok(End::Head)
    } else if arg.eq_ignore_ascii_case(b"right") {
        Ok(End::Tail)
    } else {
        Err(errors::SYNTAX)
    }
}

/// Redis's reading of inclusive `start`/`stop` indexes (negative ones count from the tail) as
/// the positions they select; empty when they select nothing.
fn index_range(start: i64, stop: i64, len: usize) -> Range<usize> {
    let len = len as i64;
    let start = if start < 0 { (len + start).max(0) } else { start };
    let stop = if stop < 0 { len + stop } else { stop };
    if start > stop || start >= len {
        0..0
    } else {
        start as usize..(stop.min(len - 1) + 1) as usize
    }
}

/// The keyspace event of a push onto `end`.
fn push_event(end: End) -> &'static str {
    match end {
        End::Head => "lpush",
        End::Tail => "rpush",
    }
}

/// Publishes a pop from `end` of `key`, then deletes the list if that emptied it (publishing
/// `del`), as Redis's `listElementsRemoved`.
fn after_pop(ctx: &mut Ctx, key: &[u8], end: End) {
    let event = match end {
        End::Head => "lpop",
        End::Tail => "rpop",
    };
    ctx.notify(class::LIST, event, key);
    ctx.delete_if_empty_and_notify(key);
}

/// The reply of popped elements: their buffers move into it (a range's elements are copied
/// with [`Reply::bulk_array`] instead).
fn popped_array(elements: Vec<Vec<u8>>) -> Reply {
    Reply::Array(elements.into_iter().map(Reply::bulk).collect())
}

/// The heart of LPUSH, RPUSH, LPUSHX and RPUSHX: replies with the new length.
fn push_generic(ctx: &mut Ctx, end: End, only_if_exists: bool) -> CmdResult {
    let key = ctx.args.bytes()?;
    let elements = ctx.args.rest();
    if only_if_exists && ctx.write_list(key)?.is_none() {
        return Ok(Reply::Integer(0));
    }
    let list = list_or_create(ctx, key)?;
    list.push(elements, end);
    let len = list.len();
    ctx.ks.dirty += elements.len() as u64;
    ctx.notify(class::LIST, push_event(end), key);
    Ok(Reply::Integer(len as i64))
}

/// LPUSH key element [element ...]
fn lpush(ctx: &mut Ctx) -> CmdResult {
    push_generic(ctx, End::Head, false)
}

/// RPUSH key element [element ...]
fn rpush(ctx: &mut Ctx) -> CmdResult {
    push_generic(ctx, End::Tail, false)
}

/// LPUSHX key element [element ...]
fn lpushx(ctx: &mut Ctx) -> CmdResult {
    push_generic(ctx, End::Head, true)
}

/// RPUSHX key element [element ...]
fn rpushx(ctx: &mut Ctx) -> CmdResult {
    push_generic(ctx, End::Tail, true)
}

/// The heart of LPOP and RPOP: one element as a bulk string, or with a count an array.
fn pop_generic(ctx: &mut Ctx, end: End, command: &str) -> CmdResult {
    let key = ctx.args.bytes()?;
    let count = match ctx.args.remaining() {
        0 => None,
        1 => Some(non_negative(ctx.args.bytes()?, MUST_BE_POSITIVE)?),
        _ => return Err(errors::arity(command)),
    };
    let Some(list) = ctx.write_list(key)? else {
        return Ok(if count.is_some() { Reply::NullArray } else { Reply::Null });
    };
    let (reply, popped) = match count {
        None => (Reply::bulk(list.pop(end).expect("stored lists are never empty")), 1),
        Some(0) => return Ok(Reply::Array(Vec::new())),
        Some(n) => {
            let elements = list.pop_many(n, end);
            let popped = elements.len();
            (popped_array(elements), popped)
        }
    };
    ctx.ks.dirty += popped as u64;
    after_pop(ctx, key, end);
    Ok(reply)
}

/// LPOP key [count]
fn lpop(ctx: &mut Ctx) -> CmdResult {
    pop_generic(ctx, End::Head, "lpop")
}

/// RPOP key [count]
fn rpop(ctx: &mut Ctx) -> CmdResult {
    pop_generic(ctx, End::Tail, "rpop")
}

/// LLEN key
fn llen(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    Ok(Reply::Integer(ctx.read_list(key)?.map_or(0, |l| l.len() as i64)))
}

/// LRANGE key start stop
fn lrange(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let (start, stop) = (ctx.args.int()?, ctx.args.int()?);
    let Some(list) = ctx.read_list(key)? else {
        return Ok(Reply::Array(Vec::new()));
    };
    Ok(Reply::bulk_array(list.range(index_range(start, stop, list.len()))))
}

/// LINDEX key index
fn lindex(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    // Redis looks the key up before it parses the index.
    let index = ctx.args.int();
    let Some(list) = ctx.read_list(key)? else {
        return Ok(Reply::Null);
    };
    let index = index?;
    Ok(Reply::opt_bulk(list.resolve(index).and_then(|i| list.get(i))))
}

/// LSET key index element
fn lset(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    // Redis looks the key up before it parses the index.
    let (index, element) = (ctx.args.int(), ctx.args.bytes()?);
    let list = ctx.write_list(key)?.ok_or(errors::NO_SUCH_KEY)?;
    if !list.set(index?, element) {
        return Err(OUT_OF_RANGE);
    }
    ctx.ks.dirty += 1;
    ctx.notify(class::LIST, "lset", key);
    Ok(Reply::OK)
}

/// LINSERT key <BEFORE | AFTER> pivot element — the new length, -1 without the pivot, 0
/// without the list.
fn linsert(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let after = match ctx.args.keyword()?.as_slice() {
        b"AFTER" => true,
        b"BEFORE" => false,
        _ => return Err(errors::SYNTAX),
    };
    let (pivot, element) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let Some(list) = ctx.write_list(key)? else {
        return Ok(Reply::Integer(0));
    };
    if !list.insert_beside(pivot, element, after) {
        return Ok(Reply::Integer(-1));
    }
    let len = list.len();
    ctx.ks.dirty += 1;
    ctx.notify(class::LIST, "linsert", key);
    Ok(Reply::Integer(len as i64))
}

/// LREM key count element — count > 0 removes from the head, < 0 from the tail, 0 all.
fn lrem(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let count = ctx.args.int()?;
    let element = ctx.args.bytes()?;
    let Some(list) = ctx.write_list(key)? else {
        return Ok(Reply::Integer(0));
    };
    let from = if count < 0 { End::Tail } else { End::Head };
    let removed = list.remove_matching(element, count.unsigned_abs() as usize, from);
    ctx.ks.dirty += removed as u64;
    if removed > 0 {
        ctx.notify(class::LIST, "lrem", key);
    }
    ctx.delete_if_empty_and_notify(key);
    Ok(Reply::Integer(removed as i64))
}

/// LTRIM key start stop
fn ltrim(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let (start, stop) = (ctx.args.int()?, ctx.args.int()?);
    let Some(list) = ctx.write_list(key)? else {
        return Ok(Reply::OK);
    };
    let keep = index_range(start, stop, list.len());
    let removed = list.trim(keep);
    ctx.ks.dirty += removed as u64;
    ctx.notify(class::LIST, "ltrim", key);
    ctx.delete_if_empty_and_notify(key);
    Ok(Reply::OK)
}

/// LPOS's options.
struct PositionQuery {
    /// Which match comes first (1 = the first); negative searches from the tail.
    rank: i64,
    /// How many matches to report: `None` replies with one position, `Some(0)` with all.
    count: Option<usize>,
    /// How many elements to compare at most; 0 is no limit.
    maxlen: usize,
}

impl PositionQuery {
    /// Parses `[RANK rank] [COUNT num-matches] [MAXLEN len]` with Redis's errors.
    fn parse(ctx: &mut Ctx) -> Result<Self, Reply> {
        let mut query = PositionQuery { rank: 1, count: None, maxlen: 0 };
        while let Some(word) = ctx.args.peek() {
            ctx.args.bytes()?;
            let has_value = !ctx.args.is_empty();
            match word.to_ascii_uppercase().as_slice() {
                b"RANK" if has_value => {
                    query.rank = ctx.args.int()?;
                    if query.rank == i64::MIN {
                        return Err(RANK_OUT_OF_RANGE);
                    }
                    if query.rank == 0 {
                        return Err(RANK_ZERO);
                    }
                }
                b"COUNT" if has_value => {
                    query.count = Some(non_negative(ctx.args.bytes()?, Reply::err("ERR COUNT can't be negative"))?);
                }
                b"MAXLEN" if has_value => {
                    query.maxlen = non_negative(ctx.args.bytes()?, Reply::err("ERR MAXLEN can't be negative"))?;
                }
                _ => return Err(errors::SYNTAX),
            }
        }
        Ok(query)
    }

    /// The positions of the wanted matches along `walk` (head-to-tail or tail-to-head).
    fn run<'l>(&self, walk: impl Iterator<Item = (usize, &'l [u8])>, element: &[u8]) -> Vec<i64> {
        let scanned = if self.maxlen == 0 { usize::MAX } else { self.maxlen };
        let wanted = match self.count {
            None => 1,
            Some(0) => usize::MAX,
            Some(n) => n,
        };
        let skipped = (self.rank.unsigned_abs() - 1) as usize;
        walk.take(scanned)
            .filter(|(_, e)| *e == element)
            .skip(skipped)
            .take(wanted)
            .map(|(i, _)| i as i64)
            .collect()
    }
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
fn lpos(ctx: &mut Ctx) -> CmdResult {
    let (key, element) = (ctx.args.bytes()?, ctx.args.bytes()?);
    let query = PositionQuery::parse(ctx)?;
    let positions = match ctx.read_list(key)? {
        None => Vec::new(),
        Some(list) if query.rank > 0 => query.run(list.iter().enumerate(), element),
        Some(list) => query.run(list.iter().enumerate().rev(), element),
    };
    Ok(match query.count {
        Some(_) => Reply::Array(positions.into_iter().map(Reply::Integer).collect()),
        None => positions.first().map_or(Reply::Null, |&i| Reply::Integer(i)),
    })
}

/// The heart of LMOVE and RPOPLPUSH: pops from `source`, pushes onto `destination` (which may
/// be the same list), replies with the element.
fn move_generic(ctx: &mut Ctx, from: End, to: End) -> CmdResult {
    let (source, destination) = (ctx.args.bytes()?, ctx.args.bytes()?);
    if ctx.write_list(source)?.is_none() {
        return Ok(Reply::Null);
    }
    // Refuse a destination of another type before anything moves.
    ctx.write_list(destination)?;
    let element = ctx.write_list(source)?.and_then(|l| l.pop(from)).expect("stored lists are never empty");
    list_or_create(ctx, destination)?.push(&[&element], to);
    ctx.ks.dirty += 1;
    // Redis publishes the push before the pop. Only now: with source == destination the list
    // must not be deleted in between.
    ctx.notify(class::LIST, push_event(to), destination);
    after_pop(ctx, source, from);
    Ok(Reply::bulk(element))
}

/// LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>
fn lmove(ctx: &mut Ctx) -> CmdResult {
    // Both directions are checked before either key is looked at.
    let argv = ctx.args.argv();
    let (from, to) = (parse_end(argv[3])?, parse_end(argv[4])?);
    move_generic(ctx, from, to)
}

/// RPOPLPUSH source destination
fn rpoplpush(ctx: &mut Ctx) -> CmdResult {
    move_generic(ctx, End::Tail, End::Head)
}

/// The arguments LMPOP and BLMPOP share: `numkeys key [key ...] <LEFT | RIGHT> [COUNT count]`.
struct MultiPop<'a> {
    keys: &'a [&'a [u8]],
    end: End,
    count: usize,
}

impl<'a> MultiPop<'a> {
    fn parse(args: &'a [&'a [u8]]) -> Result<Self, Reply> {
        let numkeys = positive(args[0], Reply::err("ERR numkeys should be greater than 0"))?;
        let rest = &args[1..];
        if numkeys >= rest.len() {
            return Err(errors::SYNTAX);
        }
        let (keys, options) = rest.split_at(numkeys);
        let end = parse_end(options[0])?;
        let mut count = None;
        let mut options = options[1..].iter();
        while let Some(word) = options.next() {
            match (word.to_ascii_uppercase().as_slice(), options.next()) {
                (b"COUNT", Some(value)) if count.is_none() => {
                    count = Some(positive(value, Reply::err("ERR count should be greater than 0"))?);
                }
                _ => return Err(errors::SYNTAX),
            }
        }
        Ok(MultiPop { keys, end, count: count.unwrap_or(1) })
    }

    /// Pops from the first non-empty list: `[key, [elements]]`, or `None` if all are empty.
    fn pop(&self, ctx: &mut Ctx) -> Result<Option<Reply>, Reply> {
        for key in self.keys {
            let Some(list) = ctx.write_list(key)? else {
                continue;
            };
            let elements = list.pop_many(self.count, self.end);
            ctx.ks.dirty += elements.len() as u64;
            after_pop(ctx, key, self.end);
            return Ok(Some(Reply::Array(vec![Reply::bulk(*key), popped_array(elements)])));
        }
        Ok(None)
    }
}

/// LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count] — pops from the first non-empty
/// list and replies with its name and the elements.
fn lmpop(ctx: &mut Ctx) -> CmdResult {
    let request = MultiPop::parse(ctx.args.rest())?;
    Ok(request.pop(ctx)?.unwrap_or(Reply::NullArray))
}

/// BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
fn blmpop(ctx: &mut Ctx) -> CmdResult {
    let deadline = super::Args::timeout_seconds(ctx.args.bytes()?, ctx.now())?;
    let request = MultiPop::parse(ctx.args.rest())?;
    match request.pop(ctx)? {
        Some(reply) => Ok(reply),
        None => ctx.block_on(request.keys, deadline, Reply::NullArray),
    }
}

/// The heart of BLPOP and BRPOP: `key [key ...] timeout`; pops from the first non-empty list
/// and replies `[key, element]`.
fn blocking_pop(ctx: &mut Ctx, end: End) -> CmdResult {
    let args = ctx.args.rest();
    let (timeout, keys) = args.split_last().expect("arity guarantees a timeout");
    let deadline = super::Args::timeout_seconds(timeout, ctx.now())?;
    for key in keys {
        let Some(list) = ctx.write_list(key)? else {
            continue;
        };
        let element = list.pop(end).expect("stored lists are never empty");
        ctx.ks.dirty += 1;
        after_pop(ctx, key, end);
        return Ok(Reply::Array(vec![Reply::bulk(*key), Reply::bulk(element)]));
    }
    ctx.block_on(keys, deadline, Reply::NullArray)
}

/// BLPOP key [key ...] timeout
fn blpop(ctx: &mut Ctx) -> CmdResult {
    blocking_pop(ctx, End::Head)
}

/// BRPOP key [key ...] timeout
fn brpop(ctx: &mut Ctx) -> CmdResult {
    blocking_pop(ctx, End::Tail)
}

/// The heart of BLMOVE and BRPOPLPUSH: LMOVE's work, or park on the source.
fn blocking_move(ctx: &mut Ctx, from: End, to: End, timeout: &[u8]) -> CmdResult {
    let deadline = super::Args::timeout_seconds(timeout, ctx.now())?;
    let source = ctx.args.peek().expect("arity guarantees a source");
    if ctx.write_list(source)?.is_none() {
        return ctx.block_on(&[source], deadline, Reply::Null);
    }
    move_generic(ctx, from, to)
}

/// BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout
fn blmove(ctx: &mut Ctx) -> CmdResult {
    let argv = ctx.args.argv();
    let (from, to) = (parse_end(argv[3])?, parse_end(argv[4])?);
    blocking_move(ctx, from, to, argv[5])
}

/// BRPOPLPUSH source destination timeout
fn brpoplpush(ctx: &mut Ctx) -> CmdResult {
    let timeout = ctx.args.argv()[3];
    blocking_move(ctx, End::Tail, End::Head, timeout)
}
