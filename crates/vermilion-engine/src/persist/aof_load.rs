//! Loading the AOF at engine open: the manifest, the base (RDB, or RESP), then each incremental
//! file replayed through the dispatcher.
//!
//! Replay runs at time zero: nothing expires while loading (the log holds the DELs of keys that
//! expired), and absolute expiry times are kept as written; keys past them go once loaded.
//! A transaction cut off by the end of the last file is dropped whole. A last file cut short is
//! loaded up to its last complete command and truncated there when `aof-load-truncated yes`;
//! otherwise the engine refuses to open. A load in the background hands the keyspace lock to
//! waiting commands every few hundred commands, between transactions.

use std::path::Path;
use std::time::Instant;

use super::aof_manifest::Manifest;
use super::log;
use super::rdb_load::{load_into, Duplicates, Target, KEYS_PER_HOLD, PROGRESS_LOG_EVERY};
use crate::client::{replay_command, ClientShared, ClientState, ConnectionInfo};
use crate::engine::Engine;
use crate::keyspace::Keyspace;

/// What a log file held.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Replayed {
    pub commands: u64,
    /// Length of the part that parsed: all of it unless cut short.
    pub valid_len: usize,
    pub truncated: bool,
}

/// Loads every file of `manifest` from `dir` into the keyspace.
pub fn load(engine: &Engine, mut target: Target, dir: &Path, manifest: &Manifest, load_truncated: bool, rdbchecksum: bool) -> Result<(), String> {
    let shared = std::sync::Arc::new(ClientShared::new(0, ConnectionInfo::embedded("aof"), 0));
    let user = std::sync::Arc::clone(engine.acl.read().default_user());
    let mut state = ClientState::for_blocked_call(&shared, 0, 2, user);
    // Progress over the files together, as INFO's `loading_*` fields report it.
    let names = manifest.base.iter().chain(&manifest.incrs).map(|file| &file.name);
    let total: u64 = names.filter_map(|name| std::fs::metadata(dir.join(name)).ok()).map(|meta| meta.len()).sum();
    let mut loaded = 0;
    engine.loading.set_total(total);
    if let Some(base) = &manifest.base {
        let path = dir.join(&base.name);
        let bytes = std::fs::read(&path).map_err(|e| format!("Can't open the AOF base file {}: {e}", path.display()))?;
        // A base is an RDB, RESP commands, or both: an RDB preamble followed by commands (as a
        // single-file AOF of Redis before 7 ends up once upgraded).
        let commands_from = if bytes.starts_with(b"REDIS") {
            load_into(engine, target.reborrow(), &path, rdbchecksum, Duplicates::Refuse)?.rdb_len
        } else {
            0
        };
        if commands_from < bytes.len() {
            let replayed = replay_into(engine, target.reborrow(), &mut state, &bytes[commands_from..], loaded);
            if replayed.truncated {
                return Err(format!("Bad file format reading the append only file {}: the base file is truncated", base.name));
            }
        }
        log::notice(&format!("DB loaded from base file {}", base.name));
        loaded += bytes.len() as u64;
        engine.loading.set_total(total);
        engine.loading.set_loaded(loaded);
    }
    for (i, file) in manifest.incrs.iter().enumerate() {
        let path = dir.join(&file.name);
        let bytes = std::fs::read(&path).map_err(|e| format!("Can't open the append-only file {}: {e}", path.display()))?;
        state.select(0);
        let replayed = replay_into(engine, target.reborrow(), &mut state, &bytes, loaded);
        let last = i + 1 == manifest.incrs.len();
        if replayed.truncated {
            let dropped = bytes.len() - replayed.valid_len;
            if !last || !load_truncated {
                return Err(format!(
                    "Bad file format reading the append only file {}: the file is truncated at offset {} ({dropped} bytes of incomplete commands). \
                     Make a backup of your AOF file, then use ./vermilion-server --check-aof or redis-check-aof --fix <filename.manifest>, \
                     or set aof-load-truncated yes to load the complete part",
                    file.name, replayed.valid_len
                ));
            }
            log::warning(&format!("!!! Warning: short read while loading the AOF file {}!!!", file.name));
            log::warning(&format!("AOF {} loaded anyway because aof-load-truncated is enabled: {dropped} bytes of incomplete commands dropped", file.name));
            let cut = std::fs::OpenOptions::new().write(true).open(&path).and_then(|f| f.set_len(replayed.valid_len as u64).and_then(|_| f.sync_all()));
            cut.map_err(|e| format!("Can't truncate the append-only file {}: {e}", file.name))?;
        }
        log::notice(&format!("DB loaded from incr file {}: {} commands", file.name, replayed.commands));
        loaded += bytes.len() as u64;
        engine.loading.set_loaded(loaded);
    }
    Ok(())
}

/// Replays the complete commands of `bytes`; a MULTI whose EXEC is missing is not applied.
pub fn replay(engine: &Engine, ks: &mut Keyspace, state: &mut ClientState, bytes: &[u8]) -> Replayed {
    replay_into(engine, Target::Held(ks), state, bytes, 0)
}

/// [`replay`] into `target`, letting waiting commands in every few hundred commands (between
/// transactions, never inside one) and reporting progress as `loaded_before` plus the bytes
/// replayed.
fn replay_into(engine: &Engine, mut target: Target, state: &mut ClientState, bytes: &[u8], loaded_before: u64) -> Replayed {
    let mut since_hold = 0;
    let (started, mut last_log) = (Instant::now(), Instant::now());
    let mut pos = 0;
    let mut report = Replayed::default();
    let mut transaction: Option<(usize, Vec<Vec<Vec<u8>>>)> = None;
    loop {
        if pos == bytes.len() {
            report.valid_len = transaction.map_or(pos, |(start, _)| start);
            report.truncated = report.valid_len < bytes.len();
            return report;
        }
        if bytes[pos] == b'#' {
            // An annotation line (`#TS:...` with aof-timestamp-enabled): not a command.
            let Some(eol) = bytes[pos..].iter().position(|&b| b == b'\n') else {
                report.valid_len = transaction.map_or(pos, |(start, _)| start);
                report.truncated = true;
                return report;
            };
            pos += eol + 1;
            continue;
        }
        let Some((argv, next)) = parse_command(bytes, pos) else {
            report.valid_len = transaction.map_or(pos, |(start, _)| start);
            report.truncated = true;
            return report;
        };
        let name = argv.first().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        match (name.as_slice(), &mut transaction) {
            (b"multi", None) => transaction = Some((pos, Vec::new())),
            (b"exec", Some(_)) => {
                let (_, queued) = transaction.take().expect("in a transaction");
                for argv in &queued {
                    run(engine, target.keyspace(), state, argv);
                    report.commands += 1;
                }
            }
            (_, Some((_, queued))) => queued.push(argv),
            (_, None) => {
                run(engine, target.keyspace(), state, &argv);
                report.commands += 1;
            }
        }
        pos = next;
        since_hold += 1;
        if since_hold >= KEYS_PER_HOLD && transaction.is_none() {
            since_hold = 0;
            engine.loading.set_loaded(loaded_before + pos as u64);
            target.let_others_in();
            if last_log.elapsed() >= PROGRESS_LOG_EVERY {
                last_log = Instant::now();
                let rate = report.commands as f64 / started.elapsed().as_secs_f64().max(1e-3);
                let percent = engine.loading.loaded_fraction() * 100.0;
                log::notice(&format!("Loading AOF: {percent:.0}% ({} commands, {rate:.0} commands/s)", report.commands));
            }
        }
    }
}

fn run(engine: &Engine, ks: &mut Keyspace, state: &mut ClientState, argv: &[Vec<u8>]) {
    let parts: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
    if let Err(e) = replay_command(engine, state, ks, &parts) {
        log::warning(&format!("Error replaying the AOF command '{}': {e}", String::from_utf8_lossy(&argv[0])));
    }
}

/// Parses one RESP array of bulk strings at `pos`: the arguments and where the next command
/// starts, or `None` if the bytes end (or go wrong) before it is complete.
pub fn parse_command(bytes: &[u8], pos: usize) -> Option<(Vec<Vec<u8>>, usize)> {
    let (count, mut pos) = parse_line_number(bytes, pos, b'*')?;
    let mut argv = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let (len, start) = parse_line_number(bytes, pos, b'$')?;
        let end = start.checked_add(len)?;
        if bytes.get(end..end + 2)? != b"\r\n" {
            return None;
        }
        argv.push(bytes[start..end].to_vec());
        pos = end + 2;
    }
    (count > 0).then_some((argv, pos))
}

fn parse_line_number(bytes: &[u8], pos: usize, marker: u8) -> Option<(usize, usize)> {
    if *bytes.get(pos)? != marker {
        return None;
    }
    let line_end = pos + 1 + bytes.get(pos + 1..)?.windows(2).position(|w| w == b"\r\n")?;
    let number = std::str::from_utf8(&bytes[pos + 1..line_end]).ok()?.parse().ok()?;
    Some((number, line_end + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_complete_commands_only() {
        let bytes = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPI";
        let (argv, next) = parse_command(bytes, 0).unwrap();
        assert_eq!(argv, vec![b"GET".to_vec(), b"k".to_vec()]);
        assert_eq!(next, 20);
        assert!(parse_command(bytes, next).is_none());
    }

    #[test]
    fn annotation_lines_are_skipped() {
        let engine = Engine::open(crate::config::Config::default()).unwrap();
        let shared = std::sync::Arc::new(ClientShared::new(0, ConnectionInfo::embedded("aof"), 0));
        let user = std::sync::Arc::clone(engine.acl.read().default_user());
        let mut state = ClientState::for_blocked_call(&shared, 0, 2, user);
        let bytes = b"#TS:1700000000\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n#TS:1700000001\r\n";
        let mut ks = engine.keyspace.lock();
        let replayed = replay(&engine, &mut ks, &mut state, bytes);
        assert_eq!(replayed, Replayed { commands: 1, valid_len: bytes.len(), truncated: false });
        assert!(ks.dbs[0].keys.contains_key(b"k"));
    }
}
