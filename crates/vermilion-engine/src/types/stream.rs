//! Placeholder for the stream type; its commands are not implemented yet.

/// A stream value.
#[derive(Debug, Clone, Default)]
pub struct StreamValue {
    len: usize,
}

impl StreamValue {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
