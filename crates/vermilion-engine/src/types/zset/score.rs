//! Range-bound numbers as Redis reads them (`zslParseRange`); plain score arguments are
//! `util::parse_f64`.

use crate::util::{is_c_space, strtod};

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

#[cfg(test)]
mod tests {
    use super::*;

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
