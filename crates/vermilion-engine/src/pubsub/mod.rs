//! Pub/Sub: who listens to which channel or pattern, and delivery of published messages.
//!
//! The registry lives in the keyspace, so PUBLISH, keyspace events and (un)subscribing are
//! ordered with every other command. Delivery only appends to each subscriber's [`Mailbox`];
//! the subscriber's face sends it on its own time.

pub mod mailbox;
pub mod notify;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use ahash::AHashMap;
use indexmap::IndexSet;

use crate::client::ClientShared;
use crate::glob::glob_match;
use crate::reply::Reply;
pub use mailbox::{Delivery, Mailbox, OutputLimit};
pub use notify::{class, LiveSettings};

/// The three namespaces a client can subscribe in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SUBSCRIBE / PUBLISH.
    Channel,
    /// PSUBSCRIBE: glob patterns matched against published channels.
    Pattern,
    /// SSUBSCRIBE / SPUBLISH (shard channels; one shard here).
    Shard,
}

impl Kind {
    /// The confirmation frame names: `subscribe`/`unsubscribe` and friends.
    fn verbs(self) -> (&'static str, &'static str) {
        match self {
            Kind::Channel => ("subscribe", "unsubscribe"),
            Kind::Pattern => ("psubscribe", "punsubscribe"),
            Kind::Shard => ("ssubscribe", "sunsubscribe"),
        }
    }
}

/// A client's own subscriptions, in the order it made them.
#[derive(Debug, Default)]
pub struct Subscriptions {
    channels: IndexSet<Vec<u8>>,
    patterns: IndexSet<Vec<u8>>,
    shard_channels: IndexSet<Vec<u8>>,
}

impl Subscriptions {
    fn of(&self, kind: Kind) -> &IndexSet<Vec<u8>> {
        match kind {
            Kind::Channel => &self.channels,
            Kind::Pattern => &self.patterns,
            Kind::Shard => &self.shard_channels,
        }
    }

    fn of_mut(&mut self, kind: Kind) -> &mut IndexSet<Vec<u8>> {
        match kind {
            Kind::Channel => &mut self.channels,
            Kind::Pattern => &mut self.patterns,
            Kind::Shard => &mut self.shard_channels,
        }
    }

    /// The count a confirmation frame carries: channels plus patterns, or shard channels alone
    /// (as Redis counts them).
    fn count_for(&self, kind: Kind) -> usize {
        match kind {
            Kind::Channel | Kind::Pattern => self.channels.len() + self.patterns.len(),
            Kind::Shard => self.shard_channels.len(),
        }
    }

    /// Whether the client is in subscriber mode (RESP2 then accepts only a few commands).
    pub fn any(&self) -> bool {
        !(self.channels.is_empty() && self.patterns.is_empty() && self.shard_channels.is_empty())
    }

    pub fn len(&self, kind: Kind) -> usize {
        self.of(kind).len()
    }
}

type Subscribers = Vec<Arc<ClientShared>>;

/// Every subscription of every client.
#[derive(Default)]
pub struct PubSub {
    channels: AHashMap<Vec<u8>, Subscribers>,
    patterns: AHashMap<Vec<u8>, Subscribers>,
    shard_channels: AHashMap<Vec<u8>, Subscribers>,
    /// Event classes and output limits, shared with the engine's CONFIG SET.
    pub settings: Arc<LiveSettings>,
}

impl PubSub {
    pub fn new(settings: Arc<LiveSettings>) -> Self {
        PubSub { settings, ..PubSub::default() }
    }

    fn table(&mut self, kind: Kind) -> &mut AHashMap<Vec<u8>, Subscribers> {
        match kind {
            Kind::Channel => &mut self.channels,
            Kind::Pattern => &mut self.patterns,
            Kind::Shard => &mut self.shard_channels,
        }
    }

    /// Subscribes a client; returns the confirmation frame.
    pub fn subscribe(&mut self, subs: &mut Subscriptions, client: &Arc<ClientShared>, kind: Kind, name: &[u8]) -> Reply {
        if subs.of_mut(kind).insert(name.to_vec()) {
            self.table(kind).entry(name.to_vec()).or_default().push(Arc::clone(client));
        }
        client.set_subscription_counts(subs);
        confirmation(kind.verbs().0, Some(name), subs.count_for(kind))
    }

    /// Unsubscribes a client from one name (a name it never subscribed still gets a frame).
    pub fn unsubscribe(&mut self, subs: &mut Subscriptions, client: &Arc<ClientShared>, kind: Kind, name: &[u8]) -> Reply {
        if subs.of_mut(kind).shift_remove(name) {
            let table = self.table(kind);
            if let Some(list) = table.get_mut(name) {
                list.retain(|c| c.id != client.id);
                if list.is_empty() {
                    table.remove(name);
                }
            }
        }
        client.set_subscription_counts(subs);
        confirmation(kind.verbs().1, Some(name), subs.count_for(kind))
    }

    /// Unsubscribes a client from everything of one kind; one frame per name, or a single frame
    /// with a null name when there was nothing to leave.
    pub fn unsubscribe_all(&mut self, subs: &mut Subscriptions, client: &Arc<ClientShared>, kind: Kind) -> Vec<Reply> {
        let names: Vec<Vec<u8>> = subs.of(kind).iter().cloned().collect();
        if names.is_empty() {
            return vec![confirmation(kind.verbs().1, None, subs.count_for(kind))];
        }
        names.iter().map(|name| self.unsubscribe(subs, client, kind, name)).collect()
    }

    /// Drops every subscription of a client that is going away.
    pub fn forget(&mut self, subs: &mut Subscriptions, client: &Arc<ClientShared>) {
        for kind in [Kind::Channel, Kind::Pattern, Kind::Shard] {
            if !subs.of(kind).is_empty() {
                self.unsubscribe_all(subs, client, kind);
            }
        }
    }

    /// Delivers `message` to the subscribers of `channel` (and of matching patterns); returns
    /// how many received it.
    pub fn publish(&self, channel: &[u8], message: &[u8], now_ms: i64) -> usize {
        let mut receivers = 0;
        let size = channel.len() + message.len() + 32;
        if let Some(list) = self.channels.get(channel) {
            for client in list {
                let frame = Reply::Push(vec![Reply::bulk("message"), Reply::bulk(channel), Reply::bulk(message)]);
                self.deliver(client, frame, size, now_ms);
                receivers += 1;
            }
        }
        for (pattern, list) in &self.patterns {
            if !glob_match(pattern, channel, false) {
                continue;
            }
            for client in list {
                let frame = Reply::Push(vec![
                    Reply::bulk("pmessage"),
                    Reply::bulk(pattern.as_slice()),
                    Reply::bulk(channel),
                    Reply::bulk(message),
                ]);
                self.deliver(client, frame, size + pattern.len(), now_ms);
                receivers += 1;
            }
        }
        receivers
    }

    /// SPUBLISH: delivers to the subscribers of a shard channel.
    pub fn publish_shard(&self, channel: &[u8], message: &[u8], now_ms: i64) -> usize {
        let Some(list) = self.shard_channels.get(channel) else { return 0 };
        let size = channel.len() + message.len() + 32;
        for client in list {
            let frame = Reply::Push(vec![Reply::bulk("smessage"), Reply::bulk(channel), Reply::bulk(message)]);
            self.deliver(client, frame, size, now_ms);
        }
        list.len()
    }

    fn deliver(&self, client: &ClientShared, frame: Reply, size: usize, now_ms: i64) {
        if client.mailbox.deliver(frame, size, self.settings.pubsub_limit(), now_ms) == Delivery::Overflowed {
            // Redis closes a subscriber past its output buffer limit; the publisher carries on.
            client.kill();
        }
    }

    /// Whether anyone listens at all (keyspace events are skipped cheaply when nobody does).
    pub fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.patterns.is_empty()
    }

    /// Active channels (those with at least one subscriber) matching an optional pattern.
    pub fn channel_names(&self, kind: Kind, pattern: Option<&[u8]>) -> Vec<Vec<u8>> {
        let table = match kind {
            Kind::Shard => &self.shard_channels,
            _ => &self.channels,
        };
        table.keys().filter(|name| pattern.is_none_or(|p| glob_match(p, name, false))).cloned().collect()
    }

    /// Subscribers of one channel.
    pub fn subscriber_count(&self, kind: Kind, channel: &[u8]) -> usize {
        let table = match kind {
            Kind::Shard => &self.shard_channels,
            _ => &self.channels,
        };
        table.get(channel).map_or(0, Vec::len)
    }

    /// Number of distinct patterns subscribed by anyone (PUBSUB NUMPAT).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Total subscriptions, for INFO (`pubsub_channels`, `pubsub_patterns`, `pubsubshard_channels`).
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.channels.len(), self.patterns.len(), self.shard_channels.len())
    }
}

/// `subscribe <name> <count>` and its siblings; a null name when unsubscribing from nothing.
fn confirmation(verb: &'static str, name: Option<&[u8]>, count: usize) -> Reply {
    let name = name.map_or(Reply::Null, Reply::bulk);
    Reply::Push(vec![Reply::bulk(verb), name, Reply::Integer(count as i64)])
}

impl ClientShared {
    /// Mirrors a client's subscription counts for CLIENT LIST (`sub=`, `psub=`, `ssub=`).
    pub(crate) fn set_subscription_counts(&self, subs: &Subscriptions) {
        self.subscriptions[0].store(subs.len(Kind::Channel), Ordering::Relaxed);
        self.subscriptions[1].store(subs.len(Kind::Pattern), Ordering::Relaxed);
        self.subscriptions[2].store(subs.len(Kind::Shard), Ordering::Relaxed);
    }
}
