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
//!
//! Each entry is one allocation — the chain link, the value, a 32-bit tag the owner may use (the
//! keyspace keeps each key's LRU/LFU access there), then the key's length as a varint and the
//! key bytes — and a bucket is one thin pointer. With a three-word value, a key of up to ten
//! bytes fits a 48-byte block: a separate key allocation, or the access time inside the value's
//! padded struct, cost 8–32 bytes a key more.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::marker::PhantomData;
use std::mem::{align_of, offset_of, size_of};
use std::ptr::NonNull;

use rand::Rng;

/// The fixed part of an entry; the key's length (a varint) and its bytes follow it in the same
/// allocation.
#[repr(C)]
struct Node<V> {
    next: Bucket<V>,
    value: V,
    tag: u32,
}

/// A pointer to a live entry of a [`Dict`]: allocated by [`NodePtr::alloc`], owned by the
/// dict whose chains hold it, and valid until the dict frees it (on `remove` or `clear`).
struct NodePtr<V>(NonNull<Node<V>>);

impl<V> Clone for NodePtr<V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V> Copy for NodePtr<V> {}

impl<V> PartialEq for NodePtr<V> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

type Bucket<V> = Option<NodePtr<V>>;

/// Where the key's length starts: right after the tag, inside the node's tail padding if any.
fn tail_offset<V>() -> usize {
    offset_of!(Node<V>, tag) + size_of::<u32>()
}

/// Bytes of the varint that encodes `len` (7 bits a byte, low bits first).
fn varint_len(len: usize) -> usize {
    let bits = usize::BITS - len.max(1).leading_zeros();
    bits.div_ceil(7) as usize
}

/// An entry's block: never smaller than the fixed part, so the node is always whole in it (a
/// short key may end inside the fixed part's tail padding).
fn node_layout<V>(key_len: usize) -> Layout {
    let size = (tail_offset::<V>() + varint_len(key_len) + key_len).max(size_of::<Node<V>>());
    Layout::from_size_align(size, align_of::<Node<V>>()).expect("entry size fits in memory")
}

impl<V> NodePtr<V> {
    fn alloc(key: &[u8], value: V, tag: u32, next: Bucket<V>) -> Self {
        let layout = node_layout::<V>(key.len());
        // SAFETY: the layout is not zero-sized (it holds at least the link and the tag). The
        // fixed part, the length and the key bytes are written, each inside the block, before
        // the pointer is handed out.
        unsafe {
            let base = alloc(layout);
            let Some(node) = NonNull::new(base.cast::<Node<V>>()) else { handle_alloc_error(layout) };
            node.as_ptr().write(Node { next, value, tag });
            let mut at = base.add(tail_offset::<V>());
            let mut len = key.len();
            loop {
                let more = len >= 0x80;
                at.write((len & 0x7f) as u8 | if more { 0x80 } else { 0 });
                at = at.add(1);
                len >>= 7;
                if !more {
                    break;
                }
            }
            std::ptr::copy_nonoverlapping(key.as_ptr(), at, key.len());
            NodePtr(node)
        }
    }

    fn next(self) -> Bucket<V> {
        // SAFETY: a live node (see the type's notes).
        unsafe { (*self.0.as_ptr()).next }
    }

    fn set_next(self, next: Bucket<V>) {
        // SAFETY: a live node, and no reference to its link is held across this write.
        unsafe { (*self.0.as_ptr()).next = next }
    }

    /// The key. Callers bound the lifetime by a borrow of the dict.
    fn key<'a>(self) -> &'a [u8] {
        // SAFETY: a live node has a complete varint at the tail offset, then that many
        // initialised key bytes, all inside its block.
        unsafe {
            let mut at = self.0.as_ptr().cast::<u8>().add(tail_offset::<V>());
            let (mut len, mut shift) = (0usize, 0);
            loop {
                let byte = *at;
                at = at.add(1);
                len |= usize::from(byte & 0x7f) << shift;
                if byte & 0x80 == 0 {
                    break;
                }
                shift += 7;
            }
            std::slice::from_raw_parts(at, len)
        }
    }

    /// The value. Callers bound the lifetime by a borrow of the dict.
    fn value<'a>(self) -> &'a V {
        // SAFETY: a live node's value is initialised.
        unsafe { &(*self.0.as_ptr()).value }
    }

    /// The value, to change. Callers bound the lifetime by a mutable borrow of the dict.
    fn value_mut<'a>(self) -> &'a mut V {
        // SAFETY: as `value`; the mutable borrow of the dict makes this the only reference.
        unsafe { &mut (*self.0.as_ptr()).value }
    }

    fn tag(self) -> u32 {
        // SAFETY: a live node's tag is initialised.
        unsafe { (*self.0.as_ptr()).tag }
    }

    /// The value and the tag, to change. Callers bound the lifetime by a mutable borrow of the
    /// dict; the two are distinct fields.
    fn value_and_tag_mut<'a>(self) -> (&'a mut V, &'a mut u32) {
        // SAFETY: as `value_mut`; the references point at disjoint fields.
        unsafe {
            let node = self.0.as_ptr();
            (&mut (*node).value, &mut (*node).tag)
        }
    }

    /// Frees the node and hands its value and tag back.
    ///
    /// # Safety
    /// The node must be unlinked, and nothing may use this pointer afterwards.
    unsafe fn into_value(self) -> (V, u32) {
        // SAFETY: the value is initialised and read exactly once; the block was allocated with
        // this layout (the key never changes) and the caller promises it is not used.
        unsafe {
            let layout = node_layout::<V>(self.key().len());
            let value = std::ptr::addr_of!((*self.0.as_ptr()).value).read();
            let tag = self.tag();
            dealloc(self.0.as_ptr().cast(), layout);
            (value, tag)
        }
    }
}

/// A byte-string-keyed hash table with SCAN cursors and random sampling.
pub struct Dict<V> {
    /// `tables[0]` is the table in use; while resizing, `tables[1]` is the new one and buckets
    /// below `rehash_index` of `tables[0]` have been moved to it.
    tables: [Vec<Bucket<V>>; 2],
    rehash_index: Option<usize>,
    len: usize,
    hasher: ahash::RandomState,
    /// Set while a snapshot is being taken of the table (see [`Dict::freeze`]).
    frozen: Option<Box<Frozen>>,
    /// The dict owns (and drops) its values.
    values: PhantomData<V>,
}

/// What a table frozen for a snapshot tracks: the buckets the snapshot has saved, and the keys
/// added since to buckets it has not (which it must skip: they did not exist when it began).
struct Frozen {
    saved: Vec<u64>,
    born: ahash::AHashSet<Box<[u8]>>,
}

impl Frozen {
    /// Buckets beyond those the table had when it froze (a table empty then) have nothing to save.
    fn is_saved(&self, bucket: usize) -> bool {
        self.saved.get(bucket / 64).is_none_or(|word| word & (1 << (bucket % 64)) != 0)
    }
}

// SAFETY: a dict owns its nodes outright (no pointer to them escapes, except as borrows of the
// dict), so it is as thread-safe as the values it holds.
unsafe impl<V: Send> Send for Dict<V> {}
// SAFETY: as above; `&self` methods only read nodes.
unsafe impl<V: Sync> Sync for Dict<V> {}

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
    // SAFETY: `Option<NodePtr<_>>` is a nullable pointer whose all-zero value is `None`.
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

/// The nodes of a chain, in order.
fn chain<V>(head: Bucket<V>) -> impl Iterator<Item = NodePtr<V>> {
    std::iter::successors(head, |node| node.next())
}

fn chain_find<V>(head: Bucket<V>, key: &[u8]) -> Bucket<V> {
    chain(head).find(|node| node.key() == key)
}

/// Unlinks the node holding `key` from a chain.
fn chain_remove<V>(bucket: &mut Bucket<V>, key: &[u8]) -> Bucket<V> {
    let mut prev: Bucket<V> = None;
    for node in chain(*bucket) {
        if node.key() == key {
            match prev {
                None => *bucket = node.next(),
                Some(prev) => prev.set_next(node.next()),
            }
            return Some(node);
        }
        prev = Some(node);
    }
    None
}

fn visit_chain<V>(head: Bucket<V>, visit: &mut impl FnMut(&[u8], &V)) {
    for node in chain(head) {
        visit(node.key(), node.value());
    }
}

impl<V> Dict<V> {
    pub fn new() -> Self {
        Dict { tables: [Vec::new(), Vec::new()], rehash_index: None, len: 0, hasher: ahash::RandomState::new(), frozen: None, values: PhantomData }
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

    /// The node holding `key`, in whichever table it is.
    fn find(&self, key: &[u8]) -> Bucket<V> {
        if self.len == 0 {
            return None;
        }
        let hash = self.hash(key);
        self.tables.iter().filter(|t| !t.is_empty()).find_map(|t| chain_find(t[hash & (t.len() - 1)], key))
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.find(key).map(NodePtr::value)
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        self.get_tagged_mut(key).map(|(value, _)| value)
    }

    /// A key's value and its tag.
    pub fn get_tagged(&self, key: &[u8]) -> Option<(&V, u32)> {
        self.find(key).map(|node| (node.value(), node.tag()))
    }

    /// A key's value and its tag, to change.
    pub fn get_tagged_mut(&mut self, key: &[u8]) -> Option<(&mut V, &mut u32)> {
        if self.len == 0 {
            return None;
        }
        self.rehash_step();
        self.find(key).map(NodePtr::value_and_tag_mut)
    }

    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.find(key).is_some()
    }

    /// Inserts or replaces; returns the previous value. A new key's tag is zero.
    pub fn insert(&mut self, key: &[u8], value: V) -> Option<V> {
        self.insert_tagged(key, value, 0)
    }

    /// Inserts or replaces, setting the tag; returns the previous value.
    pub fn insert_tagged(&mut self, key: &[u8], value: V, tag: u32) -> Option<V> {
        if let Some((slot, old_tag)) = self.get_tagged_mut(key) {
            *old_tag = tag;
            return Some(std::mem::replace(slot, value));
        }
        self.insert_absent_tagged(key, value, tag);
        None
    }

    /// Inserts a key known to be absent. Its tag is zero.
    pub fn insert_absent(&mut self, key: &[u8], value: V) -> &mut V {
        self.insert_absent_tagged(key, value, 0)
    }

    /// Inserts a key known to be absent, with its tag.
    pub fn insert_absent_tagged(&mut self, key: &[u8], value: V, tag: u32) -> &mut V {
        let may_resize = self.frozen.is_none() || self.tables[0].is_empty();
        if may_resize && self.rehash_index.is_none() && self.len + 1 > self.tables[0].len() * GROW_LOAD {
            self.start_resize((self.len + 1).next_power_of_two().max(MIN_BUCKETS));
        }
        self.rehash_step();
        // While resizing, new entries go straight to the new table.
        let hash = self.hash(key);
        let table = &mut self.tables[usize::from(self.rehash_index.is_some())];
        let b = hash & (table.len() - 1);
        if let Some(frozen) = self.frozen.as_deref_mut().filter(|f| !f.is_saved(b)) {
            frozen.born.insert(key.into());
        }
        let bucket = &mut table[b];
        let node = NodePtr::alloc(key, value, tag, *bucket);
        *bucket = Some(node);
        self.len += 1;
        node.value_mut()
    }

    /// Inserts a key known to be absent, given as a box (its bytes are copied into the entry).
    pub fn insert_new(&mut self, key: Box<[u8]>, value: V) -> &mut V {
        self.insert_absent(&key, value)
    }

    /// Removes a key; returns its value.
    pub fn remove(&mut self, key: &[u8]) -> Option<V> {
        self.remove_tagged(key).map(|(value, _)| value)
    }

    /// Removes a key; returns its value and tag.
    pub fn remove_tagged(&mut self, key: &[u8]) -> Option<(V, u32)> {
        if self.len == 0 {
            return None;
        }
        self.rehash_step();
        let hash = self.hash(key);
        let removed = self.tables.iter_mut().filter(|t| !t.is_empty()).find_map(|t| {
            let mask = t.len() - 1;
            chain_remove(&mut t[hash & mask], key)
        })?;
        self.len -= 1;
        self.maybe_shrink();
        // SAFETY: just unlinked from the only chain that held it.
        Some(unsafe { removed.into_value() })
    }

    /// Sizes an empty, idle table for `n` entries at once, as a load that knows its key count
    /// (RDB's RESIZEDB) asks: the keys then go in without a resize moving them again. Does
    /// nothing to a table that holds entries.
    pub fn reserve(&mut self, n: usize) {
        if self.len > 0 || self.frozen.is_some() || self.rehash_index.is_some() {
            return;
        }
        let size = n.next_power_of_two().max(MIN_BUCKETS);
        if size > self.tables[0].len() {
            self.tables[0] = empty_buckets(size);
        }
    }

    fn maybe_shrink(&mut self) {
        let size = self.tables[0].len();
        if self.rehash_index.is_none() && self.frozen.is_none() && size > MIN_BUCKETS && self.len * SHRINK_DIVISOR < size {
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
        let [old, new] = &mut self.tables;
        let new_mask = new.len() - 1;
        while moved < REHASH_BUCKETS_PER_STEP && index < old.len() {
            let Some(head) = old[index].take() else {
                index += 1;
                empty_visits -= 1;
                if empty_visits == 0 {
                    break;
                }
                continue;
            };
            let mut at = Some(head);
            while let Some(node) = at {
                at = node.next();
                let bucket = &mut new[self.hasher.hash_one(node.key()) as usize & new_mask];
                node.set_next(bucket.replace(node));
            }
            index += 1;
            moved += 1;
        }
        if index >= old.len() {
            self.tables[0] = std::mem::take(&mut self.tables[1]);
            self.rehash_index = None;
        } else {
            self.rehash_index = Some(index);
        }
    }

    pub fn clear(&mut self) {
        for table in &mut self.tables {
            for bucket in std::mem::take(table) {
                let mut at = bucket;
                while let Some(node) = at {
                    at = node.next();
                    // SAFETY: the table that held the chain is gone; each node is freed once.
                    drop(unsafe { node.into_value() }.0);
                }
            }
        }
        self.rehash_index = None;
        self.len = 0;
    }

    /// Visits the bucket(s) at `cursor` and returns the next cursor (0 when the scan is
    /// complete); see [`scan_buckets`].
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&[u8], &V)) -> u64 {
        let resizing_to = self.rehash_index.map(|_| &self.tables[1][..]);
        scan_buckets(&self.tables[0], resizing_to, cursor, |&head| visit_chain(head, &mut visit))
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
            let bucket = if b < first { self.tables[0][b] } else { self.tables[1][b - first] };
            if bucket.is_some() {
                break bucket;
            }
        };
        let chain_len = chain(head).count();
        let node = chain(head).nth(rng.random_range(0..chain_len)).expect("within chain length");
        Some((node.key(), node.value()))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.tables.iter().flatten().flat_map(|&head| chain(head).map(|node| (node.key(), node.value())))
    }

    pub fn keys(&self) -> impl Iterator<Item = &[u8]> {
        self.iter().map(|(k, _)| k)
    }
}

/// Snapshots without fork: a snapshot freezes the table's geometry, saves it bucket by bucket,
/// and saves a bucket early when a write is about to change it.
impl<V> Dict<V> {
    /// Freezes the table for a snapshot: finishes a resize under way and starts none until
    /// [`Dict::thaw`], so every key present now stays in its bucket. Every bucket starts unsaved.
    pub fn freeze(&mut self) {
        while self.rehash_index.is_some() {
            self.rehash_step();
        }
        let words = self.tables[0].len().div_ceil(64);
        self.frozen = Some(Box::new(Frozen { saved: vec![0; words], born: Default::default() }));
    }

    /// Ends a snapshot: the table may resize again.
    pub fn thaw(&mut self) {
        self.frozen = None;
    }

    /// Buckets of a frozen table (the range of [`Dict::save_bucket`]).
    pub fn bucket_count(&self) -> usize {
        self.tables[0].len()
    }

    /// While frozen: `key`'s bucket, if the snapshot has not saved it yet.
    pub fn unsaved_bucket(&self, key: &[u8]) -> Option<usize> {
        let frozen = self.frozen.as_deref()?;
        let bucket = self.hash(key) & (self.tables[0].len().checked_sub(1)?);
        (!frozen.is_saved(bucket)).then_some(bucket)
    }

    /// Marks `bucket` of a frozen table saved and visits the entries it held when the table froze
    /// (those added since are skipped). Returns false, visiting nothing, if it was saved already.
    pub fn save_bucket(&mut self, bucket: usize, mut visit: impl FnMut(&[u8], &V)) -> bool {
        let Some(frozen) = self.frozen.as_deref_mut() else {
            return false;
        };
        if frozen.is_saved(bucket) {
            return false;
        }
        frozen.saved[bucket / 64] |= 1 << (bucket % 64);
        let born = &mut frozen.born;
        visit_chain(self.tables[0][bucket], &mut |key, value| {
            if born.is_empty() || !born.remove(key) {
                visit(key, value);
            }
        });
        true
    }
}

impl<V: Clone> Clone for Dict<V> {
    fn clone(&self) -> Self {
        let mut copy = Dict::new();
        for (key, value) in self.iter() {
            copy.insert_absent(key, value.clone());
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
                assert_eq!(d.remove(&key), model.remove(&key));
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
    fn values_are_dropped_once() {
        let counted = std::rc::Rc::new(());
        let mut d = Dict::new();
        for i in 0..100 {
            d.insert(format!("k{i}").as_bytes(), counted.clone());
        }
        d.insert(b"k0", counted.clone());
        assert!(d.remove(b"k1").is_some());
        assert_eq!(std::rc::Rc::strong_count(&counted), 100);
        let copy = d.clone();
        assert_eq!(std::rc::Rc::strong_count(&counted), 199);
        drop(copy);
        d.clear();
        assert_eq!(std::rc::Rc::strong_count(&counted), 1);
    }

    #[test]
    fn one_allocation_holds_a_short_key_and_an_entry() {
        // 8-byte link, a 24-byte value (the keyspace's `Value`), the tag, a length byte and an
        // 11-byte key: 48 bytes, one of mimalloc's size classes.
        assert_eq!(node_layout::<[u64; 3]>(11).size(), 48);
        assert_eq!(node_layout::<[u64; 3]>(0).size(), 40);
        assert_eq!(node_layout::<[u64; 3]>(200).size(), 36 + 2 + 200);
    }

    #[test]
    fn keys_of_every_length_and_tags_round_trip() {
        let mut d = Dict::new();
        let lengths = [0usize, 1, 3, 4, 5, 127, 128, 129, 300, 16_383, 16_384, 70_000];
        for (i, &len) in lengths.iter().enumerate() {
            let key = vec![b'a' + i as u8; len];
            d.insert_tagged(&key, i, 1000 + i as u32);
        }
        for (i, &len) in lengths.iter().enumerate() {
            let key = vec![b'a' + i as u8; len];
            assert_eq!(d.get_tagged(&key), Some((&i, 1000 + i as u32)));
            *d.get_tagged_mut(&key).unwrap().1 += 1;
        }
        let mut keys: Vec<usize> = d.keys().map(<[u8]>::len).collect();
        keys.sort_unstable();
        assert_eq!(keys, lengths);
        for (i, &len) in lengths.iter().enumerate() {
            assert_eq!(d.remove_tagged(&vec![b'a' + i as u8; len]), Some((i, 1001 + i as u32)));
        }
        assert!(d.is_empty());
    }

    #[test]
    fn a_reserved_table_takes_its_keys_without_resizing() {
        let mut d = Dict::new();
        d.reserve(1000);
        assert_eq!(d.capacity(), 1024);
        for i in 0..1000u32 {
            d.insert(&i.to_be_bytes(), i);
            assert!(d.rehash_index.is_none());
        }
        assert_eq!(d.capacity(), 1024);
        d.reserve(1 << 20);
        assert_eq!(d.capacity(), 1024, "a table holding entries is left alone");
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
