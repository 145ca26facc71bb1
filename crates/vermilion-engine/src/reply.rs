//! Protocol-neutral replies.
//!
//! A command answers with a [`Reply`]; each face turns it into what its callers expect (RESP2 or
//! RESP3 bytes on the wire, Python objects, JS values) without a RESP round trip in between.

use std::borrow::Cow;

/// One reply of a command, in RESP3's vocabulary. RESP2 faces downgrade maps, sets, doubles,
/// booleans and big numbers the way Redis does.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `+OK` — a status line. Never contains `\r` or `\n`.
    Simple(Cow<'static, str>),
    /// `-ERR ...` — the full error line, starting with its code (`ERR`, `WRONGTYPE`, ...).
    Error(Cow<'static, str>),
    Integer(i64),
    Bulk(Vec<u8>),
    /// The null reply of a missing value: `$-1` in RESP2, `_` in RESP3.
    Null,
    /// The null reply where an array was expected: `*-1` in RESP2, `_` in RESP3.
    NullArray,
    Array(Vec<Reply>),
    /// RESP3 map; a flat array of pairs in RESP2.
    Map(Vec<(Reply, Reply)>),
    /// RESP3 set; an array in RESP2.
    Set(Vec<Reply>),
    /// RESP3 double; a bulk string in RESP2.
    Double(f64),
    /// RESP3 boolean; the integer 1 or 0 in RESP2.
    Bool(bool),
    /// RESP3 big number (decimal digits); a bulk string in RESP2.
    BigNumber(String),
    /// RESP3 verbatim string with its three-letter format (`txt`, `mkd`); a bulk string in RESP2.
    Verbatim(&'static str, Vec<u8>),
    /// Out-of-band RESP3 push (pub/sub messages, invalidations); an array in RESP2.
    Push(Vec<Reply>),
    /// Several replies to one command, sent one after the other: SUBSCRIBE confirms each
    /// channel with its own frame.
    Several(Vec<Reply>),
}

impl Reply {
    pub const OK: Reply = Reply::Simple(Cow::Borrowed("OK"));
    pub const QUEUED: Reply = Reply::Simple(Cow::Borrowed("QUEUED"));

    /// An error reply from a static line such as `"ERR syntax error"`.
    pub const fn err(line: &'static str) -> Reply {
        Reply::Error(Cow::Borrowed(line))
    }

    /// An error reply built at run time.
    pub fn error(line: impl Into<String>) -> Reply {
        Reply::Error(Cow::Owned(line.into()))
    }

    pub const fn simple(line: &'static str) -> Reply {
        Reply::Simple(Cow::Borrowed(line))
    }

    pub fn bulk(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply::Bulk(bytes.into())
    }

    /// A bulk reply of an optional value: `Null` when absent.
    pub fn opt_bulk(bytes: Option<impl Into<Vec<u8>>>) -> Reply {
        bytes.map_or(Reply::Null, |b| Reply::Bulk(b.into()))
    }

    /// A bulk reply holding the decimal text of an integer.
    pub fn bulk_int(value: i64) -> Reply {
        Reply::Bulk(itoa::Buffer::new().format(value).as_bytes().to_vec())
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    /// The error line, if this is an error reply.
    pub fn as_error(&self) -> Option<&str> {
        match self {
            Reply::Error(line) => Some(line),
            _ => None,
        }
    }
}

/// Redis's canonical error lines, shared by every command so their wording never drifts.
pub mod errors {
    use super::Reply;

    pub const SYNTAX: Reply = Reply::err("ERR syntax error");
    pub const WRONGTYPE: Reply =
        Reply::err("WRONGTYPE Operation against a key holding the wrong kind of value");
    pub const NOT_INTEGER: Reply = Reply::err("ERR value is not an integer or out of range");
    pub const NOT_FLOAT: Reply = Reply::err("ERR value is not a valid float");
    pub const NO_SUCH_KEY: Reply = Reply::err("ERR no such key");
    pub const OVERFLOW: Reply = Reply::err("ERR increment or decrement would overflow");
    pub const DB_INDEX: Reply = Reply::err("ERR DB index is out of range");
    pub const NOAUTH: Reply = Reply::err("NOAUTH Authentication required.");
    pub const OOM: Reply = Reply::err("OOM command not allowed when used memory > 'maxmemory'.");
    pub const STRING_TOO_LONG: Reply =
        Reply::err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");

    /// `ERR wrong number of arguments for 'get' command`.
    pub fn arity(fullname: &str) -> Reply {
        Reply::error(format!("ERR wrong number of arguments for '{fullname}' command"))
    }

    /// `ERR invalid expire time in 'set' command`.
    pub fn invalid_expire(command: &str) -> Reply {
        Reply::error(format!("ERR invalid expire time in '{command}' command"))
    }
}
