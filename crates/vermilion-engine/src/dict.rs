//! The keyspace's hash table: chained buckets in a power-of-two array, as Redis's `dict`.
//!
//! Chaining (rather than open addressing) is what makes Redis's SCAN guarantee possible: with the
//! reverse-binary cursor, every element present for a whole scan is returned at least once, even
//! when the table grows or shrinks between calls. It also gives cheap random sampling for
//! RANDOMKEY, active expiry and eviction.
//!
//! Resizing is incremental, as in Redis: a new table is allocated and each later write (and
//! write lookup) moves one bucket over, so no single command pays for moving millions of
//! entries (measured: a one-shot resize at 4M keys stalled an insert for 300 ms).

use rand::Rng;

struct Node<V> {
    key: Box<[u8]>,
    value: V,
    next: Option<Box<Node<V>>>,
}

type Bucket<V> = Option<Box<Node<V>>>;

/// A byte-string-keyed hash table with SCAN cursors and random sampling.
pub struct Dict<V> {
    /// `tables[0]` is the table in use; while resizing, `tables[1]` is the new one and buckets
    /// below `rehash_index` of `tables[0]` have been moved to it.
    tables: [Vec<Bucket<V>>; 2],
    rehash_index: Option<usize>,
    len: usize,
    hasher: ahash::RandomState,
}

/// Grow when there are as many elements as buckets (load factor 1).
const GROW_LOAD: usize = 1;
/// Shrink only when under 1/8 full: stricter than growing, so a table near a boundary never flaps.
const SHRINK_DIVISOR: usize = 8;
const MIN_BUCKETS: usize = 4;
/// Buckets moved per write while resizing, and empty buckets skipped at most per moved one (as
/// Redis's `dictRehash(d, 1)`).
const REHASH_BUCKETS_PER_STEP: usize = 1;
const REHASH_EMPTY_VISITS: usize = 10;

impl<V> Default for Dict<V> {
    fn default() -> Self {
        Self::new()
    }
}

/// `size` empty buckets from zeroed memory: the allocator hands large zeroed blocks out as fresh
/// pages, so allocating the 8M buckets of a big resize costs microseconds, not a 64 MB memset.
fn empty_buckets<V>(size: usize) -> Vec<Bucket<V>> {
    // SAFETY: `Option<Box<_>>` is guaranteed to be a nullable pointer whose all-zero value is
    // `None`.
    unsafe { zeroed_buckets(size) }
}

/// `size` buckets from zeroed memory (see [`empty_buckets`] for why).
///
/// # Safety
/// The all-zero bit pattern must be a valid, empty `B` (a `None` of a nullable pointer).
pub(crate) unsafe fn zeroed_buckets<B>(size: usize) -> Vec<B> {
    let layout = std::alloc::Layout::array::<B>(size).expect("bucket array fits in memory");
    if layout.size() == 0 {
        return Vec::new();
    }
    // SAFETY: zeroed memory is `size` valid buckets (the caller's promise); the block comes from
    // the global allocator with exactly the layout a `Vec` of that capacity uses.
    unsafe {
        let ptr = std::alloc::alloc_zeroed(layout).cast::<B>();
        if ptr.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        Vec::from_raw_parts(ptr, size, size)
    }
}

/// Redis's reverse-binary cursor increment over the bits of `mask`.
fn next_cursor(cursor: u64, mask: u64) -> u64 {
    let mut v = cursor | !mask;
    v = v.reverse_bits();
    v = v.wrapping_add(1);
    v.reverse_bits()
}

/// One step of a SCAN over a chained table (`table`, plus `resizing_to` while a resize is under
/// way): visits the bucket(s) at `cursor` and returns the next cursor, 0 when the scan is
/// complete. Uses Redis's reverse-binary increment so resizes between calls never skip
/// elements; while resizing, the cursor's bucket in the smaller table is visited with all its
/// expansions in the larger one, as Redis's `dictScan` does.
pub(crate) fn scan_buckets<B>(table: &[B], resizing_to: Option<&[B]>, cursor: u64, mut visit: impl FnMut(&B)) -> u64 {
    let Some(other) = resizing_to else {
        if table.is_empty() {
            return 0;
        }
        let mask = (table.len() - 1) as u64;
        visit(&table[(cursor & mask) as usize]);
        return next_cursor(cursor, mask);
    };
    let (small, large) = if table.len() <= other.len() { (table, other) } else { (other, table) };
    let (m0, m1) = ((small.len() - 1) as u64, (large.len() - 1) as u64);
    let mut v = cursor;
    visit(&small[(v & m0) as usize]);
    loop {
        visit(&large[(v & m1) as usize]);
        v = next_cursor(v, m1);
        if v & (m0 ^ m1) == 0 {
            return v;
        }
    }
}

fn chain_find<'a, V>(mut node: Option<&'a Node<V>>, key: &[u8]) -> Option<&'a Node<V>> {
    while let Some(n) = node {
        if &*n.key == key {
            return Some(n);
        }
        node = n.next.as_deref();
    }
    None
}

fn chain_find_mut<'a, V>(mut node: Option<&'a mut Node<V>>, key: &[u8]) -> Option<&'a mut Node<V>> {
    while let Some(n) = node {
        if &*n.key == key {
            return Some(n);
        }
        node = n.next.as_deref_mut();
    }
    None
}

/// Unlinks the node holding `key` from a chain.
fn chain_remove<V>(mut link: &mut Bucket<V>, key: &[u8]) -> Option<Box<Node<V>>> {
    loop {
        match link {
            None => return None,
            Some(node) if &*node.key == key => {
                let mut removed = link.take().expect("matched a node");
                *link = removed.next.take();
                return Some(removed);
            }
            Some(node) => link = &mut node.next,
        }
    }
}

/// Drops a chain iteratively: dropping a long chain recursively could overflow the stack.
fn drop_chain<V>(head: &mut Bucket<V>) {
    let mut next = head.take();
    while let Some(mut node) = next {
        next = node.next.take();
    }
}

fn visit_chain<V>(mut node: Option<&Node<V>>, visit: &mut impl FnMut(&[u8], &V)) {
    while let Some(n) = node {
        visit(&n.key, &n.value);
        node = n.next.as_deref();
    }
}

impl<V> Dict<V> {
    pub fn new() -> Self {
        Dict { tables: [Vec::new(), Vec::new()], rehash_index: None, len: 0, hasher: ahash::RandomState::new() }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of buckets of the table in use (both tables while resizing).
    pub fn capacity(&self) -> usize {
        self.tables[0].len() + self.tables[1].len()
    }

    fn hash(&self, key: &[u8]) -> usize {
        self.hasher.hash_one(key) as usize
    }

    /// The chain heads where `key` may be: its bucket in each live table.
    fn slots(&self, key: &[u8]) -> [Option<usize>; 2] {
        let hash = self.hash(key);
        let in_table = |t: &Vec<Bucket<V>>| (!t.is_empty()).then(|| hash & (t.len() - 1));
        [in_table(&self.tables[0]), in_table(&self.tables[1])]
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        if self.len == 0 {
            return None;
        }
        let slots = self.slots(key);
        (0..2).find_map(|t| {
            let b = slots[t]?;
            chain_find(self.tables[t][b].as_deref(), key).map(|n| &n.value)
        })
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        if self.len == 0 {
            return None;
        }
        self.rehash_step();
        let slots = self.slots(key);
        if let Some(b) = slots[0] {
            if chain_find(self.tables[0][b].as_deref(), key).is_some() {
                return chain_find_mut(self.tables[0][b].as_deref_mut(), key).map(|n| &mut n.value);
            }
        }
        let b = slots[1]?;
        chain_find_mut(self.tables[1][b].as_deref_mut(), key).map(|n| &mut n.value)
    }

    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Inserts or replaces; returns the previous value.
    pub fn insert(&mut self, key: &[u8], value: V) -> Option<V> {
        if let Some(slot) = self.get_mut(key) {
            return Some(std::mem::replace(slot, value));
        }
        self.insert_new(key.into(), value);
        None
    }

    /// Inserts a key known to be absent.
    pub fn insert_new(&mut self, key: Box<[u8]>, value: V) -> &mut V {
        if self.rehash_index.is_none() && self.len + 1 > self.tables[0].len() * GROW_LOAD {
            self.start_resize((self.len + 1).next_power_of_two().max(MIN_BUCKETS));
        }
        self.rehash_step();
        // While resizing, new entries go straight to the new table.
        let t = usize::from(self.rehash_index.is_some());
        let b = self.hash(&key) & (self.tables[t].len() - 1);
        let next = self.tables[t][b].take();
        self.len += 1;
        let node = self.tables[t][b].insert(Box::new(Node { key, value, next }));
        &mut node.value
    }

    /// Removes a key; returns its stored key and value.
    pub fn remove(&mut self, key: &[u8]) -> Option<(Box<[u8]>, V)> {
        if self.len == 0 {
            return None;
        }
        self.rehash_step();
        let slots = self.slots(key);
        let removed = (0..2).find_map(|t| chain_remove(&mut self.tables[t][slots[t]?], key))?;
        self.len -= 1;
        self.maybe_shrink();
        Some((removed.key, removed.value))
    }

    fn maybe_shrink(&mut self) {
        let size = self.tables[0].len();
        if self.rehash_index.is_none() && size > MIN_BUCKETS && self.len * SHRINK_DIVISOR < size {
            self.start_resize(self.len.next_power_of_two().max(MIN_BUCKETS));
        }
    }

    /// Allocates the new table; entries move over one bucket per later write.
    fn start_resize(&mut self, size: usize) {
        if self.tables[0].is_empty() {
            self.tables[0] = empty_buckets(size);
            return;
        }
        self.tables[1] = empty_buckets(size);
        self.rehash_index = Some(0);
    }

    /// Advances a resize under way by up to `steps` buckets, for idle tables (the background
    /// tick calls it, as Redis's cron does, so an idle table does not keep two arrays). Returns
    /// whether a resize is still under way.
    pub fn rehash_steps(&mut self, steps: usize) -> bool {
        for _ in 0..steps {
            if self.rehash_index.is_none() {
                return false;
            }
            self.rehash_step();
        }
        self.rehash_index.is_some()
    }

    /// Moves a bucket (skipping a few empty ones) from the old table to the new one; finishes
    /// the resize when the old table is empty.
    fn rehash_step(&mut self) {
        let Some(mut index) = self.rehash_index else {
            return;
        };
        let mut moved = 0;
        let mut empty_visits = REHASH_BUCKETS_PER_STEP * REHASH_EMPTY_VISITS;
        let new_mask = self.tables[1].len() - 1;
        while moved < REHASH_BUCKETS_PER_STEP && index < self.tables[0].len() {
            let Some(mut head) = self.tables[0][index].take() else {
                index += 1;
                empty_visits -= 1;
                if empty_visits == 0 {
                    break;
                }
                continue;
            };
            loop {
                let rest = head.next.take();
                let b = self.hasher.hash_one(&head.key) as usize & new_mask;
                head.next = self.tables[1][b].take();
                self.tables[1][b] = Some(head);
                match rest {
                    Some(next) => head = next,
                    None => break,
                }
            }
            index += 1;
            moved += 1;
        }
        if index >= self.tables[0].len() {
            self.tables[0] = std::mem::take(&mut self.tables[1]);
            self.rehash_index = None;
        } else {
            self.rehash_index = Some(index);
        }
    }

    pub fn clear(&mut self) {
        for table in &mut self.tables {
            for head in table.iter_mut() {
                drop_chain(head);
            }
            *table = Vec::new();
        }
        self.rehash_index = None;
        self.len = 0;
    }

    /// Visits the bucket(s) at `cursor` and returns the next cursor (0 when the scan is
    /// complete); see [`scan_buckets`].
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&[u8], &V)) -> u64 {
        let resizing_to = self.rehash_index.map(|_| &self.tables[1][..]);
        scan_buckets(&self.tables[0], resizing_to, cursor, |head| visit_chain(head.as_deref(), &mut visit))
    }

    /// Scans buckets from `cursor` until `count` elements were visited, the table is done, or ten
    /// times `count` buckets were visited (Redis's bound for sparse tables). Returns the next
    /// cursor, as a SCAN reply carries it.
    pub fn scan_steps(&self, mut cursor: u64, count: usize, mut visit: impl FnMut(&[u8], &V)) -> u64 {
        let mut seen = 0;
        let mut buckets_left = count.max(1).saturating_mul(10);
        loop {
            cursor = self.scan(cursor, |k, v| {
                seen += 1;
                visit(k, v);
            });
            buckets_left -= 1;
            if cursor == 0 || seen >= count || buckets_left == 0 {
                return cursor;
            }
        }
    }

    /// A random entry: a random non-empty bucket (of either table while resizing), then a random
    /// element of its chain (Redis's `dictGetFairRandomKey` idea, without the extra sampling).
    pub fn random_entry(&self, rng: &mut impl Rng) -> Option<(&[u8], &V)> {
        if self.len == 0 {
            return None;
        }
        let (first, second) = (self.tables[0].len(), self.tables[1].len());
        let head = loop {
            let b = rng.random_range(0..first + second);
            let bucket = if b < first { &self.tables[0][b] } else { &self.tables[1][b - first] };
            if let Some(head) = bucket.as_deref() {
                break head;
            }
        };
        let mut chain_len = 0;
        visit_chain(Some(head), &mut |_, _| chain_len += 1);
        let mut node = head;
        for _ in 0..rng.random_range(0..chain_len) {
            node = node.next.as_deref().expect("within chain length");
        }
        Some((&node.key, &node.value))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.tables.iter().flatten().flat_map(|head| {
            let mut node = head.as_deref();
            std::iter::from_fn(move || {
                let n = node?;
                node = n.next.as_deref();
                Some((&*n.key, &n.value))
            })
        })
    }

    pub fn keys(&self) -> impl Iterator<Item = &[u8]> {
        self.iter().map(|(k, _)| k)
    }
}

impl<V: Clone> Clone for Dict<V> {
    fn clone(&self) -> Self {
        let mut copy = Dict::new();
        for (key, value) in self.iter() {
            copy.insert_new(key.into(), value.clone());
        }
        copy
    }
}

impl<V> std::fmt::Debug for Dict<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dict").field("len", &self.len).field("buckets", &self.capacity()).finish()
    }
}

impl<V> Drop for Dict<V> {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashSet};

    #[test]
    fn behaves_like_a_map() {
        let mut d = Dict::new();
        let mut model = BTreeMap::new();
        let mut rng = rand::rng();
        for i in 0..20_000u32 {
            let key = format!("k{}", rng.random_range(0..3000)).into_bytes();
            if rng.random_bool(0.6) {
                assert_eq!(d.insert(&key, i), model.insert(key.clone(), i));
            } else {
                assert_eq!(d.remove(&key).map(|(_, v)| v), model.remove(&key));
            }
            assert_eq!(d.len(), model.len());
        }
        for (k, v) in &model {
            assert_eq!(d.get(k), Some(v));
        }
        assert_eq!(d.iter().count(), model.len());
    }

    #[test]
    fn scan_returns_every_stable_element_across_resizes() {
        let mut d = Dict::new();
        for i in 0..1000 {
            d.insert(format!("stable{i}").as_bytes(), ());
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut step = 0;
        loop {
            cursor = d.scan(cursor, |k, _| {
                seen.insert(k.to_vec());
            });
            // Grow and shrink the table while the scan is under way.
            step += 1;
            if step % 7 == 0 {
                for j in 0..300 {
                    d.insert(format!("tmp{step}-{j}").as_bytes(), ());
                }
            }
            if step % 11 == 0 {
                let tmp: Vec<Vec<u8>> = d.keys().filter(|k| k.starts_with(b"tmp")).map(|k| k.to_vec()).collect();
                for k in tmp {
                    d.remove(&k);
                }
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
    fn scan_is_complete_while_a_resize_is_under_way() {
        let mut d = Dict::new();
        for i in 0..5000 {
            d.insert(format!("k{i}").as_bytes(), ());
        }
        // Grow past a power of two and stop early, so the scan starts mid-resize.
        for i in 5000..8200 {
            d.insert(format!("k{i}").as_bytes(), ());
        }
        assert!(d.rehash_index.is_some(), "a resize is under way");
        let mut seen = HashSet::new();
        let mut cursor = 0;
        loop {
            cursor = d.scan(cursor, |k, _| {
                seen.insert(k.to_vec());
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), 8200);
    }

    #[test]
    fn resizing_moves_buckets_a_few_at_a_time() {
        let mut d = Dict::new();
        let mut i = 0u32;
        while d.rehash_index.is_none() || d.len() < 1000 {
            d.insert(&i.to_be_bytes(), i);
            i += 1;
        }
        // The resize has started but moved almost nothing yet: both tables hold entries, and
        // every key is found in one or the other.
        assert!(d.tables[0].iter().filter(|b| b.is_some()).count() > 100);
        for k in 0..i {
            assert_eq!(d.get(&k.to_be_bytes()), Some(&k));
        }
        let mut writes = 0;
        while d.rehash_index.is_some() {
            d.insert(&i.to_be_bytes(), i);
            i += 1;
            writes += 1;
        }
        assert!(writes > 100, "drained over many writes, not one ({writes})");
        for k in 0..i {
            assert_eq!(d.get(&k.to_be_bytes()), Some(&k));
        }
    }

    #[test]
    fn random_entry_finds_members() {
        let mut d = Dict::new();
        let mut rng = rand::rng();
        assert!(d.random_entry(&mut rng).is_none());
        for i in 0..10 {
            d.insert(format!("{i}").as_bytes(), i);
        }
        for _ in 0..100 {
            let (k, v) = d.random_entry(&mut rng).unwrap();
            assert_eq!(k, format!("{v}").as_bytes());
        }
    }
}
