//! Building a command's argv from Python arguments without copying what is already bytes.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::codec::{Arg, TextCodec};

/// The Python objects of one command, kept alive while their bytes are borrowed.
pub struct Objects<'py>(Vec<Bound<'py, PyAny>>);

impl<'py> Objects<'py> {
    pub fn with_capacity(capacity: usize) -> Self {
        Objects(Vec::with_capacity(capacity))
    }

    pub fn push(&mut self, value: Bound<'py, PyAny>) {
        self.0.push(value);
    }

    pub fn extend_from_tuple(&mut self, values: &Bound<'py, PyTuple>) {
        self.0.extend(values.iter());
    }

    pub fn extend_from_list(&mut self, values: &Bound<'py, PyList>) {
        self.0.extend(values.iter());
    }

    /// Encodes every object, in order.
    pub fn encode<'a>(&'a self, codec: &TextCodec) -> PyResult<Vec<Arg<'a>>> {
        self.0.iter().map(|value| codec.encode(value)).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The argv of a command: its fixed words, then encoded arguments.
pub fn join<'a>(words: &[&'static [u8]], args: &'a [Arg<'_>]) -> Vec<&'a [u8]> {
    let mut argv: Vec<&[u8]> = Vec::with_capacity(words.len() + args.len());
    argv.extend_from_slice(words);
    argv.extend(args.iter().map(Arg::as_bytes));
    argv
}

/// redis-py lets a command name carry literal words (`"CONFIG GET"`); the server expects them as
/// separate arguments. Returns the words when the name has spaces.
pub fn split_command_name(name: &[u8]) -> Option<Vec<&[u8]>> {
    name.contains(&b' ')
        .then(|| name.split(|&b| b.is_ascii_whitespace()).filter(|word| !word.is_empty()).collect())
}
