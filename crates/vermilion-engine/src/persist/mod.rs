//! Redis's serialization format for values: the RDB object encodings, the compact blobs they
//! embed (listpack, intset, ziplist), LZF, and the DUMP payload framing around them.
//!
//! The same codec serves DUMP/RESTORE and RDB files ([`rdb_file`]), which the engine loads at
//! open and writes on SAVE, BGSAVE ([`snapshot`], without fork) and its save points ([`rdb_save`]).

pub mod aof;
pub mod aof_load;
pub mod aof_manifest;
pub mod aof_record;
pub mod compact;
mod log;

pub mod lzf;
pub mod rdb_file;
pub mod rdb_load;
pub mod rdb_save;
pub mod rdb_value;
pub mod snapshot;
pub mod stream;

pub use rdb_save::Persistence;

pub use rdb_value::{decode_value, encode_value};

/// The RDB format version Redis 7.0 writes; payloads of newer versions are refused, but for the
/// one layout of a newer version this engine writes and reads (below).
pub const RDB_VERSION: u16 = 10;
/// The RDB version of Redis 7.4, the first with hashes with field TTLs: what DUMP writes for such
/// a hash, and what RESTORE accepts for the hash layouts with field TTLs.
pub const RDB_VERSION_FIELD_TTLS: u16 = 12;

/// The bytes are not a well-formed RDB value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadData;

pub type Decoded<T> = Result<T, BadData>;

/// A forward cursor over untrusted bytes: every read is bounds-checked.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Bytes read so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_at_end(&self) -> bool {
        self.remaining() == 0
    }

    pub fn take(&mut self, n: usize) -> Decoded<&'a [u8]> {
        if n > self.remaining() {
            return Err(BadData);
        }
        let bytes = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    pub fn array<const N: usize>(&mut self) -> Decoded<[u8; N]> {
        Ok(self.take(N)?.try_into().expect("took exactly N bytes"))
    }

    pub fn u8(&mut self) -> Decoded<u8> {
        Ok(self.array::<1>()?[0])
    }
}

use rdb_file::crc64;

/// DUMP's payload: the type byte and object encoding, then the RDB version and a CRC64 of all
/// that precedes it, both little-endian.
pub fn dump_payload(value: &crate::types::Value) -> Vec<u8> {
    let mut out = Vec::new();
    encode_value(value, &mut out);
    let version = if rdb_value::needs_field_ttl_layout(value) { RDB_VERSION_FIELD_TTLS } else { RDB_VERSION };
    out.extend_from_slice(&version.to_le_bytes());
    let crc = crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Checks a payload's footer as RESTORE does: at least a version and a checksum, a version this
/// engine reads (up to Redis 7.0's, or Redis 7.4's for a hash with field TTLs), and a matching
/// CRC64. Returns the serialized object without its footer.
pub fn verify_payload(payload: &[u8]) -> Option<&[u8]> {
    let body_len = payload.len().checked_sub(10)?;
    let (body, footer) = payload.split_at(body_len);
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    let field_ttl_layout = body.first().is_some_and(|&t| rdb_value::rdb_type::has_field_ttls(t));
    if version > RDB_VERSION && !(field_ttl_layout && version <= RDB_VERSION_FIELD_TTLS) {
        return None;
    }
    let crc = u64::from_le_bytes(footer[2..].try_into().expect("eight bytes"));
    (crc64(&payload[..body_len + 2]) == crc).then_some(body)
}

/// Decodes a verified payload body: its type byte, then the object.
pub fn load_payload(body: &[u8]) -> Decoded<crate::types::Value> {
    let mut reader = Reader::new(body);
    let type_byte = reader.u8()?;
    decode_value(type_byte, &mut reader)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{HashValue, StreamValue, StringValue, Value};

    /// Every truncation and single-byte corruption of valid objects must decode or fail, never
    /// panic: RESTORE takes payloads from anyone.
    #[test]
    fn damaged_objects_never_panic() {
        let mut hash = HashValue::new();
        hash.set(b"field", b"value");
        let mut stream = StreamValue::new();
        stream.append(crate::types::stream::StreamId::new(5, 1), &[b"a", b"1"]);
        stream.create_group(b"g", crate::types::stream::StreamId::new(5, 1), Some(1));
        let values = [Value::String(StringValue::from_bytes(b"text".to_vec())), Value::Hash(Box::new(hash)), Value::Stream(Box::new(stream))];
        for value in values {
            let mut body = Vec::new();
            encode_value(&value, &mut body);
            for len in 0..body.len() {
                let _ = load_payload(&body[..len]);
            }
            for i in 0..body.len() {
                for flip in [0x01, 0x80, 0xFF] {
                    let mut damaged = body.clone();
                    damaged[i] ^= flip;
                    let _ = load_payload(&damaged);
                }
            }
        }
    }

    #[test]
    fn crc64_is_redis_jones_variant() {
        assert_eq!(super::crc64(b"123456789"), 0xe9c6d914c4b8d9ca);
    }
}
