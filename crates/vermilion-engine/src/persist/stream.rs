//! Streams in RDB (`STREAM_LISTPACKS` of Redis 5–6 and `STREAM_LISTPACKS_2` of Redis 7).
//!
//! Entries live in listpack nodes keyed by their master ID. A node opens with a master entry
//! (live count, deleted count, the master field names, a 0) and each entry follows as flags, ID
//! deltas from the master, its fields (only values when flagged SAMEFIELDS), and an element
//! count. Then come the stream's counters and its consumer groups with their PELs.

use std::collections::BTreeSet;

use super::compact::{self, Element, ListpackWriter};
use super::rdb_value::{read_length, read_string, write_length, write_string, write_string_with, Strings};
use super::{BadData, Decoded, Reader};
use crate::types::stream::{ConsumerGroup, PendingEntry, StreamId};
use crate::types::StreamValue;

const FLAG_DELETED: i64 = 1;
const FLAG_SAMEFIELDS: i64 = 2;

/// Entries per written node, Redis's `stream-node-max-entries` default.
const NODE_MAX_ENTRIES: usize = 100;

/// A group's `entries_read` when unknown (Redis's `SCG_INVALID_ENTRIES_READ`).
const ENTRIES_READ_UNKNOWN: u64 = u64::MAX;

// ---------------------------------------------------------------------------------------------
// Writing (always the Redis 7 layout)

pub fn write_stream(out: &mut Vec<u8>, stream: &StreamValue, strings: Strings) {
    let entries = stream.range(StreamId::MIN, StreamId::MAX, usize::MAX, false);
    let nodes: Vec<_> = entries.chunks(NODE_MAX_ENTRIES).collect();
    write_length(out, nodes.len() as u64);
    for node in nodes {
        write_string(out, &node[0].0.to_bytes());
        write_string_with(out, &node_listpack(node), strings);
    }
    write_length(out, stream.len() as u64);
    write_id(out, stream.last_id());
    write_id(out, stream.first_id());
    write_id(out, stream.max_deleted_id());
    write_length(out, stream.entries_added());
    write_length(out, stream.group_count() as u64);
    for (name, group) in stream.groups() {
        write_group(out, name, group);
    }
}

/// One node: a master entry with no master fields, then every entry with its own field names.
fn node_listpack(entries: &[(StreamId, Vec<Vec<u8>>)]) -> Vec<u8> {
    let master = entries[0].0;
    let mut lp = ListpackWriter::new();
    for n in [entries.len() as i64, 0, 0, 0] {
        lp.int(n);
    }
    for (id, fields) in entries {
        lp.int(0);
        lp.int(id.ms.wrapping_sub(master.ms) as i64);
        lp.int(id.seq.wrapping_sub(master.seq) as i64);
        lp.int((fields.len() / 2) as i64);
        fields.iter().for_each(|f| lp.bytes(f));
        lp.int(fields.len() as i64 + 4);
    }
    lp.finish()
}

fn write_id(out: &mut Vec<u8>, id: StreamId) {
    write_length(out, id.ms);
    write_length(out, id.seq);
}

fn write_group(out: &mut Vec<u8>, name: &[u8], group: &ConsumerGroup) {
    write_string(out, name);
    write_id(out, group.last_id);
    write_length(out, group.entries_read.map_or(ENTRIES_READ_UNKNOWN, |n| n as u64));
    write_length(out, group.pel.len() as u64);
    for (id, pending) in &group.pel {
        out.extend_from_slice(&id.to_bytes());
        out.extend_from_slice(&pending.delivery_time.to_le_bytes());
        write_length(out, pending.delivery_count);
    }
    write_length(out, group.consumers.len() as u64);
    for (name, consumer) in &group.consumers {
        write_string(out, name);
        out.extend_from_slice(&consumer.seen_time.to_le_bytes());
        write_length(out, consumer.pending.len() as u64);
        consumer.pending.iter().for_each(|id| out.extend_from_slice(&id.to_bytes()));
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Reads a stream; `v2` is the Redis 7 layout, with first/max-deleted IDs, the entries-added
/// counter and each group's entries-read.
pub fn read_stream(r: &mut Reader, v2: bool) -> Decoded<StreamValue> {
    let mut stream = StreamValue::new();
    let nodes = read_length(r)?;
    for _ in 0..nodes {
        let master = id_from_bytes(&read_string(r)?)?;
        read_node(&mut stream, master, &read_string(r)?)?;
    }
    let length = read_length(r)?;
    let last_id = read_id(r)?;
    let (entries_added, max_deleted) = if v2 {
        let _first_id = read_id(r)?;
        let max_deleted = read_id(r)?;
        (read_length(r)?, Some(max_deleted))
    } else {
        (stream.len() as u64, None)
    };
    if length != stream.len() as u64 || last_id < stream.last_entry_id() {
        return Err(BadData);
    }
    stream.set_last_id(last_id, Some(entries_added), max_deleted);
    let groups = read_length(r)?;
    for _ in 0..groups {
        read_group(r, &mut stream, v2)?;
    }
    Ok(stream)
}

fn id_from_bytes(bytes: &[u8]) -> Decoded<StreamId> {
    let bytes: [u8; 16] = bytes.try_into().map_err(|_| BadData)?;
    let ms = u64::from_be_bytes(bytes[..8].try_into().expect("eight bytes"));
    let seq = u64::from_be_bytes(bytes[8..].try_into().expect("eight bytes"));
    Ok(StreamId::new(ms, seq))
}

fn read_id(r: &mut Reader) -> Decoded<StreamId> {
    Ok(StreamId::new(read_length(r)?, read_length(r)?))
}

/// Walks one node's listpack, appending its live entries (which must ascend).
fn read_node(stream: &mut StreamValue, master: StreamId, blob: &[u8]) -> Decoded<()> {
    let elements = compact::listpack(blob)?;
    let mut items = elements.into_iter();
    let mut next_int = |items: &mut std::vec::IntoIter<Element>| match items.next() {
        Some(Element::Int(n)) => Ok(n),
        _ => Err(BadData),
    };
    let _live = next_int(&mut items)?;
    let _deleted = next_int(&mut items)?;
    let master_fields_count = usize::try_from(next_int(&mut items)?).map_err(|_| BadData)?;
    let master_fields: Vec<Element> = items.by_ref().take(master_fields_count).collect();
    if master_fields.len() != master_fields_count || next_int(&mut items)? != 0 {
        return Err(BadData);
    }
    let mut seen_any = false;
    while items.len() > 0 {
        let flags = next_int(&mut items)?;
        let ms = master.ms.wrapping_add(next_int(&mut items)? as u64);
        let seq = master.seq.wrapping_add(next_int(&mut items)? as u64);
        let fields = entry_fields(&mut items, flags, &master_fields, &mut next_int)?;
        next_int(&mut items)?; // the entry's element count, for walking backwards
        seen_any = true;
        if flags & FLAG_DELETED == 0 {
            let id = StreamId::new(ms, seq);
            // IDs ascend across nodes, and 0-0 is never an entry's.
            if id <= stream.last_id() {
                return Err(BadData);
            }
            let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
            stream.append(id, &refs);
        }
    }
    if seen_any { Ok(()) } else { Err(BadData) }
}

/// An entry's flat field/value list: values alone after the master's names (SAMEFIELDS), or a
/// count and that many pairs.
fn entry_fields(
    items: &mut std::vec::IntoIter<Element>,
    flags: i64,
    master_fields: &[Element],
    next_int: &mut impl FnMut(&mut std::vec::IntoIter<Element>) -> Decoded<i64>,
) -> Decoded<Vec<Vec<u8>>> {
    let mut fields = Vec::new();
    if flags & FLAG_SAMEFIELDS != 0 {
        for name in master_fields {
            fields.push(name.to_vec());
            fields.push(items.next().ok_or(BadData)?.to_vec());
        }
    } else {
        let count = usize::try_from(next_int(items)?).map_err(|_| BadData)?;
        for _ in 0..count * 2 {
            fields.push(items.next().ok_or(BadData)?.to_vec());
        }
    }
    Ok(fields)
}

fn read_group(r: &mut Reader, stream: &mut StreamValue, v2: bool) -> Decoded<()> {
    let name = read_string(r)?;
    let last_id = read_id(r)?;
    let entries_read = if v2 { Some(read_length(r)?).filter(|&n| n != ENTRIES_READ_UNKNOWN).map(|n| n as i64) } else { None };
    if !stream.create_group(&name, last_id, entries_read) {
        return Err(BadData);
    }
    let group = stream.group_mut(&name).expect("group just created");
    let pending = read_length(r)?;
    for _ in 0..pending {
        let id = id_from_bytes(r.take(16)?)?;
        let delivery_time = i64::from_le_bytes(r.array()?);
        let delivery_count = read_length(r)?;
        let entry = PendingEntry { consumer: Vec::new(), delivery_time, delivery_count };
        if group.pel.insert(id, entry).is_some() {
            return Err(BadData);
        }
    }
    let consumers = read_length(r)?;
    let mut owned = BTreeSet::new();
    for _ in 0..consumers {
        read_consumer(r, group, &mut owned)?;
    }
    // Every pending entry belongs to exactly one consumer.
    if owned.len() == group.pel.len() { Ok(()) } else { Err(BadData) }
}

/// A consumer: its name, seen time, and the IDs of the group's PEL it owns (each ID may have
/// only one owner).
fn read_consumer(r: &mut Reader, group: &mut ConsumerGroup, owned: &mut BTreeSet<StreamId>) -> Decoded<()> {
    let name = read_string(r)?;
    let seen_time = i64::from_le_bytes(r.array()?);
    if !group.create_consumer(&name, seen_time) {
        return Err(BadData);
    }
    for _ in 0..read_length(r)? {
        let id = id_from_bytes(r.take(16)?)?;
        let entry = group.pel.get_mut(&id).ok_or(BadData)?;
        if !owned.insert(id) {
            return Err(BadData);
        }
        entry.consumer = name.clone();
        group.consumers.get_mut(&name).ok_or(BadData)?.pending.insert(id);
    }
    Ok(())
}
