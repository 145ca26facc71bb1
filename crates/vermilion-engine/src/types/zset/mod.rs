//! Sorted sets, in Redis's two encodings.
//!
//! - `listpack`: a small sorted vector of (member, score). Linear lookups beat any index at this
//!   size, and it costs one allocation per member.
//! - `skiplist`: one node per element, in a skiplist ordered by (score, member) for O(log n)
//!   ranks and ranges, and in a member-keyed hash table (O(1) ZSCORE, and SCAN cursors that
//!   survive resizes) that points at the same nodes (see [`indexed`]).
//!
//! Like Redis, a sorted set moves to `skiplist` once it outgrows the listpack limits and never
//! moves back on its own; results built in one go (ZRANGESTORE, ZUNIONSTORE, ...) pick the
//! encoding their final size calls for.

mod indexed;
mod members;
mod node;
mod range;
mod score;
mod skiplist;

use std::ops::Range;

use indexed::Indexed;
pub use range::{Bounds, LexBound, LexRange, ScoreRange};
use skiplist::{precedes, Walk};

/// Redis's `zset-max-listpack-entries`: more members than this need the indexed encoding.
pub const MAX_LISTPACK_ENTRIES: usize = 128;
/// Redis's `zset-max-listpack-value`: a longer member needs the indexed encoding.
pub const MAX_LISTPACK_VALUE: usize = 64;

/// A sorted set value.
#[derive(Debug, Clone)]
pub struct ZSetValue {
    repr: Repr,
}

#[derive(Debug, Clone)]
enum Repr {
    /// Sorted by (score, member).
    Listpack(Vec<(Box<[u8]>, f64)>),
    Skiplist(Box<Indexed>),
}

impl Default for ZSetValue {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether a listpack must grow into the indexed encoding to take one more member.
fn outgrows_listpack(len_after: usize, member: &[u8]) -> bool {
    len_after > MAX_LISTPACK_ENTRIES || member.len() > MAX_LISTPACK_VALUE
}

/// A score as a listpack keeps it. Redis stores integral scores as listpack integers, which
/// loses the sign of -0; every other score reads back unchanged.
fn listpack_score(score: f64) -> f64 {
    if score == 0.0 { 0.0 } else { score }
}

impl ZSetValue {
    pub fn new() -> Self {
        ZSetValue { repr: Repr::Listpack(Vec::new()) }
    }

    /// Builds a sorted set from distinct members, in the encoding its size calls for.
    pub fn from_members(mut members: Vec<(Vec<u8>, f64)>) -> Self {
        let fits = members.len() <= MAX_LISTPACK_ENTRIES && members.iter().all(|(m, _)| m.len() <= MAX_LISTPACK_VALUE);
        if !fits {
            let mut indexed = Indexed::default();
            for (member, score) in members {
                indexed.insert(&member, score);
            }
            return ZSetValue { repr: Repr::Skiplist(Box::new(indexed)) };
        }
        members.sort_by(|a, b| order(&a.0, a.1, &b.0, b.1));
        let entries = members.into_iter().map(|(m, s)| (m.into_boxed_slice(), listpack_score(s))).collect();
        ZSetValue { repr: Repr::Listpack(entries) }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Listpack(entries) => entries.len(),
            Repr::Skiplist(indexed) => indexed.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding_name(&self) -> &'static str {
        match self.repr {
            Repr::Listpack(_) => "listpack",
            Repr::Skiplist(_) => "skiplist",
        }
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Listpack(entries) => entries.iter().find(|(m, _)| **m == *member).map(|&(_, s)| s),
            Repr::Skiplist(indexed) => indexed.score(member),
        }
    }

    /// Adds a member or moves it to a new score.
    pub fn set_score(&mut self, member: &[u8], score: f64) {
        if let Repr::Listpack(entries) = &self.repr {
            let len_after = entries.len() + usize::from(self.score(member).is_none());
            if outgrows_listpack(len_after, member) {
                self.convert_to_skiplist();
            }
        }
        match &mut self.repr {
            Repr::Listpack(entries) => {
                let member = match entries.iter().position(|(m, _)| **m == *member) {
                    Some(at) => entries.remove(at).0,
                    None => member.into(),
                };
                let score = listpack_score(score);
                let at = entries.partition_point(|(m, s)| precedes(m, *s, &member, score));
                entries.insert(at, (member, score));
            }
            Repr::Skiplist(indexed) => indexed.set_score(member, score),
        }
    }

    /// Looks `member` up once and gives it the score `decide` picks from its current one
    /// (`None` when absent); `decide` returning `None` leaves the set as it is.
    pub fn update(&mut self, member: &[u8], decide: impl FnOnce(Option<f64>) -> Option<f64>) {
        match &mut self.repr {
            Repr::Skiplist(indexed) => indexed.update(member, decide),
            Repr::Listpack(_) => {
                let current = self.score(member);
                if let Some(score) = decide(current).filter(|&score| current != Some(score)) {
                    self.set_score(member, score);
                }
            }
        }
    }

    fn convert_to_skiplist(&mut self) {
        let Repr::Listpack(entries) = &mut self.repr else { return };
        let mut indexed = Indexed::default();
        for (member, score) in std::mem::take(entries) {
            indexed.insert(&member, score);
        }
        self.repr = Repr::Skiplist(Box::new(indexed));
    }

    /// Removes a member; returns whether it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Listpack(entries) => match entries.iter().position(|(m, _)| **m == *member) {
                Some(at) => {
                    entries.remove(at);
                    true
                }
                None => false,
            },
            Repr::Skiplist(indexed) => indexed.remove(member),
        }
    }

    /// The 0-based rank of a member in ascending order, with its score.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        match &self.repr {
            Repr::Listpack(entries) => entries.iter().position(|(m, _)| **m == *member).map(|at| (at, entries[at].1)),
            Repr::Skiplist(indexed) => indexed.rank(member),
        }
    }

    /// How many elements, from the lowest, satisfy `before` (which holds for a prefix).
    fn count_while(&self, before: impl Fn(&[u8], f64) -> bool) -> usize {
        match &self.repr {
            Repr::Listpack(entries) => entries.iter().take_while(|(m, s)| before(m, *s)).count(),
            Repr::Skiplist(indexed) => indexed.count_while(before),
        }
    }

    /// The rank where a forward walk over `bounds` starts, as Redis's `zslFirstInRange` /
    /// `zslFirstInLexRange`: the first element not below the minimum, if it is not past the
    /// maximum. `None` when nothing is in range.
    pub fn first_in_range(&self, bounds: &(impl Bounds + ?Sized)) -> Option<usize> {
        if !self.may_hold(bounds) {
            return None;
        }
        let first = self.count_while(|m, s| bounds.below_min(m, s));
        let (member, score) = self.at_rank(first)?;
        (!bounds.above_max(member, score)).then_some(first)
    }

    /// The rank where a backward walk over `bounds` starts (Redis's `zslLastInRange` /
    /// `zslLastInLexRange`): the last element not past the maximum, if it is not below the
    /// minimum.
    pub fn last_in_range(&self, bounds: &(impl Bounds + ?Sized)) -> Option<usize> {
        if !self.may_hold(bounds) {
            return None;
        }
        let last = match &self.repr {
            // Redis scans a listpack from its tail.
            Repr::Listpack(entries) => entries.iter().rposition(|(m, s)| !bounds.above_max(m, *s))?,
            Repr::Skiplist(indexed) => indexed.count_while(|m, s| !bounds.above_max(m, s)).checked_sub(1)?,
        };
        let (member, score) = self.at_rank(last)?;
        (!bounds.below_min(member, score)).then_some(last)
    }

    /// Redis's quick rejection: valid bounds, the tail not below the minimum and the head not
    /// past the maximum.
    fn may_hold(&self, bounds: &(impl Bounds + ?Sized)) -> bool {
        let (Some((first, first_score)), Some((last, last_score))) = (self.at_rank(0), self.last()) else {
            return false;
        };
        !bounds.is_void() && !bounds.below_min(last, last_score) && !bounds.above_max(first, first_score)
    }

    fn last(&self) -> Option<(&[u8], f64)> {
        self.range(0..self.len(), true).next()
    }

    /// How many elements a forward walk from `start` meets before one passes the maximum.
    fn run_from(&self, start: usize, bounds: &(impl Bounds + ?Sized)) -> usize {
        self.range(start..self.len(), false).take_while(|&(m, s)| !bounds.above_max(m, s)).count()
    }

    /// ZCOUNT / ZLEXCOUNT, as Redis counts: a walk in a listpack, rank arithmetic (O(log n))
    /// between the first and last elements in range in a skiplist.
    pub fn count_in(&self, bounds: &(impl Bounds + ?Sized)) -> usize {
        let Some(first) = self.first_in_range(bounds) else { return 0 };
        match &self.repr {
            Repr::Listpack(_) => self.run_from(first, bounds),
            Repr::Skiplist(_) => match self.last_in_range(bounds) {
                Some(last) => (last + 1).saturating_sub(first),
                None => self.len() - first,
            },
        }
    }

    /// ZREMRANGEBYSCORE / ZREMRANGEBYLEX: removes the walk from the first element in range up to
    /// the first past the maximum; returns how many were removed.
    pub fn remove_in(&mut self, bounds: &(impl Bounds + ?Sized)) -> usize {
        let Some(first) = self.first_in_range(bounds) else { return 0 };
        let run = self.run_from(first, bounds);
        self.remove_ranks(first..first + run)
    }

    /// The elements at `ranks` (ascending ranks), lowest first or, if `reverse`, highest first.
    pub fn range(&self, ranks: Range<usize>, reverse: bool) -> Entries<'_> {
        let ranks = self.clamp(ranks);
        let remaining = ranks.len();
        let inner = match &self.repr {
            Repr::Listpack(entries) => EntriesInner::Listpack(entries[ranks].iter()),
            Repr::Skiplist(_) if remaining == 0 => EntriesInner::Listpack([].iter()),
            Repr::Skiplist(indexed) => {
                let first = if reverse { ranks.end - 1 } else { ranks.start };
                EntriesInner::Skiplist(indexed.walk_from(first, reverse))
            }
        };
        Entries { inner, reverse, remaining }
    }

    fn clamp(&self, ranks: Range<usize>) -> Range<usize> {
        let end = ranks.end.min(self.len());
        ranks.start.min(end)..end
    }

    /// Whether the set is in the listpack encoding (whose SCAN prints integral scores as
    /// integers, as Redis's listpack stores them).
    pub fn is_listpack(&self) -> bool {
        matches!(self.repr, Repr::Listpack(_))
    }

    /// Every element in ascending order.
    pub fn iter(&self) -> Entries<'_> {
        self.range(0..self.len(), false)
    }

    /// The element at a 0-based rank.
    pub fn at_rank(&self, rank: usize) -> Option<(&[u8], f64)> {
        self.range(rank..rank + 1, false).next()
    }

    /// Removes the elements at `ranks`; returns how many were removed.
    pub fn remove_ranks(&mut self, ranks: Range<usize>) -> usize {
        let ranks = self.clamp(ranks);
        if ranks.is_empty() {
            return 0;
        }
        match &mut self.repr {
            Repr::Listpack(entries) => entries.drain(ranks).count(),
            Repr::Skiplist(indexed) => indexed.remove_ranks(ranks.start, ranks.end),
        }
    }

    /// One step of a SCAN over the members: visits some elements and returns the next cursor
    /// (0 when done). A listpack is visited whole in one step, as Redis does; the indexed
    /// encoding visits one hash bucket per call of `step` until `keep_going` says stop.
    pub fn scan(&self, mut cursor: u64, mut keep_going: impl FnMut() -> bool, mut visit: impl FnMut(&[u8], f64)) -> u64 {
        match &self.repr {
            Repr::Listpack(entries) => {
                for (member, score) in entries {
                    visit(member, *score);
                }
                0
            }
            Repr::Skiplist(indexed) => loop {
                cursor = indexed.scan(cursor, &mut visit);
                if cursor == 0 || !keep_going() {
                    return cursor;
                }
            },
        }
    }
}

/// The total order of sorted-set elements.
fn order(m1: &[u8], s1: f64, m2: &[u8], s2: f64) -> std::cmp::Ordering {
    s1.partial_cmp(&s2).unwrap_or(std::cmp::Ordering::Equal).then_with(|| m1.cmp(m2))
}

/// Elements of a rank range, in the requested direction.
pub struct Entries<'a> {
    inner: EntriesInner<'a>,
    reverse: bool,
    remaining: usize,
}

enum EntriesInner<'a> {
    Listpack(std::slice::Iter<'a, (Box<[u8]>, f64)>),
    Skiplist(Walk<'a>),
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        match &mut self.inner {
            EntriesInner::Listpack(it) => {
                let entry = if self.reverse { it.next_back() } else { it.next() };
                entry.map(|(m, s)| (&**m, *s))
            }
            EntriesInner::Skiplist(walk) => walk.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for Entries<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(z: &ZSetValue) -> Vec<(String, f64)> {
        z.iter().map(|(m, s)| (String::from_utf8(m.to_vec()).unwrap(), s)).collect()
    }

    #[test]
    fn grows_into_a_skiplist_past_the_listpack_limits() {
        let mut z = ZSetValue::new();
        for i in 0..MAX_LISTPACK_ENTRIES {
            z.set_score(format!("m{i}").as_bytes(), i as f64);
        }
        assert_eq!(z.encoding_name(), "listpack");
        z.set_score(b"m0", 5.0);
        assert_eq!(z.encoding_name(), "listpack", "updating an existing member does not grow the set");
        z.set_score(b"extra", 1.0);
        assert_eq!(z.encoding_name(), "skiplist");
        assert_eq!(z.len(), MAX_LISTPACK_ENTRIES + 1);

        let mut long = ZSetValue::new();
        long.set_score(&[b'x'; MAX_LISTPACK_VALUE], 1.0);
        assert_eq!(long.encoding_name(), "listpack");
        long.set_score(&[b'y'; MAX_LISTPACK_VALUE + 1], 1.0);
        assert_eq!(long.encoding_name(), "skiplist");
    }

    #[test]
    fn both_encodings_answer_alike() {
        let mut small = ZSetValue::new();
        let mut big = ZSetValue::new();
        big.convert_to_skiplist();
        for (i, name) in ["e", "a", "d", "b", "c", "f"].iter().enumerate() {
            let score = (i % 3) as f64;
            small.set_score(name.as_bytes(), score);
            big.set_score(name.as_bytes(), score);
        }
        small.set_score(b"f", -1.0);
        big.set_score(b"f", -1.0);
        assert_eq!(members(&small), members(&big));
        assert_eq!(members(&small)[0], ("f".to_string(), -1.0));
        let range = ScoreRange { min: 0.0, min_exclusive: true, max: 2.0, max_exclusive: false };
        assert_eq!(small.count_in(&range), big.count_in(&range));
        assert_eq!(small.first_in_range(&range), big.first_in_range(&range));
        assert_eq!(small.last_in_range(&range), big.last_in_range(&range));
        assert_eq!(small.rank(b"c"), big.rank(b"c"));
        let reversed: Vec<_> = small.range(1..4, true).map(|(m, _)| m.to_vec()).collect();
        assert_eq!(reversed, big.range(1..4, true).map(|(m, _)| m.to_vec()).collect::<Vec<_>>());
        assert_eq!(small.remove_ranks(0..2), big.remove_ranks(0..2));
        assert!(small.remove(b"c") && big.remove(b"c"));
        assert!(!small.remove(b"c") && !big.remove(b"c"));
        assert_eq!(members(&small), members(&big));
        assert_eq!(small.score(b"b"), big.score(b"b"));
    }

    #[test]
    fn built_results_pick_their_encoding() {
        let few = ZSetValue::from_members(vec![(b"b".to_vec(), 2.0), (b"a".to_vec(), 2.0), (b"c".to_vec(), 1.0)]);
        assert_eq!(few.encoding_name(), "listpack");
        assert_eq!(members(&few).iter().map(|(m, _)| m.as_str()).collect::<String>(), "cab");
        let many = ZSetValue::from_members((0..200).map(|i| (format!("{i}").into_bytes(), f64::from(i))).collect());
        assert_eq!(many.encoding_name(), "skiplist");
        assert_eq!(many.at_rank(199), Some((&b"199"[..], 199.0)));
        let copy = many.clone();
        assert_eq!(copy.score(b"150"), Some(150.0));
    }
}
