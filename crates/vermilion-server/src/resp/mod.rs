//! The Redis serialization protocol: requests in ([`parse`]), replies out ([`encode`]).

pub mod encode;
mod inline;
pub mod parse;

pub use encode::{encode, write_error};
pub use parse::{Limits, ProtocolError, Request, RequestDecoder};
