//! `redis.log`: a line on stderr in Redis's log format (`pid:M 05 Nov 2026 10:00:00.123 # text`),
//! written only at or above the engine's `loglevel`.

use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

/// `loglevel` values by Redis's `LL_*` number; `nothing` (4) lets no line through.
const LEVELS: &[&str] = &["debug", "verbose", "notice", "warning", "nothing"];
/// The mark Redis puts in front of a line of each level.
const MARKS: &[u8] = b".-*#";
pub(crate) const WARNING: u8 = 3;

/// The `LL_*` number of a `loglevel` value.
pub(crate) fn level_number(loglevel: &str) -> u8 {
    LEVELS.iter().position(|l| l.eq_ignore_ascii_case(loglevel)).map_or(2, |i| i as u8)
}

/// Writes `message` at `level` if `threshold` (a `level_number`) lets it through.
pub(crate) fn write(level: u8, threshold: u8, message: &[u8]) {
    if level < threshold || usize::from(level) >= MARKS.len() {
        return;
    }
    let mut line = format!("{}:M {} {} ", std::process::id(), timestamp(SystemTime::now()), MARKS[usize::from(level)] as char).into_bytes();
    line.extend_from_slice(message);
    line.push(b'\n');
    // One write per line, so lines of concurrent writers do not interleave.
    let _ = std::io::stderr().lock().write_all(&line);
}

/// `05 Nov 2026 10:00:00.123` (UTC).
fn timestamp(time: SystemTime) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since_epoch.as_secs();
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let of_day = secs % 86_400;
    format!(
        "{day:02} {} {year} {:02}:{:02}:{:02}.{:03}",
        MONTHS[(month - 1) as usize],
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60,
        since_epoch.subsec_millis()
    )
}

/// Year, month (1-12) and day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_read_like_redis() {
        let time = UNIX_EPOCH + Duration::from_millis(1_709_294_400_123); // 2024-03-01 12:00:00.123
        assert_eq!(timestamp(time), "01 Mar 2024 12:00:00.123");
        assert_eq!(timestamp(UNIX_EPOCH), "01 Jan 1970 00:00:00.000");
    }

    #[test]
    fn levels_follow_redis_numbers() {
        assert_eq!(level_number("debug"), 0);
        assert_eq!(level_number("warning"), WARNING);
        assert_eq!(level_number("nothing"), 4);
    }
}
