//! The engine: databases, configuration, connected clients and background work, shared by every
//! face through an `Arc<Engine>`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex, RwLock};

use crate::client::{Client, ClientShared, ConnectionInfo};
use crate::clock::Clock;
use crate::config::Config;
use crate::expire::active_expire_cycle;
use crate::keyspace::Keyspace;
use crate::pubsub::LiveSettings;

/// Why an engine could not open.
#[derive(Debug)]
#[non_exhaustive]
pub enum EngineError {
    InvalidConfig(String),
    Io(std::io::Error),
    /// The data directory is locked by another engine, or its RDB file cannot be loaded.
    Persistence(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::InvalidConfig(msg) => write!(f, "invalid configuration: {msg}"),
            EngineError::Io(e) => write!(f, "{e}"),
            EngineError::Persistence(msg) => write!(f, "{msg}"),
        }
    }
}

impl std::error::Error for EngineError {}

impl From<std::io::Error> for EngineError {
    fn from(e: std::io::Error) -> Self {
        EngineError::Io(e)
    }
}

/// Server-wide counters that live outside the keyspace lock.
#[derive(Debug, Default)]
pub struct EngineStats {
    pub total_connections_received: AtomicU64,
    pub rejected_connections: AtomicU64,
    pub total_net_input_bytes: AtomicU64,
    pub total_net_output_bytes: AtomicU64,
    /// Reads from and writes to network clients (`total_reads_processed`, `total_writes_processed`).
    pub total_reads_processed: AtomicU64,
    pub total_writes_processed: AtomicU64,
}

/// The stop signal of the background thread: a flag and a condition variable to wake it early.
#[derive(Default)]
struct StopSignal {
    stopped: Mutex<bool>,
    wake: Condvar,
}

/// One Vermilion engine.
pub struct Engine {
    pub(crate) keyspace: Mutex<Keyspace>,
    pub(crate) config: RwLock<Config>,
    /// Whether new clients must authenticate (the default user has a password or is off),
    /// cached so the per-command gate reads no lock.
    pub(crate) auth_required: AtomicBool,
    /// Users and their permissions.
    pub(crate) acl: RwLock<crate::acl::Acl>,
    /// Keyspace event classes and pub/sub output limits, read by publishers without the config lock.
    pubsub_settings: Arc<LiveSettings>,
    /// `maxmemory` and its policy, read on every command without the config lock.
    pub(crate) eviction: Arc<crate::eviction::Settings>,
    pub(crate) clients: Mutex<BTreeMap<u64, Arc<ClientShared>>>,
    /// The running script, readable without the keyspace lock it holds (BUSY, SCRIPT KILL).
    pub(crate) script_status: Arc<crate::scripting::ScriptStatus>,
    next_client_id: AtomicU64,
    pub(crate) clock: Clock,
    /// The system clock as of the last background tick: for access times and idle times, which
    /// need no better than the tick's resolution (Redis's cached LRU clock).
    coarse_ms: std::sync::atomic::AtomicI64,
    pub(crate) started: Instant,
    pub(crate) run_id: String,
    pub stats: EngineStats,
    /// Command figures, slow log, latency monitor and MONITOR clients.
    pub(crate) observer: crate::stats::Observer,
    stop: Arc<StopSignal>,
    background: Mutex<Option<JoinHandle<()>>>,
    /// RDB files: loading, saving, save points.
    pub(crate) persistence: crate::persist::Persistence,
    /// The load of the data at open, while it is under way (commands then answer `-LOADING`).
    pub(crate) loading: crate::persist::rdb_load::LoadProgress,
    /// The append-only file, when `appendonly yes`.
    pub(crate) aof: crate::persist::aof::Aof,
    /// Command names changed by `rename-command`, if any.
    renamed_commands: Option<RenamedCommands>,
    /// What the network servers on this engine do when a client sends SHUTDOWN.
    shutdown_listeners: Mutex<Vec<(u64, ShutdownListener)>>,
    /// What puts `CONFIG SET` values into effect outside the engine (TLS in a network server).
    config_appliers: Mutex<Vec<(u64, ConfigApplier)>>,
    next_listener_id: AtomicU64,
}

/// Told that a client asked for SHUTDOWN (after the save it asked for succeeded).
pub type ShutdownListener = Arc<dyn Fn() + Send + Sync>;

/// Puts new parameter values into effect before `CONFIG SET` commits them (a server reloading
/// its TLS certificate, say). An error refuses the whole command, which then changes nothing.
pub type ConfigApplier = Arc<dyn Fn(&crate::config::ConfigChange<'_>) -> Result<(), crate::config::ConfigError> + Send + Sync>;

/// The command table as `rename-command` left it: names taken away, and new names.
struct RenamedCommands {
    hidden: ahash::AHashSet<Vec<u8>>,
    added: ahash::AHashMap<Vec<u8>, &'static crate::commands::Command>,
}

impl RenamedCommands {
    fn new(renames: &[(String, String)]) -> Option<Self> {
        if renames.is_empty() {
            return None;
        }
        let mut table = RenamedCommands { hidden: Default::default(), added: Default::default() };
        for (from, to) in renames {
            let Some(cmd) = crate::commands::lookup(from.as_bytes()) else { continue };
            table.hidden.insert(from.as_bytes().to_vec());
            if !to.is_empty() {
                table.added.insert(to.as_bytes().to_vec(), cmd);
            }
        }
        Some(table)
    }

    fn lookup(&self, name: &[u8]) -> Option<&'static crate::commands::Command> {
        let lowered = name.to_ascii_lowercase();
        if let Some(cmd) = self.added.get(&lowered) {
            return Some(cmd);
        }
        if self.hidden.contains(&lowered) {
            return None;
        }
        crate::commands::lookup(name)
    }
}

impl Engine {
    /// Opens an engine with the system clock and starts its background work.
    pub fn open(config: Config) -> Result<Arc<Engine>, EngineError> {
        Engine::open_with_clock(config, Clock::System)
    }

    /// Opens an engine on the given clock (a manual clock makes expiry deterministic in tests).
    pub fn open_with_clock(config: Config, clock: Clock) -> Result<Arc<Engine>, EngineError> {
        let engine = Engine::build(config, clock)?;
        crate::persist::Persistence::open(&engine).map_err(EngineError::Persistence)?;
        engine.start_background()?;
        Ok(engine)
    }

    /// Opens an engine at once and loads its data (RDB or AOF) on a thread of its own, as a
    /// server does: it listens from the start, and commands without the `loading` flag answer
    /// `-LOADING` until the data is in. The data directory is locked before this returns.
    /// [`Loading::wait`] tells how the load ended; after a failed load the engine keeps
    /// refusing commands (its data is incomplete).
    pub fn open_loading(config: Config) -> Result<(Arc<Engine>, Loading), EngineError> {
        let engine = Engine::build(config, Clock::System)?;
        crate::persist::Persistence::claim_data_dir(&engine).map_err(EngineError::Persistence)?;
        engine.loading.begin(engine.now_ms());
        let loader = Arc::clone(&engine);
        let thread = std::thread::Builder::new().name("vermilion-load".into()).spawn(move || {
            crate::persist::Persistence::load_data(&loader).map_err(EngineError::Persistence)?;
            loader.loading.end();
            // An engine shut down while it loaded stays without background work.
            match *loader.stop.stopped.lock() {
                true => Ok(()),
                false => loader.start_background(),
            }
        })?;
        Ok((engine, Loading { thread }))
    }

    /// The engine with empty databases, its persistence not opened yet.
    fn build(config: Config, clock: Clock) -> Result<Arc<Engine>, EngineError> {
        if config.databases == 0 {
            return Err(EngineError::InvalidConfig("databases must be at least 1".into()));
        }
        let started_ms = clock.now_ms();
        let config_renames = config.renamed_commands.clone();
        let acl = initial_acl(&config)?;
        let pubsub_settings = Arc::new(LiveSettings::default());
        apply_live_settings(&config, &pubsub_settings);
        crate::info::note_startup_memory();
        let eviction = Arc::new(crate::eviction::Settings::default());
        eviction.update(&config);
        let observer = crate::stats::Observer::default();
        observer.apply(&config);
        let engine = Arc::new(Engine {
            keyspace: Mutex::new(Keyspace::new(config.databases, Arc::clone(&pubsub_settings))),
            eviction: Arc::clone(&eviction),
            pubsub_settings,
            auth_required: AtomicBool::new(acl.default_requires_auth()),
            acl: RwLock::new(acl),
            config: RwLock::new(config),
            clients: Mutex::new(BTreeMap::new()),
            script_status: Arc::default(),
            next_client_id: AtomicU64::new(1),
            coarse_ms: std::sync::atomic::AtomicI64::new(started_ms),
            clock,
            started: Instant::now(),
            run_id: random_run_id(),
            stats: EngineStats::default(),
            observer,
            stop: Arc::new(StopSignal::default()),
            background: Mutex::new(None),
            persistence: crate::persist::Persistence::new(started_ms),
            loading: Default::default(),
            aof: Default::default(),
            renamed_commands: RenamedCommands::new(&config_renames),
            shutdown_listeners: Mutex::new(Vec::new()),
            config_appliers: Mutex::new(Vec::new()),
            next_listener_id: AtomicU64::new(1),
        });
        engine.keyspace.lock().eviction = Arc::clone(&engine.eviction);
        Ok(engine)
    }

    /// Starts the background work (expiry, save points, AOF fsync...) once the data is in.
    fn start_background(self: &Arc<Self>) -> Result<(), EngineError> {
        let handle = spawn_background(Arc::downgrade(self), Arc::clone(&self.stop))?;
        *self.background.lock() = Some(handle);
        Ok(())
    }

    /// Whether the data is still loading (see [`Engine::open_loading`]).
    pub fn is_loading(&self) -> bool {
        self.loading.is_loading()
    }

    /// Starts a client session: one connection of any face.
    pub fn connect(self: &Arc<Self>, info: ConnectionInfo) -> Client {
        let id = self.next_client_id.fetch_add(1, Ordering::Relaxed);
        self.stats.total_connections_received.fetch_add(1, Ordering::Relaxed);
        let shared = Arc::new(ClientShared::new(id, info, self.clock.now_ms()));
        self.clients.lock().insert(id, Arc::clone(&shared));
        Client::new(Arc::clone(self), shared)
    }

    pub(crate) fn disconnect(&self, id: u64) {
        self.clients.lock().remove(&id);
    }

    /// A copy of the current configuration.
    pub fn config(&self) -> Config {
        self.config.read().clone()
    }

    /// Sets a parameter at run time, as `CONFIG SET` does: what lives outside the engine (a
    /// server's TLS context and listener) takes the new value first, and may refuse it.
    pub fn set_config(&self, name: &str, value: &str) -> Result<(), crate::config::ConfigError> {
        let current = self.config();
        let mut trial = current.clone();
        trial.set_at_runtime(name, value)?;
        let names: Vec<&'static str> = crate::config::find_param(name).map(|param| param.name).into_iter().collect();
        self.apply_config_change(&crate::config::ConfigChange { old: &current, new: &trial, names: &names })?;
        self.store_setting(name, value)
    }

    /// Puts a parameter's new value into effect in the engine, once every applier took it.
    pub(crate) fn store_setting(&self, name: &str, value: &str) -> Result<(), crate::config::ConfigError> {
        let mut config = self.config.write();
        config.set_at_runtime(name, value)?;
        if name.eq_ignore_ascii_case("appendfsync") {
            self.aof.set_fsync(&config);
        }
        if name.eq_ignore_ascii_case("appendonly") {
            // Applied by the background tick: CONFIG SET runs with the keyspace locked.
            self.aof.request_switch(config.appendonly);
        }
        if name.eq_ignore_ascii_case("requirepass") {
            let mut acl = self.acl.write();
            acl.set_requirepass(&config.requirepass);
            self.auth_required.store(acl.default_requires_auth(), Ordering::Relaxed);
        }
        apply_live_settings(&config, &self.pubsub_settings);
        self.eviction.update(&config);
        self.observer.apply(&config);
        Ok(())
    }

    /// The engine clock at the background tick's resolution (exact for a manual clock).
    pub fn coarse_ms(&self) -> i64 {
        match self.clock {
            Clock::Manual(_) => self.clock.now_ms(),
            Clock::System => self.coarse_ms.load(Ordering::Relaxed),
        }
    }

    /// Milliseconds since the epoch on the engine's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Moves a manual clock forward; false if the engine runs on the system clock. Blocked calls
    /// whose timeout has now passed are answered.
    pub fn advance_time(&self, ms: i64) -> bool {
        if !self.clock.advance(ms) {
            return false;
        }
        let now = self.clock.now_ms();
        crate::blocking::expire(&mut self.keyspace.lock().blocked, now);
        true
    }

    /// Number of calls parked in blocking commands (`blocked_clients` in INFO).
    pub fn blocked_clients(&self) -> usize {
        self.keyspace.lock().blocked.len()
    }

    /// Number of connected clients, of every face.
    pub fn connected_clients(&self) -> usize {
        self.clients.lock().len()
    }

    /// Keys in database `db` (for status displays; a command would use DBSIZE).
    pub fn dbsize(&self, db: usize) -> usize {
        self.keyspace.lock().dbs.get(db).map_or(0, |d| d.len())
    }

    /// Stops background work, then saves the data if the engine persists and has save points
    /// (as Redis does on shutdown). Clients keep working; expired keys are then reclaimed lazily.
    pub fn shutdown(&self) {
        self.stop_background();
        crate::persist::Persistence::close(self);
    }

    fn stop_background(&self) {
        *self.stop.stopped.lock() = true;
        self.stop.wake.notify_all();
        if let Some(handle) = self.background.lock().take() {
            if handle.thread().id() != std::thread::current().id() {
                let _ = handle.join();
            }
        }
    }

    /// Runs one active expiry cycle now (the background thread does this `hz` times a second).
    pub fn run_expire_cycle(&self) -> usize {
        let (enabled, hz) = {
            let c = self.config.read();
            (c.active_expire_enabled, c.hz.max(1))
        };
        if !enabled {
            return 0;
        }
        // Like Redis's slow cycle: at most 25% of each tick's time.
        let budget = Duration::from_micros(1_000_000 / u64::from(hz) / 4);
        let now = self.clock.now_ms();
        let mut ks = self.keyspace.lock();
        if self.aof.is_logging() {
            // Every deletion must reach the log as a DEL.
            return crate::persist::aof::active_expire_cycle(self, &mut ks, now, budget);
        }
        active_expire_cycle(&mut ks, now, budget)
    }
}

/// Commands by name, and the way out: SHUTDOWN.
impl Engine {
    /// The command a client's `argv[0]` names, after `rename-command`.
    pub fn lookup_command(&self, name: &[u8]) -> Option<&'static crate::commands::Command> {
        match &self.renamed_commands {
            None => crate::commands::lookup(name),
            Some(renamed) => renamed.lookup(name),
        }
    }

    /// Whether a client that has not authenticated must (the default user has a password).
    /// Protected mode only turns non-local clients away when it does not.
    pub fn requires_auth(&self) -> bool {
        self.auth_required.load(Ordering::Relaxed)
    }

    /// Registers what a network server does when one of its clients sends SHUTDOWN; returns an
    /// id for [`Engine::remove_shutdown_listener`].
    pub fn add_shutdown_listener(&self, listener: ShutdownListener) -> u64 {
        let id = self.next_listener_id.fetch_add(1, Ordering::Relaxed);
        self.shutdown_listeners.lock().push((id, listener));
        id
    }

    pub fn remove_shutdown_listener(&self, id: u64) {
        self.shutdown_listeners.lock().retain(|(listener_id, _)| *listener_id != id);
    }

    /// Whether some network server would stop on SHUTDOWN.
    pub(crate) fn has_shutdown_listeners(&self) -> bool {
        !self.shutdown_listeners.lock().is_empty()
    }

    /// Registers what puts new parameter values into effect outside the engine; returns an id
    /// for [`Engine::remove_config_applier`].
    pub fn add_config_applier(&self, applier: ConfigApplier) -> u64 {
        let id = self.next_listener_id.fetch_add(1, Ordering::Relaxed);
        self.config_appliers.lock().push((id, applier));
        id
    }

    pub fn remove_config_applier(&self, id: u64) {
        self.config_appliers.lock().retain(|(applier_id, _)| *applier_id != id);
    }

    /// Asks every applier to put `change` into effect. When one refuses, those that already
    /// applied it are asked to restore the old values (as Redis restores its backup), and the
    /// refusal is returned.
    pub(crate) fn apply_config_change(&self, change: &crate::config::ConfigChange<'_>) -> Result<(), crate::config::ConfigError> {
        let appliers: Vec<ConfigApplier> = self.config_appliers.lock().iter().map(|(_, a)| Arc::clone(a)).collect();
        for (done, applier) in appliers.iter().enumerate() {
            if let Err(refusal) = applier(change) {
                for applied in &appliers[..done] {
                    // Nothing more can be done if restoring fails too; appliers log their failures.
                    let _ = applied(&change.reverse());
                }
                return Err(refusal);
            }
        }
        Ok(())
    }

    /// Tells every server on this engine that a client asked for SHUTDOWN. Listeners must not
    /// block: SHUTDOWN calls them with the keyspace locked.
    pub(crate) fn request_shutdown(&self) {
        let listeners: Vec<ShutdownListener> = self.shutdown_listeners.lock().iter().map(|(_, l)| Arc::clone(l)).collect();
        for listener in listeners {
            listener();
        }
    }

    /// Gets the data ready for the process to exit: saves a snapshot when `save` says so
    /// (`None`: when `save` points are configured, as Redis does on SIGTERM). Called by
    /// SHUTDOWN and by the server on SIGTERM; an error means the server should keep running.
    pub fn prepare_shutdown(&self, save: Option<bool>) -> Result<(), String> {
        let mut ks = self.keyspace.lock();
        self.prepare_shutdown_locked(&mut ks, save)
    }

    /// [`Engine::prepare_shutdown`] with the keyspace already locked (SHUTDOWN's handler).
    pub(crate) fn prepare_shutdown_locked(&self, ks: &mut Keyspace, save: Option<bool>) -> Result<(), String> {
        crate::persist::Persistence::prepare_shutdown(self, ks, save)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        *self.stop.stopped.lock() = true;
        self.stop.wake.notify_all();
        crate::persist::Persistence::close(self);
    }
}

/// The load of an engine opened by [`Engine::open_loading`].
pub struct Loading {
    thread: JoinHandle<Result<(), EngineError>>,
}

impl Loading {
    /// Waits for the load to end: `Ok` once the data is in and the engine serves every command.
    pub fn wait(self) -> Result<(), EngineError> {
        self.thread.join().unwrap_or_else(|_| Err(EngineError::Persistence("The load of the data failed unexpectedly".into())))
    }

    /// Whether the load has ended (successfully or not).
    pub fn is_finished(&self) -> bool {
        self.thread.is_finished()
    }
}

/// The background thread holds only a weak reference, so dropping the last `Arc<Engine>` frees
/// the engine; the thread then notices and exits.
fn spawn_background(engine: Weak<Engine>, stop: Arc<StopSignal>) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new().name("vermilion-cron".into()).spawn(move || loop {
        let hz = match engine.upgrade() {
            Some(e) => {
                e.coarse_ms.store(e.clock.now_ms(), Ordering::Relaxed);
                e.run_expire_cycle();
                crate::expire::rehash_idle_tables(&mut e.keyspace.lock());
                // Evictions a command could not finish within its time budget go on here.
                if e.eviction.maxmemory() > 0 {
                    let now = e.clock.now_ms();
                    crate::eviction::perform_evictions(&e, &mut e.keyspace.lock(), now);
                }
                crate::persist::Persistence::tick(&e);
                crate::persist::aof::Aof::tick(&e);
                let (input, output) = (&e.stats.total_net_input_bytes, &e.stats.total_net_output_bytes);
                let calls = e.keyspace.lock().calls.total_calls;
                e.observer.sample_rates(e.clock.now_ms(), calls, input.load(Ordering::Relaxed), output.load(Ordering::Relaxed));
                let hz = e.config.read().hz.max(1);
                hz
            }
            None => return,
        };
        let mut stopped = stop.stopped.lock();
        if *stopped {
            return;
        }
        stop.wake.wait_for(&mut stopped, Duration::from_millis(1000 / u64::from(hz)));
        if *stopped {
            return;
        }
    })
}

/// The users an engine starts with: those of `aclfile` if set, with `requirepass` as the default
/// user's password.
fn initial_acl(config: &Config) -> Result<crate::acl::Acl, EngineError> {
    let mut acl = if config.aclfile.is_empty() {
        crate::acl::Acl::default()
    } else {
        let text = std::fs::read_to_string(&config.aclfile)
            .map_err(|e| EngineError::InvalidConfig(format!("cannot read aclfile '{}': {e}", config.aclfile)))?;
        crate::commands::parse_acl_file(&text).map_err(|e| EngineError::InvalidConfig(format!("aclfile '{}'{e}", config.aclfile)))?
    };
    if !config.requirepass.is_empty() {
        acl.set_requirepass(&config.requirepass);
    }
    Ok(acl)
}

/// Copies the settings publishers read on every delivery out of the configuration.
fn apply_live_settings(config: &Config, settings: &LiveSettings) {
    settings.set_notify_flags(crate::pubsub::notify::parse_flags(&config.notify_keyspace_events).unwrap_or(0));
    settings.set_pubsub_limit(config.client_output_buffer_limit[2]);
}

fn random_run_id() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..40).map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0')).collect()
}
