//! The keyspace's hash table: chained buckets in a power-of-two array, as Redis's `dict`.
//!
//! Chaining (rather than open addressing) is what makes Redis's SCAN guarantee possible: with the
//! reverse-binary cursor, every element present for a whole scan is returned at least once, even
//! when the table grows or shrinks between calls. It also gives cheap random sampling for
//! RANDOMKEY, active expiry and eviction.

use rand::Rng;

struct Node<V> {
    key: Box<[u8]>,
    value: V,
    next: Option<Box<Node<V>>>,
}

/// A byte-string-keyed hash table with SCAN cursors and random sampling.
pub struct Dict<V> {
    buckets: Vec<Option<Box<Node<V>>>>,
    len: usize,
    hasher: ahash::RandomState,
}

/// Grow when there are as many elements as buckets (load factor 1).
const GROW_LOAD: usize = 1;
/// Shrink only when under 1/8 full: stricter than growing, so a table near a boundary never flaps.
const SHRINK_DIVISOR: usize = 8;
const MIN_BUCKETS: usize = 4;

impl<V> Default for Dict<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V> Dict<V> {
    pub fn new() -> Self {
        Dict { buckets: Vec::new(), len: 0, hasher: ahash::RandomState::new() }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of buckets; Redis reports it as the table size in `DEBUG HTSTATS`-like output.
    pub fn capacity(&self) -> usize {
        self.buckets.len()
    }

    fn bucket_of(&self, key: &[u8]) -> usize {
        (self.hasher.hash_one(key) as usize) & (self.buckets.len() - 1)
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        if self.len == 0 {
            return None;
        }
        let mut node = self.buckets[self.bucket_of(key)].as_deref();
        while let Some(n) = node {
            if &*n.key == key {
                return Some(&n.value);
            }
            node = n.next.as_deref();
        }
        None
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        if self.len == 0 {
            return None;
        }
        let b = self.bucket_of(key);
        let mut node = self.buckets[b].as_deref_mut();
        while let Some(n) = node {
            if &*n.key == key {
                return Some(&mut n.value);
            }
            node = n.next.as_deref_mut();
        }
        None
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
        if self.len + 1 > self.buckets.len() * GROW_LOAD {
            self.resize((self.len + 1).next_power_of_two().max(MIN_BUCKETS));
        }
        let b = self.bucket_of(&key);
        let next = self.buckets[b].take();
        self.len += 1;
        let node = self.buckets[b].insert(Box::new(Node { key, value, next }));
        &mut node.value
    }

    /// Removes a key; returns its stored key and value.
    pub fn remove(&mut self, key: &[u8]) -> Option<(Box<[u8]>, V)> {
        if self.len == 0 {
            return None;
        }
        let b = self.bucket_of(key);
        let mut link = &mut self.buckets[b];
        loop {
            match link {
                None => return None,
                Some(node) if &*node.key == key => {
                    let mut removed = link.take().expect("matched a node");
                    *link = removed.next.take();
                    self.len -= 1;
                    self.maybe_shrink();
                    return Some((removed.key, removed.value));
                }
                Some(node) => link = &mut node.next,
            }
        }
    }

    fn maybe_shrink(&mut self) {
        let size = self.buckets.len();
        if size > MIN_BUCKETS && self.len * SHRINK_DIVISOR < size {
            self.resize(self.len.next_power_of_two().max(MIN_BUCKETS));
        }
    }

    fn resize(&mut self, new_size: usize) {
        let old = std::mem::take(&mut self.buckets);
        self.buckets.resize_with(new_size, || None);
        for mut head in old {
            while let Some(mut node) = head {
                head = node.next.take();
                let b = self.bucket_of(&node.key);
                node.next = self.buckets[b].take();
                self.buckets[b] = Some(node);
            }
        }
    }

    pub fn clear(&mut self) {
        // Unlink chains iteratively: dropping a long chain recursively could overflow the stack.
        for head in &mut self.buckets {
            let mut next = head.take();
            while let Some(mut node) = next {
                next = node.next.take();
            }
        }
        self.buckets = Vec::new();
        self.len = 0;
    }

    /// Visits the bucket at `cursor` and returns the next cursor (0 when the scan is complete).
    /// Uses Redis's reverse-binary increment so resizes between calls never skip elements.
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&[u8], &V)) -> u64 {
        if self.buckets.is_empty() {
            return 0;
        }
        let mask = (self.buckets.len() - 1) as u64;
        let mut node = self.buckets[(cursor & mask) as usize].as_deref();
        while let Some(n) = node {
            visit(&n.key, &n.value);
            node = n.next.as_deref();
        }
        let mut v = cursor | !mask;
        v = v.reverse_bits();
        v = v.wrapping_add(1);
        v.reverse_bits()
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

    /// A random entry: a random non-empty bucket, then a random element of its chain (Redis's
    /// `dictGetFairRandomKey` idea, without the extra sampling).
    pub fn random_entry(&self, rng: &mut impl Rng) -> Option<(&[u8], &V)> {
        if self.len == 0 {
            return None;
        }
        let mask = self.buckets.len() - 1;
        let mut b = rng.random::<u64>() as usize & mask;
        let head = loop {
            if let Some(head) = self.buckets[b].as_deref() {
                break head;
            }
            b = rng.random::<u64>() as usize & mask;
        };
        let mut chain_len = 0;
        let mut node = Some(head);
        while let Some(n) = node {
            chain_len += 1;
            node = n.next.as_deref();
        }
        let mut pick = rng.random_range(0..chain_len);
        let mut node = head;
        while pick > 0 {
            node = node.next.as_deref().expect("within chain length");
            pick -= 1;
        }
        Some((&node.key, &node.value))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.buckets.iter().flat_map(|head| {
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
        f.debug_struct("Dict").field("len", &self.len).field("buckets", &self.buckets.len()).finish()
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
