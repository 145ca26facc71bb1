//! The databases: keys, their values, their expiry times, and the statistics Redis keeps on them.

use rand::rngs::SmallRng;
use rand::SeedableRng;

use crate::blocking::BlockedRegistry;
use crate::commands::tx::WatchRegistry;
use crate::dict::Dict;
use crate::pubsub::{LiveSettings, PubSub};
use std::sync::Arc;
use crate::types::Value;

/// Idle time is tracked in seconds on a 24-bit clock, as Redis's LRU clock.
pub const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;

/// The 24-bit LRU clock for a time in milliseconds.
pub fn lru_clock(now_ms: i64) -> u32 {
    ((now_ms / 1000) as u32) & LRU_CLOCK_MAX
}

/// A key's value with its access metadata, as it moves in and out of a database (MOVE, RENAME,
/// loading). In the database the access lives in the key's entry tag (see [`Db::keys`]).
#[derive(Debug, Clone)]
pub struct Entry {
    pub value: Value,
    /// LRU clock of the last access, or LFU minutes and counter (OBJECT IDLETIME / FREQ).
    pub access: u32,
}

impl Entry {
    pub fn new(value: Value, now_ms: i64) -> Self {
        Entry { value, access: lru_clock(now_ms) }
    }
}

/// Seconds since an access stamped `access`, tolerating the 24-bit clock's wrap-around.
pub fn idle_seconds(access: u32, now_ms: i64) -> u64 {
    let now = lru_clock(now_ms);
    if now >= access {
        u64::from(now - access)
    } else {
        u64::from(LRU_CLOCK_MAX - access + now)
    }
}

/// One numbered database: its keys and, separately (as in Redis), the expiry times of volatile
/// keys, so active expiry samples only keys that can expire.
#[derive(Default)]
pub struct Db {
    /// Each key's value; the entry's tag holds its access (LRU clock or LFU counter), which
    /// keeps the access out of the value's padded struct (8 bytes a key).
    pub keys: Dict<Value>,
    pub expires: Dict<i64>,
    /// Where the active expiry cycle resumes its scan of `expires`.
    pub expire_cursor: u64,
    /// Keys whose hashes have (or had) field TTLs, for the active expiry of fields. An entry is
    /// checked when the cycle visits it, so a key deleted or overwritten since costs nothing.
    pub hashes_with_field_ttls: Dict<()>,
    /// Where the field expiry cycle resumes its scan of `hashes_with_field_ttls`.
    pub field_expire_cursor: u64,
    /// This database's part in a snapshot under way (BGSAVE), if any.
    pub snapshot: Option<Box<crate::persist::snapshot::DbSnapshot>>,
}

impl Db {
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The absolute expiry time of a key, in milliseconds.
    pub fn expire_of(&self, key: &[u8]) -> Option<i64> {
        if self.expires.is_empty() {
            return None;
        }
        self.expires.get(key).copied()
    }

    /// Whether the key exists but has expired by `now_ms`.
    pub fn is_expired(&self, key: &[u8], now_ms: i64) -> bool {
        self.expire_of(key).is_some_and(|when| when <= now_ms)
    }

    /// Called before anything changes `key` (its value, its expiry, whether it exists): a
    /// snapshot under way first saves the key's bucket as it was. Without one, a single check.
    #[inline]
    pub fn preserve(&mut self, key: &[u8]) {
        if let Some(snapshot) = &mut self.snapshot {
            snapshot.save_bucket_of(key, &mut self.keys, &self.expires);
        }
    }

    /// Deletes a key and its expiry. Returns whether it existed.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        self.preserve(key);
        let (value, access) = self.keys.remove_tagged(key)?;
        let entry = Entry { value, access };
        if !self.expires.is_empty() {
            self.expires.remove(key);
        }
        Some(entry)
    }

    /// Adds a key known to be absent, with its access (a key moved in from elsewhere).
    pub fn insert_entry(&mut self, key: &[u8], entry: Entry) {
        self.preserve(key);
        self.keys.insert_absent_tagged(key, entry.value, entry.access);
    }

    pub fn set_expire(&mut self, key: &[u8], when_ms: i64) {
        self.preserve(key);
        self.expires.insert(key, when_ms);
    }

    /// Removes a key's expiry; returns whether it had one.
    pub fn persist(&mut self, key: &[u8]) -> bool {
        if self.expires.is_empty() {
            return false;
        }
        self.preserve(key);
        self.expires.remove(key).is_some()
    }

    /// Lists `key` for the active expiry of fields if it holds a hash with field TTLs (called
    /// wherever such a hash lands under a key: HEXPIRE, RESTORE, RENAME, COPY, MOVE).
    pub fn track_field_ttls(&mut self, key: &[u8]) {
        let has_field_ttls = matches!(self.keys.get(key), Some(Value::Hash(h)) if h.has_field_ttls());
        if has_field_ttls && !self.hashes_with_field_ttls.contains_key(key) {
            self.hashes_with_field_ttls.insert_new(key.into(), ());
        }
    }

    pub fn clear(&mut self) {
        if let Some(snapshot) = &mut self.snapshot {
            // The snapshot takes the tables as they are and finishes saving them itself.
            snapshot.detach(&mut self.keys, &mut self.expires);
        }
        self.keys.clear();
        self.expires.clear();
        self.hashes_with_field_ttls.clear();
    }
}

/// Counters reported by `INFO stats`.
#[derive(Debug, Default, Clone)]
pub struct KeyspaceStats {
    pub expired_keys: u64,
    pub evicted_keys: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub total_commands_processed: u64,
    pub expire_cycle_cpu_micros: u64,
}

/// Every database plus the state that goes with them. Held behind the engine's lock: one command
/// at a time sees it, which is what makes each command atomic.
pub struct Keyspace {
    pub dbs: Vec<Db>,
    pub stats: KeyspaceStats,
    /// Changes since the last save (`rdb_changes_since_last_save`).
    pub dirty: u64,
    pub rng: SmallRng,
    /// Clients watching keys, marked when those keys change.
    pub watched: WatchRegistry,
    /// Blocked calls (BLPOP, ...), re-run when the keys they wait on change.
    pub blocked: BlockedRegistry,
    /// Lua interpreter and script cache.
    pub scripting: crate::commands::scripting::ScriptingState,
    /// Pub/Sub subscriptions; keyspace events are published through it.
    pub pubsub: PubSub,
    /// Client-side caching: who may hold which keys.
    pub tracking: crate::tracking::TrackingTable,
    /// `maxmemory` and its policy, shared with the engine's CONFIG SET.
    pub eviction: Arc<crate::eviction::Settings>,
    /// Eviction candidates kept between rounds.
    pub eviction_pool: crate::eviction::Pool,
    /// Per-command call counts, times and errors (INFO commandstats), kept under the lock
    /// commands run under so recording a call costs no lock of its own.
    pub calls: crate::stats::Tallies,
}

impl Keyspace {
    pub fn new(databases: usize, pubsub: Arc<LiveSettings>) -> Self {
        Keyspace {
            dbs: (0..databases).map(|_| Db::default()).collect(),
            stats: KeyspaceStats::default(),
            dirty: 0,
            rng: SmallRng::from_os_rng(),
            watched: WatchRegistry::default(),
            blocked: BlockedRegistry::default(),
            scripting: Default::default(),
            pubsub: PubSub::new(pubsub),
            tracking: Default::default(),
            eviction: Arc::default(),
            eviction_pool: Default::default(),
            calls: Default::default(),
        }
    }

    /// Marks the watchers of every existing key of `db` (before a flush empties it).
    pub fn touch_all_watched(&mut self, db: usize) {
        if !self.watched.is_empty() {
            let keys = &self.dbs[db].keys;
            self.watched.touch_db(db, |k| keys.contains_key(k));
        }
    }

    /// Deletes the key if it has expired; returns true if it did.
    ///
    /// Not while a CLIENT PAUSE is in effect: the pause promises no change to the data (and no
    /// DEL in the AOF), so an expired key stays until it ends, as in Redis. Lookups treat it as
    /// missing meanwhile (see [`Keyspace::is_gone`]).
    pub fn expire_if_needed(&mut self, db: usize, key: &[u8], now_ms: i64) -> bool {
        let d = &mut self.dbs[db];
        if d.is_expired(key, now_ms) && !self.blocked.writes_paused(now_ms) {
            d.remove(key);
            self.stats.expired_keys += 1;
            self.watched.touch(db, key);
            self.tracking.invalidate(key, None);
            self.pubsub.notify_keyspace_event(crate::pubsub::class::EXPIRED, "expired", key, db, now_ms);
            true
        } else {
            false
        }
    }

    /// Lazy expiry for a lookup: deletes the key if it has expired, and says whether it had, so
    /// the lookup misses. During a CLIENT PAUSE the expired key stays, yet still reads as missing.
    pub fn is_gone(&mut self, db: usize, key: &[u8], now_ms: i64) -> bool {
        self.expire_if_needed(db, key, now_ms) || self.dbs[db].is_expired(key, now_ms)
    }
}
