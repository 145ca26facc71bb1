//! Waiting without a thread: what the asyncio face needs from a parked call or a subscriber.
//!
//! An event loop can only be woken from another thread through a file descriptor it watches.
//! A [`Doorbell`] is a socket pair: the engine rings it from whichever thread serves a parked
//! call or publishes a message (one non-blocking byte, no GIL, safe under the keyspace lock),
//! and the loop watches the other end with `loop.add_reader`. No thread is started, so nothing
//! is left running when the interpreter exits.
//!
//! A [`ParkedCall`] is a blocking command (BLPOP, XREAD BLOCK, ...) that had to wait, handed to
//! Python instead of being waited on: it rings a doorbell when served, and `cancel()` unparks it
//! when the caller gives up (a timeout, a cancelled task), so no waiter is left behind.

use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use vermilion_engine::Waiter;

use crate::client::{Client, PendingReply};

/// A wake-up signal from engine threads to an event loop, readable as a file descriptor.
#[pyclass(module = "vermilion._native", frozen)]
pub struct Doorbell {
    /// The end the event loop watches.
    watched: UnixStream,
    /// The end engine threads write to; shared with the callbacks that ring.
    rung: Arc<UnixStream>,
}

impl Doorbell {
    /// What a callback keeps to ring this doorbell later, from any thread.
    pub fn ringer(&self) -> impl Fn() + Send + Sync + 'static {
        let rung = Arc::clone(&self.rung);
        move || {
            // A full buffer already holds a pending ring; nothing is lost by dropping this one.
            let _ = (&*rung).write(&[1]);
        }
    }
}

#[pymethods]
impl Doorbell {
    #[new]
    fn new() -> PyResult<Self> {
        let (watched, rung) = UnixStream::pair().map_err(|e| PyOSError::new_err(e.to_string()))?;
        watched.set_nonblocking(true).map_err(|e| PyOSError::new_err(e.to_string()))?;
        rung.set_nonblocking(true).map_err(|e| PyOSError::new_err(e.to_string()))?;
        Ok(Doorbell { watched, rung: Arc::new(rung) })
    }

    /// The descriptor to watch for readability.
    fn fileno(&self) -> i32 {
        self.watched.as_raw_fd()
    }

    /// Forgets rings heard so far. Clear before checking whether the awaited thing happened,
    /// then wait: a ring in between stays readable, so no wake-up is lost.
    fn clear(&self) {
        let mut sink = [0u8; 64];
        loop {
            match (&self.watched).read(&mut sink) {
                Ok(n) if n == sink.len() => continue,
                Ok(_) => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return,
            }
        }
    }

    /// Rings it from Python (tests, or a face that wants to wake its own waiter).
    fn ring(&self) {
        (self.ringer())();
    }
}

/// A blocking command waiting in the engine for another client (or for its timeout).
#[pyclass(module = "vermilion._native", frozen)]
pub struct ParkedCall {
    waiter: Waiter,
    client: Py<Client>,
    resp3: bool,
}

impl ParkedCall {
    pub fn new(waiter: Waiter, client: Py<Client>, resp3: bool) -> Self {
        ParkedCall { waiter, client, resp3 }
    }
}

#[pymethods]
impl ParkedCall {
    /// Rings `bell` once the call is served or timed out (at once if it already is).
    fn ring_when_done(&self, bell: &Doorbell) {
        self.waiter.on_ready(bell.ringer());
    }

    /// Seconds left until the command's own timeout on the engine clock; None without one.
    /// On a manual clock this only moves when the clock is advanced.
    fn remaining(&self) -> Option<f64> {
        self.waiter.remaining().map(|left| left.as_secs_f64())
    }

    /// The reply once the call is done (served, or timed out on a manual clock), else None.
    fn take(&self, py: Python<'_>) -> Option<PendingReply> {
        self.waiter.try_take().map(|reply| PendingReply::new(self.client.clone_ref(py), reply, self.resp3))
    }

    /// Gives up waiting: unparks the call and returns its reply - the served one if serving
    /// won the race, else the command's timeout reply.
    fn cancel(&self, py: Python<'_>) -> PendingReply {
        let waiter = self.waiter.clone();
        let reply = py.detach(move || waiter.cancel());
        PendingReply::new(self.client.clone_ref(py), reply, self.resp3)
    }
}
