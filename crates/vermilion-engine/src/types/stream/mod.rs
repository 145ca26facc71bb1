//! The stream type: entries ordered by ID, consumer groups with their pending entries lists
//! (PELs), and the counters Redis 7 keeps to report a group's lag.
//!
//! Entries live in nodes of up to 100 packed entries (see [`node`]), keyed by their first ID in
//! a `BTreeMap`, as Redis keeps listpacks in a radix tree: a seek is O(log n) to the node, then a
//! scan within it. Nodes split where Redis's would, so approximate trimming (`~`), which only
//! drops whole nodes, keeps the same entries as Redis.

mod node;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use node::Node;
pub use node::NODE_MAX_ENTRIES;

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
    /// Nodes by master (first) ID.
    nodes: BTreeMap<StreamId, Node>,
    /// Live entries.
    len: usize,
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
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The last ID ever generated (or set by XSETID), which new IDs must exceed.
    pub fn last_id(&self) -> StreamId {
        self.last_id
    }

    /// The first live entry's ID; 0-0 when empty.
    pub fn first_id(&self) -> StreamId {
        let first = self.nodes.values().find_map(|node| node.live_records().next());
        first.map_or(StreamId::MIN, |record| record.id)
    }

    /// The last live entry's ID; 0-0 when empty.
    pub fn last_entry_id(&self) -> StreamId {
        let last = self.nodes.values().rev().find_map(|node| node.live_records().last());
        last.map_or(StreamId::MIN, |record| record.id)
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
            len: self.len as u64,
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

    /// An entry's fields and values.
    pub fn get(&self, id: StreamId) -> Option<Fields> {
        self.entries().get(id)
    }

    /// Appends an entry with an ID the caller has checked is greater than [`Self::last_id`].
    pub fn append(&mut self, id: StreamId, fields: &[&[u8]]) {
        debug_assert!(id > self.last_id);
        match self.nodes.values_mut().next_back() {
            Some(node) if node.has_room_for(fields) => node.push(id, fields),
            last => {
                if let Some(full) = last {
                    full.seal();
                }
                self.nodes.insert(id, Node::new(id, fields));
            }
        }
        self.len += 1;
        self.last_id = id;
        self.entries_added += 1;
    }

    /// Deletes one entry (XDEL): whether it existed. Tracks the greatest deleted ID.
    pub fn delete(&mut self, id: StreamId) -> bool {
        let Some((&master, node)) = self.nodes.range_mut(..=id).next_back() else {
            return false;
        };
        let Some(offset) = node.find(id).map(|record| record.offset()) else {
            return false;
        };
        node.delete(offset);
        if node.live == 0 {
            self.nodes.remove(&master);
        }
        self.len -= 1;
        if id > self.max_deleted_id {
            self.max_deleted_id = id;
        }
        true
    }

    /// Trims from the oldest entries (Redis's `streamTrim`); returns how many were evicted.
    /// Whole nodes go first; with `~` trimming stops at the first node that cannot go whole.
    pub fn trim(&mut self, trim: Trim) -> u64 {
        let mut evicted = 0u64;
        while let Some((&master, node)) = self.nodes.iter().next() {
            if let TrimStrategy::MaxLen(max) = trim.strategy {
                if self.len as u64 <= max {
                    break;
                }
            }
            let live = u64::from(node.live);
            if trim.limit > 0 && evicted + live > trim.limit {
                break;
            }
            let whole = match trim.strategy {
                TrimStrategy::MaxLen(max) => self.len as u64 - live >= max,
                TrimStrategy::MinId(min) => node.last_id < min,
            };
            if whole {
                self.nodes.remove(&master);
                self.len -= live as usize;
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
        let node = self.nodes.get_mut(&master).expect("trimmed node exists");
        let mut len = self.len as u64;
        let mut doomed = Vec::new();
        for record in node.live_records() {
            let keep = match strategy {
                TrimStrategy::MaxLen(max) => len <= max,
                TrimStrategy::MinId(min) => record.id >= min,
            };
            if keep {
                break;
            }
            doomed.push(record.offset());
            len -= 1;
        }
        for &offset in &doomed {
            node.delete(offset);
        }
        self.len -= doomed.len();
        doomed.len() as u64
    }

    /// Entries with IDs in `start..=end`, at most `count` of them (0: all), oldest first or,
    /// with `rev`, newest first.
    pub fn range(&self, start: StreamId, end: StreamId, count: usize, rev: bool) -> Vec<(StreamId, Fields)> {
        self.entries().range(start, end, count, rev)
    }

    fn entries(&self) -> StreamEntries<'_> {
        StreamEntries { nodes: &self.nodes }
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
        let entries = StreamEntries { nodes: &self.nodes }.range(start, StreamId::MAX, count, false);
        for (id, _) in &entries {
            let id = *id;
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
        }
        entries
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
            let fields = StreamEntries { nodes: &self.nodes }.get(id);
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
    pub fn entries_and_group(&mut self, name: &[u8]) -> Option<(StreamEntries<'_>, &mut ConsumerGroup)> {
        let group = self.groups.get_mut(name)?;
        Some((StreamEntries { nodes: &self.nodes }, group))
    }
}

/// Read access to a stream's entries, borrowed apart from its groups.
#[derive(Clone, Copy)]
pub struct StreamEntries<'a> {
    nodes: &'a BTreeMap<StreamId, Node>,
}

impl StreamEntries<'_> {
    fn node_of(&self, id: StreamId) -> Option<&Node> {
        self.nodes.range(..=id).next_back().map(|(_, node)| node)
    }

    /// An entry's fields and values.
    pub fn get(&self, id: StreamId) -> Option<Fields> {
        let node = self.node_of(id)?;
        node.find(id).map(|record| node.fields(&record))
    }

    pub fn contains(&self, id: StreamId) -> bool {
        self.node_of(id).is_some_and(|node| node.find(id).is_some())
    }

    /// Entries with IDs in `start..=end`, at most `count` (0: all), oldest or newest first.
    pub fn range(&self, start: StreamId, end: StreamId, count: usize, rev: bool) -> Vec<(StreamId, Fields)> {
        if start > end {
            return Vec::new();
        }
        let limit = if count == 0 { usize::MAX } else { count };
        let mut out = Vec::new();
        if rev {
            for node in self.nodes.range(..=end).rev().map(|(_, node)| node) {
                let records: Vec<_> = node.live_records().take_while(|r| r.id <= end).collect();
                for record in records.iter().rev() {
                    if record.id < start || out.len() == limit {
                        return out;
                    }
                    out.push((record.id, node.fields(record)));
                }
            }
        } else {
            // The node holding `start` begins at or before it.
            let first = self.nodes.range(..=start).next_back().map_or(start, |(&master, _)| master);
            for node in self.nodes.range(first..).map(|(_, node)| node) {
                for record in node.live_records().skip_while(|r| r.id < start) {
                    if record.id > end || out.len() == limit {
                        return out;
                    }
                    out.push((record.id, node.fields(&record)));
                }
            }
        }
        out
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
    fn nodes_split_every_hundred_entries() {
        let s = stream_of(250);
        assert_eq!(s.radix_tree_keys(), 3);
    }

    #[test]
    fn ranges_cross_nodes_and_skip_deleted_entries() {
        let mut s = stream_of(250);
        for ms in [99, 100, 101, 150] {
            assert!(s.delete(StreamId::new(ms, 0)));
        }
        let ids = |entries: Vec<(StreamId, Fields)>| entries.into_iter().map(|(id, _)| id.ms).collect::<Vec<_>>();
        assert_eq!(ids(s.range(StreamId::new(98, 0), StreamId::new(103, 0), 0, false)), [98, 102, 103]);
        assert_eq!(ids(s.range(StreamId::new(98, 0), StreamId::new(103, 0), 2, true)), [103, 102]);
        assert_eq!(ids(s.range(StreamId::new(99, 1), StreamId::MAX, 1, false)), [102]);
        assert_eq!(s.get(StreamId::new(102, 0)), Some(vec![b"f".to_vec(), b"v".to_vec()]));
        assert_eq!(s.get(StreamId::new(100, 0)), None);
        assert_eq!((s.len(), s.first_id(), s.last_entry_id()), (246, StreamId::new(1, 0), StreamId::new(250, 0)));
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
