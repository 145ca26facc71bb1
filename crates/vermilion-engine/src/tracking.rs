//! Client-side caching: which clients may hold which keys, and their invalidation messages.
//!
//! As in Redis, a tracking client is told when a key it may have cached changes: in default
//! mode the keys its read-only commands touched are remembered (across databases, like Redis's
//! single tracking table); in BCAST mode it hears about every key under its prefixes. The
//! message is a RESP3 `invalidate` push, or — redirected to a RESP2 client listening to pub/sub —
//! a `message` on `__redis__:invalidate`.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use ahash::{AHashMap, AHashSet};

use crate::client::ClientShared;
use crate::pubsub::OutputLimit;
use crate::reply::Reply;

/// The channel RESP2 clients subscribe to for redirected invalidations.
pub const INVALIDATE_CHANNEL: &str = "__redis__:invalidate";

/// What `CLIENT TRACKING ON` asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackingOptions {
    pub bcast: bool,
    pub optin: bool,
    pub optout: bool,
    pub noloop: bool,
    /// The client that receives the invalidations instead of this one.
    pub redirect: Option<u64>,
    pub prefixes: Vec<Vec<u8>>,
}

/// A client's own tracking state.
#[derive(Debug, Default)]
pub struct ClientTracking {
    pub options: TrackingOptions,
    /// `CLIENT CACHING yes|no`, applying to the next command only.
    pub caching: Option<bool>,
}

impl ClientTracking {
    /// Whether the keys of the read-only command now running are to be remembered.
    pub fn remembers_reads(&self) -> bool {
        let o = &self.options;
        !o.bcast && (!(o.optin || o.optout) || (o.optin && self.caching == Some(true)) || (o.optout && self.caching != Some(false)))
    }
}

/// A tracking client as the table sees it.
struct Tracker {
    client: Arc<ClientShared>,
    redirect: Option<(u64, Arc<ClientShared>)>,
    noloop: bool,
}

/// Every tracking client and what it may have cached.
#[derive(Default)]
pub struct TrackingTable {
    trackers: AHashMap<u64, Tracker>,
    /// Default mode: key → clients that read it since it last changed.
    readers: AHashMap<Vec<u8>, AHashSet<u64>>,
    /// BCAST mode: prefix → clients listening under it (the empty prefix matches every key).
    prefixes: Vec<(Vec<u8>, Vec<u64>)>,
}

impl TrackingTable {
    pub fn is_empty(&self) -> bool {
        self.trackers.is_empty()
    }

    /// Clients with tracking on (`tracking_clients` in INFO).
    pub fn client_count(&self) -> usize {
        self.trackers.len()
    }

    /// Keys remembered, client–key pairs, and BCAST prefixes (INFO's `tracking_total_*`).
    pub fn totals(&self) -> (usize, usize, usize) {
        let items = self.readers.values().map(|ids| ids.len()).sum();
        (self.readers.len(), items, self.prefixes.len())
    }

    /// Starts (or updates) tracking for a client; `redirect` is the target client, found by id.
    pub fn enable(&mut self, client: &Arc<ClientShared>, options: &TrackingOptions, redirect: Option<Arc<ClientShared>>) {
        self.forget_prefixes(client.id);
        if options.bcast {
            let prefixes = if options.prefixes.is_empty() { vec![Vec::new()] } else { options.prefixes.clone() };
            for prefix in prefixes {
                match self.prefixes.iter_mut().find(|(p, _)| *p == prefix) {
                    Some((_, ids)) => ids.push(client.id),
                    None => self.prefixes.push((prefix, vec![client.id])),
                }
            }
        }
        let redirect = options.redirect.zip(redirect);
        self.trackers.insert(client.id, Tracker { client: Arc::clone(client), redirect, noloop: options.noloop });
    }

    /// Stops tracking for a client. Its entries among the readers are dropped lazily.
    pub fn disable(&mut self, id: u64) {
        self.trackers.remove(&id);
        self.forget_prefixes(id);
    }

    fn forget_prefixes(&mut self, id: u64) {
        for (_, ids) in &mut self.prefixes {
            ids.retain(|&other| other != id);
        }
        self.prefixes.retain(|(_, ids)| !ids.is_empty());
    }

    /// Remembers that client `id` read `key`.
    pub fn remember(&mut self, id: u64, key: &[u8]) {
        match self.readers.get_mut(key) {
            Some(ids) => {
                ids.insert(id);
            }
            None => {
                self.readers.insert(key.to_vec(), AHashSet::from([id]));
            }
        }
    }

    /// Tells every client that may hold `key` that it changed; `modifier` is the client whose
    /// command changed it (NOLOOP clients are not told of their own changes).
    pub fn invalidate(&mut self, key: &[u8], modifier: Option<u64>) {
        if self.trackers.is_empty() {
            return;
        }
        let told = |id: &u64| self.trackers.get(id).filter(|t| !(t.noloop && Some(*id) == modifier));
        if let Some(ids) = self.readers.remove(key) {
            for tracker in ids.iter().filter_map(told) {
                send(tracker, Reply::Array(vec![Reply::bulk(key)]), modifier);
            }
        }
        for (prefix, ids) in &self.prefixes {
            if key.starts_with(prefix) {
                for tracker in ids.iter().filter_map(told) {
                    send(tracker, Reply::Array(vec![Reply::bulk(key)]), modifier);
                }
            }
        }
    }

    /// After FLUSHDB / FLUSHALL by `modifier`: every tracking client drops its whole cache (a
    /// null invalidation).
    pub fn invalidate_all(&mut self, modifier: u64) {
        self.readers.clear();
        for tracker in self.trackers.values() {
            send(tracker, Reply::Null, Some(modifier));
        }
    }
}

/// Sends one invalidation (`keys` is an array of keys, or null for "everything"). A client
/// told of its own change hears it right after the reply of the command that made it.
fn send(tracker: &Tracker, keys: Reply, modifier: Option<u64>) {
    let target = match &tracker.redirect {
        None if modifier == Some(tracker.client.id) => {
            if tracker.client.resp.load(Ordering::Relaxed) >= 3 {
                tracker.client.mailbox.deliver_after_reply(Reply::Push(vec![Reply::bulk("invalidate"), keys]));
            }
            return;
        }
        None => &tracker.client,
        Some((id, target)) if target.is_killed() || target.mailbox.is_closed() => {
            // The redirect target is gone: a RESP3 client is told, as Redis does.
            if tracker.client.resp.load(Ordering::Relaxed) >= 3 {
                let frame = Reply::Push(vec![Reply::bulk("tracking-redir-broken"), Reply::Integer(*id as i64)]);
                tracker.client.mailbox.deliver(frame, 40, OutputLimit::default(), 0);
            }
            return;
        }
        Some((_, target)) => target,
    };
    let size = 48 + match &keys {
        Reply::Array(items) => items.iter().map(|k| if let Reply::Bulk(b) = k { b.len() } else { 0 }).sum(),
        _ => 0,
    };
    let frame = if target.resp.load(Ordering::Relaxed) >= 3 {
        Reply::Push(vec![Reply::bulk("invalidate"), keys])
    } else if target.is_subscriber() {
        Reply::Push(vec![Reply::bulk("message"), Reply::bulk(INVALIDATE_CHANNEL), keys])
    } else {
        // A RESP2 client outside pub/sub has no way to receive it.
        return;
    };
    target.mailbox.deliver(frame, size, OutputLimit::default(), 0);
}

/// Why `CLIENT TRACKING ON` prefixes were refused: the overlapping pair (new, existing).
pub fn overlapping_prefix<'a>(prefixes: &'a [Vec<u8>], existing: &'a [Vec<u8>]) -> Option<(&'a [u8], &'a [u8], bool)> {
    for (i, p) in prefixes.iter().enumerate() {
        for q in existing {
            if p.starts_with(q) || q.starts_with(p) {
                return Some((p, q, true));
            }
        }
        for q in &prefixes[i + 1..] {
            if p.starts_with(q) || q.starts_with(p) {
                return Some((p, q, false));
            }
        }
    }
    None
}
