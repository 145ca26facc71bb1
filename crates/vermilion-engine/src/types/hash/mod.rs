//! Hashes, in Redis's two encodings, with optional per-field expiry times.
//!
//! A small hash is one packed buffer ([`pack`], Redis's `listpack`); a hash that gets a long
//! field or value, or too many fields, becomes a hash table ([`table`], Redis's `hashtable`) for
//! good: like Redis, a hash never converts back.
//!
//! Field TTLs ([`field_ttl`]) live beside the pairs, only in hashes that were given one. A field
//! whose time has passed stays stored until something reclaims it — a command touching it (lazy
//! expiry) or the active expiry cycle — exactly as in Redis, so callers decide what an expired
//! field means for them: [`HashValue::get`] and [`HashValue::iter`] see every stored field, and
//! [`HashValue::is_expired`] tells which are past their time.

mod field_ttl;
mod node;
mod pack;
mod table;

use rand::Rng;

pub use field_ttl::MAX_FIELD_EXPIRE_MS;
use field_ttl::FieldTtls;
use pack::PairPack;
use table::PairTable;

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
pub struct HashValue {
    pairs: Encoding,
    /// Present once a field TTL was asked for (Redis then switches a packed hash to its
    /// `listpackex` encoding, for good); absent for every other hash.
    ttls: Option<Box<FieldTtls>>,
}

#[derive(Debug, Clone)]
enum Encoding {
    Listpack(PairPack),
    Table(PairTable),
}

impl Default for HashValue {
    fn default() -> Self {
        HashValue::new()
    }
}

impl HashValue {
    /// An empty hash in the compact encoding, as Redis creates them.
    pub fn new() -> Self {
        HashValue { pairs: Encoding::Listpack(PairPack::default()), ttls: None }
    }

    /// Every stored field, counting expired ones not reclaimed yet (as Redis's HLEN does).
    pub fn len(&self) -> usize {
        match &self.pairs {
            Encoding::Listpack(pack) => pack.len(),
            Encoding::Table(table) => table.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding_name(&self) -> &'static str {
        match (&self.pairs, &self.ttls) {
            (Encoding::Listpack(_), None) => "listpack",
            (Encoding::Listpack(_), Some(_)) => "listpackex",
            (Encoding::Table(_), _) => "hashtable",
        }
    }

    /// A stored field's value, expired or not.
    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match &self.pairs {
            Encoding::Listpack(pack) => pack.get(field),
            Encoding::Table(table) => table.get(field),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// Sets a field and drops any TTL it had (HSET's rule); returns whether the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        if let Some(ttls) = &mut self.ttls {
            ttls.remove(field);
        }
        self.set_keeping_ttl(field, value)
    }

    /// Sets a field's value and leaves its TTL alone (HINCRBY's rule). Converts to a hash table
    /// first if the pair is too long to pack and afterwards if there are too many fields.
    /// Returns whether the field is new.
    pub fn set_keeping_ttl(&mut self, field: &[u8], value: &[u8]) -> bool {
        if field.len() > HASH_MAX_LISTPACK_VALUE || value.len() > HASH_MAX_LISTPACK_VALUE {
            self.convert_to_table();
        }
        match &mut self.pairs {
            Encoding::Listpack(pack) => {
                let added = pack.set(field, value);
                if pack.len() > HASH_MAX_LISTPACK_ENTRIES {
                    self.convert_to_table();
                }
                added
            }
            Encoding::Table(table) => table.set(field, value),
        }
    }

    /// Removes a field and its TTL; returns whether it was stored.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        if let Some(ttls) = &mut self.ttls {
            ttls.remove(field);
        }
        match &mut self.pairs {
            Encoding::Listpack(pack) => pack.remove(field),
            Encoding::Table(table) => table.remove(field),
        }
    }

    /// Every stored field and value: insertion order when packed, table order otherwise.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&[u8], &[u8])> + '_> {
        match &self.pairs {
            Encoding::Listpack(pack) => Box::new(pack.iter()),
            Encoding::Table(table) => Box::new(table.iter()),
        }
    }

    /// A source of uniformly random stored pairs, each draw O(1).
    pub fn sampler(&self) -> PairSampler<'_> {
        match &self.pairs {
            Encoding::Listpack(pack) => PairSampler(Sampling::Packed(pack.iter().collect())),
            Encoding::Table(table) => PairSampler(Sampling::Table(table)),
        }
    }

    /// One step of HSCAN from `cursor`, visiting about `count` pairs; returns the next cursor
    /// (0 when done). A packed hash is small, so it is visited whole in one step, as Redis does.
    pub fn scan(&self, cursor: u64, count: usize, mut visit: impl FnMut(&[u8], &[u8])) -> u64 {
        match &self.pairs {
            Encoding::Listpack(pack) => {
                pack.iter().for_each(|(f, v)| visit(f, v));
                0
            }
            Encoding::Table(table) => table.scan_steps(cursor, count, visit),
        }
    }

    fn convert_to_table(&mut self) {
        if let Encoding::Listpack(pack) = &self.pairs {
            let mut table = PairTable::new();
            for (field, value) in pack.iter() {
                table.insert_new(field, value);
            }
            self.pairs = Encoding::Table(table);
        }
    }

    // Field TTLs

    /// Whether some field has a TTL.
    pub fn has_field_ttls(&self) -> bool {
        self.ttls.as_ref().is_some_and(|t| !t.is_empty())
    }

    /// Prepares the hash for field TTLs: what Redis does to a hash on its first HEXPIRE, whether
    /// or not a field gets one (a packed hash reports `listpackex` from then on).
    pub fn allow_field_ttls(&mut self) {
        self.ttls.get_or_insert_default();
    }

    /// A field's expiry time (Unix ms), if it has one.
    pub fn field_ttl(&self, field: &[u8]) -> Option<i64> {
        self.ttls.as_ref()?.get(field)
    }

    /// The earliest field expiry time.
    pub fn earliest_field_ttl(&self) -> Option<i64> {
        self.ttls.as_ref()?.earliest()
    }

    /// Gives a stored field an expiry time.
    pub fn set_field_ttl(&mut self, field: &[u8], when_ms: i64) {
        debug_assert!(self.contains(field), "only stored fields get a TTL");
        self.ttls.get_or_insert_default().set(field, when_ms);
    }

    /// Removes a field's TTL; returns whether it had one.
    pub fn persist_field(&mut self, field: &[u8]) -> bool {
        self.ttls.as_mut().is_some_and(|t| t.remove(field).is_some())
    }

    /// Whether a field's time has passed at `now_ms` (a field lives through its own millisecond,
    /// as keys do).
    pub fn is_expired(&self, field: &[u8], now_ms: i64) -> bool {
        self.field_ttl(field).is_some_and(|when| when < now_ms)
    }

    /// Removes `field` if its time has passed; `now` is asked only when the field has a TTL.
    /// Returns whether it was removed.
    pub fn reclaim_if_expired(&mut self, field: &[u8], now: impl FnOnce() -> i64) -> bool {
        let expired = self.field_ttl(field).is_some_and(|when| when < now());
        if expired {
            self.remove(field);
        }
        expired
    }

    /// Removes up to `limit` fields whose time has passed, earliest first; returns how many.
    pub fn reclaim_expired(&mut self, now_ms: i64, limit: usize) -> usize {
        let Some(ttls) = &self.ttls else {
            return 0;
        };
        let due = ttls.expired(now_ms, limit);
        for field in &due {
            self.remove(field);
        }
        due.len()
    }

    /// How many stored fields are past their time at `now_ms`.
    pub fn count_expired(&self, now_ms: i64) -> usize {
        self.ttls.as_ref().map_or(0, |t| t.count_expired(now_ms))
    }
}

/// Uniformly random pairs of a hash that is not empty.
pub struct PairSampler<'a>(Sampling<'a>);

enum Sampling<'a> {
    /// A packed hash's pairs, gathered once so each draw is an index.
    Packed(Vec<(&'a [u8], &'a [u8])>),
    Table(&'a PairTable),
}

impl<'a> PairSampler<'a> {
    pub fn draw(&self, rng: &mut impl Rng) -> (&'a [u8], &'a [u8]) {
        match &self.0 {
            Sampling::Packed(pairs) => pairs[rng.random_range(0..pairs.len())],
            Sampling::Table(table) => table.random_pair(rng).expect("a stored hash is never empty"),
        }
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

    #[test]
    fn field_ttls_follow_redis_rules() {
        let mut h = HashValue::new();
        h.set(b"a", b"1");
        h.set(b"b", b"2");
        h.allow_field_ttls();
        assert_eq!(h.encoding_name(), "listpackex");
        assert!(!h.has_field_ttls());
        h.set_field_ttl(b"a", 100);
        h.set_field_ttl(b"b", 200);
        assert_eq!(h.earliest_field_ttl(), Some(100));
        assert!(!h.is_expired(b"a", 100), "a field lives through its own millisecond");
        assert!(h.is_expired(b"a", 101));
        // HINCRBY keeps the TTL, HSET drops it.
        h.set_keeping_ttl(b"a", b"2");
        assert_eq!(h.field_ttl(b"a"), Some(100));
        h.set(b"b", b"3");
        assert_eq!(h.field_ttl(b"b"), None);
        assert!(!h.reclaim_if_expired(b"b", || unreachable!("no TTL, no clock read")));
        assert_eq!(h.count_expired(150), 1);
        assert!(h.reclaim_if_expired(b"a", || 150));
        assert_eq!(h.len(), 1);
        assert!(!h.has_field_ttls());
        assert_eq!(h.encoding_name(), "listpackex", "the encoding stays");
    }

    #[test]
    fn reclaims_due_fields_earliest_first_within_a_limit() {
        let mut h = HashValue::new();
        for i in 0..1000 {
            let field = format!("f{i}");
            h.set(field.as_bytes(), b"v");
            h.set_field_ttl(field.as_bytes(), i);
        }
        assert_eq!(h.encoding_name(), "hashtable");
        assert_eq!(h.reclaim_expired(500, 100), 100);
        assert!(!h.contains(b"f99") && h.contains(b"f100"));
        assert_eq!(h.reclaim_expired(500, usize::MAX), 400);
        assert_eq!(h.len(), 500);
        assert_eq!(h.earliest_field_ttl(), Some(500));
        h.persist_field(b"f500");
        assert_eq!(h.earliest_field_ttl(), Some(501));
    }
}
