//! One configuration struct with Redis's parameter names.
//!
//! The same names reach it from server flags and config files, `CONFIG GET/SET`, Python keyword
//! arguments and Node options. Every parameter is declared once in [`PARAMS`] with how to parse and
//! print it, so all of those paths agree.

use std::fmt::Write as _;

use crate::pubsub::OutputLimit;

/// The engine's and server's settings. Field names follow Redis's option names.
#[derive(Debug, Clone)]
pub struct Config {
    pub port: u16,
    pub bind: Vec<String>,
    pub unixsocket: String,
    pub unixsocketperm: u32,
    pub databases: usize,
    pub requirepass: String,
    pub hz: u32,
    pub maxclients: u64,
    pub timeout: u64,
    pub tcp_keepalive: u64,
    pub proto_max_bulk_len: u64,
    pub client_query_buffer_limit: u64,
    pub maxmemory: u64,
    pub maxmemory_policy: String,
    pub maxmemory_samples: u64,
    pub notify_keyspace_events: String,
    /// `client-output-buffer-limit` for the normal, replica and pubsub classes.
    pub client_output_buffer_limit: [OutputLimit; 3],
    pub dir: String,
    pub dbfilename: String,
    pub save: String,
    pub appendonly: bool,
    pub appendfsync: String,
    pub loglevel: String,
    /// Milliseconds a script may run before other clients get BUSY (`lua-time-limit` is its alias).
    pub busy_reply_threshold: u64,
    pub logfile: String,
    pub protected_mode: bool,
    pub active_expire_enabled: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 6379,
            bind: vec!["127.0.0.1".into(), "-::1".into()],
            unixsocket: String::new(),
            unixsocketperm: 0,
            databases: 16,
            requirepass: String::new(),
            hz: 10,
            maxclients: 10_000,
            timeout: 0,
            tcp_keepalive: 300,
            proto_max_bulk_len: 512 * 1024 * 1024,
            client_query_buffer_limit: 1024 * 1024 * 1024,
            maxmemory: 0,
            maxmemory_policy: "noeviction".into(),
            maxmemory_samples: 5,
            notify_keyspace_events: String::new(),
            client_output_buffer_limit: [
                OutputLimit::default(),
                OutputLimit { hard_bytes: 256 * 1024 * 1024, soft_bytes: 64 * 1024 * 1024, soft_seconds: 60 },
                OutputLimit::PUBSUB_DEFAULT,
            ],
            dir: ".".into(),
            dbfilename: "dump.rdb".into(),
            save: "3600 1 300 100 60 10000".into(),
            appendonly: false,
            appendfsync: "everysec".into(),
            loglevel: "notice".into(),
            busy_reply_threshold: 5000,
            logfile: String::new(),
            protected_mode: true,
            active_expire_enabled: true,
        }
    }
}

/// Why a parameter could not be set. The text follows Redis's `CONFIG SET` wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    UnknownParameter(String),
    /// The parameter exists but cannot change at run time.
    Immutable(String),
    InvalidValue { name: String, reason: String },
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::UnknownParameter(name) => write!(f, "Unknown option or number of arguments for CONFIG SET - '{name}'"),
            ConfigError::Immutable(name) => write!(f, "CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config"),
            ConfigError::InvalidValue { name, reason } => write!(f, "CONFIG SET failed (possibly related to argument '{name}') - {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

type Getter = fn(&Config) -> String;
type Setter = fn(&mut Config, &str) -> Result<(), String>;

/// One configuration parameter: its Redis name, whether `CONFIG SET` may change it, and how to
/// read and write it as text.
pub struct Param {
    pub name: &'static str,
    pub mutable: bool,
    pub get: Getter,
    pub set: Setter,
}

fn parse_bool(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err("argument must be 'yes' or 'no'".into()),
    }
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.into()
}

fn parse_uint(value: &str, min: u64, max: u64) -> Result<u64, String> {
    let n: u64 = value.parse().map_err(|_| "argument couldn't be parsed into an integer".to_string())?;
    if n < min || n > max {
        return Err(format!("argument must be between {min} and {max} inclusive"));
    }
    Ok(n)
}

/// Parses a memory size as Redis does: plain bytes or `k kb m mb g gb` (case-insensitive;
/// `k` = 1000, `kb` = 1024).
pub fn parse_memory(value: &str) -> Result<u64, String> {
    let lower = value.to_ascii_lowercase();
    let split = lower.find(|c: char| !c.is_ascii_digit()).unwrap_or(lower.len());
    let (digits, unit) = lower.split_at(split);
    let multiplier: u64 = match unit {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return Err("argument must be a memory value".into()),
    };
    let n: u64 = digits.parse().map_err(|_| "argument must be a memory value".to_string())?;
    n.checked_mul(multiplier).ok_or_else(|| "argument must be a memory value".into())
}

fn parse_enum(value: &str, allowed: &[&str]) -> Result<String, String> {
    let lower = value.to_ascii_lowercase();
    if allowed.contains(&lower.as_str()) {
        Ok(lower)
    } else {
        Err("argument(s) must be one of the following: ".to_string() + &allowed.join(", "))
    }
}

/// Checks a `save` value: pairs of seconds and changes, or an empty string to disable.
fn parse_save(value: &str) -> Result<String, String> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    if !parts.len().is_multiple_of(2) || parts.iter().any(|p| p.parse::<u64>().is_err()) {
        return Err("Invalid save parameters".into());
    }
    Ok(parts.join(" "))
}

/// Checks a `notify-keyspace-events` value against Redis's flag letters; keeps it in the
/// canonical spelling CONFIG GET shows.
fn parse_keyspace_events(value: &str) -> Result<String, String> {
    match crate::pubsub::notify::parse_flags(value) {
        Some(flags) => Ok(crate::pubsub::notify::flags_to_string(flags)),
        None => Err("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into()),
    }
}

/// The client classes of `client-output-buffer-limit`, in the order CONFIG GET lists them.
const CLIENT_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

/// Parses `client-output-buffer-limit`: `<class> <hard> <soft> <soft seconds>` groups, each
/// replacing that class's limits.
fn parse_output_limits(config: &mut Config, value: &str) -> Result<(), String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    if words.is_empty() || !words.len().is_multiple_of(4) {
        return Err("Wrong number of arguments in buffer limit configuration.".into());
    }
    let mut limits = config.client_output_buffer_limit;
    for group in words.chunks_exact(4) {
        let class = match group[0].to_ascii_lowercase().as_str() {
            "normal" => 0,
            "slave" | "replica" => 1,
            "pubsub" => 2,
            _ => return Err("Invalid client class specified in buffer limit configuration.".into()),
        };
        let invalid = |_| "Error in hard, soft or soft_seconds setting in buffer limit configuration.".to_string();
        limits[class] = OutputLimit {
            hard_bytes: parse_memory(group[1]).map_err(invalid)?,
            soft_bytes: parse_memory(group[2]).map_err(invalid)?,
            soft_seconds: group[3].parse().map_err(|_| invalid(String::new()))?,
        };
    }
    config.client_output_buffer_limit = limits;
    Ok(())
}

fn describe_output_limits(config: &Config) -> String {
    let groups = CLIENT_CLASSES.iter().zip(&config.client_output_buffer_limit);
    let parts: Vec<String> =
        groups.map(|(class, l)| format!("{class} {} {} {}", l.hard_bytes, l.soft_bytes, l.soft_seconds)).collect();
    parts.join(" ")
}

const POLICIES: &[&str] = &[
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction",
];

macro_rules! param {
    ($name:literal, $mutable:expr, |$c:ident| $get:expr, |$cs:ident, $v:ident| $set:expr) => {
        Param {
            name: $name,
            mutable: $mutable,
            get: |$c: &Config| $get,
            set: |$cs: &mut Config, $v: &str| { $set; Ok(()) },
        }
    };
}

/// Every parameter Vermilion knows, by its Redis name.
pub static PARAMS: &[Param] = &[
    param!("port", false, |c| c.port.to_string(), |c, v| c.port = parse_uint(v, 0, 65535)? as u16),
    param!("bind", false, |c| c.bind.join(" "), |c, v| c.bind = v.split_whitespace().map(String::from).collect()),
    param!("unixsocket", false, |c| c.unixsocket.clone(), |c, v| c.unixsocket = v.to_string()),
    param!("unixsocketperm", false, |c| format!("{:o}", c.unixsocketperm),
        |c, v| c.unixsocketperm = u32::from_str_radix(v, 8).map_err(|_| "argument couldn't be parsed into an integer".to_string())?),
    param!("databases", false, |c| c.databases.to_string(), |c, v| c.databases = parse_uint(v, 1, i32::MAX as u64)? as usize),
    param!("requirepass", true, |c| c.requirepass.clone(), |c, v| c.requirepass = v.to_string()),
    param!("hz", true, |c| c.hz.to_string(), |c, v| c.hz = parse_uint(v, 0, i32::MAX as u64)?.clamp(1, 500) as u32),
    param!("maxclients", true, |c| c.maxclients.to_string(), |c, v| c.maxclients = parse_uint(v, 1, u32::MAX as u64)?),
    param!("timeout", true, |c| c.timeout.to_string(), |c, v| c.timeout = parse_uint(v, 0, i32::MAX as u64)?),
    param!("tcp-keepalive", true, |c| c.tcp_keepalive.to_string(), |c, v| c.tcp_keepalive = parse_uint(v, 0, i32::MAX as u64)?),
    param!("proto-max-bulk-len", true, |c| c.proto_max_bulk_len.to_string(), |c, v| c.proto_max_bulk_len = parse_memory(v)?.max(1024 * 1024)),
    param!("client-query-buffer-limit", true, |c| c.client_query_buffer_limit.to_string(), |c, v| c.client_query_buffer_limit = parse_memory(v)?.max(1024 * 1024)),
    param!("maxmemory", true, |c| c.maxmemory.to_string(), |c, v| c.maxmemory = parse_memory(v)?),
    param!("maxmemory-policy", true, |c| c.maxmemory_policy.clone(), |c, v| c.maxmemory_policy = parse_enum(v, POLICIES)?),
    param!("maxmemory-samples", true, |c| c.maxmemory_samples.to_string(), |c, v| c.maxmemory_samples = parse_uint(v, 1, 64)?),
    param!("notify-keyspace-events", true, |c| c.notify_keyspace_events.clone(), |c, v| c.notify_keyspace_events = parse_keyspace_events(v)?),
    param!("client-output-buffer-limit", true, |c| describe_output_limits(c), |c, v| parse_output_limits(c, v)?),
    param!("dir", true, |c| c.dir.clone(), |c, v| c.dir = v.to_string()),
    param!("dbfilename", true, |c| c.dbfilename.clone(), |c, v| c.dbfilename = v.to_string()),
    param!("save", true, |c| c.save.clone(), |c, v| c.save = parse_save(v)?),
    param!("appendonly", true, |c| yes_no(c.appendonly), |c, v| c.appendonly = parse_bool(v)?),
    param!("appendfsync", true, |c| c.appendfsync.clone(), |c, v| c.appendfsync = parse_enum(v, &["always", "everysec", "no"])?),
    param!("loglevel", true, |c| c.loglevel.clone(), |c, v| c.loglevel = parse_enum(v, &["debug", "verbose", "notice", "warning", "nothing"])?),
    param!("busy-reply-threshold", true, |c| c.busy_reply_threshold.to_string(), |c, v| c.busy_reply_threshold = parse_uint(v, 0, i64::MAX as u64)?),
    param!("lua-time-limit", true, |c| c.busy_reply_threshold.to_string(), |c, v| c.busy_reply_threshold = parse_uint(v, 0, i64::MAX as u64)?),
    param!("logfile", false, |c| c.logfile.clone(), |c, v| c.logfile = v.to_string()),
    param!("protected-mode", true, |c| yes_no(c.protected_mode), |c, v| c.protected_mode = parse_bool(v)?),
    param!("active-expire-enabled", true, |c| yes_no(c.active_expire_enabled), |c, v| c.active_expire_enabled = parse_bool(v)?),
];

/// Looks a parameter up by name, case-insensitively.
pub fn find_param(name: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

impl Config {
    /// Sets one parameter by its Redis name, as a config file or start-up flag would.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        let param = find_param(name).ok_or_else(|| ConfigError::UnknownParameter(name.to_string()))?;
        (param.set)(self, value).map_err(|reason| ConfigError::InvalidValue { name: param.name.to_string(), reason })
    }

    /// Sets one parameter at run time (`CONFIG SET`): immutable parameters are refused.
    pub fn set_at_runtime(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        let param = find_param(name).ok_or_else(|| ConfigError::UnknownParameter(name.to_string()))?;
        if !param.mutable {
            return Err(ConfigError::Immutable(param.name.to_string()));
        }
        self.set(name, value)
    }

    /// Reads one parameter as text.
    pub fn get(&self, name: &str) -> Option<String> {
        find_param(name).map(|p| (p.get)(self))
    }

    /// Applies a redis.conf-style text: one `name value...` directive per line, `#` comments,
    /// double-quoted arguments. Errors name the line, like Redis's loader.
    pub fn apply_file_text(&mut self, text: &str) -> Result<(), String> {
        for (number, line) in text.lines().enumerate() {
            let words = split_config_line(line).map_err(|e| format!("line {}: {e}", number + 1))?;
            let Some((name, args)) = words.split_first() else { continue };
            if name.starts_with('#') {
                continue;
            }
            self.set(name, &args.join(" ")).map_err(|e| format!("line {}: '{}': {e}", number + 1, line.trim()))?;
        }
        Ok(())
    }

    /// Renders every parameter as `name value` lines, in table order.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for p in PARAMS {
            let _ = writeln!(out, "{} {}", p.name, (p.get)(self));
        }
        out
    }
}

/// Splits a config line into words, honouring double and single quotes like Redis's `sdssplitargs`.
fn split_config_line(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = line.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '#' && words.is_empty() {
            break;
        }
        let mut word = String::new();
        if c == '"' || c == '\'' {
            chars.next();
            let mut closed = false;
            while let Some(ch) = chars.next() {
                if ch == c {
                    closed = true;
                    break;
                }
                if ch == '\\' && c == '"' {
                    match chars.next() {
                        Some('n') => word.push('\n'),
                        Some('t') => word.push('\t'),
                        Some('r') => word.push('\r'),
                        Some(other) => word.push(other),
                        None => break,
                    }
                } else {
                    word.push(ch);
                }
            }
            if !closed {
                return Err("unbalanced quotes in configuration line".into());
            }
        } else {
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() {
                    break;
                }
                word.push(ch);
                chars.next();
            }
        }
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_units_follow_redis() {
        assert_eq!(parse_memory("100").unwrap(), 100);
        assert_eq!(parse_memory("1k").unwrap(), 1000);
        assert_eq!(parse_memory("1KB").unwrap(), 1024);
        assert_eq!(parse_memory("2mb").unwrap(), 2 * 1024 * 1024);
        assert_eq!(parse_memory("1g").unwrap(), 1_000_000_000);
        assert!(parse_memory("12xb").is_err());
    }

    #[test]
    fn file_text_sets_parameters_and_skips_comments() {
        let mut c = Config::default();
        c.apply_file_text("# comment\nport 7000\n\nsave \"\"\nmaxmemory 10mb\nbind 127.0.0.1 ::1\n").unwrap();
        assert_eq!(c.port, 7000);
        assert_eq!(c.save, "");
        assert_eq!(c.maxmemory, 10 * 1024 * 1024);
        assert_eq!(c.bind, vec!["127.0.0.1", "::1"]);
        assert!(c.apply_file_text("nosuchoption 1").unwrap_err().contains("line 1"));
    }

    #[test]
    fn runtime_set_refuses_immutable() {
        let mut c = Config::default();
        assert_eq!(c.set_at_runtime("port", "1"), Err(ConfigError::Immutable("port".into())));
        c.set_at_runtime("MAXMEMORY-POLICY", "allkeys-lru").unwrap();
        assert_eq!(c.get("maxmemory-policy").unwrap(), "allkeys-lru");
    }
}
