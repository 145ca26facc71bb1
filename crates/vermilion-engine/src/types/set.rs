//! Placeholder for the set type; its commands are not implemented yet.

/// A set value.
#[derive(Debug, Clone, Default)]
pub struct SetValue {
    len: usize,
}

impl SetValue {
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
