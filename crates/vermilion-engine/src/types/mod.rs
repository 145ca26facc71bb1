//! The value types a key can hold, with their encodings.

pub mod string;

pub use string::StringValue;

/// A key's value. Each variant is one Redis type; the type's module owns its encodings.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(StringValue),
}

impl Value {
    /// The name `TYPE` reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
        }
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            Value::String(s) => s.encoding_name(),
        }
    }
}
