//! `vermilion-server`: a Redis-compatible server process, started like redis-server.

mod logging;
mod options;

use std::process::ExitCode;
use std::sync::Arc;

use tokio::signal::unix::{signal, SignalKind};
use tracing::{info, warn};
use vermilion_engine::{Config, Engine};
use vermilion_server::{serve, ServeOptions};

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
            println!(
                "Vermilion server v={} redis_version={} bits={}",
                vermilion_engine::VERSION,
                vermilion_engine::REDIS_VERSION,
                usize::BITS
            );
            ExitCode::SUCCESS
        }
        Ok(Invocation::Help) => {
            print!("{}", options::usage(program));
            ExitCode::SUCCESS
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
    if let Err(error) = logging::init(&config.loglevel, &config.logfile) {
        eprintln!("{error}");
        return ExitCode::FAILURE;
    }
    log_banner(start);
    config.maxclients = raise_open_files_limit(config.maxclients);
    if config.port == 0 && config.unixsocket.is_empty() {
        warn!("Configured to not listen anywhere, exiting.");
        return ExitCode::FAILURE;
    }
    if let Err(error) = serve_until_signal(config) {
        warn!("{error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
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

/// Opens the engine, listens, and serves until SIGINT or SIGTERM; then closes everything.
fn serve_until_signal(config: Config) -> Result<(), String> {
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
    let engine: Arc<Engine> = Engine::open(config).map_err(|e| format!("Failed to start the engine: {e}"))?;
    info!("Server initialized");
    let server = serve(Arc::clone(&engine), options).map_err(|e| format!("{e}. Failed listening, aborting."))?;
    if server.port() != 0 {
        info!("Running mode=standalone, port={}.", server.port());
        info!("Ready to accept connections tcp");
    }
    if let Some(path) = server.unixsocket() {
        info!("The server is now ready to accept connections at {}", path.display());
        info!("Ready to accept connections unix");
    }

    let received = signals.block_on(async {
        tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        }
    });
    warn!("Received {received} scheduling shutdown...");
    warn!("User requested shutdown...");
    server.stop();
    engine.shutdown();
    warn!("Vermilion is now ready to exit, bye bye...");
    Ok(())
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
