//! The network server on an in-process engine, so other processes share its data.

use std::path::PathBuf;

use parking_lot::Mutex;
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use vermilion_server::{serve, ServeOptions, ServerHandle};

use crate::engine::Engine;

/// A running server: TCP (and optionally a unix socket) in front of an engine. It serves from
/// its own background threads until `stop()` or until it is garbage-collected.
#[pyclass(module = "vermilion._native", frozen)]
pub struct Server {
    handle: Mutex<Option<ServerHandle>>,
    port: u16,
}

#[pymethods]
impl Server {
    /// Starts serving `engine`; returns once listening. `port=0` picks a free port.
    #[new]
    #[pyo3(signature = (engine, bind = vec!["127.0.0.1".to_string()], port = 0, unixsocket = None))]
    fn new(py: Python<'_>, engine: &Bound<'_, Engine>, bind: Vec<String>, port: u16, unixsocket: Option<PathBuf>) -> PyResult<Self> {
        let core = engine.get().core().clone();
        let options = ServeOptions { bind, port, unixsocket };
        // Binding may take a moment; other Python threads keep running meanwhile.
        let handle = py.detach(|| serve(core, options)).map_err(|e| PyOSError::new_err(e.to_string()))?;
        let port = handle.port();
        Ok(Server { handle: Mutex::new(Some(handle)), port })
    }

    /// The bound TCP port.
    #[getter]
    fn port(&self) -> u16 {
        self.port
    }

    /// Whether the server is still serving.
    #[getter]
    fn running(&self) -> bool {
        self.handle.lock().is_some()
    }

    /// Stops listening and closes every connection; idempotent.
    fn stop(&self, py: Python<'_>) {
        let handle = self.handle.lock().take();
        if let Some(handle) = handle {
            py.detach(move || {
                handle.stop();
                drop(handle);
            });
        }
    }
}
