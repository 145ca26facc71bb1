//! The stream type: entries ordered by ID, consumer groups with their pending entries lists
//! (PELs), and the counters Redis 7 keeps to report a group's lag.
//!
//! Entries live in a `BTreeMap` keyed by ID, so seeks are O(log n). Beside it the stream keeps
//! the outline of Redis's radix tree of listpack nodes — where each node starts, how many
//! entries it holds, roughly how big it is — because approximate trimming (`~`) only ever drops
//! whole nodes, and which entries survive it must match Redis.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Entries a node holds (live and deleted) before a new one starts: `stream-node-max-entries`.
pub const NODE_MAX_ENTRIES: u32 = 100;
/// Bytes a node may reach before a new one starts: `stream-node-max-bytes`.
pub const NODE_MAX_BYTES: usize = 4096;

/// An entry ID: milliseconds and a sequence number within them, compared in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    pub const MAX: StreamId = StreamId { ms: u64::MAX, seq: u64::MAX };

    pub const fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    /// The smallest ID after this one; `None` after the last possible ID.
    pub fn next(self) -> Option<StreamId> {
        match (self.ms, self.seq) {
            (u64::MAX, u64::MAX) => None,
            (ms, u64::MAX) => Some(StreamId::new(ms + 1, 0)),
            (ms, seq) => Some(StreamId::new(ms, seq + 1)),
        }
    }

    /// The largest ID before this one; `None` before 0-0.
    pub fn prev(self) -> Option<StreamId> {
        match (self.ms, self.seq) {
            (0, 0) => None,
            (ms, 0) => Some(StreamId::new(ms - 1, u64::MAX)),
            (ms, seq) => Some(StreamId::new(ms, seq - 1)),
        }
    }

    /// The big-endian key Redis's radix tree orders IDs by.
    pub fn to_bytes(self) -> [u8; 16] {
        let mut key = [0; 16];
        key[..8].copy_from_slice(&self.ms.to_be_bytes());
        key[8..].copy_from_slice(&self.seq.to_be_bytes());
        key
    }

    pub fn is_zero(self) -> bool {
        self == StreamId::MIN
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// An entry's fields and values, interleaved: `field, value, field, value, ...`.
pub type Fields = Vec<Vec<u8>>;

/// An entry's fields and values stored in one allocation, each string as its length (LEB128)
/// followed by its bytes: a stream holds many small entries, and one allocation each keeps
/// them compact.
#[derive(Debug, Clone)]
pub struct PackedEntry(Box<[u8]>);

impl PackedEntry {
    pub fn pack(strings: &[&[u8]]) -> PackedEntry {
        let mut buf = Vec::with_capacity(strings.iter().map(|s| s.len() + 1).sum());
        for string in strings {
            let mut len = string.len();
            while len >= 0x80 {
                buf.push((len & 0x7f) as u8 | 0x80);
                len >>= 7;
            }
            buf.push(len as u8);
            buf.extend_from_slice(string);
        }
        PackedEntry(buf.into_boxed_slice())
    }

    /// The strings, in order.
    pub fn strings(&self) -> impl Iterator<Item = &[u8]> {
        let mut rest: &[u8] = &self.0;
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let (mut len, mut shift, mut i) = (0usize, 0, 0);
            loop {
                let byte = rest[i];
                len |= usize::from(byte & 0x7f) << shift;
                i += 1;
                if byte < 0x80 {
                    break;
                }
                shift += 7;
            }
            let (string, tail) = rest[i..].split_at(len);
            rest = tail;
            Some(string)
        })
    }

    /// The fields and values, unpacked for a reply.
    pub fn fields(&self) -> Fields {
        self.strings().map(<[u8]>::to_vec).collect()
    }
}

/// One listpack node of Redis's radix tree, as far as trimming and `XINFO` need it.
#[derive(Debug, Clone)]
struct Node {
    /// Entries not deleted.
    live: u32,
    /// Entries ever appended, deleted ones included (Redis only flags them).
    total: u32,
    /// Approximate listpack size.
    bytes: usize,
    /// The last ID appended, deleted or not.
    last_id: StreamId,
    /// The field names of the node's first entry: entries with the same names store only
    /// their values.
    master_fields: Vec<Vec<u8>>,
}

/// How XADD and XTRIM trim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrimStrategy {
    MaxLen(u64),
    MinId(StreamId),
}

/// A trimming request: the strategy, whether `~` allows stopping at a node boundary, and the
/// most entries to evict (0: no limit).
#[derive(Debug, Clone, Copy)]
pub struct Trim {
    pub strategy: TrimStrategy,
    pub approx: bool,
    pub limit: u64,
}

/// A message delivered to a consumer and not acknowledged yet.
#[derive(Debug, Clone)]
pub struct PendingEntry {
    pub consumer: Vec<u8>,
    /// When it was last delivered (ms).
    pub delivery_time: i64,
    pub delivery_count: u64,
}

/// A consumer of a group: when it was last seen and the IDs it owns in the group's PEL.
#[derive(Debug, Clone)]
pub struct Consumer {
    pub seen_time: i64,
    pub pending: BTreeSet<StreamId>,
}

impl Consumer {
    fn new(now: i64) -> Consumer {
        Consumer { seen_time: now, pending: BTreeSet::new() }
    }
}

/// A consumer group: its last delivered ID, its logical read counter (`None` when unknown, as
/// Redis's `SCG_INVALID_ENTRIES_READ`), its PEL and its consumers (both ordered, as Redis's rax).
#[derive(Debug, Clone)]
pub struct ConsumerGroup {
    pub last_id: StreamId,
    pub entries_read: Option<i64>,
    pub pel: BTreeMap<StreamId, PendingEntry>,
    pub consumers: BTreeMap<Vec<u8>, Consumer>,
}

impl ConsumerGroup {
    pub fn new(last_id: StreamId, entries_read: Option<i64>) -> ConsumerGroup {
        ConsumerGroup { last_id, entries_read, pel: BTreeMap::new(), consumers: BTreeMap::new() }
    }

    /// Creates a consumer; false if it already exists.
    pub fn create_consumer(&mut self, name: &[u8], now: i64) -> bool {
        if self.consumers.contains_key(name) {
            return false;
        }
        self.consumers.insert(name.to_vec(), Consumer::new(now));
        true
    }

    /// Looks a consumer up, creating it if missing, and marks it seen now.
    pub fn touch_consumer(&mut self, name: &[u8], now: i64) -> &mut Consumer {
        let consumer = self.consumers.entry(name.to_vec()).or_insert_with(|| Consumer::new(now));
        consumer.seen_time = now;
        consumer
    }

    /// Deletes a consumer and its pending entries; the number it had pending, or `None`.
    pub fn delete_consumer(&mut self, name: &[u8]) -> Option<usize> {
        let consumer = self.consumers.remove(name)?;
        for id in &consumer.pending {
            self.pel.remove(id);
        }
        Some(consumer.pending.len())
    }

    /// Records a fresh delivery of `id` to `consumer`: a new PEL entry, or an existing one
    /// handed over with its counter reset (after XGROUP SETID moved the group back).
    pub fn deliver(&mut self, id: StreamId, consumer: &[u8], now: i64) {
        let fresh = PendingEntry { consumer: consumer.to_vec(), delivery_time: now, delivery_count: 1 };
        if let Some(previous) = self.pel.insert(id, fresh) {
            self.unlink(&previous.consumer, id);
        }
        self.touch_consumer(consumer, now).pending.insert(id);
    }

    /// Moves a pending entry to `consumer` (creating it, delivered once now, if `id` is not
    /// pending, as XCLAIM's FORCE does); returns it for the caller to update its delivery data.
    pub fn assign(&mut self, id: StreamId, consumer: &[u8], now: i64) -> &mut PendingEntry {
        let owner = self.pel.get(&id).map(|p| p.consumer.clone());
        if owner.as_deref() != Some(consumer) {
            if let Some(owner) = owner {
                self.unlink(&owner, id);
            }
            self.touch_consumer(consumer, now).pending.insert(id);
        } else {
            self.touch_consumer(consumer, now);
        }
        let entry = self.pel.entry(id).or_insert_with(|| PendingEntry {
            consumer: Vec::new(),
            delivery_time: now,
            delivery_count: 1,
        });
        entry.consumer = consumer.to_vec();
        entry
    }

    /// Removes `id` from the PEL (XACK); whether it was pending.
    pub fn acknowledge(&mut self, id: StreamId) -> bool {
        match self.pel.remove(&id) {
            Some(entry) => {
                self.unlink(&entry.consumer, id);
                true
            }
            None => false,
        }
    }

    fn unlink(&mut self, consumer: &[u8], id: StreamId) {
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pending.remove(&id);
        }
    }
}

/// A stream value.
#[derive(Debug, Clone, Default)]
pub struct StreamValue {
    entries: BTreeMap<StreamId, PackedEntry>,
    /// Listpack nodes by master (first) ID.
    nodes: BTreeMap<StreamId, Node>,
    last_id: StreamId,
    max_deleted_id: StreamId,
    entries_added: u64,
    groups: BTreeMap<Vec<u8>, ConsumerGroup>,
}

/// The counters Redis's lag arithmetic reads, copied out so groups can change while they are read.
#[derive(Debug, Clone, Copy)]
struct Counters {
    len: u64,
    first_id: StreamId,
    last_id: StreamId,
    max_deleted_id: StreamId,
    entries_added: u64,
}

impl Counters {
    /// Whether a deleted entry may lie at or after `start` (Redis's `streamRangeHasTombstones`
    /// with an open end).
    fn has_tombstones_from(&self, start: StreamId) -> bool {
        if self.len == 0 || self.max_deleted_id.is_zero() || self.first_id > self.max_deleted_id {
            return false;
        }
        start <= self.max_deleted_id
    }

    /// The logical position of `id` in the stream's history, when it can be known (Redis's
    /// `streamEstimateDistanceFromFirstEverEntry`).
    fn entries_read_at(&self, id: StreamId) -> Option<i64> {
        let added = self.entries_added as i64;
        if self.entries_added == 0 {
            return Some(0);
        }
        if self.len == 0 && id <= self.last_id {
            return Some(added);
        }
        match id.cmp(&self.last_id) {
            std::cmp::Ordering::Equal => return Some(added),
            std::cmp::Ordering::Greater => return None,
            std::cmp::Ordering::Less => {}
        }
        let no_gaps_ahead = self.max_deleted_id.is_zero() || self.max_deleted_id < self.first_id;
        if no_gaps_ahead {
            match id.cmp(&self.first_id) {
                std::cmp::Ordering::Less => return Some(added - self.len as i64),
                std::cmp::Ordering::Equal => return Some(added - self.len as i64 + 1),
                std::cmp::Ordering::Greater => {}
            }
        }
        None
    }
}

impl StreamValue {
    pub fn new() -> StreamValue {
        StreamValue::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The last ID ever generated (or set by XSETID), which new IDs must exceed.
    pub fn last_id(&self) -> StreamId {
        self.last_id
    }

    /// The first live entry's ID; 0-0 when empty.
    pub fn first_id(&self) -> StreamId {
        self.entries.keys().next().copied().unwrap_or_default()
    }

    /// The last live entry's ID; 0-0 when empty.
    pub fn last_entry_id(&self) -> StreamId {
        self.entries.keys().next_back().copied().unwrap_or_default()
    }

    pub fn max_deleted_id(&self) -> StreamId {
        self.max_deleted_id
    }

    pub fn entries_added(&self) -> u64 {
        self.entries_added
    }

    /// XSETID: the new last ID and, when given, the history counters.
    pub fn set_last_id(&mut self, id: StreamId, entries_added: Option<u64>, max_deleted_id: Option<StreamId>) {
        self.last_id = id;
        if let Some(added) = entries_added {
            self.entries_added = added;
        }
        if let Some(deleted) = max_deleted_id {
            self.max_deleted_id = deleted;
        }
    }

    fn counters(&self) -> Counters {
        Counters {
            len: self.entries.len() as u64,
            first_id: self.first_id(),
            last_id: self.last_id,
            max_deleted_id: self.max_deleted_id,
            entries_added: self.entries_added,
        }
    }

    /// The radix tree's key count (listpack nodes) `XINFO STREAM` reports.
    pub fn radix_tree_keys(&self) -> usize {
        self.nodes.len()
    }

    /// The node count of Redis's radix tree over the listpack nodes' master IDs.
    pub fn radix_tree_nodes(&self) -> usize {
        let keys: Vec<[u8; 16]> = self.nodes.keys().map(|id| id.to_bytes()).collect();
        if keys.is_empty() {
            1
        } else {
            rax_nodes(&keys, 0)
        }
    }

    pub fn get(&self, id: StreamId) -> Option<&PackedEntry> {
        self.entries.get(&id)
    }

    pub fn contains(&self, id: StreamId) -> bool {
        self.entries.contains_key(&id)
    }

    /// Appends an entry with an ID the caller has checked is greater than [`Self::last_id`].
    pub fn append(&mut self, id: StreamId, fields: &[&[u8]]) {
        debug_assert!(id > self.last_id);
        let raw_len: usize = fields.iter().map(|f| f.len()).sum();
        match self.nodes.iter_mut().next_back() {
            Some((&master, node)) if node.bytes + raw_len < NODE_MAX_BYTES && node.total < NODE_MAX_ENTRIES => {
                node.live += 1;
                node.total += 1;
                node.bytes += entry_size(master, id, fields, &node.master_fields);
                node.last_id = id;
            }
            _ => {
                let master_fields: Vec<Vec<u8>> = fields.iter().step_by(2).map(|f| f.to_vec()).collect();
                let bytes = LISTPACK_OVERHEAD + master_entry_size(&master_fields) + entry_size(id, id, fields, &master_fields);
                self.nodes.insert(id, Node { live: 1, total: 1, bytes, last_id: id, master_fields });
            }
        }
        self.entries.insert(id, PackedEntry::pack(fields));
        self.last_id = id;
        self.entries_added += 1;
    }

    /// Deletes one entry (XDEL): whether it existed. Tracks the greatest deleted ID.
    pub fn delete(&mut self, id: StreamId) -> bool {
        if self.entries.remove(&id).is_none() {
            return false;
        }
        self.forget_in_node(id);
        if id > self.max_deleted_id {
            self.max_deleted_id = id;
        }
        true
    }

    /// Marks `id` deleted in its node, dropping the node when nothing live is left in it.
    fn forget_in_node(&mut self, id: StreamId) {
        let Some((&master, node)) = self.nodes.range_mut(..=id).next_back() else {
            return;
        };
        node.live -= 1;
        if node.live == 0 {
            self.nodes.remove(&master);
        }
    }

    /// Trims from the oldest entries (Redis's `streamTrim`); returns how many were evicted.
    /// Whole nodes go first; with `~` trimming stops at the first node that cannot go whole.
    pub fn trim(&mut self, trim: Trim) -> u64 {
        let mut evicted = 0u64;
        while let Some((&master, node)) = self.nodes.iter().next() {
            if let TrimStrategy::MaxLen(max) = trim.strategy {
                if self.entries.len() as u64 <= max {
                    break;
                }
            }
            let live = u64::from(node.live);
            if trim.limit > 0 && evicted + live > trim.limit {
                break;
            }
            let whole = match trim.strategy {
                TrimStrategy::MaxLen(max) => self.entries.len() as u64 - live >= max,
                TrimStrategy::MinId(min) => node.last_id < min,
            };
            if whole {
                let last = node.last_id;
                self.nodes.remove(&master);
                let doomed: Vec<StreamId> = self.entries.range(master..=last).map(|(id, _)| *id).collect();
                for id in doomed {
                    self.entries.remove(&id);
                }
                evicted += live;
                continue;
            }
            if !trim.approx {
                evicted += self.trim_inside_node(master, trim.strategy);
            }
            break;
        }
        evicted
    }

    /// Exact trimming inside the first node, which stays (possibly with no live entries, as in
    /// Redis, when its last entry had been deleted).
    fn trim_inside_node(&mut self, master: StreamId, strategy: TrimStrategy) -> u64 {
        let last = self.nodes[&master].last_id;
        let mut doomed = Vec::new();
        let mut len = self.entries.len() as u64;
        for id in self.entries.range(master..=last).map(|(id, _)| *id) {
            let keep = match strategy {
                TrimStrategy::MaxLen(max) => len <= max,
                TrimStrategy::MinId(min) => id >= min,
            };
            if keep {
                break;
            }
            doomed.push(id);
            len -= 1;
        }
        let node = self.nodes.get_mut(&master).expect("trimmed node exists");
        node.live -= doomed.len() as u32;
        for id in &doomed {
            self.entries.remove(id);
        }
        doomed.len() as u64
    }

    /// Entries with IDs in `start..=end`, at most `count` of them (0: all), oldest first or,
    /// with `rev`, newest first.
    pub fn range(&self, start: StreamId, end: StreamId, count: usize, rev: bool) -> Vec<(StreamId, Fields)> {
        if start > end {
            return Vec::new();
        }
        let limit = if count == 0 { usize::MAX } else { count };
        let range = self.entries.range(start..=end);
        let pick = |(id, entry): (&StreamId, &PackedEntry)| (*id, entry.fields());
        if rev {
            range.rev().take(limit).map(pick).collect()
        } else {
            range.take(limit).map(pick).collect()
        }
    }

    /// Entries with IDs greater than `after`, at most `count` (0: all).
    pub fn entries_after(&self, after: StreamId, count: usize) -> Vec<(StreamId, Fields)> {
        match after.next() {
            Some(start) => self.range(start, StreamId::MAX, count, false),
            None => Vec::new(),
        }
    }

    pub fn group(&self, name: &[u8]) -> Option<&ConsumerGroup> {
        self.groups.get(name)
    }

    pub fn group_mut(&mut self, name: &[u8]) -> Option<&mut ConsumerGroup> {
        self.groups.get_mut(name)
    }

    /// Groups in name order, as `XINFO GROUPS` lists them.
    pub fn groups(&self) -> impl Iterator<Item = (&[u8], &ConsumerGroup)> {
        self.groups.iter().map(|(name, group)| (name.as_slice(), group))
    }

    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// Creates a group; false if one of that name exists.
    pub fn create_group(&mut self, name: &[u8], last_id: StreamId, entries_read: Option<i64>) -> bool {
        if self.groups.contains_key(name) {
            return false;
        }
        self.groups.insert(name.to_vec(), ConsumerGroup::new(last_id, entries_read));
        true
    }

    pub fn destroy_group(&mut self, name: &[u8]) -> bool {
        self.groups.remove(name).is_some()
    }

    /// A group's lag: entries added that the group has not read yet, when it can be known.
    pub fn lag(&self, group: &ConsumerGroup) -> Option<i64> {
        let counters = self.counters();
        if self.entries_added == 0 {
            return Some(0);
        }
        let read = match group.entries_read {
            Some(read) if !counters.has_tombstones_from(group.last_id) => read,
            _ => counters.entries_read_at(group.last_id)?,
        };
        Some(self.entries_added as i64 - read)
    }

    /// XREADGROUP with `>`: the entries after the group's last delivered ID, advancing it and
    /// its read counter, and (unless `noack`) recording them as pending for `consumer`.
    pub fn read_new(&mut self, group: &[u8], consumer: &[u8], count: usize, noack: bool, now: i64) -> Vec<(StreamId, Fields)> {
        let counters = self.counters();
        let Some(g) = self.groups.get_mut(group) else {
            return Vec::new();
        };
        g.touch_consumer(consumer, now);
        let start = g.last_id.next().unwrap_or_default();
        let limit = if count == 0 { usize::MAX } else { count };
        let mut out = Vec::new();
        for (&id, entry) in self.entries.range(start..).take(limit) {
            if id > g.last_id {
                g.entries_read = match g.entries_read {
                    Some(read) if !counters.has_tombstones_from(id) => Some(read + 1),
                    _ => counters.entries_read_at(id),
                };
                g.last_id = id;
            }
            if !noack {
                g.deliver(id, consumer, now);
            }
            out.push((id, entry.fields()));
        }
        out
    }

    /// XREADGROUP with an ID: the consumer's own pending entries from `start`, counted as
    /// delivered again. A pending entry deleted from the stream comes back with no fields.
    pub fn read_history(&mut self, group: &[u8], consumer: &[u8], start: StreamId, count: usize, now: i64) -> Vec<(StreamId, Option<Fields>)> {
        let Some(g) = self.groups.get_mut(group) else {
            return Vec::new();
        };
        let limit = if count == 0 { usize::MAX } else { count };
        let ids: Vec<StreamId> = g.touch_consumer(consumer, now).pending.range(start..).take(limit).copied().collect();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let fields = self.entries.get(&id).map(PackedEntry::fields);
            if fields.is_some() {
                let pending = g.pel.get_mut(&id).expect("a consumer's PEL is part of its group's");
                pending.delivery_time = now;
                pending.delivery_count += 1;
            }
            out.push((id, fields));
        }
        out
    }

    /// The stream's entries and one of its groups, borrowed together (XCLAIM, XAUTOCLAIM).
    pub fn entries_and_group(&mut self, name: &[u8]) -> Option<(&BTreeMap<StreamId, PackedEntry>, &mut ConsumerGroup)> {
        let group = self.groups.get_mut(name)?;
        Some((&self.entries, group))
    }
}

/// The nodes of a radix tree holding `keys` (sorted and distinct) below `depth` bytes: a run of
/// bytes every key shares is one compressed node, a byte where they differ one branching node,
/// and each key's end one leaf.
fn rax_nodes(keys: &[[u8; 16]], depth: usize) -> usize {
    if depth == 16 {
        return 1;
    }
    let (first, last) = (&keys[0], &keys[keys.len() - 1]);
    let shared = (depth..16).take_while(|&i| first[i] == last[i]).count();
    if shared > 0 {
        return 1 + rax_nodes(keys, depth + shared);
    }
    1 + keys.chunk_by(|a, b| a[depth] == b[depth]).map(|group| rax_nodes(group, depth + 1)).sum::<usize>()
}

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

/// One appended entry: flags, its ID as deltas from the node's master ID, its values (with
/// their field names unless those match the master entry's), and a back count.
fn entry_size(master: StreamId, id: StreamId, fields: &[&[u8]], master_fields: &[Vec<u8>]) -> usize {
    let delta = |a: u64, b: u64| int_size(a.wrapping_sub(b) as i64) + 1;
    let id_bytes = delta(id.ms, master.ms) + delta(id.seq, master.seq);
    let same_fields = fields.len() == master_fields.len() * 2 && fields.iter().step_by(2).copied().eq(master_fields.iter().map(Vec::as_slice));
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

    const FIELDS: &[&[u8]] = &[b"f", b"v"];

    fn stream_of(n: u64) -> StreamValue {
        let mut s = StreamValue::new();
        for i in 1..=n {
            s.append(StreamId::new(i, 0), FIELDS);
        }
        s
    }

    #[test]
    fn ids_step_across_sequence_overflow() {
        assert_eq!(StreamId::new(1, u64::MAX).next(), Some(StreamId::new(2, 0)));
        assert_eq!(StreamId::MAX.next(), None);
        assert_eq!(StreamId::new(2, 0).prev(), Some(StreamId::new(1, u64::MAX)));
        assert_eq!(StreamId::MIN.prev(), None);
        assert_eq!(StreamId::new(5, 3).to_string(), "5-3");
    }

    #[test]
    fn packed_entries_round_trip() {
        let long = vec![b'x'; 300];
        let strings: &[&[u8]] = &[b"", b"field", &long, b"\x00\xff"];
        let packed = PackedEntry::pack(strings);
        assert_eq!(packed.strings().collect::<Vec<_>>(), strings);
        assert_eq!(packed.fields().len(), 4);
    }

    #[test]
    fn nodes_split_every_hundred_entries() {
        let s = stream_of(250);
        assert_eq!(s.radix_tree_keys(), 3);
    }

    #[test]
    fn approximate_trim_drops_whole_nodes_only() {
        let mut s = stream_of(250);
        let evicted = s.trim(Trim { strategy: TrimStrategy::MaxLen(10), approx: true, limit: 10_000 });
        assert_eq!(evicted, 200);
        assert_eq!(s.len(), 50);
        let evicted = s.trim(Trim { strategy: TrimStrategy::MaxLen(10), approx: false, limit: 0 });
        assert_eq!(evicted, 40);
        assert_eq!(s.first_id(), StreamId::new(241, 0));
    }

    #[test]
    fn deleting_every_entry_of_a_node_drops_it() {
        let mut s = stream_of(2);
        assert!(s.delete(StreamId::new(1, 0)));
        assert!(!s.delete(StreamId::new(1, 0)));
        assert!(s.delete(StreamId::new(2, 0)));
        assert_eq!(s.radix_tree_keys(), 0);
        assert_eq!(s.max_deleted_id(), StreamId::new(2, 0));
        assert_eq!(s.first_id(), StreamId::MIN);
    }
}
