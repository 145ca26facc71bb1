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

/// Parses a float as Redis's `string2d` / `getDoubleFromObject`: C's `strtod` over the whole
/// text (decimal, hex or an infinity), with no leading space, not NaN, and not a finite number
/// too large or too small for a double (strtod's ERANGE, which Redis refuses).
pub fn parse_f64(arg: &[u8]) -> Option<f64> {
    if let Some(value) = parse_whole_f64(arg) {
        return Some(value);
    }
    let text = std::str::from_utf8(arg).ok()?;
    if text.starts_with(is_c_space) {
        return None;
    }
    let (value, out_of_range) = strtod(text)?;
    (!out_of_range).then_some(value)
}

/// A whole number of at most 15 digits (the usual score or weight), converted exactly without
/// a float parse; `None` for any other text. `-0` stays negative zero, as strtod reads it.
fn parse_whole_f64(arg: &[u8]) -> Option<f64> {
    let (negative, digits) = match arg.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, arg),
    };
    if digits.is_empty() || digits.len() > 15 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let magnitude = digits.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')) as f64;
    Some(if negative { -magnitude } else { magnitude })
}

/// C's `isspace` in the "C" locale.
pub fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// The whole of `text` as a double, and whether strtod would flag it out of range (a finite
/// number that overflows to infinity or underflows to zero). `None` for anything else, NaN
/// included.
pub fn strtod(text: &str) -> Option<(f64, bool)> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let value = if unsigned.starts_with("0x") || unsigned.starts_with("0X") {
        let magnitude = parse_hex(&unsigned[2..])?;
        if text.starts_with('-') { -magnitude } else { magnitude }
    } else {
        text.parse::<f64>().ok()?
    };
    if value.is_nan() {
        return None;
    }
    let spelled_infinite = unsigned.starts_with(['i', 'I']);
    let overflow = value.is_infinite() && !spelled_infinite;
    let underflow = value == 0.0 && has_nonzero_mantissa(unsigned);
    Some((value, overflow || underflow))
}

/// Whether the digits before the exponent are not all zero (so a zero result is an underflow).
fn has_nonzero_mantissa(unsigned: &str) -> bool {
    match unsigned.get(..2) {
        Some(prefix) if prefix.eq_ignore_ascii_case("0x") => {
            unsigned[2..].chars().take_while(|&c| c != 'p' && c != 'P').any(|c| c.is_ascii_hexdigit() && c != '0')
        }
        _ => unsigned.chars().take_while(|&c| c != 'e' && c != 'E').any(|c| ('1'..='9').contains(&c)),
    }
}

/// C99 hex-float digits after `0x`: `h.hhh` with an optional binary exponent `p±d`.
fn parse_hex(digits: &str) -> Option<f64> {
    let (mantissa, exponent) = match digits.find(['p', 'P']) {
        Some(at) => (&digits[..at], Some(&digits[at + 1..])),
        None => (digits, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut value = 0.0f64;
    for c in whole.chars() {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in fraction.chars() {
        value += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    let exponent: i32 = match exponent {
        None => 0,
        Some(e) if !e.is_empty() && e.trim_start_matches(['+', '-']).bytes().all(|b| b.is_ascii_digit()) => {
            e.parse().unwrap_or(if e.starts_with('-') { i32::MIN } else { i32::MAX })
        }
        Some(_) => return None,
    };
    Some(value * 2f64.powi(exponent))
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
    fn floats_read_like_strtod_with_redis_checks() {
        let good: &[(&str, f64)] = &[
            ("1", 1.0), ("-2.5", -2.5), ("1e3", 1000.0), (".5", 0.5), ("5.", 5.0), ("+inf", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY), ("0x10", 16.0), ("0x1p-2", 0.25), ("-0X.8", -0.5), ("1e-310", 1e-310),
            ("0e500", 0.0),
        ];
        for &(text, value) in good {
            assert_eq!(parse_f64(text.as_bytes()), Some(value), "{text}");
        }
        for bad in ["", " 1", "1 ", "nan", "1e400", "-1e400", "1e-400", "0x", "0x1p", "1e", "abc", "--1"] {
            assert_eq!(parse_f64(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn whole_numbers_read_the_same_on_the_quick_path() {
        for text in ["0", "-0", "007", "-42", "123456789012345", "-999999999999999", "1234567890123456", "+5", "-", "1.0"] {
            let slow = text.parse::<f64>().ok();
            let quick = parse_f64(text.as_bytes());
            assert_eq!(quick.map(f64::to_bits), slow.filter(|_| text != "-").map(f64::to_bits), "{text}");
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
