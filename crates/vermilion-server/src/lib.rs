//! Vermilion's network face: a Redis-compatible server speaking RESP2 and RESP3 over TCP, TLS and
//! unix sockets, on tokio.
//!
//! ```no_run
//! use vermilion_engine::{Config, Engine};
//! use vermilion_server::{serve, ServeOptions};
//!
//! let engine = Engine::open(Config::default()).unwrap();
//! let server = serve(engine, ServeOptions::default()).unwrap();
//! println!("listening on port {}", server.port());
//! ```
//!
//! Each connection is one engine [`Client`](vermilion_engine::Client); its commands run on the
//! connection's task and its replies are encoded per the protocol version it chose.

mod accept;
mod connection;
mod durability;
mod listener;
pub mod resp;
mod server;
mod settings;
mod tls;

pub use server::{serve, serve_with_tls, ServeOptions, ServerHandle};
pub use tls::{TlsAuthClients, TlsOptions};
