//! `appendfsync always` for the network face: replies wait until the writes they acknowledge
//! are on disk, and every connection's writes share each fsync (group commit), as Redis's one
//! fsync per event-loop turn does.
//!
//! One thread does the fsyncs: it takes the highest log offset asked for, syncs the log up to
//! at least there, and announces the offset on a watch channel that connections await. Requests
//! that arrive during an fsync are served together by the next one, and when the last fsync
//! served several, the next one first waits a few tens of microseconds while more keep coming.
//! Waiting costs a connection no thread of its own. Measured (`bench/aof_bench.py`, 50 clients):
//! 0.11–0.28x Redis's rate with the fsync inside each command, 0.63–0.70x now; one client 0.75x.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use tokio::sync::watch;
use vermilion_engine::DurabilityWait;

/// An fsync waits this long for another request before starting…
const GATHER_QUIET: Duration = Duration::from_micros(50);
/// …and never longer than this in all.
const GATHER_AT_MOST: Duration = Duration::from_micros(500);

/// The fsync service shared by a server's connections; its thread starts with the first wait
/// and ends when the server's state is dropped.
pub(crate) struct Durability {
    shared: Arc<Shared>,
    thread: OnceLock<()>,
}

struct Shared {
    requests: Mutex<Requests>,
    wake: Condvar,
    /// The highest offset known to be durable.
    synced: watch::Sender<u64>,
}

#[derive(Default)]
struct Requests {
    /// The request with the highest offset not yet taken by the fsync thread.
    pending: Option<DurabilityWait>,
    /// Requests made since the fsync thread last took one.
    made: usize,
    closed: bool,
}

impl Durability {
    pub(crate) fn new() -> Self {
        let shared = Shared { requests: Mutex::new(Requests::default()), wake: Condvar::new(), synced: watch::Sender::new(0) };
        Durability { shared: Arc::new(shared), thread: OnceLock::new() }
    }

    /// Waits, without holding a thread, until the log is durable up to `wait`'s offset.
    pub(crate) async fn wait(&self, wait: DurabilityWait) {
        let offset = wait.offset();
        let mut synced = self.shared.synced.subscribe();
        if *synced.borrow() >= offset {
            return;
        }
        self.thread.get_or_init(|| {
            let shared = Arc::clone(&self.shared);
            std::thread::Builder::new().name("aof-fsync".into()).spawn(move || shared.run()).expect("the fsync thread starts");
        });
        {
            let mut requests = self.shared.requests.lock();
            requests.made += 1;
            if requests.pending.as_ref().is_none_or(|p| p.offset() < offset) {
                requests.pending = Some(wait);
            }
        }
        self.shared.wake.notify_one();
        // The sender lives in `shared`, which this service holds for as long as it is awaited.
        let _ = synced.wait_for(|&durable| durable >= offset).await;
    }
}

impl Drop for Durability {
    fn drop(&mut self) {
        self.shared.requests.lock().closed = true;
        self.shared.wake.notify_one();
    }
}

impl Shared {
    /// Waits while further requests keep arriving, up to [`GATHER_AT_MOST`].
    fn gather(&self, requests: &mut parking_lot::MutexGuard<'_, Requests>) {
        let started = Instant::now();
        loop {
            let before = requests.pending.as_ref().map_or(0, DurabilityWait::offset);
            let timed_out = self.wake.wait_for(requests, GATHER_QUIET).timed_out();
            let after = requests.pending.as_ref().map_or(0, DurabilityWait::offset);
            if (timed_out && after == before) || started.elapsed() >= GATHER_AT_MOST {
                return;
            }
        }
    }

    fn run(&self) {
        // Whether the last fsync served several requests: only then is it worth waiting to
        // gather more (a lone writer gets its fsync at once).
        let mut busy = false;
        loop {
            let wait = {
                let mut requests = self.requests.lock();
                loop {
                    if requests.pending.is_some() {
                        break;
                    }
                    if requests.closed {
                        return;
                    }
                    self.wake.wait(&mut requests);
                }
                // Under load, more writes arrive within microseconds: gather them into this
                // fsync while they keep coming, up to a bound, as PostgreSQL's commit_delay.
                if busy {
                    self.gather(&mut requests);
                }
                busy = std::mem::take(&mut requests.made) > 1;
                requests.pending.take().expect("a request is pending")
            };
            let offset = wait.offset();
            // Syncs up to everything written so far, which covers `offset` (a failed fsync is
            // logged by the engine).
            wait.wait();
            self.synced.send_modify(|durable| *durable = (*durable).max(offset));
        }
    }
}
