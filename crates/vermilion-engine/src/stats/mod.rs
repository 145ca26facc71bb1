//! What the engine observes about the commands it runs: per-command calls, time and latency
//! histograms (`INFO commandstats`, `latencystats`, `LATENCY HISTOGRAM`), error replies by
//! code (`INFO errorstats`), the slow log, latency spikes, MONITOR, and throughput rates.
//!
//! Recording a call is the per-command cost of all this: one uncontended lock (callers already
//! hold the keyspace lock), one hash probe and a few additions.

pub mod histogram;
pub mod latency;
pub mod monitor;
pub mod slowlog;
pub mod timer;

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};

use ahash::AHashMap;
use parking_lot::Mutex;

use crate::commands::Command;
use crate::config::Config;
use crate::pubsub::OutputLimit;
use histogram::Histogram;
use latency::LatencyMonitor;
use monitor::Monitors;
use slowlog::SlowLog;

/// Distinct error codes tracked, as Redis caps them, so odd error texts cannot grow the table.
const MAX_ERROR_CODES: usize = 128;
/// Throughput samples averaged for the `instantaneous_*` figures (one every cron tick).
const RATE_SAMPLES: usize = 16;

/// One command's figures.
pub struct CommandTally {
    pub cmd: &'static Command,
    pub calls: u64,
    pub ns: u64,
    pub rejected: u64,
    pub failed: u64,
    /// Allocated on the first call with `latency-tracking` on (24 KiB).
    pub histogram: Option<Box<Histogram>>,
}

impl CommandTally {
    fn new(cmd: &'static Command) -> Self {
        CommandTally { cmd, calls: 0, ns: 0, rejected: 0, failed: 0, histogram: None }
    }

    pub fn usec(&self) -> u64 {
        self.ns / 1000
    }
}

#[derive(Default)]
pub struct Tallies {
    /// By the address of the command's table entry: a cheap, stable key.
    commands: AHashMap<usize, CommandTally>,
    /// Error replies by code (`ERR`, `WRONGTYPE`...), in name order as Redis lists them.
    pub errors: BTreeMap<String, u64>,
    pub total_error_replies: u64,
    pub total_calls: u64,
}

impl Tallies {
    fn tally(&mut self, cmd: &'static Command) -> &mut CommandTally {
        self.commands.entry(cmd as *const Command as usize).or_insert_with(|| CommandTally::new(cmd))
    }

    /// Commands that were called or refused, by full name.
    pub fn commands(&self) -> Vec<&CommandTally> {
        let mut out: Vec<&CommandTally> =
            self.commands.values().filter(|t| t.calls + t.rejected + t.failed > 0).collect();
        out.sort_by_key(|t| t.cmd.name);
        out
    }

    pub fn command(&self, cmd: &'static Command) -> Option<&CommandTally> {
        self.commands.get(&(cmd as *const Command as usize))
    }

    fn count_error(&mut self, line: &str) {
        self.total_error_replies += 1;
        let code = match line.as_bytes().iter().take(32).position(|&b| b == b' ') {
            Some(space) => &line[..space],
            None => "ERR",
        };
        if let Some(count) = self.errors.get_mut(code) {
            *count += 1;
        } else if self.errors.len() < MAX_ERROR_CODES {
            self.errors.insert(code.to_string(), 1);
        }
    }
}

/// Settings read on every command, kept out of the config lock.
/// One command's figures, executed and refused calls together.
pub struct CommandView<'a> {
    pub cmd: &'static Command,
    pub calls: u64,
    pub ns: u64,
    pub rejected: u64,
    pub failed: u64,
    pub histogram: Option<&'a Histogram>,
}

impl CommandView<'_> {
    pub fn usec(&self) -> u64 {
        self.ns / 1000
    }
}

/// Executed and refused calls' figures, read together.
pub struct Combined<'a> {
    calls: &'a Tallies,
    refusals: &'a Tallies,
}

impl Combined<'_> {
    /// Commands that were called or refused, by full name.
    pub fn commands(&self) -> Vec<CommandView<'_>> {
        let mut keys: Vec<usize> = self.calls.commands.keys().chain(self.refusals.commands.keys()).copied().collect();
        keys.sort_unstable();
        keys.dedup();
        let mut out: Vec<CommandView<'_>> = keys
            .into_iter()
            .filter_map(|key| {
                let ran = self.calls.commands.get(&key);
                let refused = self.refusals.commands.get(&key);
                let cmd = ran.or(refused)?.cmd;
                Some(CommandView {
                    cmd,
                    calls: ran.map_or(0, |t| t.calls),
                    ns: ran.map_or(0, |t| t.ns),
                    rejected: refused.map_or(0, |t| t.rejected),
                    failed: ran.map_or(0, |t| t.failed),
                    histogram: ran.and_then(|t| t.histogram.as_deref()),
                })
            })
            .filter(|v| v.calls + v.rejected + v.failed > 0)
            .collect();
        out.sort_by_key(|v| v.cmd.name);
        out
    }

    /// Error replies by code, in name order.
    pub fn errors(&self) -> BTreeMap<String, u64> {
        let mut out = self.calls.errors.clone();
        for (code, count) in &self.refusals.errors {
            *out.entry(code.clone()).or_default() += count;
        }
        out
    }

    pub fn total_error_replies(&self) -> u64 {
        self.calls.total_error_replies + self.refusals.total_error_replies
    }
}

struct Settings {
    /// `slowlog-log-slower-than` in µs; negative disables the slow log.
    slowlog_slower_than_us: AtomicI64,
    slowlog_max_len: AtomicUsize,
    /// `latency-monitor-threshold` in ms; 0 disables the latency monitor.
    latency_threshold_ms: AtomicU64,
    latency_tracking: AtomicBool,
    percentiles: Mutex<Vec<f64>>,
    /// The `normal` class of `client-output-buffer-limit`, which monitors belong to.
    monitor_limit: Mutex<OutputLimit>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            slowlog_slower_than_us: AtomicI64::new(10_000),
            slowlog_max_len: AtomicUsize::new(128),
            latency_threshold_ms: AtomicU64::new(0),
            latency_tracking: AtomicBool::new(true),
            percentiles: Mutex::new(vec![50.0, 99.0, 99.9]),
            monitor_limit: Mutex::new(OutputLimit::default()),
        }
    }
}

/// One throughput sample: when, and the running totals then.
#[derive(Clone, Copy)]
struct RateSample {
    at_ms: i64,
    calls: u64,
    input: u64,
    output: u64,
}

/// Per-second rates averaged over the last samples (`instantaneous_ops_per_sec`...).
#[derive(Default, Clone, Copy)]
pub struct Rates {
    pub ops_per_sec: u64,
    pub input_kbps: f64,
    pub output_kbps: f64,
}

#[derive(Default)]
pub struct Observer {
    /// Calls refused before they ran, and errors no call accounts for. Executed calls are
    /// tallied in the keyspace (`Keyspace::calls`), under the lock commands already hold.
    refusals: Mutex<Tallies>,
    pub slowlog: Mutex<SlowLog>,
    pub latency: Mutex<LatencyMonitor>,
    pub monitors: Monitors,
    settings: Settings,
    samples: Mutex<VecDeque<RateSample>>,
    rates: Mutex<Rates>,
}

/// What a finished call left for the slow log and the latency monitor to look at.
pub struct SlowCall {
    pub duration_us: u64,
    pub log: bool,
    pub latency_ms: Option<u64>,
}

impl Observer {
    /// Copies the settings this module reads from the configuration.
    pub fn apply(&self, config: &Config) {
        let s = &self.settings;
        s.slowlog_slower_than_us.store(config.slowlog_log_slower_than, Ordering::Relaxed);
        s.slowlog_max_len.store(config.slowlog_max_len as usize, Ordering::Relaxed);
        s.latency_threshold_ms.store(config.latency_monitor_threshold, Ordering::Relaxed);
        s.latency_tracking.store(config.latency_tracking, Ordering::Relaxed);
        *s.percentiles.lock() = config.latency_tracking_info_percentiles.clone();
        *s.monitor_limit.lock() = config.client_output_buffer_limit[0];
        self.slowlog.lock().shrink_to(config.slowlog_max_len as usize);
    }

    /// Records one executed call of `cmd` that took `ns`; `error` is its error line, if it
    /// failed. Returns what the slow log and latency monitor should do about it, if anything.
    #[inline]
    pub fn record_call(&self, tallies: &mut Tallies, cmd: &'static Command, ns: u64, error: Option<&str>) -> Option<SlowCall> {
        let track = self.settings.latency_tracking.load(Ordering::Relaxed);
        {
            tallies.total_calls += 1;
            let tally = tallies.tally(cmd);
            tally.calls += 1;
            tally.ns += ns;
            if track {
                tally.histogram.get_or_insert_with(Box::default).record(ns);
            }
            if let Some(line) = error {
                tally.failed += 1;
                tallies.count_error(line);
            }
        }
        let duration_us = ns / 1000;
        let slower_than = self.settings.slowlog_slower_than_us.load(Ordering::Relaxed);
        let log = slower_than >= 0 && duration_us >= slower_than as u64;
        let threshold_ms = self.settings.latency_threshold_ms.load(Ordering::Relaxed);
        let latency_ms = (threshold_ms > 0 && duration_us / 1000 >= threshold_ms).then_some(duration_us / 1000);
        (log || latency_ms.is_some()).then_some(SlowCall { duration_us, log, latency_ms })
    }

    /// Records a call refused before it ran (arity, permissions, memory...), and its error.
    pub fn record_rejection(&self, cmd: Option<&'static Command>, error: &str) {
        let mut tallies = self.refusals.lock();
        if let Some(cmd) = cmd {
            tallies.tally(cmd).rejected += 1;
        }
        tallies.count_error(error);
    }

    /// Counts an error reply that no command tally accounts for.
    pub fn record_error(&self, error: &str) {
        self.refusals.lock().count_error(error);
    }

    pub fn slowlog_max_len(&self) -> usize {
        self.settings.slowlog_max_len.load(Ordering::Relaxed)
    }

    pub fn latency_threshold_ms(&self) -> u64 {
        self.settings.latency_threshold_ms.load(Ordering::Relaxed)
    }

    pub fn monitor_limit(&self) -> OutputLimit {
        *self.settings.monitor_limit.lock()
    }

    pub fn percentiles(&self) -> Vec<f64> {
        self.settings.percentiles.lock().clone()
    }

    /// Reads the figures of executed calls (`calls`, from the keyspace) together with those
    /// of refused ones.
    pub fn with_tallies<T>(&self, calls: &Tallies, f: impl FnOnce(&Combined<'_>) -> T) -> T {
        let refusals = self.refusals.lock();
        f(&Combined { calls, refusals: &refusals })
    }

    /// CONFIG RESETSTAT: command and error figures start over (the slow log and latency
    /// events stay, as in Redis).
    pub fn reset(&self) {
        *self.refusals.lock() = Tallies::default();
        self.samples.lock().clear();
        *self.rates.lock() = Rates::default();
    }

    /// Takes a throughput sample (the cron does, every tick) and updates the rates.
    pub fn sample_rates(&self, now_ms: i64, calls: u64, input: u64, output: u64) {
        let mut samples = self.samples.lock();
        samples.push_back(RateSample { at_ms: now_ms, calls, input, output });
        if samples.len() > RATE_SAMPLES + 1 {
            samples.pop_front();
        }
        let (Some(first), Some(last)) = (samples.front(), samples.back()) else { return };
        let seconds = (last.at_ms - first.at_ms) as f64 / 1000.0;
        if seconds <= 0.0 {
            return;
        }
        let per_sec = |from: u64, to: u64| to.saturating_sub(from) as f64 / seconds;
        *self.rates.lock() = Rates {
            ops_per_sec: per_sec(first.calls, last.calls).round() as u64,
            input_kbps: per_sec(first.input, last.input) / 1024.0,
            output_kbps: per_sec(first.output, last.output) / 1024.0,
        };
    }

    pub fn rates(&self) -> Rates {
        *self.rates.lock()
    }
}

/// A percentile as Redis labels it: `p50`, `p99`, `p99.9`.
pub fn percentile_label(p: f64) -> String {
    let mut text = format!("{p:.6}");
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    format!("p{text}")
}

/// `p50=1.003,p99=2.007,p99.9=5.023` for one histogram.
pub fn percentiles_line(histogram: &Histogram, percentiles: &[f64]) -> String {
    let mut line = String::new();
    for (i, &p) in percentiles.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let _ = write!(line, "{}={:.3}", percentile_label(p), histogram.value_at_percentile(p) as f64 / 1000.0);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_the_first_word() {
        let mut tallies = Tallies::default();
        tallies.count_error("ERR syntax error");
        tallies.count_error("WRONGTYPE Operation against a key");
        tallies.count_error("ERR no such key");
        tallies.count_error("weird");
        assert_eq!(tallies.errors.get("ERR"), Some(&3));
        assert_eq!(tallies.errors.get("WRONGTYPE"), Some(&1));
        assert_eq!(tallies.total_error_replies, 4);
    }

    #[test]
    fn labels_trim_zeros() {
        assert_eq!(percentile_label(50.0), "p50");
        assert_eq!(percentile_label(99.9), "p99.9");
    }
}
