//! Placeholder for the zset type; its commands are not implemented yet.

/// A zset value.
#[derive(Debug, Clone, Default)]
pub struct ZSetValue {
    len: usize,
}

impl ZSetValue {
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
