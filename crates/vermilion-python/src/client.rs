//! One engine session per redis-py connection.
//!
//! A [`Client`] wraps an engine `Client` in a mutex so several Python threads may share it. The
//! GIL stays held while a command runs: fast commands cost less than releasing it, and the
//! session lock is never held while Python code runs, so waiting on it cannot deadlock.
//!
//! A session closed by QUIT, `CLIENT KILL` or `close()` reopens on the next command and replays
//! the connection handshake (AUTH, HELLO, SELECT, ...), which is what redis-py's retry-and-
//! reconnect does over a socket.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use vermilion_engine::commands::may_run_scripts;
use vermilion_engine::pubsub::Mailbox;
use vermilion_engine::{Client as EngineClient, ConnectionInfo, Engine as EngineCore, Outcome, Reply, Waiter};

use crate::argv::{split_command_name, Objects};
use crate::codec::{Arg, TextCodec};
use crate::engine::Engine;
use crate::parked::{Doorbell, ParkedCall};
use crate::reply::{self, Shape};

/// One command of the connection handshake.
struct HandshakeStep {
    argv: Vec<Vec<u8>>,
    /// Optional steps (`CLIENT SETINFO`) may fail without failing the connection, as in redis-py.
    required: bool,
}

/// An engine session driven from Python.
#[pyclass(module = "vermilion._native", frozen)]
pub struct Client {
    engine: Arc<EngineCore>,
    session: Mutex<Option<EngineClient>>,
    handshake: Vec<HandshakeStep>,
    pub codec: TextCodec,
    /// The asyncio face's: while a CLIENT PAUSE may hold commands, the calls that would wait on
    /// the caller's thread raise `CommandHeld` before running anything, and the caller takes
    /// the path that awaits a held call instead of waiting for it on the event loop's thread.
    hands_back_held: bool,
}

pyo3::create_exception!(
    _native,
    CommandHeld,
    pyo3::exceptions::PyException,
    "A CLIENT PAUSE may hold the command: nothing ran; send it the way that awaits a held call."
);

impl Client {
    /// Runs one command and tells whether the session speaks RESP3 after it. A blocking command
    /// that must wait (BLPOP, ...) waits with the GIL released, so other Python threads — the
    /// one that will push, say — keep running; Ctrl-C interrupts the wait.
    /// A client that hands back held commands raises `CommandHeld` instead, before running
    /// anything, while a pause may hold it.
    pub fn run(&self, py: Python<'_>, argv: &[&[u8]]) -> PyResult<(Reply, bool)> {
        self.hand_back_if_held()?;
        self.run_collecting(py, argv, None)
    }

    /// `CommandHeld` for a client that hands back held commands, while a pause may hold one.
    /// Only the calls that would wait on the caller's thread check: the parking ones (`start`,
    /// `send`) are how a handed-back command is sent again.
    fn hand_back_if_held(&self) -> PyResult<()> {
        if self.hands_back_held && vermilion_engine::blocking::any_engine_paused() {
            return Err(CommandHeld::new_err(()));
        }
        Ok(())
    }

    /// Locks the session slot. Another thread may hold it through a long wait: never wait for
    /// it holding the GIL.
    fn lock_session(&self, py: Python<'_>) -> parking_lot::MutexGuard<'_, Option<EngineClient>> {
        loop {
            if let Some(slot) = self.session.try_lock() {
                return slot;
            }
            // Wait for the holder without the GIL, then take the lock again with it.
            py.detach(|| drop(self.session.lock()));
        }
    }

    /// Runs one command; with `pushes`, also takes the messages pushed to the session before
    /// its reply (pub/sub messages, keyspace events), which come first on the wire.
    fn run_collecting(&self, py: Python<'_>, argv: &[&[u8]], pushes: Option<&mut Vec<Reply>>) -> PyResult<(Reply, bool)> {
        match self.start_collecting(py, argv, pushes, Park::Wait)? {
            (Outcome::Reply(reply), resp3) => Ok((reply, resp3)),
            (Outcome::Blocked(waiter), resp3) => Ok((wait_released(py, waiter)?, resp3)),
        }
    }

    /// Like `run_collecting`; with `Park::Return`, a blocking command that must wait comes back
    /// parked instead of being waited on, so the asyncio face awaits it without holding a thread.
    fn start_collecting(
        &self,
        py: Python<'_>,
        argv: &[&[u8]],
        pushes: Option<&mut Vec<Reply>>,
        park: Park,
    ) -> PyResult<(Outcome, bool)> {
        let mut slot = self.lock_session(py);
        let session = match slot.as_mut() {
            Some(session) if !session.should_close() => session,
            _ => match self.open_session() {
                Ok(session) => slot.insert(session),
                Err(refused) => return Ok((Outcome::Reply(refused), false)),
            },
        };
        let outcome = if argv.first().is_some_and(|name| may_run_scripts(name)) {
            // A script may run long: other threads keep running, and may SCRIPT KILL it.
            py.detach(|| session.start(argv))
        } else {
            session.start(argv)
        };
        let outcome = match outcome {
            // Waiting holds the session, as a blocked connection takes no other command.
            Outcome::Blocked(waiter) if park == Park::Wait => Outcome::Reply(wait_released(py, waiter)?),
            other => other,
        };
        if let Some(pushes) = pushes {
            if !session.mailbox().is_empty() {
                pushes.extend(session.mailbox().drain());
            }
        }
        let resp3 = session.resp() == 3;
        if session.should_close() {
            *slot = None;
        }
        Ok((outcome, resp3))
    }

    /// Runs one command for a native fast path and converts its reply; error replies raise.
    pub fn call<'py>(&self, py: Python<'py>, argv: &[&[u8]]) -> PyResult<Bound<'py, PyAny>> {
        let (reply, resp3) = self.run(py, argv)?;
        reply::to_python(py, reply, Shape { codec: &self.codec, resp3, decode: true })
    }

    /// Runs one command for a native fast path, which shapes the reply itself.
    pub fn call_raw(&self, py: Python<'_>, argv: &[&[u8]]) -> PyResult<(Reply, bool)> {
        match self.run(py, argv)? {
            (Reply::Error(line), _) => Err(PyErr::from_value(crate::redis_py::error_instance(py, &line)?)),
            ok => Ok(ok),
        }
    }

    pub fn shape(&self, resp3: bool) -> Shape<'_> {
        Shape { codec: &self.codec, resp3, decode: true }
    }

    /// A new engine session with the handshake replayed; an error reply if a required step fails.
    fn open_session(&self) -> Result<EngineClient, Reply> {
        let mut session = self.engine.connect(ConnectionInfo::embedded("python"));
        for step in &self.handshake {
            let argv: Vec<&[u8]> = step.argv.iter().map(Vec::as_slice).collect();
            let reply = session.execute(&argv);
            if step.required && reply.is_error() {
                return Err(reply);
            }
        }
        Ok(session)
    }

    /// Encodes a redis-py command tuple and runs it.
    fn run_tuple(&self, args: &Bound<'_, PyTuple>) -> PyResult<(Reply, bool)> {
        self.run_tuple_collecting(args, None)
    }

    fn run_tuple_collecting(&self, args: &Bound<'_, PyTuple>, pushes: Option<&mut Vec<Reply>>) -> PyResult<(Reply, bool)> {
        let mut objects = Objects::with_capacity(args.len());
        objects.extend_from_tuple(args);
        let encoded = objects.encode(&self.codec)?;
        self.run_collecting(args.py(), &command_argv(&encoded), pushes)
    }

    /// The open session's mailbox, if a session is open.
    fn mailbox(&self, py: Python<'_>) -> Option<Arc<Mailbox>> {
        self.lock_session(py).as_ref().map(|session| Arc::clone(session.mailbox()))
    }

    fn pending(slf: &Bound<'_, Self>, reply: Reply, resp3: bool) -> PendingReply {
        PendingReply::new(slf.clone().unbind(), reply, resp3)
    }
}

/// What to do with a blocking command that must wait.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Park {
    /// Wait for it here, with the GIL released.
    Wait,
    /// Hand it back to the caller as it is.
    Return,
}

/// How often a blocked wait wakes to let Python handle signals (Ctrl-C).
const SIGNAL_CHECK_INTERVAL: Duration = Duration::from_millis(100);

/// Waits for a parked call without the GIL, until it is served or its timeout passes.
fn wait_released(py: Python<'_>, waiter: Waiter) -> PyResult<Reply> {
    loop {
        let slice = waiter.remaining().map_or(SIGNAL_CHECK_INTERVAL, |left| left.min(SIGNAL_CHECK_INTERVAL));
        if let Some(reply) = py.detach(|| waiter.wait_for(slice)) {
            return Ok(reply);
        }
        if waiter.remaining().is_some_and(|left| left.is_zero()) {
            return Ok(waiter.cancel());
        }
        if let Err(interrupted) = py.check_signals() {
            waiter.cancel();
            return Err(interrupted);
        }
    }
}

/// The argv of a redis-py command, with literal words in the name split off (`"CONFIG GET"`).
fn command_argv<'a>(encoded: &'a [Arg<'_>]) -> Vec<&'a [u8]> {
    let mut argv: Vec<&[u8]> = Vec::with_capacity(encoded.len() + 1);
    if let Some((name, rest)) = encoded.split_first() {
        match split_command_name(name.as_bytes()) {
            Some(words) => argv.extend(words),
            None => argv.push(name.as_bytes()),
        }
        argv.extend(rest.iter().map(Arg::as_bytes));
    }
    argv
}

#[pymethods]
impl Client {
    /// A client of `engine` whose sessions start by running `handshake`: pairs of a command tuple
    /// and whether it must succeed. No session is open until `open()` or the first command.
    #[new]
    #[pyo3(signature = (engine, handshake = Vec::new(), *, decode_responses = false, encoding = "utf-8", encoding_errors = "strict", hands_back_held = false))]
    fn new(
        engine: &Bound<'_, Engine>,
        handshake: Vec<(Bound<'_, PyTuple>, bool)>,
        decode_responses: bool,
        encoding: &str,
        encoding_errors: &str,
        hands_back_held: bool,
    ) -> PyResult<Self> {
        let codec = TextCodec::new(encoding, encoding_errors, decode_responses)?;
        let mut steps = Vec::with_capacity(handshake.len());
        for (command, required) in &handshake {
            let mut objects = Objects::with_capacity(command.len());
            objects.extend_from_tuple(command);
            let encoded = objects.encode(&codec)?;
            let argv = command_argv(&encoded).into_iter().map(<[u8]>::to_vec).collect();
            steps.push(HandshakeStep { argv, required: *required });
        }
        Ok(Client { engine: Arc::clone(engine.get().core()), session: Mutex::new(None), handshake: steps, codec, hands_back_held })
    }

    /// Opens a session now unless one is open; raises the redis-py error of a failed handshake
    /// step (a wrong password raises `AuthenticationError`, as on connect over a socket).
    fn open(&self, py: Python<'_>) -> PyResult<()> {
        let refused = {
            let mut slot = self.session.lock();
            if slot.as_ref().is_some_and(|session| !session.should_close()) {
                return Ok(());
            }
            match self.open_session() {
                Ok(session) => {
                    *slot = Some(session);
                    return Ok(());
                }
                Err(refused) => refused,
            }
        };
        reply::to_python(py, refused, self.shape(false)).map(drop)
    }

    /// Runs a command given as redis-py passes it (`("SET", "k", 1)`), returning the reply as
    /// redis-py's parser would; error replies raise. `decode=False` is redis-py's NEVER_DECODE.
    #[pyo3(signature = (args, decode = true))]
    fn execute<'py>(&self, py: Python<'py>, args: &Bound<'py, PyTuple>, decode: bool) -> PyResult<Bound<'py, PyAny>> {
        self.hand_back_if_held()?;
        let (reply, resp3) = self.run_tuple(args)?;
        reply::to_python(py, reply, Shape { codec: &self.codec, resp3, decode })
    }

    /// Runs a command now and keeps what it sends back for later reads, as a socket would: the
    /// redis-py connection's `send_command` / `read_response` pair. That is its reply — or its
    /// several replies (SUBSCRIBE confirms each channel) — after any message pushed before it.
    fn send(slf: &Bound<'_, Self>, args: &Bound<'_, PyTuple>) -> PyResult<Vec<PendingReply>> {
        let mut pushes = Vec::new();
        let (reply, resp3) = slf.get().run_tuple_collecting(args, Some(&mut pushes))?;
        let mut out: Vec<PendingReply> = pushes.into_iter().map(|push| Self::pending(slf, push, resp3)).collect();
        match reply {
            Reply::Several(replies) => out.extend(replies.into_iter().map(|r| Self::pending(slf, r, resp3))),
            reply => out.push(Self::pending(slf, reply, resp3)),
        }
        Ok(out)
    }

    /// Takes the messages pushed to the session (pub/sub messages, keyspace events).
    fn take_pushes(slf: &Bound<'_, Self>) -> Vec<PendingReply> {
        let client = slf.get();
        let slot = client.lock_session(slf.py());
        let Some(session) = slot.as_ref() else { return Vec::new() };
        let resp3 = session.resp() == 3;
        let messages = session.mailbox().drain();
        drop(slot);
        messages.into_iter().map(|message| Self::pending(slf, message, resp3)).collect()
    }

    /// Runs a command now, as `send` does, except that a blocking command that must wait is
    /// not waited on: it comes last, as a `ParkedCall` to await.
    fn start(slf: &Bound<'_, Self>, args: &Bound<'_, PyTuple>) -> PyResult<Vec<Py<PyAny>>> {
        let py = slf.py();
        let client = slf.get();
        let mut objects = Objects::with_capacity(args.len());
        objects.extend_from_tuple(args);
        let encoded = objects.encode(&client.codec)?;
        let mut pushes = Vec::new();
        let (outcome, resp3) = client.start_collecting(py, &command_argv(&encoded), Some(&mut pushes), Park::Return)?;
        let mut out = Vec::with_capacity(pushes.len() + 1);
        for push in pushes {
            out.push(Py::new(py, Self::pending(slf, push, resp3))?.into_any());
        }
        match outcome {
            Outcome::Reply(Reply::Several(replies)) => {
                for reply in replies {
                    out.push(Py::new(py, Self::pending(slf, reply, resp3))?.into_any());
                }
            }
            Outcome::Reply(reply) => out.push(Py::new(py, Self::pending(slf, reply, resp3))?.into_any()),
            Outcome::Blocked(waiter) => {
                out.push(Py::new(py, ParkedCall::new(waiter, slf.clone().unbind(), resp3))?.into_any());
            }
        }
        Ok(out)
    }

    /// Rings `bell` whenever a message is pushed to the open session's empty mailbox. False
    /// when no session is open or its mailbox is closed (the client was killed or closed).
    fn ring_on_push(&self, py: Python<'_>, bell: &Doorbell) -> bool {
        let Some(mailbox) = self.mailbox(py) else { return false };
        mailbox.set_waker(bell.ringer());
        !mailbox.is_closed()
    }

    /// Waits until a message is pushed to the session, at most `timeout` seconds (`None`:
    /// without limit), without the GIL; Ctrl-C interrupts. True if one is waiting.
    #[pyo3(signature = (timeout = None))]
    fn wait_push(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<bool> {
        let Some(mailbox) = self.mailbox(py) else { return Ok(false) };
        let deadline = timeout.map(|t| Instant::now() + Duration::from_secs_f64(t.max(0.0)));
        loop {
            let slice = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()).min(SIGNAL_CHECK_INTERVAL),
                None => SIGNAL_CHECK_INTERVAL,
            };
            if py.detach(|| mailbox.wait(Some(slice))) {
                return Ok(true);
            }
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) || mailbox.is_closed() {
                return Ok(false);
            }
            py.check_signals()?;
        }
    }

    /// Whether the open session listens to any channel or pattern.
    #[getter]
    fn subscribed(&self, py: Python<'_>) -> bool {
        self.lock_session(py).as_ref().is_some_and(EngineClient::is_subscribed)
    }

    /// Runs a pipeline's commands in order: `commands` holds `(args, decode)` pairs. Error
    /// replies come back as exception instances in their slots.
    fn execute_many<'py>(&self, py: Python<'py>, commands: &Bound<'py, PyList>) -> PyResult<Bound<'py, PyList>> {
        self.hand_back_if_held()?;
        let results = PyList::empty(py);
        for command in commands.iter() {
            let (args, decode): (Bound<'py, PyTuple>, bool) = command.extract()?;
            let (reply, resp3) = self.run_tuple(&args)?;
            results.append(reply::to_value(py, reply, Shape { codec: &self.codec, resp3, decode })?)?;
        }
        Ok(results)
    }

    /// Ends the session; the next command opens a new one.
    fn close(&self) {
        self.session.lock().take();
    }

    /// Whether a session is open.
    #[getter]
    fn connected(&self) -> bool {
        self.session.lock().as_ref().is_some_and(|session| !session.should_close())
    }

    /// The engine's id of the open session (what `CLIENT ID` returns), if one is open.
    #[getter]
    fn id(&self) -> Option<u64> {
        self.session.lock().as_ref().map(EngineClient::id)
    }

    #[getter]
    fn decode_responses(&self) -> bool {
        self.codec.decode_responses
    }
}

/// A reply kept until redis-py's connection reads it.
#[pyclass(module = "vermilion._native", frozen)]
pub struct PendingReply {
    client: Py<Client>,
    reply: Mutex<Option<Reply>>,
    resp3: bool,
    push: bool,
}

impl PendingReply {
    pub(crate) fn new(client: Py<Client>, reply: Reply, resp3: bool) -> Self {
        let push = matches!(reply, Reply::Push(_));
        PendingReply { client, reply: Mutex::new(Some(reply)), resp3, push }
    }
}

#[pymethods]
impl PendingReply {
    /// Whether this is an out-of-band RESP3 push (a message, an invalidation) rather than the
    /// reply of a command.
    #[getter]
    fn is_push(&self) -> bool {
        self.push
    }

    /// The reply as redis-py's parser returns it: error replies are exception instances, which
    /// the connection raises. `decode=False` keeps bulk strings as bytes.
    #[pyo3(signature = (decode = true))]
    fn value<'py>(&self, py: Python<'py>, decode: bool) -> PyResult<Bound<'py, PyAny>> {
        let reply = self.reply.lock().take().unwrap_or(Reply::Null);
        let client = self.client.get();
        reply::to_value(py, reply, Shape { codec: &client.codec, resp3: self.resp3, decode })
    }
}
