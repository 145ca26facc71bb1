//! Text in both directions, with redis-py's `Encoder` rules: arguments become bytes (str in the
//! client's encoding, int and float through `repr`, bytes-like as they are, anything else a
//! `DataError`), and replies become `bytes`, or `str` when the client decodes responses.

use std::ffi::CString;

use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyFloat, PyInt, PyString};

use crate::redis_py;

/// Room for the decimal text of any `i64`.
const I64_TEXT_MAX: usize = 20;

/// One encoded argument, borrowed from its Python object when that already holds the bytes.
pub enum Arg<'a> {
    Borrowed(&'a [u8]),
    /// The decimal text of an integer, kept on the stack.
    Integer([u8; I64_TEXT_MAX], u8),
    Owned(Vec<u8>),
}

impl Arg<'_> {
    pub fn integer(value: i64) -> Arg<'static> {
        let mut formatter = itoa::Buffer::new();
        let text = formatter.format(value).as_bytes();
        let mut digits = [0u8; I64_TEXT_MAX];
        digits[..text.len()].copy_from_slice(text);
        Arg::Integer(digits, text.len() as u8)
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Arg::Borrowed(bytes) => bytes,
            Arg::Integer(digits, len) => &digits[..usize::from(*len)],
            Arg::Owned(bytes) => bytes,
        }
    }
}

/// A client's text settings: redis-py's `encoding`, `encoding_errors` and `decode_responses`.
pub struct TextCodec {
    pub decode_responses: bool,
    /// UTF-8 with strict errors, the default, takes the zero-copy paths.
    utf8_strict: bool,
    encoding: CString,
    errors: CString,
}

impl TextCodec {
    pub fn new(encoding: &str, errors: &str, decode_responses: bool) -> PyResult<Self> {
        let normalized = encoding.to_ascii_lowercase().replace(['-', '_'], "");
        let nul = |_| PyValueError::new_err("encoding names cannot contain NUL");
        Ok(TextCodec {
            decode_responses,
            utf8_strict: matches!(normalized.as_str(), "utf8" | "u8") && errors == "strict",
            encoding: CString::new(encoding).map_err(nul)?,
            errors: CString::new(errors).map_err(nul)?,
        })
    }

    /// Encodes one argument as redis-py's `Encoder.encode` does.
    pub fn encode<'a>(&self, value: &'a Bound<'_, PyAny>) -> PyResult<Arg<'a>> {
        let py = value.py();
        if let Ok(bytes) = value.cast::<PyBytes>() {
            return Ok(Arg::Borrowed(bytes.as_bytes()));
        }
        if let Ok(text) = value.cast::<PyString>() {
            return self.encode_str(text);
        }
        if value.is_exact_instance_of::<PyInt>() {
            if let Ok(n) = value.extract::<i64>() {
                return Ok(Arg::integer(n));
            }
        }
        if let Ok(bytes) = value.cast::<PyByteArray>() {
            return Ok(Arg::Owned(bytes.to_vec()));
        }
        if value.is_instance_of::<PyBool>() {
            return Err(redis_py::invalid_input(py, value));
        }
        if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
            // Python's repr, exactly as redis-py sends numbers (`1e+20`, `inf`, IntEnum reprs).
            let repr = value.repr()?;
            return Ok(Arg::Owned(repr.to_str()?.as_bytes().to_vec()));
        }
        if is_memoryview(value) {
            return Ok(Arg::Owned(value.call_method0("tobytes")?.cast::<PyBytes>()?.as_bytes().to_vec()));
        }
        Err(redis_py::invalid_input(py, value))
    }

    fn encode_str<'a>(&self, text: &'a Bound<'_, PyString>) -> PyResult<Arg<'a>> {
        if self.utf8_strict {
            // Borrows CPython's cached UTF-8 form; fails on lone surrogates like `str.encode`.
            return Ok(Arg::Borrowed(text.to_str()?.as_bytes()));
        }
        // SAFETY: `text` is a valid str object; the codec names are NUL-terminated C strings.
        let encoded = unsafe {
            Bound::from_owned_ptr_or_err(
                text.py(),
                ffi::PyUnicode_AsEncodedString(text.as_ptr(), self.encoding.as_ptr(), self.errors.as_ptr()),
            )?
        };
        Ok(Arg::Owned(encoded.cast::<PyBytes>()?.as_bytes().to_vec()))
    }

    /// A reply string as Python sees it: `bytes`, or `str` when decoding is on.
    pub fn text<'py>(&self, py: Python<'py>, bytes: &[u8], decode: bool) -> PyResult<Bound<'py, PyAny>> {
        if !(decode && self.decode_responses) {
            return Ok(PyBytes::new(py, bytes).into_any());
        }
        let len = bytes.len() as ffi::Py_ssize_t;
        let data = bytes.as_ptr().cast();
        // SAFETY: `data`/`len` describe a live slice; the codec names are NUL-terminated.
        unsafe {
            let object = if self.utf8_strict {
                ffi::PyUnicode_DecodeUTF8(data, len, c"strict".as_ptr())
            } else {
                ffi::PyUnicode_Decode(data, len, self.encoding.as_ptr(), self.errors.as_ptr())
            };
            Bound::from_owned_ptr_or_err(py, object)
        }
    }
}

fn is_memoryview(value: &Bound<'_, PyAny>) -> bool {
    // SAFETY: a type check on a live object.
    unsafe { ffi::PyMemoryView_Check(value.as_ptr()) != 0 }
}
