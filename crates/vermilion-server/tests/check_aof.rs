//! `vermilion-server --check-aof [--fix] PATH`: sound and damaged logs, multi-part and old-style,
//! `--fix` with its question, and agreement with `redis-check-aof` where it is installed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use vermilion_engine::persist::rdb_file::crc64;

const BIN: &str = env!("CARGO_BIN_EXE_vermilion-server");

/// A directory of its own under the system's temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("vermilion-check-aof-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn resp(commands: &[&[&str]]) -> Vec<u8> {
    let mut out = Vec::new();
    for argv in commands {
        out.extend_from_slice(format!("*{}\r\n", argv.len()).as_bytes());
        for arg in *argv {
            out.extend_from_slice(format!("${}\r\n{arg}\r\n", arg.len()).as_bytes());
        }
    }
    out
}

fn some_writes() -> Vec<u8> {
    resp(&[&["SELECT", "0"], &["SET", "k", "v"], &["MULTI"], &["INCR", "n"], &["RPUSH", "l", "a", "b"], &["EXEC"]])
}

/// A small RDB 10 file: one string key in db 0, with its checksum.
fn rdb_file() -> Vec<u8> {
    let mut bytes = b"REDIS0010".to_vec();
    bytes.extend_from_slice(b"\xfa\x09redis-ver\x067.0.15");
    bytes.extend_from_slice(b"\xfe\x00\xfb\x01\x00");
    bytes.extend_from_slice(b"\x00\x03key\x05value");
    bytes.push(0xff);
    let checksum = crc64(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    bytes
}

/// A multi-part log: an RDB or RESP base and the given incremental files, with its manifest.
fn multi_part(scratch: &Scratch, rdb_base: bool, incrs: &[Vec<u8>]) -> PathBuf {
    let base = if rdb_base { ("appendonly.aof.1.base.rdb", rdb_file()) } else { ("appendonly.aof.1.base.aof", resp(&[&["SET", "base", "1"]])) };
    scratch.write(base.0, &base.1);
    let mut manifest = format!("file {} seq 1 type b\n", base.0);
    for (i, incr) in incrs.iter().enumerate() {
        let name = format!("appendonly.aof.{}.incr.aof", i + 1);
        scratch.write(&name, incr);
        manifest.push_str(&format!("file {name} seq {} type i\n", i + 1));
    }
    scratch.write("appendonly.aof.manifest", manifest.as_bytes())
}

fn check_aof(args: &[&str], path: &Path, answer: &str) -> Output {
    let mut child = Command::new(BIN)
        .arg("--check-aof")
        .args(args)
        .arg(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The checker may finish without reading its input (nothing to fix): a closed pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(answer.as_bytes());
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn sound_multi_part_log_is_valid() {
    let scratch = Scratch::new();
    let manifest = multi_part(&scratch, false, &[some_writes(), some_writes()]);
    let output = check_aof(&[], &manifest, "");
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{report}");
    assert!(report.starts_with("Start checking Multi Part AOF\nStart to check BASE AOF (RESP format).\n"), "{report}");
    let size = some_writes().len();
    assert!(report.contains(&format!("AOF analyzed: filename=appendonly.aof.1.incr.aof, size={size}, ok_up_to={size}, ok_up_to_line=")), "{report}");
    assert!(report.contains("INCR AOF appendonly.aof.2.incr.aof is valid\n"), "{report}");
    assert!(report.ends_with("All AOF files and manifest are valid\n"), "{report}");
}

#[test]
fn the_directory_stands_for_its_manifest() {
    let scratch = Scratch::new();
    multi_part(&scratch, false, &[some_writes()]);
    let output = check_aof(&[], &scratch.0, "");
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("All AOF files and manifest are valid"));
}

#[test]
fn truncated_last_file_is_invalid_until_fixed() {
    let scratch = Scratch::new();
    let sound = some_writes();
    let mut cut = sound.clone();
    cut.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$5\r\nval");
    let manifest = multi_part(&scratch, false, &[cut.clone()]);
    let incr = scratch.0.join("appendonly.aof.1.incr.aof");

    let output = check_aof(&[], &manifest, "");
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    let expected = format!("size={}, ok_up_to={}, ok_up_to_line=", cut.len(), sound.len());
    assert!(report.contains(&expected), "{report}");
    assert!(report.contains("Expected to read 7 bytes, got 3 bytes"), "{report}");
    assert!(report.ends_with("AOF appendonly.aof.1.incr.aof is not valid. Use the --fix option to try fixing it.\n"), "{report}");

    let declined = check_aof(&["--fix"], &manifest, "n\n");
    assert_eq!(declined.status.code(), Some(1));
    assert!(stdout(&declined).ends_with("Continue? [y/N]: Aborting...\n"), "{}", stdout(&declined));
    assert_eq!(std::fs::read(&incr).unwrap(), cut);

    let fixed = check_aof(&["--fix"], &manifest, "y\n");
    let report = stdout(&fixed);
    assert_eq!(fixed.status.code(), Some(0), "{report}");
    let shrink = format!("This will shrink the AOF appendonly.aof.1.incr.aof from {} bytes, with {} bytes, to {} bytes", cut.len(), cut.len() - sound.len(), sound.len());
    assert!(report.contains(&shrink), "{report}");
    assert!(report.contains("Successfully truncated AOF appendonly.aof.1.incr.aof\n"), "{report}");
    assert_eq!(std::fs::read(&incr).unwrap(), sound);
    assert_eq!(check_aof(&[], &manifest, "").status.code(), Some(0));
}

#[test]
fn open_transaction_at_the_end_is_cut_whole() {
    let scratch = Scratch::new();
    let sound = resp(&[&["SET", "a", "1"]]);
    let mut open = sound.clone();
    open.extend_from_slice(&resp(&[&["MULTI"], &["INCR", "n"]]));
    let path = scratch.write("old-style.aof", &open);
    let output = check_aof(&[], &path, "");
    assert!(stdout(&output).contains("Reached EOF before reading EXEC for MULTI"), "{}", stdout(&output));
    let fixed = check_aof(&["--fix"], &path, "y\n");
    assert_eq!(fixed.status.code(), Some(0), "{}", stdout(&fixed));
    assert_eq!(std::fs::read(&path).unwrap(), sound);
}

#[test]
fn garbage_in_a_file_that_others_follow_cannot_be_fixed() {
    let scratch = Scratch::new();
    let mut damaged = some_writes();
    damaged.extend_from_slice(b"garbage\r\n");
    damaged.extend_from_slice(&some_writes());
    let manifest = multi_part(&scratch, false, &[damaged.clone(), some_writes()]);

    let output = check_aof(&[], &manifest, "");
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(report.contains("AOF appendonly.aof.1.incr.aof format error\n"), "{report}");
    assert!(report.contains(&format!("ok_up_to={},", some_writes().len())), "{report}");

    let fix = check_aof(&["--fix"], &manifest, "y\n");
    assert_eq!(fix.status.code(), Some(1));
    assert!(stdout(&fix).ends_with("Failed to truncate AOF appendonly.aof.1.incr.aof because it is not the last file\n"), "{}", stdout(&fix));
    assert_eq!(std::fs::read(scratch.0.join("appendonly.aof.1.incr.aof")).unwrap(), damaged);
}

#[test]
fn manifest_naming_a_missing_file_is_invalid() {
    let scratch = Scratch::new();
    let manifest = multi_part(&scratch, false, &[some_writes()]);
    std::fs::remove_file(scratch.0.join("appendonly.aof.1.incr.aof")).unwrap();
    let output = check_aof(&[], &manifest, "");
    assert_eq!(output.status.code(), Some(1));
    let missing = scratch.0.join("appendonly.aof.1.incr.aof");
    assert!(stdout(&output).ends_with(&format!("Cannot open file {}: No such file or directory, aborting...\n", missing.display())), "{}", stdout(&output));
}

#[test]
fn malformed_manifest_is_a_fatal_error() {
    let scratch = Scratch::new();
    let manifest = scratch.write("appendonly.aof.manifest", b"file a.aof seq 1 type b\nfile b.aof seq 2 type b\n");
    let output = check_aof(&[], &manifest, "");
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("Found duplicate base file information"), "{}", stdout(&output));
}

#[test]
fn rdb_preamble_base_is_checked_as_rdb() {
    let scratch = Scratch::new();
    let manifest = multi_part(&scratch, true, &[some_writes()]);
    let output = check_aof(&[], &manifest, "");
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{report}");
    assert!(report.contains("Start to check BASE AOF (RDB format).\n"), "{report}");
    assert!(report.contains("RDB preamble is OK, proceeding with AOF tail...\n"), "{report}");
    let size = rdb_file().len();
    assert!(report.contains(&format!("filename=appendonly.aof.1.base.rdb, size={size}, ok_up_to={size}, ok_up_to_line=1, diff=0")), "{report}");

    let mut damaged = rdb_file();
    damaged[20] ^= 0xff;
    scratch.write("appendonly.aof.1.base.rdb", &damaged);
    let output = check_aof(&[], &manifest, "");
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).ends_with("RDB preamble of AOF file is not sane, aborting.\n"), "{}", stdout(&output));
}

#[test]
fn old_style_preamble_file_checks_its_resp_tail() {
    let scratch = Scratch::new();
    let mut file = rdb_file();
    file.extend_from_slice(&some_writes());
    file.extend_from_slice(b"*1\r\n$4\r\nPI");
    let path = scratch.write("appendonly.aof", &file);
    let output = check_aof(&[], &path, "");
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(report.starts_with("Start checking Old-Style AOF\n"), "{report}");
    assert!(report.contains("RDB preamble is OK, proceeding with AOF tail...\n"), "{report}");
    assert!(report.contains(&format!("ok_up_to={}, ", rdb_file().len() + some_writes().len())), "{report}");
}

#[test]
fn empty_file_is_reported_empty() {
    let scratch = Scratch::new();
    let path = scratch.write("appendonly.aof", b"");
    let output = check_aof(&[], &path, "");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), format!("Start checking Old-Style AOF\nAOF {} is empty\n", path.display()));
}

/// The same damaged and sound files through `redis-check-aof` and ours: same exit status, and for
/// RESP files (no RDB report in between) the same output, byte for byte.
#[test]
fn agrees_with_redis_check_aof() {
    let Some(redis_check_aof) = find_on_path("redis-check-aof") else {
        eprintln!("redis-check-aof is not installed: skipped");
        return;
    };
    let scratch = Scratch::new();
    let sound = some_writes();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("sound", sound.clone()),
        ("cut-in-bulk", [sound.as_slice(), b"*2\r\n$3\r\nGET\r\n$3\r\nke"].concat()),
        ("cut-in-header", [sound.as_slice(), b"*2\r\n$3"].concat()),
        ("garbage", [sound.as_slice(), b"hello\r\n", sound.as_slice()].concat()),
        ("bad-length", [sound.as_slice(), b"*1\r\n$x\r\nPING\r\n"].concat()),
        ("negative-length", [sound.as_slice(), b"*1\r\n$-4\r\nPING\r\n"].concat()),
        ("long-bulk", [sound.as_slice(), b"*1\r\n$3\r\nPING\r\n"].concat()),
        ("open-multi", [sound.as_slice(), &resp(&[&["MULTI"], &["PING"]])].concat()),
        ("nested-multi", resp(&[&["MULTI"], &["MULTI"]])),
        ("stray-exec", resp(&[&["PING"], &["EXEC"]])),
        ("annotated", [b"#TS:1700000000\r\n".as_slice(), sound.as_slice()].concat()),
        ("high-bytes", [sound.as_slice(), b"*1\r\n$2\r\nab\xc3\xa9"].concat()),
    ];
    for (name, bytes) in &cases {
        let path = scratch.write(&format!("{name}.aof"), bytes);
        let ours = check_aof(&[], &path, "");
        let theirs = Command::new(&redis_check_aof).arg(&path).stdin(Stdio::null()).output().unwrap();
        assert_eq!(ours.status.code(), theirs.status.code(), "{name}: exit status\nours:\n{}\ntheirs:\n{}", stdout(&ours), stdout(&theirs));
        assert_eq!(stdout(&ours), stdout(&theirs), "{name}: report");
    }

    let rdb_base = Scratch::new();
    let manifest = multi_part(&rdb_base, true, &[[sound.as_slice(), b"*1\r\n"].concat()]);
    let ours = check_aof(&[], &manifest, "");
    let theirs = Command::new(&redis_check_aof).arg(&manifest).stdin(Stdio::null()).output().unwrap();
    assert_eq!(ours.status.code(), theirs.status.code(), "rdb base\nours:\n{}\ntheirs:\n{}", stdout(&ours), stdout(&theirs));
    let last_line = |output: &Output| stdout(output).lines().last().map(str::to_string);
    assert_eq!(last_line(&ours), last_line(&theirs));
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|dir| dir.join(program)).find(|path| path.is_file()))
}
