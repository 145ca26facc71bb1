//! `maxmemory`: keeping the engine under its memory limit by evicting keys, as Redis does.
//!
//! Each key's `access` field is a 24-bit LRU clock (seconds) under LRU and other policies, or,
//! under LFU policies, 16 bits of minutes and an 8-bit logarithmic access counter (Morris
//! counter with decay) — Redis's layout, so the approximations behave alike. Victims come from
//! an eviction pool refilled with `maxmemory-samples` random keys per database.

use std::sync::atomic::{AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use rand::Rng;

use crate::keyspace::{lru_clock, Keyspace, LRU_CLOCK_MAX};
use crate::pubsub::class;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Policy {
    NoEviction,
    AllKeysLru,
    AllKeysLfu,
    AllKeysRandom,
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
}

impl Policy {
    pub fn parse(name: &str) -> Option<Policy> {
        Some(match name {
            "noeviction" => Policy::NoEviction,
            "allkeys-lru" => Policy::AllKeysLru,
            "allkeys-lfu" => Policy::AllKeysLfu,
            "allkeys-random" => Policy::AllKeysRandom,
            "volatile-lru" => Policy::VolatileLru,
            "volatile-lfu" => Policy::VolatileLfu,
            "volatile-random" => Policy::VolatileRandom,
            "volatile-ttl" => Policy::VolatileTtl,
            _ => return None,
        })
    }

    pub fn is_lfu(self) -> bool {
        matches!(self, Policy::AllKeysLfu | Policy::VolatileLfu)
    }

    fn volatile_only(self) -> bool {
        matches!(self, Policy::VolatileLru | Policy::VolatileLfu | Policy::VolatileRandom | Policy::VolatileTtl)
    }

    fn from_u8(n: u8) -> Policy {
        [
            Policy::NoEviction,
            Policy::AllKeysLru,
            Policy::AllKeysLfu,
            Policy::AllKeysRandom,
            Policy::VolatileLru,
            Policy::VolatileLfu,
            Policy::VolatileRandom,
            Policy::VolatileTtl,
        ][usize::from(n)]
    }
}

/// The eviction settings, read on every access without the config lock.
#[derive(Debug)]
pub struct Settings {
    maxmemory: AtomicU64,
    policy: AtomicU8,
    samples: AtomicU32,
    tenacity: AtomicU32,
    lfu_log_factor: AtomicU32,
    lfu_decay_time: AtomicU32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            maxmemory: AtomicU64::new(0),
            policy: AtomicU8::new(Policy::NoEviction as u8),
            samples: AtomicU32::new(5),
            tenacity: AtomicU32::new(10),
            lfu_log_factor: AtomicU32::new(10),
            lfu_decay_time: AtomicU32::new(1),
        }
    }
}

impl Settings {
    pub fn update(&self, config: &crate::config::Config) {
        self.maxmemory.store(config.maxmemory, Ordering::Relaxed);
        let policy = Policy::parse(&config.maxmemory_policy).unwrap_or(Policy::NoEviction);
        self.policy.store(policy as u8, Ordering::Relaxed);
        self.samples.store(config.maxmemory_samples as u32, Ordering::Relaxed);
        self.tenacity.store(config.maxmemory_eviction_tenacity as u32, Ordering::Relaxed);
        self.lfu_log_factor.store(config.lfu_log_factor as u32, Ordering::Relaxed);
        self.lfu_decay_time.store(config.lfu_decay_time as u32, Ordering::Relaxed);
    }

    pub fn maxmemory(&self) -> u64 {
        self.maxmemory.load(Ordering::Relaxed)
    }

    pub fn policy(&self) -> Policy {
        Policy::from_u8(self.policy.load(Ordering::Relaxed))
    }

    /// The `access` value of a key created now.
    pub fn initial_access(&self, now_ms: i64) -> u32 {
        if self.policy().is_lfu() {
            (lfu_minutes(now_ms) << 8) | LFU_INIT_VAL
        } else {
            lru_clock(now_ms)
        }
    }

    /// Records an access to a key (LRU clock, or LFU counter bump with decay).
    pub fn touch(&self, access: &mut u32, now_ms: i64, rng: &mut impl Rng) {
        if self.policy().is_lfu() {
            let counter = self.lfu_decayed(*access, now_ms);
            let counter = lfu_log_incr(counter, self.lfu_log_factor.load(Ordering::Relaxed), rng);
            *access = (lfu_minutes(now_ms) << 8) | counter;
        } else {
            *access = lru_clock(now_ms);
        }
    }

    /// The LFU counter of an `access` value after the decay of the time since it was stored.
    pub fn lfu_decayed(&self, access: u32, now_ms: i64) -> u32 {
        let (then, counter) = (access >> 8, access & 255);
        let decay = self.lfu_decay_time.load(Ordering::Relaxed);
        if decay == 0 {
            return counter;
        }
        let now = lfu_minutes(now_ms);
        let elapsed = if now >= then { now - then } else { 65535 - then + now };
        counter.saturating_sub(elapsed / decay)
    }
}

/// Counter of a new key under LFU: new keys are not evicted before they had a chance.
const LFU_INIT_VAL: u32 = 5;
/// Candidates kept between eviction rounds.
const POOL_SIZE: usize = 16;

fn lfu_minutes(now_ms: i64) -> u32 {
    ((now_ms / 60_000) as u32) & 65535
}

/// Redis's logarithmic increment: the higher the counter, the less likely it grows.
fn lfu_log_incr(counter: u32, log_factor: u32, rng: &mut impl Rng) -> u32 {
    if counter >= 255 {
        return 255;
    }
    let base = counter.saturating_sub(LFU_INIT_VAL) as f64;
    let p = 1.0 / (base * f64::from(log_factor) + 1.0);
    if rng.random::<f64>() < p {
        counter + 1
    } else {
        counter
    }
}

/// One eviction candidate: the higher `score`, the better the victim.
#[derive(Debug, Clone)]
struct Candidate {
    score: u64,
    db: usize,
    key: Box<[u8]>,
}

/// The eviction pool, kept across rounds like Redis's `EvictionPoolLRU`.
#[derive(Debug, Default)]
pub struct Pool {
    candidates: Vec<Candidate>,
}

impl Pool {
    /// Adds a candidate if it beats the worst one (or there is room); sorted ascending.
    fn offer(&mut self, candidate: Candidate) {
        if self.candidates.iter().any(|c| c.db == candidate.db && c.key == candidate.key) {
            return;
        }
        if self.candidates.len() == POOL_SIZE {
            if candidate.score <= self.candidates[0].score {
                return;
            }
            self.candidates.remove(0);
        }
        let at = self.candidates.partition_point(|c| c.score <= candidate.score);
        self.candidates.insert(at, candidate);
    }
}

/// The outcome of trying to get under `maxmemory`.
#[derive(Debug, PartialEq, Eq)]
pub enum Pressure {
    /// Under the limit (or no limit).
    Fine,
    /// Still over the limit, with keys left to evict: the time budget ran out, and the
    /// background tick and the next commands go on evicting. Commands run meanwhile, as under
    /// Redis's `EVICT_RUNNING`: a busy engine evicts slower, it does not refuse writes.
    Evicting,
    /// Still over the limit with nothing left to evict (or `noeviction`): commands that may
    /// grow memory are refused.
    Over,
}

/// Keys evicted between two looks at the clock: every round evicts at least this many (unless
/// fewer bring memory under the limit), whatever the machine's load, so a round always frees
/// more than one write adds (Redis checks its time limit every 16 keys too).
const KEYS_PER_CLOCK_CHECK: u32 = 16;

/// Evicts keys until memory use is under `maxmemory`, nothing is evictable, or the time budget
/// (from `maxmemory-eviction-tenacity`) is spent. Runs before every command, so memory goes
/// over the limit only by what the commands under way add.
pub fn perform_evictions(engine: &crate::engine::Engine, ks: &mut Keyspace, now_ms: i64) -> Pressure {
    let used = || crate::info::used_memory() as u64;
    let settings = std::sync::Arc::clone(&ks.eviction);
    let limit = settings.maxmemory();
    // Nothing is evicted during CLIENT PAUSE (nor is anything refused for memory), as in Redis.
    if limit == 0 || used() <= limit || ks.blocked.writes_paused(now_ms) {
        return Pressure::Fine;
    }
    let policy = settings.policy();
    if policy == Policy::NoEviction {
        return Pressure::Over;
    }
    let started = Instant::now();
    let budget = time_budget(settings.tenacity.load(Ordering::Relaxed));
    let mut evicted = 0u32;
    while used() > limit {
        let Some((db, key)) = pick_victim(ks, &settings, policy, now_ms) else {
            return Pressure::Over;
        };
        evict(ks, db, &key, now_ms);
        // The append-only file replays the eviction as a deletion.
        if engine.aof.is_logging() {
            engine.aof.record_expired(db, &key);
        }
        evicted += 1;
        if evicted.is_multiple_of(KEYS_PER_CLOCK_CHECK) && started.elapsed() > budget {
            return if used() > limit { Pressure::Evicting } else { Pressure::Fine };
        }
    }
    Pressure::Fine
}

/// Whether memory is over `maxmemory` with nothing left to evict: what a script checks when
/// it starts (it is refused its first write then, as in Redis, never stopped half way).
pub fn out_of_memory(engine: &crate::engine::Engine, ks: &mut Keyspace, now_ms: i64) -> bool {
    perform_evictions(engine, ks, now_ms) == Pressure::Over
}

/// Redis's `evictionTimeLimitUs`: 50 µs per tenacity step up to 10, growing fast beyond;
/// 100 means no limit.
fn time_budget(tenacity: u32) -> Duration {
    match tenacity {
        0..=10 => Duration::from_micros(50 * u64::from(tenacity.max(1))),
        11..=99 => Duration::from_micros((500.0 * 1.15f64.powi(tenacity as i32 - 10)) as u64),
        _ => Duration::MAX,
    }
}

fn pick_victim(ks: &mut Keyspace, settings: &Settings, policy: Policy, now_ms: i64) -> Option<(usize, Box<[u8]>)> {
    if matches!(policy, Policy::AllKeysRandom | Policy::VolatileRandom) {
        let start = ks.rng.random_range(0..ks.dbs.len());
        for i in 0..ks.dbs.len() {
            let db = (start + i) % ks.dbs.len();
            let d = &ks.dbs[db];
            let key = if policy == Policy::AllKeysRandom {
                d.keys.random_entry(&mut ks.rng).map(|(k, _)| Box::<[u8]>::from(k))
            } else {
                d.expires.random_entry(&mut ks.rng).map(|(k, _)| Box::<[u8]>::from(k))
            };
            if let Some(key) = key {
                return Some((db, key));
            }
        }
        return None;
    }
    // Refill the pool from every database, then take the best candidate that still exists.
    let samples = settings.samples.load(Ordering::Relaxed).max(1) as usize;
    for db in 0..ks.dbs.len() {
        let d = &ks.dbs[db];
        let source_len = if policy.volatile_only() { d.expires.len() } else { d.keys.len() };
        if source_len == 0 {
            continue;
        }
        for _ in 0..samples.min(source_len) {
            let sampled = if policy.volatile_only() {
                d.expires.random_entry(&mut ks.rng).map(|(k, when)| (Box::<[u8]>::from(k), Some(*when)))
            } else {
                d.keys.random_entry(&mut ks.rng).map(|(k, _)| (Box::<[u8]>::from(k), None))
            };
            let Some((key, when)) = sampled else { continue };
            let Some((_, access)) = d.keys.get_tagged(&key) else { continue };
            let score = match policy {
                Policy::VolatileTtl => u64::MAX - when.unwrap_or(i64::MAX) as u64,
                p if p.is_lfu() => 255 - u64::from(settings.lfu_decayed(access, now_ms)),
                _ => idle_ms(access, now_ms),
            };
            ks.eviction_pool.offer(Candidate { score, db, key });
        }
    }
    while let Some(candidate) = ks.eviction_pool.candidates.pop() {
        let d = &ks.dbs[candidate.db];
        let present = if policy.volatile_only() { d.expires.get(&candidate.key).is_some() } else { d.keys.get(&candidate.key).is_some() };
        if present {
            return Some((candidate.db, candidate.key));
        }
    }
    None
}

/// Milliseconds since an LRU clock reading (seconds resolution, wrap-around tolerated).
fn idle_ms(access: u32, now_ms: i64) -> u64 {
    let now = lru_clock(now_ms);
    let seconds = if now >= access { now - access } else { LRU_CLOCK_MAX - access + now };
    u64::from(seconds) * 1000
}

/// Deletes an evicted key as Redis does: WATCHers and trackers told, `evicted` published.
fn evict(ks: &mut Keyspace, db: usize, key: &[u8], now_ms: i64) {
    ks.dbs[db].preserve(key);
    if ks.dbs[db].remove(key).is_none() {
        return;
    }
    ks.stats.evicted_keys += 1;
    ks.dirty += 1;
    ks.watched.touch(db, key);
    ks.tracking.invalidate(key, None);
    ks.pubsub.notify_keyspace_event(class::EVICTED, "evicted", key, db, now_ms);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn lfu_counter_grows_logarithmically_and_decays() {
        let settings = Settings::default();
        let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
        let mut counter = LFU_INIT_VAL;
        for _ in 0..1_000 {
            counter = lfu_log_incr(counter, 10, &mut rng);
        }
        // A thousand hits with log factor 10 land around 18 in Redis's table.
        assert!((12..=25).contains(&counter), "{counter}");
        let access = (lfu_minutes(0) << 8) | 20;
        assert_eq!(settings.lfu_decayed(access, 0), 20);
        assert_eq!(settings.lfu_decayed(access, 5 * 60_000), 15);
        assert_eq!(settings.lfu_decayed(access, 60 * 60_000), 0);
    }

    #[test]
    fn the_pool_keeps_the_best_candidates_in_order() {
        let mut pool = Pool::default();
        for score in [5u64, 1, 9, 3, 7] {
            pool.offer(Candidate { score, db: 0, key: score.to_string().into_bytes().into() });
        }
        let scores: Vec<u64> = pool.candidates.iter().map(|c| c.score).collect();
        assert_eq!(scores, [1, 3, 5, 7, 9]);
        for score in 10..30u64 {
            pool.offer(Candidate { score, db: 0, key: score.to_string().into_bytes().into() });
        }
        assert_eq!(pool.candidates.len(), POOL_SIZE);
        assert_eq!(pool.candidates.last().unwrap().score, 29);
    }
}
