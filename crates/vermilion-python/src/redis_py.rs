//! The pieces of redis-py the native layer reuses, imported once.
//!
//! Errors are built by redis-py's own parser (`parse_error`), so an embedded reply raises exactly
//! the exception class a socket reply would (`ResponseError`, `NoScriptError`, ...).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyType};

static DATA_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CONNECTION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static PARSE_ERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static REDIS_CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `redis.exceptions.DataError(message)`, the error redis-py raises for bad arguments.
pub fn data_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    match DATA_ERROR.import(py, "redis.exceptions", "DataError") {
        Ok(class) => PyErr::from_type(class.clone(), message.into()),
        Err(import_failed) => import_failed,
    }
}

/// redis-py's message for an argument it cannot encode.
pub fn invalid_input(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyErr {
    let type_name = value.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    data_error(
        py,
        format!("Invalid input of type: '{type_name}'. Convert to a bytes, string, int or float first."),
    )
}

/// The exception instance redis-py's RESP parser builds for an error line such as
/// `"WRONGTYPE Operation against ..."`.
pub fn error_instance<'py>(py: Python<'py>, line: &str) -> PyResult<Bound<'py, PyAny>> {
    let parse_error = PARSE_ERROR.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let parser = py.import("redis._parsers")?.getattr("_RESP2Parser")?;
        Ok(parser.getattr("parse_error")?.unbind())
    })?;
    parse_error.bind(py).call1((PyString::new(py, line),))
}

/// Whether an error instance must be raised at once even inside an array reply, as redis-py's
/// parser does for connection errors.
pub fn is_connection_error(py: Python<'_>, error: &Bound<'_, PyAny>) -> PyResult<bool> {
    let class = CONNECTION_ERROR.import(py, "redis.exceptions", "ConnectionError")?;
    error.is_instance(class)
}

/// `redis.Redis`, whose command methods handle the argument shapes the native fast paths leave
/// to it.
pub fn redis_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    REDIS_CLASS.import(py, "redis", "Redis")
}
