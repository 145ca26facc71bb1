//! Replies as JS values, shaped as ioredis delivers RESP2 replies.
//!
//! Status and bulk replies are strings, or Buffers when the caller asked for a Buffer variant;
//! integers are numbers; nulls are `null`; arrays are arrays; error replies are `ReplyError`
//! objects. RESP3-only shapes are downgraded as Redis does for RESP2 clients, since ioredis
//! speaks RESP2: maps become flat arrays, doubles and big numbers bulk strings, booleans 1 or 0.

use std::ptr;

use napi::{sys, Result};
use vermilion_engine::Reply;

use crate::argv::check;
use crate::errors::reply_error;
use crate::helpers::array_of;

/// Converts a reply; `buffers` selects Buffers over strings for text.
///
/// # Safety
/// `env` must be the environment of the current native call.
pub unsafe fn to_js(env: sys::napi_env, reply: &Reply, buffers: bool) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    match reply {
        Reply::Simple(line) => return text(env, line.as_bytes(), buffers),
        Reply::Bulk(bytes) => return text(env, bytes, buffers),
        Reply::Verbatim(_, bytes) => return text(env, bytes, buffers),
        Reply::BigNumber(digits) => return text(env, digits.as_bytes(), buffers),
        Reply::Double(value) => {
            // Whole scores, the common case, print as their integer; no String needed.
            if is_plain_integer(*value) {
                return text(
                    env,
                    itoa::Buffer::new().format(*value as i64).as_bytes(),
                    buffers,
                );
            }
            return text(env, resp2_double(*value).as_bytes(), buffers);
        }
        Reply::Error(line) => return reply_error(env, line),
        Reply::Integer(n) => check(sys::napi_create_int64(env, *n, &mut out))?,
        Reply::Bool(b) => check(sys::napi_create_int64(env, i64::from(*b), &mut out))?,
        Reply::Null | Reply::NullArray => check(sys::napi_get_null(env, &mut out))?,
        Reply::Array(items) | Reply::Set(items) | Reply::Push(items) | Reply::Several(items) => {
            return array(
                env,
                items.len(),
                items.iter().map(|item| to_js(env, item, buffers)),
            );
        }
        // RESP2 flattens a map into its keys and values, alternating.
        Reply::Map(pairs) => {
            let flat = pairs.iter().flat_map(|(key, value)| [key, value]);
            return array(
                env,
                pairs.len() * 2,
                flat.map(|item| to_js(env, item, buffers)),
            );
        }
    }
    Ok(out)
}

/// Converts a reply for a caller expecting an array of strings (LRANGE, ZRANGE, HMGET, ...):
/// an array of ASCII bulk strings and nulls comes back as one packed Latin-1 string, which the JS
/// side cuts into the array (`unpackStrings` in `fast-commands.js`). Slicing one string in JS
/// costs a fraction of creating each string natively and handing them to a builder. A text
/// reply comes back packed too (a MULTI's `QUEUED`), so every string returned is packed; any
/// other reply (an error, a null, a nested array, non-ASCII text) is converted as `to_js` does.
///
/// The packed form: two characters of element count (big-endian 16-bit), then two of length
/// per element ([`PACKED_NULL`] for a null), then the elements' bytes. A count of
/// [`PACKED_TEXT`] marks a text reply, whose characters follow.
///
/// # Safety
/// `env` must be the environment of the current native call.
pub unsafe fn to_js_packed(
    env: sys::napi_env,
    reply: &Reply,
    scratch: &mut Vec<u8>,
) -> Result<sys::napi_value> {
    scratch.clear();
    if let Reply::Array(items) | Reply::Set(items) = reply {
        if !pack_strings(items, scratch) {
            return to_js(env, reply, false);
        }
        return latin1(env, scratch);
    }
    let Some(line) = reply_text(reply) else {
        return to_js(env, reply, false);
    };
    // The marker is U+00FF twice ([`PACKED_TEXT`] as two characters), written in UTF-8 so the
    // text after it decodes as `to_js` decodes text.
    scratch.extend_from_slice("\u{ff}\u{ff}".as_bytes());
    scratch.extend_from_slice(&line);
    text(env, scratch, false)
}

/// Marks a null element in a packed array.
pub const PACKED_NULL: u16 = 0xffff;
/// In place of the element count: the packed string holds a text reply.
pub const PACKED_TEXT: u16 = 0xffff;

/// Packs an array of ASCII bulk strings and nulls; `false` for any other array.
fn pack_strings(items: &[Reply], out: &mut Vec<u8>) -> bool {
    if items.len() >= usize::from(PACKED_TEXT) {
        return false;
    }
    out.extend_from_slice(&(items.len() as u16).to_be_bytes());
    let header = out.len();
    out.resize(header + 2 * items.len(), 0);
    for (index, item) in items.iter().enumerate() {
        let len = match item {
            Reply::Bulk(bytes) if bytes.len() < usize::from(PACKED_NULL) && bytes.is_ascii() => {
                out.extend_from_slice(bytes);
                bytes.len() as u16
            }
            Reply::Null => PACKED_NULL,
            _ => return false,
        };
        out[header + 2 * index..header + 2 * index + 2].copy_from_slice(&len.to_be_bytes());
    }
    true
}

/// The text of a reply that `to_js` turns into a string.
fn reply_text(reply: &Reply) -> Option<std::borrow::Cow<'_, [u8]>> {
    use std::borrow::Cow;
    Some(match reply {
        Reply::Simple(line) => Cow::Borrowed(line.as_bytes()),
        Reply::Bulk(bytes) => Cow::Borrowed(&bytes[..]),
        Reply::Verbatim(_, bytes) => Cow::Borrowed(&bytes[..]),
        Reply::BigNumber(digits) => Cow::Borrowed(digits.as_bytes()),
        Reply::Double(value) => Cow::Owned(resp2_double(*value).into_bytes()),
        _ => return None,
    })
}

/// An array of `len` converted items. Short arrays are filled element by element; longer ones
/// are built by the registered JS builder from call arguments, which costs one call instead of
/// a property store per element.
unsafe fn array(
    env: sys::napi_env,
    len: usize,
    items: impl Iterator<Item = Result<sys::napi_value>>,
) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    if (BUILT_ARRAY_MIN_LEN..=BUILT_ARRAY_MAX_LEN).contains(&len) {
        let mut values = Vec::with_capacity(len);
        for item in items {
            values.push(item?);
        }
        // Without a builder (not registered, or JS cannot run now) the slower way still works.
        if let Ok(Some(array)) = array_of(env, &values) {
            return Ok(array);
        }
        check(sys::napi_create_array_with_length(env, len, &mut out))?;
        for (index, value) in values.into_iter().enumerate() {
            check(sys::napi_set_element(env, out, index as u32, value))?;
        }
        return Ok(out);
    }
    check(sys::napi_create_array_with_length(env, len, &mut out))?;
    for (index, value) in items.enumerate() {
        check(sys::napi_set_element(env, out, index as u32, value?))?;
    }
    Ok(out)
}

/// Arrays of at least this many elements go through the JS builder (measured: from about four
/// elements up its one call beats the per-element stores).
const BUILT_ARRAY_MIN_LEN: usize = 4;
/// Longer arrays are filled element by element: a call's arguments live on the JS stack, which
/// a huge reply (KEYS on a big keyspace) would overflow.
const BUILT_ARRAY_MAX_LEN: usize = 4096;

/// A string, or a Buffer holding a copy of the bytes. Invalid UTF-8 decodes with U+FFFD, as
/// `buffer.toString('utf8')` in ioredis does.
unsafe fn text(env: sys::napi_env, bytes: &[u8], buffers: bool) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    if buffers {
        check(sys::napi_create_buffer_copy(
            env,
            bytes.len(),
            bytes.as_ptr().cast(),
            ptr::null_mut(),
            &mut out,
        ))?;
    } else if bytes.is_ascii() {
        // ASCII reads the same as Latin-1, which V8 copies without decoding.
        return latin1(env, bytes);
    } else {
        check(sys::napi_create_string_utf8(
            env,
            bytes.as_ptr().cast(),
            bytes.len() as isize,
            &mut out,
        ))?;
    }
    Ok(out)
}

/// A string of `bytes` read as Latin-1 (one character per byte).
unsafe fn latin1(env: sys::napi_env, bytes: &[u8]) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    check(sys::napi_create_string_latin1(
        env,
        bytes.as_ptr().cast(),
        bytes.len() as isize,
        &mut out,
    ))?;
    Ok(out)
}

/// Whether `%.17g` prints `value` as a plain integer: every digit of an integer below 1e17
/// is written in fixed layout (-0 keeps its sign, so it is not one).
fn is_plain_integer(value: f64) -> bool {
    value.fract() == 0.0 && value.abs() < 1e17 && !(value == 0.0 && value.is_sign_negative())
}

/// A double as Redis writes it to RESP2 clients: C's `%.17g` (what Redis 7.0's `addReplyDouble`
/// prints, and the server face too), with `inf` and `-inf` spelled out.
fn resp2_double(value: f64) -> String {
    /// Significant digits of `%.17g`: enough for any double to read back unchanged.
    const PRECISION: usize = 17;
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.into();
    }
    if is_plain_integer(value) {
        return (value as i64).to_string();
    }
    // `{:.16e}` rounds like printf and yields the 17 significant digits and the exponent, from
    // which `%g` picks fixed or scientific layout and drops trailing zeros.
    let scientific = format!("{:.*e}", PRECISION - 1, value.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits = mantissa.replace('.', "");
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if (-4..PRECISION as i32).contains(&exponent) {
        let point = exponent + 1;
        if point <= 0 {
            format!(
                "{sign}0.{}{digits}",
                "0".repeat(point.unsigned_abs() as usize)
            )
        } else if point as usize >= digits.len() {
            format!(
                "{sign}{digits}{}",
                "0".repeat(point as usize - digits.len())
            )
        } else {
            let (whole, fraction) = digits.split_at(point as usize);
            format!("{sign}{whole}.{fraction}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{sign}{first}{fraction}e{exponent_sign}{:02}",
            exponent.abs()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::resp2_double;

    #[test]
    fn doubles_print_like_redis_printf_g17() {
        // Each expectation is what Redis 7.0 answers to ZSCORE for the value ZADDed.
        for (value, text) in [
            (1.1, "1.1000000000000001"),
            (1.5, "1.5"),
            (3.0, "3"),
            (-42.0, "-42"),
            (99_999_999_999_999_984.0, "99999999999999984"),
            (1e17, "1e+17"),
            (0.1, "0.10000000000000001"),
            (1e-7, "9.9999999999999995e-08"),
            (2.5e300, "2.5000000000000001e+300"),
            (123_456_789_012_345_678.0, "1.2345678901234568e+17"),
            (-0.0001, "-0.0001"),
            (0.0, "0"),
            (-0.0, "-0"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(resp2_double(value), text, "{value}");
        }
    }
}
