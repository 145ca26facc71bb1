//! Hashes, in Redis's two encodings.
//!
//! A small hash is one packed buffer (`listpack`): fields and values alternate, each behind a
//! one-byte length, in insertion order. Lookups walk it sequentially, as Redis's do: with a
//! bounded number of short entries that is a cache-friendly scan of one allocation, instead of a
//! node and two strings per field. A hash that gets a long field or value, or too many fields,
//! becomes a hash table (`hashtable`) for good: like Redis, a hash never converts back.

use rand::Rng;

use crate::dict::Dict;

/// Redis's `hash-max-listpack-entries`: more fields than this make a hash table. 512 is the
/// default compiled into Redis 7 (what a server started without a config file uses, and what
/// we are checked against); the sample `redis.conf` it ships sets 128.
pub const HASH_MAX_LISTPACK_ENTRIES: usize = 512;
/// Redis's `hash-max-listpack-value 64`: a longer field or value makes a hash table.
pub const HASH_MAX_LISTPACK_VALUE: usize = 64;

// Packed entries carry a one-byte length, which the value limit guarantees is enough.
const _: () = assert!(HASH_MAX_LISTPACK_VALUE <= u8::MAX as usize);

/// A hash value.
#[derive(Debug, Clone)]
pub struct HashValue(Encoding);

#[derive(Debug, Clone)]
enum Encoding {
    Listpack(PairPack),
    Table(Dict<Box<[u8]>>),
}

impl Default for HashValue {
    fn default() -> Self {
        HashValue::new()
    }
}

impl HashValue {
    /// An empty hash in the compact encoding, as Redis creates them.
    pub fn new() -> Self {
        HashValue(Encoding::Listpack(PairPack::default()))
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Encoding::Listpack(pack) => pack.pairs,
            Encoding::Table(table) => table.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding_name(&self) -> &'static str {
        match &self.0 {
            Encoding::Listpack(_) => "listpack",
            Encoding::Table(_) => "hashtable",
        }
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match &self.0 {
            Encoding::Listpack(pack) => pack.get(field),
            Encoding::Table(table) => table.get(field).map(|v| &**v),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// Sets a field, converting to a hash table first if the pair is too long to pack and
    /// afterwards if there are too many fields. Returns whether the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        if field.len() > HASH_MAX_LISTPACK_VALUE || value.len() > HASH_MAX_LISTPACK_VALUE {
            self.convert_to_table();
        }
        match &mut self.0 {
            Encoding::Listpack(pack) => {
                let added = pack.set(field, value);
                if pack.pairs > HASH_MAX_LISTPACK_ENTRIES {
                    self.convert_to_table();
                }
                added
            }
            Encoding::Table(table) => table.insert(field, value.into()).is_none(),
        }
    }

    /// Removes a field; returns whether it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match &mut self.0 {
            Encoding::Listpack(pack) => pack.remove(field),
            Encoding::Table(table) => table.remove(field).is_some(),
        }
    }

    /// Every field and value: insertion order when packed, table order otherwise.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&[u8], &[u8])> + '_> {
        match &self.0 {
            Encoding::Listpack(pack) => Box::new(pack.iter()),
            Encoding::Table(table) => Box::new(table.iter().map(|(k, v)| (k, &**v))),
        }
    }

    /// A source of uniformly random pairs, each draw O(1).
    pub fn sampler(&self) -> PairSampler<'_> {
        match &self.0 {
            Encoding::Listpack(pack) => PairSampler(Sampling::Packed(pack.iter().collect())),
            Encoding::Table(table) => PairSampler(Sampling::Table(table)),
        }
    }

    /// One step of HSCAN from `cursor`, visiting about `count` pairs; returns the next cursor
    /// (0 when done). A packed hash is small, so it is visited whole in one step, as Redis does.
    pub fn scan(&self, cursor: u64, count: usize, mut visit: impl FnMut(&[u8], &[u8])) -> u64 {
        match &self.0 {
            Encoding::Listpack(pack) => {
                pack.iter().for_each(|(f, v)| visit(f, v));
                0
            }
            Encoding::Table(table) => table.scan_steps(cursor, count, |f, v| visit(f, v)),
        }
    }

    fn convert_to_table(&mut self) {
        if let Encoding::Listpack(pack) = &self.0 {
            let mut table = Dict::new();
            for (field, value) in pack.iter() {
                table.insert_new(field.into(), value.into());
            }
            self.0 = Encoding::Table(table);
        }
    }
}

/// Uniformly random pairs of a hash that is not empty.
pub struct PairSampler<'a>(Sampling<'a>);

enum Sampling<'a> {
    /// A packed hash's pairs, gathered once so each draw is an index.
    Packed(Vec<(&'a [u8], &'a [u8])>),
    Table(&'a Dict<Box<[u8]>>),
}

impl<'a> PairSampler<'a> {
    pub fn draw(&self, rng: &mut impl Rng) -> (&'a [u8], &'a [u8]) {
        match &self.0 {
            Sampling::Packed(pairs) => pairs[rng.random_range(0..pairs.len())],
            Sampling::Table(table) => {
                let (field, value) = table.random_entry(rng).expect("a stored hash is never empty");
                (field, value)
            }
        }
    }
}

/// Field/value pairs packed back to back, each entry as `[len: u8][bytes]`.
#[derive(Debug, Clone, Default)]
struct PairPack {
    buf: Vec<u8>,
    pairs: usize,
}

/// Where one pair sits in a [`PairPack`]: its field's entry starts at `start`, its value's at
/// `value`, and the pair ends before `end`.
struct PairAt {
    start: usize,
    value: usize,
    end: usize,
}

impl PairPack {
    /// The entry at `at` and the offset of the one after it.
    fn entry(&self, at: usize) -> (&[u8], usize) {
        let len = usize::from(self.buf[at]);
        (&self.buf[at + 1..at + 1 + len], at + 1 + len)
    }

    fn push_entry(buf: &mut Vec<u8>, bytes: &[u8]) {
        buf.push(bytes.len() as u8);
        buf.extend_from_slice(bytes);
    }

    fn positions(&self) -> impl Iterator<Item = PairAt> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= self.buf.len() {
                return None;
            }
            let start = at;
            let (_, value) = self.entry(start);
            let (_, end) = self.entry(value);
            at = end;
            Some(PairAt { start, value, end })
        })
    }

    fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.positions().map(|p| (self.entry(p.start).0, self.entry(p.value).0))
    }

    fn find(&self, field: &[u8]) -> Option<PairAt> {
        self.positions().find(|p| self.entry(p.start).0 == field)
    }

    fn get(&self, field: &[u8]) -> Option<&[u8]> {
        self.find(field).map(|p| self.entry(p.value).0)
    }

    /// Replaces the value in place (the field keeps its position) or appends a new pair.
    fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        match self.find(field) {
            Some(pair) => {
                let mut entry = Vec::with_capacity(value.len() + 1);
                Self::push_entry(&mut entry, value);
                self.buf.splice(pair.value..pair.end, entry);
                false
            }
            None => {
                Self::push_entry(&mut self.buf, field);
                Self::push_entry(&mut self.buf, value);
                self.pairs += 1;
                true
            }
        }
    }

    fn remove(&mut self, field: &[u8]) -> bool {
        let Some(pair) = self.find(field) else {
            return false;
        };
        self.buf.drain(pair.start..pair.end);
        self.pairs -= 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn fields(hash: &HashValue) -> Vec<&[u8]> {
        hash.iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn packed_pairs_keep_insertion_order_and_replace_in_place() {
        let mut h = HashValue::new();
        assert!(h.set(b"a", b"1"));
        assert!(h.set(b"b", b"2"));
        assert!(h.set(b"c", b""));
        assert!(!h.set(b"a", b"a much longer value"));
        assert_eq!(fields(&h), [&b"a"[..], b"b", b"c"]);
        assert_eq!(h.get(b"a"), Some(&b"a much longer value"[..]));
        assert_eq!(h.get(b"c"), Some(&b""[..]));
        assert!(h.remove(b"b"));
        assert!(!h.remove(b"b"));
        assert_eq!(fields(&h), [&b"a"[..], b"c"]);
        assert_eq!(h.len(), 2);
        assert_eq!(h.encoding_name(), "listpack");
    }

    #[test]
    fn converts_at_redis_thresholds_and_never_back() {
        let mut h = HashValue::new();
        h.set(&[b'f'; HASH_MAX_LISTPACK_VALUE], &[b'v'; HASH_MAX_LISTPACK_VALUE]);
        assert_eq!(h.encoding_name(), "listpack");
        h.set(b"long", &[b'v'; HASH_MAX_LISTPACK_VALUE + 1]);
        assert_eq!(h.encoding_name(), "hashtable");
        h.remove(b"long");
        assert_eq!(h.encoding_name(), "hashtable");

        let mut h = HashValue::new();
        for i in 0..HASH_MAX_LISTPACK_ENTRIES {
            h.set(format!("f{i}").as_bytes(), b"v");
        }
        assert_eq!(h.encoding_name(), "listpack");
        h.set(b"one-more", b"v");
        assert_eq!(h.encoding_name(), "hashtable");
        assert_eq!(h.len(), HASH_MAX_LISTPACK_ENTRIES + 1);
        assert_eq!(h.get(b"f7"), Some(&b"v"[..]));
    }

    #[test]
    fn behaves_like_a_map_in_both_encodings() {
        let mut rng = rand::rng();
        let mut h = HashValue::new();
        let mut model = BTreeMap::new();
        for _ in 0..5000 {
            let field = format!("f{}", rng.random_range(0..200)).into_bytes();
            if rng.random_bool(0.6) {
                let value = vec![b'x'; rng.random_range(0..70)];
                assert_eq!(h.set(&field, &value), model.insert(field, value).is_none());
            } else {
                assert_eq!(h.remove(&field), model.remove(&field).is_some());
            }
            assert_eq!(h.len(), model.len());
        }
        let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = h.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect();
        pairs.sort();
        assert_eq!(pairs, model.into_iter().collect::<Vec<_>>());
        let copy = h.clone();
        assert_eq!(copy.len(), h.len());
    }

    #[test]
    fn table_scan_visits_everything() {
        let mut h = HashValue::new();
        for i in 0..1000 {
            h.set(format!("f{i}").as_bytes(), b"v");
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        loop {
            cursor = h.scan(cursor, 10, |f, _| {
                seen.insert(f.to_vec());
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), 1000);
    }
}
