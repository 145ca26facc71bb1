//! Persistence log lines on stderr, shaped like Redis's (`pid:M <ms since epoch> <mark> text`):
//! saves and loads happen on engines embedded anywhere, where stderr is the one channel every
//! host process has.

use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

fn write(mark: char, message: &str) {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let line = format!("{}:M {ms} {mark} {message}\n", std::process::id());
    // One write per line, so lines of concurrent writers do not interleave.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// A line at Redis's `notice` level (`*`).
pub fn notice(message: &str) {
    write('*', message);
}

/// A line at Redis's `warning` level (`#`).
pub fn warning(message: &str) {
    write('#', message);
}
