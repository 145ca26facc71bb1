//! The `skiplist` encoding: one node per element, reachable two ways — in (score, member) order
//! through the [`SkipList`], and by member through the [`MemberIndex`]. The list owns the
//! nodes; the index points at them. This is the only place that frees a node, and it does so
//! only once the node has left both.

use super::members::MemberIndex;
use super::node::NodePtr;
use super::skiplist::{SkipList, Walk};

pub(super) struct Indexed {
    members: MemberIndex,
    order: SkipList,
}

// SAFETY: the nodes behind the raw pointers belong to this value alone (no pointer to them
// escapes it, except as borrows of `&self`), so it can move between threads like a `Box`, and
// `&self` methods only read them.
unsafe impl Send for Indexed {}
// SAFETY: as above.
unsafe impl Sync for Indexed {}

impl Default for Indexed {
    fn default() -> Self {
        Indexed { members: MemberIndex::new(), order: SkipList::new() }
    }
}

/// Frees a node that has left both structures.
fn free_detached(node: NodePtr) {
    // SAFETY: callers pass nodes already unlinked from the skiplist and removed from the index,
    // the only two places that point at nodes.
    unsafe { node.free() }
}

impl Indexed {
    pub fn len(&self) -> usize {
        debug_assert_eq!(self.members.len(), self.order.len(), "both structures hold every element");
        self.order.len()
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.members.find(member).map(NodePtr::score)
    }

    /// Adds a member known to be absent.
    pub fn insert(&mut self, member: &[u8], score: f64) {
        let node = self.order.insert(member, score);
        self.members.insert(node);
    }

    /// Adds a member or moves it to a new score.
    pub fn set_score(&mut self, member: &[u8], score: f64) {
        match self.members.find(member) {
            Some(node) if node.score() == score => {}
            Some(node) => self.order.rescore(node, score),
            None => self.insert(member, score),
        }
    }

    /// Looks `member` up once and gives it the score `decide` picks from its current one
    /// (`None` when absent); `decide` returning `None` leaves the set as it is.
    pub fn update(&mut self, member: &[u8], decide: impl FnOnce(Option<f64>) -> Option<f64>) {
        let node = self.members.find(member);
        let Some(score) = decide(node.map(NodePtr::score)) else { return };
        match node {
            Some(node) if node.score() == score => {}
            Some(node) => self.order.rescore(node, score),
            None => self.insert(member, score),
        }
    }

    /// Removes a member; returns whether it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        let Some(node) = self.members.remove(member) else { return false };
        self.order.unlink_node(node);
        free_detached(node);
        true
    }

    /// The 0-based rank of a member, with its score.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        let node = self.members.find(member)?;
        Some((self.order.rank(member, node.score()), node.score()))
    }

    /// How many elements, from the lowest, satisfy `before` (which holds for a prefix).
    pub fn count_while(&self, before: impl Fn(&[u8], f64) -> bool) -> usize {
        self.order.count_while(before)
    }

    pub fn walk_from(&self, rank: usize, reverse: bool) -> Walk<'_> {
        self.order.walk_from(rank, reverse)
    }

    /// Removes the elements at 0-based ranks `start..end`; returns how many were removed.
    pub fn remove_ranks(&mut self, start: usize, end: usize) -> usize {
        let members = &mut self.members;
        let mut removed = 0;
        self.order.remove_ranks(start, end, |node| {
            members.remove_node(node);
            free_detached(node);
            removed += 1;
        });
        removed
    }

    /// One SCAN step over the member index; returns the next cursor (0 when done).
    pub fn scan(&self, cursor: u64, mut visit: impl FnMut(&[u8], f64)) -> u64 {
        self.members.scan(cursor, |node| visit(node.member(), node.score()))
    }
}

impl Clone for Indexed {
    fn clone(&self) -> Self {
        let mut copy = Indexed::default();
        for (member, score) in self.walk_from(0, false) {
            copy.insert(member, score);
        }
        copy
    }
}

impl std::fmt::Debug for Indexed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Indexed({} members)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;
    use std::collections::{BTreeSet, HashMap};

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

    fn check_against(set: &Indexed, model: &BTreeSet<Key>) {
        assert_eq!(set.len(), model.len());
        let walked: Vec<(Vec<u8>, f64)> = set.walk_from(0, false).map(|(m, s)| (m.to_vec(), s)).collect();
        let expected: Vec<(Vec<u8>, f64)> = model.iter().map(|k| (k.1.clone(), k.0)).collect();
        assert_eq!(walked, expected);
        let mut backwards: Vec<_> = set.walk_from(set.len().saturating_sub(1), true).map(|(m, s)| (m.to_vec(), s)).collect();
        backwards.reverse();
        assert_eq!(backwards, expected);
        for (rank, (member, score)) in expected.iter().enumerate() {
            assert_eq!(set.rank(member), Some((rank, *score)));
            assert_eq!(set.walk_from(rank, false).next().map(|(m, _)| m.to_vec()), Some(member.clone()));
        }
    }

    #[test]
    fn matches_an_ordered_model_under_random_operations() {
        let mut set = Indexed::default();
        let mut model = BTreeSet::new();
        let mut scores: HashMap<Vec<u8>, f64> = HashMap::new();
        let mut rng = rand::rng();
        // Miri interprets every step; a shorter run still covers growth, moves and removals.
        let steps = if cfg!(miri) { 400 } else { 6000 };
        for step in 0..steps {
            let member = format!("m{}", rng.random_range(0..300)).into_bytes();
            let score = f64::from(rng.random_range(0..50));
            match rng.random_range(0..10) {
                0..=5 => {
                    set.set_score(&member, score);
                    if let Some(old) = scores.insert(member.clone(), score) {
                        model.remove(&Key(old, member.clone()));
                    }
                    model.insert(Key(score, member));
                }
                6..=8 => {
                    let was = scores.remove(&member);
                    assert_eq!(set.remove(&member), was.is_some());
                    if let Some(old) = was {
                        model.remove(&Key(old, member));
                    }
                }
                _ if !model.is_empty() => {
                    let start = rng.random_range(0..model.len());
                    let end = (start + rng.random_range(0..5)).min(model.len());
                    let doomed: Vec<Key> = model.iter().skip(start).take(end - start).cloned().collect();
                    assert_eq!(set.remove_ranks(start, end), doomed.len());
                    for k in doomed {
                        scores.remove(&k.1);
                        model.remove(&k);
                    }
                }
                _ => {}
            }
            for (member, score) in [(&b"m1"[..], scores.get(&b"m1"[..])), (b"m2", scores.get(&b"m2"[..]))] {
                assert_eq!(set.score(member), score.copied());
            }
            if step % 200 == 0 {
                check_against(&set, &model);
                check_against(&set.clone(), &model);
            }
        }
        check_against(&set, &model);
    }

    #[test]
    fn scan_visits_every_member_with_its_score() {
        let mut set = Indexed::default();
        for i in 0..1000 {
            set.insert(format!("m{i}").as_bytes(), f64::from(i));
        }
        let mut seen = HashMap::new();
        let mut cursor = 0;
        loop {
            cursor = set.scan(cursor, |m, s| {
                seen.insert(m.to_vec(), s);
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), 1000);
        assert_eq!(seen[&b"m7"[..]], 7.0);
    }

    #[test]
    fn is_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Indexed>();
    }
}
