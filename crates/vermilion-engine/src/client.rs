//! Client sessions and the dispatcher.
//!
//! A [`Client`] is one connection of any face: a TCP connection, a redis-py connection, an ioredis
//! instance. `execute` runs the generic gates from the command table, then the handler, with the
//! keyspace locked for exactly that one command.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicPtr, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::blocking::{self, BlockRequest, BlockedCallInit, Waiter};
use crate::commands::{self, flag, tx, Args, Command, Ctx};
use crate::engine::Engine;
use crate::keyspace::Keyspace;
use crate::pubsub::{Mailbox, Subscriptions};
use crate::acl::{self, AclUser};
use crate::tracking::ClientTracking;
use crate::reply::{errors, Reply};
use crate::scripting::{self, busy::KeyspaceAccess};

mod pause;
pub(crate) use pause::release_postponed;

/// How a client is connected, for `CLIENT LIST` and `INFO clients`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    Tcp,
    Unix,
    Tls,
    /// An in-process caller (Python or Node face).
    Embedded,
}

/// Where a client comes from; faces fill it in when they connect.
#[derive(Debug, Clone)]
pub struct ConnectionInfo {
    pub kind: ClientKind,
    /// Peer address as `ip:port` (or a socket path), shown as `addr=`.
    pub addr: String,
    /// Local address, shown as `laddr=`.
    pub laddr: String,
    /// File descriptor, or -1 for embedded clients.
    pub fd: i64,
}

impl ConnectionInfo {
    /// An in-process client of the named face (`python`, `node`).
    pub fn embedded(face: &str) -> Self {
        ConnectionInfo { kind: ClientKind::Embedded, addr: format!("{face}:0"), laddr: format!("{face}:0"), fd: -1 }
    }

    /// Whether the client is on this machine: a unix socket, the loopback interface, or the
    /// process itself. Protected mode and the `local` setting of the `enable-*` gates trust these.
    pub fn is_local(&self) -> bool {
        match self.kind {
            ClientKind::Unix | ClientKind::Embedded => true,
            ClientKind::Tcp | ClientKind::Tls => {
                self.addr.parse::<std::net::SocketAddr>().is_ok_and(|addr| match addr.ip() {
                    std::net::IpAddr::V4(ip) => ip.is_loopback(),
                    // An IPv4 client of a dual-stack socket shows as ::ffff:127.0.0.1.
                    std::net::IpAddr::V6(ip) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
                })
            }
        }
    }
}

/// A client's state that other clients may read (`CLIENT LIST`) or act on (`CLIENT KILL`).
pub struct ClientShared {
    pub id: u64,
    pub info: ConnectionInfo,
    pub created_ms: i64,
    pub(crate) name: Mutex<Vec<u8>>,
    pub(crate) lib: Mutex<(String, String)>,
    pub(crate) db: AtomicUsize,
    pub(crate) resp: AtomicU8,
    pub(crate) last_interaction_ms: AtomicI64,
    last_command: AtomicPtr<Command>,
    /// Set when a key this client WATCHes changes: its next EXEC fails.
    pub(crate) watch_touched: AtomicBool,
    /// Whether a blocking command of this client is parked (flag `b` in CLIENT LIST).
    pub(crate) blocked: AtomicBool,
    /// Commands queued since MULTI, or -1 outside a transaction (`multi=` in CLIENT LIST).
    pub(crate) queued: AtomicI64,
    /// Channels, patterns and shard channels subscribed (`sub=`, `psub=`, `ssub=`).
    pub(crate) subscriptions: [AtomicUsize; 3],
    /// Pushed messages (pub/sub, keyspace events) waiting for the face to send them.
    pub mailbox: Arc<Mailbox>,
    /// The ACL user the client runs as (`user=` in CLIENT LIST).
    pub(crate) user: Mutex<String>,
    killed: AtomicBool,
    kill_hook: Mutex<Option<Box<dyn Fn() + Send + Sync>>>,
}

impl ClientShared {
    pub(crate) fn new(id: u64, info: ConnectionInfo, now_ms: i64) -> Self {
        ClientShared {
            id,
            info,
            created_ms: now_ms,
            name: Mutex::new(Vec::new()),
            lib: Mutex::new((String::new(), String::new())),
            db: AtomicUsize::new(0),
            resp: AtomicU8::new(2),
            last_interaction_ms: AtomicI64::new(now_ms),
            last_command: AtomicPtr::new(std::ptr::null_mut()),
            watch_touched: AtomicBool::new(false),
            blocked: AtomicBool::new(false),
            queued: AtomicI64::new(-1),
            subscriptions: Default::default(),
            mailbox: Arc::default(),
            user: Mutex::new("default".into()),
            killed: AtomicBool::new(false),
            kill_hook: Mutex::new(None),
        }
    }

    /// The last command this client ran (`cmd=` in CLIENT LIST).
    pub fn last_command(&self) -> Option<&'static Command> {
        let ptr = self.last_command.load(Ordering::Relaxed);
        // SAFETY: only pointers to `'static` command-table entries are ever stored.
        (!ptr.is_null()).then(|| unsafe { &*ptr })
    }

    /// Marks the client killed and tells its face, which closes the connection.
    pub fn kill(&self) {
        self.killed.store(true, Ordering::Release);
        if let Some(hook) = self.kill_hook.lock().as_ref() {
            hook();
        }
        // A face waiting for pushed messages notices the kill too.
        self.mailbox.interrupt();
    }

    pub fn is_killed(&self) -> bool {
        self.killed.load(Ordering::Acquire)
    }

    pub fn name(&self) -> Vec<u8> {
        self.name.lock().clone()
    }

    /// Whether the client listens to any channel, pattern or shard channel.
    pub fn is_subscriber(&self) -> bool {
        self.subscriptions.iter().any(|count| count.load(Ordering::Relaxed) > 0)
    }
}

/// Per-session state only its own client touches.
pub struct ClientState {
    pub id: u64,
    /// Selected database.
    pub db: usize,
    /// Protocol version chosen with HELLO.
    pub resp: u8,
    pub authenticated: bool,
    pub user: String,
    /// Set by QUIT: the face sends the reply, then closes.
    pub close_after_reply: bool,
    /// The commands queued since MULTI, while a transaction is open.
    pub(crate) multi: Option<tx::Multi>,
    /// Keys under WATCH, until EXEC, DISCARD, UNWATCH or RESET.
    pub(crate) watched: Vec<tx::WatchedKey>,
    /// Pub/Sub channels and patterns this client listens to.
    pub(crate) subscriptions: Subscriptions,
    /// Client-side caching (CLIENT TRACKING), when on.
    pub(crate) tracking: Option<ClientTracking>,
    /// The ACL user whose permissions apply.
    pub(crate) acl_user: Arc<AclUser>,
    /// CLIENT NO-TOUCH: this client's reads leave keys' LRU/LFU data alone.
    pub(crate) no_touch: bool,
    /// CLIENT REPLY: whether replies are sent.
    pub(crate) reply_mode: ReplyMode,
    /// Whether the reply of the command just run is to be dropped (CLIENT REPLY OFF / SKIP).
    reply_suppressed: bool,
    /// CLIENT NO-EVICT (client eviction does not exist here; the flag is kept and shown).
    pub(crate) no_evict: bool,
    /// MONITOR: the client receives every command and may only leave (QUIT, RESET).
    pub(crate) monitoring: bool,
    /// Re-running a parked call: it was counted and shown when it was first made.
    pub(crate) replaying: bool,
    /// The AOF offset that must be durable before the reply goes out (`appendfsync always`).
    pub(crate) durable_at: u64,
    /// The face waits for `durable_at` itself (see [`Client::defer_durability`]).
    pub(crate) defers_durability: bool,
    pub(crate) shared: Arc<ClientShared>,
}

impl ClientState {
    /// The state a parked call runs under when it is served: its client's identity, database and
    /// protocol, and nothing that only a live connection has.
    pub(crate) fn for_blocked_call(shared: &Arc<ClientShared>, db: usize, resp: u8, acl_user: Arc<AclUser>) -> Self {
        ClientState { db, resp, authenticated: true, replaying: true, ..ClientState::fresh(Arc::clone(shared), acl_user) }
    }

    /// A connection's state as it opens: database 0, RESP2, the given user, nothing pending.
    fn fresh(shared: Arc<ClientShared>, acl_user: Arc<AclUser>) -> Self {
        ClientState {
            id: shared.id,
            db: 0,
            resp: 2,
            authenticated: false,
            user: "default".into(),
            close_after_reply: false,
            multi: None,
            watched: Vec::new(),
            subscriptions: Subscriptions::default(),
            tracking: None,
            acl_user,
            no_touch: false,
            reply_mode: ReplyMode::On,
            reply_suppressed: false,
            no_evict: false,
            monitoring: false,
            replaying: false,
            durable_at: 0,
            defers_durability: false,
            shared,
        }
    }

    pub fn select(&mut self, db: usize) {
        self.db = db;
        self.shared.db.store(db, Ordering::Relaxed);
    }

    pub fn set_resp(&mut self, resp: u8) {
        self.resp = resp;
        self.shared.resp.store(resp, Ordering::Relaxed);
    }

    pub fn shared(&self) -> &Arc<ClientShared> {
        &self.shared
    }
}

/// CLIENT REPLY's modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReplyMode {
    On,
    Off,
    /// Set by CLIENT REPLY SKIP: its own reply and the next command's are dropped.
    SkipThis,
    SkipNext,
}

/// One client session on an engine.
pub struct Client {
    engine: Arc<Engine>,
    state: ClientState,
}

/// Replies held back until the append-only log is durable up to an offset.
pub struct DurabilityWait {
    engine: Arc<Engine>,
    offset: u64,
}

impl DurabilityWait {
    /// The log offset the replies wait for.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Blocks until the log is on disk up to the offset (fsyncing it, or joining an fsync under
    /// way for other clients).
    pub fn wait(self) {
        self.engine.aof.wait_durable(self.offset);
    }
}

impl Client {
    pub(crate) fn new(engine: Arc<Engine>, shared: Arc<ClientShared>) -> Self {
        let authenticated = !engine.auth_required.load(Ordering::Relaxed);
        let acl_user = Arc::clone(engine.acl.read().default_user());
        let state = ClientState { authenticated, ..ClientState::fresh(shared, acl_user) };
        Client { engine, state }
    }

    pub fn id(&self) -> u64 {
        self.state.id
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// The protocol version this client speaks (2 or 3).
    pub fn resp(&self) -> u8 {
        self.state.resp
    }

    /// Whether this client must still authenticate before running commands (a password is set
    /// and it has not given it): faces apply Redis's tighter request limits until then.
    pub fn requires_auth(&self) -> bool {
        !self.state.authenticated && self.engine.auth_required.load(Ordering::Relaxed)
    }

    /// The selected database.
    pub fn db(&self) -> usize {
        self.state.db
    }

    /// Whether the face should close the connection after sending the last reply (QUIT, or
    /// CLIENT KILL from another client).
    pub fn should_close(&self) -> bool {
        self.state.close_after_reply || self.state.shared.is_killed()
    }

    /// The queue of messages pushed to this client (pub/sub messages, keyspace events). Faces
    /// send what it holds before each reply, and when its waker tells them something arrived.
    pub fn mailbox(&self) -> &Arc<Mailbox> {
        &self.state.shared.mailbox
    }

    /// Whether the client listens to any channel or pattern.
    pub fn is_subscribed(&self) -> bool {
        self.state.subscriptions.any()
    }

    /// Registers what to do when another client kills this one (e.g. wake the connection task).
    pub fn on_kill(&self, hook: impl Fn() + Send + Sync + 'static) {
        *self.state.shared.kill_hook.lock() = Some(Box::new(hook));
    }

    /// Runs one command. `argv[0]` is the command name. A blocking command that must wait blocks
    /// the calling thread until it is served or times out; faces that must not block a thread
    /// use [`Client::start`] instead.
    pub fn execute(&mut self, argv: &[&[u8]]) -> Reply {
        match self.start(argv) {
            Outcome::Reply(reply) => reply,
            Outcome::Blocked(waiter) => waiter.wait(),
        }
    }

    /// Whether the face must not send the reply of the command just run (CLIENT REPLY OFF or
    /// SKIP). Only connections with a byte stream honour it, as in Redis; embedded callers
    /// always get their reply.
    pub fn reply_suppressed(&self) -> bool {
        self.state.reply_suppressed
    }

    /// Lets the face hold back replies until they are durable instead of waiting in
    /// [`Client::start`] (`appendfsync always`): a connection runs a whole pipelined batch, then
    /// waits once, off its thread, for [`Client::take_durability_wait`] before writing the
    /// replies, so concurrent clients share one fsync as in Redis.
    pub fn defer_durability(&mut self) {
        self.state.defers_durability = true;
    }

    /// With [`Client::defer_durability`]: the log offset the replies given since the last call
    /// must wait for, if any, and a handle on the log to wait with.
    pub fn take_durability_wait(&mut self) -> Option<DurabilityWait> {
        let offset = std::mem::take(&mut self.state.durable_at);
        (offset > 0).then(|| DurabilityWait { engine: Arc::clone(&self.engine), offset })
    }

    /// Runs one command, or parks it if it is a blocking command that must wait.
    pub fn start(&mut self, argv: &[&[u8]]) -> Outcome {
        let outcome = self.start_command(argv);
        self.state.reply_suppressed = match self.state.reply_mode {
            ReplyMode::On => false,
            ReplyMode::Off => true,
            ReplyMode::SkipThis => {
                self.state.reply_mode = ReplyMode::SkipNext;
                true
            }
            ReplyMode::SkipNext => {
                self.state.reply_mode = ReplyMode::On;
                true
            }
        };
        outcome
    }

    fn start_command(&mut self, argv: &[&[u8]]) -> Outcome {
        let (cmd, first_arg) = match resolve(&self.engine, argv) {
            Ok(found) => found,
            Err(reply) => {
                // A known command with the wrong arity counts as a refused call of it.
                let named = argv.first().and_then(|name| self.engine.lookup_command(name));
                let known = named.map(|cmd| commands::resolve_subcommand(cmd, argv).0);
                return self.rejected(known, reply);
            }
        };
        if !self.state.authenticated && !cmd.has(flag::NO_AUTH) {
            if self.engine.auth_required.load(Ordering::Relaxed) {
                return self.rejected(Some(cmd), errors::NOAUTH);
            }
            self.state.authenticated = true;
        }
        if self.state.monitoring {
            if !allowed_while_monitoring(cmd) {
                return self.rejected(Some(cmd), Reply::err("ERR Replica can't interact with the keyspace"));
            }
            if cmd.name == "reset" {
                self.state.monitoring = false;
                self.engine.observer.monitors.remove(self.state.id);
            }
        }
        let shared = &self.state.shared;
        shared.last_interaction_ms.store(self.engine.coarse_ms(), Ordering::Relaxed);
        shared.last_command.store(cmd as *const Command as *mut Command, Ordering::Relaxed);
        if self.state.multi.is_some() && cmd.has(flag::NO_MULTI) {
            return self.rejected(Some(cmd), Reply::err("ERR Command not allowed inside a transaction"));
        }
        if self.state.resp == 2 && self.state.subscriptions.any() && !allowed_in_subscriber_mode(cmd) {
            return self.rejected(Some(cmd), subscriber_context_error(cmd));
        }
        if let Some(busy) = scripting::busy::refusal(&self.engine, cmd) {
            return self.rejected(Some(cmd), busy);
        }
        if !cmd.has(flag::NO_AUTH) {
            if let Err(denial) = acl::check(&self.state.acl_user, cmd, argv) {
                let context = if self.state.multi.is_some() { acl::LogContext::Multi } else { acl::LogContext::TopLevel };
                log_denial(&self.engine, &self.state, denial, context, cmd, argv);
                return self.rejected(Some(cmd), acl::denial_error(denial, cmd));
            }
        }
        if let Some(refusal) = crate::persist::Persistence::write_refusal(&self.engine, cmd) {
            // MISCONF: the last background save failed and `stop-writes-on-bgsave-error` is on.
            self.doom_transaction();
            return Outcome::Reply(refusal);
        }
        if self.engine.eviction.maxmemory() > 0 {
            match self.refused_for_memory(cmd) {
                Ok(false) => {}
                Ok(true) if cmd.name == "exec" => return self.abort_transaction(cmd, errors::OOM),
                Ok(true) => return self.rejected(Some(cmd), errors::OOM),
                Err(busy) => return self.rejected(Some(cmd), busy),
            }
        }
        if self.engine.loading.is_loading() && !cmd.has(flag::LOADING) {
            return self.rejected(Some(cmd), Reply::err(crate::persist::rdb_load::LOADING_ERROR));
        }
        if blocking::any_engine_paused() {
            if let Some(postponed) = self.postpone_if_paused(cmd, first_arg, argv) {
                return postponed;
            }
        }
        if let Some(multi) = &mut self.state.multi {
            if !tx::runs_inside_multi(cmd) {
                multi.queue(cmd, first_arg, argv);
                self.state.shared.queued.fetch_add(1, Ordering::Relaxed);
                return Outcome::Reply(Reply::QUEUED);
            }
        }

        let engine = &*self.engine;
        let mut ks = match scripting::busy::lock_keyspace(engine, cmd) {
            KeyspaceAccess::Locked(ks) => ks,
            KeyspaceAccess::Answered(reply) => return Outcome::Reply(reply),
        };
        let (reply, block) = run_locked(engine, &mut self.state, &mut ks, cmd, argv, first_arg, None, true);
        if let Some(tracking) = &mut self.state.tracking {
            // CLIENT CACHING applies to the next command (a whole MULTI block counts as one).
            if self.state.multi.is_none() && !cmd.name.starts_with("client|") {
                tracking.caching = None;
            }
        }
        if !ks.blocked.is_empty() {
            serve_blocked(engine, &mut ks, engine.clock.now_ms());
        }
        if self.state.durable_at > 0 && block.is_none() && !self.state.defers_durability {
            // `appendfsync always`: the reply waits for the records to be on disk.
            drop(ks);
            engine.aof.wait_durable(std::mem::take(&mut self.state.durable_at));
            return Outcome::Reply(reply);
        }
        match block {
            None => Outcome::Reply(reply),
            Some(mut request) => {
                let init = BlockedCallInit {
                    cmd,
                    first_arg,
                    argv: request.rewritten_argv.take().unwrap_or_else(|| argv.iter().map(|a| a.to_vec()).collect()),
                    db: self.state.db,
                    resp: self.state.resp,
                    shared: Arc::clone(&self.state.shared),
                };
                let (waiter, call) = Waiter::park(&self.engine, init, request);
                ks.blocked.park(&call);
                self.state.shared.blocked.store(true, Ordering::Relaxed);
                Outcome::Blocked(waiter)
            }
        }
    }
}

impl Client {
    /// Answers a command refused before it ran, counting it (`rejected_calls`, `errorstats`).
    /// Refused while queueing, it dooms the transaction (EXECABORT), as in Redis.
    fn rejected(&mut self, cmd: Option<&'static Command>, reply: Reply) -> Outcome {
        self.doom_transaction();
        if let Some(line) = reply.as_error() {
            self.engine.observer.record_rejection(cmd, line);
        }
        Outcome::Reply(reply)
    }

    /// Refuses an EXEC as Redis's `execCommandAbort` does: the transaction and its WATCHes
    /// are discarded, and the error names the reason.
    fn abort_transaction(&mut self, exec: &'static Command, reason: Reply) -> Outcome {
        self.state.multi = None;
        tx::unwatch_all(&mut self.state, &mut self.engine.keyspace.lock());
        let reason = reason.as_error().unwrap_or_default().to_string();
        self.rejected(Some(exec), Reply::error(format!("EXECABORT Transaction discarded because of: {reason}")))
    }

    /// Marks an open transaction as failed: its EXEC answers EXECABORT.
    fn doom_transaction(&mut self) {
        if let Some(multi) = &mut self.state.multi {
            multi.failed = true;
        }
    }

    /// Whether the client is in MONITOR mode.
    pub fn is_monitor(&self) -> bool {
        self.state.monitoring
    }

    /// Evicts what `maxmemory` requires before a command runs or queues; true if the command
    /// must be refused because memory is still over the limit: it may grow memory (`denyoom`,
    /// or an EXEC of such commands), or it would queue in MULTI (queues grow without bound), as
    /// Redis decides. A busy script answers for the keyspace instead.
    fn refused_for_memory(&self, cmd: &Command) -> Result<bool, Reply> {
        let mut ks = match scripting::busy::lock_keyspace(&self.engine, cmd) {
            KeyspaceAccess::Locked(ks) => ks,
            KeyspaceAccess::Answered(reply) => return Err(reply),
        };
        // Evictions cut short by their time budget go on later: the command runs meanwhile.
        if crate::eviction::perform_evictions(&self.engine, &mut ks, self.engine.coarse_ms()) != crate::eviction::Pressure::Over {
            return Ok(false);
        }
        let queueing = self.state.multi.is_some() && !matches!(cmd.name, "exec" | "discard" | "quit" | "reset");
        let exec_may_grow = cmd.name == "exec" && self.state.multi.as_ref().is_some_and(tx::Multi::queues_denyoom);
        Ok(cmd.has(flag::DENYOOM) || queueing || exec_may_grow)
    }
}

/// What [`Client::start`] gives back: a reply now, or a parked call to wait on.
pub enum Outcome {
    Reply(Reply),
    Blocked(Waiter),
}

/// Re-runs the parked calls waiting on keys that changed, oldest first, as their own clients,
/// until a round serves nobody new (serving one call can wake another, e.g. BLMOVE).
pub(crate) fn serve_blocked(engine: &Engine, ks: &mut Keyspace, now: i64) {
    loop {
        let calls = ks.blocked.take_ready();
        if calls.is_empty() {
            return;
        }
        for call in calls {
            // Permissions were checked when the call was made; serving it is the same command.
            let user = Arc::clone(engine.acl.read().default_user());
            let mut state = ClientState::for_blocked_call(&call.shared, call.db, call.resp, user);
            let argv = call.argv();
            let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
            let (reply, again) = run_locked(engine, &mut state, ks, call.cmd, &argv, call.first_arg, Some(now), true);
            // A key that now holds another type serves nobody: the call keeps waiting, as in Redis.
            if again.is_none() && reply != errors::WRONGTYPE {
                blocking::finish(&mut ks.blocked, &call, reply);
            }
        }
    }
}

/// Finds the command (or subcommand) `argv` names and checks its arity.
fn resolve(engine: &Engine, argv: &[&[u8]]) -> Result<(&'static Command, usize), Reply> {
    let Some(&name) = argv.first() else {
        return Err(Reply::err("ERR empty command"));
    };
    let mut cmd = engine.lookup_command(name).ok_or_else(|| unknown_command(argv))?;
    let mut first_arg = 1;
    // A container runs a subcommand; bare, it runs itself only if its arity allows (COMMAND).
    if !cmd.subcommands.is_empty() && (argv.len() >= 2 || !cmd.arity_ok(argv.len())) {
        if argv.len() < 2 {
            return Err(errors::arity(cmd.name));
        }
        cmd = commands::lookup_sub(cmd, argv[1]).ok_or_else(|| unknown_subcommand(cmd, argv[1]))?;
        first_arg = 2;
    }
    if !cmd.arity_ok(argv.len()) {
        return Err(errors::arity(cmd.name));
    }
    Ok((cmd, first_arg))
}

/// Runs a resolved command against the locked keyspace: the one place handlers are called, so
/// what must follow every change (invalidating WATCHes, waking blocked calls) happens here, for
/// EXEC's commands and served blocked calls too. Returns the reply, or the handler's request to
/// block (only when `may_block`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_locked(
    engine: &Engine,
    state: &mut ClientState,
    ks: &mut Keyspace,
    cmd: &'static Command,
    argv: &[&[u8]],
    first_arg: usize,
    now: Option<i64>,
    may_block: bool,
) -> (Reply, Option<BlockRequest>) {
    ks.stats.total_commands_processed += 1;
    let dirty_before = ks.dirty;
    let db = state.db;
    let show = engine.observer.monitors.any() && !cmd.has(flag::ADMIN) && (!state.replaying || is_script_client(state));
    // Scripts are shown before the commands they run, the rest once done (with the db they left).
    if show && cmd.has(flag::SKIP_MONITOR) {
        feed_monitors(engine, state, argv);
    }
    let logging = engine.aof.is_logging();
    let now = if logging { Some(now.unwrap_or_else(|| engine.clock.now_ms())) } else { now };
    if logging {
        log_expired_keys(engine, ks, cmd, argv, db, now.unwrap_or_default());
    }
    let now = std::cell::Cell::new(now);
    let started = crate::stats::timer::Ticks::now();
    let mut ctx = Ctx { engine, client: state, ks, args: Args::new(argv, first_arg), now, may_block, block: None };
    let reply = match (cmd.handler)(&mut ctx) {
        Ok(reply) | Err(reply) => reply,
    };
    let block = ctx.block.take();
    let command_now = ctx.now.get().unwrap_or_default();
    let ns = started.elapsed_ns();
    if show && !cmd.has(flag::SKIP_MONITOR) {
        feed_monitors(engine, state, argv);
    }
    // A call that parks is counted when it is served.
    if block.is_none() {
        if let Some(slow) = engine.observer.record_call(&mut ks.calls, cmd, ns, reply.as_error()) {
            note_slow_call(engine, state, cmd, argv, &slow);
        }
    }
    if logging {
        if let Some(offset) = engine.aof.leave(ks, db, cmd, argv, &reply, ks.dirty != dirty_before, command_now) {
            state.durable_at = state.durable_at.max(offset);
        }
    }
    if ks.dirty != dirty_before && !(ks.watched.is_empty() && ks.blocked.is_empty() && ks.tracking.is_empty()) {
        for position in cmd.key_positions(argv) {
            ks.watched.touch(db, argv[position]);
            ks.blocked.signal(db, argv[position]);
            ks.tracking.invalidate(argv[position], Some(state.id));
        }
    }
    if let Some(tracking) = &state.tracking {
        // Reads are remembered for the client that may now cache what it read.
        if cmd.has(flag::READONLY) && tracking.remembers_reads() && !reply.is_error() {
            for position in cmd.key_positions(argv) {
                ks.tracking.remember(state.id, argv[position]);
            }
        }
    }
    (reply, block)
}

/// Before a command runs with the AOF on, deletes its keys that have expired and logs their
/// DELs: replay does not expire keys, so the log must say which ones went.
fn log_expired_keys(engine: &Engine, ks: &mut Keyspace, cmd: &Command, argv: &[&[u8]], db: usize, now: i64) {
    engine.aof.enter();
    if ks.dbs.get(db).is_none_or(|d| d.expires.is_empty()) {
        return;
    }
    for position in cmd.key_positions(argv) {
        if ks.expire_if_needed(db, argv[position], now) {
            engine.aof.record_expired(db, argv[position]);
        }
    }
}

/// Runs one command read from the AOF at load: no gates, no blocking, at time zero (nothing
/// expires while loading).
pub(crate) fn replay_command(engine: &Engine, state: &mut ClientState, ks: &mut Keyspace, argv: &[&[u8]]) -> Result<(), String> {
    let (cmd, first_arg) = resolve(engine, argv).map_err(|reply| format!("{reply:?}"))?;
    let (reply, _) = run_locked(engine, state, ks, cmd, argv, first_arg, Some(0), false);
    match reply {
        Reply::Error(e) => Err(e.into_owned()),
        _ => Ok(()),
    }
}

/// Shows a command to the MONITOR clients.
fn feed_monitors(engine: &Engine, state: &ClientState, argv: &[&[u8]]) {
    use crate::stats::monitor::Source;
    let source = if is_script_client(state) { Source::Lua } else { Source::Client(&state.shared) };
    let limit = engine.observer.monitor_limit();
    engine.observer.monitors.feed(source, state.db, argv, engine.clock.now_us(), limit);
}

/// Scripts run their commands as client 0 (the ids of connected clients start at 1).
fn is_script_client(state: &ClientState) -> bool {
    state.id == 0
}

/// Logs a call past `slowlog-log-slower-than`, and a spike past `latency-monitor-threshold`.
fn note_slow_call(engine: &Engine, state: &ClientState, cmd: &Command, argv: &[&[u8]], slow: &crate::stats::SlowCall) {
    let now_s = engine.clock.now_ms() / 1000;
    if slow.log && !cmd.has(flag::SKIP_SLOWLOG) {
        let max_len = engine.observer.slowlog_max_len();
        let (addr, name) = (state.shared.info.addr.clone(), state.shared.name());
        engine.observer.slowlog.lock().push(argv, slow.duration_us, now_s, addr, name, max_len);
    }
    if let Some(ms) = slow.latency_ms {
        let event = if cmd.has(flag::FAST) { "fast-command" } else { "command" };
        engine.observer.latency.lock().add(event, ms, now_s);
    }
}

/// What a MONITOR client may still send.
fn allowed_while_monitoring(cmd: &Command) -> bool {
    matches!(cmd.name, "quit" | "reset" | "ping" | "monitor")
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.state.monitoring {
            self.engine.observer.monitors.remove(self.state.id);
        }
        if !self.state.watched.is_empty() || self.state.subscriptions.any() || self.state.tracking.is_some() {
            let mut ks = self.engine.keyspace.lock();
            tx::unwatch_all(&mut self.state, &mut ks);
            ks.pubsub.forget(&mut self.state.subscriptions, &self.state.shared);
            ks.tracking.disable(self.state.id);
        }
        self.state.shared.mailbox.close();
        self.engine.disconnect(self.state.id);
    }
}

/// The commands a RESP2 client may send while subscribed: its replies and the messages share
/// one stream, so only commands whose replies look like pushes are allowed.
fn allowed_in_subscriber_mode(cmd: &Command) -> bool {
    matches!(
        cmd.name,
        "subscribe" | "psubscribe" | "ssubscribe" | "unsubscribe" | "punsubscribe" | "sunsubscribe" | "ping" | "quit" | "reset"
    )
}

/// Records a denied command in ACL LOG.
pub(crate) fn log_denial(
    engine: &Engine,
    state: &ClientState,
    denial: acl::Denial,
    context: acl::LogContext,
    cmd: &Command,
    argv: &[&[u8]],
) {
    let (reason, object) = match denial {
        acl::Denial::Command => (acl::LogReason::Command, cmd.name.to_string()),
        acl::Denial::Key(i) => (acl::LogReason::Key, String::from_utf8_lossy(argv[i]).into_owned()),
        acl::Denial::Channel(i) => (acl::LogReason::Channel, String::from_utf8_lossy(argv[i]).into_owned()),
    };
    let now = engine.now_ms();
    let info = commands::describe_client(&state.shared, now);
    engine.acl.write().log.add(reason, context, object, state.user.clone(), now, info);
}

/// What a RESP2 client in subscriber mode gets for a command that mode does not allow.
fn subscriber_context_error(cmd: &Command) -> Reply {
    Reply::error(format!(
        "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
        cmd.name
    ))
}

/// Formats an argument for an error line as Redis does: at most 128 bytes, cut at a NUL (C's
/// `%s`), newlines as spaces.
fn printable(arg: &[u8], max: usize) -> String {
    let end = arg.iter().position(|&b| b == 0).unwrap_or(arg.len()).min(max);
    String::from_utf8_lossy(&arg[..end]).replace(['\r', '\n'], " ")
}

/// `ERR unknown command 'foo', with args beginning with: 'a' 'b' `.
fn unknown_command(argv: &[&[u8]]) -> Reply {
    let mut args = String::new();
    for arg in &argv[1..] {
        if args.len() >= 128 {
            break;
        }
        let room = 128 - args.len();
        args.push('\'');
        args.push_str(&printable(arg, room));
        args.push_str("' ");
    }
    Reply::error(format!("ERR unknown command '{}', with args beginning with: {}", printable(argv[0], 128), args))
}

/// `ERR unknown subcommand 'foo'. Try CLIENT HELP.`
fn unknown_subcommand(container: &Command, sub: &[u8]) -> Reply {
    Reply::error(format!(
        "ERR unknown subcommand '{}'. Try {} HELP.",
        printable(sub, 128),
        container.name.to_ascii_uppercase()
    ))
}
