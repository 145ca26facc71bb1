//! One client connection: read requests, run them on the engine, write the replies back.
//!
//! Every request already buffered runs before anything is written, and all their replies leave
//! in one write: a pipelining client costs one read and one write per batch, not per command.
//! Commands run right on the connection task (`Client::start` never blocks on I/O); a blocking
//! command (BLPOP...) hands back a waiter the task awaits, so no thread is ever held up.
//!
//! Idle connections are cheap: between requests a connection reads into a buffer its worker
//! thread shares with every other connection and keeps only the bytes that arrived, and one
//! idle for [`RELEASE_BUFFERS_AFTER`] gives back what it still holds (a burst's large output
//! buffer, say). So ten thousand idle clients cost little more than their sockets, while a busy
//! one keeps its buffers from batch to batch, allocating nothing.

use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{ready, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};
use tracing::{debug, warn};
use vermilion_engine::commands::may_run_scripts;
use vermilion_engine::{Client, Outcome, Reply, Waiter};

use crate::resp::{encode, write_error, Limits, ProtocolError, RequestDecoder};
use crate::settings::ServerState;

/// Replies are written out once this much has piled up, even in the middle of a batch, so a long
/// pipeline of large replies does not balloon in memory.
const FLUSH_AT: usize = 64 * 1024;
/// An output buffer that grew past this is given back to the allocator after it is written.
const KEEP_OUTPUT_CAPACITY: usize = 1024 * 1024;
/// A connection with nothing read or pushed for this long (two checks in a row) gives its buffers
/// back to the allocator, as Redis's `clientsCron` trims the buffers of idle clients.
const RELEASE_BUFFERS_AFTER: Duration = Duration::from_secs(2);
/// Size of each worker thread's read buffer.
const SHARED_READ_BUFFER: usize = 16 * 1024;

thread_local! {
    /// What connections read into between requests: one buffer per worker thread, so a
    /// connection waiting for its next request holds no read buffer of its own.
    static SHARED_READ: RefCell<Box<[u8]>> = RefCell::new(vec![0; SHARED_READ_BUFFER].into_boxed_slice());
}
/// How long the reply to a failed AUTH (or HELLO AUTH) is held back: a password guesser gets
/// a few tries a second per connection, while the engine and other clients go on meanwhile.
const FAILED_AUTH_DELAY: Duration = Duration::from_millis(200);

/// Why a connection ended (logged at debug level, as Redis's `verbose` messages).
#[derive(Debug)]
pub(crate) enum CloseReason {
    /// The client closed its side.
    PeerClosed,
    /// QUIT, or CLIENT KILL from another client.
    ClientDone,
    Protocol(ProtocolError),
    QueryBufferLimit(usize),
    IdleTimeout,
    /// A client sent SHUTDOWN.
    ServerStopping,
    Io(io::Error),
}

impl std::fmt::Display for CloseReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CloseReason::PeerClosed => f.write_str("Client closed connection"),
            CloseReason::ClientDone => f.write_str("Client quit or was killed"),
            CloseReason::Protocol(error) => write!(f, "{error}"),
            CloseReason::QueryBufferLimit(len) => write!(f, "Closing client that reached max query buffer length (qbuf={len})"),
            CloseReason::IdleTimeout => f.write_str("Closing idle client"),
            CloseReason::ServerStopping => f.write_str("Closing client: the server is shutting down"),
            CloseReason::Io(error) => write!(f, "Error on client connection: {error}"),
        }
    }
}

impl From<io::Error> for CloseReason {
    fn from(e: io::Error) -> Self {
        CloseReason::Io(e)
    }
}

/// Serves `client`, connected from `addr`, over `stream` until either side is done.
pub(crate) async fn serve_client<S>(stream: S, client: Client, addr: String, server: Arc<ServerState>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut connection = Connection::new(stream, client, server);
    let reason = connection.run().await;
    let id = connection.client.id();
    match reason {
        CloseReason::QueryBufferLimit(_) => warn!("{reason}: id={id} addr={addr}"),
        reason => debug!("{reason}: id={id} addr={addr}"),
    }
}

struct Connection<S> {
    stream: S,
    client: Client,
    server: Arc<ServerState>,
    decoder: RequestDecoder,
    out: Vec<u8>,
    /// Woken when another client kills this one, so an idle connection closes promptly.
    killed: Arc<Notify>,
    /// Woken when a message (pub/sub, keyspace event) lands in the client's mailbox.
    pushed: Arc<Notify>,
    /// Set once the client runs scripts: its batches then run off the async worker as a whole
    /// (see `run_buffered_requests`).
    runs_scripts: bool,
    /// Whether the read and write buffers may hold memory (see [`RELEASE_BUFFERS_AFTER`]).
    holds_buffers: bool,
    /// Reads and pushes so far; the idle check compares it with what it saw the time before.
    activity: u64,
    activity_checked: u64,
    /// Fires every [`RELEASE_BUFFERS_AFTER`] while the buffers are held. Rearmed only when it
    /// fires, not per request: the hot path pays nothing for it.
    idle_check: Pin<Box<Sleep>>,
}

/// Where running the buffered requests without waiting stopped.
enum Pause {
    /// Every complete request ran.
    Drained,
    /// The output is large: write it before going on.
    Flush,
    /// A blocking command must wait.
    Blocked(Waiter),
    /// A failed authentication: its reply goes out after [`FAILED_AUTH_DELAY`].
    AuthFailed,
    /// The connection ends once what is gathered is written.
    Close(CloseReason),
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    fn new(stream: S, mut client: Client, server: Arc<ServerState>) -> Self {
        client.defer_durability();
        let killed = Arc::new(Notify::new());
        let wake = Arc::clone(&killed);
        client.on_kill(move || wake.notify_one());
        let pushed = Arc::new(Notify::new());
        let wake = Arc::clone(&pushed);
        client.mailbox().set_waker(move || wake.notify_one());
        Connection {
            stream,
            client,
            server,
            decoder: RequestDecoder::new(),
            out: Vec::new(),
            killed,
            pushed,
            runs_scripts: false,
            holds_buffers: false,
            activity: 0,
            activity_checked: 0,
            idle_check: Box::pin(tokio::time::sleep(RELEASE_BUFFERS_AFTER)),
        }
    }

    async fn run(&mut self) -> CloseReason {
        loop {
            if let Err(reason) = self.read().await {
                return reason;
            }
            if let Err(reason) = self.run_buffered_requests().await {
                return reason;
            }
        }
    }

    /// Waits for more bytes from the client, sending pushed messages as they arrive.
    async fn read(&mut self) -> Result<(), CloseReason> {
        loop {
            // Subscribers and monitors wait for messages, not requests: `timeout` spares them, as in Redis.
            let listening = self.client.is_subscribed() || self.client.is_monitor();
            let idle_timeout = if listening { None } else { self.server.settings.idle_timeout() };
            let holds_buffers = self.holds_buffers;
            let read = tokio::select! {
                biased;
                () = self.killed.notified() => return Err(CloseReason::ClientDone),
                () = self.pushed.notified() => {
                    self.send_pushes().await?;
                    continue;
                }
                () = sleep_or_forever(idle_timeout) => return Err(CloseReason::IdleTimeout),
                read = read_some(&mut self.stream, &mut self.decoder) => read?,
                () = &mut self.idle_check, if holds_buffers => {
                    self.check_idle();
                    continue;
                }
            };
            if read == 0 {
                return Err(CloseReason::PeerClosed);
            }
            self.hold_buffers();
            return self.account_read(read);
        }
    }

    /// Notes that the buffers are (about to be) in use, arming the idle check if they were not.
    fn hold_buffers(&mut self) {
        if !self.holds_buffers {
            self.holds_buffers = true;
            self.activity_checked = self.activity;
            self.idle_check.as_mut().reset(Instant::now() + RELEASE_BUFFERS_AFTER);
        }
    }

    /// The idle check fired: the buffers go back to the allocator if nothing was read or pushed
    /// since the last check; otherwise it checks again later.
    fn check_idle(&mut self) {
        if self.activity == self.activity_checked && self.out.is_empty() && self.decoder.release_buffers() {
            self.out = Vec::new();
            self.holds_buffers = false;
            return;
        }
        self.activity_checked = self.activity;
        self.idle_check.as_mut().reset(Instant::now() + RELEASE_BUFFERS_AFTER);
    }

    /// Encodes the messages waiting in the client's mailbox.
    fn encode_pushes(&mut self) {
        if self.client.mailbox().is_empty() {
            return;
        }
        let resp = self.client.resp();
        for message in self.client.mailbox().drain() {
            encode(&message, resp, &mut self.out);
        }
    }

    /// Encodes the messages that go out before the reply of the command just run.
    fn encode_pushes_before_reply(&mut self) {
        if self.client.mailbox().is_empty() {
            return;
        }
        let resp = self.client.resp();
        for message in self.client.mailbox().drain_before_reply() {
            encode(&message, resp, &mut self.out);
        }
    }

    /// Writes out the messages waiting in the client's mailbox.
    async fn send_pushes(&mut self) -> Result<(), CloseReason> {
        self.activity += 1;
        self.hold_buffers();
        self.encode_pushes();
        self.flush().await
    }

    /// Counts bytes just read, and enforces `client-query-buffer-limit`.
    fn account_read(&mut self, read: usize) -> Result<(), CloseReason> {
        self.activity += 1;
        let stats = &self.server.engine.stats;
        stats.total_net_input_bytes.fetch_add(read as u64, Ordering::Relaxed);
        stats.total_reads_processed.fetch_add(1, Ordering::Relaxed);
        let pending = self.decoder.pending_len();
        if pending as u64 > self.server.settings.client_query_buffer_limit() {
            return Err(CloseReason::QueryBufferLimit(pending));
        }
        Ok(())
    }

    /// Runs every complete request in the buffer, then writes their replies.
    ///
    /// A script may hold the engine for seconds, and a tokio worker stuck in one can hold up
    /// every other connection (the I/O driver included), so other clients would never get their
    /// BUSY replies. Script commands therefore run in `block_in_place`, which hands the worker's
    /// duties to another thread; once a client runs scripts, its whole batch runs that way, so a
    /// pipeline of EVALSHAs pays for one hand-off, not one per call.
    async fn run_buffered_requests(&mut self) -> Result<(), CloseReason> {
        loop {
            let pause = if self.runs_scripts {
                tokio::task::block_in_place(|| self.run_ready(true))
            } else {
                self.run_ready(false)
            };
            match pause {
                Pause::Drained => return self.flush().await,
                Pause::Flush => self.flush().await?,
                Pause::AuthFailed => {
                    tokio::time::sleep(FAILED_AUTH_DELAY).await;
                    self.flush().await?;
                }
                Pause::Blocked(waiter) => {
                    let reply = self.wait_until_served(waiter).await?;
                    if let Some(pause) = self.after_reply(reply) {
                        match pause {
                            Pause::Close(reason) => {
                                self.flush().await?;
                                return Err(reason);
                            }
                            _ => self.flush().await?,
                        }
                    }
                }
                Pause::Close(reason) => {
                    self.flush().await?;
                    return Err(reason);
                }
            }
        }
    }

    /// Runs complete requests and encodes their replies until one must wait, the output needs
    /// writing, the connection must close, or none is left. `off_worker`: already inside
    /// `block_in_place`.
    fn run_ready(&mut self, off_worker: bool) -> Pause {
        let max_bulk_len = self.server.settings.proto_max_bulk_len();
        loop {
            // Until it authenticates, a client gets Redis's tighter request limits; an AUTH earlier
            // in the same batch lifts them for the requests after it.
            let limits = Limits { max_bulk_len, unauthenticated: self.client.requires_auth() };
            let outcome = match self.decoder.next_request(&limits) {
                Ok(Some(request)) => request.with_argv(|argv| {
                    if !off_worker && argv.first().is_some_and(|name| may_run_scripts(name)) {
                        self.runs_scripts = true;
                        tokio::task::block_in_place(|| self.client.start(argv))
                    } else {
                        self.client.start(argv)
                    }
                }),
                Ok(None) => return Pause::Drained,
                Err(error) => {
                    write_error(&error.reply_line(), &mut self.out);
                    return Pause::Close(CloseReason::Protocol(error));
                }
            };
            match outcome {
                Outcome::Reply(reply) => {
                    let auth_failed = reply.as_error().is_some_and(|line| line.starts_with("WRONGPASS"));
                    if let Some(pause) = self.after_reply(reply) {
                        return pause;
                    }
                    if auth_failed {
                        return Pause::AuthFailed;
                    }
                }
                Outcome::Blocked(waiter) => return Pause::Blocked(waiter),
            }
        }
    }

    /// Encodes a reply (and the messages around it); says whether to stop for writing or closing.
    fn after_reply(&mut self, reply: Reply) -> Option<Pause> {
        if self.server.is_stopping() {
            // SHUTDOWN gets no reply, like Redis, which exits first; earlier replies still go.
            return Some(Pause::Close(CloseReason::ServerStopping));
        }
        // Messages the command itself caused (a PUBLISH to a channel this client listens to)
        // go out before its reply, as in Redis.
        self.encode_pushes_before_reply();
        if !self.client.reply_suppressed() {
            encode(&reply, self.client.resp(), &mut self.out);
        }
        // A client's invalidation of a key it changed itself follows the reply.
        self.encode_pushes();
        if self.client.should_close() {
            return Some(Pause::Close(CloseReason::ClientDone));
        }
        (self.out.len() >= FLUSH_AT).then_some(Pause::Flush)
    }

    /// Waits for a blocked command (BLPOP and the like) to be served or to time out. As in Redis,
    /// the client's later requests wait too, but replies already due go out first, and the
    /// connection keeps being read so a client that goes away is noticed.
    async fn wait_until_served(&mut self, mut waiter: Waiter) -> Result<Reply, CloseReason> {
        self.flush().await?;
        loop {
            let timeout = waiter.remaining();
            let event = tokio::select! {
                biased;
                reply = &mut waiter => BlockedEvent::Served(reply),
                () = self.killed.notified() => BlockedEvent::Closed(CloseReason::ClientDone),
                () = self.pushed.notified() => BlockedEvent::Pushed,
                () = sleep_or_forever(timeout) => BlockedEvent::TimeoutMaybe,
                read = self.stream.read_buf(self.decoder.read_buffer()) => match read {
                    Ok(0) => BlockedEvent::Closed(CloseReason::PeerClosed),
                    Ok(read) => BlockedEvent::Read(read),
                    Err(error) => BlockedEvent::Closed(CloseReason::Io(error)),
                },
            };
            match event {
                BlockedEvent::Served(reply) => return Ok(reply),
                // The deadline is on the engine's clock; sleeping may end a little early.
                BlockedEvent::TimeoutMaybe if waiter.remaining().is_some_and(|left| left.is_zero()) => {
                    return Ok(waiter.cancel());
                }
                BlockedEvent::TimeoutMaybe => {}
                BlockedEvent::Pushed => {
                    if let Err(reason) = self.send_pushes().await {
                        waiter.cancel();
                        return Err(reason);
                    }
                }
                BlockedEvent::Read(read) => {
                    if let Err(reason) = self.account_read(read) {
                        waiter.cancel();
                        return Err(reason);
                    }
                }
                BlockedEvent::Closed(reason) => {
                    waiter.cancel();
                    return Err(reason);
                }
            }
        }
    }

    /// Writes out the replies gathered so far.
    async fn flush(&mut self) -> Result<(), CloseReason> {
        if let Some(wait) = self.client.take_durability_wait() {
            // `appendfsync always`: replies go out once the writes they acknowledge are on disk;
            // other connections' writes meanwhile join the same fsync.
            self.server.durability.wait(wait).await;
        }
        if self.out.is_empty() {
            return Ok(());
        }
        tokio::select! {
            biased;
            () = self.killed.notified() => return Err(CloseReason::ClientDone),
            written = self.stream.write_all(&self.out) => written?,
        }
        let stats = &self.server.engine.stats;
        stats.total_net_output_bytes.fetch_add(self.out.len() as u64, Ordering::Relaxed);
        stats.total_writes_processed.fetch_add(1, Ordering::Relaxed);
        self.out.clear();
        if self.out.capacity() > KEEP_OUTPUT_CAPACITY {
            self.out = Vec::new();
        }
        Ok(())
    }
}

/// What ended a wait for a blocked command.
enum BlockedEvent {
    Served(Reply),
    /// The command's timeout may have passed.
    TimeoutMaybe,
    /// The client sent more (kept for after the blocked command).
    Read(usize),
    /// A message arrived in the client's mailbox.
    Pushed,
    Closed(CloseReason),
}

/// Reads more bytes from the client into the decoder. Between requests the read goes through
/// the worker thread's shared buffer and the decoder keeps only the bytes that came, so waiting
/// for a request costs no buffer; the rest of a request under way (a large argument) is read
/// straight into the decoder's.
async fn read_some<S: AsyncRead + Unpin>(stream: &mut S, decoder: &mut RequestDecoder) -> io::Result<usize> {
    if decoder.pending_len() > 0 {
        return stream.read_buf(decoder.read_buffer()).await;
    }
    // Cancel-safe: the shared buffer is borrowed within one poll, and bytes read are handed over
    // in the poll that reads them.
    std::future::poll_fn(|cx| {
        SHARED_READ.with_borrow_mut(|shared| {
            let mut buf = ReadBuf::new(shared);
            ready!(Pin::new(&mut *stream).poll_read(cx, &mut buf))?;
            decoder.extend(buf.filled());
            Poll::Ready(Ok(buf.filled().len()))
        })
    })
    .await
}

async fn sleep_or_forever(duration: Option<Duration>) {
    match duration {
        Some(duration) => tokio::time::sleep(duration).await,
        None => std::future::pending().await,
    }
}
