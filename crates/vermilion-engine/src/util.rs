//! Number parsing and formatting with Redis's exact rules.

use std::ffi::c_char;

/// Parses an `i64` as Redis's `string2ll`: optional `-`, no `+`, no leading zeros, no spaces.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s {
        [] => return None,
        [b'0'] => return Some(0),
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if negative {
        if v > i64::MAX as u64 + 1 {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

pub fn format_i64(n: i64) -> String {
    itoa::Buffer::new().format(n).to_string()
}

/// Parses a float as Redis's `string2d` (strtod without leading space, whole text, no NaN).
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(s).ok()?;
    if text.is_empty() || text.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let value = match lower.trim_start_matches(['+', '-']) {
        "inf" | "infinity" => {
            if lower.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY }
        }
        "nan" => return None,
        _ => text.parse::<f64>().ok()?,
    };
    (!value.is_nan()).then_some(value)
}

extern "C" {
    fn vermilion_incr_long_double(
        current: *const c_char,
        current_len: usize,
        has_current: i32,
        incr: *const c_char,
        incr_len: usize,
        out: *mut c_char,
        out_len: usize,
    ) -> i32;
}

/// Why a long-double increment failed.
#[derive(Debug, PartialEq, Eq)]
pub enum FloatIncrError {
    BadCurrent,
    BadIncrement,
    NanOrInfinity,
}

/// Adds `incr` to `current` in long double arithmetic and returns Redis's text for the result.
pub fn incr_long_double(current: Option<&[u8]>, incr: &[u8]) -> Result<Vec<u8>, FloatIncrError> {
    // "%.17Lf" of the largest finite long double has ~4950 digits before the point.
    let mut out = vec![0u8; 5 * 1024 + 32];
    let (ptr, len) = current.map_or((std::ptr::null(), 0), |c| (c.as_ptr(), c.len()));
    // SAFETY: every pointer/length pair describes a live buffer; the C side never writes past
    // `out.len()` and reads no further than the given lengths.
    let n = unsafe {
        vermilion_incr_long_double(
            ptr.cast(),
            len,
            i32::from(current.is_some()),
            incr.as_ptr().cast(),
            incr.len(),
            out.as_mut_ptr().cast(),
            out.len(),
        )
    };
    match n {
        -1 => Err(FloatIncrError::BadCurrent),
        -2 => Err(FloatIncrError::BadIncrement),
        n if n < 0 => Err(FloatIncrError::NanOrInfinity),
        n => {
            out.truncate(n as usize);
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string2ll_rules() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-1"), Some(-1));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [&b""[..], b"-", b"-0", b"01", b"+1", b" 1", b"1 ", b"9223372036854775808", b"1a"] {
            assert_eq!(parse_i64(bad), None, "{:?}", std::str::from_utf8(bad));
        }
    }

    #[test]
    fn long_double_increments_read_like_redis() {
        assert_eq!(incr_long_double(Some(b"10.50"), b"0.1").unwrap(), b"10.6");
        assert_eq!(incr_long_double(None, b"5.0e3").unwrap(), b"5000");
        assert_eq!(incr_long_double(Some(b"3"), b"-3").unwrap(), b"0");
        assert_eq!(incr_long_double(Some(b"abc"), b"1"), Err(FloatIncrError::BadCurrent));
        assert_eq!(incr_long_double(None, b" 1"), Err(FloatIncrError::BadIncrement));
        assert_eq!(incr_long_double(None, b"inf"), Err(FloatIncrError::NanOrInfinity));
    }
}
