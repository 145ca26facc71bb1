//! The configuration values the network layer consults on its hot paths, cached in atomics.
//!
//! `Engine::config()` copies the whole configuration, too much to do per request; a cron task
//! refreshes this cache ten times a second instead (Redis's default `hz`), so `CONFIG SET
//! proto-max-bulk-len` or `maxclients` takes effect within 100 ms.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use vermilion_engine::{Config, Engine};

use crate::durability::Durability;
use crate::tls::LiveTls;

/// How often the cache is refreshed from the engine's configuration.
pub(crate) const REFRESH_EVERY: Duration = Duration::from_millis(100);

#[derive(Debug, Default)]
pub(crate) struct LiveSettings {
    proto_max_bulk_len: AtomicU64,
    client_query_buffer_limit: AtomicU64,
    maxclients: AtomicU64,
    timeout_secs: AtomicU64,
    tcp_keepalive_secs: AtomicU64,
    protected_mode: AtomicBool,
}

impl LiveSettings {
    pub(crate) fn new(config: &Config) -> Self {
        let settings = LiveSettings::default();
        settings.update(config);
        settings
    }

    pub(crate) fn update(&self, config: &Config) {
        let store = |slot: &AtomicU64, value: u64| slot.store(value, Ordering::Relaxed);
        store(&self.proto_max_bulk_len, config.proto_max_bulk_len);
        store(&self.client_query_buffer_limit, config.client_query_buffer_limit);
        store(&self.maxclients, config.maxclients);
        store(&self.timeout_secs, config.timeout);
        store(&self.tcp_keepalive_secs, config.tcp_keepalive);
        self.protected_mode.store(config.protected_mode, Ordering::Relaxed);
    }

    /// `proto-max-bulk-len`: the longest argument a request may carry.
    pub(crate) fn proto_max_bulk_len(&self) -> u64 {
        self.proto_max_bulk_len.load(Ordering::Relaxed)
    }

    /// `client-query-buffer-limit`: the most a client may have sent without it being a whole request.
    pub(crate) fn client_query_buffer_limit(&self) -> u64 {
        self.client_query_buffer_limit.load(Ordering::Relaxed)
    }

    pub(crate) fn maxclients(&self) -> u64 {
        self.maxclients.load(Ordering::Relaxed)
    }

    /// `timeout`: how long a client may stay idle before it is disconnected (`None`: forever).
    pub(crate) fn idle_timeout(&self) -> Option<Duration> {
        match self.timeout_secs.load(Ordering::Relaxed) {
            0 => None,
            secs => Some(Duration::from_secs(secs)),
        }
    }

    /// `protected-mode`: turn away non-local clients while the default user has no password.
    pub(crate) fn protected_mode(&self) -> bool {
        self.protected_mode.load(Ordering::Relaxed)
    }

    /// `tcp-keepalive`: the TCP keepalive period for new connections (`None`: off).
    pub(crate) fn tcp_keepalive(&self) -> Option<Duration> {
        match self.tcp_keepalive_secs.load(Ordering::Relaxed) {
            0 => None,
            secs => Some(Duration::from_secs(secs)),
        }
    }
}

/// What every connection task shares: the engine, the cached settings, the TLS context, and
/// whether the server is stopping.
pub(crate) struct ServerState {
    pub(crate) engine: Arc<Engine>,
    pub(crate) settings: LiveSettings,
    pub(crate) tls: LiveTls,
    /// Set when a client sent SHUTDOWN: connections close without another reply.
    pub(crate) stopping: AtomicBool,
    /// Group commit of `appendfsync always` across connections.
    pub(crate) durability: Durability,
}

impl ServerState {
    pub(crate) fn new(engine: Arc<Engine>, tls: LiveTls) -> Self {
        let settings = LiveSettings::new(&engine.config());
        ServerState { engine, settings, tls, stopping: AtomicBool::new(false), durability: Durability::new() }
    }

    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }
}

/// Keeps the cached settings in step with the engine's configuration until the runtime stops.
pub(crate) async fn refresh_settings(state: Arc<ServerState>) {
    let mut ticks = tokio::time::interval(REFRESH_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        state.settings.update(&state.engine.config());
    }
}
