//! Active expiry: reclaims expired keys that nobody reads, as Redis's `activeExpireCycle`.
//!
//! Each cycle walks every database's expiry table from where the last cycle stopped, a few keys
//! at a time, deleting those past their deadline. It keeps going while more than a tenth of the
//! sampled keys were expired (there are likely many more) and stops when its time budget is spent.
//!
//! With what is left of the budget it reclaims hash fields past their TTL: it walks the hashes
//! listed as having field TTLs, a few at a time, deleting their due fields (and a hash with its
//! last field, publishing `hexpired` and `del` as Redis does), and forgets listed keys that no
//! longer hold such a hash.

use std::time::{Duration, Instant};

use crate::keyspace::{Db, Keyspace};
use crate::types::Value;
use crate::pubsub::class;

/// Keys looked at per step, as Redis's `ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`.
const KEYS_PER_STEP: usize = 20;
/// Keep going in a database while more than this percentage of sampled keys had expired.
const ACCEPTABLE_STALE_PERCENT: usize = 10;
/// Bucket visits per step before giving up on finding more keys (sparse tables).
const MAX_BUCKETS_PER_STEP: usize = KEYS_PER_STEP * 20;

/// Hashes with field TTLs looked at per step of the field cycle.
const HASHES_PER_STEP: usize = 20;
/// Fields reclaimed at most per hash per visit, so one huge hash cannot hold the lock for long;
/// the rest waits for the next visit (or a command touching them).
const FIELDS_PER_HASH_VISIT: usize = 1000;

/// Buckets of an idle resize moved per database per background tick.
const IDLE_REHASH_STEPS: usize = 1000;

/// Moves idle resizes of the databases' tables along (writes move them too, a bucket each).
pub fn rehash_idle_tables(ks: &mut Keyspace) {
    for db in &mut ks.dbs {
        db.keys.rehash_steps(IDLE_REHASH_STEPS);
        db.expires.rehash_steps(IDLE_REHASH_STEPS);
        db.hashes_with_field_ttls.rehash_steps(IDLE_REHASH_STEPS);
    }
}

/// Runs one cycle over every database within `budget`; returns how many keys were deleted.
pub fn active_expire_cycle(ks: &mut Keyspace, now_ms: i64, budget: Duration) -> usize {
    // CLIENT PAUSE promises no change to the data: keys wait for the pause to end.
    if ks.blocked.writes_paused(now_ms) {
        return 0;
    }
    let started = Instant::now();
    let mut deleted = 0;
    let mut expired_keys: Vec<Box<[u8]>> = Vec::with_capacity(KEYS_PER_STEP);
    for (index, db) in ks.dbs.iter_mut().enumerate() {
        loop {
            if db.expires.is_empty() {
                db.expire_cursor = 0;
                break;
            }
            let mut sampled = 0;
            let mut buckets = 0;
            expired_keys.clear();
            loop {
                db.expire_cursor = db.expires.scan(db.expire_cursor, |key, &when| {
                    sampled += 1;
                    if when <= now_ms {
                        expired_keys.push(key.into());
                    }
                });
                buckets += 1;
                if db.expire_cursor == 0 || sampled >= KEYS_PER_STEP || buckets >= MAX_BUCKETS_PER_STEP {
                    break;
                }
            }
            for key in &expired_keys {
                db.remove(key);
                ks.watched.touch(index, key);
                ks.tracking.invalidate(key, None);
                ks.pubsub.notify_keyspace_event(class::EXPIRED, "expired", key, index, now_ms);
            }
            deleted += expired_keys.len();
            ks.stats.expired_keys += expired_keys.len() as u64;
            let stale_percent = (expired_keys.len() * 100).checked_div(sampled).unwrap_or(0);
            if stale_percent <= ACCEPTABLE_STALE_PERCENT || started.elapsed() >= budget {
                break;
            }
        }
        if started.elapsed() >= budget {
            break;
        }
    }
    if started.elapsed() < budget {
        deleted += expire_hash_fields(ks, now_ms, started, budget);
    }
    ks.stats.expire_cycle_cpu_micros += started.elapsed().as_micros() as u64;
    deleted
}

/// What one visit did to a hash listed as having field TTLs.
struct FieldVisit {
    /// Fields reclaimed.
    reclaimed: usize,
    /// The hash lost its last field, so the key was deleted.
    key_deleted: bool,
    /// The key still holds a hash with field TTLs, so it stays listed.
    still_listed: bool,
}

fn visit_hash_with_field_ttls(db: &mut Db, key: &[u8], now_ms: i64) -> FieldVisit {
    db.preserve(key);
    let Some(Value::Hash(hash)) = db.keys.get_mut(key) else {
        return FieldVisit { reclaimed: 0, key_deleted: false, still_listed: false };
    };
    let reclaimed = hash.reclaim_expired(now_ms, FIELDS_PER_HASH_VISIT);
    let (key_deleted, still_listed) = (hash.is_empty(), hash.has_field_ttls());
    if key_deleted {
        db.remove(key);
    }
    FieldVisit { reclaimed, key_deleted, still_listed: still_listed && !key_deleted }
}

/// The field part of the cycle: walks each database's hashes with field TTLs until every one
/// was visited once or `budget` (counted from `started`) is spent. Returns how many keys it
/// deleted (hashes that lost their last field).
fn expire_hash_fields(ks: &mut Keyspace, now_ms: i64, started: Instant, budget: Duration) -> usize {
    let mut deleted = 0;
    let mut visiting: Vec<Box<[u8]>> = Vec::with_capacity(HASHES_PER_STEP);
    for (index, db) in ks.dbs.iter_mut().enumerate() {
        let mut visited = 0;
        while !db.hashes_with_field_ttls.is_empty() && visited < db.hashes_with_field_ttls.len() {
            visiting.clear();
            let mut buckets = 0;
            loop {
                db.field_expire_cursor = db.hashes_with_field_ttls.scan(db.field_expire_cursor, |key, _| {
                    visiting.push(key.into());
                });
                buckets += 1;
                if db.field_expire_cursor == 0 || visiting.len() >= HASHES_PER_STEP || buckets >= MAX_BUCKETS_PER_STEP {
                    break;
                }
            }
            visited += visiting.len().max(1);
            for key in &visiting {
                let visit = visit_hash_with_field_ttls(db, key, now_ms);
                if visit.reclaimed > 0 {
                    // One `hexpired` per visit, then `del` if the hash went; watchers and
                    // tracking clients see the key change, as Redis signals a field expiry.
                    ks.pubsub.notify_keyspace_event(class::HASH, "hexpired", key, index, now_ms);
                    if visit.key_deleted {
                        ks.pubsub.notify_keyspace_event(class::GENERIC, "del", key, index, now_ms);
                    }
                    ks.watched.touch(index, key);
                    ks.tracking.invalidate(key, None);
                }
                deleted += usize::from(visit.key_deleted);
                if !visit.still_listed {
                    db.hashes_with_field_ttls.remove(key);
                }
            }
            if db.field_expire_cursor == 0 || started.elapsed() >= budget {
                break;
            }
        }
        if started.elapsed() >= budget {
            break;
        }
    }
    deleted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{StringValue, Value};

    #[test]
    fn reclaims_expired_keys_and_keeps_live_ones() {
        let mut ks = Keyspace::new(2, Default::default());
        for i in 0..5000 {
            let key = format!("k{i}");
            ks.dbs[1].keys.insert(key.as_bytes(), Value::String(StringValue::Int(i)));
            ks.dbs[1].set_expire(key.as_bytes(), if i % 2 == 0 { 100 } else { 10_000 });
        }
        let mut total = 0;
        for _ in 0..100 {
            total += active_expire_cycle(&mut ks, 1000, Duration::from_secs(1));
        }
        assert_eq!(total, 2500);
        assert_eq!(ks.dbs[1].len(), 2500);
        assert_eq!(ks.stats.expired_keys, 2500);
    }

    #[test]
    fn a_client_pause_keeps_expired_keys_until_it_ends() {
        let mut ks = Keyspace::new(1, Default::default());
        ks.dbs[0].keys.insert(b"k", Value::String(StringValue::Int(1)));
        ks.dbs[0].set_expire(b"k", 100);
        ks.blocked.pause(crate::blocking::PauseKind::Write, 5000);
        assert_eq!(active_expire_cycle(&mut ks, 1000, Duration::from_secs(1)), 0);
        assert!(!ks.expire_if_needed(0, b"k", 1000), "nothing is deleted while paused");
        assert!(ks.is_gone(0, b"k", 1000), "yet lookups miss the key");
        assert_eq!((ks.dbs[0].len(), ks.stats.expired_keys), (1, 0));
        ks.blocked.unpause();
        assert!(ks.expire_if_needed(0, b"k", 1000));
        assert_eq!((ks.dbs[0].len(), ks.stats.expired_keys), (0, 1));
    }
}
