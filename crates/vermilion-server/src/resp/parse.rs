//! The request decoder: bytes from a client in, commands (argument vectors) out.
//!
//! Requests come either as RESP multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) or as inline lines
//! (`GET k\r\n`), as many per read as the client pipelines. The decoder keeps its place across
//! partial reads — the arguments already complete, the announced length of the bulk in progress,
//! how far a header line has been searched — so nothing is scanned twice. It never allocates what a
//! header announces: the buffer grows only as bytes arrive.
//!
//! Errors and limits follow Redis 7's `processMultibulkBuffer` and `processInlineBuffer`, down to
//! their quirks: the byte after a `\r` and the two bytes after a bulk are skipped unchecked, and a
//! NUL byte hides the rest of a header line (Redis searches it with `strchr`).

use std::fmt;
use std::ops::Range;

use vermilion_engine::util::parse_i64;

use super::inline::split_args;

/// Longest inline request, or header line of a multibulk request (Redis's `PROTO_INLINE_MAX_SIZE`).
pub const INLINE_MAX_SIZE: usize = 64 * 1024;
/// Largest multibulk count Redis accepts (`INT_MAX`).
pub const MULTIBULK_MAX_COUNT: i64 = i32::MAX as i64;
/// Before authentication, a multibulk may announce at most this many arguments...
pub const UNAUTHENTICATED_MAX_COUNT: i64 = 10;
/// ...each of at most this many bytes, so an unauthenticated client cannot make us buffer much.
pub const UNAUTHENTICATED_MAX_BULK: u64 = 16 * 1024;
/// How much room to make before each read (Redis's `PROTO_IOBUF_LEN`).
pub const READ_CHUNK: usize = 16 * 1024;
/// A buffer this large that is mostly empty is given back to the allocator.
const SHRINK_ABOVE: usize = 1024 * 1024;

/// A malformed request. The client gets [`ProtocolError::reply_line`], then the connection closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolError {
    InvalidMultibulkLength,
    UnauthenticatedMultibulkLength,
    InvalidBulkLength,
    UnauthenticatedBulkLength,
    /// A multibulk argument did not start with `$`; holds the byte found instead.
    ExpectedBulk(u8),
    TooBigInlineRequest,
    TooBigMultibulkCount,
    TooBigBulkCount,
    UnbalancedQuotes,
}

impl ProtocolError {
    /// The error line as Redis sends it, without the leading `-` and trailing CRLF.
    #[must_use]
    pub fn reply_line(self) -> Vec<u8> {
        let mut line = b"ERR Protocol error: ".to_vec();
        match self {
            ProtocolError::ExpectedBulk(found) => {
                // Redis turns line breaks in error replies into spaces to keep the protocol intact.
                let shown = if matches!(found, b'\r' | b'\n') { b' ' } else { found };
                line.extend_from_slice(b"expected '$', got '");
                line.push(shown);
                line.push(b'\'');
            }
            other => line.extend_from_slice(other.text().as_bytes()),
        }
        line
    }

    fn text(self) -> &'static str {
        match self {
            ProtocolError::InvalidMultibulkLength => "invalid multibulk length",
            ProtocolError::UnauthenticatedMultibulkLength => "unauthenticated multibulk length",
            ProtocolError::InvalidBulkLength => "invalid bulk length",
            ProtocolError::UnauthenticatedBulkLength => "unauthenticated bulk length",
            ProtocolError::ExpectedBulk(_) => "expected '$'",
            ProtocolError::TooBigInlineRequest => "too big inline request",
            ProtocolError::TooBigMultibulkCount => "too big mbulk count string",
            ProtocolError::TooBigBulkCount => "too big bulk count string",
            ProtocolError::UnbalancedQuotes => "unbalanced quotes in request",
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.reply_line()))
    }
}

impl std::error::Error for ProtocolError {}

/// What the decoder enforces, read from the live configuration.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `proto-max-bulk-len`: the longest argument accepted.
    pub max_bulk_len: u64,
    /// The client has not authenticated yet although a password is required.
    pub unauthenticated: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bulk_len: 512 * 1024 * 1024, unauthenticated: false }
    }
}

/// Where the decoder stands between two requests or inside one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a request.
    Idle,
    /// Inside a multibulk with `remaining` arguments to go; `bulk_len` is the announced length of
    /// the argument being received, once its `$` header has been read.
    Multibulk { remaining: usize, bulk_len: Option<usize> },
}

/// Where the arguments of the last decoded request live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArgsIn {
    /// Straight in the read buffer (multibulk: no copy).
    Buffer,
    /// In the unquoting scratch space (inline).
    Scratch,
}

/// Decodes the requests of one connection. Reusable buffers, no allocation per request.
#[derive(Debug)]
pub struct RequestDecoder {
    buf: Vec<u8>,
    /// Everything before `consumed` belongs to requests already handed out.
    consumed: usize,
    /// Where decoding resumes.
    cursor: usize,
    /// How far the current header line has been searched for its end.
    searched: usize,
    state: State,
    /// Argument ranges of the request being decoded or just decoded.
    args: Vec<Range<usize>>,
    args_in: ArgsIn,
    /// Unquoted inline arguments.
    scratch: Vec<u8>,
}

impl Default for RequestDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestDecoder {
    #[must_use]
    pub fn new() -> Self {
        RequestDecoder {
            // Allocated by the first read: an idle connection holds no buffer.
            buf: Vec::new(),
            consumed: 0,
            cursor: 0,
            searched: 0,
            state: State::Idle,
            args: Vec::new(),
            args_in: ArgsIn::Buffer,
            scratch: Vec::new(),
        }
    }

    /// The buffer to read more bytes into (append only), with room for at least one chunk.
    /// Bytes of requests already handed out are dropped first.
    pub fn read_buffer(&mut self) -> &mut Vec<u8> {
        self.compact();
        self.buf.reserve(READ_CHUNK);
        &mut self.buf
    }

    /// Gives the buffers back to the allocator if no request is under way (a connection gone
    /// idle); the next read allocates them again. Returns whether it did.
    pub fn release_buffers(&mut self) -> bool {
        if self.pending_len() != 0 || self.state != State::Idle {
            return false;
        }
        *self = RequestDecoder::new();
        true
    }

    /// Appends bytes, as a read into [`read_buffer`](Self::read_buffer) would, growing the
    /// buffer only as much as they need.
    pub fn extend(&mut self, bytes: &[u8]) {
        self.compact();
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received but not yet handed out as requests: the client's query buffer.
    #[must_use]
    pub fn pending_len(&self) -> usize {
        self.buf.len() - self.consumed
    }

    /// Decodes the next complete request, skipping empty ones (blank lines, `*0`).
    /// `Ok(None)` means more bytes are needed.
    ///
    /// # Errors
    ///
    /// A [`ProtocolError`] for malformed input; the decoder must not be used after one.
    pub fn next_request(&mut self, limits: &Limits) -> Result<Option<Request<'_>>, ProtocolError> {
        loop {
            let complete = match self.state {
                State::Idle if self.cursor == self.buf.len() => return Ok(None),
                State::Idle if self.buf[self.cursor] == b'*' => self.multibulk_header(limits)?,
                State::Idle => self.inline_line()?,
                State::Multibulk { .. } => self.multibulk_args(limits)?,
            };
            match complete {
                None => return Ok(None),
                Some(()) if self.args.is_empty() => {}
                Some(()) => return Ok(Some(Request { decoder: self })),
            }
        }
    }

    /// Finds the end of the header line starting at `cursor`: the first `terminator`, unless a
    /// NUL byte comes first (then there is no end, as with `strchr`).
    fn find_line_end(&mut self, terminator: u8) -> Option<usize> {
        let from = self.searched.max(self.cursor);
        match self.buf[from..].iter().position(|&b| b == terminator || b == 0) {
            Some(offset) if self.buf[from + offset] == terminator => Some(from + offset),
            Some(offset) => {
                self.searched = from + offset;
                None
            }
            None => {
                self.searched = self.buf.len();
                None
            }
        }
    }

    /// Finds a complete header line (`\r` plus one more byte) starting at `cursor`, and returns
    /// the text between its first byte and the `\r`. `too_big` is the error for a header that
    /// grows past [`INLINE_MAX_SIZE`] without ending.
    fn header_line(&mut self, too_big: ProtocolError) -> Result<Option<Range<usize>>, ProtocolError> {
        let Some(cr) = self.find_line_end(b'\r') else {
            if self.buf.len() - self.cursor > INLINE_MAX_SIZE {
                return Err(too_big);
            }
            return Ok(None);
        };
        if cr + 1 >= self.buf.len() {
            // The byte after `\r` (normally `\n`) has not arrived: search from the `\r` again.
            self.searched = cr;
            return Ok(None);
        }
        Ok(Some(self.cursor + 1..cr))
    }

    /// Moves past a header line whose `\r` is at `cr` (and past the byte after it).
    fn skip_header(&mut self, cr: usize) {
        self.cursor = cr + 2;
        self.searched = self.cursor;
    }

    fn multibulk_header(&mut self, limits: &Limits) -> Result<Option<()>, ProtocolError> {
        let Some(digits) = self.header_line(ProtocolError::TooBigMultibulkCount)? else {
            return Ok(None);
        };
        let count = match parse_i64(&self.buf[digits.clone()]) {
            Some(n) if n <= MULTIBULK_MAX_COUNT => n,
            _ => return Err(ProtocolError::InvalidMultibulkLength),
        };
        if count > UNAUTHENTICATED_MAX_COUNT && limits.unauthenticated {
            return Err(ProtocolError::UnauthenticatedMultibulkLength);
        }
        self.skip_header(digits.end);
        self.args.clear();
        self.args_in = ArgsIn::Buffer;
        // Zero or negative: an empty request, skipped.
        let Ok(remaining @ 1..) = usize::try_from(count) else {
            self.consumed = self.cursor;
            return Ok(Some(()));
        };
        self.state = State::Multibulk { remaining, bulk_len: None };
        self.multibulk_args(limits)
    }

    fn multibulk_args(&mut self, limits: &Limits) -> Result<Option<()>, ProtocolError> {
        while let State::Multibulk { remaining, bulk_len } = self.state {
            let len = match bulk_len {
                Some(len) => len,
                None => match self.bulk_header(limits)? {
                    Some(len) => len,
                    None => return Ok(None),
                },
            };
            // The argument and the two bytes after it (normally CRLF, never checked).
            if self.buf.len() - self.cursor < len + 2 {
                self.state = State::Multibulk { remaining, bulk_len: Some(len) };
                return Ok(None);
            }
            self.args.push(self.cursor..self.cursor + len);
            self.cursor += len + 2;
            self.searched = self.cursor;
            self.state = match remaining - 1 {
                0 => State::Idle,
                left => State::Multibulk { remaining: left, bulk_len: None },
            };
        }
        self.consumed = self.cursor;
        Ok(Some(()))
    }

    /// Reads a `$<len>` header; `None` if it is not complete yet.
    fn bulk_header(&mut self, limits: &Limits) -> Result<Option<usize>, ProtocolError> {
        let Some(digits) = self.header_line(ProtocolError::TooBigBulkCount)? else {
            return Ok(None);
        };
        let first = self.buf[self.cursor];
        if first != b'$' {
            return Err(ProtocolError::ExpectedBulk(first));
        }
        let len = match parse_i64(&self.buf[digits.clone()]).map(u64::try_from) {
            Some(Ok(n)) if n <= limits.max_bulk_len => n,
            _ => return Err(ProtocolError::InvalidBulkLength),
        };
        if len > UNAUTHENTICATED_MAX_BULK && limits.unauthenticated {
            return Err(ProtocolError::UnauthenticatedBulkLength);
        }
        let len = usize::try_from(len).map_err(|_| ProtocolError::InvalidBulkLength)?;
        self.skip_header(digits.end);
        Ok(Some(len))
    }

    fn inline_line(&mut self) -> Result<Option<()>, ProtocolError> {
        let Some(newline) = self.find_line_end(b'\n') else {
            if self.buf.len() - self.cursor > INLINE_MAX_SIZE {
                return Err(ProtocolError::TooBigInlineRequest);
            }
            return Ok(None);
        };
        let mut end = newline;
        if end > self.cursor && self.buf[end - 1] == b'\r' {
            end -= 1;
        }
        split_args(&self.buf[self.cursor..end], &mut self.scratch, &mut self.args)
            .map_err(|_| ProtocolError::UnbalancedQuotes)?;
        self.args_in = ArgsIn::Scratch;
        self.cursor = newline + 1;
        self.searched = self.cursor;
        self.consumed = self.cursor;
        Ok(Some(()))
    }

    /// Drops the bytes of requests already handed out, keeping the one in progress.
    fn compact(&mut self) {
        if self.consumed == 0 {
            return;
        }
        let shift = self.consumed;
        self.buf.drain(..shift);
        self.cursor -= shift;
        self.searched -= shift;
        self.consumed = 0;
        if matches!(self.state, State::Multibulk { .. }) {
            // The arguments received so far of the request in progress move with the bytes.
            for arg in &mut self.args {
                *arg = arg.start - shift..arg.end - shift;
            }
        } else {
            // Those of the request handed out last point into bytes now gone.
            self.args.clear();
        }
        if self.buf.capacity() > SHRINK_ABOVE && self.buf.len() < self.buf.capacity() / 4 {
            self.buf.shrink_to((self.buf.len() * 2).max(READ_CHUNK));
        }
    }
}

/// Arguments kept inline on the stack when a request has at most this many (nearly all do).
const STACK_ARGS: usize = 16;

/// One decoded request; borrows the decoder until it is done with.
pub struct Request<'a> {
    decoder: &'a RequestDecoder,
}

impl Request<'_> {
    #[must_use]
    pub fn len(&self) -> usize {
        self.decoder.args.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.decoder.args.is_empty()
    }

    /// The argument at `index` (0 is the command name).
    #[must_use]
    pub fn arg(&self, index: usize) -> &[u8] {
        let d = self.decoder;
        let base = match d.args_in {
            ArgsIn::Buffer => &d.buf,
            ArgsIn::Scratch => &d.scratch,
        };
        &base[d.args[index].clone()]
    }

    /// Calls `f` with the argument vector, built without allocating for short requests.
    pub fn with_argv<R>(&self, f: impl FnOnce(&[&[u8]]) -> R) -> R {
        let n = self.len();
        if n <= STACK_ARGS {
            let mut argv: [&[u8]; STACK_ARGS] = [&[]; STACK_ARGS];
            for (i, slot) in argv.iter_mut().take(n).enumerate() {
                *slot = self.arg(i);
            }
            f(&argv[..n])
        } else {
            let argv: Vec<&[u8]> = (0..n).map(|i| self.arg(i)).collect();
            f(&argv)
        }
    }

    /// The arguments as owned vectors (for tests and logging).
    #[must_use]
    pub fn to_vec(&self) -> Vec<Vec<u8>> {
        (0..self.len()).map(|i| self.arg(i).to_vec()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Decoded = Result<Vec<Vec<Vec<u8>>>, ProtocolError>;

    /// Decodes everything in `input` fed in one piece, returning the requests (or the first error).
    fn decode_with(limits: Limits, pieces: &[&[u8]]) -> Decoded {
        let mut decoder = RequestDecoder::new();
        let mut requests = Vec::new();
        for piece in pieces {
            decoder.extend(piece);
            while let Some(request) = decoder.next_request(&limits)? {
                requests.push(request.to_vec());
            }
        }
        Ok(requests)
    }

    fn decode(input: &[u8]) -> Decoded {
        decode_with(Limits::default(), &[input])
    }

    fn req(args: &[&str]) -> Vec<Vec<u8>> {
        args.iter().map(|a| a.as_bytes().to_vec()).collect()
    }

    #[test]
    fn multibulk_and_inline_requests_decode() {
        let input = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\nGET k\r\n*1\r\n$4\r\nPING\r\n";
        assert_eq!(decode(input).unwrap(), vec![req(&["SET", "k", "hello"]), req(&["GET", "k"]), req(&["PING"])]);
    }

    #[test]
    fn every_split_point_gives_the_same_requests() {
        let input: &[u8] = b"*2\r\n$4\r\nECHO\r\n$12\r\nhello\r\nworld\r\n\r\nECHO \"a b\" 'c'\n*0\r\n*-1\r\n*1\r\n$0\r\n\r\nPING\r\n";
        let whole = decode(input).unwrap();
        assert_eq!(whole, vec![req(&["ECHO", "hello\r\nworld"]), req(&["ECHO", "a b", "c"]), req(&[""]), req(&["PING"])]);
        for a in 0..=input.len() {
            assert_eq!(decode_with(Limits::default(), &[&input[..a], &input[a..]]).unwrap(), whole, "split at {a}");
            for b in a..=input.len() {
                let pieces = [&input[..a], &input[a..b], &input[b..]];
                assert_eq!(decode_with(Limits::default(), &pieces).unwrap(), whole, "split at {a}, {b}");
            }
        }
        let bytewise: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(decode_with(Limits::default(), &bytewise).unwrap(), whole);
    }

    #[test]
    fn empty_requests_are_skipped() {
        assert_eq!(decode(b"\r\n\n   \r\n*0\r\n*-5\r\nPING\n").unwrap(), vec![req(&["PING"])]);
    }

    #[test]
    fn bytes_after_bulks_and_headers_are_skipped_unchecked() {
        // As in Redis: the two bytes after a bulk and the byte after a header's \r are not checked.
        assert_eq!(decode(b"*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n").unwrap(), vec![req(&["PING"]), req(&["PING"])]);
        assert_eq!(decode(b"*1\r\n$4\r\r\nPING\r\n").unwrap(), vec![req(&["\nPIN"])]);
    }

    #[test]
    fn protocol_errors_match_redis() {
        use ProtocolError::*;
        let cases: &[(&[u8], ProtocolError)] = &[
            (b"*\r\n", InvalidMultibulkLength),
            (b"*x\r\n", InvalidMultibulkLength),
            (b"*01\r\n", InvalidMultibulkLength),
            (b"*+1\r\n", InvalidMultibulkLength),
            (b"*1\nPING\r\n", InvalidMultibulkLength),
            (b"*2147483648\r\n", InvalidMultibulkLength),
            (b"*99999999999999999999999\r\n", InvalidMultibulkLength),
            (b"*1\r\n:4\r\n", ExpectedBulk(b':')),
            (b"*1\r\n\r\n", ExpectedBulk(b'\r')),
            (b"*1\r\n$-1\r\n", InvalidBulkLength),
            (b"*1\r\n$04\r\n", InvalidBulkLength),
            (b"*1\r\n$ 4\r\n", InvalidBulkLength),
            (b"*1\r\n$4x\r\n", InvalidBulkLength),
            (b"*1\r\n$536870913\r\n", InvalidBulkLength),
            (b"PING \"a\r\n", UnbalancedQuotes),
            (b"ECHO 'a'b\r\n", UnbalancedQuotes),
        ];
        for (input, expected) in cases {
            assert_eq!(decode(input), Err(*expected), "{:?}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn error_lines_read_like_redis() {
        assert_eq!(ProtocolError::InvalidBulkLength.reply_line(), b"ERR Protocol error: invalid bulk length");
        assert_eq!(ProtocolError::ExpectedBulk(b':').reply_line(), b"ERR Protocol error: expected '$', got ':'");
        assert_eq!(ProtocolError::ExpectedBulk(b'\n').reply_line(), b"ERR Protocol error: expected '$', got ' '");
        assert_eq!(ProtocolError::TooBigMultibulkCount.reply_line(), b"ERR Protocol error: too big mbulk count string");
    }

    #[test]
    fn overlong_lines_are_refused_once_past_64k() {
        use ProtocolError::*;
        let long = vec![b'x'; INLINE_MAX_SIZE];
        assert_eq!(decode(&long).unwrap(), Vec::<Vec<Vec<u8>>>::new(), "exactly 64 KB still waits");
        let longer = vec![b'x'; INLINE_MAX_SIZE + 1];
        assert_eq!(decode(&longer), Err(TooBigInlineRequest));
        let count = [b"*".as_slice(), &vec![b'1'; INLINE_MAX_SIZE]].concat();
        assert_eq!(decode(&count), Err(TooBigMultibulkCount));
        let bulk = [b"*1\r\n$".as_slice(), &vec![b'1'; INLINE_MAX_SIZE]].concat();
        assert_eq!(decode(&bulk), Err(TooBigBulkCount));
    }

    #[test]
    fn a_nul_byte_hides_the_end_of_a_line() {
        // Redis finds line ends with strchr, which stops at NUL: such a request never completes.
        assert_eq!(decode(b"PING\0\r\n").unwrap(), Vec::<Vec<Vec<u8>>>::new());
        assert_eq!(decode(b"*\0\r\n").unwrap(), Vec::<Vec<Vec<u8>>>::new());
        let mut padded = b"PING\0".to_vec();
        padded.resize(INLINE_MAX_SIZE + 10, b'\n');
        assert_eq!(decode(&padded), Err(ProtocolError::TooBigInlineRequest));
        // Inside a bulk, NUL is just data.
        assert_eq!(decode(b"*1\r\n$3\r\na\0b\r\n").unwrap(), vec![vec![b"a\0b".to_vec()]]);
    }

    #[test]
    fn large_announcements_cost_nothing_until_bytes_arrive() {
        let mut decoder = RequestDecoder::new();
        decoder.extend(b"*2147483647\r\n");
        assert!(decoder.next_request(&Limits::default()).unwrap().is_none());
        let mut decoder = RequestDecoder::new();
        decoder.extend(b"*1\r\n$500000000\r\nabc");
        assert!(decoder.next_request(&Limits::default()).unwrap().is_none());
        assert!(decoder.buf.capacity() < 1024 * 1024);
    }

    #[test]
    fn bulk_limit_follows_the_configuration() {
        let limits = Limits { max_bulk_len: 5, unauthenticated: false };
        assert_eq!(decode_with(limits, &[b"*1\r\n$5\r\nhello\r\n"]).unwrap(), vec![req(&["hello"])]);
        assert_eq!(decode_with(limits, &[b"*1\r\n$6\r\n"]), Err(ProtocolError::InvalidBulkLength));
    }

    #[test]
    fn unauthenticated_clients_get_small_limits() {
        let limits = Limits { unauthenticated: true, ..Limits::default() };
        assert!(decode_with(limits, &[b"*10\r\n"]).is_ok());
        assert_eq!(decode_with(limits, &[b"*11\r\n"]), Err(ProtocolError::UnauthenticatedMultibulkLength));
        assert!(decode_with(limits, &[b"*1\r\n$16384\r\n"]).is_ok());
        assert_eq!(decode_with(limits, &[b"*1\r\n$16385\r\n"]), Err(ProtocolError::UnauthenticatedBulkLength));
    }

    #[test]
    fn long_argument_lists_spill_to_the_heap() {
        let mut input = b"*20\r\n".to_vec();
        for i in 0..20 {
            input.extend_from_slice(format!("${}\r\n{}\r\n", i.to_string().len(), i).as_bytes());
        }
        let mut decoder = RequestDecoder::new();
        decoder.extend(&input);
        let request = decoder.next_request(&Limits::default()).unwrap().unwrap();
        let joined = request.with_argv(|argv| argv.join(&b","[..]));
        assert_eq!(joined, (0..20).map(|i| i.to_string()).collect::<Vec<_>>().join(",").into_bytes());
    }

    #[test]
    fn the_buffer_is_compacted_between_reads() {
        let mut decoder = RequestDecoder::new();
        decoder.extend(b"PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nh");
        assert_eq!(decoder.next_request(&Limits::default()).unwrap().unwrap().to_vec(), req(&["PING"]));
        assert!(decoder.next_request(&Limits::default()).unwrap().is_none());
        decoder.extend(b"i\r\n");
        assert_eq!(decoder.buf.len(), b"*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n".len(), "PING was dropped");
        assert_eq!(decoder.next_request(&Limits::default()).unwrap().unwrap().to_vec(), req(&["ECHO", "hi"]));
        assert_eq!(decoder.pending_len(), 0);
    }
}
