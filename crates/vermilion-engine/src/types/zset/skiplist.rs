//! The ordered half of the `skiplist` encoding: Redis's skiplist with spans, kept in an arena.
//!
//! Why a skiplist rather than an order-statistic B-tree or treap: spans give O(log n) rank and
//! O(log n + m) range walks just as well, the algorithm is the one Redis uses (so ranks, lex
//! walks and range edge cases follow Redis step by step), and insertion touches only the
//! O(log n) links it splices. Nodes live in a `Vec` addressed by `u32` ids instead of raw
//! pointers: no `unsafe`, half-size links, and freed slots are reused by later inserts. The two
//! lowest links sit inside the node (15 nodes in 16 have no others), so a step of a search
//! costs one cache miss, as in Redis.

use rand::Rng;

type NodeId = u32;

/// The "null pointer" of the arena.
const NIL: NodeId = NodeId::MAX;
/// The header node: holds a link per level and no element.
const HEAD: NodeId = 0;
/// Enough levels for 2^64 elements with p = 1/4 (Redis's `ZSKIPLIST_MAXLEVEL`).
const MAX_LEVEL: usize = 32;
/// The chance that a node reaches the next level up (Redis's `ZSKIPLIST_P`).
const LEVEL_UP_PERCENT: u32 = 25;

#[derive(Debug, Clone, Copy)]
struct Link {
    next: NodeId,
    /// How many level-0 steps this link jumps over: what makes ranks O(log n).
    span: u32,
}

/// Links stored inside the node itself.
const INLINE_LINKS: usize = 2;
const UNUSED: Link = Link { next: NIL, span: 0 };

#[derive(Debug, Clone)]
struct Node {
    member: Box<[u8]>,
    score: f64,
    /// The previous node on level 0 (`NIL` for the first), for reverse walks.
    prev: NodeId,
    /// How many levels the node is linked on.
    height: u8,
    low: [Link; INLINE_LINKS],
    /// Links above the inline ones, for the few tall nodes.
    high: Box<[Link]>,
}

impl Node {
    fn new(member: Box<[u8]>, score: f64, height: usize) -> Node {
        let high = vec![UNUSED; height.saturating_sub(INLINE_LINKS)].into_boxed_slice();
        Node { member, score, prev: NIL, height: height as u8, low: [UNUSED; INLINE_LINKS], high }
    }

    fn link(&self, level: usize) -> &Link {
        if level < INLINE_LINKS { &self.low[level] } else { &self.high[level - INLINE_LINKS] }
    }

    fn link_mut(&mut self, level: usize) -> &mut Link {
        if level < INLINE_LINKS { &mut self.low[level] } else { &mut self.high[level - INLINE_LINKS] }
    }
}

/// Elements ordered by (score, member), with rank arithmetic.
#[derive(Debug, Clone)]
pub struct SkipList {
    nodes: Vec<Node>,
    free: Vec<NodeId>,
    tail: NodeId,
    level: usize,
    len: usize,
}

impl Default for SkipList {
    fn default() -> Self {
        Self::new()
    }
}

impl SkipList {
    pub fn new() -> Self {
        let head = Node::new(Box::default(), 0.0, MAX_LEVEL);
        SkipList { nodes: vec![head], free: Vec::new(), tail: NIL, level: 1, len: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    fn link(&self, id: NodeId, level: usize) -> Link {
        *self.nodes[id as usize].link(level)
    }

    fn link_mut(&mut self, id: NodeId, level: usize) -> &mut Link {
        self.nodes[id as usize].link_mut(level)
    }

    fn random_level() -> usize {
        let mut rng = rand::rng();
        let mut level = 1;
        while level < MAX_LEVEL && rng.random_range(0..100) < LEVEL_UP_PERCENT {
            level += 1;
        }
        level
    }

    fn alloc(&mut self, member: Box<[u8]>, score: f64, level: usize) -> NodeId {
        let node = Node::new(member, score, level);
        match self.free.pop() {
            Some(id) => {
                self.nodes[id as usize] = node;
                id
            }
            None => {
                let id = NodeId::try_from(self.nodes.len()).ok().filter(|&id| id != NIL).expect("sorted set too large");
                self.nodes.push(node);
                id
            }
        }
    }

    /// Releases a node's slot and hands back its member.
    fn release(&mut self, id: NodeId) -> Box<[u8]> {
        let node = &mut self.nodes[id as usize];
        node.high = Box::default();
        node.height = 0;
        self.free.push(id);
        std::mem::take(&mut node.member)
    }

    /// For each level, the last node whose successor does not satisfy `before` (nodes are
    /// visited in order, so `before` must hold for a prefix of them), and that node's rank
    /// (the header is rank 0, the first element rank 1).
    fn predecessors(&self, before: impl Fn(&[u8], f64) -> bool) -> ([NodeId; MAX_LEVEL], [usize; MAX_LEVEL]) {
        let mut update = [HEAD; MAX_LEVEL];
        let mut rank = [0usize; MAX_LEVEL];
        let mut x = HEAD;
        let mut traversed = 0;
        for level in (0..self.level).rev() {
            loop {
                let link = self.link(x, level);
                if link.next == NIL {
                    break;
                }
                let next = self.node(link.next);
                if !before(&next.member, next.score) {
                    break;
                }
                traversed += link.span as usize;
                x = link.next;
            }
            update[level] = x;
            rank[level] = traversed;
        }
        (update, rank)
    }

    /// How many elements come first in order and satisfy `before` (which must hold for a
    /// prefix of the elements). O(log n).
    pub fn count_while(&self, before: impl Fn(&[u8], f64) -> bool) -> usize {
        self.predecessors(before).1[0]
    }

    /// Inserts an element known to be absent.
    pub fn insert(&mut self, member: Box<[u8]>, score: f64) {
        let (mut update, mut rank) = self.predecessors(|m, s| precedes(m, s, &member, score));
        let level = Self::random_level();
        if level > self.level {
            for l in self.level..level {
                update[l] = HEAD;
                rank[l] = 0;
                self.link_mut(HEAD, l).span = self.len as u32;
            }
            self.level = level;
        }
        let x = self.alloc(member, score, level);
        for l in 0..level {
            let before = self.link(update[l], l);
            let jumped = (rank[0] - rank[l]) as u32;
            *self.link_mut(x, l) = Link { next: before.next, span: before.span - jumped };
            *self.link_mut(update[l], l) = Link { next: x, span: jumped + 1 };
        }
        for (l, &pred) in update.iter().enumerate().take(self.level).skip(level) {
            self.link_mut(pred, l).span += 1;
        }
        let prev = if update[0] == HEAD { NIL } else { update[0] };
        self.nodes[x as usize].prev = prev;
        match self.link(x, 0).next {
            NIL => self.tail = x,
            next => self.nodes[next as usize].prev = x,
        }
        self.len += 1;
    }

    /// Unlinks `x`, whose predecessors on every level are in `update`.
    fn unlink(&mut self, x: NodeId, update: &[NodeId; MAX_LEVEL]) -> Box<[u8]> {
        for (l, &pred) in update.iter().enumerate().take(self.level) {
            let x_node = &self.nodes[x as usize];
            let x_link = (l < usize::from(x_node.height)).then(|| *x_node.link(l));
            let link = self.link_mut(pred, l);
            match x_link {
                Some(x_link) if link.next == x => {
                    link.span += x_link.span;
                    link.span -= 1;
                    link.next = x_link.next;
                }
                _ => link.span -= 1,
            }
        }
        let (next, prev) = (self.link(x, 0).next, self.node(x).prev);
        match next {
            NIL => self.tail = prev,
            next => self.nodes[next as usize].prev = prev,
        }
        while self.level > 1 && self.link(HEAD, self.level - 1).next == NIL {
            self.level -= 1;
        }
        self.len -= 1;
        self.release(x)
    }

    /// Removes an element; returns its member if it was there.
    pub fn remove(&mut self, member: &[u8], score: f64) -> Option<Box<[u8]>> {
        let (update, _) = self.predecessors(|m, s| precedes(m, s, member, score));
        let x = self.link(update[0], 0).next;
        if x != NIL && self.node(x).score == score && *self.node(x).member == *member {
            let member = self.unlink(x, &update);
            self.compact_if_sparse();
            Some(member)
        } else {
            None
        }
    }

    /// The 0-based rank of an element.
    pub fn rank(&self, member: &[u8], score: f64) -> usize {
        self.count_while(|m, s| precedes(m, s, member, score))
    }

    /// The node at a 0-based rank.
    fn node_at(&self, rank: usize) -> NodeId {
        if rank >= self.len {
            return NIL;
        }
        let (update, _) = self.predecessors_by_rank(rank);
        self.link(update[0], 0).next
    }

    /// The predecessors of the element at 0-based `rank`.
    fn predecessors_by_rank(&self, rank: usize) -> ([NodeId; MAX_LEVEL], usize) {
        let mut update = [HEAD; MAX_LEVEL];
        let mut x = HEAD;
        let mut traversed = 0;
        for level in (0..self.level).rev() {
            loop {
                let link = self.link(x, level);
                if link.next == NIL || traversed + link.span as usize > rank {
                    break;
                }
                traversed += link.span as usize;
                x = link.next;
            }
            update[level] = x;
        }
        (update, traversed)
    }

    /// Removes the elements at 0-based ranks `start..end`, in O(log n + m), and returns their
    /// members.
    pub fn remove_ranks(&mut self, start: usize, end: usize) -> Vec<Box<[u8]>> {
        let (update, _) = self.predecessors_by_rank(start);
        let mut removed = Vec::with_capacity(end.saturating_sub(start));
        let mut x = self.link(update[0], 0).next;
        for _ in start..end {
            if x == NIL {
                break;
            }
            let next = self.link(x, 0).next;
            removed.push(self.unlink(x, &update));
            x = next;
        }
        self.compact_if_sparse();
        removed
    }

    /// Gives memory back after a set shrank a lot: once most arena slots are free (and there
    /// are many), moves the live nodes together. O(arena) work after at least as many removals,
    /// so O(1) amortised.
    fn compact_if_sparse(&mut self) {
        const MIN_FREE: usize = 1024;
        if self.free.len() < MIN_FREE || self.free.len() < self.len {
            return;
        }
        let mut new_ids = vec![NIL; self.nodes.len()];
        let mut live = Vec::with_capacity(self.len + 1);
        for (old, node) in std::mem::take(&mut self.nodes).into_iter().enumerate() {
            // Freed slots have height 0; the header keeps all its levels.
            if node.height > 0 {
                new_ids[old] = live.len() as NodeId;
                live.push(node);
            }
        }
        let remap = |id: NodeId| if id == NIL { NIL } else { new_ids[id as usize] };
        for node in &mut live {
            node.prev = remap(node.prev);
            for level in 0..usize::from(node.height) {
                let link = node.link_mut(level);
                link.next = remap(link.next);
            }
        }
        self.tail = remap(self.tail);
        self.nodes = live;
        self.free = Vec::new();
    }

    /// Walks from the element at `rank`, forwards or backwards.
    pub fn walk_from(&self, rank: usize, reverse: bool) -> Walk<'_> {
        Walk { list: self, at: self.node_at(rank), reverse }
    }
}

/// Whether (m1, s1) sorts before (m2, s2): by score, then by member bytes.
pub fn precedes(m1: &[u8], s1: f64, m2: &[u8], s2: f64) -> bool {
    s1 < s2 || (s1 == s2 && m1 < m2)
}

/// A level-0 walk from one node.
pub struct Walk<'a> {
    list: &'a SkipList,
    at: NodeId,
    reverse: bool,
}

impl<'a> Iterator for Walk<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at == NIL {
            return None;
        }
        let node = self.list.node(self.at);
        self.at = if self.reverse { node.prev } else { node.low[0].next };
        Some((&node.member, node.score))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Orders like the skiplist: score, then member (scores here are never NaN).
    #[derive(PartialEq, Clone)]
    struct Key(f64, Vec<u8>);
    impl Eq for Key {}
    impl Ord for Key {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            self.0.total_cmp(&other.0).then_with(|| self.1.cmp(&other.1))
        }
    }
    impl PartialOrd for Key {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }

    fn check_against(list: &SkipList, model: &BTreeSet<Key>) {
        assert_eq!(list.len(), model.len());
        let walked: Vec<(Vec<u8>, f64)> = list.walk_from(0, false).map(|(m, s)| (m.to_vec(), s)).collect();
        let expected: Vec<(Vec<u8>, f64)> = model.iter().map(|k| (k.1.clone(), k.0)).collect();
        assert_eq!(walked, expected);
        let mut backwards: Vec<_> = list.walk_from(list.len().saturating_sub(1), true).map(|(m, s)| (m.to_vec(), s)).collect();
        backwards.reverse();
        assert_eq!(backwards, if list.len() == 0 { vec![] } else { expected.clone() });
        for (rank, (member, score)) in expected.iter().enumerate() {
            assert_eq!(list.rank(member, *score), rank);
            assert_eq!(list.walk_from(rank, false).next().map(|(m, _)| m.to_vec()), Some(member.clone()));
        }
    }

    #[test]
    fn matches_an_ordered_model_under_random_operations() {
        let mut list = SkipList::new();
        let mut model = BTreeSet::new();
        let mut rng = rand::rng();
        for step in 0..4000 {
            let key = Key(f64::from(rng.random_range(0..50)), format!("m{}", rng.random_range(0..300)).into_bytes());
            match rng.random_range(0..10) {
                0..=5 if !model.contains(&key) => {
                    list.insert(key.1.clone().into_boxed_slice(), key.0);
                    model.insert(key);
                }
                6..=8 => {
                    let removed = list.remove(&key.1, key.0).is_some();
                    assert_eq!(removed, model.remove(&key));
                }
                _ if !model.is_empty() => {
                    let start = rng.random_range(0..model.len());
                    let end = (start + rng.random_range(0..5)).min(model.len());
                    let doomed: Vec<Key> = model.iter().skip(start).take(end - start).cloned().collect();
                    let removed = list.remove_ranks(start, end);
                    assert_eq!(removed.iter().map(|m| m.to_vec()).collect::<Vec<_>>(), doomed.iter().map(|k| k.1.clone()).collect::<Vec<_>>());
                    for k in doomed {
                        model.remove(&k);
                    }
                }
                _ => {}
            }
            if step % 500 == 0 {
                check_against(&list, &model);
            }
        }
        check_against(&list, &model);
    }

    #[test]
    fn compacts_after_shrinking() {
        let mut list = SkipList::new();
        let mut model = BTreeSet::new();
        for i in 0..5000 {
            list.insert(format!("{i:05}").into_bytes().into_boxed_slice(), f64::from(i % 97));
            model.insert(Key(f64::from(i % 97), format!("{i:05}").into_bytes()));
        }
        let doomed: Vec<Key> = model.iter().skip(100).take(4000).cloned().collect();
        list.remove_ranks(100, 4100);
        for k in doomed {
            model.remove(&k);
        }
        assert!(list.nodes.len() < 2000, "arena compacted to {} slots", list.nodes.len());
        check_against(&list, &model);
        for i in 0..3000 {
            let key = Key(0.5, format!("new{i}").into_bytes());
            list.insert(key.1.clone().into_boxed_slice(), key.0);
            model.insert(key);
        }
        check_against(&list, &model);
    }

    #[test]
    fn counts_prefixes_by_score() {
        let mut list = SkipList::new();
        for i in 0..1000 {
            list.insert(format!("{i:04}").into_bytes().into_boxed_slice(), f64::from(i / 10));
        }
        assert_eq!(list.count_while(|_, s| s < 5.0), 50);
        assert_eq!(list.count_while(|_, s| s <= 5.0), 60);
        assert_eq!(list.count_while(|_, s| s < 1000.0), 1000);
        assert_eq!(list.walk_from(999, true).next().map(|(_, s)| s), Some(99.0));
        assert_eq!(list.walk_from(1000, false).next(), None);
    }
}
