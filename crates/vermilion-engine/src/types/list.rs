//! Placeholder for the list type; its commands are not implemented yet.

/// A list value.
#[derive(Debug, Clone, Default)]
pub struct ListValue {
    len: usize,
}

impl ListValue {
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
