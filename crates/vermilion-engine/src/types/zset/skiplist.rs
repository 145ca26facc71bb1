//! The ordered half of the `skiplist` encoding: Redis's skiplist with spans.
//!
//! Why a skiplist rather than an order-statistic B-tree or treap: spans give O(log n) rank and
//! O(log n + m) range walks just as well, the algorithm is the one Redis uses (so ranks, lex
//! walks and range edge cases follow Redis step by step), and insertion touches only the
//! O(log n) links it splices. Each node is one allocation sized to its height (see
//! [`node`](super::node)), so the three nodes in four that have a single level pay for one
//! link, and a step of a search costs one cache miss, as in Redis.
//!
//! The list owns its nodes and frees those still linked when dropped. Nodes it unlinks are
//! handed to the caller, which frees them once nothing else points at them.

use std::marker::PhantomData;

use rand::Rng;

use super::node::NodePtr;

/// Enough levels for 2^64 elements with p = 1/4 (Redis's `ZSKIPLIST_MAXLEVEL`).
const MAX_LEVEL: usize = 32;
/// The chance that a node reaches the next level up (Redis's `ZSKIPLIST_P`).
const LEVEL_UP_PERCENT: u32 = 25;

/// Elements ordered by (score, member), with rank arithmetic.
pub struct SkipList {
    /// The header node: a link per level and no element.
    head: NodePtr,
    tail: Option<NodePtr>,
    /// Levels in use: the height of the tallest node.
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
        SkipList { head: NodePtr::alloc(b"", 0.0, MAX_LEVEL), tail: None, level: 1, len: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    fn random_level() -> usize {
        let mut rng = rand::rng();
        let mut level = 1;
        while level < MAX_LEVEL && rng.random_range(0..100) < LEVEL_UP_PERCENT {
            level += 1;
        }
        level
    }

    /// For each level, the last node whose successor does not satisfy `before` (nodes are
    /// visited in order, so `before` must hold for a prefix of them), and that node's rank
    /// (the header is rank 0, the first element rank 1).
    fn predecessors(&self, before: impl Fn(&[u8], f64) -> bool) -> ([NodePtr; MAX_LEVEL], [usize; MAX_LEVEL]) {
        let mut update = [self.head; MAX_LEVEL];
        let mut rank = [0usize; MAX_LEVEL];
        let mut x = self.head;
        let mut traversed = 0;
        for level in (0..self.level).rev() {
            while let Some(next) = x.next(level) {
                if !before(next.member(), next.score()) {
                    break;
                }
                traversed += x.span(level) as usize;
                x = next;
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

    /// Inserts an element known to be absent; returns its node.
    pub fn insert(&mut self, member: &[u8], score: f64) -> NodePtr {
        let x = NodePtr::alloc(member, score, Self::random_level());
        self.link(x);
        x
    }

    /// Links an unlinked node where its (score, member) belongs, on all its levels.
    fn link(&mut self, x: NodePtr) {
        let (member, score, height) = (x.member(), x.score(), x.height());
        let (mut update, mut rank) = self.predecessors(|m, s| precedes(m, s, member, score));
        if height > self.level {
            for l in self.level..height {
                update[l] = self.head;
                rank[l] = 0;
                self.head.set_span(l, self.len as u32);
            }
            self.level = height;
        }
        for (l, (&pred, &pred_rank)) in update.iter().zip(&rank).enumerate().take(height) {
            let jumped = (rank[0] - pred_rank) as u32;
            x.set_next(l, pred.next(l));
            x.set_span(l, pred.span(l) - jumped);
            pred.set_next(l, Some(x));
            pred.set_span(l, jumped + 1);
        }
        for (l, &pred) in update.iter().enumerate().take(self.level).skip(height) {
            pred.set_span(l, pred.span(l) + 1);
        }
        x.set_prev((update[0] != self.head).then_some(update[0]));
        match x.next(0) {
            None => self.tail = Some(x),
            Some(next) => next.set_prev(Some(x)),
        }
        self.len += 1;
    }

    /// Unlinks `x`, whose predecessors on every level are in `update`.
    fn unlink(&mut self, x: NodePtr, update: &[NodePtr; MAX_LEVEL]) {
        for (l, &pred) in update.iter().enumerate().take(self.level) {
            if pred.next(l) == Some(x) {
                pred.set_span(l, pred.span(l) + x.span(l) - 1);
                pred.set_next(l, x.next(l));
            } else {
                pred.set_span(l, pred.span(l) - 1);
            }
        }
        match x.next(0) {
            None => self.tail = x.prev(),
            Some(next) => next.set_prev(x.prev()),
        }
        while self.level > 1 && self.head.next(self.level - 1).is_none() {
            self.level -= 1;
        }
        self.len -= 1;
    }

    /// Unlinks a node of this list; the caller now owns it.
    pub fn unlink_node(&mut self, x: NodePtr) {
        let (member, score) = (x.member(), x.score());
        let (update, _) = self.predecessors(|m, s| precedes(m, s, member, score));
        assert_eq!(update[0].next(0), Some(x), "the node is in this list");
        self.unlink(x, &update);
    }

    /// Gives a linked node a new score, moving it only if its place in the order changes (as
    /// Redis's `zslUpdateScore`). The node keeps its height, so the level distribution holds.
    pub fn rescore(&mut self, x: NodePtr, score: f64) {
        let member = x.member();
        // A node can only move the way its score moved, so one neighbour (one cache miss) tells.
        let stays = if score > x.score() {
            x.next(0).is_none_or(|next| precedes(member, score, next.member(), next.score()))
        } else {
            x.prev().is_none_or(|prev| precedes(prev.member(), prev.score(), member, score))
        };
        if stays {
            x.set_score(score);
            return;
        }
        self.unlink_node(x);
        x.set_score(score);
        self.link(x);
    }

    /// The 0-based rank of an element.
    pub fn rank(&self, member: &[u8], score: f64) -> usize {
        self.count_while(|m, s| precedes(m, s, member, score))
    }

    /// The node at a 0-based rank.
    fn node_at(&self, rank: usize) -> Option<NodePtr> {
        if rank >= self.len {
            return None;
        }
        self.predecessors_by_rank(rank)[0].next(0)
    }

    /// The predecessors of the element at 0-based `rank`.
    fn predecessors_by_rank(&self, rank: usize) -> [NodePtr; MAX_LEVEL] {
        let mut update = [self.head; MAX_LEVEL];
        let mut x = self.head;
        let mut traversed = 0;
        for level in (0..self.level).rev() {
            while let Some(next) = x.next(level) {
                let span = x.span(level) as usize;
                if traversed + span > rank {
                    break;
                }
                traversed += span;
                x = next;
            }
            update[level] = x;
        }
        update
    }

    /// Unlinks the elements at 0-based ranks `start..end`, in O(log n + m), handing each node
    /// to `unlinked` (which now owns it).
    pub fn remove_ranks(&mut self, start: usize, end: usize, mut unlinked: impl FnMut(NodePtr)) {
        let update = self.predecessors_by_rank(start);
        let mut at = update[0].next(0);
        for _ in start..end {
            let Some(x) = at else { break };
            at = x.next(0);
            self.unlink(x, &update);
            unlinked(x);
        }
    }

    /// Walks from the element at `rank`, forwards or backwards.
    pub fn walk_from(&self, rank: usize, reverse: bool) -> Walk<'_> {
        Walk { at: self.node_at(rank), reverse, list: PhantomData }
    }
}

impl Drop for SkipList {
    fn drop(&mut self) {
        let mut at = Some(self.head);
        while let Some(node) = at {
            at = node.next(0);
            // SAFETY: the list owns the nodes it links (unlinked ones were handed out), and
            // nothing outlives it that could reach them: its owner drops every other pointer
            // to them along with it.
            unsafe { node.free() }
        }
    }
}

/// Whether (m1, s1) sorts before (m2, s2): by score, then by member bytes.
pub fn precedes(m1: &[u8], s1: f64, m2: &[u8], s2: f64) -> bool {
    s1 < s2 || (s1 == s2 && m1 < m2)
}

/// A level-0 walk from one node.
pub struct Walk<'a> {
    at: Option<NodePtr>,
    reverse: bool,
    list: PhantomData<&'a SkipList>,
}

impl<'a> Iterator for Walk<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        let node = self.at?;
        self.at = if self.reverse { node.prev() } else { node.next(0) };
        Some((node.member(), node.score()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_prefixes_by_score() {
        let mut list = SkipList::new();
        for i in 0..1000 {
            list.insert(format!("{i:04}").as_bytes(), f64::from(i / 10));
        }
        assert_eq!(list.count_while(|_, s| s < 5.0), 50);
        assert_eq!(list.count_while(|_, s| s <= 5.0), 60);
        assert_eq!(list.count_while(|_, s| s < 1000.0), 1000);
        assert_eq!(list.walk_from(999, true).next().map(|(_, s)| s), Some(99.0));
        assert_eq!(list.walk_from(1000, false).next(), None);
    }

    #[test]
    fn rescoring_moves_a_node_only_when_its_place_changes() {
        let mut list = SkipList::new();
        let nodes: Vec<NodePtr> = (0..100).map(|i| list.insert(format!("{i:03}").as_bytes(), f64::from(i))).collect();
        list.rescore(nodes[50], 50.5);
        assert_eq!(list.rank(b"050", 50.5), 50);
        list.rescore(nodes[50], -1.0);
        assert_eq!(list.rank(b"050", -1.0), 0);
        assert_eq!(list.walk_from(0, false).next(), Some((&b"050"[..], -1.0)));
        list.rescore(nodes[0], 1000.0);
        assert_eq!(list.walk_from(99, false).next(), Some((&b"000"[..], 1000.0)));
        assert_eq!(list.walk_from(99, true).nth(1), Some((&b"099"[..], 99.0)));
        assert_eq!(list.len(), 100);
    }

    #[test]
    fn removed_ranks_are_handed_out_in_order() {
        let mut list = SkipList::new();
        for i in 0..50 {
            list.insert(format!("{i:02}").as_bytes(), 1.0);
        }
        let mut removed = Vec::new();
        list.remove_ranks(10, 20, |node| {
            removed.push(node.member().to_vec());
            // SAFETY: the node is unlinked and nothing else points at it.
            unsafe { node.free() }
        });
        assert_eq!(removed, (10..20).map(|i| format!("{i:02}").into_bytes()).collect::<Vec<_>>());
        assert_eq!(list.len(), 40);
        assert_eq!(list.walk_from(10, false).next(), Some((&b"20"[..], 1.0)));
        assert_eq!(list.walk_from(10, true).next(), Some((&b"20"[..], 1.0)));
        assert_eq!(list.walk_from(9, false).nth(1), Some((&b"20"[..], 1.0)));
    }
}
