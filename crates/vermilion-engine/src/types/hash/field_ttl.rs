//! The expiry times of a hash's fields (HEXPIRE and family), kept beside the pairs.
//!
//! Only hashes that were given a field TTL carry this structure, so fields of every other hash
//! pay nothing for the feature. Times are absolute Unix milliseconds, indexed both by field (for
//! HTTL and the lazy check on access) and by time (so expiry finds the due fields without a walk).

use std::collections::BTreeSet;

use ahash::AHashMap;

/// Redis's `HFE_MAX_ABS_TIME_MSEC`: the latest expiry time a command may set (about year 4199),
/// a quarter of the 48 bits Redis keeps for field expiry times.
pub const MAX_FIELD_EXPIRE_MS: i64 = (1 << 46) - 1;

#[derive(Debug, Clone, Default)]
pub struct FieldTtls {
    by_field: AHashMap<Box<[u8]>, i64>,
    by_time: BTreeSet<(i64, Box<[u8]>)>,
}

impl FieldTtls {
    pub fn is_empty(&self) -> bool {
        self.by_field.is_empty()
    }

    pub fn get(&self, field: &[u8]) -> Option<i64> {
        self.by_field.get(field).copied()
    }

    pub fn set(&mut self, field: &[u8], when_ms: i64) {
        if let Some(previous) = self.by_field.insert(field.into(), when_ms) {
            self.by_time.remove(&(previous, Box::from(field)));
        }
        self.by_time.insert((when_ms, field.into()));
    }

    /// Forgets a field's TTL; returns it.
    pub fn remove(&mut self, field: &[u8]) -> Option<i64> {
        let when = self.by_field.remove(field)?;
        self.by_time.remove(&(when, Box::from(field)));
        Some(when)
    }

    /// The earliest expiry time.
    pub fn earliest(&self) -> Option<i64> {
        self.by_time.first().map(|(when, _)| *when)
    }

    /// Up to `limit` fields whose time is before `now_ms`, earliest first.
    pub fn expired(&self, now_ms: i64, limit: usize) -> Vec<Box<[u8]>> {
        self.by_time.iter().take_while(|(when, _)| *when < now_ms).take(limit).map(|(_, f)| f.clone()).collect()
    }

    /// How many fields have a time before `now_ms`.
    pub fn count_expired(&self, now_ms: i64) -> usize {
        self.by_time.iter().take_while(|(when, _)| *when < now_ms).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_by_field_and_by_time() {
        let mut ttls = FieldTtls::default();
        ttls.set(b"a", 30);
        ttls.set(b"b", 10);
        ttls.set(b"c", 20);
        ttls.set(b"b", 40);
        assert_eq!(ttls.get(b"b"), Some(40));
        assert_eq!(ttls.earliest(), Some(20));
        assert_eq!(ttls.expired(31, 10), [Box::from(&b"c"[..]), Box::from(&b"a"[..])]);
        assert_eq!(ttls.expired(31, 1).len(), 1);
        assert_eq!(ttls.count_expired(30), 1);
        assert_eq!(ttls.remove(b"c"), Some(20));
        assert_eq!(ttls.remove(b"c"), None);
        assert_eq!(ttls.earliest(), Some(30));
    }
}
