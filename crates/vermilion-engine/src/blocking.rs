//! Blocking commands: BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK and the like.
//!
//! A blocking command's handler first tries to serve itself. When it cannot, it calls
//! [`Ctx::block_on`](crate::commands::Ctx::block_on) with the keys it waits for; the dispatcher
//! then parks the call here, under those keys, and hands the face a [`Waiter`]. After every
//! command that changed data, the engine re-runs the parked calls waiting on the changed keys, in
//! the order they blocked (FIFO, as Redis), still under the keyspace lock: a served call's reply
//! is as atomic as any other command's. Faces wait their own way — a thread on a condition
//! variable (Python, with the GIL released), a future (the server), a callback (Node) — and
//! cancel the call when its timeout passes or the connection goes away.
//!
//! CLIENT PAUSE parks calls here too ("postponed" calls, on no key): a command the pause holds
//! back waits like a blocking command, so every face waits for it its own way, and no thread
//! spins. When the pause ends the engine runs what was postponed, oldest first (see
//! `client::release_postponed`).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use crate::acl::AclUser;
use crate::client::ClientShared;
use crate::commands::{tx, Command};
use crate::engine::Engine;
use crate::reply::Reply;

/// What a handler asks for when it cannot serve itself now.
pub struct BlockRequest {
    pub keys: Vec<Box<[u8]>>,
    /// Absolute deadline on the engine clock, in milliseconds; `None` waits forever.
    pub deadline_ms: Option<i64>,
    /// The reply when the deadline passes (a null of the command's shape).
    pub timeout_reply: Reply,
    /// The arguments to re-run the call with, when they differ from the original ones (XREAD
    /// pins `$` to the ID it meant when it blocked).
    pub rewritten_argv: Option<Vec<Vec<u8>>>,
}

enum CallState {
    Waiting,
    Done(Reply),
    /// The reply was handed to the face.
    Taken,
}

/// One parked call: what to re-run, and where its reply goes.
pub(crate) struct BlockedCall {
    pub(crate) cmd: &'static Command,
    pub(crate) first_arg: usize,
    pub(crate) db: usize,
    pub(crate) resp: u8,
    pub(crate) shared: Arc<ClientShared>,
    /// What the call waits for. A postponed call learns its keys only once it runs after the
    /// pause, so this can change while faces wait on the call.
    wait: Mutex<WaitSpec>,
    state: Mutex<CallState>,
    done: Condvar,
    waker: Mutex<Option<Waker>>,
    notify: Mutex<Option<Notify>>,
}

/// A face's callback for when a parked call is answered (or, if a pause held it back, released).
type Notify = Box<dyn Fn() + Send>;

/// What a parked call waits for, and how it is answered.
struct WaitSpec {
    argv: Vec<Vec<u8>>,
    keys: Vec<Box<[u8]>>,
    deadline_ms: Option<i64>,
    timeout_reply: Reply,
    /// Set while CLIENT PAUSE holds the call back.
    postponed: Option<Postponed>,
}

/// Which commands a CLIENT PAUSE holds back; `All` is the more restrictive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PauseKind {
    /// Commands that may write or replicate (writes, PUBLISH, PFCOUNT, scripts that may write).
    Write,
    All,
}

/// A call CLIENT PAUSE holds back.
pub(crate) struct Postponed {
    /// Whether a WRITE pause holds it (an ALL pause holds everything).
    pub(crate) writes: bool,
    pub(crate) action: PostponedAction,
}

/// What happens to a postponed call when the pause ends.
pub(crate) enum PostponedAction {
    /// The command acted on its own connection only (SELECT, HELLO, queueing inside MULTI):
    /// it ran at once, unseen by anyone, and only its reply waits.
    Held(Reply),
    /// The command touches data: it runs when the pause ends, as the client it came from.
    Run(PostponedRun),
}

/// What a postponed data command runs with, taken from its client when it was postponed.
pub(crate) struct PostponedRun {
    pub(crate) acl_user: Arc<AclUser>,
    /// EXEC's transaction and WATCHed keys: EXEC ends them whatever happens.
    pub(crate) multi: Option<tx::Multi>,
    pub(crate) watched: Vec<tx::WatchedKey>,
}

/// How many engines of this process have a CLIENT PAUSE in effect, or calls it held back still
/// to run: the dispatcher looks at the pause (behind the keyspace lock) only when some engine
/// has one, and there runs what a pause held back before any newer command, as Redis does.
static PAUSED_ENGINES: AtomicUsize = AtomicUsize::new(0);

/// Whether any engine of the process may be paused, or have postponed calls (cheap; no lock).
pub fn any_engine_paused() -> bool {
    PAUSED_ENGINES.load(Ordering::Relaxed) > 0
}

impl BlockedCall {
    /// Delivers the reply (once) and wakes whoever waits, whichever way they wait.
    fn resolve(&self, reply: Reply) -> bool {
        {
            let mut state = self.state.lock();
            if !matches!(*state, CallState::Waiting) {
                return false;
            }
            *state = CallState::Done(reply);
        }
        self.shared.blocked.store(false, Ordering::Relaxed);
        self.done.notify_all();
        if let Some(waker) = self.waker.lock().take() {
            waker.wake();
        }
        if let Some(notify) = self.notify.lock().take() {
            notify();
        }
        true
    }

    fn take(&self) -> Option<Reply> {
        let mut state = self.state.lock();
        match std::mem::replace(&mut *state, CallState::Taken) {
            CallState::Done(reply) => Some(reply),
            other => {
                *state = other;
                None
            }
        }
    }

    /// A copy of the reply, leaving it for whoever waits on the call.
    fn peek(&self) -> Option<Reply> {
        match &*self.state.lock() {
            CallState::Done(reply) => Some(reply.clone()),
            _ => None,
        }
    }

    fn is_waiting(&self) -> bool {
        matches!(*self.state.lock(), CallState::Waiting)
    }

    fn keys(&self) -> Vec<Box<[u8]>> {
        self.wait.lock().keys.clone()
    }

    fn timeout_reply(&self) -> Reply {
        self.wait.lock().timeout_reply.clone()
    }

    fn is_postponed(&self) -> bool {
        self.wait.lock().postponed.is_some()
    }

    /// The arguments to re-run the call with.
    pub(crate) fn argv(&self) -> Vec<Vec<u8>> {
        self.wait.lock().argv.clone()
    }

    /// Takes what a postponed call does when its pause ends.
    pub(crate) fn take_postponed(&self) -> Option<Postponed> {
        self.wait.lock().postponed.take()
    }

    /// Wakes whoever waits without answering: they look again at what the call waits for.
    fn nudge(&self) {
        self.done.notify_all();
        if let Some(waker) = self.waker.lock().take() {
            waker.wake();
        }
        if let Some(notify) = &*self.notify.lock() {
            notify();
        }
    }
}

/// A key a call waits on: its database and name.
type KeySlot = (usize, Box<[u8]>);

/// The parked calls, by the keys they wait on, plus the keys changed since the last serving round.
#[derive(Default)]
pub struct BlockedRegistry {
    by_key: ahash::AHashMap<KeySlot, VecDeque<Arc<BlockedCall>>>,
    /// Calls that wait on no key (WAIT): only their timeout or a cancel ends them.
    keyless: Vec<Arc<BlockedCall>>,
    ready: Vec<KeySlot>,
    count: usize,
    /// The CLIENT PAUSE in effect: what it holds back, and until when (engine clock, ms).
    pause: Option<(PauseKind, i64)>,
    /// Calls held back by the pause, oldest first.
    postponed: VecDeque<Arc<BlockedCall>>,
    /// Whether this registry counts in [`PAUSED_ENGINES`]: while a pause is on, and after it
    /// until what it held back has run.
    counted_as_paused: bool,
}

impl BlockedRegistry {
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Number of parked calls (`blocked_clients` in INFO).
    pub fn len(&self) -> usize {
        self.count
    }

    pub(crate) fn park(&mut self, call: &Arc<BlockedCall>) {
        if call.is_postponed() {
            self.postponed.push_back(Arc::clone(call));
            self.count += 1;
            self.count_as_paused();
            return;
        }
        let keys = call.keys();
        if keys.is_empty() {
            self.keyless.push(Arc::clone(call));
        }
        for key in keys {
            self.by_key.entry((call.db, key)).or_default().push_back(Arc::clone(call));
        }
        self.count += 1;
    }

    pub(crate) fn unpark(&mut self, call: &Arc<BlockedCall>) {
        let before = self.keyless.len() + self.postponed.len();
        self.keyless.retain(|c| !Arc::ptr_eq(c, call));
        self.postponed.retain(|c| !Arc::ptr_eq(c, call));
        let mut found = self.keyless.len() + self.postponed.len() != before;
        for key in &call.keys() {
            let slot = (call.db, key.clone());
            if let Some(queue) = self.by_key.get_mut(&slot) {
                let before = queue.len();
                queue.retain(|c| !Arc::ptr_eq(c, call));
                found |= queue.len() != before;
                if queue.is_empty() {
                    self.by_key.remove(&slot);
                }
            }
        }
        if found {
            self.count -= 1;
        }
        self.count_as_paused();
    }

    /// Notes that `key` changed, if anyone waits on it.
    pub fn signal(&mut self, db: usize, key: &[u8]) {
        if !self.is_empty() && self.by_key.contains_key(&(db, Box::<[u8]>::from(key))) {
            self.ready.push((db, key.into()));
        }
    }

    /// The calls waiting on the keys signalled since the last round, oldest first, each once.
    pub(crate) fn take_ready(&mut self) -> Vec<Arc<BlockedCall>> {
        let mut calls: Vec<Arc<BlockedCall>> = Vec::new();
        for slot in std::mem::take(&mut self.ready) {
            if let Some(queue) = self.by_key.get(&slot) {
                for call in queue {
                    if !calls.iter().any(|c| Arc::ptr_eq(c, call)) {
                        calls.push(Arc::clone(call));
                    }
                }
            }
        }
        calls
    }

    /// Calls whose deadline has passed on the engine clock.
    pub(crate) fn expired(&self, now_ms: i64) -> Vec<Arc<BlockedCall>> {
        let mut calls: Vec<Arc<BlockedCall>> = Vec::new();
        let parked = self.by_key.values().flatten().chain(&self.keyless);
        for call in parked {
            if call.wait.lock().deadline_ms.is_some_and(|d| d <= now_ms) && !calls.iter().any(|c| Arc::ptr_eq(c, call)) {
                calls.push(Arc::clone(call));
            }
        }
        calls
    }

    /// The call client `id` has parked on keys or a timeout (not one a pause holds back).
    pub(crate) fn parked_call_of(&self, id: u64) -> Option<Arc<BlockedCall>> {
        self.by_key.values().flatten().chain(&self.keyless).find(|call| call.shared.id == id).cloned()
    }
}

/// CLIENT PAUSE's state.
impl BlockedRegistry {
    /// Starts a pause, or widens the one in effect: the more restrictive kind, the later end.
    pub(crate) fn pause(&mut self, kind: PauseKind, end_ms: i64) {
        self.pause = Some(match self.pause {
            Some((was_kind, was_end)) => (was_kind.max(kind), was_end.max(end_ms)),
            None => (kind, end_ms),
        });
        self.count_as_paused();
    }

    /// Ends the pause (CLIENT UNPAUSE, or its time is up).
    pub(crate) fn unpause(&mut self) {
        self.pause = None;
        self.count_as_paused();
    }

    /// Keeps [`PAUSED_ENGINES`] in step with this registry's pause and postponed calls.
    fn count_as_paused(&mut self) {
        let paused = self.pause.is_some() || !self.postponed.is_empty();
        if paused != self.counted_as_paused {
            self.counted_as_paused = paused;
            if paused {
                PAUSED_ENGINES.fetch_add(1, Ordering::Relaxed);
            } else {
                PAUSED_ENGINES.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }

    /// The pause in effect at `now_ms`, if any; one whose time is up ends here.
    pub(crate) fn pause_at(&mut self, now_ms: i64) -> Option<PauseKind> {
        match self.pause {
            Some((kind, end)) if end >= now_ms => Some(kind),
            Some(_) => {
                self.unpause();
                None
            }
            None => None,
        }
    }

    /// Whether writes are held back at `now_ms`: expiry and eviction then wait too, as in Redis,
    /// so no key disappears while a pause promises no change.
    pub fn writes_paused(&self, now_ms: i64) -> bool {
        self.pause.is_some_and(|(_, end)| end >= now_ms)
    }

    /// When the pause in effect at `now_ms` ends.
    fn pause_end(&self, now_ms: i64) -> Option<i64> {
        self.pause.map(|(_, end)| end).filter(|&end| end >= now_ms)
    }

    /// Whether calls are held back by a pause.
    pub(crate) fn has_postponed(&self) -> bool {
        !self.postponed.is_empty()
    }

    /// Wakes the faces waiting on postponed calls, so they see the pause has ended and run them.
    pub(crate) fn nudge_postponed(&self) {
        self.postponed.iter().for_each(|call| call.nudge());
    }

    /// Takes the postponed calls the pause in effect (`pause`) no longer holds back, oldest first.
    pub(crate) fn take_released(&mut self, pause: Option<PauseKind>) -> Vec<Arc<BlockedCall>> {
        let held = |call: &Arc<BlockedCall>| match pause {
            None => false,
            Some(PauseKind::All) => true,
            Some(PauseKind::Write) => call.wait.lock().postponed.as_ref().is_some_and(|p| p.writes),
        };
        let (still, released): (VecDeque<_>, VecDeque<_>) = std::mem::take(&mut self.postponed).into_iter().partition(held);
        self.postponed = still;
        self.count -= released.len();
        self.count_as_paused();
        released.into()
    }
}

impl Drop for BlockedRegistry {
    fn drop(&mut self) {
        self.pause = None;
        self.postponed.clear();
        self.count_as_paused();
    }
}

/// A face's handle on a parked call. Await it (it is a `Future`), wait on it from a thread, or
/// register a callback; when the face gives up (timeout, disconnect) it calls [`Waiter::cancel`].
/// Clones share the one call.
#[derive(Clone)]
pub struct Waiter {
    pub(crate) call: Arc<BlockedCall>,
    pub(crate) engine: Arc<Engine>,
}

impl Waiter {
    pub(crate) fn park(engine: &Arc<Engine>, call: BlockedCallInit, request: BlockRequest) -> (Waiter, Arc<BlockedCall>) {
        let call = Arc::new(BlockedCall {
            cmd: call.cmd,
            first_arg: call.first_arg,
            db: call.db,
            resp: call.resp,
            shared: call.shared,
            wait: Mutex::new(WaitSpec {
                argv: call.argv,
                keys: request.keys,
                deadline_ms: request.deadline_ms,
                timeout_reply: request.timeout_reply,
                postponed: None,
            }),
            state: Mutex::new(CallState::Waiting),
            done: Condvar::new(),
            waker: Mutex::new(None),
            notify: Mutex::new(None),
        });
        (Waiter { call: Arc::clone(&call), engine: Arc::clone(engine) }, call)
    }

    /// A call CLIENT PAUSE holds back, to be parked in the postponed queue.
    pub(crate) fn postpone(engine: &Arc<Engine>, call: BlockedCallInit, postponed: Postponed) -> (Waiter, Arc<BlockedCall>) {
        let request = BlockRequest { keys: Vec::new(), deadline_ms: None, timeout_reply: Reply::NullArray, rewritten_argv: None };
        let (waiter, call) = Waiter::park(engine, call, request);
        call.wait.lock().postponed = Some(postponed);
        (waiter, call)
    }

    /// Time left until the command's own timeout, on the engine clock (`None`: no timeout). For
    /// a call a pause holds back, the time left until the pause ends; once it has ended, the
    /// postponed calls run here if nobody ran them yet.
    pub fn remaining(&self) -> Option<Duration> {
        if self.call.is_postponed() {
            let now = self.engine.now_ms();
            let mut ks = self.engine.keyspace.lock();
            if let Some(end) = ks.blocked.pause_end(now) {
                // The pause holds until its end millisecond has passed.
                return Some(Duration::from_millis((end - now + 1) as u64));
            }
            crate::client::release_postponed(&self.engine, &mut ks, now);
            if !self.call.is_waiting() {
                return Some(Duration::ZERO);
            }
        }
        let deadline = self.call.wait.lock().deadline_ms;
        deadline.map(|d| Duration::from_millis((d - self.engine.now_ms()).max(0) as u64))
    }

    /// The reply, if the call has been served (or timed out) already.
    pub fn try_take(&self) -> Option<Reply> {
        self.release_if_pause_ended();
        self.call.take()
    }

    /// For a call a pause holds back: runs the postponed calls if the pause has ended.
    fn release_if_pause_ended(&self) {
        if self.call.is_postponed() {
            let _ = self.remaining();
        }
    }

    /// Blocks the calling thread until the call is served or `limit` passes. Returns the reply,
    /// or `None` if still waiting.
    pub fn wait_for(&self, limit: Duration) -> Option<Reply> {
        let mut state = self.call.state.lock();
        if matches!(*state, CallState::Waiting) {
            self.call.done.wait_for(&mut state, limit);
        }
        match std::mem::replace(&mut *state, CallState::Taken) {
            CallState::Done(reply) => Some(reply),
            other => {
                *state = other;
                None
            }
        }
    }

    /// Waits until served or the command's timeout passes, whichever comes first.
    pub fn wait(self) -> Reply {
        loop {
            let limit = self.remaining().unwrap_or(Duration::from_secs(3600));
            if let Some(reply) = self.wait_for(limit) {
                return reply;
            }
            if self.remaining().is_some_and(|left| left.is_zero()) {
                return self.cancel();
            }
        }
    }

    /// Runs `notify` from whichever thread serves the call (keep it short: the keyspace lock may
    /// be held), and each time a pause that held the call back ends (the face then looks again
    /// with `try_take`). Runs at once if the call is already served.
    pub fn on_ready(&self, notify: impl Fn() + Send + 'static) {
        *self.call.notify.lock() = Some(Box::new(notify));
        if !self.call.is_waiting() {
            if let Some(notify) = self.call.notify.lock().take() {
                notify();
            }
        }
    }

    /// Gives up waiting: unparks the call and returns its reply — the served one if serving won
    /// the race, else the command's timeout reply. Anyone still waiting on a clone of this
    /// waiter gets the same reply.
    pub fn cancel(&self) -> Reply {
        {
            let mut ks = self.engine.keyspace.lock();
            ks.blocked.unpark(&self.call);
        }
        let timeout = self.call.timeout_reply();
        self.call.resolve(timeout);
        self.call.peek().or_else(|| self.call.take()).unwrap_or(Reply::NullArray)
    }
}

impl Future for Waiter {
    type Output = Reply;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Reply> {
        *self.call.waker.lock() = Some(cx.waker().clone());
        self.release_if_pause_ended();
        match self.call.take() {
            Some(reply) => Poll::Ready(reply),
            None => Poll::Pending,
        }
    }
}

/// What the dispatcher knows of a call that asked to block.
pub(crate) struct BlockedCallInit {
    pub cmd: &'static Command,
    pub first_arg: usize,
    pub argv: Vec<Vec<u8>>,
    pub db: usize,
    pub resp: u8,
    pub shared: Arc<ClientShared>,
}

/// Resolves a parked call with its reply and unparks it.
pub(crate) fn finish(registry: &mut BlockedRegistry, call: &Arc<BlockedCall>, reply: Reply) {
    registry.unpark(call);
    call.resolve(reply);
}

/// Resolves a call released from the postponed queue (it is no longer parked).
pub(crate) fn answer_released(call: &Arc<BlockedCall>, reply: Reply) {
    call.resolve(reply);
}

/// Parks again, on keys this time, a released postponed call that had to block once it ran
/// (BLPOP postponed by a pause, and still without data).
pub(crate) fn repark(registry: &mut BlockedRegistry, call: &Arc<BlockedCall>, request: BlockRequest) {
    {
        let mut wait = call.wait.lock();
        if let Some(argv) = request.rewritten_argv {
            wait.argv = argv;
        }
        wait.keys = request.keys;
        wait.deadline_ms = request.deadline_ms;
        wait.timeout_reply = request.timeout_reply;
    }
    registry.park(call);
    call.nudge();
}

/// Ends a parked call as CLIENT UNBLOCK asks: with its timeout reply, or with `error`.
pub(crate) fn unblock(registry: &mut BlockedRegistry, call: &Arc<BlockedCall>, error: Option<Reply>) {
    let reply = error.unwrap_or_else(|| call.timeout_reply());
    finish(registry, call, reply);
}

/// Resolves the calls whose deadline passed (manual clocks: faces cannot time those out), and
/// wakes the waiters of postponed calls whose pause ended, so they look again.
pub(crate) fn expire(registry: &mut BlockedRegistry, now_ms: i64) {
    for call in registry.expired(now_ms) {
        let reply = call.timeout_reply();
        finish(registry, &call, reply);
    }
    if registry.has_postponed() && registry.pause_end(now_ms).is_none() {
        registry.nudge_postponed();
    }
}
