//! Decoders for the compact blobs RDB embeds as strings: listpack (Redis 7), intset, and the
//! older ziplist (Redis 6 and before) and zipmap (Redis 2.4 and before). Each yields its
//! elements in order; a writer builds listpacks.

use super::{BadData, Decoded, Reader};

/// One element of a compact blob: blobs store integers in binary, strings as bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl Element<'_> {
    pub fn to_vec(self) -> Vec<u8> {
        match self {
            Element::Int(n) => itoa::Buffer::new().format(n).as_bytes().to_vec(),
            Element::Bytes(b) => b.to_vec(),
        }
    }
}

/// A signed integer of `bytes.len()` bytes, little-endian.
fn int_le(bytes: &[u8]) -> i64 {
    let mut wide = [0u8; 8];
    wide[..bytes.len()].copy_from_slice(bytes);
    let shift = 64 - 8 * bytes.len() as u32;
    (i64::from_le_bytes(wide) << shift) >> shift
}

/// The elements of a listpack: `<total bytes u32><count u16><entries><0xFF>`, where each entry
/// is an encoding byte, its data, and a back-length (for reverse walks, skipped here).
pub fn listpack(blob: &[u8]) -> Decoded<Vec<Element<'_>>> {
    let mut r = Reader::new(blob);
    let total = u32::from_le_bytes(r.array()?) as usize;
    let count = u16::from_le_bytes(r.array()?);
    if total != blob.len() {
        return Err(BadData);
    }
    let mut elements = Vec::new();
    loop {
        let start = r.remaining();
        let first = r.u8()?;
        if first == 0xFF {
            break;
        }
        elements.push(listpack_entry(first, &mut r)?);
        r.take(listpack_backlen_size(start - r.remaining()))?;
    }
    if r.is_at_end() && count_matches(count, elements.len()) { Ok(elements) } else { Err(BadData) }
}

/// A compact blob's header count is exact, except that its largest value means "count them".
fn count_matches(header_count: u16, actual: usize) -> bool {
    header_count == u16::MAX || usize::from(header_count) == actual
}

/// One listpack entry's value, after its first encoding byte.
fn listpack_entry<'a>(first: u8, r: &mut Reader<'a>) -> Decoded<Element<'a>> {
    Ok(match first {
        0x00..=0x7F => Element::Int(i64::from(first)),
        0x80..=0xBF => Element::Bytes(r.take(usize::from(first & 0x3F))?),
        0xC0..=0xDF => {
            let raw = (u16::from(first & 0x1F) << 8) | u16::from(r.u8()?);
            Element::Int(i64::from(((raw << 3) as i16) >> 3))
        }
        0xE0..=0xEF => {
            let len = (usize::from(first & 0x0F) << 8) | usize::from(r.u8()?);
            Element::Bytes(r.take(len)?)
        }
        0xF0 => {
            let len = u32::from_le_bytes(r.array()?) as usize;
            Element::Bytes(r.take(len)?)
        }
        0xF1 => Element::Int(int_le(r.take(2)?)),
        0xF2 => Element::Int(int_le(r.take(3)?)),
        0xF3 => Element::Int(int_le(r.take(4)?)),
        0xF4 => Element::Int(int_le(r.take(8)?)),
        _ => return Err(BadData),
    })
}

/// How many bytes the back-length of an entry of `entry_len` bytes takes: seven bits a byte.
fn listpack_backlen_size(entry_len: usize) -> usize {
    match entry_len {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

/// The members of an intset: `<width u32><count u32>` then `count` little-endian integers of
/// `width` bytes (2, 4 or 8).
pub fn intset(blob: &[u8]) -> Decoded<Vec<i64>> {
    let mut r = Reader::new(blob);
    let width = u32::from_le_bytes(r.array()?) as usize;
    let count = u32::from_le_bytes(r.array()?) as usize;
    if !matches!(width, 2 | 4 | 8) || count.checked_mul(width) != Some(r.remaining()) {
        return Err(BadData);
    }
    Ok(r.take(r.remaining())?.chunks_exact(width).map(int_le).collect())
}

/// The elements of a ziplist: `<total bytes u32><tail offset u32><count u16><entries><0xFF>`,
/// where each entry is the previous entry's length (1 or 5 bytes), an encoding, and its data.
pub fn ziplist(blob: &[u8]) -> Decoded<Vec<Element<'_>>> {
    let mut r = Reader::new(blob);
    let total = u32::from_le_bytes(r.array()?) as usize;
    let tail = u32::from_le_bytes(r.array()?) as usize;
    let count = u16::from_le_bytes(r.array()?);
    if total != blob.len() {
        return Err(BadData);
    }
    let mut elements = Vec::new();
    let mut last_entry = ZIPLIST_HEADER_SIZE;
    loop {
        let offset = blob.len() - r.remaining();
        let prevlen = r.u8()?;
        if prevlen == 0xFF {
            break;
        }
        last_entry = offset;
        if prevlen == 0xFE {
            r.take(4)?;
        }
        elements.push(ziplist_entry(&mut r)?);
    }
    // Redis checks the tail offset and the count as it converts a ziplist; so do we.
    if r.is_at_end() && tail == last_entry && count_matches(count, elements.len()) { Ok(elements) } else { Err(BadData) }
}

const ZIPLIST_HEADER_SIZE: usize = 10;

/// One ziplist entry's encoding and data. String lengths are big-endian, integers little-endian.
fn ziplist_entry<'a>(r: &mut Reader<'a>) -> Decoded<Element<'a>> {
    let first = r.u8()?;
    Ok(match first {
        0x00..=0x3F => Element::Bytes(r.take(usize::from(first))?),
        0x40..=0x7F => {
            let len = (usize::from(first & 0x3F) << 8) | usize::from(r.u8()?);
            Element::Bytes(r.take(len)?)
        }
        0x80 => {
            let len = u32::from_be_bytes(r.array()?) as usize;
            Element::Bytes(r.take(len)?)
        }
        0xC0 => Element::Int(int_le(r.take(2)?)),
        0xD0 => Element::Int(int_le(r.take(4)?)),
        0xE0 => Element::Int(int_le(r.take(8)?)),
        0xF0 => Element::Int(int_le(r.take(3)?)),
        0xFE => Element::Int(int_le(r.take(1)?)),
        0xF1..=0xFD => Element::Int(i64::from(first & 0x0F) - 1),
        _ => return Err(BadData),
    })
}

/// The fields and values of a zipmap, alternating: `<count byte>` then, per pair, a length and
/// the field, a length, a byte of trailing slack, the value and that slack; `0xFF` ends it. A
/// length is one byte below 254, or 254 and four little-endian bytes.
pub fn zipmap(blob: &[u8]) -> Decoded<Vec<Element<'_>>> {
    let mut r = Reader::new(blob);
    let _count = r.u8()?;
    let mut elements = Vec::new();
    while let Some(field_len) = zipmap_length(&mut r)? {
        elements.push(Element::Bytes(r.take(field_len)?));
        let value_len = zipmap_length(&mut r)?.ok_or(BadData)?;
        let slack = usize::from(r.u8()?);
        elements.push(Element::Bytes(r.take(value_len)?));
        r.take(slack)?;
    }
    if r.is_at_end() { Ok(elements) } else { Err(BadData) }
}

/// A zipmap length, or `None` at the end marker.
fn zipmap_length(r: &mut Reader) -> Decoded<Option<usize>> {
    Ok(match r.u8()? {
        0xFF => None,
        0xFE => Some(u32::from_le_bytes(r.array()?) as usize),
        len => Some(usize::from(len)),
    })
}

/// Builds a listpack element by element.
pub struct ListpackWriter {
    buf: Vec<u8>,
    count: usize,
}

impl Default for ListpackWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ListpackWriter {
    const HEADER_SIZE: usize = 6;

    pub fn new() -> Self {
        ListpackWriter { buf: vec![0; Self::HEADER_SIZE], count: 0 }
    }

    /// Appends an integer in the narrowest encoding that holds it.
    pub fn int(&mut self, n: i64) {
        let start = self.buf.len();
        match n {
            0..=127 => self.buf.push(n as u8),
            -4096..=4095 => self.buf.extend_from_slice(&[0xC0 | ((n >> 8) as u8 & 0x1F), n as u8]),
            _ if i16::try_from(n).is_ok() => self.tagged(0xF1, &n.to_le_bytes()[..2]),
            -8_388_608..=8_388_607 => self.tagged(0xF2, &n.to_le_bytes()[..3]),
            _ if i32::try_from(n).is_ok() => self.tagged(0xF3, &n.to_le_bytes()[..4]),
            _ => self.tagged(0xF4, &n.to_le_bytes()),
        }
        self.finish_entry(start);
    }

    /// Appends a string, length-prefixed in 6, 12 or 32 bits.
    pub fn bytes(&mut self, bytes: &[u8]) {
        let start = self.buf.len();
        let len = bytes.len();
        if len < 64 {
            self.buf.push(0x80 | len as u8);
        } else if len < 4096 {
            self.buf.extend_from_slice(&[0xE0 | (len >> 8) as u8, len as u8]);
        } else {
            self.tagged(0xF0, &(len as u32).to_le_bytes());
        }
        self.buf.extend_from_slice(bytes);
        self.finish_entry(start);
    }

    fn tagged(&mut self, tag: u8, data: &[u8]) {
        self.buf.push(tag);
        self.buf.extend_from_slice(data);
    }

    /// Writes the entry's back-length: seven bits a byte, most significant first, every byte
    /// but the first flagged, so it reads from its last byte backwards.
    fn finish_entry(&mut self, start: usize) {
        let len = self.buf.len() - start;
        let size = listpack_backlen_size(len);
        for i in (0..size).rev() {
            let bits = ((len >> (7 * i)) & 0x7F) as u8;
            self.buf.push(if i == size - 1 { bits } else { bits | 0x80 });
        }
        self.count += 1;
    }

    /// The finished blob: header (total size, element count saturating at 65535) and end byte.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(0xFF);
        let total = self.buf.len() as u32;
        self.buf[..4].copy_from_slice(&total.to_le_bytes());
        let count = self.count.min(usize::from(u16::MAX)) as u16;
        self.buf[4..6].copy_from_slice(&count.to_le_bytes());
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_extends_narrow_integers() {
        assert_eq!(int_le(&[0xFF, 0xFF, 0xFF]), -1);
        assert_eq!(int_le(&[0x00, 0x80]), -32768);
        assert_eq!(int_le(&[0x7F]), 127);
    }

    #[test]
    fn listpack_writer_round_trips() {
        let long = vec![b'x'; 5000];
        let numbers = [0, 127, 128, -1, -4096, 4095, 4096, -32768, 40000, -8_388_608, 1 << 30, i64::MIN, i64::MAX];
        let mut writer = ListpackWriter::new();
        numbers.iter().for_each(|&n| writer.int(n));
        writer.bytes(b"abc");
        writer.bytes(&long);
        let blob = writer.finish();
        let mut expected: Vec<Element> = numbers.iter().map(|&n| Element::Int(n)).collect();
        expected.push(Element::Bytes(b"abc"));
        expected.push(Element::Bytes(&long));
        assert_eq!(listpack(&blob).unwrap(), expected);
    }

    #[test]
    fn zipmap_pairs_skip_slack() {
        let blob = [2, 3, b'f', b'o', b'o', 3, 1, b'b', b'a', b'r', 0, 1, b'k', 0, 0, 0xFF];
        let expected = [Element::Bytes(b"foo"), Element::Bytes(b"bar"), Element::Bytes(b"k"), Element::Bytes(b"")];
        assert_eq!(zipmap(&blob).unwrap(), expected);
        assert!(zipmap(&blob[..blob.len() - 1]).is_err());
    }

    #[test]
    fn intset_checks_its_size() {
        assert_eq!(intset(&[2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0xFF, 0xFF]).unwrap(), vec![1, -1]);
        assert!(intset(&[2, 0, 0, 0, 2, 0, 0, 0, 1, 0]).is_err());
        assert!(intset(&[3, 0, 0, 0, 0, 0, 0, 0]).is_err());
    }
}
