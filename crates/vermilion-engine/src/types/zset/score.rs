//! Score arguments as Redis reads them: C's `strtod`, with Redis's checks on top.

/// A score argument (ZADD, ZINCRBY, WEIGHTS), as Redis's `getDoubleFromObject`: the whole text
/// is a number (decimal, hex or an infinity), with no leading space, not NaN, and not a finite
/// number too large or too small for a double (strtod's ERANGE, which Redis refuses).
pub fn parse_score(arg: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(arg).ok()?;
    if text.starts_with(is_c_space) {
        return None;
    }
    let (value, out_of_range) = strtod(text)?;
    (!out_of_range).then_some(value)
}

/// A range bound's number, as Redis's `zslParseRange` reads it: `strtod` over the whole text,
/// where leading space is skipped, out-of-range values saturate, NaN is refused, and — a quirk
/// Redis keeps — the empty text reads as 0.
pub fn parse_bound(arg: &[u8]) -> Option<f64> {
    if arg.is_empty() {
        return Some(0.0);
    }
    let text = std::str::from_utf8(arg).ok()?;
    strtod(text.trim_start_matches(is_c_space)).map(|(value, _)| value)
}

/// C's `isspace` in the "C" locale.
fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// The whole of `text` as a double, and whether strtod would flag it out of range (a finite
/// number that overflows to infinity or underflows to zero). `None` for anything else, NaN
/// included.
fn strtod(text: &str) -> Option<(f64, bool)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_read_like_strtod_with_redis_checks() {
        let good: &[(&str, f64)] = &[
            ("1", 1.0), ("-2.5", -2.5), ("1e3", 1000.0), (".5", 0.5), ("5.", 5.0), ("+inf", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY), ("0x10", 16.0), ("0x1p-2", 0.25), ("-0X.8", -0.5), ("1e-310", 1e-310),
            ("0e500", 0.0),
        ];
        for &(text, value) in good {
            assert_eq!(parse_score(text.as_bytes()), Some(value), "{text}");
        }
        for bad in ["", " 1", "1 ", "nan", "1e400", "-1e400", "1e-400", "0x", "0x1p", "1e", "abc", "--1"] {
            assert_eq!(parse_score(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn bounds_allow_space_empty_and_saturation() {
        assert_eq!(parse_bound(b""), Some(0.0));
        assert_eq!(parse_bound(b" \t1"), Some(1.0));
        assert_eq!(parse_bound(b"1e400"), Some(f64::INFINITY));
        assert_eq!(parse_bound(b"1e-400"), Some(0.0));
        assert_eq!(parse_bound(b"  "), None);
        assert_eq!(parse_bound(b"nan"), None);
    }
}
