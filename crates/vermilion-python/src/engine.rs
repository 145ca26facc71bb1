//! The engine handle Python holds: open with Redis option names, inspect, reconfigure, stop.

use std::sync::Arc;

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use vermilion_engine::{Clock, Config, Engine as EngineCore};

/// An in-process engine. Every `Client` and `Server` on it sees the same data.
#[pyclass(module = "vermilion._native", frozen)]
pub struct Engine {
    core: Arc<EngineCore>,
}

impl Engine {
    pub fn core(&self) -> &Arc<EngineCore> {
        &self.core
    }
}

#[pymethods]
impl Engine {
    /// Opens an engine. `options` are `(name, value)` pairs with Redis's option names, applied
    /// after `config_text` (redis.conf syntax). `clock_ms` starts a manual clock at that time,
    /// which only `advance_time` moves (for deterministic expiry in tests).
    #[new]
    #[pyo3(signature = (options = Vec::new(), config_text = None, clock_ms = None))]
    fn new(options: Vec<(String, String)>, config_text: Option<&str>, clock_ms: Option<i64>) -> PyResult<Self> {
        let mut config = Config::default();
        if let Some(text) = config_text {
            config.apply_file_text(text).map_err(PyValueError::new_err)?;
        }
        for (name, value) in &options {
            config.set(name, value).map_err(|e| PyValueError::new_err(e.to_string()))?;
        }
        let clock = clock_ms.map_or(Clock::System, Clock::manual);
        let core = EngineCore::open_with_clock(config, clock).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        Ok(Engine { core })
    }

    /// One parameter's current value as text, or None for an unknown name.
    fn config_get(&self, name: &str) -> Option<String> {
        self.core.config().get(name)
    }

    /// Changes a parameter at run time, as `CONFIG SET` does.
    fn config_set(&self, name: &str, value: &str) -> PyResult<()> {
        self.core.set_config(name, value).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Moves a manual clock forward; False on the system clock.
    fn advance_time(&self, ms: i64) -> bool {
        self.core.advance_time(ms)
    }

    /// Milliseconds since the epoch on the engine's clock.
    fn now_ms(&self) -> i64 {
        self.core.now_ms()
    }

    /// Keys in database `db`.
    #[pyo3(signature = (db = 0))]
    fn dbsize(&self, db: usize) -> usize {
        self.core.dbsize(db)
    }

    /// Clients connected through every face.
    fn connected_clients(&self) -> usize {
        self.core.connected_clients()
    }

    /// Bytes allocated by this process's Rust code, as `INFO memory` counts them.
    #[staticmethod]
    fn allocated_bytes() -> Option<usize> {
        vermilion_engine::alloc::allocated_bytes()
    }

    /// Stops background work (active expiry and the like); clients keep working.
    fn shutdown(&self, py: Python<'_>) {
        let core = Arc::clone(&self.core);
        // Joining the background thread may wait for its current cycle.
        py.detach(move || core.shutdown());
    }
}
