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

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use crate::client::ClientShared;
use crate::commands::Command;
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
    pub(crate) argv: Vec<Vec<u8>>,
    pub(crate) db: usize,
    pub(crate) resp: u8,
    pub(crate) shared: Arc<ClientShared>,
    pub(crate) keys: Vec<Box<[u8]>>,
    deadline_ms: Option<i64>,
    timeout_reply: Reply,
    state: Mutex<CallState>,
    done: Condvar,
    waker: Mutex<Option<Waker>>,
    notify: Mutex<Option<Notify>>,
}

/// A face's callback for when a parked call is answered.
type Notify = Box<dyn FnOnce() + Send>;

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
        self.shared.blocked.store(false, std::sync::atomic::Ordering::Relaxed);
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
        if call.keys.is_empty() {
            self.keyless.push(Arc::clone(call));
        }
        for key in &call.keys {
            self.by_key.entry((call.db, key.clone())).or_default().push_back(Arc::clone(call));
        }
        self.count += 1;
    }

    pub(crate) fn unpark(&mut self, call: &Arc<BlockedCall>) {
        let before = self.keyless.len();
        self.keyless.retain(|c| !Arc::ptr_eq(c, call));
        let mut found = self.keyless.len() != before;
        for key in &call.keys {
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
            if call.deadline_ms.is_some_and(|d| d <= now_ms) && !calls.iter().any(|c| Arc::ptr_eq(c, call)) {
                calls.push(Arc::clone(call));
            }
        }
        calls
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
            argv: call.argv,
            db: call.db,
            resp: call.resp,
            shared: call.shared,
            keys: request.keys,
            deadline_ms: request.deadline_ms,
            timeout_reply: request.timeout_reply,
            state: Mutex::new(CallState::Waiting),
            done: Condvar::new(),
            waker: Mutex::new(None),
            notify: Mutex::new(None),
        });
        (Waiter { call: Arc::clone(&call), engine: Arc::clone(engine) }, call)
    }

    /// Time left until the command's own timeout, on the engine clock (`None`: no timeout).
    pub fn remaining(&self) -> Option<Duration> {
        self.call.deadline_ms.map(|d| Duration::from_millis((d - self.engine.now_ms()).max(0) as u64))
    }

    /// The reply, if the call has been served (or timed out) already.
    pub fn try_take(&self) -> Option<Reply> {
        self.call.take()
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

    /// Runs `notify` once, from whichever thread serves the call (keep it short: the keyspace
    /// lock may be held). Runs at once if the call is already served.
    pub fn on_ready(&self, notify: impl FnOnce() + Send + 'static) {
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
        let timeout = self.call.timeout_reply.clone();
        self.call.resolve(timeout);
        self.call.peek().or_else(|| self.call.take()).unwrap_or(Reply::NullArray)
    }
}

impl Future for Waiter {
    type Output = Reply;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Reply> {
        *self.call.waker.lock() = Some(cx.waker().clone());
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

/// Resolves the calls whose deadline passed (manual clocks: faces cannot time those out).
pub(crate) fn expire(registry: &mut BlockedRegistry, now_ms: i64) {
    for call in registry.expired(now_ms) {
        let reply = call.timeout_reply.clone();
        finish(registry, &call, reply);
    }
}
