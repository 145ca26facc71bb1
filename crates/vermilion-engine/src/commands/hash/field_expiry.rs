//! Hash field expiry, with Redis 7.4's commands and replies: HEXPIRE, HPEXPIRE, HEXPIREAT and
//! HPEXPIREAT set field TTLs, HTTL, HPTTL, HEXPIRETIME and HPEXPIRETIME read them, HPERSIST
//! removes them. Each answers one integer per field named after `FIELDS numfields`.
//!
//! Also here: the lazy expiry the other hash commands apply to the fields they touch.

use std::cell::Cell;

use super::super::table::CmdResult;
use super::super::Ctx;
use crate::engine::Engine;
use crate::pubsub::class;
use crate::reply::Reply;
use crate::types::hash::MAX_FIELD_EXPIRE_MS;
use crate::types::{HashValue, Value};
use crate::util::parse_i64;

/// Per-field replies of the HEXPIRE family (Redis's `SetExRes`).
const NO_FIELD: i64 = -2;
const CONDITION_NOT_MET: i64 = 0;
const TTL_SET: i64 = 1;
const DELETED_AS_PAST: i64 = 2;
/// HTTL's and HPERSIST's reply for a field without a TTL.
const NO_TTL: i64 = -1;
const PERSISTED: i64 = 1;

const FIELDS_MISSING: Reply = Reply::err("ERR Mandatory argument FIELDS is missing or not at the right position");
const BAD_NUMFIELDS_SET: Reply = Reply::err("ERR Parameter `numFields` should be greater than 0");
const BAD_NUMFIELDS_READ: Reply = Reply::err("ERR Number of fields must be a positive integer");
const NUMFIELDS_MISMATCH: Reply = Reply::err("ERR The `numfields` parameter must match the number of arguments");
const NEGATIVE_TIME: Reply = Reply::err("ERR invalid expire time, must be >= 0");

/// The command's time for field TTLs, read from the clock only if a field with a TTL is looked
/// at. Taken from the context before the hash is borrowed out of it, and handed back with
/// [`FieldClock::settle`] so every later read in the command sees the same instant.
pub(in crate::commands) struct FieldClock<'e> {
    engine: &'e Engine,
    now: Cell<Option<i64>>,
}

impl<'e> FieldClock<'e> {
    pub fn of(ctx: &Ctx<'e>) -> Self {
        FieldClock { engine: ctx.engine, now: Cell::new(ctx.now.get()) }
    }

    pub fn now(&self) -> i64 {
        match self.now.get() {
            Some(now) => now,
            None => {
                let now = self.engine.clock.now_ms();
                self.now.set(Some(now));
                now
            }
        }
    }

    /// Hands the time read (if any) back to the command's snapshot.
    pub fn settle(&self, ctx: &Ctx) {
        if let Some(now) = self.now.get() {
            ctx.now.set(Some(now));
        }
    }
}

/// What follows a lazy expiry of fields of the hash at `key`: one `hexpired` event, watchers
/// and tracking clients see the key change (as Redis signals it), and the key goes with its
/// last field (publishing `del`).
pub(in crate::commands) fn after_fields_expired(ctx: &mut Ctx, key: &[u8], clock: &FieldClock) {
    clock.settle(ctx);
    announce_fields_expired(ctx, key);
    ctx.delete_if_empty_and_notify(key);
}

/// Publishes `hexpired` for fields of `key` just reclaimed, and signals the key as changed:
/// the reclaim happens whether or not the command itself changes anything.
fn announce_fields_expired(ctx: &mut Ctx, key: &[u8]) {
    ctx.notify(class::HASH, "hexpired", key);
    ctx.ks.watched.touch(ctx.client.db, key);
    ctx.ks.tracking.invalidate(key, None);
}

/// The value of `field` in the hash at `key`, which the caller has looked up already (and
/// counted as a read), reclaiming the field first if its time has passed: for commands of
/// other families that read single fields (SORT's `key->field` patterns).
pub(in crate::commands) fn live_field_value(ctx: &mut Ctx, key: &[u8], field: &[u8]) -> Option<Vec<u8>> {
    let clock = FieldClock::of(ctx);
    let Some(Value::Hash(hash)) = ctx.db().keys.get_mut(key) else {
        return None;
    };
    let expired = hash.reclaim_if_expired(field, || clock.now());
    let value = hash.get(field).map(<[u8]>::to_vec);
    if expired {
        after_fields_expired(ctx, key, &clock);
    }
    value
}

/// Lazily expires `field` of the hash at `key` if its time has passed (for commands about to
/// write it; the key goes with its last field).
pub(in crate::commands) fn reclaim_field(ctx: &mut Ctx, key: &[u8], field: &[u8]) -> Result<(), Reply> {
    let clock = FieldClock::of(ctx);
    if ctx.write_hash(key)?.is_some_and(|h| h.reclaim_if_expired(field, || clock.now())) {
        after_fields_expired(ctx, key, &clock);
    }
    Ok(())
}

/// Which times a field may be given (HEXPIRE's NX, XX, GT and LT).
#[derive(Clone, Copy, PartialEq)]
enum Condition {
    Always,
    /// Only fields without a TTL.
    NoTtl,
    /// Only fields with a TTL.
    HasTtl,
    /// Only a later time; a field without a TTL counts as never expiring.
    Later,
    /// Only an earlier time; a field without a TTL counts as never expiring.
    Earlier,
}

impl Condition {
    fn parse(word: &[u8]) -> Option<Self> {
        match word.to_ascii_uppercase().as_slice() {
            b"NX" => Some(Condition::NoTtl),
            b"XX" => Some(Condition::HasTtl),
            b"GT" => Some(Condition::Later),
            b"LT" => Some(Condition::Earlier),
            _ => None,
        }
    }

    fn allows(self, current: Option<i64>, new: i64) -> bool {
        match (self, current) {
            (Condition::Always, _) => true,
            (Condition::NoTtl, current) => current.is_none(),
            (Condition::HasTtl | Condition::Later, None) => false,
            (Condition::HasTtl, Some(_)) => true,
            (Condition::Later, Some(current)) => new > current,
            (Condition::Earlier, None) => true,
            (Condition::Earlier, Some(current)) => new < current,
        }
    }
}

/// Parses `FIELDS numfields field...` from `args` (the tail of the command): the field list.
fn fields_argument<'a>(args: &'a [&'a [u8]], bad_count: Reply) -> Result<&'a [&'a [u8]], Reply> {
    if !args.first().is_some_and(|w| w.eq_ignore_ascii_case(b"FIELDS")) {
        return Err(FIELDS_MISSING);
    }
    let count = args.get(1).and_then(|n| parse_i64(n)).filter(|&n| n >= 1).ok_or(bad_count)?;
    let fields = &args[2..];
    if usize::try_from(count).ok() != Some(fields.len()) {
        return Err(NUMFIELDS_MISMATCH);
    }
    Ok(fields)
}

fn integers(values: impl IntoIterator<Item = i64>) -> Reply {
    Reply::Array(values.into_iter().map(Reply::Integer).collect())
}

/// The unit of a command's time argument or reply.
#[derive(Clone, Copy)]
enum Unit {
    Seconds,
    Milliseconds,
}

/// Whether a time argument is relative to now or a Unix timestamp.
#[derive(Clone, Copy)]
enum Base {
    Now,
    Epoch,
}

/// The heart of the HEXPIRE family: `key time [NX|XX|GT|LT] FIELDS numfields field...`.
fn expire_generic(ctx: &mut Ctx, command: &str, base: Base, unit: Unit) -> CmdResult {
    let key = ctx.args.bytes()?;
    let exists = ctx.write_hash(key)?.is_some();
    let time = ctx.args.int()?;
    if time < 0 {
        return Err(NEGATIVE_TIME);
    }
    let bad_time = || Reply::error(format!("ERR invalid expire time in '{command}' command"));
    let mut when = match unit {
        Unit::Seconds if time > MAX_FIELD_EXPIRE_MS / 1000 => return Err(bad_time()),
        Unit::Seconds => time * 1000,
        Unit::Milliseconds => time,
    };
    let now = ctx.now();
    let base_ms = match base {
        Base::Now => now,
        Base::Epoch => 0,
    };
    if when > MAX_FIELD_EXPIRE_MS - base_ms {
        return Err(bad_time());
    }
    when += base_ms;
    let mut rest = ctx.args.rest();
    let condition = match rest.first().and_then(|w| Condition::parse(w)) {
        Some(condition) => {
            rest = &rest[1..];
            condition
        }
        None => Condition::Always,
    };
    let fields = fields_argument(rest, BAD_NUMFIELDS_SET)?;
    if !exists {
        return Ok(integers(fields.iter().map(|_| NO_FIELD)));
    }
    let hash = ctx.write_hash(key)?.expect("looked up above");
    hash.allow_field_ttls();
    let outcomes: Vec<FieldOutcome> = fields.iter().map(|field| set_field_expiry(hash, field, when, condition, now)).collect();
    let count = |wanted: FieldOutcome| outcomes.iter().filter(|&&o| o == wanted).count();
    let (reclaimed, deleted, updated) = (count(FieldOutcome::Reclaimed), count(FieldOutcome::DeletedAsPast), count(FieldOutcome::TtlSet));
    if reclaimed > 0 {
        announce_fields_expired(ctx, key);
    }
    if deleted + updated > 0 {
        ctx.ks.dirty += (deleted + updated) as u64;
        // One event for the command: fields deleted for a past time make it an `hdel`.
        ctx.notify(class::HASH, if deleted > 0 { "hdel" } else { "hexpire" }, key);
    }
    if !ctx.delete_if_empty_and_notify(key) {
        ctx.db().track_field_ttls(key);
    }
    Ok(integers(outcomes.into_iter().map(FieldOutcome::reply)))
}

/// What HEXPIRE did to one field.
#[derive(Clone, Copy, PartialEq)]
enum FieldOutcome {
    Missing,
    /// Its own time had passed, so it was reclaimed and counts as missing.
    Reclaimed,
    ConditionNotMet,
    TtlSet,
    /// The new time is not after now, so the field was deleted.
    DeletedAsPast,
}

impl FieldOutcome {
    fn reply(self) -> i64 {
        match self {
            FieldOutcome::Missing | FieldOutcome::Reclaimed => NO_FIELD,
            FieldOutcome::ConditionNotMet => CONDITION_NOT_MET,
            FieldOutcome::TtlSet => TTL_SET,
            FieldOutcome::DeletedAsPast => DELETED_AS_PAST,
        }
    }
}

/// One field of HEXPIRE. A time not after now deletes the field, as Redis does.
fn set_field_expiry(hash: &mut HashValue, field: &[u8], when: i64, condition: Condition, now: i64) -> FieldOutcome {
    if !hash.contains(field) {
        return FieldOutcome::Missing;
    }
    if hash.reclaim_if_expired(field, || now) {
        return FieldOutcome::Reclaimed;
    }
    if !condition.allows(hash.field_ttl(field), when) {
        return FieldOutcome::ConditionNotMet;
    }
    if when <= now {
        hash.remove(field);
        return FieldOutcome::DeletedAsPast;
    }
    hash.set_field_ttl(field, when);
    FieldOutcome::TtlSet
}

/// HEXPIRE key seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
pub(super) fn hexpire(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, "hexpire", Base::Now, Unit::Seconds)
}

/// HPEXPIRE key milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
pub(super) fn hpexpire(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, "hpexpire", Base::Now, Unit::Milliseconds)
}

/// HEXPIREAT key unix-time-seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
pub(super) fn hexpireat(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, "hexpireat", Base::Epoch, Unit::Seconds)
}

/// HPEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
pub(super) fn hpexpireat(ctx: &mut Ctx) -> CmdResult {
    expire_generic(ctx, "hpexpireat", Base::Epoch, Unit::Milliseconds)
}

/// The heart of HTTL, HPTTL, HEXPIRETIME and HPEXPIRETIME: per field its remaining time or its
/// expiry time in `unit`, -1 without a TTL, -2 when missing or expired. Reading reclaims nothing.
fn ttl_generic(ctx: &mut Ctx, base: Base, unit: Unit) -> CmdResult {
    let key = ctx.args.bytes()?;
    let exists = ctx.read_hash(key)?.is_some();
    let fields = fields_argument(ctx.args.rest(), BAD_NUMFIELDS_READ)?;
    if !exists {
        return Ok(integers(fields.iter().map(|_| NO_FIELD)));
    }
    let now = ctx.now();
    let base_ms = match base {
        Base::Now => now,
        Base::Epoch => 0,
    };
    let hash = ctx.read_hash(key)?.expect("looked up above");
    Ok(integers(fields.iter().map(|field| match (hash.contains(field), hash.field_ttl(field)) {
        (false, _) => NO_FIELD,
        (true, None) => NO_TTL,
        (true, Some(when)) if when < now => NO_FIELD,
        // Seconds round up, as Redis's `(expire + 999 - basetime) / 1000`.
        (true, Some(when)) => match unit {
            Unit::Seconds => (when + 999 - base_ms) / 1000,
            Unit::Milliseconds => when - base_ms,
        },
    })))
}

/// HTTL key FIELDS numfields field [field ...]
pub(super) fn httl(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, Base::Now, Unit::Seconds)
}

/// HPTTL key FIELDS numfields field [field ...]
pub(super) fn hpttl(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, Base::Now, Unit::Milliseconds)
}

/// HEXPIRETIME key FIELDS numfields field [field ...]
pub(super) fn hexpiretime(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, Base::Epoch, Unit::Seconds)
}

/// HPEXPIRETIME key FIELDS numfields field [field ...]
pub(super) fn hpexpiretime(ctx: &mut Ctx) -> CmdResult {
    ttl_generic(ctx, Base::Epoch, Unit::Milliseconds)
}

/// HPERSIST key FIELDS numfields field [field ...] — per field 1 if its TTL was removed, -1
/// without a TTL, -2 when missing or expired.
pub(super) fn hpersist(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let exists = ctx.write_hash(key)?.is_some();
    let fields = fields_argument(ctx.args.rest(), BAD_NUMFIELDS_READ)?;
    if !exists {
        return Ok(integers(fields.iter().map(|_| NO_FIELD)));
    }
    let now = ctx.now();
    let hash = ctx.write_hash(key)?.expect("looked up above");
    let replies: Vec<i64> = fields
        .iter()
        .map(|field| match (hash.contains(field), hash.field_ttl(field)) {
            (false, _) => NO_FIELD,
            (true, None) => NO_TTL,
            (true, Some(when)) if when < now => NO_FIELD,
            (true, Some(_)) => {
                hash.persist_field(field);
                PERSISTED
            }
        })
        .collect();
    // One change and one event for the whole command, as Redis counts them.
    if replies.contains(&PERSISTED) {
        ctx.ks.dirty += 1;
        ctx.notify(class::HASH, "hpersist", key);
    }
    Ok(integers(replies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_treat_a_missing_ttl_as_forever() {
        assert!(Condition::NoTtl.allows(None, 5) && !Condition::NoTtl.allows(Some(1), 5));
        assert!(!Condition::HasTtl.allows(None, 5) && Condition::HasTtl.allows(Some(9), 5));
        assert!(!Condition::Later.allows(None, 5) && Condition::Later.allows(Some(4), 5) && !Condition::Later.allows(Some(5), 5));
        assert!(Condition::Earlier.allows(None, 5) && Condition::Earlier.allows(Some(6), 5) && !Condition::Earlier.allows(Some(5), 5));
    }

    #[test]
    fn fields_argument_checks_keyword_count_and_length() {
        let args: Vec<&[u8]> = vec![b"fields", b"2", b"a", b"b"];
        assert_eq!(fields_argument(&args, BAD_NUMFIELDS_SET).unwrap(), [&b"a"[..], b"b"]);
        let args: Vec<&[u8]> = vec![b"FIELD", b"1", b"a"];
        assert_eq!(fields_argument(&args, BAD_NUMFIELDS_SET).unwrap_err(), FIELDS_MISSING);
        let args: Vec<&[u8]> = vec![b"FIELDS", b"0", b"a"];
        assert_eq!(fields_argument(&args, BAD_NUMFIELDS_SET).unwrap_err(), BAD_NUMFIELDS_SET);
        let args: Vec<&[u8]> = vec![b"FIELDS", b"x", b"a"];
        assert_eq!(fields_argument(&args, BAD_NUMFIELDS_READ).unwrap_err(), BAD_NUMFIELDS_READ);
        let args: Vec<&[u8]> = vec![b"FIELDS", b"3", b"a"];
        assert_eq!(fields_argument(&args, BAD_NUMFIELDS_SET).unwrap_err(), NUMFIELDS_MISMATCH);
    }
}
