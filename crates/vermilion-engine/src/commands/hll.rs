//! HyperLogLog commands. An HLL is a plain string (TYPE string, encoding raw) in Redis's own
//! format, so values move between Redis and Vermilion with GET and SET.

use super::table::{acl, flag, key, CmdResult, Command, Group, KeySpec};
use super::Ctx;
use crate::hll;
use crate::pubsub::class;
use crate::reply::Reply;
use crate::types::{StringValue, Value};

const HLL: u32 = acl::HYPERLOGLOG;

pub static COMMANDS: &[Command] = &[
    Command::new("pfadd", -2, Group::HyperLogLog, pfadd).flags(flag::WRITE | flag::DENYOOM | flag::FAST).acl(HLL)
        .keys(&[KeySpec::single(1, key::RW | key::INSERT)])
        .doc("2.8.9", "O(1) to add every element.", "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist."),
    Command::new("pfcount", -2, Group::HyperLogLog, pfcount).flags(flag::READONLY | flag::MAY_REPLICATE).acl(HLL)
        .keys(&[KeySpec::range(1, -1, 1, key::RW | key::ACCESS)
            .notes("RW because it may change the internal representation of the key, and propagate to replicas")])
        .doc("2.8.9", "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.", "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s)."),
    Command::new("pfmerge", -2, Group::HyperLogLog, pfmerge).flags(flag::WRITE | flag::DENYOOM).acl(HLL)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::INSERT), KeySpec::range(2, -1, 1, key::RO | key::ACCESS)])
        .doc("2.8.9", "O(N) to merge N HyperLogLogs, but with high constant times.", "Merges one or more HyperLogLog values into a single key."),
    Command::new("pfdebug", 3, Group::HyperLogLog, pfdebug).flags(flag::WRITE | flag::DENYOOM | flag::ADMIN).acl(HLL)
        .keys(&[KeySpec::single(2, key::RW | key::ACCESS)])
        .doc("2.8.9", "N/A", "Internal commands for debugging HyperLogLog values."),
    Command::new("pfselftest", 1, Group::HyperLogLog, pfselftest).flags(flag::ADMIN).acl(HLL)
        .doc("2.8.9", "N/A", "An internal command for testing HyperLogLog values."),
];

const NOT_AN_HLL: Reply = Reply::err("WRONGTYPE Key is not a valid HyperLogLog string value.");
const CORRUPT: Reply = Reply::err("INVALIDOBJ Corrupted HLL object detected");

fn corrupt(_: hll::Corrupt) -> Reply {
    CORRUPT
}

/// The bytes of a string that passes Redis's HLL checks (`isHLLObjectOrReply`): integer-encoded
/// strings never do.
fn hll_bytes(value: &StringValue) -> Result<&[u8], Reply> {
    match value.stored_text() {
        Some(bytes) if hll::encoding(bytes).is_some() => Ok(bytes),
        _ => Err(NOT_AN_HLL),
    }
}

/// A checked HLL made raw for in-place edits, as Redis unshares it before writing.
fn hll_bytes_mut(value: &mut StringValue) -> Result<&mut Vec<u8>, Reply> {
    hll_bytes(value)?;
    Ok(value.make_raw())
}

/// PFADD key [element [element ...]] — 1 if the key was created or an estimate may have changed.
fn pfadd(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let elements = ctx.args.rest();
    let created = ctx.write_string(key)?.is_none();
    if created {
        ctx.store(key, Value::String(StringValue::raw(hll::new())), false);
    }
    let bytes = hll_bytes_mut(ctx.write_string(key)?.expect("exists now"))?;
    let mut updated = 0;
    for element in elements {
        updated += u64::from(hll::add(bytes, element).map_err(corrupt)?);
    }
    let changed = created || updated > 0;
    if changed {
        // A new key's cache is marked stale too, exactly as Redis leaves it.
        hll::invalidate_cache(bytes);
    }
    ctx.ks.dirty += updated;
    if changed {
        ctx.notify(class::STRING, "pfadd", key);
    }
    Ok(Reply::Integer(i64::from(changed)))
}

/// PFCOUNT key [key ...] — one key answers from (and refreshes) its cached cardinality; several
/// keys count their union.
fn pfcount(ctx: &mut Ctx) -> CmdResult {
    let keys = ctx.args.rest();
    if keys.len() > 1 {
        let (union, _) = union_registers(ctx, keys)?;
        return Ok(Reply::Integer(hll::registers_cardinality(&union) as i64));
    }
    let Some(value) = ctx.read_string(keys[0])? else {
        return Ok(Reply::Integer(0));
    };
    let bytes = hll_bytes_mut(value)?;
    if let Some(cardinality) = hll::cached_cardinality(bytes) {
        return Ok(Reply::Integer(cardinality as i64));
    }
    let cardinality = hll::cardinality(bytes).map_err(corrupt)?;
    hll::cache_cardinality(bytes, cardinality);
    // Refreshing the cache rewrites the string: a change, as far as persistence and WATCH go.
    ctx.ks.dirty += 1;
    Ok(Reply::Integer(cardinality as i64))
}

/// The register-wise maximum of the HLLs at `keys` (missing keys count as empty), and whether
/// any of them is dense.
fn union_registers(ctx: &mut Ctx, keys: &[&[u8]]) -> Result<(Box<[u8; hll::REGISTERS]>, bool), Reply> {
    let mut union = Box::new([0u8; hll::REGISTERS]);
    let mut any_dense = false;
    for key in keys {
        let Some(value) = ctx.read_string(key)? else {
            continue;
        };
        let bytes = hll_bytes(value)?;
        any_dense |= hll::encoding(bytes) == Some(hll::Encoding::Dense);
        hll::merge_into(&mut union, bytes).map_err(corrupt)?;
    }
    Ok((union, any_dense))
}

/// PFMERGE destkey [sourcekey [sourcekey ...]] — the destination's own registers take part.
fn pfmerge(ctx: &mut Ctx) -> CmdResult {
    let keys = ctx.args.rest();
    let dest = keys[0];
    let (union, any_dense) = union_registers(ctx, keys)?;
    let created = ctx.write_string(dest)?.is_none();
    if created {
        ctx.store(dest, Value::String(StringValue::raw(hll::new())), false);
    }
    let bytes = ctx.write_string(dest)?.expect("exists now").make_raw();
    // A dense input makes a dense result likely: convert once rather than register by register.
    if any_dense {
        hll::to_dense(bytes).map_err(corrupt)?;
    }
    for (index, &value) in union.iter().enumerate() {
        if value != 0 {
            hll::set_register(bytes, index, value).map_err(corrupt)?;
        }
    }
    hll::invalidate_cache(bytes);
    if !created {
        ctx.ks.dirty += 1;
    }
    // A merge is a mass add: Redis publishes it as one.
    ctx.notify(class::STRING, "pfadd", dest);
    Ok(Reply::OK)
}

/// PFDEBUG <GETREG | DECODE | ENCODING | TODENSE> key
fn pfdebug(ctx: &mut Ctx) -> CmdResult {
    let subcommand = ctx.args.bytes()?;
    let key = ctx.args.bytes()?;
    let Some(value) = ctx.write_string(key)? else {
        return Err(Reply::err("ERR The specified key does not exist"));
    };
    let bytes = hll_bytes_mut(value)?;
    let (reply, converted) = match subcommand.to_ascii_lowercase().as_slice() {
        b"getreg" => {
            let converted = hll::to_dense(bytes).map_err(corrupt)?;
            let registers = hll::registers(bytes).map_err(corrupt)?;
            (Reply::Array(registers.into_iter().map(|r| Reply::Integer(i64::from(r))).collect()), converted)
        }
        b"decode" => {
            let decoded = hll::describe_sparse(bytes).ok_or(Reply::err("ERR HLL encoding is not sparse"))?;
            (Reply::bulk(decoded.into_bytes()), false)
        }
        b"encoding" => {
            let encoding = hll::encoding(bytes).expect("checked above");
            (Reply::Simple(encoding.name().into()), false)
        }
        b"todense" => {
            let converted = hll::to_dense(bytes).map_err(corrupt)?;
            (Reply::Integer(i64::from(converted)), converted)
        }
        _ => {
            let name = String::from_utf8_lossy(subcommand);
            return Err(Reply::error(format!("ERR Unknown PFDEBUG subcommand '{name}'")));
        }
    };
    ctx.ks.dirty += u64::from(converted);
    Ok(reply)
}

/// PFSELFTEST — checks register packing and estimate accuracy (ten million additions).
fn pfselftest(_ctx: &mut Ctx) -> CmdResult {
    hll::self_test::run(&mut rand::rng()).map_err(|failure| Reply::error(format!("TESTFAILED {failure}")))?;
    Ok(Reply::OK)
}
