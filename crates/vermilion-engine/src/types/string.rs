//! Strings, in Redis's three encodings.

use crate::util::{format_i64, parse_i64};

/// Strings up to this length are created as `embstr` (one allocation with the object in Redis).
const EMBSTR_MAX_LEN: usize = 44;
/// Only strings this short can be integers (`-9223372036854775808` has 20 characters).
const INT_MAX_CHARS: usize = 20;

/// A string value. The encoding mirrors Redis's so `OBJECT ENCODING` answers the same, and
/// integer strings cost eight bytes.
///
/// Two words and a tag (24 bytes, and so is every [`Value`](super::Value)): a short string is an
/// exact-size boxed slice, and only strings edited in place carry a growable buffer, behind a
/// box of its own. Each key's entry holds its value inline, so this size is paid once per key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StringValue {
    /// A string that is the canonical decimal form of an `i64`.
    Int(i64),
    /// A short string as created by SET and friends.
    Embstr(Box<[u8]>),
    /// A long string, or one modified in place (APPEND, SETRANGE, SETBIT).
    Raw(Box<Vec<u8>>),
}

impl StringValue {
    /// Encodes bytes as Redis's `tryObjectEncoding` would for a freshly set value.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        if bytes.len() <= INT_MAX_CHARS {
            if let Some(n) = parse_i64(&bytes) {
                return StringValue::Int(n);
            }
        }
        Self::text(bytes)
    }

    /// A string kept as text even if it reads as an integer (INCRBYFLOAT's results).
    pub fn text(bytes: Vec<u8>) -> Self {
        if bytes.len() <= EMBSTR_MAX_LEN {
            StringValue::Embstr(bytes.into_boxed_slice())
        } else {
            Self::raw(bytes)
        }
    }

    /// A string with a growable buffer, for values built to be edited (bitmaps, HyperLogLogs).
    pub fn raw(bytes: Vec<u8>) -> Self {
        StringValue::Raw(Box::new(bytes))
    }

    pub fn encoding_name(&self) -> &'static str {
        match self {
            StringValue::Int(_) => "int",
            StringValue::Embstr(_) => "embstr",
            StringValue::Raw(_) => "raw",
        }
    }

    /// The value's bytes, rendering integers as decimal text.
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            StringValue::Int(n) => format_i64(*n).into_bytes(),
            StringValue::Embstr(b) => b.to_vec(),
            StringValue::Raw(b) => b.to_vec(),
        }
    }

    /// Calls `f` with the value's bytes without copying stored text.
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            StringValue::Int(n) => f(itoa::Buffer::new().format(*n).as_bytes()),
            StringValue::Embstr(b) => f(b),
            StringValue::Raw(b) => f(b),
        }
    }

    /// The stored bytes of a text-encoded string; `None` for an integer.
    pub fn stored_text(&self) -> Option<&[u8]> {
        match self {
            StringValue::Int(_) => None,
            StringValue::Embstr(b) => Some(b),
            StringValue::Raw(b) => Some(b),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            StringValue::Int(n) => itoa::Buffer::new().format(*n).len(),
            StringValue::Embstr(b) => b.len(),
            StringValue::Raw(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value as an integer, if its text is one (what INCR accepts).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            StringValue::Int(n) => Some(*n),
            StringValue::Embstr(b) => parse_i64(b),
            StringValue::Raw(b) => parse_i64(b),
        }
    }

    /// Mutable bytes for in-place edits; the value becomes `raw`, as in Redis.
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if !matches!(self, StringValue::Raw(_)) {
            *self = Self::raw(self.to_vec());
        }
        match self {
            StringValue::Raw(b) => b,
            _ => unreachable!("just made raw"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_match_redis() {
        assert_eq!(StringValue::from_bytes(b"123".to_vec()).encoding_name(), "int");
        assert_eq!(StringValue::from_bytes(b"-9223372036854775808".to_vec()).encoding_name(), "int");
        assert_eq!(StringValue::from_bytes(b"0123".to_vec()).encoding_name(), "embstr");
        assert_eq!(StringValue::from_bytes(b"9223372036854775808".to_vec()).encoding_name(), "embstr");
        assert_eq!(StringValue::from_bytes(vec![b'a'; 44]).encoding_name(), "embstr");
        assert_eq!(StringValue::from_bytes(vec![b'a'; 45]).encoding_name(), "raw");
        let mut v = StringValue::from_bytes(b"12".to_vec());
        v.make_raw().push(b'3');
        assert_eq!(v, StringValue::raw(b"123".to_vec()));
    }

    #[test]
    fn every_value_is_three_words() {
        assert_eq!(std::mem::size_of::<StringValue>(), 24);
        assert_eq!(std::mem::size_of::<super::super::Value>(), 24);
    }
}
