//! The process around the server, for init scripts: `daemonize` and `pidfile`.

use std::io;
use std::path::PathBuf;

use vermilion_engine::Config;

/// Where a daemonized server writes its pid when no `pidfile` is configured (Redis's default
/// is `/var/run/redis.pid`).
const DEFAULT_PIDFILE: &str = "/var/run/vermilion.pid";

/// The pid file to write: `pidfile` if set, else the default one when daemonized, else none.
pub fn pidfile_path(config: &Config) -> Option<PathBuf> {
    if !config.pidfile.is_empty() {
        return Some(PathBuf::from(&config.pidfile));
    }
    config.daemonize.then(|| PathBuf::from(DEFAULT_PIDFILE))
}

/// Detaches from the terminal as Redis does: the parent exits at once, the child leads a new
/// session with stdin, stdout and stderr on /dev/null (logs then go to `logfile` only).
///
/// Must run before any other thread starts: only the calling thread survives `fork`.
pub fn daemonize() -> io::Result<()> {
    // SAFETY: no other thread exists yet (see above), so the child starts from a consistent state.
    match unsafe { libc::fork() } {
        -1 => return Err(io::Error::last_os_error()),
        0 => {}
        _ => std::process::exit(0),
    }
    // SAFETY: plain system calls on descriptors this process owns.
    unsafe {
        if libc::setsid() == -1 {
            return Err(io::Error::last_os_error());
        }
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null == -1 {
            return Err(io::Error::last_os_error());
        }
        for fd in [libc::STDIN_FILENO, libc::STDOUT_FILENO, libc::STDERR_FILENO] {
            libc::dup2(null, fd);
        }
        if null > libc::STDERR_FILENO {
            libc::close(null);
        }
    }
    Ok(())
}
