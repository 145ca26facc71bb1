//! A cheap monotonic stopwatch for timing every command.
//!
//! Two `Instant::now()` calls cost a noticeable share of a GET, so on x86-64 with an invariant
//! TSC the stopwatch reads the time-stamp counter instead and converts ticks to nanoseconds
//! with a rate measured once, against the monotonic clock, when the process first needs it.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// A point in time from the stopwatch's clock.
#[derive(Clone, Copy)]
pub struct Ticks(u64);

impl Ticks {
    #[inline]
    pub fn now() -> Ticks {
        Ticks(read_clock())
    }

    /// Nanoseconds from `self` to now.
    #[inline]
    pub fn elapsed_ns(self) -> u64 {
        let ticks = read_clock().saturating_sub(self.0);
        (ticks as f64 * RATE.ns_per_tick) as u64
    }
}

struct Rate {
    use_tsc: bool,
    ns_per_tick: f64,
}

static RATE: LazyLock<Rate> = LazyLock::new(calibrate);
/// The origin of the fallback clock.
static ORIGIN: LazyLock<Instant> = LazyLock::new(Instant::now);

#[inline]
fn read_clock() -> u64 {
    #[cfg(target_arch = "x86_64")]
    if RATE.use_tsc {
        // SAFETY: RDTSC exists on every x86-64 CPU and has no preconditions.
        return unsafe { core::arch::x86_64::_rdtsc() };
    }
    ORIGIN.elapsed().as_nanos() as u64
}

fn calibrate() -> Rate {
    #[cfg(target_arch = "x86_64")]
    if invariant_tsc() {
        // Long enough to make the rate precise to well under 1%, short enough to go unnoticed.
        const WINDOW: Duration = Duration::from_millis(5);
        // SAFETY: as in `read_clock`.
        let tsc = || unsafe { core::arch::x86_64::_rdtsc() };
        let (start, start_ticks) = (Instant::now(), tsc());
        while start.elapsed() < WINDOW {
            std::hint::spin_loop();
        }
        let (ns, ticks) = (start.elapsed().as_nanos() as f64, tsc().saturating_sub(start_ticks));
        if ticks > 0 {
            return Rate { use_tsc: true, ns_per_tick: ns / ticks as f64 };
        }
    }
    Rate { use_tsc: false, ns_per_tick: 1.0 }
}

/// Whether the TSC ticks at a constant rate whatever the CPU's power state (CPUID leaf
/// 0x8000_0007, EDX bit 8): only then do ticks measure time.
#[cfg(target_arch = "x86_64")]
fn invariant_tsc() -> bool {
    // Asking for an unsupported leaf is harmless; the first answer says which exist.
    let max_extended = core::arch::x86_64::__cpuid(0x8000_0000).eax;
    max_extended >= 0x8000_0007 && core::arch::x86_64::__cpuid(0x8000_0007).edx & (1 << 8) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_a_sleep() {
        let start = Ticks::now();
        std::thread::sleep(Duration::from_millis(20));
        let ns = start.elapsed_ns();
        assert!((19_000_000..2_000_000_000).contains(&ns), "{ns} ns");
    }
}
