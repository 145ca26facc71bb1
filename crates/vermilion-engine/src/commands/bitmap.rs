//! Bitmap commands: strings read as arrays of bits, bit 0 being the most significant bit of the
//! first byte. Writes turn the string `raw` and pad it with zero bytes, as Redis's
//! `lookupStringForBitCommand`; reads see integer-encoded strings as their decimal text.

use super::table::{acl, flag, key, CmdResult, Command, Group, KeySpec};
use super::Ctx;
use crate::pubsub::class;
use crate::reply::{errors, Reply};
use crate::types::{StringValue, Value};

const RO: &[KeySpec] = &[KeySpec::single(1, key::RO | key::ACCESS)];
const W: u32 = flag::WRITE | flag::DENYOOM;
const BITMAP: u32 = acl::BITMAP;

pub static COMMANDS: &[Command] = &[
    Command::new("setbit", 4, Group::Bitmap, setbit).flags(W).acl(BITMAP)
        .keys(&[KeySpec::single(1, key::RW | key::ACCESS | key::UPDATE)])
        .doc("2.2.0", "O(1)", "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist."),
    Command::new("getbit", 3, Group::Bitmap, getbit).flags(flag::READONLY | flag::FAST).acl(BITMAP).keys(RO)
        .doc("2.2.0", "O(1)", "Returns a bit value by offset."),
    Command::new("bitcount", -2, Group::Bitmap, bitcount).flags(flag::READONLY).acl(BITMAP).keys(RO)
        .doc("2.6.0", "O(N)", "Counts the number of set bits (population counting) in a string."),
    Command::new("bitpos", -3, Group::Bitmap, bitpos).flags(flag::READONLY).acl(BITMAP).keys(RO)
        .doc("2.8.7", "O(N)", "Finds the first set (1) or clear (0) bit in a string."),
    Command::new("bitop", -4, Group::Bitmap, bitop).flags(W).acl(BITMAP)
        .keys(&[KeySpec::single(2, key::OW | key::UPDATE), KeySpec::range(3, -1, 1, key::RO | key::ACCESS)])
        .doc("2.6.0", "O(N)", "Performs bitwise operations on multiple strings, and stores the result."),
    Command::new("bitfield", -2, Group::Bitmap, bitfield).flags(W).acl(BITMAP)
        .keys(&[KeySpec::single(1, key::RW | key::UPDATE | key::ACCESS | key::VARIABLE_FLAGS)
            .notes("This command allows both access and modification of the key")])
        .doc("3.2.0", "O(1) for each subcommand specified", "Performs arbitrary bitfield integer operations on strings."),
    Command::new("bitfield_ro", -2, Group::Bitmap, bitfield_ro).flags(flag::READONLY | flag::FAST).acl(BITMAP).keys(RO)
        .doc("6.0.0", "O(1) for each subcommand specified", "Performs arbitrary read-only bitfield integer operations on strings."),
];

const BAD_OFFSET: Reply = Reply::err("ERR bit offset is not an integer or out of range");
const BAD_BIT: Reply = Reply::err("ERR bit is not an integer or out of range");
const BAD_BITFIELD_TYPE: Reply =
    Reply::err("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");

/// Parses a bit offset as Redis's `getBitOffsetFromArgument`. With `field_bits` set (BITFIELD),
/// `#n` means the n-th field of that width. Offsets must address a byte below
/// `proto-max-bulk-len`.
fn bit_offset(ctx: &Ctx, arg: &[u8], field_bits: Option<u32>) -> Result<u64, Reply> {
    let (digits, scale) = match (arg.first(), field_bits) {
        (Some(b'#'), Some(bits)) => (&arg[1..], i64::from(bits)),
        _ => (arg, 1),
    };
    let offset = crate::util::parse_i64(digits).ok_or(BAD_OFFSET)?.wrapping_mul(scale);
    if offset < 0 || (offset >> 3) as u64 >= ctx.engine.config.read().proto_max_bulk_len {
        return Err(BAD_OFFSET);
    }
    Ok(offset as u64)
}

/// What [`bits_for_write`] had to do to the string's length.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sizing {
    Unchanged,
    /// Padded with zero bytes: a change even if no bit flips.
    Grown,
    /// Created, which storing it already counted as a change.
    Created,
}

/// The string at `key` made raw and long enough to address `max_bit`, created if missing.
fn bits_for_write<'c>(ctx: &'c mut Ctx, key: &[u8], max_bit: u64) -> Result<(&'c mut Vec<u8>, Sizing), Reply> {
    let needed = (max_bit >> 3) as usize + 1;
    if ctx.write_string(key)?.is_none() {
        ctx.store(key, Value::String(StringValue::raw(vec![0; needed])), false);
        let bytes = ctx.write_string(key)?.expect("just stored").make_raw();
        return Ok((bytes, Sizing::Created));
    }
    let bytes = ctx.write_string(key)?.expect("checked above").make_raw();
    if bytes.len() >= needed {
        return Ok((bytes, Sizing::Unchanged));
    }
    bytes.resize(needed, 0);
    Ok((bytes, Sizing::Grown))
}

/// The mask of bit `offset` within its byte.
fn bit_mask(offset: u64) -> u8 {
    0x80 >> (offset & 7)
}

/// SETBIT key offset value — replies with the bit's previous value.
fn setbit(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let offset = ctx.args.bytes()?;
    let offset = bit_offset(ctx, offset, None)?;
    let on = match crate::util::parse_i64(ctx.args.bytes()?) {
        Some(0) => false,
        Some(1) => true,
        _ => return Err(BAD_BIT),
    };
    let (bytes, sizing) = bits_for_write(ctx, key, offset)?;
    let byte = &mut bytes[(offset >> 3) as usize];
    let was_on = *byte & bit_mask(offset) != 0;
    if on {
        *byte |= bit_mask(offset);
    } else {
        *byte &= !bit_mask(offset);
    }
    if sizing == Sizing::Grown || (sizing == Sizing::Unchanged && was_on != on) {
        ctx.ks.dirty += 1;
    }
    if sizing != Sizing::Unchanged || was_on != on {
        ctx.notify(class::STRING, "setbit", key);
    }
    Ok(Reply::Integer(i64::from(was_on)))
}

/// GETBIT key offset — bits past the end read as 0.
fn getbit(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let offset = ctx.args.bytes()?;
    let offset = bit_offset(ctx, offset, None)?;
    let Some(s) = ctx.read_string(key)? else {
        return Ok(Reply::Integer(0));
    };
    let on = s.with_bytes(|bytes| bytes.get((offset >> 3) as usize).is_some_and(|b| b & bit_mask(offset) != 0));
    Ok(Reply::Integer(i64::from(on)))
}

/// Whether BITCOUNT / BITPOS indexes count bytes (the default) or bits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Byte,
    Bit,
}

fn parse_unit(word: &[u8]) -> Result<Unit, Reply> {
    match word.to_ascii_uppercase().as_slice() {
        b"BYTE" => Ok(Unit::Byte),
        b"BIT" => Ok(Unit::Bit),
        _ => Err(errors::SYNTAX),
    }
}

/// An inclusive range of bit positions inside a string.
#[derive(Clone, Copy)]
struct BitRange {
    first: u64,
    last: u64,
}

impl BitRange {
    /// The whole of a string of `len` bytes; `None` when it is empty.
    fn whole(len: usize) -> Option<BitRange> {
        (len > 0).then(|| BitRange { first: 0, last: len as u64 * 8 - 1 })
    }

    /// Resolves `start end` with Redis's rules: negative indexes count from the end, the range
    /// is clamped to the string, and an inverted range is empty.
    fn resolve(mut start: i64, mut end: i64, len: usize, unit: Unit) -> Option<BitRange> {
        let total = if unit == Unit::Bit { len as i64 * 8 } else { len as i64 };
        if start < 0 {
            start += total;
        }
        if end < 0 {
            end += total;
        }
        let start = start.max(0);
        let end = end.max(0).min(total - 1);
        if start > end {
            return None;
        }
        let (start, end) = (start as u64, end as u64);
        Some(match unit {
            Unit::Bit => BitRange { first: start, last: end },
            Unit::Byte => BitRange { first: start * 8, last: end * 8 + 7 },
        })
    }

    fn first_byte(self) -> usize {
        (self.first >> 3) as usize
    }

    fn last_byte(self) -> usize {
        (self.last >> 3) as usize
    }

    /// The bits of byte `index` that fall inside the range.
    fn mask_of_byte(self, index: usize) -> u8 {
        let mut mask = 0xffu8;
        if index == self.first_byte() {
            mask &= 0xff >> (self.first & 7);
        }
        if index == self.last_byte() {
            mask &= 0xff << (7 - (self.last & 7));
        }
        mask
    }
}

/// Counts set bits eight bytes at a time.
fn popcount(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    let mut count: u64 = chunks.by_ref().map(|c| u64::from(u64::from_ne_bytes(c.try_into().unwrap()).count_ones())).sum();
    count += chunks.remainder().iter().map(|b| u64::from(b.count_ones())).sum::<u64>();
    count
}

fn count_bits(bytes: &[u8], range: BitRange) -> u64 {
    let (first, last) = (range.first_byte(), range.last_byte());
    let outside = |index: usize| u64::from((bytes[index] & !range.mask_of_byte(index)).count_ones());
    let mut count = popcount(&bytes[first..=last]) - outside(first);
    if last != first {
        count -= outside(last);
    }
    count
}

/// BITCOUNT key [start end [BYTE | BIT]]
fn bitcount(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let mut args = ctx.args;
    // As Redis 7.0: a missing key counts 0 before the range is even parsed.
    let Some(value) = ctx.read_string(key)? else {
        return Ok(Reply::Integer(0));
    };
    value.with_bytes(|bytes| {
        let range = match args.remaining() {
            0 => BitRange::whole(bytes.len()),
            2 | 3 => {
                let (start, end) = (args.int()?, args.int()?);
                if start < 0 && end < 0 && start > end {
                    return Ok(Reply::Integer(0));
                }
                let unit = if args.is_empty() { Unit::Byte } else { parse_unit(args.bytes()?)? };
                BitRange::resolve(start, end, bytes.len(), unit)
            }
            _ => return Err(errors::SYNTAX),
        };
        Ok(Reply::Integer(range.map_or(0, |r| count_bits(bytes, r)) as i64))
    })
}

/// The position of the first bit equal to `bit` inside `range`, if any.
fn find_bit(bytes: &[u8], bit: bool, range: BitRange) -> Option<u64> {
    let (first, last) = (range.first_byte(), range.last_byte());
    // Bytes made of nothing but the bit we are not looking for can be skipped wholesale.
    let boring: u8 = if bit { 0x00 } else { 0xff };
    let mut index = first;
    while index <= last {
        let interior = index != first && index != last;
        if interior && index + 8 <= last && bytes[index..index + 8].iter().all(|&b| b == boring) {
            index += 8;
            continue;
        }
        let wanted = if bit { bytes[index] } else { !bytes[index] } & range.mask_of_byte(index);
        if wanted != 0 {
            return Some(index as u64 * 8 + u64::from(wanted.leading_zeros()));
        }
        index += 1;
    }
    None
}

/// BITPOS key bit [start [end [BYTE | BIT]]] — with no explicit end, the string is taken as
/// padded with zeros on the right, so a clear bit is always found.
fn bitpos(ctx: &mut Ctx) -> CmdResult {
    let key = ctx.args.bytes()?;
    let bit = match ctx.args.int()? {
        0 => false,
        1 => true,
        _ => return Err(Reply::err("ERR The bit argument must be 1 or 0.")),
    };
    let mut args = ctx.args;
    let Some(value) = ctx.read_string(key)? else {
        return Ok(Reply::Integer(if bit { -1 } else { 0 }));
    };
    value.with_bytes(|bytes| {
        let given = args.remaining();
        if given > 3 {
            return Err(errors::SYNTAX);
        }
        let (range, end_given) = if given == 0 {
            (BitRange::whole(bytes.len()), false)
        } else {
            let start = args.int()?;
            // The unit is checked before the end is parsed, as in Redis.
            let unit = if given == 3 { parse_unit(args.rest()[1])? } else { Unit::Byte };
            let end = if given >= 2 { args.int()? } else { i64::MAX };
            (BitRange::resolve(start, end, bytes.len(), unit), given >= 2)
        };
        let Some(range) = range else {
            return Ok(Reply::Integer(-1));
        };
        Ok(Reply::Integer(match find_bit(bytes, bit, range) {
            Some(position) => position as i64,
            None if bit || end_given => -1,
            None => (range.last_byte() as i64 + 1) * 8,
        }))
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

impl BitOp {
    fn parse(word: &[u8]) -> Option<BitOp> {
        Some(match word.to_ascii_uppercase().as_slice() {
            b"AND" => BitOp::And,
            b"OR" => BitOp::Or,
            b"XOR" => BitOp::Xor,
            b"NOT" => BitOp::Not,
            _ => return None,
        })
    }

    /// Combines the sources into a string as long as the longest one; shorter sources read as
    /// zero bytes past their end.
    fn apply(self, sources: &[Vec<u8>], len: usize) -> Vec<u8> {
        let mut out = sources[0].clone();
        out.resize(len, 0);
        if self == BitOp::Not {
            out.iter_mut().for_each(|byte| *byte = !*byte);
        }
        for source in &sources[1..] {
            let pairs = out.iter_mut().zip(source);
            match self {
                BitOp::And => {
                    pairs.for_each(|(acc, byte)| *acc &= byte);
                    out[source.len()..].fill(0);
                }
                BitOp::Or => pairs.for_each(|(acc, byte)| *acc |= byte),
                BitOp::Xor => pairs.for_each(|(acc, byte)| *acc ^= byte),
                BitOp::Not => unreachable!("NOT takes a single source"),
            }
        }
        out
    }
}

/// BITOP <AND | OR | XOR | NOT> destkey key [key ...] — replies with the result's length; an
/// empty result deletes the destination.
fn bitop(ctx: &mut Ctx) -> CmdResult {
    let op = BitOp::parse(ctx.args.bytes()?).ok_or(errors::SYNTAX)?;
    let dest = ctx.args.bytes()?;
    let keys = ctx.args.rest();
    if op == BitOp::Not && keys.len() != 1 {
        return Err(Reply::err("ERR BITOP NOT must be called with a single source key."));
    }
    let mut sources = Vec::with_capacity(keys.len());
    for key in keys {
        sources.push(ctx.read_string(key)?.map(|s| s.to_vec()).unwrap_or_default());
    }
    let len = sources.iter().map(Vec::len).max().unwrap_or(0);
    if len == 0 {
        if ctx.delete(dest) {
            ctx.notify(class::GENERIC, "del", dest);
        }
        return Ok(Reply::Integer(0));
    }
    ctx.store(dest, Value::String(StringValue::raw(op.apply(&sources, len))), false);
    ctx.notify(class::STRING, "set", dest);
    Ok(Reply::Integer(len as i64))
}

/// A BITFIELD integer type: `i1`..`i64` or `u1`..`u63`.
#[derive(Clone, Copy)]
struct FieldType {
    signed: bool,
    bits: u32,
}

impl FieldType {
    fn parse(arg: &[u8]) -> Result<FieldType, Reply> {
        let signed = match arg.first() {
            Some(b'i') => true,
            Some(b'u') => false,
            _ => return Err(BAD_BITFIELD_TYPE),
        };
        let max_bits = if signed { 64 } else { 63 };
        match crate::util::parse_i64(&arg[1..]) {
            Some(bits) if (1..=max_bits).contains(&bits) => Ok(FieldType { signed, bits: bits as u32 }),
            _ => Err(BAD_BITFIELD_TYPE),
        }
    }

    /// Reads the field at bit `offset`; bits past the end of `bytes` read as zero.
    fn read(self, bytes: &[u8], offset: u64) -> i64 {
        let mut raw: u64 = 0;
        for bit in offset..offset + u64::from(self.bits) {
            let on = bytes.get((bit >> 3) as usize).is_some_and(|b| b & bit_mask(bit) != 0);
            raw = (raw << 1) | u64::from(on);
        }
        if self.signed && self.bits < 64 && raw & (1 << (self.bits - 1)) != 0 {
            raw |= u64::MAX << self.bits;
        }
        raw as i64
    }

    /// Writes the low `bits` bits of `value` at bit `offset` (the string is long enough).
    fn write(self, bytes: &mut [u8], offset: u64, value: i64) {
        let value = value as u64;
        for j in 0..u64::from(self.bits) {
            let bit = offset + j;
            let byte = &mut bytes[(bit >> 3) as usize];
            if (value >> (u64::from(self.bits) - 1 - j)) & 1 == 1 {
                *byte |= bit_mask(bit);
            } else {
                *byte &= !bit_mask(bit);
            }
        }
    }

    /// `value + incr` in this type, or what OVERFLOW makes of it when it does not fit: `None`
    /// means "do not write" (FAIL).
    fn add(self, value: i64, incr: i64, overflow: Overflow) -> Option<i64> {
        let out_of_range = if self.signed { self.signed_overflow(value, incr) } else { self.unsigned_overflow(value, incr) };
        match (out_of_range, overflow) {
            (None, _) => Some(value.wrapping_add(incr)),
            (Some(_), Overflow::Fail) => None,
            (Some(limit), Overflow::Sat) => Some(limit),
            (Some(_), Overflow::Wrap) => Some(self.wrap((value as u64).wrapping_add(incr as u64))),
        }
    }

    /// The saturation limit when an unsigned `value + incr` leaves the type. `value` is read as
    /// `uint64_t`, so a negative SET value is a huge one.
    fn unsigned_overflow(self, value: i64, incr: i64) -> Option<i64> {
        let max = (1u64 << self.bits) - 1;
        let sum = i128::from(value as u64) + i128::from(incr);
        if sum > i128::from(max) {
            Some(max as i64)
        } else if sum < 0 {
            Some(0)
        } else {
            None
        }
    }

    /// The saturation limit when a signed `value + incr` leaves the type, with Redis's exact
    /// checks (`checkSignedBitfieldOverflow`): they compute the headroom with wrapping
    /// arithmetic, so a SET of a value near `i64::MIN` into a narrow type saturates upwards.
    fn signed_overflow(self, value: i64, incr: i64) -> Option<i64> {
        let max = if self.bits == 64 { i64::MAX } else { (1i64 << (self.bits - 1)) - 1 };
        let min = -max - 1;
        let narrow = self.bits != 64;
        let max_incr = (max as u64).wrapping_sub(value as u64) as i64;
        let min_incr = min.wrapping_sub(value);
        if value > max || (narrow && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr) {
            Some(max)
        } else if value < min || (narrow && incr < min_incr) || (value < 0 && incr < 0 && incr < min_incr) {
            Some(min)
        } else {
            None
        }
    }

    /// Keeps the low `bits` bits, sign-extending signed types (two's complement wrap-around).
    fn wrap(self, raw: u64) -> i64 {
        if self.bits == 64 {
            return raw as i64;
        }
        let low = raw & !(u64::MAX << self.bits);
        if self.signed && low & (1 << (self.bits - 1)) != 0 {
            (low | (u64::MAX << self.bits)) as i64
        } else {
            low as i64
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy)]
enum FieldAction {
    Get,
    Set(i64),
    IncrBy(i64),
}

/// One BITFIELD operation, with the OVERFLOW mode in force where it appeared.
#[derive(Clone, Copy)]
struct FieldOp {
    action: FieldAction,
    ty: FieldType,
    offset: u64,
    overflow: Overflow,
}

impl FieldOp {
    fn is_write(&self) -> bool {
        !matches!(self.action, FieldAction::Get)
    }

    /// The last bit the operation touches.
    fn last_bit(&self) -> u64 {
        self.offset + u64::from(self.ty.bits) - 1
    }

    /// Runs a SET or INCRBY on `bytes`: the value to reply with (SET's old value, INCRBY's new
    /// one) and whether the field changed, or `None` when OVERFLOW FAIL refused the write.
    fn apply_write(&self, bytes: &mut [u8]) -> Option<(i64, bool)> {
        let old = self.ty.read(bytes, self.offset);
        let (new, reply) = match self.action {
            FieldAction::Set(value) => (self.ty.add(value, 0, self.overflow)?, old),
            FieldAction::IncrBy(incr) => {
                let new = self.ty.add(old, incr, self.overflow)?;
                (new, new)
            }
            FieldAction::Get => unreachable!("reads do not write"),
        };
        self.ty.write(bytes, self.offset, new);
        Some((reply, new != old))
    }
}

/// Parses BITFIELD's operations, all before any runs, as Redis does.
fn parse_field_ops(ctx: &mut Ctx) -> Result<Vec<FieldOp>, Reply> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    while let Some(word) = ctx.args.peek() {
        ctx.args.bytes()?;
        let left = ctx.args.remaining();
        let action_args = match word.to_ascii_uppercase().as_slice() {
            b"GET" if left >= 2 => 0,
            b"SET" if left >= 3 => 1,
            b"INCRBY" if left >= 3 => 2,
            b"OVERFLOW" if left >= 1 => {
                overflow = match ctx.args.keyword()?.as_slice() {
                    b"WRAP" => Overflow::Wrap,
                    b"SAT" => Overflow::Sat,
                    b"FAIL" => Overflow::Fail,
                    _ => return Err(Reply::err("ERR Invalid OVERFLOW type specified")),
                };
                continue;
            }
            _ => return Err(errors::SYNTAX),
        };
        let ty = FieldType::parse(ctx.args.bytes()?)?;
        let offset = ctx.args.bytes()?;
        let offset = bit_offset(ctx, offset, Some(ty.bits))?;
        let action = match action_args {
            0 => FieldAction::Get,
            1 => FieldAction::Set(ctx.args.int()?),
            _ => FieldAction::IncrBy(ctx.args.int()?),
        };
        ops.push(FieldOp { action, ty, offset, overflow });
    }
    Ok(ops)
}

/// BITFIELD key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>] <SET encoding offset value
/// | INCRBY encoding offset increment> [GET encoding offset | ...] ...]
fn bitfield(ctx: &mut Ctx) -> CmdResult {
    bitfield_generic(ctx, false)
}

/// BITFIELD_RO key [GET encoding offset [GET encoding offset ...]]
fn bitfield_ro(ctx: &mut Ctx) -> CmdResult {
    bitfield_generic(ctx, true)
}

fn bitfield_generic(ctx: &mut Ctx, read_only: bool) -> CmdResult {
    let key = ctx.args.bytes()?;
    let ops = parse_field_ops(ctx)?;
    let Some(max_bit) = ops.iter().filter(|op| op.is_write()).map(FieldOp::last_bit).max() else {
        let read_all = |bytes: &[u8]| Reply::Array(ops.iter().map(|op| Reply::Integer(op.ty.read(bytes, op.offset))).collect());
        return Ok(match ctx.read_string(key)? {
            Some(value) => value.with_bytes(read_all),
            None => read_all(&[]),
        });
    };
    if read_only {
        return Err(Reply::err("ERR BITFIELD_RO only supports the GET subcommand"));
    }
    let (bytes, sizing) = bits_for_write(ctx, key, max_bit)?;
    let mut changes = 0;
    let mut replies = Vec::with_capacity(ops.len());
    for op in &ops {
        let reply = if op.is_write() {
            op.apply_write(bytes).map(|(value, changed)| {
                changes += u64::from(changed || sizing != Sizing::Unchanged);
                value
            })
        } else {
            Some(op.ty.read(bytes, op.offset))
        };
        replies.push(reply.map_or(Reply::Null, Reply::Integer));
    }
    ctx.ks.dirty += changes.saturating_sub(u64::from(sizing == Sizing::Created));
    if changes > 0 {
        ctx.notify(class::STRING, "setbit", key);
    }
    Ok(Reply::Array(replies))
}
