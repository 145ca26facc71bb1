//! A client's queue of out-of-band messages (pub/sub messages, keyspace events, invalidations).
//!
//! Publishers append under the keyspace lock and never wait on the subscriber: the face is woken
//! through a hook and drains the queue on its own thread. A subscriber that falls too far behind
//! is cut off by the `client-output-buffer-limit pubsub` rule instead of growing without bound.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use crate::reply::Reply;

/// `client-output-buffer-limit` for one client class: a hard limit, and a soft limit that may be
/// exceeded for at most `soft_seconds`. Zero disables a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputLimit {
    pub hard_bytes: u64,
    pub soft_bytes: u64,
    pub soft_seconds: u64,
}

impl OutputLimit {
    /// Redis's default for pub/sub clients: `pubsub 32mb 8mb 60`.
    pub const PUBSUB_DEFAULT: OutputLimit =
        OutputLimit { hard_bytes: 32 * 1024 * 1024, soft_bytes: 8 * 1024 * 1024, soft_seconds: 60 };
}

/// What happened to a message offered to a mailbox.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Queued,
    /// The mailbox is closed (its client is gone or was cut off): the message is dropped.
    Closed,
    /// The message pushed the backlog past the limit: the mailbox closed itself and the client
    /// must be disconnected.
    Overflowed,
}

type Waker = Arc<dyn Fn() + Send + Sync>;

#[derive(Default)]
struct Queue {
    messages: VecDeque<Reply>,
    /// Messages that go out right after the reply of the command now running (a client's
    /// invalidation of a key it changed itself follows that command's reply, as in Redis).
    after_reply: Vec<Reply>,
    /// Approximate bytes the queued messages take on the wire (`omem` for limits).
    bytes: u64,
    /// When the backlog first went over the soft limit, if it still is.
    over_soft_since_ms: Option<i64>,
    closed: bool,
}

/// One client's inbox of pushed messages.
#[derive(Default)]
pub struct Mailbox {
    queue: Mutex<Queue>,
    /// How many messages are queued, readable without the lock: faces check it around every
    /// command.
    queued: AtomicUsize,
    arrived: Condvar,
    waker: Mutex<Option<Waker>>,
}

impl Mailbox {
    /// Registers what to call when a message arrives in an empty mailbox (e.g. wake the face's
    /// connection task). Called from the publisher's thread: it must not block.
    pub fn set_waker(&self, waker: impl Fn() + Send + Sync + 'static) {
        *self.waker.lock() = Some(Arc::new(waker));
    }

    /// Queues a message of about `size` bytes, enforcing `limit` at time `now_ms`.
    pub(crate) fn deliver(&self, message: Reply, size: usize, limit: OutputLimit, now_ms: i64) -> Delivery {
        let was_empty = {
            let mut queue = self.queue.lock();
            if queue.closed {
                return Delivery::Closed;
            }
            queue.bytes += size as u64;
            if exceeds(&mut queue, limit, now_ms) {
                queue.closed = true;
                queue.messages.clear();
                queue.after_reply.clear();
                queue.bytes = 0;
                self.queued.store(0, Ordering::Release);
                return Delivery::Overflowed;
            }
            queue.messages.push_back(message);
            self.queued.fetch_add(1, Ordering::Release);
            queue.messages.len() == 1
        };
        if was_empty {
            self.arrived.notify_all();
            let waker = self.waker.lock().clone();
            if let Some(wake) = waker {
                wake();
            }
        }
        Delivery::Queued
    }

    /// Queues a message to follow the reply of the command this client is running.
    pub(crate) fn deliver_after_reply(&self, message: Reply) {
        let mut queue = self.queue.lock();
        if !queue.closed {
            queue.after_reply.push(message);
            self.queued.fetch_add(1, Ordering::Release);
        }
    }

    /// Takes every queued message, oldest first.
    pub fn drain(&self) -> Vec<Reply> {
        let mut queue = self.queue.lock();
        let mut out: Vec<Reply> = queue.messages.drain(..).collect();
        out.append(&mut queue.after_reply);
        self.reset(&mut queue);
        out
    }

    /// Takes the messages that go out before the reply of the command just run (everything
    /// but what [`Mailbox::deliver_after_reply`] queued).
    pub fn drain_before_reply(&self) -> Vec<Reply> {
        let mut queue = self.queue.lock();
        let out: Vec<Reply> = queue.messages.drain(..).collect();
        let left = queue.after_reply.len();
        self.reset(&mut queue);
        self.queued.store(left, Ordering::Release);
        out
    }

    fn reset(&self, queue: &mut Queue) {
        queue.bytes = 0;
        queue.over_soft_since_ms = None;
        self.queued.store(0, Ordering::Release);
    }

    pub fn is_empty(&self) -> bool {
        self.queued.load(Ordering::Acquire) == 0
    }

    /// Number of queued messages (`oll` in CLIENT LIST).
    pub fn len(&self) -> usize {
        self.queued.load(Ordering::Acquire)
    }

    /// Bytes of queued messages (`omem` in CLIENT LIST).
    pub fn bytes(&self) -> u64 {
        self.queue.lock().bytes
    }

    /// Waits until a message is queued or `timeout` passes (forever when `None`); true if one is.
    pub fn wait(&self, timeout: Option<Duration>) -> bool {
        let mut queue = self.queue.lock();
        match timeout {
            None => {
                while queue.messages.is_empty() && !queue.closed {
                    self.arrived.wait(&mut queue);
                }
            }
            Some(timeout) => {
                if queue.messages.is_empty() && !queue.closed {
                    self.arrived.wait_for(&mut queue, timeout);
                }
            }
        }
        !queue.messages.is_empty()
    }

    /// Wakes anyone waiting without queueing anything (the client is going away).
    pub fn interrupt(&self) {
        self.arrived.notify_all();
        let waker = self.waker.lock().clone();
        if let Some(wake) = waker {
            wake();
        }
    }

    /// Closes the mailbox for good (its client is gone): waiters wake, new messages are dropped,
    /// and the waker is released (it may hold a reference back to the face).
    pub(crate) fn close(&self) {
        {
            let mut queue = self.queue.lock();
            queue.closed = true;
            queue.messages.clear();
            queue.after_reply.clear();
            queue.bytes = 0;
            self.queued.store(0, Ordering::Release);
        }
        self.arrived.notify_all();
        self.waker.lock().take();
    }

    /// Whether the client is gone or was cut off for falling behind.
    pub fn is_closed(&self) -> bool {
        self.queue.lock().closed
    }
}

/// Whether the backlog breaks the limit: over the hard limit, or over the soft one for longer
/// than allowed.
fn exceeds(queue: &mut Queue, limit: OutputLimit, now_ms: i64) -> bool {
    if limit.hard_bytes != 0 && queue.bytes >= limit.hard_bytes {
        return true;
    }
    if limit.soft_bytes == 0 || queue.bytes < limit.soft_bytes {
        queue.over_soft_since_ms = None;
        return false;
    }
    let since = *queue.over_soft_since_ms.get_or_insert(now_ms);
    now_ms - since > (limit.soft_seconds as i64) * 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> Reply {
        Reply::Push(vec![Reply::bulk("message"), Reply::bulk("ch"), Reply::bulk(text)])
    }

    #[test]
    fn wakes_once_per_empty_to_non_empty_transition() {
        let mailbox = Mailbox::default();
        let wakes = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&wakes);
        mailbox.set_waker(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let limit = OutputLimit::default();
        assert_eq!(mailbox.deliver(message("a"), 10, limit, 0), Delivery::Queued);
        assert_eq!(mailbox.deliver(message("b"), 10, limit, 0), Delivery::Queued);
        assert_eq!(wakes.load(Ordering::Relaxed), 1);
        assert_eq!(mailbox.drain(), vec![message("a"), message("b")]);
        mailbox.deliver(message("c"), 10, limit, 0);
        assert_eq!(wakes.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn hard_limit_closes_the_mailbox() {
        let mailbox = Mailbox::default();
        let limit = OutputLimit { hard_bytes: 25, soft_bytes: 0, soft_seconds: 0 };
        assert_eq!(mailbox.deliver(message("a"), 10, limit, 0), Delivery::Queued);
        assert_eq!(mailbox.deliver(message("b"), 10, limit, 0), Delivery::Queued);
        assert_eq!(mailbox.deliver(message("c"), 10, limit, 0), Delivery::Overflowed);
        assert!(mailbox.is_empty());
        assert_eq!(mailbox.deliver(message("d"), 1, limit, 0), Delivery::Closed);
    }

    #[test]
    fn soft_limit_allows_a_grace_period() {
        let mailbox = Mailbox::default();
        let limit = OutputLimit { hard_bytes: 0, soft_bytes: 15, soft_seconds: 2 };
        assert_eq!(mailbox.deliver(message("a"), 10, limit, 0), Delivery::Queued);
        assert_eq!(mailbox.deliver(message("b"), 10, limit, 1_000), Delivery::Queued);
        assert_eq!(mailbox.deliver(message("c"), 10, limit, 3_000), Delivery::Queued);
        assert_eq!(mailbox.deliver(message("d"), 10, limit, 3_001), Delivery::Overflowed);
    }

    #[test]
    fn draining_resets_the_soft_limit_clock() {
        let mailbox = Mailbox::default();
        let limit = OutputLimit { hard_bytes: 0, soft_bytes: 15, soft_seconds: 2 };
        mailbox.deliver(message("a"), 20, limit, 0);
        mailbox.drain();
        assert_eq!(mailbox.deliver(message("b"), 20, limit, 5_000), Delivery::Queued);
        assert_eq!(mailbox.deliver(message("c"), 1, limit, 6_000), Delivery::Queued);
    }

    #[test]
    fn wait_returns_when_a_message_arrives() {
        let mailbox = Arc::new(Mailbox::default());
        let sender = Arc::clone(&mailbox);
        let thread = std::thread::spawn(move || {
            sender.deliver(message("x"), 1, OutputLimit::default(), 0);
        });
        assert!(mailbox.wait(Some(Duration::from_secs(10))));
        thread.join().unwrap();
        assert!(!Mailbox::default().wait(Some(Duration::from_millis(1))));
    }
}
