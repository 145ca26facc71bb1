//! Vermilion's engine: a Redis-compatible keyspace and command set, embeddable in any process.
//!
//! Every face reaches the data through one seam:
//! [`Engine::open`] → [`Engine::connect`] → [`Client::execute`] → [`Reply`].

pub mod acl;
pub mod alloc;
pub mod blocking;
mod client;
pub mod clock;
pub mod commands;
pub mod config;
pub mod dict;
pub mod double;
pub mod eviction;
mod engine;
mod expire;
pub mod geo;
pub mod glob;
pub mod hll;
pub mod info;
pub mod keyspace;
pub mod persist;
pub mod pubsub;
pub mod reply;
pub mod stats;
pub mod tracking;
mod scripting;
pub mod types;
pub mod util;

pub use blocking::Waiter;
pub use client::{Client, ClientKind, ClientShared, ConnectionInfo, DurabilityWait, Outcome};
pub use clock::Clock;
pub use config::{Config, ConfigChange, ConfigError};
pub use engine::{ConfigApplier, Engine, EngineError, EngineStats, Loading, ShutdownListener};
pub use reply::Reply;

/// The Redis version Vermilion behaves as (what HELLO and INFO report as `redis_version`).
pub const REDIS_VERSION: &str = "7.2.4";
/// Vermilion's own version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
