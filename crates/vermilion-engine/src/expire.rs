//! Active expiry: reclaims expired keys that nobody reads, as Redis's `activeExpireCycle`.
//!
//! Each cycle walks every database's expiry table from where the last cycle stopped, a few keys
//! at a time, deleting those past their deadline. It keeps going while more than a tenth of the
//! sampled keys were expired (there are likely many more) and stops when its time budget is spent.

use std::time::{Duration, Instant};

use crate::keyspace::Keyspace;
use crate::pubsub::class;

/// Keys looked at per step, as Redis's `ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`.
const KEYS_PER_STEP: usize = 20;
/// Keep going in a database while more than this percentage of sampled keys had expired.
const ACCEPTABLE_STALE_PERCENT: usize = 10;
/// Bucket visits per step before giving up on finding more keys (sparse tables).
const MAX_BUCKETS_PER_STEP: usize = KEYS_PER_STEP * 20;

/// Buckets of an idle resize moved per database per background tick.
const IDLE_REHASH_STEPS: usize = 1000;

/// Moves idle resizes of the databases' tables along (writes move them too, a bucket each).
pub fn rehash_idle_tables(ks: &mut Keyspace) {
    for db in &mut ks.dbs {
        db.keys.rehash_steps(IDLE_REHASH_STEPS);
        db.expires.rehash_steps(IDLE_REHASH_STEPS);
    }
}

/// Runs one cycle over every database within `budget`; returns how many keys were deleted.
pub fn active_expire_cycle(ks: &mut Keyspace, now_ms: i64, budget: Duration) -> usize {
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
    ks.stats.expire_cycle_cpu_micros += started.elapsed().as_micros() as u64;
    deleted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::Entry;
    use crate::types::{StringValue, Value};

    #[test]
    fn reclaims_expired_keys_and_keeps_live_ones() {
        let mut ks = Keyspace::new(2, Default::default());
        for i in 0..5000 {
            let key = format!("k{i}");
            ks.dbs[1].keys.insert(key.as_bytes(), Entry::new(Value::String(StringValue::Int(i)), 0));
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
}
