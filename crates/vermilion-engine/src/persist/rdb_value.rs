//! RDB object encodings: a type byte names the layout, then the object follows.
//!
//! Reading covers every layout Redis 7.0 writes (strings, lists, sets, hashes, sorted sets,
//! streams), the ziplist-based ones of older versions, and Redis 7.4's hashes with field TTLs.
//! Writing uses the plain layouts every Redis since 2.x loads (`LIST`, `SET`, `HASH`, `ZSET_2`),
//! on which Redis picks the compact in-memory encoding itself, Redis 7's `STREAM_LISTPACKS_2` for
//! streams, and Redis 7.4's `HASH_METADATA` for a hash with field TTLs (which 7.4 loads as a
//! `listpackex` or `hashtable` itself, by size).

use std::collections::HashSet;

use super::compact::{self, Element};
use super::{lzf, stream, BadData, Decoded, Reader};
use crate::types::list::End;
use crate::types::{HashValue, ListValue, SetValue, StringValue, Value, ZSetValue};
use crate::util::{parse_f64, parse_i64};

/// The RDB type bytes (`RDB_TYPE_*` in Redis's `rdb.h`).
pub mod rdb_type {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
    /// Redis 7.2's small sets of non-integers.
    pub const SET_LISTPACK: u8 = 20;
    /// Redis 7.4 release candidates' hashes with field TTLs: absolute times, no minimum first.
    pub const HASH_METADATA_PRE_GA: u8 = 22;
    pub const HASH_LISTPACK_EX_PRE_GA: u8 = 23;
    /// Redis 7.4's hashes with field TTLs: the earliest time first, then per field a time
    /// relative to it (`HASH_METADATA`) or a listpack of field, value, time triples.
    pub const HASH_METADATA: u8 = 24;
    pub const HASH_LISTPACK_EX: u8 = 25;

    /// Whether a type byte names an object layout this engine reads.
    pub fn is_known(type_byte: u8) -> bool {
        matches!(type_byte, STRING..=ZSET_2 | HASH_ZIPMAP..=SET_LISTPACK) || has_field_ttls(type_byte)
    }

    /// The hash layouts with field TTLs, which exist from RDB version 12 (Redis 7.4) on.
    pub fn has_field_ttls(type_byte: u8) -> bool {
        matches!(type_byte, HASH_METADATA_PRE_GA | HASH_LISTPACK_EX_PRE_GA | HASH_METADATA | HASH_LISTPACK_EX)
    }
}

/// Redis's `EB_EXPIRE_TIME_MAX`: field expiry times take 48 bits.
const MAX_STORED_FIELD_TTL: u64 = (1 << 48) - 1;
/// A field without a TTL in `HASH_METADATA` and `HASH_LISTPACK_EX` (Redis's `HASH_LP_NO_TTL`).
const NO_FIELD_TTL: u64 = 0;

/// Special string encodings, flagged by a length byte whose top two bits are set.
const ENC_INT8: u8 = 0;
const ENC_INT16: u8 = 1;
const ENC_INT32: u8 = 2;
const ENC_LZF: u8 = 3;

/// Redis tries the integer encoding only for strings this short (`rdbTryIntegerEncoding`).
const MAX_INT_ENCODED_LEN: usize = 11;

/// Quicklist node containers in `QUICKLIST_2`: one raw element, or a listpack of several.
const QUICKLIST_NODE_PLAIN: u64 = 1;
const QUICKLIST_NODE_PACKED: u64 = 2;

/// Old-style `ZSET` scores are text led by a length byte; these lengths stand for specials.
const SCORE_NAN: u8 = 253;
const SCORE_POS_INF: u8 = 254;
const SCORE_NEG_INF: u8 = 255;

// ---------------------------------------------------------------------------------------------
// Writing

/// Appends a value's type byte and object encoding, strings uncompressed.
pub fn encode_value(value: &Value, out: &mut Vec<u8>) {
    encode_value_with(value, out, Strings::Plain);
}

/// How strings are written: plain, or LZF-compressed where that pays (`rdbcompression yes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strings {
    Plain,
    Compressed,
}

/// Appends a value's type byte and object encoding, writing strings as `strings` says.
pub fn encode_value_with(value: &Value, out: &mut Vec<u8>, strings: Strings) {
    let put = |out: &mut Vec<u8>, bytes: &[u8]| write_string_with(out, bytes, strings);
    match value {
        Value::String(s) => {
            out.push(rdb_type::STRING);
            s.with_bytes(|bytes| put(out, bytes));
        }
        Value::List(list) => {
            out.push(rdb_type::LIST);
            write_length(out, list.len() as u64);
            list.iter().for_each(|element| put(out, element));
        }
        Value::Set(set) => {
            out.push(rdb_type::SET);
            write_length(out, set.len() as u64);
            set.iter().for_each(|member| put(out, &member.to_vec()));
        }
        Value::Hash(hash) if hash.has_field_ttls() => {
            out.push(rdb_type::HASH_METADATA);
            write_hash_with_field_ttls(out, hash, strings);
        }
        Value::Hash(hash) => {
            out.push(rdb_type::HASH);
            write_length(out, hash.len() as u64);
            for (field, value) in hash.iter() {
                put(out, field);
                put(out, value);
            }
        }
        Value::ZSet(zset) => {
            out.push(rdb_type::ZSET_2);
            write_length(out, zset.len() as u64);
            for (member, score) in zset.iter() {
                put(out, member);
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
        Value::Stream(stream) => {
            out.push(rdb_type::STREAM_LISTPACKS_2);
            stream::write_stream(out, stream, strings);
        }
    }
}

/// Whether a value needs a layout of RDB version 12 (Redis 7.4): a hash with field TTLs.
pub fn needs_field_ttl_layout(value: &Value) -> bool {
    matches!(value, Value::Hash(hash) if hash.has_field_ttls())
}

/// `HASH_METADATA`: the earliest field expiry time (8 bytes, little-endian ms), the field count,
/// then per field its time as a length — 0 for none, else `1 + time - earliest` — its name and
/// its value.
fn write_hash_with_field_ttls(out: &mut Vec<u8>, hash: &HashValue, strings: Strings) {
    let earliest = hash.earliest_field_ttl().expect("a hash with field TTLs");
    out.extend_from_slice(&earliest.to_le_bytes());
    write_length(out, hash.len() as u64);
    for (field, value) in hash.iter() {
        let relative = hash.field_ttl(field).map_or(NO_FIELD_TTL, |when| (when - earliest) as u64 + 1);
        write_length(out, relative);
        write_string_with(out, field, strings);
        write_string_with(out, value, strings);
    }
}

/// An RDB length: 6 bits in one byte, 14 bits in two, else a marker and 32 or 64 big-endian bits.
pub fn write_length(out: &mut Vec<u8>, len: u64) {
    if len < 1 << 6 {
        out.push(len as u8);
    } else if len < 1 << 14 {
        out.extend_from_slice(&[0x40 | (len >> 8) as u8, len as u8]);
    } else if let Ok(len) = u32::try_from(len) {
        out.push(0x80);
        out.extend_from_slice(&len.to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// An RDB string: integer-encoded when its text is a canonical 32-bit integer, as Redis writes
/// it; otherwise length-prefixed.
pub fn write_string(out: &mut Vec<u8>, bytes: &[u8]) {
    if !write_int_string(out, bytes) {
        write_length(out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }
}

/// Strings longer than this are tried with LZF when compressing (Redis's threshold).
const MIN_COMPRESSED_LEN: usize = 20;
/// Compression must save at least this much to be kept.
const MIN_COMPRESSION_GAIN: usize = 4;

/// [`write_string`], LZF-compressed when `strings` asks for it and that saves a few bytes:
/// `<LZF marker><compressed length><original length><stream>`.
pub fn write_string_with(out: &mut Vec<u8>, bytes: &[u8], strings: Strings) {
    if strings == Strings::Compressed && bytes.len() > MIN_COMPRESSED_LEN {
        if let Some(packed) = lzf::compress(bytes, bytes.len() - MIN_COMPRESSION_GAIN) {
            out.push(0xC0 | ENC_LZF);
            write_length(out, packed.len() as u64);
            write_length(out, bytes.len() as u64);
            out.extend_from_slice(&packed);
            return;
        }
    }
    write_string(out, bytes);
}

fn write_int_string(out: &mut Vec<u8>, bytes: &[u8]) -> bool {
    let Some(n) = Some(bytes).filter(|b| b.len() <= MAX_INT_ENCODED_LEN).and_then(parse_i64) else {
        return false;
    };
    if let Ok(n) = i8::try_from(n) {
        out.extend_from_slice(&[0xC0 | ENC_INT8, n as u8]);
    } else if let Ok(n) = i16::try_from(n) {
        out.push(0xC0 | ENC_INT16);
        out.extend_from_slice(&n.to_le_bytes());
    } else if let Ok(n) = i32::try_from(n) {
        out.push(0xC0 | ENC_INT32);
        out.extend_from_slice(&n.to_le_bytes());
    } else {
        return false;
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Decodes the object of the given type byte. Empty collections are refused, as Redis refuses
/// them in RESTORE.
pub fn decode_value(type_byte: u8, r: &mut Reader) -> Decoded<Value> {
    decode_object(type_byte, r)?.ok_or(BadData)
}

/// Decodes the object of the given type byte; `None` for an empty collection, which an RDB
/// file may hold (older Redis versions could write one) and a loader skips.
pub fn decode_object(type_byte: u8, r: &mut Reader) -> Decoded<Option<Value>> {
    let value = match type_byte {
        rdb_type::STRING => Value::String(StringValue::from_bytes(read_string(r)?)),
        rdb_type::LIST => list_value(read_elements(r)?),
        rdb_type::LIST_ZIPLIST => list_value(blob_elements(r, compact::ziplist)?),
        rdb_type::LIST_QUICKLIST => list_value(read_quicklist(r)?),
        rdb_type::LIST_QUICKLIST_2 => list_value(read_quicklist_2(r)?),
        rdb_type::SET => set_value(read_elements(r)?)?,
        rdb_type::SET_INTSET => set_value(read_intset(r)?)?,
        rdb_type::SET_LISTPACK => set_value(blob_elements(r, compact::listpack)?)?,
        rdb_type::HASH => hash_value(read_elements_n(r, 2)?)?,
        rdb_type::HASH_ZIPMAP => hash_value(blob_elements(r, compact::zipmap)?)?,
        rdb_type::HASH_ZIPLIST => hash_value(blob_elements(r, compact::ziplist)?)?,
        rdb_type::HASH_LISTPACK => hash_value(blob_elements(r, compact::listpack)?)?,
        rdb_type::HASH_METADATA => read_hash_metadata(r, true)?,
        rdb_type::HASH_METADATA_PRE_GA => read_hash_metadata(r, false)?,
        rdb_type::HASH_LISTPACK_EX => read_hash_listpack_ex(r, true)?,
        rdb_type::HASH_LISTPACK_EX_PRE_GA => read_hash_listpack_ex(r, false)?,
        rdb_type::ZSET => zset_value(read_scored(r, read_text_score)?)?,
        rdb_type::ZSET_2 => zset_value(read_scored(r, read_binary_score)?)?,
        rdb_type::ZSET_ZIPLIST => zset_value(packed_scored(blob_elements(r, compact::ziplist)?)?)?,
        rdb_type::ZSET_LISTPACK => zset_value(packed_scored(blob_elements(r, compact::listpack)?)?)?,
        rdb_type::STREAM_LISTPACKS => Value::Stream(Box::new(stream::read_stream(r, false)?)),
        rdb_type::STREAM_LISTPACKS_2 => Value::Stream(Box::new(stream::read_stream(r, true)?)),
        _ => return Err(BadData),
    };
    Ok(Some(value).filter(|v| !v.is_empty_collection()))
}

/// A length, or the special string encoding a length byte can flag instead.
enum LengthOrEncoding {
    Length(u64),
    Encoded(u8),
}

fn read_length_or_encoding(r: &mut Reader) -> Decoded<LengthOrEncoding> {
    let first = r.u8()?;
    let length = match first >> 6 {
        0 => u64::from(first & 0x3F),
        1 => (u64::from(first & 0x3F) << 8) | u64::from(r.u8()?),
        2 if first == 0x80 => u64::from(u32::from_be_bytes(r.array()?)),
        2 if first == 0x81 => u64::from_be_bytes(r.array()?),
        2 => return Err(BadData),
        _ => return Ok(LengthOrEncoding::Encoded(first & 0x3F)),
    };
    Ok(LengthOrEncoding::Length(length))
}

pub fn read_length(r: &mut Reader) -> Decoded<u64> {
    match read_length_or_encoding(r)? {
        LengthOrEncoding::Length(len) => Ok(len),
        LengthOrEncoding::Encoded(_) => Err(BadData),
    }
}

/// A length that must fit what is left of the input (every element takes at least a byte), so
/// a forged count cannot make us reserve memory the payload does not back.
fn read_count(r: &mut Reader) -> Decoded<usize> {
    let len = read_length(r)?;
    usize::try_from(len).ok().filter(|&n| n <= r.remaining()).ok_or(BadData)
}

fn take_len<'a>(r: &mut Reader<'a>, len: u64) -> Decoded<&'a [u8]> {
    r.take(usize::try_from(len).map_err(|_| BadData)?)
}

pub fn read_string(r: &mut Reader) -> Decoded<Vec<u8>> {
    let int = match read_length_or_encoding(r)? {
        LengthOrEncoding::Length(len) => return Ok(take_len(r, len)?.to_vec()),
        LengthOrEncoding::Encoded(ENC_INT8) => i64::from(r.array::<1>()?[0] as i8),
        LengthOrEncoding::Encoded(ENC_INT16) => i64::from(i16::from_le_bytes(r.array()?)),
        LengthOrEncoding::Encoded(ENC_INT32) => i64::from(i32::from_le_bytes(r.array()?)),
        LengthOrEncoding::Encoded(ENC_LZF) => return read_lzf_string(r),
        LengthOrEncoding::Encoded(_) => return Err(BadData),
    };
    Ok(itoa::Buffer::new().format(int).as_bytes().to_vec())
}

/// `<compressed length><original length><LZF stream>`.
fn read_lzf_string(r: &mut Reader) -> Decoded<Vec<u8>> {
    let compressed_len = read_length(r)?;
    let len = usize::try_from(read_length(r)?).map_err(|_| BadData)?;
    let compressed = take_len(r, compressed_len)?;
    lzf::decompress(compressed, len)
}

/// `<count>` strings.
fn read_elements(r: &mut Reader) -> Decoded<Vec<Vec<u8>>> {
    read_elements_n(r, 1)
}

/// `<count>` groups of `per_item` strings (a hash's count is of field-value pairs).
fn read_elements_n(r: &mut Reader, per_item: usize) -> Decoded<Vec<Vec<u8>>> {
    let count = read_count(r)?.checked_mul(per_item).ok_or(BadData)?;
    let mut elements = Vec::with_capacity(count.min(r.remaining()));
    for _ in 0..count {
        elements.push(read_string(r)?);
    }
    Ok(elements)
}

/// A compact blob stored as an RDB string, decoded to owned elements.
fn blob_elements(r: &mut Reader, decode: fn(&[u8]) -> Decoded<Vec<Element<'_>>>) -> Decoded<Vec<Vec<u8>>> {
    let blob = read_string(r)?;
    Ok(decode(&blob)?.into_iter().map(Element::to_vec).collect())
}

/// Redis 4–6 lists: `<node count>` ziplist blobs.
fn read_quicklist(r: &mut Reader) -> Decoded<Vec<Vec<u8>>> {
    let nodes = read_count(r)?;
    let mut elements = Vec::new();
    for _ in 0..nodes {
        elements.extend(blob_elements(r, compact::ziplist)?);
    }
    Ok(elements)
}

/// Redis 7 lists: `<node count>` of `<container><blob>`, a blob being one plain element or a
/// listpack of several.
fn read_quicklist_2(r: &mut Reader) -> Decoded<Vec<Vec<u8>>> {
    let nodes = read_count(r)?;
    let mut elements = Vec::new();
    for _ in 0..nodes {
        match read_length(r)? {
            QUICKLIST_NODE_PLAIN => elements.push(read_string(r)?),
            QUICKLIST_NODE_PACKED => elements.extend(blob_elements(r, compact::listpack)?),
            _ => return Err(BadData),
        }
    }
    Ok(elements)
}

fn read_intset(r: &mut Reader) -> Decoded<Vec<Vec<u8>>> {
    let blob = read_string(r)?;
    Ok(compact::intset(&blob)?.into_iter().map(|n| Element::Int(n).to_vec()).collect())
}

/// `<count>` of `<member><score>`.
fn read_scored(r: &mut Reader, read_score: fn(&mut Reader) -> Decoded<f64>) -> Decoded<Vec<(Vec<u8>, f64)>> {
    let count = read_count(r)?;
    let mut members = Vec::with_capacity(count);
    for _ in 0..count {
        let member = read_string(r)?;
        members.push((member, read_score(r)?));
    }
    Ok(members)
}

/// `ZSET_2` scores: a little-endian IEEE double.
fn read_binary_score(r: &mut Reader) -> Decoded<f64> {
    Ok(f64::from_le_bytes(r.array()?))
}

/// `ZSET` scores: text led by its length, or a length standing for NaN or an infinity.
fn read_text_score(r: &mut Reader) -> Decoded<f64> {
    match r.u8()? {
        SCORE_NAN => Ok(f64::NAN),
        SCORE_POS_INF => Ok(f64::INFINITY),
        SCORE_NEG_INF => Ok(f64::NEG_INFINITY),
        len => parse_f64(r.take(usize::from(len))?).ok_or(BadData),
    }
}

/// A packed sorted set alternates members and scores; a score is an integer or decimal text.
fn packed_scored(elements: Vec<Vec<u8>>) -> Decoded<Vec<(Vec<u8>, f64)>> {
    if !elements.len().is_multiple_of(2) {
        return Err(BadData);
    }
    let mut members = Vec::with_capacity(elements.len() / 2);
    let mut pairs = elements.into_iter();
    while let (Some(member), Some(score)) = (pairs.next(), pairs.next()) {
        members.push((member, parse_f64(&score).ok_or(BadData)?));
    }
    Ok(members)
}

// ---------------------------------------------------------------------------------------------
// Building values

fn list_value(elements: Vec<Vec<u8>>) -> Value {
    let mut list = ListValue::new();
    let refs: Vec<&[u8]> = elements.iter().map(Vec::as_slice).collect();
    list.push(&refs, End::Tail);
    Value::List(Box::new(list))
}

/// Duplicate members make a payload invalid, as in Redis.
fn set_value(members: Vec<Vec<u8>>) -> Decoded<Value> {
    let mut set = SetValue::new();
    for member in &members {
        if !set.insert(member) {
            return Err(BadData);
        }
    }
    Ok(Value::Set(Box::new(set)))
}

/// Alternating fields and values; a repeated field makes the payload invalid.
fn hash_value(elements: Vec<Vec<u8>>) -> Decoded<Value> {
    if !elements.len().is_multiple_of(2) {
        return Err(BadData);
    }
    let mut hash = HashValue::new();
    for pair in elements.chunks_exact(2) {
        if !hash.set(&pair[0], &pair[1]) {
            return Err(BadData);
        }
    }
    Ok(Value::Hash(Box::new(hash)))
}

/// `HASH_METADATA` (times relative to a leading earliest time) or, without `relative`, its
/// release-candidate form with absolute times.
fn read_hash_metadata(r: &mut Reader, relative: bool) -> Decoded<Value> {
    let earliest = if relative { u64::from_le_bytes(r.array()?) } else { 0 };
    let count = read_count(r)?;
    let mut hash = HashValue::new();
    hash.allow_field_ttls();
    for _ in 0..count {
        let stored = read_length(r)?;
        let when = match stored {
            NO_FIELD_TTL => None,
            _ if relative => Some(stored.checked_add(earliest).ok_or(BadData)? - 1),
            _ => Some(stored),
        };
        let (field, value) = (read_string(r)?, read_string(r)?);
        add_field(&mut hash, &field, &value, when)?;
    }
    Ok(Value::Hash(Box::new(hash)))
}

/// `HASH_LISTPACK_EX`: the earliest time (unused here), then a listpack of field, value, time
/// triples; without `relative`, the release-candidate form with no leading time.
fn read_hash_listpack_ex(r: &mut Reader, relative: bool) -> Decoded<Value> {
    if relative {
        r.array::<8>()?;
    }
    let elements = blob_elements(r, compact::listpack)?;
    if !elements.len().is_multiple_of(3) {
        return Err(BadData);
    }
    let mut hash = HashValue::new();
    hash.allow_field_ttls();
    for triple in elements.chunks_exact(3) {
        let stored = parse_i64(&triple[2]).and_then(|n| u64::try_from(n).ok()).ok_or(BadData)?;
        let when = (stored != NO_FIELD_TTL).then_some(stored);
        add_field(&mut hash, &triple[0], &triple[1], when)?;
    }
    Ok(Value::Hash(Box::new(hash)))
}

/// Adds a loaded field with its expiry time; a repeated field or a time beyond what Redis
/// stores makes the payload invalid.
fn add_field(hash: &mut HashValue, field: &[u8], value: &[u8], when: Option<u64>) -> Decoded<()> {
    if when.is_some_and(|w| w > MAX_STORED_FIELD_TTL) || !hash.set(field, value) {
        return Err(BadData);
    }
    if let Some(when) = when {
        hash.set_field_ttl(field, when as i64);
    }
    Ok(())
}

/// Members must be distinct and scores numbers (Redis refuses NaN scores on load).
fn zset_value(members: Vec<(Vec<u8>, f64)>) -> Decoded<Value> {
    let mut seen = HashSet::with_capacity(members.len());
    if members.iter().any(|(member, score)| score.is_nan() || !seen.insert(member.as_slice())) {
        return Err(BadData);
    }
    drop(seen);
    Ok(Value::ZSet(Box::new(ZSetValue::from_members(members))))
}
