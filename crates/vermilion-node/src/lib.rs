//! The Node face of Vermilion: a napi-rs addon that runs commands on an in-process engine.
//!
//! The JS layer (`node/`) reuses ioredis for its command surface and reply shaping; this crate
//! only carries arguments in, replies out, and lifetimes across. Commands run synchronously on
//! the JS thread: a thread hop costs far more than any non-blocking command.
//!
//! Everything is exposed as free functions taking a handle (an `External`), which napi calls
//! much more cheaply than class methods; the per-command path is cheaper still, a function bound
//! to its client (see `executor`).

// Unit tests do not register the napi functions, which then look unused.
#![cfg_attr(test, allow(dead_code))]

#[global_allocator]
static ALLOC: vermilion_engine::alloc::Counting = vermilion_engine::alloc::Counting;

mod argv;
mod engine;
mod errors;
mod executor;
mod helpers;
mod pushes;
mod reply;
mod server;
mod session;
