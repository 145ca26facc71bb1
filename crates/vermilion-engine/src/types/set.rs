//! Sets, in Redis 7.0's two encodings.
//!
//! A set of integers is a sorted array of them (`intset`): eight bytes a member, found by binary
//! search, listed in ascending order. A member that is not an integer, or more than
//! `SET_MAX_INTSET_ENTRIES` members, turns it into a hash table (`hashtable`) for good: like
//! Redis, a set never converts back.
//!
//! Redis 7.2 added a `listpack` encoding for small sets of strings (`set-max-listpack-entries
//! 128`). The Redis we check replies against is 7.0, which goes from intset straight to
//! hashtable, so we follow 7.0 and `OBJECT ENCODING` answers as it does.

use rand::Rng;

use crate::dict::Dict;
use crate::util::parse_i64;

/// Redis's `set-max-intset-entries 512`: more members than this make a hash table.
pub const SET_MAX_INTSET_ENTRIES: usize = 512;

/// A set value.
#[derive(Debug, Clone)]
pub struct SetValue(Encoding);

#[derive(Debug, Clone)]
enum Encoding {
    /// Sorted, without duplicates.
    Intset(Vec<i64>),
    Table(Dict<()>),
}

/// One member as the set holds it: an intset member is a number, whose text is its decimal form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Member<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl Member<'_> {
    pub fn to_vec(self) -> Vec<u8> {
        match self {
            Member::Int(n) => itoa::Buffer::new().format(n).as_bytes().to_vec(),
            Member::Bytes(b) => b.to_vec(),
        }
    }
}

impl Default for SetValue {
    fn default() -> Self {
        SetValue::new()
    }
}

impl SetValue {
    /// An empty set in the intset encoding, as Redis starts the results of SUNIONSTORE & co.
    pub fn new() -> Self {
        SetValue(Encoding::Intset(Vec::new()))
    }

    /// An empty set in the encoding its first member needs (Redis's `setTypeCreate`).
    pub fn for_member(first: &[u8]) -> Self {
        match parse_i64(first) {
            Some(_) => SetValue::new(),
            None => SetValue(Encoding::Table(Dict::new())),
        }
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Encoding::Intset(ints) => ints.len(),
            Encoding::Table(table) => table.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding_name(&self) -> &'static str {
        match &self.0 {
            Encoding::Intset(_) => "intset",
            Encoding::Table(_) => "hashtable",
        }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        match &self.0 {
            Encoding::Intset(ints) => parse_i64(member).is_some_and(|n| ints.binary_search(&n).is_ok()),
            Encoding::Table(table) => table.contains_key(member),
        }
    }

    /// Membership of another set's member, without rendering integers when both are intsets.
    pub fn contains_member(&self, member: Member) -> bool {
        match (&self.0, member) {
            (Encoding::Intset(ints), Member::Int(n)) => ints.binary_search(&n).is_ok(),
            (Encoding::Table(table), Member::Int(n)) => table.contains_key(itoa::Buffer::new().format(n).as_bytes()),
            (_, Member::Bytes(b)) => self.contains(b),
        }
    }

    /// Adds a member, converting to a hash table when it is not an integer or the intset grows
    /// too big. Returns whether it is new.
    pub fn insert(&mut self, member: &[u8]) -> bool {
        match &mut self.0 {
            Encoding::Intset(_) => match parse_i64(member) {
                Some(n) => self.insert_int(n),
                None => {
                    let table = self.convert_to_table();
                    table.insert_new(member.into(), ());
                    true
                }
            },
            Encoding::Table(table) => {
                if table.contains_key(member) {
                    return false;
                }
                table.insert_new(member.into(), ());
                true
            }
        }
    }

    /// Adds another set's member.
    pub fn insert_member(&mut self, member: Member) -> bool {
        match (&self.0, member) {
            (Encoding::Intset(_), Member::Int(n)) => self.insert_int(n),
            (Encoding::Table(_), Member::Int(n)) => self.insert(itoa::Buffer::new().format(n).as_bytes()),
            (_, Member::Bytes(b)) => self.insert(b),
        }
    }

    fn insert_int(&mut self, n: i64) -> bool {
        let Encoding::Intset(ints) = &mut self.0 else {
            return self.insert(itoa::Buffer::new().format(n).as_bytes());
        };
        let Err(at) = ints.binary_search(&n) else {
            return false;
        };
        ints.insert(at, n);
        if ints.len() > SET_MAX_INTSET_ENTRIES {
            self.convert_to_table();
        }
        true
    }

    /// Removes a member; returns whether it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.0 {
            Encoding::Intset(ints) => match parse_i64(member).map(|n| ints.binary_search(&n)) {
                Some(Ok(at)) => {
                    ints.remove(at);
                    true
                }
                _ => false,
            },
            Encoding::Table(table) => table.remove(member).is_some(),
        }
    }

    /// Removes another set's member; returns whether it was there.
    pub fn remove_member(&mut self, member: Member) -> bool {
        match (&mut self.0, member) {
            (Encoding::Intset(ints), Member::Int(n)) => match ints.binary_search(&n) {
                Ok(at) => {
                    ints.remove(at);
                    true
                }
                Err(_) => false,
            },
            (_, Member::Int(n)) => self.remove(itoa::Buffer::new().format(n).as_bytes()),
            (_, Member::Bytes(b)) => self.remove(b),
        }
    }

    /// Every member: ascending for an intset, table order otherwise.
    pub fn iter(&self) -> Box<dyn Iterator<Item = Member<'_>> + '_> {
        match &self.0 {
            Encoding::Intset(ints) => Box::new(ints.iter().map(|&n| Member::Int(n))),
            Encoding::Table(table) => Box::new(table.keys().map(Member::Bytes)),
        }
    }

    /// A uniformly random member, in O(1).
    pub fn random(&self, rng: &mut impl Rng) -> Option<Member<'_>> {
        match &self.0 {
            Encoding::Intset(ints) if ints.is_empty() => None,
            Encoding::Intset(ints) => Some(Member::Int(ints[rng.random_range(0..ints.len())])),
            Encoding::Table(table) => table.random_entry(rng).map(|(k, _)| Member::Bytes(k)),
        }
    }

    /// Removes and returns a random member.
    pub fn pop_random(&mut self, rng: &mut impl Rng) -> Option<Vec<u8>> {
        match &mut self.0 {
            Encoding::Intset(ints) if ints.is_empty() => None,
            Encoding::Intset(ints) => Some(Member::Int(ints.remove(rng.random_range(0..ints.len()))).to_vec()),
            Encoding::Table(table) => {
                let member = table.random_entry(rng)?.0.to_vec();
                table.remove(&member);
                Some(member)
            }
        }
    }

    /// One step of SSCAN from `cursor`, visiting about `count` members; returns the next cursor
    /// (0 when done). An intset is small, so it is visited whole in one step, as Redis does.
    pub fn scan(&self, cursor: u64, count: usize, mut visit: impl FnMut(Member)) -> u64 {
        match &self.0 {
            Encoding::Intset(ints) => {
                ints.iter().for_each(|&n| visit(Member::Int(n)));
                0
            }
            Encoding::Table(table) => table.scan_steps(cursor, count, |k, _| visit(Member::Bytes(k))),
        }
    }

    fn convert_to_table(&mut self) -> &mut Dict<()> {
        if let Encoding::Intset(ints) = &self.0 {
            let mut table = Dict::new();
            for &n in ints {
                table.insert_new(itoa::Buffer::new().format(n).as_bytes().into(), ());
            }
            self.0 = Encoding::Table(table);
        }
        match &mut self.0 {
            Encoding::Table(table) => table,
            Encoding::Intset(_) => unreachable!("just converted"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn members(set: &SetValue) -> Vec<Vec<u8>> {
        set.iter().map(Member::to_vec).collect()
    }

    #[test]
    fn integers_stay_sorted_in_an_intset() {
        let mut s = SetValue::for_member(b"3");
        for m in ["3", "-1", "20", "3", "0"] {
            s.insert(m.as_bytes());
        }
        assert_eq!(s.encoding_name(), "intset");
        assert_eq!(members(&s), [b"-1".to_vec(), b"0".to_vec(), b"3".to_vec(), b"20".to_vec()]);
        // Not canonical integers: these are strings, never members of an intset.
        assert!(!s.contains(b"03"));
        assert!(!s.remove(b"+3"));
        assert!(s.remove(b"3"));
        assert!(s.contains_member(Member::Int(20)));
    }

    #[test]
    fn converts_at_redis_thresholds_and_never_back() {
        let mut s = SetValue::new();
        for i in 0..SET_MAX_INTSET_ENTRIES as i64 {
            s.insert(i.to_string().as_bytes());
        }
        assert_eq!(s.encoding_name(), "intset");
        s.insert(b"100000");
        assert_eq!(s.encoding_name(), "hashtable");
        assert!(s.contains(b"7"));
        assert!(s.contains_member(Member::Int(100_000)));

        let mut s = SetValue::for_member(b"1");
        s.insert(b"1");
        s.insert(b"a");
        assert_eq!(s.encoding_name(), "hashtable");
        s.remove(b"a");
        assert_eq!(s.encoding_name(), "hashtable");
        assert_eq!(SetValue::for_member(b"x").encoding_name(), "hashtable");
    }

    #[test]
    fn behaves_like_a_set_in_both_encodings() {
        let mut rng = rand::rng();
        let mut s = SetValue::new();
        let mut model = BTreeSet::new();
        for _ in 0..5000 {
            let member = if rng.random_bool(0.9) {
                rng.random_range(0..800).to_string().into_bytes()
            } else {
                format!("m{}", rng.random_range(0..100)).into_bytes()
            };
            if rng.random_bool(0.6) {
                assert_eq!(s.insert(&member), model.insert(member));
            } else {
                assert_eq!(s.remove(&member), model.remove(&member));
            }
            assert_eq!(s.len(), model.len());
        }
        let mut got = members(&s);
        got.sort();
        assert_eq!(got, model.iter().cloned().collect::<Vec<_>>());
        while let Some(m) = s.pop_random(&mut rng) {
            assert!(model.remove(&m));
        }
        assert!(model.is_empty());
    }
}
