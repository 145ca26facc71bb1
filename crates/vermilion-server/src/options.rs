//! The command line, read as redis-server reads it:
//!
//! ```text
//! vermilion-server [/path/to/redis.conf] [--name value ...] [-]
//! ```
//!
//! `--name value...` flags are configuration directives appended after the file (a value may be
//! several words: `--bind 127.0.0.1 ::1`, `--save "900 1 300 10"`); a `-` as the first or last
//! argument reads more directives from stdin.

use std::path::PathBuf;

use vermilion_engine::config::{find_param, FILE_ONLY_DIRECTIVES};
use vermilion_engine::Config;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    Version,
    Help,
    /// `--check-rdb FILE`: report on an RDB file and exit.
    CheckRdb(PathBuf),
    /// `--check-aof [--fix] PATH`: check (or cut back) an append-only file and exit.
    CheckAof { path: PathBuf, fix: bool },
    Run(StartOptions),
}

/// Where the configuration comes from, in the order it is applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartOptions {
    pub config_file: Option<PathBuf>,
    pub config_from_stdin: bool,
    /// `--name value...` flags as (name, values).
    pub directives: Vec<(String, Vec<String>)>,
}

/// A command line that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What `--version` prints, shaped like redis-server's line.
pub fn version_line() -> String {
    format!(
        "Vermilion server v={} sha=00000000:0 malloc=libc bits={} redis_version={}",
        vermilion_engine::VERSION,
        usize::BITS,
        vermilion_engine::REDIS_VERSION
    )
}

pub fn usage(program: &str) -> String {
    format!(
        "Usage: {program} [/path/to/redis.conf] [options] [-]
       {program} - (read config from stdin)
       {program} -v or --version
       {program} -h or --help
       {program} --check-rdb <file.rdb>   (report on an RDB file, as redis-check-rdb)
       {program} --check-aof [--fix] <file.manifest|file.aof|dir>   (as redis-check-aof)

Options are configuration directives with Redis's names, e.g. --port 7777.

Examples:
       {program} (run the server with the default configuration)
       echo 'maxmemory 128mb' | {program} -
       {program} /etc/redis/6379.conf
       {program} --port 7777
       {program} --bind 127.0.0.1 ::1 --save \"900 1 300 10\"
       {program} /etc/myredis.conf --loglevel verbose -
       {program} /etc/myredis.conf --daemonize yes --pidfile /run/vermilion.pid
       {program} --tls-port 6380 --tls-cert-file server.crt --tls-key-file server.key --tls-ca-cert-file ca.crt
"
    )
}

pub fn parse_args(args: &[String]) -> Result<Invocation, UsageError> {
    let mut options = StartOptions::default();
    let mut rest = args;
    match args.first().map(String::as_str) {
        Some("-v" | "--version") => return Ok(Invocation::Version),
        Some("-h" | "--help") => return Ok(Invocation::Help),
        Some("--check-rdb") => {
            return match args {
                [_, file] => Ok(Invocation::CheckRdb(PathBuf::from(file))),
                _ => Err(UsageError("--check-rdb takes one argument: the RDB file to check".into())),
            }
        }
        Some("--check-aof") => {
            return match args {
                [_, path] => Ok(Invocation::CheckAof { path: PathBuf::from(path), fix: false }),
                [_, fix, path] if fix == "--fix" => Ok(Invocation::CheckAof { path: PathBuf::from(path), fix: true }),
                _ => Err(UsageError("--check-aof takes an optional --fix and the AOF to check: a manifest, an AOF file or the AOF directory".into())),
            }
        }
        Some(first) if !first.starts_with('-') => {
            options.config_file = Some(PathBuf::from(first));
            rest = &args[1..];
        }
        _ => {}
    }
    // After a bare `--name`, the next argument is its value even if it starts with `--`.
    let mut awaiting_value = false;
    for (i, arg) in rest.iter().enumerate() {
        let first_or_last = (i == 0 && options.config_file.is_none()) || i == rest.len() - 1;
        if arg == "-" && first_or_last {
            options.config_from_stdin = true;
        } else if let Some(flag) = arg.strip_prefix("--").filter(|_| !awaiting_value) {
            let mut words = flag.split_whitespace().map(String::from);
            let name = words.next().ok_or_else(|| UsageError(format!("Invalid option '{arg}'")))?;
            let file_only = FILE_ONLY_DIRECTIVES.iter().any(|d| d.eq_ignore_ascii_case(&name));
            if find_param(&name).is_none() && !file_only {
                return Err(UsageError(format!("Unknown option '--{name}': not a configuration directive")));
            }
            let values: Vec<String> = words.collect();
            awaiting_value = values.is_empty();
            // `--save` right before another flag, or last, means `save ""` (Redis keeps this
            // for command lines generated from an empty list).
            let next_is_flag = rest.get(i + 1).is_none_or(|next| next.starts_with("--"));
            if awaiting_value && name.eq_ignore_ascii_case("save") && next_is_flag {
                options.directives.push((name, vec![String::new()]));
                awaiting_value = false;
            } else {
                options.directives.push((name, values));
            }
        } else {
            match options.directives.last_mut() {
                Some((_, values)) => values.push(arg.clone()),
                None => return Err(UsageError(format!("Unexpected argument '{arg}': options are --name value"))),
            }
            awaiting_value = false;
        }
    }
    Ok(Invocation::Run(options))
}

/// Builds the configuration: defaults, then the file, then stdin, then the flags.
pub fn load_config(options: &StartOptions) -> Result<Config, String> {
    let mut config = Config::default();
    if let Some(path) = &options.config_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("Fatal error, can't open config file '{}': {e}", path.display()))?;
        config.apply_file_text(&text).map_err(|e| fatal_config_error(&e))?;
        // Absolute, so CONFIG REWRITE still finds it after the working directory changes.
        config.config_file = Some(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()));
    }
    if options.config_from_stdin {
        let text = std::io::read_to_string(std::io::stdin()).map_err(|e| format!("Fatal error reading stdin: {e}"))?;
        config.apply_file_text(&text).map_err(|e| fatal_config_error(&e))?;
    }
    for (name, values) in &options.directives {
        config.apply_directive(name, values).map_err(|e| fatal_config_error(&format!("--{name} {}: {e}", values.join(" "))))?;
    }
    Ok(config)
}

fn fatal_config_error(detail: &str) -> String {
    format!("\n*** FATAL CONFIG ERROR (Vermilion {}) ***\n{detail}", vermilion_engine::VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> StartOptions {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        match parse_args(&args).unwrap() {
            Invocation::Run(options) => options,
            other => panic!("{other:?}"),
        }
    }

    fn directives(list: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        list.iter().map(|(n, v)| (n.to_string(), v.iter().map(|s| s.to_string()).collect())).collect()
    }

    #[test]
    fn version_and_help() {
        assert_eq!(parse_args(&["-v".into()]).unwrap(), Invocation::Version);
        assert_eq!(parse_args(&["--version".into()]).unwrap(), Invocation::Version);
        assert_eq!(parse_args(&["-h".into()]).unwrap(), Invocation::Help);
    }

    #[test]
    fn no_arguments_run_the_defaults() {
        assert_eq!(run(&[]), StartOptions::default());
    }

    #[test]
    fn a_config_file_then_flags() {
        let options = run(&["/etc/redis.conf", "--port", "7000", "--bind", "127.0.0.1", "::1", "--save", "900 1 300 10"]);
        assert_eq!(options.config_file, Some(PathBuf::from("/etc/redis.conf")));
        assert_eq!(options.directives, directives(&[("port", &["7000"]), ("bind", &["127.0.0.1", "::1"]), ("save", &["900 1 300 10"])]));
    }

    #[test]
    fn a_flag_may_carry_its_value() {
        assert_eq!(run(&["--port 7000"]).directives, directives(&[("port", &["7000"])]));
    }

    #[test]
    fn a_bare_flag_takes_the_next_argument_even_if_it_looks_like_a_flag() {
        assert_eq!(run(&["--requirepass", "--secret"]).directives, directives(&[("requirepass", &["--secret"])]));
    }

    #[test]
    fn save_without_value_means_no_snapshots() {
        assert_eq!(run(&["--save", "--port", "1"]).directives, directives(&[("save", &[""]), ("port", &["1"])]));
        assert_eq!(run(&["--port", "1", "--save"]).directives, directives(&[("port", &["1"]), ("save", &[""])]));
    }

    #[test]
    fn dash_reads_stdin() {
        assert!(run(&["-"]).config_from_stdin);
        assert!(run(&["--port", "1", "-"]).config_from_stdin);
        assert!(run(&["x.conf", "--port", "1", "-"]).config_from_stdin);
        // In the middle, `-` is just a stray value.
        assert!(parse_args(&["x.conf".into(), "-".into(), "--port".into(), "1".into()]).is_err());
    }

    #[test]
    fn rename_command_is_accepted_on_the_command_line() {
        let config = load_config(&run(&["--rename-command", "config", ""])).unwrap();
        assert_eq!(config.renamed_commands, vec![("config".to_string(), String::new())]);
    }

    #[test]
    fn the_config_file_path_is_remembered_absolute() {
        let dir = std::env::temp_dir().join(format!("vermilion-options-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("server.conf");
        std::fs::write(&path, "port 7002\n").unwrap();
        let config = load_config(&run(&[path.to_str().unwrap()])).unwrap();
        assert_eq!(config.port, 7002);
        assert_eq!(config.config_file, Some(std::fs::canonicalize(&path).unwrap()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unknown_options_are_refused() {
        let error = parse_args(&["--no-such-thing".into(), "1".into()]).unwrap_err();
        assert!(error.0.contains("--no-such-thing"), "{error}");
        assert!(parse_args(&["-x".into()]).is_err());
    }

    #[test]
    fn flags_apply_after_the_defaults() {
        let config = load_config(&run(&["--port", "7001", "--bind", "127.0.0.1", "::1", "--save", "900 1"])).unwrap();
        assert_eq!(config.port, 7001);
        assert_eq!(config.bind, vec!["127.0.0.1", "::1"]);
        assert_eq!(config.save, "900 1");
        let error = load_config(&run(&["--port", "not-a-number"])).unwrap_err();
        assert!(error.contains("FATAL CONFIG ERROR") && error.contains("--port not-a-number"), "{error}");
    }
}
