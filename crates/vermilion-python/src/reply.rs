//! Engine replies as Python objects, shaped as redis-py's parsers would return them.
//!
//! RESP2 clients see RESP2's shapes (maps as flat lists, doubles as bulk text, booleans as 0/1);
//! clients that ran `HELLO 3` see what redis-py's RESP3 parser builds (dicts, floats, bools, sets
//! as lists). Errors become the exception instances redis-py's parser creates: raised at the top
//! level, kept as values inside arrays (EXEC, pipelines), as on a socket.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use vermilion_engine::Reply;

use crate::codec::TextCodec;
use crate::redis_py;

/// How to shape one reply.
#[derive(Clone, Copy)]
pub struct Shape<'c> {
    pub codec: &'c TextCodec,
    pub resp3: bool,
    /// False for redis-py's `NEVER_DECODE` commands.
    pub decode: bool,
}

/// Converts a top-level reply; an error reply raises its redis-py exception.
pub fn to_python<'py>(py: Python<'py>, reply: Reply, shape: Shape<'_>) -> PyResult<Bound<'py, PyAny>> {
    if let Reply::Error(line) = &reply {
        return Err(PyErr::from_value(redis_py::error_instance(py, line)?));
    }
    to_value(py, reply, shape)
}

/// Converts a reply where errors are values (array elements, pipeline results).
pub fn to_value<'py>(py: Python<'py>, reply: Reply, shape: Shape<'_>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match reply {
        Reply::Simple(line) => shape.codec.text(py, line.as_bytes(), shape.decode)?,
        Reply::Bulk(bytes) => shape.codec.text(py, &bytes, shape.decode)?,
        Reply::Integer(n) => n.into_pyobject(py)?.into_any(),
        Reply::Null | Reply::NullArray => py.None().into_bound(py),
        Reply::Error(line) => {
            let error = redis_py::error_instance(py, &line)?;
            if redis_py::is_connection_error(py, &error)? {
                return Err(PyErr::from_value(error));
            }
            error
        }
        Reply::Array(items) | Reply::Set(items) | Reply::Push(items) | Reply::Several(items) => list(py, items, shape)?,
        Reply::Map(pairs) if shape.resp3 => {
            let dict = PyDict::new(py);
            for (key, value) in pairs {
                dict.set_item(hashable(to_value(py, key, shape)?)?, to_value(py, value, shape)?)?;
            }
            dict.into_any()
        }
        Reply::Map(pairs) => {
            let flat = PyList::empty(py);
            for (key, value) in pairs {
                flat.append(to_value(py, key, shape)?)?;
                flat.append(to_value(py, value, shape)?)?;
            }
            flat.into_any()
        }
        Reply::Double(value) if shape.resp3 => value.into_pyobject(py)?.into_any(),
        Reply::Double(value) => shape.codec.text(py, format_double(value).as_bytes(), shape.decode)?,
        Reply::Bool(value) if shape.resp3 => pyo3::types::PyBool::new(py, value).to_owned().into_any(),
        Reply::Bool(value) => i64::from(value).into_pyobject(py)?.into_any(),
        Reply::BigNumber(digits) if shape.resp3 => py.get_type::<pyo3::types::PyInt>().call1((digits,))?,
        Reply::BigNumber(digits) => shape.codec.text(py, digits.as_bytes(), shape.decode)?,
        Reply::Verbatim(_format, text) => shape.codec.text(py, &text, shape.decode)?,
    })
}

fn list<'py>(py: Python<'py>, items: Vec<Reply>, shape: Shape<'_>) -> PyResult<Bound<'py, PyAny>> {
    let list = PyList::empty(py);
    for item in items {
        list.append(to_value(py, item, shape)?)?;
    }
    Ok(list.into_any())
}

/// Map keys that are arrays become tuples, so a RESP3 map can always be a dict.
fn hashable(key: Bound<'_, PyAny>) -> PyResult<Bound<'_, PyAny>> {
    match key.cast::<PyList>() {
        Ok(list) => Ok(PyTuple::new(key.py(), list.iter())?.into_any()),
        Err(_) => Ok(key),
    }
}

/// A double as Redis writes it in RESP2 bulk text: the shortest text that reads back the same
/// value, in exponent form only for very large or very small magnitudes (`1e+20`, `1.5e-7`),
/// and `inf`, `-inf`, `nan` for the special values.
pub fn format_double(value: f64) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.into();
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // `{:e}` gives the shortest round-trip digits as `d.ddde±x`.
    let scientific = format!("{:e}", value.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if value < 0.0 { "-" } else { "" };
    let ndigits = digits.len() as i32;
    // Position of the last digit relative to the decimal point, as in fpconv's `K`.
    let k = exponent - (ndigits - 1);
    let magnitude = (k + ndigits - 1).abs();
    if k >= 0 && magnitude < ndigits + 7 {
        return format!("{sign}{digits}{}", "0".repeat(k as usize));
    }
    if k < 0 && (k > -7 || magnitude < 4) {
        let point = ndigits + k;
        return if point > 0 {
            let (int_part, frac_part) = digits.split_at(point as usize);
            format!("{sign}{int_part}.{frac_part}")
        } else {
            format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
        };
    }
    let (first, rest) = digits.split_at(1);
    let fraction = if rest.is_empty() { String::new() } else { format!(".{rest}") };
    let exp_sign = if exponent < 0 { '-' } else { '+' };
    format!("{sign}{first}{fraction}e{exp_sign}{}", exponent.abs())
}

#[cfg(test)]
mod tests {
    use super::format_double;

    #[test]
    fn doubles_print_like_redis() {
        assert_eq!(format_double(3.14), "3.14");
        assert_eq!(format_double(10.0), "10");
        assert_eq!(format_double(-2.5), "-2.5");
        assert_eq!(format_double(1e7), "10000000");
        assert_eq!(format_double(1e20), "1e+20");
        assert_eq!(format_double(0.0001), "0.0001");
        assert_eq!(format_double(1.5e-7), "1.5e-7");
        assert_eq!(format_double(123456.789), "123456.789");
        assert_eq!(format_double(f64::INFINITY), "inf");
        assert_eq!(format_double(f64::NEG_INFINITY), "-inf");
    }
}
