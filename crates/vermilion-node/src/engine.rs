//! Opening an engine and reading or changing its configuration from JS.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

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
    open(settings, manual_clock_ms).map(External::new)
}

/// The engine called `name` in this process, shared by the main thread and every worker
/// thread. The first caller opens it with its settings and clock; later callers get the same
/// engine, with the settings they pass applied as `CONFIG SET` would.
#[napi]
pub fn open_named_engine(
    name: String,
    settings: HashMap<String, String>,
    manual_clock_ms: Option<i64>,
) -> Result<External<Arc<Engine>>> {
    let mut engines = named_engines()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(engine) = engines.get(&name) {
        for (option, value) in sorted(settings) {
            engine
                .set_config(&option, &value)
                .map_err(|e| Error::from_reason(format!("'{option}': {e}")))?;
        }
        return Ok(External::new(Arc::clone(engine)));
    }
    let engine = open(settings, manual_clock_ms)?;
    engines.insert(name, Arc::clone(&engine));
    Ok(External::new(engine))
}

/// Named engines live until the process exits, so a name means the same data for as long as
/// the process runs, whichever threads come and go.
fn named_engines() -> &'static Mutex<HashMap<String, Arc<Engine>>> {
    static ENGINES: OnceLock<Mutex<HashMap<String, Arc<Engine>>>> = OnceLock::new();
    ENGINES.get_or_init(Mutex::default)
}

fn open(settings: HashMap<String, String>, manual_clock_ms: Option<i64>) -> Result<Arc<Engine>> {
    let mut config = Config::default();
    for (name, value) in sorted(settings) {
        config
            .set(&name, &value)
            .map_err(|e| Error::from_reason(format!("'{name}': {e}")))?;
    }
    let clock = manual_clock_ms.map_or(Clock::System, Clock::manual);
    Engine::open_with_clock(config, clock).map_err(|e| Error::from_reason(e.to_string()))
}

/// Settings in name order, so that a failing option is reported the same way on every run.
fn sorted(settings: HashMap<String, String>) -> Vec<(String, String)> {
    let mut settings: Vec<_> = settings.into_iter().collect();
    settings.sort();
    settings
}

/// Whether two handles are the same engine.
#[napi]
pub fn same_engine(a: &External<Arc<Engine>>, b: &External<Arc<Engine>>) -> bool {
    Arc::ptr_eq(a, b)
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
