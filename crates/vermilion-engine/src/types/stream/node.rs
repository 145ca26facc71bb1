//! A stream node: a run of entries packed into one buffer, as Redis packs them into one listpack
//! under a radix-tree key.
//!
//! Each record is a flags byte, the ID as a millisecond delta from the node's master (first)
//! ID and a sequence, then its strings (each a LEB128 length and its bytes). Entries whose field
//! names match the master entry's store only their values, as Redis's `SAMEFIELDS` entries do.
//! Deleting only flags a record; the node goes when nothing live is left in it. The node also
//! tracks the size Redis's listpack would have, because that decides where Redis starts a new
//! node — and approximate trimming only ever drops whole nodes.

use super::{Fields, StreamId};

/// Entries a node holds (live and deleted) before a new one starts: `stream-node-max-entries`.
pub const NODE_MAX_ENTRIES: u32 = 100;
/// Bytes a node's listpack may reach before a new one starts: `stream-node-max-bytes`.
pub const NODE_MAX_BYTES: usize = 4096;

const DELETED: u8 = 1;
const SAME_FIELDS: u8 = 2;

#[derive(Debug, Clone)]
pub(super) struct Node {
    master: StreamId,
    /// Entries not deleted.
    pub live: u32,
    /// Entries ever appended, deleted ones included.
    total: u32,
    /// The size Redis's listpack for these entries would have.
    listpack_bytes: usize,
    /// The last ID appended, deleted or not.
    pub last_id: StreamId,
    master_fields: Vec<Vec<u8>>,
    data: Vec<u8>,
}

/// One record of a node, as decoded.
#[derive(Clone, Copy)]
pub(super) struct Record<'a> {
    pub id: StreamId,
    pub deleted: bool,
    /// Where the record starts in the node's buffer (its flags byte).
    offset: usize,
    same_fields: bool,
    /// The strings: values only when `same_fields`, else fields and values.
    strings: &'a [u8],
    count: usize,
}

impl Node {
    /// A node whose master entry is `id`'s.
    pub fn new(id: StreamId, fields: &[&[u8]]) -> Node {
        let master_fields: Vec<Vec<u8>> = fields.iter().step_by(2).map(|f| f.to_vec()).collect();
        let listpack_bytes = LISTPACK_OVERHEAD + master_entry_size(&master_fields);
        let mut node = Node { master: id, live: 0, total: 0, listpack_bytes, last_id: id, master_fields, data: Vec::new() };
        node.push(id, fields);
        node
    }

    /// Whether Redis would append `fields` here rather than start a new node.
    pub fn has_room_for(&self, fields: &[&[u8]]) -> bool {
        let raw_len: usize = fields.iter().map(|f| f.len()).sum();
        self.listpack_bytes + raw_len < NODE_MAX_BYTES && self.total < NODE_MAX_ENTRIES
    }

    pub fn push(&mut self, id: StreamId, fields: &[&[u8]]) {
        let same_fields = self.same_fields(fields);
        self.listpack_bytes += entry_size(self.master, id, fields, same_fields);
        self.data.push(if same_fields { SAME_FIELDS } else { 0 });
        write_varint(&mut self.data, id.ms - self.master.ms);
        write_varint(&mut self.data, id.seq);
        let strings: Vec<&[u8]> = if same_fields { fields.iter().skip(1).step_by(2).copied().collect() } else { fields.to_vec() };
        if !same_fields {
            write_varint(&mut self.data, strings.len() as u64);
        }
        for string in strings {
            write_varint(&mut self.data, string.len() as u64);
            self.data.extend_from_slice(string);
        }
        self.live += 1;
        self.total += 1;
        self.last_id = id;
    }

    /// Gives back the buffer's spare capacity once no more entries will come.
    pub fn seal(&mut self) {
        self.data.shrink_to_fit();
    }

    fn same_fields(&self, fields: &[&[u8]]) -> bool {
        fields.len() == self.master_fields.len() * 2
            && fields.iter().step_by(2).copied().eq(self.master_fields.iter().map(Vec::as_slice))
    }

    /// Every record, deleted ones included, oldest first.
    pub fn records(&self) -> impl Iterator<Item = Record<'_>> {
        let mut pos = 0;
        std::iter::from_fn(move || {
            if pos >= self.data.len() {
                return None;
            }
            let offset = pos;
            let flags = self.data[pos];
            pos += 1;
            let ms = self.master.ms + read_varint(&self.data, &mut pos);
            let seq = read_varint(&self.data, &mut pos);
            let same_fields = flags & SAME_FIELDS != 0;
            let count = if same_fields { self.master_fields.len() } else { read_varint(&self.data, &mut pos) as usize };
            let start = pos;
            for _ in 0..count {
                let len = read_varint(&self.data, &mut pos) as usize;
                pos += len;
            }
            Some(Record {
                id: StreamId::new(ms, seq),
                deleted: flags & DELETED != 0,
                offset,
                same_fields,
                strings: &self.data[start..pos],
                count,
            })
        })
    }

    /// The live records, oldest first.
    pub fn live_records(&self) -> impl Iterator<Item = Record<'_>> {
        self.records().filter(|r| !r.deleted)
    }

    /// The live record of `id`, if any.
    pub fn find(&self, id: StreamId) -> Option<Record<'_>> {
        self.live_records().take_while(|r| r.id <= id).find(|r| r.id == id)
    }

    /// Flags a live record deleted.
    pub fn delete(&mut self, record_offset: usize) {
        self.data[record_offset] |= DELETED;
        self.live -= 1;
    }

    /// The fields and values of a record, interleaved.
    pub fn fields(&self, record: &Record) -> Fields {
        let mut pos = 0;
        let mut strings = Vec::with_capacity(record.count);
        for _ in 0..record.count {
            let len = read_varint(record.strings, &mut pos) as usize;
            strings.push(&record.strings[pos..pos + len]);
            pos += len;
        }
        if record.same_fields {
            self.master_fields.iter().zip(strings).flat_map(|(f, v)| [f.clone(), v.to_vec()]).collect()
        } else {
            strings.into_iter().map(<[u8]>::to_vec).collect()
        }
    }
}

impl Record<'_> {
    pub fn offset(&self) -> usize {
        self.offset
    }
}

fn write_varint(buf: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        buf.push((n & 0x7f) as u8 | 0x80);
        n >>= 7;
    }
    buf.push(n as u8);
}

fn read_varint(buf: &[u8], pos: &mut usize) -> u64 {
    let (mut n, mut shift) = (0u64, 0);
    loop {
        let byte = buf[*pos];
        *pos += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return n;
        }
        shift += 7;
    }
}

// --- Redis's listpack sizes, which decide where its nodes split ---------------------------------

/// Listpack header and terminator.
const LISTPACK_OVERHEAD: usize = 7;

/// Bytes one listpack element takes: small integers are packed, strings carry a length prefix,
/// and every element ends with its own back-length.
fn element_size(bytes: &[u8]) -> usize {
    let body = match crate::util::parse_i64(bytes) {
        Some(n) if bytes.len() <= 20 => int_size(n),
        _ => {
            let len = bytes.len();
            len + if len < 64 { 1 } else if len < 4096 { 2 } else { 5 }
        }
    };
    body + if body < 128 { 1 } else if body < 16384 { 2 } else { 3 }
}

fn int_size(n: i64) -> usize {
    match n {
        0..=127 => 1,
        -4096..=4095 => 2,
        -32768..=32767 => 3,
        -8_388_608..=8_388_607 => 4,
        -2_147_483_648..=2_147_483_647 => 5,
        _ => 9,
    }
}

/// The master entry a new node starts with: counters, the field names, and a terminator.
fn master_entry_size(names: &[Vec<u8>]) -> usize {
    let names: usize = names.iter().map(|f| element_size(f)).sum();
    2 + 2 + 2 + names + 2
}

/// One appended entry: flags, its ID as deltas from the master ID, its values (with their
/// field names unless those match the master entry's), and a back count.
fn entry_size(master: StreamId, id: StreamId, fields: &[&[u8]], same_fields: bool) -> usize {
    let delta = |a: u64, b: u64| int_size(a.wrapping_sub(b) as i64) + 1;
    let id_bytes = delta(id.ms, master.ms) + delta(id.seq, master.seq);
    let data: usize = if same_fields {
        fields.iter().skip(1).step_by(2).map(|v| element_size(v)).sum()
    } else {
        2 + fields.iter().map(|f| element_size(f)).sum::<usize>()
    };
    2 + id_bytes + data + 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_with_and_without_master_fields() {
        let long = vec![b'x'; 300];
        let mut node = Node::new(StreamId::new(10, 5), &[b"a", b"1", b"b", b"2"]);
        node.push(StreamId::new(10, 6), &[b"a", b"3", b"b", &long]);
        node.push(StreamId::new(12, 0), &[b"c", b"", b"\x00", b"\xff"]);
        let records: Vec<_> = node.records().collect();
        assert_eq!(records.iter().map(|r| r.id).collect::<Vec<_>>(), [StreamId::new(10, 5), StreamId::new(10, 6), StreamId::new(12, 0)]);
        assert_eq!(node.fields(&records[1]), vec![b"a".to_vec(), b"3".to_vec(), b"b".to_vec(), long.clone()]);
        assert_eq!(node.fields(&records[2]), vec![b"c".to_vec(), vec![], b"\x00".to_vec(), b"\xff".to_vec()]);
        let offset = node.find(StreamId::new(10, 6)).unwrap().offset();
        node.delete(offset);
        assert!(node.find(StreamId::new(10, 6)).is_none());
        assert_eq!(node.live, 2);
        assert_eq!(node.live_records().count(), 2);
    }
}
