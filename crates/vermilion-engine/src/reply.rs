//! Protocol-neutral replies.
//!
//! A command answers with a [`Reply`]; each face turns it into what its callers expect (RESP2 or
//! RESP3 bytes on the wire, Python objects, JS values) without a RESP round trip in between.

use std::borrow::Cow;

use smallvec::SmallVec;

/// The bytes of a bulk reply. Most bulk replies are keys, members, fields and small values:
/// those up to 24 bytes sit inside the reply itself (a reply stays 40 bytes), so a GET or a
/// 10-member ZRANGE allocates nothing per string; longer ones keep their heap buffer.
pub type BulkBytes = SmallVec<[u8; BULK_INLINE]>;

/// Bulk strings up to this long are stored inline.
pub const BULK_INLINE: usize = 24;

/// What a bulk reply can be made of: borrowed bytes are copied (inline when short), owned
/// buffers are kept unless short enough to move inline.
pub trait IntoBulk {
    fn into_bulk(self) -> BulkBytes;
}

impl IntoBulk for BulkBytes {
    fn into_bulk(self) -> BulkBytes {
        self
    }
}

impl IntoBulk for &[u8] {
    fn into_bulk(self) -> BulkBytes {
        BulkBytes::from_slice(self)
    }
}

impl<const N: usize> IntoBulk for &[u8; N] {
    fn into_bulk(self) -> BulkBytes {
        BulkBytes::from_slice(self)
    }
}

impl<const N: usize> IntoBulk for [u8; N] {
    fn into_bulk(self) -> BulkBytes {
        BulkBytes::from_slice(&self)
    }
}

impl IntoBulk for &Vec<u8> {
    fn into_bulk(self) -> BulkBytes {
        BulkBytes::from_slice(self)
    }
}

impl IntoBulk for &str {
    fn into_bulk(self) -> BulkBytes {
        BulkBytes::from_slice(self.as_bytes())
    }
}

impl IntoBulk for &String {
    fn into_bulk(self) -> BulkBytes {
        BulkBytes::from_slice(self.as_bytes())
    }
}

impl IntoBulk for Vec<u8> {
    fn into_bulk(self) -> BulkBytes {
        if self.len() <= BULK_INLINE {
            BulkBytes::from_slice(&self)
        } else {
            BulkBytes::from_vec(self)
        }
    }
}

impl IntoBulk for String {
    fn into_bulk(self) -> BulkBytes {
        self.into_bytes().into_bulk()
    }
}

impl IntoBulk for Box<[u8]> {
    fn into_bulk(self) -> BulkBytes {
        self.into_vec().into_bulk()
    }
}

impl IntoBulk for Cow<'_, [u8]> {
    fn into_bulk(self) -> BulkBytes {
        match self {
            Cow::Borrowed(bytes) => bytes.into_bulk(),
            Cow::Owned(bytes) => bytes.into_bulk(),
        }
    }
}

/// One reply of a command, in RESP3's vocabulary. RESP2 faces downgrade maps, sets, doubles,
/// booleans and big numbers the way Redis does.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `+OK` — a status line. Never contains `\r` or `\n`.
    Simple(Cow<'static, str>),
    /// `-ERR ...` — the full error line, starting with its code (`ERR`, `WRONGTYPE`, ...).
    Error(Cow<'static, str>),
    Integer(i64),
    Bulk(BulkBytes),
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

    pub fn bulk(bytes: impl IntoBulk) -> Reply {
        Reply::Bulk(bytes.into_bulk())
    }

    /// Appends a bulk reply of `bytes` to `out`, copied straight into its slot. Building the
    /// reply apart and moving it in costs a stall per element on a long array (the copy's
    /// bytes are read back before they have landed).
    pub fn push_bulk(out: &mut Vec<Reply>, bytes: &[u8]) {
        out.reserve(1);
        let len = out.len();
        // SAFETY: `reserve` made room for the slot written here before the length covers it.
        unsafe {
            let slot = out.as_mut_ptr().add(len);
            slot.write(Reply::Bulk(BulkBytes::new()));
            out.set_len(len + 1);
            if let Reply::Bulk(inline) = &mut *slot {
                inline.extend_from_slice(bytes);
            }
        }
    }

    /// An array of bulk replies (see [`Reply::push_bulk`]).
    pub fn bulk_array<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> Reply {
        let items = items.into_iter();
        let mut out = Vec::with_capacity(items.size_hint().0);
        for bytes in items {
            Reply::push_bulk(&mut out, bytes);
        }
        Reply::Array(out)
    }

    /// A bulk reply of an optional value: `Null` when absent.
    pub fn opt_bulk(bytes: Option<impl IntoBulk>) -> Reply {
        bytes.map_or(Reply::Null, |b| Reply::Bulk(b.into_bulk()))
    }

    /// A bulk reply holding the decimal text of an integer.
    pub fn bulk_int(value: i64) -> Reply {
        Reply::bulk(itoa::Buffer::new().format(value))
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
