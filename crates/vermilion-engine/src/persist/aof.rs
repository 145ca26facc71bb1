//! The append-only file (`appendonly yes`), in Redis 7's multi-part layout: under
//! `dir/appenddirname`, a manifest listing a base file (a snapshot, RDB by default) and the
//! incremental files of commands in RESP written since.
//!
//! Every top-level command that changed data appends its records at once, under the keyspace
//! lock: the commands it ran (an EXEC's or a script's, wrapped in MULTI/EXEC when more than
//! one), in their logged forms ([`aof_record`]), after a SELECT when the database differs from
//! the last record's, and after a DEL for each key it found expired. With `appendfsync always`
//! the client waits for the fsync before its reply; concurrent clients share one fsync (group
//! commit). With `everysec` the background tick fsyncs once a second.
//!
//! BGREWRITEAOF starts a new incremental file and writes a new base from a no-fork snapshot taken
//! at the same instant; once the base is on disk, the manifest switches to base + new file and
//! the old files are deleted.
//!
//! [`aof_record`]: super::aof_record

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::aof_manifest::{base_name, incr_name, manifest_name, AofFile, Manifest};
use super::aof_record::{encode, logged_forms, Argv};
use super::log;
use crate::commands::Command;
use crate::config::Config;
use crate::engine::Engine;
use crate::keyspace::Keyspace;
use crate::reply::Reply;

pub const REWRITE_IN_PROGRESS: &str = "ERR Background append only file rewriting already in progress";

/// When a command's records are durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fsync {
    Always,
    #[default]
    EverySec,
    No,
}

impl Fsync {
    fn of(config: &Config) -> Fsync {
        match config.appendfsync.as_str() {
            "always" => Fsync::Always,
            "no" => Fsync::No,
            _ => Fsync::EverySec,
        }
    }
}

/// The AOF of one engine.
#[derive(Default)]
pub struct Aof {
    /// Whether commands are logged; false while loading, so replayed commands are not logged again.
    logging: AtomicBool,
    /// `CONFIG SET appendonly` asked for this; the background tick applies it.
    switch: Mutex<Option<bool>>,
    log: Mutex<LogState>,
    sync: Mutex<SyncState>,
    synced: Condvar,
}

/// What the logging side holds; changed only with the keyspace locked.
#[derive(Default)]
struct LogState {
    /// Nested command runs (EXEC's and scripts' commands): whether each has run commands itself.
    frames: Vec<bool>,
    /// Records of the top-level command under way, with their databases.
    pending: Vec<(usize, Argv)>,
    /// The database of the last record written; `None` at the start of a file.
    selected_db: Option<usize>,
    /// RESP not yet written (a failed write is retried with the next).
    unwritten: Vec<u8>,
    file: Option<Arc<File>>,
    dir: PathBuf,
    prefix: String,
    manifest: Manifest,
    fsync: Fsync,
    /// Bytes appended since the engine opened, across files: the offsets durability is measured in.
    appended: u64,
    /// Sizes for INFO and the automatic rewrite: the base, and everything written after it.
    base_size: u64,
    incr_size: u64,
    /// Size of the whole log when the last rewrite ended (`aof_base_size` in INFO).
    size_at_rewrite: u64,
    rewrite: Option<RewriteJob>,
    last_rewrite_ok: bool,
    last_rewrite_secs: i64,
    last_write_ok: bool,
    rewrites: u64,
    /// BGREWRITEAOF while a BGSAVE ran: start when it ends.
    rewrite_scheduled: bool,
}

struct RewriteJob {
    started: Instant,
    base: AofFile,
    temp: PathBuf,
    /// Incremental files the new base makes obsolete, and the old base.
    obsolete: Vec<String>,
}

#[derive(Default)]
struct SyncState {
    synced: u64,
    syncing: bool,
    last: Option<Instant>,
}

/// The AOF directory of a configuration.
pub fn aof_dir(config: &Config) -> PathBuf {
    PathBuf::from(if config.dir.is_empty() { "." } else { &config.dir }).join(&config.appenddirname)
}

impl Aof {
    pub fn is_logging(&self) -> bool {
        self.logging.load(Ordering::Relaxed)
    }

    /// Opens the log at engine open, after the data was loaded: appends to the last incremental
    /// file, or starts the layout with a base of the current data when there is none.
    pub(crate) fn start(&self, engine: &Engine, ks: &mut Keyspace, manifest: Option<Manifest>) -> Result<(), String> {
        let config = engine.config();
        let dir = aof_dir(&config);
        std::fs::create_dir_all(&dir).map_err(|e| format!("Can't create the append-only directory '{}': {e}", dir.display()))?;
        let mut log = self.log.lock();
        log.dir = dir.clone();
        log.prefix = config.appendfilename.clone();
        log.fsync = Fsync::of(&config);
        log.last_rewrite_ok = true;
        log.last_write_ok = true;
        log.last_rewrite_secs = -1;
        match manifest {
            Some(manifest) if !manifest.incrs.is_empty() => {
                let last = manifest.incrs.last().expect("not empty");
                let file = OpenOptions::new().append(true).create(true).open(dir.join(&last.name)).map_err(|e| format!("Can't open the append-only file {}: {e}", last.name))?;
                log.file = Some(Arc::new(file));
                log.base_size = manifest.base.as_ref().map_or(0, |b| file_size(&dir.join(&b.name)));
                log.incr_size = manifest.incrs.iter().map(|f| file_size(&dir.join(&f.name))).sum();
                log.manifest = manifest;
            }
            other => {
                if let Some(manifest) = other {
                    log.manifest = manifest;
                }
                drop(log);
                self.rewrite_now(engine, ks, &config)?;
                log = self.log.lock();
            }
        }
        log.size_at_rewrite = log.base_size + log.incr_size;
        drop(log);
        self.logging.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// A rewrite in the foreground, with the keyspace locked: a base of the data as it is, a new
    /// empty incremental file, and a manifest of just those two.
    fn rewrite_now(&self, engine: &Engine, ks: &mut Keyspace, config: &Config) -> Result<(), String> {
        let mut log = self.log.lock();
        let dir = log.dir.clone();
        let base = AofFile { name: base_name(&log.prefix, log.manifest.next_base_seq(), config.aof_use_rdb_preamble), seq: log.manifest.next_base_seq() };
        let path = dir.join(&base.name);
        if config.aof_use_rdb_preamble {
            super::rdb_save::save_aof_base(engine, ks, config, &path)?;
        } else {
            write_resp_base(ks, &path)?;
        }
        let incr = AofFile { name: incr_name(&log.prefix, log.manifest.next_incr_seq()), seq: log.manifest.next_incr_seq() };
        let file = create_incr(&dir, &incr.name)?;
        let old = std::mem::take(&mut log.manifest);
        let manifest = Manifest { base: Some(base), incrs: vec![incr] };
        write_manifest(&dir, &log.prefix, &manifest)?;
        delete_obsolete(&dir, &old, &manifest);
        log.base_size = file_size(&path);
        log.incr_size = 0;
        log.size_at_rewrite = log.base_size;
        log.manifest = manifest;
        log.file = Some(Arc::new(file));
        log.selected_db = None;
        Ok(())
    }

    /// Called as a command starts running (with the keyspace locked).
    pub(crate) fn enter(&self) {
        let mut log = self.log.lock();
        if let Some(parent) = log.frames.last_mut() {
            *parent = true;
        }
        log.frames.push(false);
    }

    /// Records that a command found `key` expired and deleted it.
    pub(crate) fn record_expired(&self, db: usize, key: &[u8]) {
        self.log.lock().pending.push((db, vec![b"DEL".to_vec(), key.to_vec()]));
    }

    /// Called as a command ends: logs it if it changed data itself (not through commands it
    /// ran), and writes the records once the top-level command ends. Returns the log offset the
    /// client must see durable before replying, if it must wait (`appendfsync always`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn leave(&self, ks: &Keyspace, db: usize, cmd: &Command, argv: &[&[u8]], reply: &Reply, changed: bool, now: i64) -> Option<u64> {
        let mut log = self.log.lock();
        let ran_commands = log.frames.pop().unwrap_or(false);
        if changed && !ran_commands && !matches!(cmd.name, "save" | "bgsave" | "bgrewriteaof" | "shutdown") {
            if let Some(database) = ks.dbs.get(db) {
                for record in logged_forms(cmd.name, argv, reply, database, now) {
                    log.pending.push((db, record));
                }
            }
        }
        if !log.frames.is_empty() || log.pending.is_empty() {
            return None;
        }
        log.write_pending();
        (log.fsync == Fsync::Always).then_some(log.appended)
    }

    /// Waits until the log is durable up to `offset`. The first waiter fsyncs for everyone
    /// whose records were written by then; the others wait for it (group commit).
    pub fn wait_durable(&self, offset: u64) {
        let mut sync = self.sync.lock();
        loop {
            if sync.synced >= offset {
                return;
            }
            if sync.syncing {
                self.synced.wait_for(&mut sync, Duration::from_millis(100));
                continue;
            }
            sync.syncing = true;
            drop(sync);
            let (file, upto) = {
                let log = self.log.lock();
                (log.file.clone(), log.appended)
            };
            let result = file.map_or(Ok(()), |f| f.sync_data());
            sync = self.sync.lock();
            sync.syncing = false;
            sync.last = Some(Instant::now());
            match result {
                Ok(()) => sync.synced = sync.synced.max(upto),
                Err(e) => {
                    log::warning(&format!("Can't fsync the append-only file: {e}"));
                    self.synced.notify_all();
                    return;
                }
            }
            self.synced.notify_all();
        }
    }

    /// The background tick: the fsync of `everysec`, and the automatic rewrite.
    pub fn tick(engine: &Engine) {
        let this = &engine.aof;
        if let Some(on) = this.switch.lock().take() {
            if let Err(e) = Aof::set_enabled(engine, on) {
                log::warning(&e);
            }
        }
        if !this.is_logging() {
            return;
        }
        let (fsync, appended, due_rewrite) = {
            let config = engine.config.read();
            let log = this.log.lock();
            let size = log.base_size + log.incr_size;
            let growth = (size * 100).checked_div(log.size_at_rewrite.max(1)).unwrap_or(0).saturating_sub(100);
            let due = config.auto_aof_rewrite_percentage > 0
                && log.rewrite.is_none()
                && size > config.auto_aof_rewrite_min_size
                && growth >= config.auto_aof_rewrite_percentage;
            (log.fsync, log.appended, due || log.rewrite_scheduled)
        };
        if fsync == Fsync::EverySec {
            let due = this.sync.lock().last.is_none_or(|t| t.elapsed() >= Duration::from_secs(1));
            if due {
                this.wait_durable(appended);
            }
        }
        if due_rewrite && !engine.persistence.bgsave_in_progress() {
            let mut ks = engine.keyspace.lock();
            if this.log.lock().rewrite.is_none() {
                log::notice("Starting automatic rewriting of AOF");
                if let Err(e) = Aof::start_rewrite(engine, &mut ks) {
                    log::warning(&e);
                }
            }
        }
    }

    /// BGREWRITEAOF: switches to a new incremental file and starts writing a new base from a
    /// snapshot taken now. Returns the status reply.
    pub fn background_rewrite(engine: &Engine, ks: &mut Keyspace) -> Result<Reply, String> {
        let this = &engine.aof;
        if this.log.lock().rewrite.is_some() {
            return Err(REWRITE_IN_PROGRESS.into());
        }
        if engine.persistence.bgsave_in_progress() {
            this.log.lock().rewrite_scheduled = true;
            return Ok(Reply::simple("Background append only file rewriting scheduled"));
        }
        Aof::start_rewrite(engine, ks)?;
        Ok(Reply::simple("Background append only file rewriting started"))
    }

    fn start_rewrite(engine: &Engine, ks: &mut Keyspace) -> Result<(), String> {
        let this = &engine.aof;
        let config = engine.config();
        if !this.is_logging() {
            // Without a log there is nothing to switch: write the whole layout now.
            std::fs::create_dir_all(aof_dir(&config)).map_err(|e| e.to_string())?;
            {
                let mut log = this.log.lock();
                log.dir = aof_dir(&config);
                log.prefix = config.appendfilename.clone();
                log.manifest = Manifest::read(&log.dir, &log.prefix)?.unwrap_or_default();
            }
            this.rewrite_now(engine, ks, &config)?;
            this.log.lock().rewrites += 1;
            return Ok(());
        }
        let mut log = this.log.lock();
        log.rewrite_scheduled = false;
        let dir = log.dir.clone();
        // Commands from now on go to a new incremental file, listed after the old ones.
        let incr = AofFile { name: incr_name(&log.prefix, log.manifest.next_incr_seq()), seq: log.manifest.next_incr_seq() };
        let file = create_incr(&dir, &incr.name)?;
        if let Some(old) = &log.file {
            let _ = old.sync_data();
        }
        let mut obsolete: Vec<String> = log.manifest.incrs.iter().map(|f| f.name.clone()).collect();
        obsolete.extend(log.manifest.base.iter().map(|b| b.name.clone()));
        let mut switched = log.manifest.clone();
        switched.incrs.push(incr);
        write_manifest(&dir, &log.prefix, &switched)?;
        log.manifest = switched;
        log.file = Some(Arc::new(file));
        log.selected_db = None;
        log.size_at_rewrite = log.base_size + log.incr_size;
        let seq = log.manifest.next_base_seq();
        let base = AofFile { name: base_name(&log.prefix, seq, true), seq };
        let temp = dir.join(format!("temp-rewriteaof-bg-{}.aof", std::process::id()));
        log.rewrite = Some(RewriteJob { started: Instant::now(), base, temp: temp.clone(), obsolete });
        drop(log);
        if let Err(e) = engine.persistence.start_aof_base_save(engine, ks, temp) {
            let mut log = this.log.lock();
            log.rewrite = None;
            log.last_rewrite_ok = false;
            return Err(e);
        }
        log::notice("Background append only file rewriting started");
        Ok(())
    }

    /// Called by the snapshot thread when the new base is written (or failed).
    pub(crate) fn finish_rewrite(&self, outcome: &Result<u64, String>) {
        let mut log = self.log.lock();
        let Some(job) = log.rewrite.take() else { return };
        let dir = log.dir.clone();
        let result = outcome.clone().and_then(|size| {
            std::fs::rename(&job.temp, dir.join(&job.base.name)).map_err(|e| format!("Can't rename the new AOF base: {e}"))?;
            let mut manifest = log.manifest.clone();
            manifest.base = Some(job.base.clone());
            manifest.incrs.retain(|f| !job.obsolete.contains(&f.name));
            write_manifest(&dir, &log.prefix, &manifest)?;
            log.manifest = manifest;
            Ok(size)
        });
        log.last_rewrite_secs = job.started.elapsed().as_secs() as i64;
        match result {
            Ok(size) => {
                for name in &job.obsolete {
                    let _ = std::fs::remove_file(dir.join(name));
                }
                log.base_size = size;
                log.incr_size = log.manifest.incrs.iter().map(|f| file_size(&dir.join(&f.name))).sum();
                log.size_at_rewrite = log.base_size + log.incr_size;
                log.last_rewrite_ok = true;
                log.rewrites += 1;
                log::notice("Background AOF rewrite finished successfully");
            }
            Err(e) => {
                let _ = std::fs::remove_file(&job.temp);
                log.last_rewrite_ok = false;
                log::warning(&format!("Background AOF rewrite failed: {e}"));
            }
        }
    }

    /// On close: everything written reaches the disk.
    pub fn close(&self) {
        if !self.is_logging() {
            return;
        }
        let appended = {
            let mut log = self.log.lock();
            log.write_pending_bytes();
            log.appended
        };
        self.wait_durable(appended);
    }

    /// Turns logging on or off at run time. Turning it on writes the
    /// layout from the current data, as Redis's rewrite on enabling does.
    pub fn set_enabled(engine: &Engine, on: bool) -> Result<(), String> {
        let this = &engine.aof;
        if on == this.is_logging() {
            return Ok(());
        }
        let mut ks = engine.keyspace.lock();
        if on {
            let config = engine.config();
            std::fs::create_dir_all(aof_dir(&config)).map_err(|e| e.to_string())?;
            let manifest = Manifest::read(&aof_dir(&config), &config.appendfilename)?;
            {
                let mut log = this.log.lock();
                log.manifest = manifest.unwrap_or_default();
            }
            this.start(engine, &mut ks, None)
        } else {
            this.close();
            this.logging.store(false, Ordering::Relaxed);
            this.log.lock().file = None;
            Ok(())
        }
    }

    /// `CONFIG SET appendonly`: the switch happens on the next background tick.
    pub fn request_switch(&self, on: bool) {
        *self.switch.lock() = Some(on);
    }

    /// Writes records made outside any command (active expiry).
    fn write_records_outside_commands(&self) {
        let mut log = self.log.lock();
        if log.frames.is_empty() && !log.pending.is_empty() {
            log.write_pending();
        }
    }

    /// `appendfsync` changed.
    pub fn set_fsync(&self, config: &Config) {
        self.log.lock().fsync = Fsync::of(config);
    }

    pub fn rewrite_in_progress(&self) -> bool {
        self.log.lock().rewrite.is_some()
    }

    /// The `aof_*` fields of INFO persistence.
    pub fn info_fields(&self) -> Vec<(&'static str, String)> {
        let log = self.log.lock();
        let ok = |ok: bool| if ok { "ok" } else { "err" }.to_string();
        let running = log.rewrite.as_ref().map(|r| r.started.elapsed().as_secs() as i64);
        let mut fields = vec![
            ("aof_enabled", u8::from(self.is_logging()).to_string()),
            ("aof_rewrite_in_progress", u8::from(running.is_some()).to_string()),
            ("aof_rewrite_scheduled", u8::from(log.rewrite_scheduled).to_string()),
            ("aof_last_rewrite_time_sec", log.last_rewrite_secs.to_string()),
            ("aof_current_rewrite_time_sec", running.unwrap_or(-1).to_string()),
            ("aof_last_bgrewrite_status", ok(log.last_rewrite_ok || !self.is_logging())),
            ("aof_rewrites", log.rewrites.to_string()),
            ("aof_rewrites_consecutive_failures", "0".into()),
            ("aof_last_write_status", ok(log.last_write_ok || !self.is_logging())),
            ("aof_last_cow_size", "0".into()),
            ("module_fork_in_progress", "0".into()),
            ("module_fork_last_cow_size", "0".into()),
        ];
        if self.is_logging() {
            fields.extend([
                ("aof_current_size", (log.base_size + log.incr_size).to_string()),
                ("aof_base_size", log.size_at_rewrite.to_string()),
                ("aof_pending_rewrite", "0".into()),
                ("aof_buffer_length", log.unwritten.len().to_string()),
                ("aof_pending_bio_fsync", "0".into()),
                ("aof_delayed_fsync", "0".into()),
            ]);
        }
        fields
    }
}

impl LogState {
    /// Encodes the pending records (a transaction when more than one) and writes them.
    fn write_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let atomic = pending.len() > 1;
        if atomic {
            // The database comes first, as Redis writes it: MULTI is a command of that database.
            if let Some(&(db, _)) = pending.first() {
                self.select(db);
            }
            encode(&mut self.unwritten, &[b"MULTI"]);
        }
        for (db, record) in &pending {
            self.select(*db);
            encode(&mut self.unwritten, record);
        }
        if atomic {
            encode(&mut self.unwritten, &[b"EXEC"]);
        }
        self.write_pending_bytes();
    }

    fn select(&mut self, db: usize) {
        if self.selected_db != Some(db) {
            encode(&mut self.unwritten, &[b"SELECT".to_vec(), db.to_string().into_bytes()]);
            self.selected_db = Some(db);
        }
    }

    fn write_pending_bytes(&mut self) {
        let Some(file) = &self.file else {
            self.unwritten.clear();
            return;
        };
        if self.unwritten.is_empty() {
            return;
        }
        match (&**file).write_all(&self.unwritten) {
            Ok(()) => {
                self.appended += self.unwritten.len() as u64;
                self.incr_size += self.unwritten.len() as u64;
                self.unwritten.clear();
                self.last_write_ok = true;
            }
            Err(e) => {
                // Kept for the next write; a partial record is cut off by the loader.
                if self.last_write_ok {
                    log::warning(&format!("Error writing to the AOF file: {e}"));
                }
                self.last_write_ok = false;
            }
        }
    }
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn create_incr(dir: &Path, name: &str) -> Result<File, String> {
    OpenOptions::new().append(true).create(true).open(dir.join(name)).map_err(|e| format!("Can't open the append-only file {name}: {e}"))
}

/// Replaces the manifest atomically: temporary file, fsync, rename, fsync of the directory.
fn write_manifest(dir: &Path, prefix: &str, manifest: &Manifest) -> Result<(), String> {
    let name = manifest_name(prefix);
    let temp = dir.join(format!("temp-{name}"));
    let io = |e: std::io::Error| format!("Can't write the AOF manifest {name}: {e}");
    let mut file = File::create(&temp).map_err(io)?;
    file.write_all(manifest.render().as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    std::fs::rename(&temp, dir.join(&name)).map_err(io)?;
    File::open(dir).and_then(|d| d.sync_all()).map_err(io)
}

/// Deletes the files of `old` that `new` no longer lists.
fn delete_obsolete(dir: &Path, old: &Manifest, new: &Manifest) {
    let kept: Vec<&str> = new.base.iter().chain(new.incrs.iter()).map(|f| f.name.as_str()).collect();
    for file in old.base.iter().chain(old.incrs.iter()) {
        if !kept.contains(&file.name.as_str()) {
            let _ = std::fs::remove_file(dir.join(&file.name));
        }
    }
}

/// A base in RESP (`aof-use-rdb-preamble no`): each key as a RESTORE of its DUMP payload with
/// its absolute expiry, which any Redis 7 loads.
fn write_resp_base(ks: &Keyspace, path: &Path) -> Result<(), String> {
    let mut out = Vec::new();
    for (index, db) in ks.dbs.iter().enumerate().filter(|(_, db)| !db.is_empty()) {
        encode(&mut out, &[b"SELECT".to_vec(), index.to_string().into_bytes()]);
        for (key, entry) in db.keys.iter() {
            let ttl = db.expire_of(key).unwrap_or(0).to_string().into_bytes();
            let payload = super::dump_payload(entry);
            encode(&mut out, &[b"RESTORE".as_slice(), key, &ttl, &payload, b"REPLACE", b"ABSTTL"]);
        }
    }
    let io = |e: std::io::Error| format!("Can't write the AOF base {}: {e}", path.display());
    let mut file = File::create(path).map_err(io)?;
    file.write_all(&out).map_err(io)?;
    file.sync_all().map_err(io)
}

/// Active expiry while the AOF is on: the same walk of the expiry tables as
/// [`crate::expire::active_expire_cycle`], deleting through [`Keyspace::expire_if_needed`] so
/// every key it reclaims is logged as a DEL.
pub fn active_expire_cycle(engine: &Engine, ks: &mut Keyspace, now: i64, budget: Duration) -> usize {
    const KEYS_PER_STEP: usize = 20;
    const MAX_BUCKETS_PER_STEP: usize = KEYS_PER_STEP * 20;
    let started = Instant::now();
    let mut deleted = 0;
    let mut due: Vec<Box<[u8]>> = Vec::with_capacity(KEYS_PER_STEP);
    for index in 0..ks.dbs.len() {
        loop {
            let db = &mut ks.dbs[index];
            if db.expires.is_empty() {
                db.expire_cursor = 0;
                break;
            }
            due.clear();
            let (mut sampled, mut buckets) = (0, 0);
            loop {
                db.expire_cursor = db.expires.scan(db.expire_cursor, |key, &when| {
                    sampled += 1;
                    if when <= now {
                        due.push(key.into());
                    }
                });
                buckets += 1;
                if db.expire_cursor == 0 || sampled >= KEYS_PER_STEP || buckets >= MAX_BUCKETS_PER_STEP {
                    break;
                }
            }
            for key in &due {
                if ks.expire_if_needed(index, key, now) {
                    engine.aof.record_expired(index, key);
                    deleted += 1;
                }
            }
            // Keep going while more than a tenth of the sample had expired.
            if due.len() * 10 <= sampled || started.elapsed() >= budget {
                break;
            }
        }
        if started.elapsed() >= budget {
            break;
        }
    }
    engine.aof.write_records_outside_commands();
    deleted
}
