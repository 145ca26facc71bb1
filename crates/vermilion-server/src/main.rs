//! `vermilion-server`: a Redis-compatible server process, started like redis-server.

mod check_aof;
mod check_rdb;
mod logging;
mod options;
mod process;

use std::process::ExitCode;
use std::sync::Arc;

use tokio::signal::unix::{signal, SignalKind};
use tracing::{info, warn};
use vermilion_engine::{Config, Engine, EngineError};
use vermilion_server::{serve_with_tls, ServeOptions, TlsOptions};

use crate::options::{Invocation, StartOptions};

#[global_allocator]
static ALLOC: vermilion_engine::alloc::Counting = vermilion_engine::alloc::Counting;

/// File descriptors kept aside for listeners, logs and persistence (Redis's `CONFIG_MIN_RESERVED_FDS`).
const RESERVED_FDS: u64 = 32;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let program = args.first().map_or("vermilion-server", String::as_str);
    match options::parse_args(&args[1..]) {
        Ok(Invocation::Version) => {
            println!("{}", options::version_line());
            ExitCode::SUCCESS
        }
        Ok(Invocation::Help) => {
            print!("{}", options::usage(program));
            ExitCode::SUCCESS
        }
        Ok(Invocation::CheckRdb(path)) => {
            let (report, sound) = check_rdb::check(&path);
            print!("{report}");
            if sound { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Ok(Invocation::CheckAof { path, fix }) => {
            let sound = check_aof::run(&path, fix, &mut std::io::stdout().lock(), &mut std::io::stdin().lock());
            if sound { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Ok(Invocation::Run(start)) => run(&start),
        Err(error) => {
            eprintln!("{error}\n\n{}", options::usage(program));
            ExitCode::FAILURE
        }
    }
}

fn run(start: &StartOptions) -> ExitCode {
    let mut config = match options::load_config(start) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    // Before any thread starts: fork() keeps only the calling thread.
    if config.daemonize {
        if let Err(error) = process::daemonize() {
            eprintln!("Cannot daemonize: {error}");
            return ExitCode::FAILURE;
        }
    }
    if let Err(error) = logging::init(&config.loglevel, &config.logfile) {
        eprintln!("{error}");
        return ExitCode::FAILURE;
    }
    log_banner(start);
    let pidfile = process::pidfile_path(&config);
    if let Some(path) = &pidfile {
        if let Err(error) = std::fs::write(path, format!("{}\n", std::process::id())) {
            warn!("Failed to write PID file {}: {error}", path.display());
        }
    }
    config.maxclients = raise_open_files_limit(config.maxclients);
    config.dir = data_dir(&config.dir);
    let outcome = if config.port == 0 && config.unixsocket.is_empty() && config.tls_port == 0 {
        warn!("Configured to not listen anywhere, exiting.");
        Err(())
    } else {
        serve_until_shutdown(config).map_err(|error| warn!("{error}"))
    };
    if let Some(path) = &pidfile {
        info!("Removing the pid file.");
        let _ = std::fs::remove_file(path);
    }
    match outcome {
        Ok(()) => {
            warn!("Vermilion is now ready to exit, bye bye...");
            ExitCode::SUCCESS
        }
        Err(()) => ExitCode::FAILURE,
    }
}

fn log_banner(start: &StartOptions) {
    info!("oO0OoO0OoO0Oo Vermilion is starting oO0OoO0OoO0Oo");
    info!(
        "Vermilion version={} (redis_version={}), bits={}, pid={}, just started",
        vermilion_engine::VERSION,
        vermilion_engine::REDIS_VERSION,
        usize::BITS,
        std::process::id()
    );
    match &start.config_file {
        Some(path) => {
            let shown = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            info!("Configuration loaded from {}", shown.display());
        }
        None => warn!(
            "Warning: no config file specified, using the default config. \
             In order to specify a config file use vermilion-server /path/to/redis.conf"
        ),
    }
}

/// Why the server stops.
enum StopCause {
    Signal(&'static str),
    /// A client sent SHUTDOWN (which saved already, if asked to).
    ShutdownCommand,
    /// Not a stop: the data finished loading (or failed to, which stops the server).
    Loaded(Result<(), EngineError>),
}

/// Opens the engine, listens, and serves until SHUTDOWN, SIGINT or SIGTERM; then closes everything.
fn serve_until_shutdown(config: Config) -> Result<(), String> {
    // Signal handlers go in before the sockets listen, so no early signal is lost.
    let signals = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let (mut interrupt, mut terminate) = {
        let _context = signals.enter();
        let interrupt = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
        let terminate = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
        (interrupt, terminate)
    };

    let options = ServeOptions {
        // `port 0` in a configuration means no TCP at all.
        bind: if config.port == 0 { Vec::new() } else { config.bind.clone() },
        port: config.port,
        unixsocket: (!config.unixsocket.is_empty()).then(|| config.unixsocket.clone().into()),
    };
    let tls = TlsOptions::from_config(&config, &config.bind);
    let (engine, loading) = Engine::open_loading(config).map_err(|e| format!("Failed to start the engine: {e}"))?;
    info!("Server initialized");
    // Listening starts before the data is in: clients meanwhile get -LOADING, as from Redis.
    let server = serve_with_tls(Arc::clone(&engine), options, tls).map_err(|e| format!("{e}. Failed listening, aborting."))?;
    let mut load = Some(signals.spawn_blocking(move || loading.wait()));

    loop {
        let cause = signals.block_on(async {
            tokio::select! {
                _ = interrupt.recv() => StopCause::Signal("SIGINT"),
                _ = terminate.recv() => StopCause::Signal("SIGTERM"),
                () = server.stopped() => StopCause::ShutdownCommand,
                outcome = async { load.as_mut().expect("checked by the guard").await }, if load.is_some() => {
                    StopCause::Loaded(outcome.unwrap_or_else(|e| Err(EngineError::Persistence(e.to_string()))))
                }
            }
        });
        match cause {
            StopCause::Loaded(outcome) => {
                load = None;
                outcome.map_err(|e| format!("Failed to start the engine: {e}"))?;
                log_ready(&server);
                continue;
            }
            StopCause::Signal(name) => {
                warn!("Received {name} scheduling shutdown...");
                warn!("User requested shutdown...");
                // Save as configured (never while loading); if that fails, keep serving, as Redis does.
                if let Err(error) = engine.prepare_shutdown(None) {
                    warn!("{error}");
                    warn!("Errors trying to shut down the server. Check the logs for more information.");
                    continue;
                }
            }
            StopCause::ShutdownCommand => warn!("User requested shutdown..."),
        }
        break;
    }
    server.stop();
    engine.shutdown();
    // A load still under way is abandoned, not awaited: the process exits without its data.
    signals.shutdown_background();
    Ok(())
}

/// The lines that tell the data is in and every listener serves.
fn log_ready(server: &vermilion_server::ServerHandle) {
    if server.port() != 0 {
        info!("Running mode=standalone, port={}.", server.port());
        info!("Ready to accept connections tcp");
    }
    if server.tls_port() != 0 {
        info!("Ready to accept connections tls (port={})", server.tls_port());
    }
    if let Some(path) = server.unixsocket() {
        info!("The server is now ready to accept connections at {}", path.display());
        info!("Ready to accept connections unix");
    }
}

/// The server's data directory as an absolute path: `dir`, or the working directory when none
/// is configured (a server persists where it runs, as Redis's `dir .`).
fn data_dir(dir: &str) -> String {
    let dir = if dir.is_empty() { "." } else { dir };
    std::path::absolute(dir).map_or_else(|_| dir.to_string(), |path| path.display().to_string())
}

/// Makes room for `maxclients` connections in the open files limit, as Redis does at start-up;
/// returns the number of clients that fit.
fn raise_open_files_limit(maxclients: u64) -> u64 {
    let wanted = maxclients.saturating_add(RESERVED_FDS);
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit only writes the struct we pass.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut limit) } != 0 {
        return maxclients;
    }
    if limit.rlim_cur >= wanted {
        return maxclients;
    }
    let target = if limit.rlim_max == libc::RLIM_INFINITY { wanted } else { wanted.min(limit.rlim_max) };
    let raised = libc::rlimit { rlim_cur: target, rlim_max: limit.rlim_max };
    // SAFETY: setrlimit only reads the struct we pass.
    let current = if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raw const raised) } == 0 { target } else { limit.rlim_cur };
    if current >= wanted {
        return maxclients;
    }
    let fitting = current.saturating_sub(RESERVED_FDS).max(1);
    warn!(
        "You requested maxclients of {maxclients} requiring at least {wanted} max file descriptors. \
         Server can't set maximum open files to {wanted} because of OS error: limit is {current}. \
         maxclients has been reduced to {fitting} to compensate for the low ulimit."
    );
    fitting
}
