//! SLOWLOG's memory: the most recent commands that ran longer than `slowlog-log-slower-than`.

use std::collections::VecDeque;

/// Arguments kept per entry; the last kept one says how many more there were.
const MAX_ARGS: usize = 32;
/// Bytes kept per argument; the rest is summarised.
const MAX_ARG_BYTES: usize = 128;

pub struct SlowEntry {
    pub id: u64,
    /// Unix time (seconds) the command was logged.
    pub timestamp: i64,
    pub duration_us: u64,
    pub argv: Vec<Vec<u8>>,
    pub addr: String,
    pub name: Vec<u8>,
}

#[derive(Default)]
pub struct SlowLog {
    /// Newest first.
    entries: VecDeque<SlowEntry>,
    next_id: u64,
}

impl SlowLog {
    /// Logs a command, keeping at most `max_len` entries.
    pub fn push(&mut self, argv: &[&[u8]], duration_us: u64, timestamp: i64, addr: String, name: Vec<u8>, max_len: usize) {
        let entry = SlowEntry { id: self.next_id, timestamp, duration_us, argv: trim_argv(argv), addr, name };
        self.next_id += 1;
        self.entries.push_front(entry);
        self.entries.truncate(max_len);
    }

    /// The newest `count` entries (all of them for `None`).
    pub fn newest(&self, count: Option<usize>) -> impl Iterator<Item = &SlowEntry> {
        self.entries.iter().take(count.unwrap_or(usize::MAX))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Empties the log; ids keep counting, as in Redis.
    pub fn reset(&mut self) {
        self.entries.clear();
    }

    /// Applies a lower `slowlog-max-len` at once.
    pub fn shrink_to(&mut self, max_len: usize) {
        self.entries.truncate(max_len);
    }
}

/// Redis's trimming: at most 32 arguments (the 32nd says how many were left out), each cut at
/// 128 bytes with a note of how many bytes were left out.
fn trim_argv(argv: &[&[u8]]) -> Vec<Vec<u8>> {
    let kept = argv.len().min(MAX_ARGS);
    let mut out = Vec::with_capacity(kept);
    for (i, arg) in argv.iter().take(kept).enumerate() {
        if i == MAX_ARGS - 1 && argv.len() > MAX_ARGS {
            out.push(format!("... ({} more arguments)", argv.len() - MAX_ARGS + 1).into_bytes());
        } else if arg.len() > MAX_ARG_BYTES {
            let mut cut = arg[..MAX_ARG_BYTES].to_vec();
            cut.extend_from_slice(format!("... ({} more bytes)", arg.len() - MAX_ARG_BYTES).as_bytes());
            out.push(cut);
        } else {
            out.push(arg.to_vec());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_commands_are_trimmed_like_redis() {
        let long = vec![b'x'; 200];
        let many: Vec<&[u8]> = std::iter::repeat_n(&long[..10], 40).collect();
        let trimmed = trim_argv(&many);
        assert_eq!(trimmed.len(), 32);
        assert_eq!(trimmed[31], b"... (9 more arguments)");
        let cut = trim_argv(&[b"SET", &long]);
        assert_eq!(cut[1].len(), 128 + "... (72 more bytes)".len());
        assert!(cut[1].ends_with(b"... (72 more bytes)"));
    }

    #[test]
    fn keeps_the_newest_and_counts_ids_across_resets() {
        let mut log = SlowLog::default();
        for i in 0..5 {
            log.push(&[b"GET", format!("k{i}").as_bytes()], 10, 0, String::new(), Vec::new(), 3);
        }
        let ids: Vec<u64> = log.newest(None).map(|e| e.id).collect();
        assert_eq!(ids, vec![4, 3, 2]);
        log.reset();
        log.push(&[b"GET"], 1, 0, String::new(), Vec::new(), 3);
        assert_eq!(log.newest(Some(1)).next().unwrap().id, 5);
    }
}
