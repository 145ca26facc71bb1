//! RDB persistence of an engine: loading at open, SAVE, BGSAVE (a [`snapshot`] walked by a
//! background thread), save points, the save on close, and the status INFO and LASTSAVE report.
//!
//! An engine persists when its configuration names a data directory (`dir`): it then holds a
//! lock file there, loads `dir/dbfilename` at open, saves on its save points and on close.
//! Without one (the embedded default) it is memory-only, though an explicit SAVE or BGSAVE
//! still writes `dbfilename` in the current directory.
//!
//! Files are replaced atomically: written to a temporary file in the same directory, flushed to
//! disk, renamed over the old file, and the directory flushed too. A failed save never touches
//! the previous file.
//!
//! [`snapshot`]: super::snapshot

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::log;
use super::rdb_file::{write_header, write_key, write_resize_db, write_select_db, AuxValue, ChecksumWriter};
use super::rdb_load::{load_into, Duplicates, LoadReport, Target};
use super::rdb_value::Strings;
use super::snapshot::{self, SnapshotWalk};
use crate::commands::{flag, Command};
use crate::config::Config;
use crate::engine::Engine;
use crate::keyspace::Keyspace;
use crate::reply::Reply;

/// A failed background save is retried by the save points only after this long, as in Redis.
const RETRY_DELAY_MS: i64 = 5_000;
/// Bytes gathered before a synchronous save hands them to the file.
const SAVE_CHUNK_BYTES: usize = 1 << 20;
/// The longest rest of a background save between two holds of the keyspace lock.
const MAX_REST: Duration = Duration::from_millis(1);
/// The file buffer of background saves.
const FILE_BUFFER_BYTES: usize = 1 << 20;
/// The lock file that keeps a second engine off a data directory.
pub const LOCK_FILE_NAME: &str = "vermilion.lock";

/// Redis's reply to write commands once a background save failed (`stop-writes-on-bgsave-error`).
pub const MISCONF: &str = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
pub const BGSAVE_IN_PROGRESS: &str = "ERR Background save already in progress";

/// Distinguishes the temporary files of saves running at once in one process.
static TEMP_FILE_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The persistence state of one engine.
pub struct Persistence {
    /// The engine itself, for the threads that save in the background.
    engine: OnceLock<Weak<Engine>>,
    /// The data directory's lock, held while the engine is open.
    lock: Mutex<Option<File>>,
    status: Mutex<SaveStatus>,
    /// Signalled when a background save ends.
    ended: Condvar,
    bgsave_running: AtomicBool,
    /// Asks a background save to stop early (on close, where a foreground save follows).
    cancel: AtomicBool,
    /// Whether the last background save failed: the cheap first check of the MISCONF gate.
    last_bgsave_failed: AtomicBool,
    keys_total: AtomicU64,
    keys_processed: AtomicU64,
}

/// What INFO, LASTSAVE and the save points need to know.
struct SaveStatus {
    /// The last successful save (ms since the epoch); the engine's start before any.
    last_save_ms: i64,
    last_bgsave_ok: bool,
    last_bgsave_secs: i64,
    /// When the background save under way began.
    bgsave_started: Option<Instant>,
    /// `dirty` when the background save under way began: what it covers.
    dirty_at_start: u64,
    last_attempt_ms: i64,
    saves: u64,
    /// BGSAVE SCHEDULE arrived while a save ran: start one when it ends.
    scheduled: bool,
    /// The thread running the background save, which must never wait for itself.
    bgsave_thread: Option<std::thread::ThreadId>,
    /// The final save on close happened (a later one is needed only after new changes).
    closed: bool,
    last_load: LoadReport,
}

/// Whether an engine with this configuration persists (see the module docs).
pub fn is_persistent(config: &Config) -> bool {
    !config.dir.is_empty()
}

/// The save points of a `save` value: (seconds, changes) pairs.
pub fn save_points(save: &str) -> Vec<(i64, u64)> {
    let numbers: Vec<u64> = save.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    numbers.chunks_exact(2).map(|pair| (pair[0] as i64, pair[1])).collect()
}

fn data_dir(config: &Config) -> PathBuf {
    PathBuf::from(if config.dir.is_empty() { "." } else { &config.dir })
}

/// The file saves write and the engine loads: `dir/dbfilename`.
pub fn rdb_path(config: &Config) -> PathBuf {
    data_dir(config).join(&config.dbfilename)
}

impl Persistence {
    pub fn new(started_ms: i64) -> Self {
        Persistence {
            engine: OnceLock::new(),
            lock: Mutex::new(None),
            status: Mutex::new(SaveStatus {
                last_save_ms: started_ms,
                last_bgsave_ok: true,
                last_bgsave_secs: -1,
                bgsave_started: None,
                dirty_at_start: 0,
                last_attempt_ms: 0,
                saves: 0,
                scheduled: false,
                bgsave_thread: None,
                closed: false,
                last_load: LoadReport::default(),
            }),
            ended: Condvar::new(),
            bgsave_running: AtomicBool::new(false),
            cancel: AtomicBool::new(false),
            last_bgsave_failed: AtomicBool::new(false),
            keys_total: AtomicU64::new(0),
            keys_processed: AtomicU64::new(0),
        }
    }

    /// Called once the engine exists, before anyone uses it: for a persistent engine, locks the
    /// data directory and loads the RDB file if there is one.
    pub fn open(engine: &Arc<Engine>) -> Result<(), String> {
        Persistence::claim_data_dir(engine)?;
        Persistence::load_data(engine)
    }

    /// The first half of [`Persistence::open`]: locks the data directory of a persistent engine.
    pub fn claim_data_dir(engine: &Arc<Engine>) -> Result<(), String> {
        let this = &engine.persistence;
        let _ = this.engine.set(Arc::downgrade(engine));
        // Until the load succeeds, closing must not save: it would overwrite a file that
        // failed (or has yet) to load with a partial dataset.
        this.status.lock().closed = true;
        let config = engine.config();
        if !is_persistent(&config) {
            return Ok(());
        }
        let dir = data_dir(&config);
        std::fs::create_dir_all(&dir).map_err(|e| format!("Can't create the data directory '{}': {e}", dir.display()))?;
        *this.lock.lock() = Some(lock_data_dir(&dir)?);
        Ok(())
    }

    /// The second half of [`Persistence::open`]: loads the AOF or the RDB file, letting commands
    /// at the keyspace between batches of keys, and starts the AOF.
    pub fn load_data(engine: &Arc<Engine>) -> Result<(), String> {
        let this = &engine.persistence;
        let config = engine.config();
        if is_persistent(&config) {
            let started = Instant::now();
            let mut ks = engine.keyspace.lock();
            // With the AOF on, its files hold the data when they exist, as in Redis.
            let manifest = match config.appendonly {
                true => super::aof_manifest::Manifest::read(&super::aof::aof_dir(&config), &config.appendfilename)?,
                false => None,
            };
            if let Some(manifest) = &manifest {
                let aof_dir = super::aof::aof_dir(&config);
                super::aof_load::load(engine, Target::Shared(&mut ks), &aof_dir, manifest, config.aof_load_truncated, config.rdbchecksum)?;
                log::notice(&format!("DB loaded from append only file: {:.3} seconds", started.elapsed().as_secs_f64()));
            } else {
                let path = rdb_path(&config);
                if path.exists() {
                    let report = load_into(engine, Target::Shared(&mut ks), &path, config.rdbchecksum, Duplicates::Refuse)?;
                    this.record_load(report);
                    log::notice(&format!("DB loaded from disk: {:.3} seconds", started.elapsed().as_secs_f64()));
                }
            }
            if config.appendonly {
                engine.aof.start(engine, &mut ks, manifest)?;
            }
        }
        this.status.lock().closed = false;
        Ok(())
    }

    /// What the last RDB load found (INFO's `rdb_last_load_keys_*`).
    pub(crate) fn record_load(&self, report: LoadReport) {
        self.status.lock().last_load = report;
    }

    /// Whether a background save is under way.
    pub fn bgsave_in_progress(&self) -> bool {
        self.bgsave_running.load(Ordering::Acquire)
    }

    /// LASTSAVE: the time of the last successful save, in seconds.
    pub fn last_save_secs(&self) -> i64 {
        self.status.lock().last_save_ms / 1000
    }

    /// The MISCONF gate: a write command (or PING) is refused while the last background save
    /// has failed, save points are set and `stop-writes-on-bgsave-error` is on.
    pub fn write_refusal(engine: &Engine, cmd: &Command) -> Option<Reply> {
        if !engine.persistence.last_bgsave_failed.load(Ordering::Relaxed) {
            return None;
        }
        if !cmd.has(flag::WRITE) && cmd.name != "ping" {
            return None;
        }
        let config = engine.config.read();
        (config.stop_writes_on_bgsave_error && !config.save.is_empty()).then_some(Reply::err(MISCONF))
    }

    /// SAVE: writes the whole keyspace now, holding the keyspace lock throughout.
    pub fn save(engine: &Engine, ks: &mut Keyspace) -> Result<(), String> {
        let this = &engine.persistence;
        if this.bgsave_in_progress() {
            return Err(BGSAVE_IN_PROGRESS.into());
        }
        this.save_in_foreground(engine, ks)
    }

    fn save_in_foreground(&self, engine: &Engine, ks: &mut Keyspace) -> Result<(), String> {
        let this = self;
        let config = engine.config();
        let started = Instant::now();
        let result = save_keyspace(engine, ks, &config);
        match &result {
            Ok(size) => {
                ks.dirty = 0;
                let mut status = this.status.lock();
                status.last_save_ms = engine.now_ms();
                status.saves += 1;
                status.last_bgsave_ok = true;
                this.last_bgsave_failed.store(false, Ordering::Relaxed);
                log::notice(&format!("DB saved on disk ({size} bytes in {:.3} seconds)", started.elapsed().as_secs_f64()));
            }
            Err(e) => log::warning(&format!("Failed saving the DB: {e}")),
        }
        result.map(drop)
    }

    /// BGSAVE: starts a background save of the keyspace as it is now. With `schedule`, a save
    /// already under way is not an error: another starts when it ends. Returns the status reply.
    pub fn background_save(engine: &Engine, ks: &mut Keyspace, schedule: bool) -> Result<Reply, String> {
        let this = &engine.persistence;
        if this.bgsave_in_progress() {
            if schedule {
                this.status.lock().scheduled = true;
                return Ok(Reply::simple("Background saving scheduled"));
            }
            return Err(BGSAVE_IN_PROGRESS.into());
        }
        this.start_background_save(engine, ks)?;
        Ok(Reply::simple("Background saving started"))
    }

    fn start_background_save(&self, engine: &Engine, ks: &mut Keyspace) -> Result<(), String> {
        let weak = self.engine.get().cloned().ok_or("the engine is not open")?;
        if self.bgsave_running.swap(true, Ordering::AcqRel) {
            return Err(BGSAVE_IN_PROGRESS.into());
        }
        self.cancel.store(false, Ordering::Relaxed);
        let config = engine.config();
        let job = BackgroundSave {
            path: rdb_path(&config),
            temp: temp_path(&config),
            checksum: config.rdbchecksum,
            header: header_bytes(engine, ks, false),
            aof_base: false,
        };
        let walk = SnapshotWalk::begin(ks, strings_of(&config));
        self.keys_total.store(walk.total_keys(), Ordering::Relaxed);
        self.keys_processed.store(0, Ordering::Relaxed);
        let spawned = std::thread::Builder::new().name("vermilion-bgsave".into()).spawn(move || job.run(weak, walk));
        let mut status = self.status.lock();
        status.last_attempt_ms = engine.now_ms();
        match spawned {
            Ok(handle) => {
                status.bgsave_started = Some(Instant::now());
                status.dirty_at_start = ks.dirty;
                status.scheduled = false;
                status.bgsave_thread = Some(handle.thread().id());
                log::notice("Background saving started");
                Ok(())
            }
            Err(e) => {
                snapshot::end(ks, &mut Vec::new());
                self.bgsave_running.store(false, Ordering::Release);
                Err(format!("Can't start the background save: {e}"))
            }
        }
    }

    /// Starts writing a new AOF base to `temp` from a snapshot taken now (BGREWRITEAOF); the
    /// AOF is told when it is on disk. Shares the snapshot with BGSAVE, so one runs at a time.
    pub(crate) fn start_aof_base_save(&self, engine: &Engine, ks: &mut Keyspace, temp: PathBuf) -> Result<(), String> {
        let weak = self.engine.get().cloned().ok_or("the engine is not open")?;
        if self.bgsave_running.swap(true, Ordering::AcqRel) {
            return Err(BGSAVE_IN_PROGRESS.into());
        }
        self.cancel.store(false, Ordering::Relaxed);
        let config = engine.config();
        let job = BackgroundSave { path: temp.clone(), temp, checksum: config.rdbchecksum, header: header_bytes(engine, ks, true), aof_base: true };
        let walk = SnapshotWalk::begin(ks, strings_of(&config));
        let spawned = std::thread::Builder::new().name("vermilion-aofrw".into()).spawn(move || job.run(weak, walk));
        match spawned {
            Ok(handle) => {
                self.status.lock().bgsave_thread = Some(handle.thread().id());
                Ok(())
            }
            Err(e) => {
                snapshot::end(ks, &mut Vec::new());
                self.bgsave_running.store(false, Ordering::Release);
                Err(format!("Can't start the background AOF rewrite: {e}"))
            }
        }
    }

    /// Ends a rewrite's snapshot: the AOF puts the base in place; the RDB status is untouched.
    fn finish_aof_base_save(&self, engine: &Engine, outcome: &Result<u64, String>) {
        engine.aof.finish_rewrite(outcome);
        self.status.lock().bgsave_thread = None;
        self.bgsave_running.store(false, Ordering::Release);
        self.ended.notify_all();
    }

    /// Records how a background save ended, and wakes whoever waits for it.
    fn finish_background_save(&self, engine: &Engine, outcome: &Result<u64, String>) {
        let (started, dirty_at_start) = {
            let status = self.status.lock();
            (status.bgsave_started, status.dirty_at_start)
        };
        if outcome.is_ok() {
            // Changes made while the snapshot was written are not in it.
            let mut ks = engine.keyspace.lock();
            ks.dirty = ks.dirty.saturating_sub(dirty_at_start);
        }
        let mut status = self.status.lock();
        status.last_bgsave_secs = started.map_or(-1, |s| s.elapsed().as_secs() as i64);
        status.bgsave_started = None;
        status.bgsave_thread = None;
        match outcome {
            Ok(_) => {
                status.last_bgsave_ok = true;
                status.last_save_ms = engine.now_ms();
                status.saves += 1;
                log::notice("Background saving terminated with success");
            }
            Err(e) if self.cancel.load(Ordering::Relaxed) => log::notice(&format!("Background saving stopped: {e}")),
            Err(e) => {
                status.last_bgsave_ok = false;
                log::warning(&format!("Background saving error: {e}"));
            }
        }
        self.last_bgsave_failed.store(!status.last_bgsave_ok, Ordering::Relaxed);
        self.bgsave_running.store(false, Ordering::Release);
        self.ended.notify_all();
    }

    /// Waits until no background save runs (returns at once on the saving thread itself).
    pub fn wait_for_background_save(&self) {
        let mut status = self.status.lock();
        if status.bgsave_thread == Some(std::thread::current().id()) {
            return;
        }
        while self.bgsave_in_progress() {
            self.ended.wait_for(&mut status, Duration::from_millis(100));
        }
    }

    /// The background tick: starts a save when a save point is reached (or one was scheduled).
    pub fn tick(engine: &Engine) {
        let this = &engine.persistence;
        if this.bgsave_in_progress() {
            return;
        }
        let config = engine.config.read();
        let points = save_points(&config.save);
        let persistent = is_persistent(&config);
        drop(config);
        let scheduled = this.status.lock().scheduled;
        if !scheduled && (!persistent || points.is_empty()) {
            return;
        }
        let mut ks = engine.keyspace.lock();
        let now = engine.now_ms();
        let due = {
            let status = this.status.lock();
            let may_retry = status.last_bgsave_ok || now - status.last_attempt_ms > RETRY_DELAY_MS;
            let since_save = (now - status.last_save_ms) / 1000;
            points.iter().find(|&&(secs, changes)| ks.dirty >= changes && since_save >= secs && may_retry).copied()
        };
        if let Some((secs, changes)) = due {
            log::notice(&format!("{changes} changes in {secs} seconds. Saving..."));
        }
        if scheduled || due.is_some() {
            if let Err(e) = this.start_background_save(engine, &mut ks) {
                log::warning(&e);
            }
        }
    }

    /// The save on close (`shutdown()`, the engine dropped), unless SHUTDOWN or SIGTERM already
    /// settled it: see [`Persistence::prepare_shutdown`].
    pub fn close(engine: &Engine) {
        let mut ks = engine.keyspace.lock();
        let _ = Persistence::prepare_shutdown(engine, &mut ks, None);
    }

    /// Gets the data ready for the process to exit, once: stops a background save under way and
    /// saves in the foreground when `save` says so (`None`: when the engine persists and has
    /// save points, as Redis does on SIGTERM). An error means the save failed.
    pub fn prepare_shutdown(engine: &Engine, ks: &mut Keyspace, save: Option<bool>) -> Result<(), String> {
        let this = &engine.persistence;
        if this.status.lock().closed {
            return Ok(());
        }
        let wanted = save.unwrap_or_else(|| {
            let config = engine.config.read();
            is_persistent(&config) && !config.save.is_empty()
        });
        this.cancel_background_save(ks);
        engine.aof.close();
        if wanted {
            log::notice("Saving the final RDB snapshot before exiting.");
            this.save_in_foreground(engine, ks)?;
        }
        this.status.lock().closed = true;
        // The data is settled: another engine may have the directory now.
        this.lock.lock().take();
        Ok(())
    }

    /// Abandons a background save under way. Called with the keyspace locked: the saving thread
    /// checks `cancel` under that lock before each step, so it takes no further step (and a
    /// file it was writing is never put in place).
    fn cancel_background_save(&self, ks: &mut Keyspace) {
        if self.bgsave_in_progress() {
            self.cancel.store(true, Ordering::Relaxed);
            snapshot::end(ks, &mut Vec::new());
        }
    }

    /// The `# Persistence` fields of INFO, named as Redis names them.
    pub fn info_fields(&self, ks: &Keyspace) -> Vec<(&'static str, String)> {
        let status = self.status.lock();
        let running = status.bgsave_started.map(|s| s.elapsed().as_secs() as i64);
        let (processed, total) = match running {
            Some(_) => (self.keys_processed.load(Ordering::Relaxed), self.keys_total.load(Ordering::Relaxed)),
            None => (0, 0),
        };
        let ok = |ok: bool| if ok { "ok" } else { "err" }.to_string();
        vec![
            ("loading", "0".into()),
            ("async_loading", "0".into()),
            ("current_cow_peak", "0".into()),
            ("current_cow_size", "0".into()),
            ("current_cow_size_age", "0".into()),
            ("current_fork_perc", "0.00".into()),
            ("current_save_keys_processed", processed.to_string()),
            ("current_save_keys_total", total.to_string()),
            ("rdb_changes_since_last_save", ks.dirty.to_string()),
            ("rdb_bgsave_in_progress", u8::from(running.is_some()).to_string()),
            ("rdb_last_save_time", (status.last_save_ms / 1000).to_string()),
            ("rdb_last_bgsave_status", ok(status.last_bgsave_ok)),
            ("rdb_last_bgsave_time_sec", status.last_bgsave_secs.to_string()),
            ("rdb_current_bgsave_time_sec", running.unwrap_or(-1).to_string()),
            ("rdb_saves", status.saves.to_string()),
            ("rdb_last_cow_size", "0".into()),
            ("rdb_last_load_keys_expired", status.last_load.keys_expired.to_string()),
            ("rdb_last_load_keys_loaded", status.last_load.keys_loaded.to_string()),
        ]
    }
}

/// A background save's file side.
struct BackgroundSave {
    path: PathBuf,
    temp: PathBuf,
    checksum: bool,
    header: Vec<u8>,
    /// A new AOF base (BGREWRITEAOF) rather than the RDB file.
    aof_base: bool,
}

impl BackgroundSave {
    fn run(self, engine: Weak<Engine>, mut walk: SnapshotWalk) {
        let outcome = self.write(&engine, &mut walk);
        if outcome.is_err() {
            let _ = std::fs::remove_file(&self.temp);
        }
        if let Some(engine) = engine.upgrade() {
            if outcome.is_err() {
                // An abandoned snapshot must not leave the tables frozen.
                let mut garbage = Vec::new();
                snapshot::end(&mut engine.keyspace.lock(), &mut garbage);
            }
            if self.aof_base {
                engine.persistence.finish_aof_base_save(&engine, &outcome);
            } else {
                engine.persistence.finish_background_save(&engine, &outcome);
            }
        }
    }

    /// Walks the snapshot into the temporary file, then puts the file in place. Returns its size.
    fn write(&self, engine: &Weak<Engine>, walk: &mut SnapshotWalk) -> Result<u64, String> {
        let io = |e: std::io::Error| format!("Write error saving DB on disk: {e}");
        let file = File::create(&self.temp).map_err(|e| format!("Failed opening the temp RDB file {} (in server root dir {}) for saving: {e}", self.temp.display(), current_dir()))?;
        let mut writer = ChecksumWriter::new(BufWriter::with_capacity(FILE_BUFFER_BYTES, file), self.checksum);
        writer.write(&self.header).map_err(io)?;
        let mut chunk = Vec::new();
        let mut garbage = Vec::new();
        loop {
            let engine = engine.upgrade().ok_or("the engine was closed")?;
            let mut ks = engine.keyspace.lock();
            if engine.persistence.cancel.load(Ordering::Relaxed) {
                return Err("stopped by the engine closing".into());
            }
            let held = Instant::now();
            let done = walk.step(&mut ks, &mut chunk, &mut garbage);
            // Hand the lock to a waiting client rather than take it straight back, and rest as
            // long as the hold lasted: the walk must not starve the commands it runs beside.
            parking_lot::MutexGuard::unlock_fair(ks);
            std::thread::sleep(held.elapsed().min(MAX_REST));
            engine.persistence.keys_processed.store(walk.keys_walked, Ordering::Relaxed);
            drop(engine);
            // Tables detached by flushes are freed here, off the lock.
            garbage.clear();
            writer.write(&chunk).map_err(io)?;
            chunk.clear();
            if done {
                break;
            }
        }
        let (buffered, size) = writer.finish().map_err(io)?;
        let file = buffered.into_inner().map_err(|e| io(e.into_error()))?;
        put_in_place(file, &self.temp, &self.path)?;
        Ok(size)
    }
}

/// Writes an AOF base in RDB format at `path` (the AOF's foreground rewrite).
pub(crate) fn save_aof_base(engine: &Engine, ks: &Keyspace, config: &Config, path: &Path) -> Result<u64, String> {
    let temp = path.with_extension("rdb.tmp");
    write_snapshot(engine, ks, config, path, &temp, true)
}

/// The synchronous save: header, then every database, straight from the tables.
fn save_keyspace(engine: &Engine, ks: &Keyspace, config: &Config) -> Result<u64, String> {
    write_snapshot(engine, ks, config, &rdb_path(config), &temp_path(config), false)
}

fn write_snapshot(engine: &Engine, ks: &Keyspace, config: &Config, path: &Path, temp: &Path, aof_base: bool) -> Result<u64, String> {
    let (path, temp) = (path.to_path_buf(), temp.to_path_buf());
    let strings = strings_of(config);
    let result = (|| {
        let io = |e: std::io::Error| format!("Write error saving DB on disk: {e}");
        let file = File::create(&temp).map_err(|e| format!("Failed opening the temp RDB file {} (in server root dir {}) for saving: {e}", temp.display(), current_dir()))?;
        let mut writer = ChecksumWriter::new(BufWriter::with_capacity(FILE_BUFFER_BYTES, file), config.rdbchecksum);
        writer.write(&header_bytes(engine, ks, aof_base)).map_err(io)?;
        let mut chunk = Vec::with_capacity(SAVE_CHUNK_BYTES);
        for (index, db) in ks.dbs.iter().enumerate().filter(|(_, db)| !db.is_empty()) {
            write_select_db(&mut chunk, index);
            write_resize_db(&mut chunk, db.keys.len(), db.expires.len());
            for (key, entry) in db.keys.iter() {
                write_key(&mut chunk, key, entry, db.expire_of(key), strings);
                if chunk.len() >= SAVE_CHUNK_BYTES {
                    writer.write(&chunk).map_err(io)?;
                    chunk.clear();
                }
            }
        }
        writer.write(&chunk).map_err(io)?;
        let (buffered, size) = writer.finish().map_err(io)?;
        let file = buffered.into_inner().map_err(|e| io(e.into_error()))?;
        put_in_place(file, &temp, &path)?;
        Ok(size)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// The magic, auxiliary fields and function libraries every file starts with.
fn header_bytes(engine: &Engine, ks: &Keyspace, aof_base: bool) -> Vec<u8> {
    let ctime = engine.now_ms() / 1000;
    let used_mem = crate::info::used_memory() as i64;
    let aux = [
        ("redis-ver", AuxValue::Text(crate::REDIS_VERSION)),
        ("redis-bits", AuxValue::Int(i64::from(usize::BITS))),
        ("ctime", AuxValue::Int(ctime)),
        ("used-mem", AuxValue::Int(used_mem)),
        ("aof-base", AuxValue::Int(i64::from(aof_base))),
    ];
    let mut out = Vec::new();
    write_header(&mut out, &aux, &ks.scripting.library_codes());
    out
}

fn strings_of(config: &Config) -> Strings {
    if config.rdbcompression { Strings::Compressed } else { Strings::Plain }
}

/// A temporary file next to the target, so the final rename stays within one file system.
fn temp_path(config: &Config) -> PathBuf {
    let n = TEMP_FILE_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = if n == 0 { format!("temp-{}.rdb", std::process::id()) } else { format!("temp-{}-{n}.rdb", std::process::id()) };
    data_dir(config).join(name)
}

fn current_dir() -> String {
    std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_else(|_| "unknown".into())
}

/// Makes a fully written temporary file the RDB file: flush it to disk, rename it over the old
/// one, flush the directory so the rename itself survives a crash.
fn put_in_place(file: File, temp: &Path, path: &Path) -> Result<(), String> {
    file.sync_all().map_err(|e| format!("Failed to fsync the temp RDB file: {e}"))?;
    drop(file);
    std::fs::rename(temp, path).map_err(|e| format!("Error moving temp DB file {} on the final destination {}: {e}", temp.display(), path.display()))?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| format!("Failed to fsync the directory {}: {e}", dir.display()))
}

/// Takes the data directory's lock file, or says who holds it.
fn lock_data_dir(dir: &Path) -> Result<File, String> {
    let path = dir.join(LOCK_FILE_NAME);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| format!("Can't open the lock file '{}': {e}", path.display()))?;
    if !try_lock(&file) {
        let holder = std::fs::read_to_string(&path).unwrap_or_default();
        let holder = holder.trim();
        let by = if holder.is_empty() { String::new() } else { format!(" (held by process {holder})") };
        return Err(format!("The data directory '{}' is in use by another Vermilion engine{by}: its lock file '{}' is locked", dir.display(), path.display()));
    }
    let mut file = file;
    let _ = file.set_len(0);
    let _ = writeln!(file, "{}", std::process::id());
    Ok(file)
}

/// An exclusive advisory lock on the file, released when it closes (or the process dies).
#[cfg(unix)]
fn try_lock(file: &File) -> bool {
    use std::os::fd::AsRawFd;
    unsafe extern "C" {
        fn flock(fd: i32, operation: i32) -> i32;
    }
    // The same values on Linux and the BSDs.
    const LOCK_EX: i32 = 2;
    const LOCK_NB: i32 = 4;
    // SAFETY: `flock` only acts on the descriptor, which `file` keeps open for the call.
    unsafe { flock(file.as_raw_fd(), LOCK_EX | LOCK_NB) == 0 }
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_points_pair_seconds_and_changes() {
        assert_eq!(save_points("900 1 300 10 60 10000"), vec![(900, 1), (300, 10), (60, 10000)]);
        assert!(save_points("").is_empty());
    }

    #[test]
    fn a_second_lock_on_a_directory_fails() {
        let dir = std::env::temp_dir().join(format!("vermilion-lock-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = lock_data_dir(&dir).unwrap();
        let error = lock_data_dir(&dir).unwrap_err();
        assert!(error.contains("in use by another Vermilion engine"), "{error}");
        assert!(error.contains(&std::process::id().to_string()), "{error}");
        drop(first);
        lock_data_dir(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
