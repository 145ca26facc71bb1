//! What the rest of the engine may know about the script that is running, without the keyspace
//! lock the script holds: whether one runs and for how long, whether it has written, and the
//! kill request another client may post (`SCRIPT KILL`, `FUNCTION KILL`).
//!
//! Redis answers other clients from inside a script that runs too long (its Lua hook processes
//! events); here other clients run on their own threads, so they read this record instead and the
//! script's hook reads their kill request.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use parking_lot::Mutex;

use crate::reply::Reply;

/// Which command started the running script: its kill command and busy error depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptKind {
    /// EVAL and its variants.
    Eval,
    /// FCALL and FCALL_RO.
    Function,
}

/// `BUSY` for a long EVAL script.
pub const BUSY_EVAL: Reply = Reply::err("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
/// `BUSY` for a long function.
pub const BUSY_FUNCTION: Reply = Reply::err("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
const NOTBUSY: Reply = Reply::err("NOTBUSY No scripts in execution right now.");
const UNKILLABLE: Reply = Reply::err(
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script \
     termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.",
);
/// What a killed script raises; its caller gets it with the script's position appended.
pub const KILLED_MESSAGE: &std::ffi::CStr = c"ERR Script killed by user with SCRIPT KILL...";

impl ScriptKind {
    pub fn busy_reply(self) -> Reply {
        match self {
            ScriptKind::Eval => BUSY_EVAL,
            ScriptKind::Function => BUSY_FUNCTION,
        }
    }
}

// Bits of the state word; the bits above `GENERATION_SHIFT` count script runs, so a kill request
// aimed at one run can never land on the next.
const RUNNING: u64 = 1;
const FUNCTION: u64 = 1 << 1;
const WROTE: u64 = 1 << 2;
const KILLED: u64 = 1 << 3;
const GENERATION_SHIFT: u32 = 8;

/// The running function and its caller's command, for `FUNCTION STATS`. The buffers are kept
/// from one FCALL to the next, so recording a call allocates nothing once they have grown.
#[derive(Default)]
struct RunningFunction {
    running: bool,
    name: String,
    command: Vec<Vec<u8>>,
    /// How many of `command`'s buffers the running call uses.
    words: usize,
}

impl RunningFunction {
    fn record(&mut self, name: &str, argv: &[&[u8]]) {
        self.running = true;
        self.name.clear();
        self.name.push_str(name);
        if self.command.len() < argv.len() {
            self.command.resize_with(argv.len(), Vec::new);
        }
        for (buffer, word) in self.command.iter_mut().zip(argv) {
            buffer.clear();
            buffer.extend_from_slice(word);
        }
        self.words = argv.len();
    }

    fn command(&self) -> &[Vec<u8>] {
        &self.command[..self.words]
    }

    /// Ends the record; buffers a big call made grow are let go rather than kept for good.
    fn finish(&mut self) {
        const KEPT_BYTES: usize = 4096;
        self.running = false;
        if self.command.iter().map(Vec::capacity).sum::<usize>() > KEPT_BYTES {
            self.command = Vec::new();
        }
    }
}

/// The engine's record of the running script (at most one runs: scripts hold the keyspace lock).
pub struct ScriptStatus {
    state: AtomicU64,
    /// When the running script started, in nanoseconds since `epoch` (a monotonic clock, as
    /// Redis measures script time: a manual engine clock must not make scripts busy).
    started_ns: AtomicU64,
    epoch: Instant,
    function: Mutex<RunningFunction>,
    /// Libraries and functions loaded, kept here so `FUNCTION STATS` can answer while a function
    /// runs (the libraries themselves sit under the keyspace lock).
    libraries: AtomicUsize,
    functions: AtomicUsize,
}

impl Default for ScriptStatus {
    fn default() -> Self {
        ScriptStatus {
            state: AtomicU64::new(0),
            started_ns: AtomicU64::new(0),
            epoch: Instant::now(),
            function: Mutex::default(),
            libraries: AtomicUsize::new(0),
            functions: AtomicUsize::new(0),
        }
    }
}

impl ScriptStatus {
    /// Marks a script as running until the returned guard drops. `function` names the function
    /// and the caller's command for FCALL.
    pub(crate) fn begin(&self, kind: ScriptKind, function: Option<(&str, &[&[u8]])>) -> RunningGuard<'_> {
        if let Some((name, argv)) = function {
            self.function.lock().record(name, argv);
        }
        self.started_ns.store(self.elapsed_ns(), Ordering::Relaxed);
        let generation = (self.state.load(Ordering::Relaxed) >> GENERATION_SHIFT).wrapping_add(1);
        let kind_bit = if kind == ScriptKind::Function { FUNCTION } else { 0 };
        self.state.store((generation << GENERATION_SHIFT) | RUNNING | kind_bit, Ordering::Release);
        RunningGuard { status: self, function: function.is_some() }
    }

    fn elapsed_ns(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Whether a script runs right now: one atomic load, cheap enough for every command.
    pub fn is_running(&self) -> bool {
        self.state.load(Ordering::Relaxed) & RUNNING != 0
    }

    /// The kind of the running script if it has run for at least `threshold_ms` (0 disables
    /// the busy state, as `busy-reply-threshold 0` does in Redis).
    pub fn busy(&self, threshold_ms: u64) -> Option<ScriptKind> {
        let state = self.state.load(Ordering::Acquire);
        if state & RUNNING == 0 || threshold_ms == 0 {
            return None;
        }
        let ran_ms = self.elapsed_ns().saturating_sub(self.started_ns.load(Ordering::Relaxed)) / 1_000_000;
        (ran_ms >= threshold_ms).then_some(kind_of(state))
    }

    /// How long the running script has run, in milliseconds.
    fn duration_ms(&self) -> i64 {
        let ns = self.elapsed_ns().saturating_sub(self.started_ns.load(Ordering::Relaxed));
        i64::try_from(ns / 1_000_000).unwrap_or(i64::MAX)
    }

    /// `SCRIPT KILL` (`eval` true) or `FUNCTION KILL`: posts a kill request to a running script
    /// that has not written, with Redis's refusals otherwise.
    pub fn kill(&self, eval: bool) -> Reply {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            if state & RUNNING == 0 {
                return NOTBUSY;
            }
            if state & WROTE != 0 {
                return UNKILLABLE;
            }
            match (eval, kind_of(state)) {
                (true, ScriptKind::Function) => return BUSY_FUNCTION,
                (false, ScriptKind::Eval) => return BUSY_EVAL,
                _ => {}
            }
            match self.state.compare_exchange_weak(state, state | KILLED, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Reply::OK,
                Err(current) => state = current,
            }
        }
    }

    /// Records that the script is about to run a write command; false if it has been killed,
    /// so a write can never follow an accepted kill.
    pub(crate) fn note_write(&self) -> bool {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            if state & KILLED != 0 {
                return false;
            }
            if state & WROTE != 0 {
                return true;
            }
            match self.state.compare_exchange_weak(state, state | WROTE, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return true,
                Err(current) => state = current,
            }
        }
    }

    /// Whether a kill request waits for the running script.
    pub(crate) fn kill_requested(&self) -> bool {
        self.state.load(Ordering::Acquire) & KILLED != 0
    }

    /// Publishes how many libraries and functions are loaded.
    pub(crate) fn set_library_counts(&self, libraries: usize, functions: usize) {
        self.libraries.store(libraries, Ordering::Relaxed);
        self.functions.store(functions, Ordering::Relaxed);
    }

    pub fn library_count(&self) -> usize {
        self.libraries.load(Ordering::Relaxed)
    }

    pub fn function_count(&self) -> usize {
        self.functions.load(Ordering::Relaxed)
    }

    /// `FUNCTION STATS`: the running function (if any) and the engines' library counts. While an
    /// EVAL script runs, Redis answers with the busy error instead.
    pub fn function_stats(&self) -> Reply {
        let state = self.state.load(Ordering::Acquire);
        if state & RUNNING != 0 && kind_of(state) == ScriptKind::Eval {
            return BUSY_EVAL;
        }
        let running = match &*self.function.lock() {
            function if function.running && state & RUNNING != 0 => Reply::Map(vec![
                (Reply::bulk("name"), Reply::bulk(function.name.as_bytes())),
                (Reply::bulk("command"), Reply::Array(function.command().iter().map(|a| Reply::bulk(a.as_slice())).collect())),
                (Reply::bulk("duration_ms"), Reply::Integer(self.duration_ms())),
            ]),
            _ => Reply::Null,
        };
        let counts = Reply::Map(vec![
            (Reply::bulk("libraries_count"), Reply::Integer(self.library_count() as i64)),
            (Reply::bulk("functions_count"), Reply::Integer(self.function_count() as i64)),
        ]);
        Reply::Map(vec![
            (Reply::bulk("running_script"), running),
            (Reply::bulk("engines"), Reply::Map(vec![(Reply::bulk("LUA"), counts)])),
        ])
    }
}

fn kind_of(state: u64) -> ScriptKind {
    if state & FUNCTION != 0 {
        ScriptKind::Function
    } else {
        ScriptKind::Eval
    }
}

/// Marks the script finished when dropped, however its run ends.
pub(crate) struct RunningGuard<'a> {
    status: &'a ScriptStatus,
    function: bool,
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        let generation = self.status.state.load(Ordering::Relaxed) >> GENERATION_SHIFT;
        self.status.state.store(generation << GENERATION_SHIFT, Ordering::Release);
        if self.function {
            self.status.function.lock().finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kill_needs_a_running_script_of_the_right_kind_that_has_not_written() {
        let status = ScriptStatus::default();
        assert_eq!(status.kill(true), NOTBUSY);
        {
            let _run = status.begin(ScriptKind::Eval, None);
            assert_eq!(status.kill(false), BUSY_EVAL);
            assert!(status.note_write());
            assert_eq!(status.kill(true), UNKILLABLE);
        }
        {
            let _run = status.begin(ScriptKind::Function, Some(("f", &[b"FCALL", b"f", b"0"])));
            assert!(!status.kill_requested());
            assert_eq!(status.kill(true), BUSY_FUNCTION);
            assert_eq!(status.kill(false), Reply::OK);
            assert!(status.kill_requested());
            assert!(!status.note_write(), "no write after an accepted kill");
        }
        assert!(!status.is_running());
        assert!(!status.kill_requested(), "a kill request ends with its run");
    }

    #[test]
    fn busy_only_past_the_threshold() {
        let status = ScriptStatus::default();
        let _run = status.begin(ScriptKind::Eval, None);
        assert_eq!(status.busy(0), None);
        assert_eq!(status.busy(60_000), None);
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert_eq!(status.busy(1), Some(ScriptKind::Eval));
    }
}
