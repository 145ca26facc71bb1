//! Loading an RDB file into the keyspace: when an engine opens (in the background for a
//! server, which answers `-LOADING` meanwhile) and on DEBUG RELOAD.
//!
//! A load in the background reads the file with the keyspace unlocked, then holds the lock
//! while it fills the keyspace but hands it to any waiting command every few hundred keys, so
//! INFO, CONFIG and the other commands Redis allows while loading answer at once.
//! [`LoadProgress`] is what they see of the load.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::MutexGuard;

use super::log;
use super::rdb_file::{parse, LoadSink};
use crate::engine::Engine;
use crate::keyspace::{Entry, Keyspace};
use crate::types::Value;

/// Redis's reply to commands without the `loading` flag while the data loads.
pub const LOADING_ERROR: &str = "LOADING Redis is loading the dataset in memory";

/// Keys loaded (or AOF commands replayed) between two chances for waiting commands to take the
/// keyspace lock: a few hundred microseconds of loading, so an INFO waits no longer than that.
pub(crate) const KEYS_PER_HOLD: u64 = 256;
/// Time between two progress log lines.
pub(crate) const PROGRESS_LOG_EVERY: Duration = Duration::from_secs(2);

/// What a load found.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoadReport {
    pub keys_loaded: u64,
    /// Keys whose expiry time had passed: skipped, as Redis skips them on a master.
    pub keys_expired: u64,
    /// Bytes the RDB took: an RDB-preamble AOF base goes on with commands after them.
    pub rdb_len: usize,
}

/// A load under way, read without the keyspace lock by the `-LOADING` gate and by INFO.
#[derive(Debug, Default)]
pub struct LoadProgress {
    loading: AtomicBool,
    /// When the load began, in seconds since the epoch.
    start_secs: AtomicI64,
    total_bytes: AtomicU64,
    loaded_bytes: AtomicU64,
    /// The memory use the file's writer recorded (its `used-mem` field).
    rdb_used_mem: AtomicU64,
}

impl LoadProgress {
    /// Whether the data is loading: commands without the `loading` flag are refused.
    pub fn is_loading(&self) -> bool {
        self.loading.load(Ordering::Relaxed)
    }

    /// A load begins (its size is not known yet).
    pub(crate) fn begin(&self, now_ms: i64) {
        self.start_secs.store(now_ms / 1000, Ordering::Relaxed);
        self.total_bytes.store(0, Ordering::Relaxed);
        self.loaded_bytes.store(0, Ordering::Relaxed);
        self.rdb_used_mem.store(0, Ordering::Relaxed);
        self.loading.store(true, Ordering::Release);
    }

    /// The load is over: the data is in.
    pub(crate) fn end(&self) {
        self.loading.store(false, Ordering::Release);
    }

    /// The bytes to load in all (a file's size; an AOF's files together).
    pub(crate) fn set_total(&self, bytes: u64) {
        self.total_bytes.store(bytes, Ordering::Relaxed);
    }

    pub(crate) fn set_loaded(&self, bytes: u64) {
        self.loaded_bytes.store(bytes, Ordering::Relaxed);
    }

    pub(crate) fn loaded_fraction(&self) -> f64 {
        let total = self.total_bytes.load(Ordering::Relaxed);
        self.loaded_bytes.load(Ordering::Relaxed) as f64 / (total + 1) as f64
    }

    /// INFO's `loading_*` fields while a load is under way (Redis's figures: the `+1`s keep an
    /// empty file from dividing by zero, and the first second's estimate is a fixed 1).
    pub fn info_fields(&self, now_ms: i64) -> Vec<(&'static str, String)> {
        let start = self.start_secs.load(Ordering::Relaxed);
        let total = self.total_bytes.load(Ordering::Relaxed);
        let loaded = self.loaded_bytes.load(Ordering::Relaxed);
        let elapsed = (now_ms / 1000 - start).max(0) as u64;
        let eta = match elapsed {
            0 => 1,
            _ => elapsed.saturating_mul(total.saturating_sub(loaded)) / (loaded + 1),
        };
        vec![
            ("loading_start_time", start.to_string()),
            ("loading_total_bytes", total.to_string()),
            ("loading_rdb_used_mem", self.rdb_used_mem.load(Ordering::Relaxed).to_string()),
            ("loading_loaded_bytes", loaded.to_string()),
            ("loading_loaded_perc", format!("{:.2}", self.loaded_fraction() * 100.0)),
            ("loading_eta_seconds", eta.to_string()),
        ]
    }
}

/// The keyspace a load fills.
pub enum Target<'a, 'g> {
    /// Locked by the caller for the whole load (DEBUG RELOAD runs as a command).
    Held(&'a mut Keyspace),
    /// Locked by the load itself, which lets waiting commands in between batches of keys.
    Shared(&'a mut MutexGuard<'g, Keyspace>),
}

impl<'g> Target<'_, 'g> {
    pub(crate) fn keyspace(&mut self) -> &mut Keyspace {
        match self {
            Target::Held(ks) => ks,
            Target::Shared(guard) => guard,
        }
    }

    /// The same keyspace, for one part of a load made of several files.
    pub(crate) fn reborrow(&mut self) -> Target<'_, 'g> {
        match self {
            Target::Held(ks) => Target::Held(ks),
            Target::Shared(guard) => Target::Shared(guard),
        }
    }

    /// Runs `f` (slow work that needs no keyspace) with the lock released, if the load holds it.
    fn unlocked<T>(&mut self, f: impl FnOnce() -> T) -> T {
        match self {
            Target::Held(_) => f(),
            Target::Shared(guard) => MutexGuard::unlocked(guard, f),
        }
    }

    /// Hands the lock to a command waiting for it, if any, and takes it back after.
    pub(crate) fn let_others_in(&mut self) {
        if let Target::Shared(guard) = self {
            MutexGuard::bump(guard);
        }
    }
}

/// How a file's keys meet the keys already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    /// A key already present is a damaged file (loading into an empty keyspace).
    Refuse,
    /// The file's key replaces the one present (DEBUG RELOAD MERGE).
    Replace,
}

/// Reads `path` into `ks` (fresh, empty), the caller holding the keyspace throughout.
pub fn load_file(engine: &Engine, ks: &mut Keyspace, path: &Path, verify_checksum: bool) -> Result<LoadReport, String> {
    load_into(engine, Target::Held(ks), path, verify_checksum, Duplicates::Refuse)
}

/// DEBUG RELOAD's load: `path` back into the keyspace the command holds. Whether it loaded; why
/// not goes to the log, as in Redis.
pub fn reload_file(engine: &Engine, ks: &mut Keyspace, path: &Path, verify_checksum: bool, duplicates: Duplicates) -> bool {
    match load_into(engine, Target::Held(ks), path, verify_checksum, duplicates) {
        Ok(report) => {
            engine.persistence.record_load(report);
            log::warning("DB reloaded by DEBUG RELOAD");
            true
        }
        Err(e) => {
            log::warning(&e);
            false
        }
    }
}

/// Reads `path` into the keyspace `target` designates, publishing its progress in
/// `engine.loading` (whose `begin` and `end` are the caller's). The error names the file and,
/// for a damaged file, the offset of the damaged item.
pub fn load_into(engine: &Engine, mut target: Target, path: &Path, verify_checksum: bool, duplicates: Duplicates) -> Result<LoadReport, String> {
    let started = Instant::now();
    let cannot_read = |e: std::io::Error| format!("Can't read the RDB file '{}': {e}", path.display());
    engine.loading.set_total(std::fs::metadata(path).map_err(cannot_read)?.len());
    engine.loading.set_loaded(0);
    let bytes = target.unlocked(|| std::fs::read(path)).map_err(cannot_read)?;
    engine.loading.set_total(bytes.len() as u64);
    let mut loader = KeyspaceLoader {
        engine,
        target,
        db: 0,
        now_ms: engine.now_ms(),
        duplicates,
        report: LoadReport::default(),
        keys_since_hold: 0,
        file_len: bytes.len(),
        started,
        last_log: started,
    };
    let summary = parse(&bytes, verify_checksum, &mut loader).map_err(|e| format!("Bad RDB file '{}': {e}", path.display()))?;
    engine.loading.set_loaded(bytes.len() as u64);
    let report = LoadReport { rdb_len: summary.len, ..loader.report };
    log::notice(&format!("Done loading RDB, keys loaded: {}, keys expired: {}.", report.keys_loaded, report.keys_expired));
    Ok(report)
}

/// Fills a keyspace from a file's items.
struct KeyspaceLoader<'a, 'g> {
    engine: &'a Engine,
    target: Target<'a, 'g>,
    db: usize,
    now_ms: i64,
    duplicates: Duplicates,
    report: LoadReport,
    keys_since_hold: u64,
    file_len: usize,
    started: Instant,
    last_log: Instant,
}

impl KeyspaceLoader<'_, '_> {
    /// Every few hundred keys: lets waiting commands in, and logs progress now and then.
    fn batch_done(&mut self) {
        self.keys_since_hold = 0;
        self.target.let_others_in();
        if self.last_log.elapsed() < PROGRESS_LOG_EVERY {
            return;
        }
        self.last_log = Instant::now();
        let keys = self.report.keys_loaded + self.report.keys_expired;
        let rate = keys as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        let percent = self.engine.loading.loaded_fraction() * 100.0;
        log::notice(&format!("Loading RDB: {percent:.0}% ({keys} keys, {rate:.0} keys/s)"));
    }
}

impl LoadSink for KeyspaceLoader<'_, '_> {
    fn aux(&mut self, name: &[u8], value: &[u8]) {
        let number = || std::str::from_utf8(value).ok().and_then(|v| v.parse::<i64>().ok());
        match name {
            b"redis-ver" => log::notice(&format!("Loading RDB produced by version {}", String::from_utf8_lossy(value))),
            b"ctime" => {
                if let Some(ctime) = number() {
                    log::notice(&format!("RDB age {} seconds", (self.now_ms / 1000 - ctime).max(0)));
                }
            }
            b"used-mem" => {
                if let Some(bytes) = number() {
                    let bytes = bytes.max(0) as u64;
                    self.engine.loading.rdb_used_mem.store(bytes, Ordering::Relaxed);
                    log::notice(&format!("RDB memory usage when created {:.2} Mb", bytes as f64 / (1024.0 * 1024.0)));
                }
            }
            _ => {}
        }
    }

    fn function(&mut self, code: &[u8]) -> Result<(), String> {
        let engine = self.engine;
        self.target.keyspace().scripting.load_library_code(engine, code)
    }

    fn select_db(&mut self, db: u64) -> Result<(), String> {
        let count = self.target.keyspace().dbs.len();
        self.db = usize::try_from(db).ok().filter(|&db| db < count).ok_or_else(|| {
            format!("The file was created with more than the {count} databases configured (it selects database {db})")
        })?;
        Ok(())
    }

    fn resize_db(&mut self, keys: u64, expires: u64) {
        // The counts come from the file: a damaged one must not make us allocate more buckets
        // than it could hold keys (each takes at least three bytes).
        let most = self.file_len / 3;
        let db = &mut self.target.keyspace().dbs[self.db];
        db.keys.reserve(usize::try_from(keys).unwrap_or(usize::MAX).min(most));
        db.expires.reserve(usize::try_from(expires).unwrap_or(usize::MAX).min(most));
    }

    fn key(&mut self, key: Vec<u8>, value: Value, expire_ms: Option<i64>) -> Result<(), String> {
        self.keys_since_hold += 1;
        if self.keys_since_hold >= KEYS_PER_HOLD {
            self.batch_done();
        }
        if expire_ms.is_some_and(|when| when <= self.now_ms) {
            self.report.keys_expired += 1;
            return Ok(());
        }
        let (index, now_ms, duplicates) = (self.db, self.now_ms, self.duplicates);
        let db = &mut self.target.keyspace().dbs[index];
        if db.keys.contains_key(&key) {
            if duplicates == Duplicates::Refuse {
                return Err(format!("Duplicated key '{}' in database {index}", String::from_utf8_lossy(&key)));
            }
            db.remove(&key);
        }
        db.insert_entry(&key, Entry::new(value, now_ms));
        db.track_field_ttls(&key);
        if let Some(when) = expire_ms {
            db.set_expire(&key, when);
        }
        self.report.keys_loaded += 1;
        Ok(())
    }

    fn warn(&mut self, message: String) {
        log::warning(&message);
    }

    fn progress(&mut self, offset: usize) {
        self.engine.loading.set_loaded(offset as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, ConnectionInfo, Reply};

    #[test]
    fn progress_figures_follow_redis() {
        let progress = LoadProgress::default();
        progress.begin(1_700_000_000_000);
        progress.set_total(1000);
        progress.set_loaded(250);
        let fields: std::collections::HashMap<_, _> = progress.info_fields(1_700_000_000_000).into_iter().collect();
        assert_eq!(fields["loading_start_time"], "1700000000");
        assert_eq!(fields["loading_loaded_perc"], "24.98");
        assert_eq!(fields["loading_eta_seconds"], "1", "a fixed estimate in the first second");
        let later: std::collections::HashMap<_, _> = progress.info_fields(1_700_000_010_000).into_iter().collect();
        assert_eq!(later["loading_eta_seconds"], (10 * 750 / 251).to_string());
        assert!(progress.is_loading());
        progress.end();
        assert!(!progress.is_loading());
    }

    fn run(client: &mut crate::Client, args: &[&str]) -> Reply {
        let argv: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        client.execute(&argv)
    }

    /// An engine opened to load in the background answers at once: data commands `-LOADING`,
    /// INFO with its progress; once loaded, everything.
    #[test]
    fn background_load_refuses_data_commands_until_done() {
        const KEYS: usize = 40_000;
        let dir = std::env::temp_dir().join(format!("vermilion-loading-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut config = Config::default();
        config.set("dir", dir.to_str().unwrap()).unwrap();
        config.set("save", "").unwrap();
        {
            let engine = Engine::open(config.clone()).unwrap();
            let mut client = engine.connect(ConnectionInfo::embedded("test"));
            for i in 0..KEYS {
                run(&mut client, &["SET", &format!("key:{i}"), &format!("value:{i}")]);
            }
            assert_eq!(run(&mut client, &["SAVE"]), Reply::OK);
            drop(client);
            engine.shutdown();
        }
        let (engine, loading) = Engine::open_loading(config).unwrap();
        let mut client = engine.connect(ConnectionInfo::embedded("test"));
        let mut refused = 0;
        while !loading.is_finished() {
            match run(&mut client, &["GET", "key:7"]) {
                Reply::Error(e) => {
                    assert_eq!(e, LOADING_ERROR);
                    refused += 1;
                }
                other => assert_eq!(other, Reply::bulk("value:7")),
            }
            let info = match run(&mut client, &["INFO", "persistence"]) {
                Reply::Bulk(text) => String::from_utf8_lossy(&text).into_owned(),
                Reply::Verbatim(_, text) => String::from_utf8_lossy(&text).into_owned(),
                other => panic!("INFO answered {other:?}"),
            };
            if info.contains("loading:1") {
                assert!(info.contains("loading_loaded_perc:"), "{info}");
            }
        }
        loading.wait().unwrap();
        assert!(!engine.is_loading());
        assert_eq!(run(&mut client, &["GET", "key:7"]), Reply::bulk("value:7"));
        assert_eq!(run(&mut client, &["DBSIZE"]), Reply::Integer(KEYS as i64));
        eprintln!("{refused} commands refused while loading");
        drop(client);
        engine.shutdown();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
