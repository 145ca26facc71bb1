//! Opening an engine and reading or changing its configuration from JS.

use std::collections::HashMap;
use std::sync::Arc;

use napi::bindgen_prelude::External;
use napi::{Error, Result};
use napi_derive::napi;
use vermilion_engine::{Clock, Config, Engine};

/// Opens an engine configured with Redis option names (`maxmemory`, `databases`, ...).
/// With `manualClockMs` the engine's clock stands still at that time until `engineAdvanceTime`.
#[napi]
pub fn open_engine(
    settings: HashMap<String, String>,
    manual_clock_ms: Option<i64>,
) -> Result<External<Arc<Engine>>> {
    let mut config = Config::default();
    // Sorted so that a failing option is reported the same way on every run.
    let mut settings: Vec<_> = settings.into_iter().collect();
    settings.sort();
    for (name, value) in &settings {
        config
            .set(name, value)
            .map_err(|e| Error::from_reason(format!("'{name}': {e}")))?;
    }
    let clock = manual_clock_ms.map_or(Clock::System, Clock::manual);
    let engine =
        Engine::open_with_clock(config, clock).map_err(|e| Error::from_reason(e.to_string()))?;
    Ok(External::new(engine))
}

/// The current value of one option, by its Redis name; `null` for unknown names.
#[napi]
pub fn engine_get_config(engine: &External<Arc<Engine>>, name: String) -> Option<String> {
    engine.config().get(&name)
}

/// Changes one option at run time, as `CONFIG SET` would.
#[napi]
pub fn engine_set_config(
    engine: &External<Arc<Engine>>,
    name: String,
    value: String,
) -> Result<()> {
    engine
        .set_config(&name, &value)
        .map_err(|e| Error::from_reason(e.to_string()))
}

/// Moves a manual clock forward; false for an engine on the system clock.
#[napi]
pub fn engine_advance_time(engine: &External<Arc<Engine>>, ms: i64) -> bool {
    engine.advance_time(ms)
}

/// Stops the engine's background work (active expiry); clients keep working.
#[napi]
pub fn engine_shutdown(engine: &External<Arc<Engine>>) {
    engine.shutdown();
}
