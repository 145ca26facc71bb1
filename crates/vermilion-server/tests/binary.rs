//! The `vermilion-server` binary: command line, start-up, clean shutdown on SIGTERM/SIGINT.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use common::{RawClient, DEADLINE};

const BIN: &str = env!("CARGO_BIN_EXE_vermilion-server");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn version_and_help_exit_zero() {
    let version = Command::new(BIN).arg("--version").output().unwrap();
    assert!(version.status.success());
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("Vermilion server v="));
    let help = Command::new(BIN).arg("-h").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage:"));
}

#[test]
fn an_unknown_option_is_an_error() {
    let output = Command::new(BIN).args(["--no-such-option", "1"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Unknown option '--no-such-option'"));
}

#[test]
fn a_bad_value_is_a_fatal_config_error() {
    let output = Command::new(BIN).args(["--port", "seventy"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("FATAL CONFIG ERROR"));
}

#[test]
fn a_missing_config_file_is_an_error() {
    let output = Command::new(BIN).arg("/nonexistent/redis.conf").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("can't open config file"));
}

fn serve_and_stop(signal: libc::c_int, extra_args: &[&str]) {
    let port = free_port();
    let port_text = port.to_string();
    // A data directory of its own: an engine locks the one it uses.
    let data_dir = std::env::temp_dir().join(format!("vermilion-binary-data-{port}-{}", std::process::id()));
    std::fs::create_dir_all(&data_dir).unwrap();
    let data_dir_text = data_dir.to_str().unwrap().to_string();
    let mut args = vec!["--port", port_text.as_str(), "--bind", "127.0.0.1", "--save", "", "--dir", data_dir_text.as_str()];
    args.extend_from_slice(extra_args);
    let mut child = Command::new(BIN).args(&args).stdout(Stdio::piped()).spawn().unwrap();

    // Follow the log on a thread, so waiting for a line can have a deadline.
    let (lines_tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let wait_for_line = |needle: &str| {
        let started = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(started.elapsed());
            match lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return,
                Ok(_) => {}
                Err(_) => panic!("no log line containing {needle:?}"),
            }
        }
    };
    wait_for_line("Ready to accept connections");

    let mut client = RawClient::new(TcpStream::connect(("127.0.0.1", port)).unwrap());
    client.roundtrip(b"SET k v\r\nGET k\r\n", b"+OK\r\n$1\r\nv\r\n");

    // SAFETY: signalling the child this test started.
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    wait_for_line("bye bye");
    client.expect_closed();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[test]
fn sigterm_shuts_down_cleanly() {
    serve_and_stop(libc::SIGTERM, &[]);
}

#[test]
fn sigint_shuts_down_cleanly() {
    serve_and_stop(libc::SIGINT, &["--loglevel", "verbose"]);
}

#[test]
fn a_config_file_and_flags_combine() {
    let dir = std::env::temp_dir().join(format!("vermilion-binary-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("redis.conf");
    let port = free_port();
    std::fs::write(&conf, format!("# test configuration\nport {port}\nbind 127.0.0.1\nsave \"\"\ndir {}\n", dir.display())).unwrap();
    let mut child = Command::new(BIN)
        .arg(&conf)
        .args(["--requirepass", "secret", "--loglevel", "warning"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let stream = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(stream) => break stream,
            Err(_) if started.elapsed() < DEADLINE => std::thread::sleep(std::time::Duration::from_millis(5)),
            Err(e) => panic!("the server never listened: {e}"),
        }
    };
    let mut client = RawClient::new(stream);
    client.roundtrip(b"GET k\r\n", b"-NOAUTH Authentication required.\r\n");
    client.roundtrip(b"AUTH secret\r\nPING\r\n", b"+OK\r\n+PONG\r\n");
    // SAFETY: signalling the child this test started.
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    unsafe { libc::kill(pid, libc::SIGTERM) };
    assert!(child.wait().unwrap().success());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--check-rdb` reads a file the engine saved and reports it sound; a damaged copy is
/// reported with the offset of the damage and a failing exit code.
#[test]
fn check_rdb_reports_sound_and_damaged_files() {
    let dir = std::env::temp_dir().join(format!("vermilion-check-rdb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = vermilion_engine::Config::default();
    config.set("dir", dir.to_str().unwrap()).unwrap();
    config.set("save", "").unwrap();
    let engine = vermilion_engine::Engine::open(config).unwrap();
    let mut client = engine.connect(vermilion_engine::ConnectionInfo::embedded("test"));
    for argv in [&[&b"SET"[..], b"a", b"1"][..], &[b"RPUSH", b"l", b"x", b"y"], &[b"SAVE"]] {
        assert!(!client.execute(argv).is_error());
    }
    drop(client);
    engine.shutdown();
    let file = dir.join("dump.rdb");

    let sound = Command::new(BIN).arg("--check-rdb").arg(&file).output().unwrap();
    let report = String::from_utf8_lossy(&sound.stdout);
    assert!(sound.status.success(), "{report}");
    assert!(report.contains("RDB looks OK") && report.contains("2 keys read"), "{report}");

    let mut bytes = std::fs::read(&file).unwrap();
    bytes.truncate(bytes.len() - 12);
    let damaged = dir.join("damaged.rdb");
    std::fs::write(&damaged, bytes).unwrap();
    let broken = Command::new(BIN).arg("--check-rdb").arg(&damaged).output().unwrap();
    let report = String::from_utf8_lossy(&broken.stdout);
    assert_eq!(broken.status.code(), Some(1), "{report}");
    assert!(report.contains("RDB ERROR DETECTED") && report.contains("[offset "), "{report}");
    std::fs::remove_dir_all(&dir).unwrap();
}
