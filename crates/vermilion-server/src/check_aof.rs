//! `vermilion-server --check-aof [--fix] PATH`: checks an append-only file as `redis-check-aof`
//! 7 does, with its messages, so scripts written for one read the other.
//!
//! PATH is a multi-part AOF manifest (every file it names is checked, base first), the directory
//! holding one, or a single old-style AOF (RESP, or an RDB preamble followed by RESP). Each file is
//! read through as a sequence of complete commands; the first thing that is not one ends the
//! sound part. `--fix` cuts the last file of the log back to its sound part, after asking; a
//! damaged file that other files follow cannot be cut without losing them, so it is left alone.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use vermilion_engine::persist::aof_manifest::{manifest_name, Manifest};

use crate::check_rdb;

/// Longest line redis-check-aof reads for a `*`/`$` header (its `fgets` buffer, less the NUL).
const HEADER_LINE_MAX: usize = 127;
/// Longest annotation line (`#TS:...`) it reads in one go.
const ANNOTATION_LINE_MAX: usize = 1023;
/// The file prefix Redis uses unless `appendfilename` says otherwise.
const DEFAULT_PREFIX: &str = "appendonly.aof";

/// The checker stopped and the process must exit with status 1; what to say was already said.
struct Aborted;

/// How one file came out.
enum Verdict {
    Valid,
    Empty,
    /// `--fix` cut it back to its sound part.
    Truncated,
}

/// Where the report goes and where answers to "Continue?" come from.
struct Console<'a> {
    out: &'a mut dyn Write,
    answers: &'a mut dyn BufRead,
}

impl Console<'_> {
    fn say(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
    }

    /// Asks a yes/no question; only an answer starting with `y` or `Y` is yes.
    fn confirm(&mut self, question: &str) -> bool {
        let _ = write!(self.out, "{question}");
        let _ = self.out.flush();
        let mut answer = String::new();
        self.answers.read_line(&mut answer).is_ok() && answer.starts_with(['y', 'Y'])
    }
}

/// Checks `path` (fixing it if asked); returns whether the process should exit with status 0.
pub fn run(path: &Path, fix: bool, out: &mut dyn Write, answers: &mut dyn BufRead) -> bool {
    let mut console = Console { out, answers };
    let checked = check_path(path, fix, &mut console);
    let _ = console.out.flush();
    checked.is_ok()
}

fn check_path(path: &Path, fix: bool, console: &mut Console) -> Result<(), Aborted> {
    let path = if path.is_dir() { manifest_in(path, console)? } else { path.to_path_buf() };
    let bytes = std::fs::read(&path).map_err(|error| {
        console.say(&format!("Cannot open file {}: {}", path.display(), os_reason(&error)));
        Aborted
    })?;
    // Line numbers run on across the files of a log, as redis-check-aof counts them.
    let mut line = 1;
    if looks_like_manifest(&bytes) {
        return check_multi_part(&path, &bytes, fix, &mut line, console);
    }
    console.say("Start checking Old-Style AOF");
    let shown = path.display().to_string();
    let verdict = check_single(&shown, &path, true, fix, is_rdb(&bytes), &mut line, console)?;
    say_verdict(console, &verdict, &shown, "AOF");
    Ok(())
}

/// The manifest of an AOF directory: Redis's default name, else the one manifest there is.
fn manifest_in(dir: &Path, console: &mut Console) -> Result<PathBuf, Aborted> {
    let default = dir.join(manifest_name(DEFAULT_PREFIX));
    if default.is_file() {
        return Ok(default);
    }
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "manifest")).collect())
        .unwrap_or_default();
    match manifests.len() {
        1 => Ok(manifests.remove(0)),
        0 => {
            console.say(&format!("No AOF manifest found in directory {}, aborting...", dir.display()));
            Err(Aborted)
        }
        _ => {
            console.say(&format!("Several AOF manifests in directory {}: name the one to check, aborting...", dir.display()));
            Err(Aborted)
        }
    }
}

fn check_multi_part(manifest_path: &Path, bytes: &[u8], fix: bool, line: &mut u64, console: &mut Console) -> Result<(), Aborted> {
    console.say("Start checking Multi Part AOF");
    let manifest = String::from_utf8(bytes.to_vec()).map_err(|_| "Invalid AOF manifest file format".to_string()).and_then(|text| Manifest::parse(&text));
    let manifest = match manifest {
        Ok(manifest) if manifest.base.is_none() && manifest.incrs.is_empty() => Err("Found an empty AOF manifest".to_string()),
        other => other,
    };
    let manifest = manifest.map_err(|error| {
        console.say("*** FATAL AOF MANIFEST FILE ERROR ***");
        console.say(&error);
        Aborted
    })?;
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let total = usize::from(manifest.base.is_some()) + manifest.incrs.len();
    if let Some(base) = &manifest.base {
        let path = dir.join(&base.name);
        let preamble = std::fs::read(&path).is_ok_and(|b| is_rdb(&b));
        console.say(&format!("Start to check BASE AOF ({} format).", if preamble { "RDB" } else { "RESP" }));
        let verdict = check_single(&base.name, &path, total == 1, fix, preamble, line, console)?;
        say_verdict(console, &verdict, &base.name, "BASE AOF");
    }
    if !manifest.incrs.is_empty() {
        console.say("Start to check INCR files.");
    }
    for (i, incr) in manifest.incrs.iter().enumerate() {
        let last = i + 1 == manifest.incrs.len();
        let verdict = check_single(&incr.name, &dir.join(&incr.name), last, fix, false, line, console)?;
        say_verdict(console, &verdict, &incr.name, "INCR AOF");
    }
    console.say("All AOF files and manifest are valid");
    Ok(())
}

fn say_verdict(console: &mut Console, verdict: &Verdict, name: &str, kind: &str) {
    match verdict {
        Verdict::Valid => console.say(&format!("{kind} {name} is valid")),
        Verdict::Empty => console.say(&format!("{kind} {name} is empty")),
        Verdict::Truncated => console.say(&format!("Successfully truncated AOF {name}")),
    }
}

/// Checks one file of the log; `last` says whether `--fix` may cut it.
fn check_single(name: &str, path: &Path, last: bool, fix: bool, preamble: bool, line: &mut u64, console: &mut Console) -> Result<Verdict, Aborted> {
    let bytes = read_file(path, console)?;
    if bytes.is_empty() {
        return Ok(Verdict::Empty);
    }
    let mut start = 0;
    if preamble {
        let (report, rdb_len) = check_rdb::check_leading_rdb(path);
        let _ = write!(console.out, "{report}");
        let Some(rdb_len) = rdb_len else {
            console.say("RDB preamble of AOF file is not sane, aborting.");
            return Err(Aborted);
        };
        console.say("RDB preamble is OK, proceeding with AOF tail...");
        start = rdb_len;
    }
    let shown = path.display().to_string();
    let scan = scan(&bytes, start, &shown, line, || console.say(&format!("AOF {name} format error")));
    if let Some(error) = &scan.error {
        console.say(error);
    }
    let size = bytes.len();
    let diff = size - scan.ok_up_to;
    console.say(&format!("AOF analyzed: filename={name}, size={size}, ok_up_to={}, ok_up_to_line={line}, diff={diff}", scan.ok_up_to));
    if diff == 0 {
        return Ok(Verdict::Valid);
    }
    if !fix {
        console.say(&format!("AOF {name} is not valid. Use the --fix option to try fixing it."));
        return Err(Aborted);
    }
    if !last {
        console.say(&format!("Failed to truncate AOF {name} because it is not the last file"));
        return Err(Aborted);
    }
    console.say(&format!("This will shrink the AOF {name} from {size} bytes, with {diff} bytes, to {} bytes", scan.ok_up_to));
    if !console.confirm("Continue? [y/N]: ") {
        console.say("Aborting...");
        return Err(Aborted);
    }
    let cut = std::fs::OpenOptions::new().write(true).open(path).and_then(|f| f.set_len(scan.ok_up_to as u64).and_then(|()| f.sync_all()));
    if cut.is_err() {
        console.say(&format!("Failed to truncate AOF {name}"));
        return Err(Aborted);
    }
    Ok(Verdict::Truncated)
}

/// Reads one file of the log.
fn read_file(path: &Path, console: &mut Console) -> Result<Vec<u8>, Aborted> {
    std::fs::read(path).map_err(|error| {
        console.say(&format!("Cannot open file {}: {}, aborting...", path.display(), os_reason(&error)));
        Aborted
    })
}

/// The system's wording of an I/O error, without Rust's "(os error N)" suffix.
fn os_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// A manifest's first line that is not a comment names a file.
fn looks_like_manifest(bytes: &[u8]) -> bool {
    let mut found = false;
    for line in bytes.split(|&b| b == b'\n') {
        if line.starts_with(b"#") {
            continue;
        }
        if !line.starts_with(b"file") {
            break;
        }
        found = true;
    }
    found
}

/// An RDB file (or RDB-preamble AOF) starts with `REDIS` and has room for its version.
fn is_rdb(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && bytes.starts_with(b"REDIS")
}

/// What reading a file through found.
struct Scan {
    /// The end of the last complete command outside a transaction.
    ok_up_to: usize,
    /// What stopped the reading early, located at the item it was reading.
    error: Option<String>,
}

/// Reads the commands of `bytes` (the file at `path`) from `start`, counting lines in `line`;
/// `format_error` hears of a byte that cannot start a command.
fn scan(bytes: &[u8], start: usize, path: &str, line: &mut u64, format_error: impl FnOnce()) -> Scan {
    let mut reader = RespReader { bytes, path, pos: start, item_start: 0, hit_end: false, error: None, line };
    let mut ok_up_to = start;
    // Open MULTIs: a transaction cut off by the end is not part of the sound prefix.
    let mut multi: i64 = 0;
    loop {
        if multi == 0 {
            ok_up_to = reader.pos;
        }
        let Some(&first) = bytes.get(reader.pos) else {
            reader.hit_end = true;
            break;
        };
        match first {
            b'#' => {
                reader.item_start = reader.pos;
                reader.read_line(ANNOTATION_LINE_MAX);
            }
            b'*' => {
                if !reader.command(&mut multi) {
                    break;
                }
            }
            _ => {
                format_error();
                break;
            }
        }
    }
    if reader.hit_end && multi != 0 && reader.error.is_none() {
        reader.fail("Reached EOF before reading EXEC for MULTI".into());
    }
    Scan { ok_up_to, error: reader.error }
}

/// A cursor reading RESP as redis-check-aof does: headers line by line, each bulk string with
/// its CRLF; the first problem is recorded with the offset of the item being read.
struct RespReader<'a> {
    bytes: &'a [u8],
    path: &'a str,
    pos: usize,
    item_start: usize,
    /// A read ran into the end of the file.
    hit_end: bool,
    error: Option<String>,
    line: &'a mut u64,
}

impl<'a> RespReader<'a> {
    fn fail(&mut self, message: String) {
        self.error = Some(format!("0x{:16x}: {message}", self.item_start));
    }

    /// Up to `max` bytes, through the first newline; `None` at the end of the file.
    fn read_line(&mut self, max: usize) -> Option<&'a [u8]> {
        let rest = &self.bytes[self.pos..];
        if rest.is_empty() {
            self.hit_end = true;
            return None;
        }
        let len = rest.iter().take(max).position(|&b| b == b'\n').map_or(rest.len().min(max), |i| i + 1);
        if len == rest.len() && rest.last() != Some(&b'\n') {
            self.hit_end = true;
        }
        self.pos += len;
        Some(&rest[..len])
    }

    fn newline(&mut self, found: &[u8]) -> bool {
        if found.starts_with(b"\r\n") {
            *self.line += 1;
            return true;
        }
        let shown = |i: usize| found.get(i).map_or_else(|| "00".to_string(), |&b| c_char_hex(b));
        self.fail(format!("Expected \\r\\n, got: {}{}", shown(0), shown(1)));
        false
    }

    /// A `*n` or `$n` header line.
    fn number(&mut self, prefix: u8) -> Option<i64> {
        self.item_start = self.pos;
        let text = self.read_line(HEADER_LINE_MAX)?;
        if text[0] != prefix {
            self.fail(format!("Expected prefix '{}', got: '{}'", prefix as char, text[0] as char));
            return None;
        }
        let (value, used) = parse_c_long(&text[1..]);
        self.newline(&text[1 + used..]).then_some(value)
    }

    /// A bulk string, with its CRLF.
    fn bulk(&mut self) -> Option<&'a [u8]> {
        let len = self.number(b'$')?;
        if !(0..=i64::MAX - 2).contains(&len) {
            self.fail(format!("Expected to read string of {len} bytes, which is not in the suitable range"));
            return None;
        }
        self.item_start = self.pos;
        let wanted = usize::try_from(len + 2).unwrap_or(usize::MAX);
        let available = wanted.min(self.bytes.len() - self.pos);
        let data = &self.bytes[self.pos..self.pos + available];
        self.pos += available;
        if available < wanted {
            self.hit_end = true;
            self.fail(format!("Expected to read {wanted} bytes, got {available} bytes"));
            return None;
        }
        let (body, end) = data.split_at(data.len() - 2);
        self.newline(end).then_some(body)
    }

    /// One command; tracks MULTI/EXEC nesting in `multi`.
    fn command(&mut self, multi: &mut i64) -> bool {
        let Some(argc) = self.number(b'*') else { return false };
        for i in 0..argc {
            let Some(arg) = self.bulk() else { return false };
            if i > 0 {
                continue;
            }
            if arg.eq_ignore_ascii_case(b"multi") {
                *multi += 1;
                if *multi > 1 {
                    self.fail(format!("Unexpected MULTI in AOF {}", self.path));
                    return false;
                }
            } else if arg.eq_ignore_ascii_case(b"exec") {
                *multi -= 1;
                if *multi != 0 {
                    self.fail(format!("Unexpected EXEC in AOF {}", self.path));
                    return false;
                }
            }
        }
        true
    }
}

/// A byte as C's `printf("%02x", char)` shows it: bytes past 0x7f are negative chars.
fn c_char_hex(byte: u8) -> String {
    if byte < 0x80 {
        format!("{byte:02x}")
    } else {
        format!("ffffff{byte:02x}")
    }
}

/// `strtol(text, &end, 10)`: leading space, a sign, digits (saturating); returns the value and
/// how many bytes it used (none when there are no digits).
fn parse_c_long(text: &[u8]) -> (i64, usize) {
    let mut i = text.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')).count();
    let negative = text.get(i) == Some(&b'-');
    if matches!(text.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = text[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return (0, 0);
    }
    let mut value: i64 = 0;
    for &digit in &text[i..i + digits] {
        let digit = i64::from(digit - b'0');
        value = if negative { value.saturating_mul(10).saturating_sub(digit) } else { value.saturating_mul(10).saturating_add(digit) };
    }
    (value, i + digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(bytes: &[u8]) -> (usize, Option<String>, u64) {
        let mut line = 1;
        let scan = scan(bytes, 0, "f.aof", &mut line, || {});
        (scan.ok_up_to, scan.error, line)
    }

    #[test]
    fn complete_commands_are_sound() {
        let bytes = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
        assert_eq!(scanned(bytes), (bytes.len(), None, 13));
    }

    #[test]
    fn cut_command_ends_the_sound_part() {
        let bytes = b"*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\n";
        let (ok_up_to, error, _) = scanned(bytes);
        assert_eq!(ok_up_to, 14);
        assert_eq!(error.unwrap(), format!("0x{:16x}: Expected to read 3 bytes, got 0 bytes", bytes.len()));
    }

    #[test]
    fn open_transaction_is_not_sound() {
        let bytes = b"*1\r\n$5\r\nMULTI\r\n*1\r\n$4\r\nPING\r\n";
        let (ok_up_to, error, _) = scanned(bytes);
        assert_eq!(ok_up_to, 0);
        assert!(error.unwrap().ends_with("Reached EOF before reading EXEC for MULTI"));
        assert!(scanned(b"*1\r\n$4\r\nEXEC\r\n").1.unwrap().ends_with("Unexpected EXEC in AOF f.aof"));
    }

    #[test]
    fn annotations_are_skipped_and_garbage_stops() {
        let bytes = b"#TS:1700000000\r\n*1\r\n$4\r\nPING\r\nxyz";
        let (ok_up_to, error, _) = scanned(bytes);
        assert_eq!((ok_up_to, error), (bytes.len() - 3, None));
    }

    #[test]
    fn strtol_semantics() {
        assert_eq!(parse_c_long(b"12\r\n"), (12, 2));
        assert_eq!(parse_c_long(b" -3x"), (-3, 3));
        assert_eq!(parse_c_long(b"\r\n"), (0, 0));
    }
}
