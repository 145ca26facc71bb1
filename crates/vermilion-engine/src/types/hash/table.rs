//! The hash table of big hashes: chained buckets of single-block pairs ([`PairNode`]).
//!
//! It works as the keyspace's [`Dict`](crate::dict::Dict) does — power-of-two bucket arrays,
//! growth at load factor 1, incremental resizing one bucket per write, Redis's reverse-binary
//! SCAN cursor — but stores each field and its value in one allocation with the chain link, and
//! keeps no hash per entry (it is recomputed while resizing, as Redis does). For a million small
//! pairs that is about 56 bytes a field where a `Dict<Box<[u8]>>` took about 120.

use rand::Rng;

use super::node::PairNode;

type Bucket = Option<PairNode>;

/// Grow when there are as many pairs as buckets (load factor 1, as Redis's dict).
const GROW_LOAD: usize = 1;
/// Shrink only when under 1/8 full: stricter than growing, so a table never flaps.
const SHRINK_DIVISOR: usize = 8;
const MIN_BUCKETS: usize = 4;
/// Empty buckets skipped at most per resize step (Redis's `dictRehash(d, 1)`).
const REHASH_EMPTY_VISITS: usize = 10;

/// Field/value pairs with O(1) lookup, SCAN cursors and random sampling.
pub struct PairTable {
    /// `tables[0]` is in use; while resizing, `tables[1]` is the new one and the buckets of
    /// `tables[0]` below `rehash_index` have moved to it.
    tables: [Vec<Bucket>; 2],
    rehash_index: Option<usize>,
    len: usize,
    hasher: ahash::RandomState,
}

impl Default for PairTable {
    fn default() -> Self {
        PairTable::new()
    }
}

fn empty_buckets(size: usize) -> Vec<Bucket> {
    let mut buckets = Vec::with_capacity(size);
    buckets.resize_with(size, || None);
    buckets
}

/// Redis's reverse-binary cursor increment over the bits of `mask`.
fn next_cursor(cursor: u64, mask: u64) -> u64 {
    (cursor | !mask).reverse_bits().wrapping_add(1).reverse_bits()
}

fn chain(head: &Bucket) -> impl Iterator<Item = &PairNode> {
    std::iter::successors(head.as_ref(), |node| node.next())
}

/// The link (bucket slot or a node's `next`) that holds the node of `field`.
fn link_of<'a>(mut link: &'a mut Bucket, field: &[u8]) -> Option<&'a mut Bucket> {
    loop {
        let found = link.as_ref()?.field() == field;
        if found {
            return Some(link);
        }
        link = link.as_mut().expect("checked above").next_mut();
    }
}

impl PairTable {
    pub fn new() -> Self {
        PairTable { tables: [Vec::new(), Vec::new()], rehash_index: None, len: 0, hasher: ahash::RandomState::new() }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn hash(&self, field: &[u8]) -> usize {
        self.hasher.hash_one(field) as usize
    }

    /// The bucket index of `hash` in table `t`, if that table is allocated.
    fn slot(&self, t: usize, hash: usize) -> Option<usize> {
        let size = self.tables[t].len();
        (size > 0).then(|| hash & (size - 1))
    }

    fn find(&self, field: &[u8]) -> Option<&PairNode> {
        if self.len == 0 {
            return None;
        }
        let hash = self.hash(field);
        (0..2).find_map(|t| chain(&self.tables[t][self.slot(t, hash)?]).find(|n| n.field() == field))
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        self.find(field).map(PairNode::value)
    }

    /// The link holding `field`'s node, in whichever table has it.
    fn link_mut(&mut self, field: &[u8]) -> Option<&mut Bucket> {
        let hash = self.hash(field);
        let in_first = self.slot(0, hash).is_some_and(|b| chain(&self.tables[0][b]).any(|n| n.field() == field));
        let t = if in_first { 0 } else { 1 };
        let b = self.slot(t, hash)?;
        link_of(&mut self.tables[t][b], field)
    }

    /// Sets a field's value; returns whether the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        self.rehash_step();
        if self.len > 0 {
            if let Some(link) = self.link_mut(field) {
                let node = link.take().expect("the link holds the field");
                *link = Some(node.with_value(value));
                return false;
            }
        }
        self.insert_new(field, value);
        true
    }

    /// Adds a field known to be absent.
    pub fn insert_new(&mut self, field: &[u8], value: &[u8]) {
        if self.rehash_index.is_none() && self.len + 1 > self.tables[0].len() * GROW_LOAD {
            self.start_resize((self.len + 1).next_power_of_two().max(MIN_BUCKETS));
        }
        self.rehash_step();
        // While resizing, new pairs go straight to the new table.
        let t = usize::from(self.rehash_index.is_some());
        let b = self.slot(t, self.hash(field)).expect("the table in use is allocated");
        let head = &mut self.tables[t][b];
        *head = Some(PairNode::new(field, value, head.take()));
        self.len += 1;
    }

    /// Removes a field; returns whether it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        if self.len == 0 {
            return false;
        }
        self.rehash_step();
        let Some(link) = self.link_mut(field) else {
            return false;
        };
        let mut node = link.take().expect("the link holds the field");
        *link = node.next_mut().take();
        self.len -= 1;
        self.maybe_shrink();
        true
    }

    fn maybe_shrink(&mut self) {
        let size = self.tables[0].len();
        if self.rehash_index.is_none() && size > MIN_BUCKETS && self.len * SHRINK_DIVISOR < size {
            self.start_resize(self.len.next_power_of_two().max(MIN_BUCKETS));
        }
    }

    /// Allocates the new table; pairs move over one bucket per later write.
    fn start_resize(&mut self, size: usize) {
        if self.tables[0].is_empty() {
            self.tables[0] = empty_buckets(size);
        } else {
            self.tables[1] = empty_buckets(size);
            self.rehash_index = Some(0);
        }
    }

    /// Moves one bucket (skipping a few empty ones) to the new table; finishes the resize when
    /// the old table is drained.
    fn rehash_step(&mut self) {
        let Some(mut index) = self.rehash_index else {
            return;
        };
        let new_mask = self.tables[1].len() - 1;
        let mut empty_visits = REHASH_EMPTY_VISITS;
        while index < self.tables[0].len() {
            let Some(mut node) = self.tables[0][index].take() else {
                index += 1;
                empty_visits -= 1;
                if empty_visits == 0 {
                    break;
                }
                continue;
            };
            loop {
                let rest = node.next_mut().take();
                let b = self.hasher.hash_one(node.field()) as usize & new_mask;
                *node.next_mut() = self.tables[1][b].take();
                self.tables[1][b] = Some(node);
                match rest {
                    Some(next) => node = next,
                    None => break,
                }
            }
            index += 1;
            break;
        }
        if index >= self.tables[0].len() {
            self.tables[0] = std::mem::take(&mut self.tables[1]);
            self.rehash_index = None;
        } else {
            self.rehash_index = Some(index);
        }
    }

    /// Visits the bucket(s) at `cursor` and returns the next cursor (0 when complete), with
    /// Redis's reverse-binary increment so resizes between calls never skip pairs. While
    /// resizing, the cursor's bucket of the smaller table is visited with all its expansions in
    /// the larger one, as Redis's `dictScan` does.
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&[u8], &[u8])) -> u64 {
        let mut visit_chain = |head: &Bucket| chain(head).for_each(|n| {
            let (field, value) = n.pair();
            visit(field, value);
        });
        if self.rehash_index.is_none() {
            let table = &self.tables[0];
            if table.is_empty() {
                return 0;
            }
            let mask = (table.len() - 1) as u64;
            visit_chain(&table[(cursor & mask) as usize]);
            return next_cursor(cursor, mask);
        }
        let (small, large) = if self.tables[0].len() <= self.tables[1].len() {
            (&self.tables[0], &self.tables[1])
        } else {
            (&self.tables[1], &self.tables[0])
        };
        let (m0, m1) = ((small.len() - 1) as u64, (large.len() - 1) as u64);
        let mut v = cursor;
        visit_chain(&small[(v & m0) as usize]);
        loop {
            visit_chain(&large[(v & m1) as usize]);
            v = next_cursor(v, m1);
            if v & (m0 ^ m1) == 0 {
                return v;
            }
        }
    }

    /// Scans from `cursor` until `count` pairs were visited, the table is done, or ten times
    /// `count` buckets were visited (Redis's bound for sparse tables). Returns the next cursor.
    pub fn scan_steps(&self, mut cursor: u64, count: usize, mut visit: impl FnMut(&[u8], &[u8])) -> u64 {
        let mut seen = 0;
        let mut buckets_left = count.max(1).saturating_mul(10);
        loop {
            cursor = self.scan(cursor, |f, v| {
                seen += 1;
                visit(f, v);
            });
            buckets_left -= 1;
            if cursor == 0 || seen >= count || buckets_left == 0 {
                return cursor;
            }
        }
    }

    /// A random pair: a random non-empty bucket (of either table while resizing), then a random
    /// node of its chain.
    pub fn random_pair(&self, rng: &mut impl Rng) -> Option<(&[u8], &[u8])> {
        if self.is_empty() {
            return None;
        }
        let (first, second) = (self.tables[0].len(), self.tables[1].len());
        let head = loop {
            let b = rng.random_range(0..first + second);
            let bucket = if b < first { &self.tables[0][b] } else { &self.tables[1][b - first] };
            if bucket.is_some() {
                break bucket;
            }
        };
        let pick = rng.random_range(0..chain(head).count());
        chain(head).nth(pick).map(PairNode::pair)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.tables.iter().flatten().flat_map(chain).map(PairNode::pair)
    }
}

impl Clone for PairTable {
    fn clone(&self) -> Self {
        let mut copy = PairTable::new();
        for (field, value) in self.iter() {
            copy.insert_new(field, value);
        }
        copy
    }
}

impl std::fmt::Debug for PairTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let buckets = self.tables[0].len() + self.tables[1].len();
        f.debug_struct("PairTable").field("len", &self.len).field("buckets", &buckets).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashSet};

    #[test]
    fn behaves_like_a_map() {
        let mut t = PairTable::new();
        let mut model = BTreeMap::new();
        let mut rng = rand::rng();
        for i in 0..30_000u32 {
            let field = format!("f{}", rng.random_range(0..3000)).into_bytes();
            if rng.random_bool(0.6) {
                let value = format!("v{i}{}", "x".repeat(rng.random_range(0..3) * 100)).into_bytes();
                assert_eq!(t.set(&field, &value), model.insert(field, value).is_none());
            } else {
                assert_eq!(t.remove(&field), model.remove(&field).is_some());
            }
            assert_eq!(t.len(), model.len());
        }
        for (field, value) in &model {
            assert_eq!(t.get(field), Some(&value[..]));
        }
        let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = t.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect();
        pairs.sort();
        assert_eq!(pairs, model.into_iter().collect::<Vec<_>>());
        assert_eq!(t.clone().iter().count(), t.len());
    }

    #[test]
    fn resizes_a_bucket_at_a_time_and_scans_completely_meanwhile() {
        let mut t = PairTable::new();
        for i in 0..5000 {
            t.set(format!("f{i}").as_bytes(), b"v");
        }
        for i in 5000..8200 {
            t.set(format!("f{i}").as_bytes(), b"v");
        }
        assert!(t.rehash_index.is_some(), "a resize is under way");
        let mut seen = HashSet::new();
        let mut cursor = 0;
        loop {
            cursor = t.scan(cursor, |f, _| {
                seen.insert(f.to_vec());
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), 8200);
        for i in 0..8200 {
            assert_eq!(t.get(format!("f{i}").as_bytes()), Some(&b"v"[..]));
        }
    }

    #[test]
    fn scan_returns_every_stable_pair_across_resizes() {
        let mut t = PairTable::new();
        for i in 0..1000 {
            t.set(format!("stable{i}").as_bytes(), b"");
        }
        let mut seen = HashSet::new();
        let (mut cursor, mut step) = (0, 0);
        loop {
            cursor = t.scan(cursor, |f, _| {
                seen.insert(f.to_vec());
            });
            step += 1;
            if step % 7 == 0 {
                for j in 0..300 {
                    t.set(format!("tmp{step}-{j}").as_bytes(), b"");
                }
            }
            if step % 11 == 0 {
                let tmp: Vec<Vec<u8>> = t.iter().map(|(f, _)| f.to_vec()).filter(|f| f.starts_with(b"tmp")).collect();
                tmp.iter().for_each(|f| assert!(t.remove(f)));
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1000 {
            assert!(seen.contains(format!("stable{i}").as_bytes()), "missed stable{i}");
        }
    }

    #[test]
    fn random_pairs_are_members() {
        let mut t = PairTable::new();
        let mut rng = rand::rng();
        assert!(t.random_pair(&mut rng).is_none());
        for i in 0..10 {
            t.set(format!("{i}").as_bytes(), format!("{i}").as_bytes());
        }
        for _ in 0..100 {
            let (f, v) = t.random_pair(&mut rng).unwrap();
            assert_eq!(f, v);
        }
    }
}
