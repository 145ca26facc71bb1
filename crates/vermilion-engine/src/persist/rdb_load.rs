//! Loading an RDB file into a fresh keyspace when an engine opens.

use std::path::Path;
use std::time::Instant;

use super::log;
use super::rdb_file::{parse, LoadSink};
use crate::engine::Engine;
use crate::keyspace::{Entry, Keyspace};
use crate::types::Value;

/// Keys between two progress checks while loading.
const PROGRESS_EVERY_KEYS: u64 = 64 * 1024;
/// Seconds between two progress log lines.
const PROGRESS_EVERY_SECS: u64 = 2;

/// What a load found.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoadReport {
    pub keys_loaded: u64,
    /// Keys whose expiry time had passed: skipped, as Redis skips them on a master.
    pub keys_expired: u64,
}

/// Reads `path` into `ks` (fresh, empty). The error names the file and, for a damaged file, the
/// offset of the damaged item.
pub fn load_file(engine: &Engine, ks: &mut Keyspace, path: &Path, verify_checksum: bool) -> Result<LoadReport, String> {
    let started = Instant::now();
    let bytes = std::fs::read(path).map_err(|e| format!("Can't read the RDB file '{}': {e}", path.display()))?;
    let mut loader = KeyspaceLoader {
        engine,
        ks,
        db: 0,
        now_ms: engine.now_ms(),
        report: LoadReport::default(),
        total_bytes: bytes.len() as u64,
        started,
        last_progress: started,
    };
    let summary = parse(&bytes, verify_checksum, &mut loader)
        .map_err(|e| format!("Bad RDB file '{}': {e}", path.display()))?;
    let report = loader.report;
    log::notice(&format!(
        "Done loading RDB (version {}), keys loaded: {}, keys expired: {}, in {:.3} seconds.",
        summary.version,
        report.keys_loaded,
        report.keys_expired,
        started.elapsed().as_secs_f64()
    ));
    Ok(report)
}

/// Fills a keyspace from a file's items.
struct KeyspaceLoader<'a> {
    engine: &'a Engine,
    ks: &'a mut Keyspace,
    db: usize,
    now_ms: i64,
    report: LoadReport,
    total_bytes: u64,
    started: Instant,
    last_progress: Instant,
}

impl KeyspaceLoader<'_> {
    /// A progress line now and then while a large file loads.
    fn progress(&mut self) {
        let seen = self.report.keys_loaded + self.report.keys_expired;
        if !seen.is_multiple_of(PROGRESS_EVERY_KEYS) || self.last_progress.elapsed().as_secs() < PROGRESS_EVERY_SECS {
            return;
        }
        self.last_progress = Instant::now();
        let rate = seen as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        log::notice(&format!("Loading RDB: {seen} keys so far ({} bytes in the file), {rate:.0} keys/s", self.total_bytes));
    }
}

impl LoadSink for KeyspaceLoader<'_> {
    fn aux(&mut self, name: &[u8], value: &[u8]) {
        if name == b"redis-ver" {
            log::notice(&format!("Loading RDB produced by version {}", String::from_utf8_lossy(value)));
        }
    }

    fn function(&mut self, code: &[u8]) -> Result<(), String> {
        self.ks.scripting.load_library_code(self.engine, code)
    }

    fn select_db(&mut self, db: u64) -> Result<(), String> {
        self.db = usize::try_from(db).ok().filter(|&db| db < self.ks.dbs.len()).ok_or_else(|| {
            format!("The file was created with more than the {} databases configured (it selects database {db})", self.ks.dbs.len())
        })?;
        Ok(())
    }

    fn key(&mut self, key: Vec<u8>, value: Value, expire_ms: Option<i64>) -> Result<(), String> {
        self.progress();
        if expire_ms.is_some_and(|when| when <= self.now_ms) {
            self.report.keys_expired += 1;
            return Ok(());
        }
        let db = &mut self.ks.dbs[self.db];
        if db.keys.contains_key(&key) {
            return Err(format!("Duplicated key '{}' in database {}", String::from_utf8_lossy(&key), self.db));
        }
        db.keys.insert_new(key.as_slice().into(), Entry::new(value, self.now_ms));
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
}
