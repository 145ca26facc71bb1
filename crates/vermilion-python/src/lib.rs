//! `vermilion._native`: the engine in-process, for the `vermilion` Python package.
//!
//! The Python layer reuses redis-py for its command methods, callbacks and pipelines; this crate
//! supplies the transport (an engine [`Client`](client::Client) per redis-py connection), native
//! versions of the hottest commands ([`FastCommands`](fast::FastCommands)), and the network
//! server started on an in-process engine. It holds wrappers and conversions only, no engine logic.

mod argv;
mod client;
mod codec;
mod engine;
mod fast;
mod parked;
mod redis_py;
mod reply;
mod server;

use pyo3::prelude::*;

/// Counts allocations so `INFO memory` reports the extension's real usage.
#[global_allocator]
static ALLOC: vermilion_engine::alloc::Counting = vermilion_engine::alloc::Counting;

#[pymodule(gil_used = true)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", vermilion_engine::VERSION)?;
    m.add("REDIS_VERSION", vermilion_engine::REDIS_VERSION)?;
    m.add_class::<engine::Engine>()?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::PendingReply>()?;
    m.add_class::<fast::FastCommands>()?;
    m.add_class::<parked::Doorbell>()?;
    m.add_class::<parked::ParkedCall>()?;
    m.add_class::<server::Server>()?;
    m.add("CommandHeld", m.py().get_type::<client::CommandHeld>())?;
    Ok(())
}
