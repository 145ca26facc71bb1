//! Doubles as Redis 7.0 prints them: C's `%.17g`, with `inf`/`-inf` spelled out and NaN as glibc
//! prints it (`nan`, `-nan`). Every face uses this one formatter when it downgrades a RESP3
//! double to RESP2 text, so scores read the same everywhere.

use std::io::Write as _;

/// Significant digits of `%.17g`: enough for every double to read back unchanged.
const PRECISION: i32 = 17;

/// `value` formatted like `printf("%.17g", value)`.
pub fn format_g17(value: f64) -> String {
    let mut out = Vec::with_capacity(24);
    write_g17(value, &mut out);
    String::from_utf8(out).expect("digits, signs, dots and exponents are ASCII")
}

/// Appends `value` formatted like `printf("%.17g", value)`.
pub fn write_g17(value: f64, out: &mut Vec<u8>) {
    if value.is_nan() {
        out.extend_from_slice(if value.is_sign_negative() { b"-nan" } else { b"nan" });
        return;
    }
    if value.is_infinite() {
        out.extend_from_slice(if value > 0.0 { b"inf" } else { b"-inf" });
        return;
    }
    // Rust's `{:e}` rounds exactly as glibc does; it gives us the 17 significant digits and the
    // decimal exponent, from which `%g` picks fixed or scientific notation.
    let mut scientific = [0u8; 40];
    let written = {
        let mut cursor = &mut scientific[..];
        let _ = write!(cursor, "{:.*e}", (PRECISION - 1) as usize, value.abs());
        40 - cursor.len()
    };
    let text = &scientific[..written];
    let e_at = text.iter().position(|&b| b == b'e').unwrap_or(written);
    let exponent: i32 = std::str::from_utf8(&text[e_at + 1..]).ok().and_then(|e| e.parse().ok()).unwrap_or(0);
    let mut digits = [0u8; PRECISION as usize];
    let mut n = 0;
    for &b in text[..e_at].iter().filter(|b| b.is_ascii_digit()) {
        digits[n] = b;
        n += 1;
    }
    // `%g` drops trailing zeros of the fraction.
    while n > 1 && digits[n - 1] == b'0' {
        n -= 1;
    }
    let digits = &digits[..n];

    if value.is_sign_negative() {
        out.push(b'-');
    }
    if (-4..PRECISION).contains(&exponent) {
        write_fixed(digits, exponent, out);
    } else {
        write_scientific(digits, exponent, out);
    }
}

/// `d.ddd` with the point after `exponent + 1` digits (or leading zeros for a negative exponent).
fn write_fixed(digits: &[u8], exponent: i32, out: &mut Vec<u8>) {
    if exponent < 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', (-exponent - 1) as usize));
        out.extend_from_slice(digits);
        return;
    }
    let integer_len = exponent as usize + 1;
    if digits.len() <= integer_len {
        out.extend_from_slice(digits);
        out.extend(std::iter::repeat_n(b'0', integer_len - digits.len()));
    } else {
        out.extend_from_slice(&digits[..integer_len]);
        out.push(b'.');
        out.extend_from_slice(&digits[integer_len..]);
    }
}

/// `d.ddde+XX`: at least two exponent digits, as C prints them.
fn write_scientific(digits: &[u8], exponent: i32, out: &mut Vec<u8>) {
    out.push(digits[0]);
    if digits.len() > 1 {
        out.push(b'.');
        out.extend_from_slice(&digits[1..]);
    }
    out.push(b'e');
    out.push(if exponent < 0 { b'-' } else { b'+' });
    let magnitude = exponent.unsigned_abs();
    if magnitude < 10 {
        out.push(b'0');
    }
    out.extend_from_slice(itoa::Buffer::new().format(magnitude).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g17(value: f64) -> String {
        let mut out = Vec::new();
        write_g17(value, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn matches_printf_g17() {
        // Expected texts from C's printf("%.17g") (and Redis 7.0's ZSCORE replies).
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (3.0, "3"),
            (-2.5, "-2.5"),
            (1.1, "1.1000000000000001"),
            (0.1, "0.10000000000000001"),
            (1e-5, "1.0000000000000001e-05"),
            (1e-4, "0.0001"),
            (1.5e-4, "0.00014999999999999999"),
            (1e20, "1e+20"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (12345678901234567.0, "12345678901234568"),
            (1e300, "1.0000000000000001e+300"),
            (5e-324, "4.9406564584124654e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (100.0, "100"),
            (0.5, "0.5"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "-nan"),
        ];
        for &(value, expected) in cases {
            assert_eq!(g17(value), expected, "{value:e}");
        }
    }
}
