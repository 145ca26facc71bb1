//! Placeholder for the hash type; its commands are not implemented yet.

/// A hash value.
#[derive(Debug, Clone, Default)]
pub struct HashValue {
    len: usize,
}

impl HashValue {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn encoding_name(&self) -> &'static str {
        "listpack"
    }
}
