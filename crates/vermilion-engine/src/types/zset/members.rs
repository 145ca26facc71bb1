//! The member → node half of the `skiplist` encoding: a chained hash table whose chains run
//! through the nodes themselves.
//!
//! It stores no copy of the member and no entry of its own: a bucket is one pointer, a node
//! carries the link to the next node of its bucket, and lookups compare the member bytes inside
//! the node. Otherwise it is the keyspace's [`Dict`](crate::dict::Dict): power-of-two buckets,
//! incremental resizing one bucket per write, and Redis's SCAN cursor, which survives resizes
//! between calls.

use super::node::NodePtr;
use crate::dict::{scan_buckets, zeroed_buckets};

type Bucket = Option<NodePtr>;

/// Grow when there are as many members as buckets (load factor 1), as the keyspace does.
const GROW_LOAD: usize = 1;
/// Shrink only when under 1/8 full: stricter than growing, so a table near a boundary never flaps.
const SHRINK_DIVISOR: usize = 8;
const MIN_BUCKETS: usize = 4;
/// Empty buckets skipped at most per write while resizing (as Redis's `dictRehash(d, 1)`).
const REHASH_EMPTY_VISITS: usize = 10;

/// Finds nodes by member. Does not own them: the skiplist does.
pub(super) struct MemberIndex {
    /// `tables[0]` is the table in use; while resizing, `tables[1]` is the new one and buckets
    /// below `rehash_index` of `tables[0]` have been moved to it.
    tables: [Vec<Bucket>; 2],
    rehash_index: Option<usize>,
    len: usize,
    hasher: ahash::RandomState,
}

fn empty_buckets(size: usize) -> Vec<Bucket> {
    // SAFETY: `Option<NodePtr>` is a nullable pointer whose all-zero value is `None`.
    unsafe { zeroed_buckets(size) }
}

/// Unlinks the first node of a chain that `is_it` picks.
fn chain_remove(bucket: &mut Bucket, is_it: impl Fn(NodePtr) -> bool) -> Option<NodePtr> {
    let mut prev: Option<NodePtr> = None;
    let mut at = *bucket;
    while let Some(node) = at {
        if is_it(node) {
            match prev {
                None => *bucket = node.chain(),
                Some(prev) => prev.set_chain(node.chain()),
            }
            node.set_chain(None);
            return Some(node);
        }
        prev = Some(node);
        at = node.chain();
    }
    None
}

fn chain_nodes(head: Bucket) -> impl Iterator<Item = NodePtr> {
    std::iter::successors(head, |node| node.chain())
}

impl MemberIndex {
    pub fn new() -> Self {
        MemberIndex { tables: [Vec::new(), Vec::new()], rehash_index: None, len: 0, hasher: ahash::RandomState::new() }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    fn hash(&self, member: &[u8]) -> usize {
        self.hasher.hash_one(member) as usize
    }

    pub fn find(&self, member: &[u8]) -> Option<NodePtr> {
        if self.len == 0 {
            return None;
        }
        let hash = self.hash(member);
        self.tables
            .iter()
            .filter(|table| !table.is_empty())
            .find_map(|table| chain_nodes(table[hash & (table.len() - 1)]).find(|node| node.member() == member))
    }

    /// Adds a node whose member is not in the index.
    pub fn insert(&mut self, node: NodePtr) {
        if self.rehash_index.is_none() && self.len + 1 > self.tables[0].len() * GROW_LOAD {
            self.start_resize((self.len + 1).next_power_of_two().max(MIN_BUCKETS));
        }
        self.rehash_step();
        // While resizing, new members go straight to the new table.
        let hash = self.hash(node.member());
        let table = &mut self.tables[usize::from(self.rehash_index.is_some())];
        let mask = table.len() - 1;
        let bucket = &mut table[hash & mask];
        node.set_chain(bucket.replace(node));
        self.len += 1;
    }

    /// Takes a member's node out of the index.
    pub fn remove(&mut self, member: &[u8]) -> Option<NodePtr> {
        self.remove_where(member, |node| node.member() == member)
    }

    /// Takes a node known to be in the index out of it.
    pub fn remove_node(&mut self, node: NodePtr) {
        let removed = self.remove_where(node.member(), |other| other == node);
        debug_assert!(removed.is_some(), "the node was indexed");
    }

    fn remove_where(&mut self, member: &[u8], is_it: impl Fn(NodePtr) -> bool) -> Option<NodePtr> {
        if self.len == 0 {
            return None;
        }
        self.rehash_step();
        let hash = self.hash(member);
        let removed = self
            .tables
            .iter_mut()
            .filter(|table| !table.is_empty())
            .find_map(|table| {
                let mask = table.len() - 1;
                chain_remove(&mut table[hash & mask], &is_it)
            })?;
        self.len -= 1;
        self.maybe_shrink();
        Some(removed)
    }

    fn maybe_shrink(&mut self) {
        let size = self.tables[0].len();
        if self.rehash_index.is_none() && size > MIN_BUCKETS && self.len * SHRINK_DIVISOR < size {
            self.start_resize(self.len.next_power_of_two().max(MIN_BUCKETS));
        }
    }

    /// Allocates the new table; nodes move over one bucket per later write.
    fn start_resize(&mut self, size: usize) {
        if self.tables[0].is_empty() {
            self.tables[0] = empty_buckets(size);
            return;
        }
        self.tables[1] = empty_buckets(size);
        self.rehash_index = Some(0);
    }

    /// Moves a bucket (skipping a few empty ones) from the old table to the new one; finishes
    /// the resize when the old table is empty.
    fn rehash_step(&mut self) {
        let Some(mut index) = self.rehash_index else { return };
        let [old, new] = &mut self.tables;
        let new_mask = new.len() - 1;
        let mut empty_visits = REHASH_EMPTY_VISITS;
        while index < old.len() {
            let head = old[index].take();
            index += 1;
            if head.is_none() {
                empty_visits -= 1;
                if empty_visits == 0 {
                    break;
                }
                continue;
            }
            let mut at = head;
            while let Some(node) = at {
                at = node.chain();
                let bucket = &mut new[self.hasher.hash_one(node.member()) as usize & new_mask];
                node.set_chain(bucket.replace(node));
            }
            break;
        }
        if index >= old.len() {
            self.tables[0] = std::mem::take(&mut self.tables[1]);
            self.rehash_index = None;
        } else {
            self.rehash_index = Some(index);
        }
    }

    /// One SCAN step: visits the nodes of the bucket(s) at `cursor`; returns the next cursor.
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(NodePtr)) -> u64 {
        let resizing_to = self.rehash_index.map(|_| &self.tables[1][..]);
        scan_buckets(&self.tables[0], resizing_to, cursor, |&head| chain_nodes(head).for_each(&mut visit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashSet};

    /// Frees the nodes a test allocated.
    fn free_all(nodes: impl IntoIterator<Item = NodePtr>) {
        for node in nodes {
            // SAFETY: each test drops its index before freeing, and frees each node once.
            unsafe { node.free() }
        }
    }

    #[test]
    fn finds_what_it_holds_through_growth_and_shrinking() {
        let mut index = MemberIndex::new();
        let mut model = BTreeMap::new();
        for i in 0..5000 {
            let node = NodePtr::alloc(format!("m{i}").as_bytes(), f64::from(i), 1);
            index.insert(node);
            model.insert(format!("m{i}"), node);
        }
        for i in (0..5000).step_by(2) {
            let node = index.remove(format!("m{i}").as_bytes()).expect("present");
            assert_eq!(node.score(), f64::from(i));
            free_all([model.remove(&format!("m{i}")).unwrap()]);
        }
        assert!(index.remove(b"m0").is_none());
        for i in (1..4900).step_by(2) {
            let node = model.remove(&format!("m{i}")).unwrap();
            index.remove_node(node);
            free_all([node]);
        }
        assert_eq!(index.len(), model.len());
        let newest = &index.tables[usize::from(index.rehash_index.is_some())];
        assert!(newest.len() <= 1024, "the table shrinks");
        for (member, &node) in &model {
            assert_eq!(index.find(member.as_bytes()), Some(node));
        }
        assert_eq!(index.find(b"m1"), None);
        drop(index);
        free_all(model.into_values());
    }

    #[test]
    fn scan_is_complete_while_a_resize_is_under_way() {
        let mut index = MemberIndex::new();
        // Just past a power of two, so the table is mid-resize (smaller under Miri, which is slow).
        let count = if cfg!(miri) { 1030 } else { 8200 };
        let nodes: Vec<NodePtr> = (0..count).map(|i| NodePtr::alloc(format!("k{i}").as_bytes(), 0.0, 1)).collect();
        for &node in &nodes {
            index.insert(node);
        }
        assert!(index.rehash_index.is_some(), "a resize is under way");
        let mut seen = HashSet::new();
        let mut cursor = 0;
        loop {
            cursor = index.scan(cursor, |node| {
                seen.insert(node.member().to_vec());
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), count);
        drop(index);
        free_all(nodes);
    }
}
