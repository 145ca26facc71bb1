//! Serving an engine over TCP or a unix socket, so other processes share its data.

use std::path::PathBuf;
use std::sync::Arc;

use napi::bindgen_prelude::External;
use napi::{Error, Result};
use napi_derive::napi;
use vermilion_engine::Engine;
use vermilion_server::{ServeOptions, ServerHandle};

/// Starts serving `engine` on background threads; returns once every socket listens.
/// `bind` uses Redis's syntax (`*`, `-::1` for optional); port 0 picks a free port.
#[napi]
pub fn serve(
    engine: &External<Arc<Engine>>,
    bind: Vec<String>,
    port: u32,
    unixsocket: Option<String>,
) -> Result<External<ServerHandle>> {
    let port = u16::try_from(port)
        .map_err(|_| Error::from_reason(format!("port {port} is out of range")))?;
    let options = ServeOptions {
        bind,
        port,
        unixsocket: unixsocket.map(PathBuf::from),
    };
    let server = vermilion_server::serve(Arc::clone(engine), options)
        .map_err(|e| Error::from_reason(e.to_string()))?;
    Ok(External::new(server))
}

/// The TCP port served (the one picked when started with port 0).
#[napi]
pub fn server_port(server: &External<ServerHandle>) -> u32 {
    u32::from(server.port())
}

/// Stops listening and closes every connection; the engine keeps running.
#[napi]
pub fn server_stop(server: &External<ServerHandle>) {
    server.stop();
}
