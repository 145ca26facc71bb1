//! The timing loop the engine's benchmarks share.

use std::time::Instant;

/// Times `f` over `iterations` calls, best of five rounds (so a stray scheduler hiccup does not
/// set the figure), and prints ns per call. A label not containing the first non-flag command
/// line argument, when one is given, is skipped.
pub fn measure(label: &str, iterations: u32, mut f: impl FnMut(u32)) {
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        if !label.to_lowercase().contains(&filter.to_lowercase()) {
            return;
        }
    }
    let best = (0..5)
        .map(|_| {
            let start = Instant::now();
            for i in 0..iterations {
                f(i);
            }
            start.elapsed().as_nanos() as f64 / f64::from(iterations)
        })
        .fold(f64::INFINITY, f64::min);
    println!("{label:<40} {best:>8.1} ns/op");
}
