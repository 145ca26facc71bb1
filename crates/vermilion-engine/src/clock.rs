//! The engine's clock: the system clock, or a manual one that tests advance without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, from the system or from a manually driven counter.
#[derive(Debug)]
pub enum Clock {
    System,
    Manual(AtomicI64),
}

impl Clock {
    /// A clock that stands still until [`Clock::advance`] moves it.
    pub fn manual(start_ms: i64) -> Self {
        Clock::Manual(AtomicI64::new(start_ms))
    }

    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => now_us() / 1000,
            Clock::Manual(ms) => ms.load(Ordering::Relaxed),
        }
    }

    pub fn now_us(&self) -> i64 {
        match self {
            Clock::System => now_us(),
            Clock::Manual(ms) => ms.load(Ordering::Relaxed) * 1000,
        }
    }

    /// Moves a manual clock forward; returns false for the system clock, which cannot be moved.
    pub fn advance(&self, ms: i64) -> bool {
        match self {
            Clock::System => false,
            Clock::Manual(now) => {
                now.fetch_add(ms, Ordering::Relaxed);
                true
            }
        }
    }

    pub fn is_manual(&self) -> bool {
        matches!(self, Clock::Manual(_))
    }
}

fn now_us() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as i64)
}
