//! One configuration struct with Redis's parameter names.
//!
//! The same names reach it from server flags and config files, `CONFIG GET/SET`, Python keyword
//! arguments and Node options. Every parameter is declared once in [`PARAMS`] with how to parse and
//! print it, so all of those paths agree.

use std::fmt::Write as _;

use crate::pubsub::OutputLimit;

pub mod rewrite;

/// The engine's and server's settings. Field names follow Redis's option names.
#[derive(Debug, Clone)]
pub struct Config {
    pub port: u16,
    pub bind: Vec<String>,
    pub unixsocket: String,
    pub unixsocketperm: u32,
    pub databases: usize,
    pub requirepass: String,
    /// File of `user` lines (ACL LOAD / ACL SAVE); empty for none.
    pub aclfile: String,
    pub hz: u32,
    pub maxclients: u64,
    pub timeout: u64,
    pub tcp_keepalive: u64,
    pub proto_max_bulk_len: u64,
    pub client_query_buffer_limit: u64,
    pub maxmemory: u64,
    pub maxmemory_policy: String,
    pub maxmemory_samples: u64,
    pub maxmemory_eviction_tenacity: u64,
    pub lfu_log_factor: u64,
    pub lfu_decay_time: u64,
    pub notify_keyspace_events: String,
    /// `client-output-buffer-limit` for the normal, replica and pubsub classes.
    pub client_output_buffer_limit: [OutputLimit; 3],
    /// The data directory. Empty (the default of an engine) keeps the engine in memory only;
    /// the server sets its working directory, as Redis's `dir .`.
    pub dir: String,
    pub dbfilename: String,
    pub save: String,
    pub rdbcompression: bool,
    pub rdbchecksum: bool,
    pub stop_writes_on_bgsave_error: bool,
    pub appendonly: bool,
    pub appendfsync: String,
    /// The AOF directory under `dir` (Redis 7's multi-part layout) and the files' name prefix.
    pub appenddirname: String,
    pub appendfilename: String,
    pub aof_load_truncated: bool,
    pub aof_use_rdb_preamble: bool,
    /// Accepted for compatibility; records carry no timestamps.
    pub aof_timestamp_enabled: bool,
    pub auto_aof_rewrite_percentage: u64,
    pub auto_aof_rewrite_min_size: u64,
    pub loglevel: String,
    /// Milliseconds a script may run before other clients get BUSY (`lua-time-limit` is its alias).
    pub busy_reply_threshold: u64,
    pub logfile: String,
    pub protected_mode: bool,
    pub active_expire_enabled: bool,
    /// TLS port (0: no TLS listener) and the files the TLS context is built from.
    pub tls_port: u16,
    pub tls_cert_file: String,
    pub tls_key_file: String,
    pub tls_ca_cert_file: String,
    /// Whether TLS clients must present a certificate: `yes`, `no` or `optional`.
    pub tls_auth_clients: String,
    /// The TLS versions accepted, e.g. `TLSv1.2 TLSv1.3` (empty: both).
    pub tls_protocols: String,
    /// Who may run DEBUG, MODULE, and change protected parameters: `no`, `yes` or `local`.
    pub enable_debug_command: String,
    pub enable_module_command: String,
    pub enable_protected_configs: String,
    pub daemonize: bool,
    pub pidfile: String,
    /// Commands slower than this many µs enter the slow log (0: all; negative: none).
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: u64,
    /// Milliseconds from which a call counts as a latency spike (0: monitor off).
    pub latency_monitor_threshold: u64,
    /// Whether per-command latency histograms are kept (`INFO latencystats`).
    pub latency_tracking: bool,
    pub latency_tracking_info_percentiles: Vec<f64>,
    /// The file this configuration was read from, for `CONFIG REWRITE` (not a parameter).
    pub config_file: Option<std::path::PathBuf>,
    /// `rename-command` directives as (command, new name); an empty new name disables the command.
    pub renamed_commands: Vec<(String, String)>,
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
            aclfile: String::new(),
            hz: 10,
            maxclients: 10_000,
            timeout: 0,
            tcp_keepalive: 300,
            proto_max_bulk_len: 512 * 1024 * 1024,
            client_query_buffer_limit: 1024 * 1024 * 1024,
            maxmemory: 0,
            maxmemory_policy: "noeviction".into(),
            maxmemory_samples: 5,
            maxmemory_eviction_tenacity: 10,
            lfu_log_factor: 10,
            lfu_decay_time: 1,
            notify_keyspace_events: String::new(),
            client_output_buffer_limit: [
                OutputLimit::default(),
                OutputLimit { hard_bytes: 256 * 1024 * 1024, soft_bytes: 64 * 1024 * 1024, soft_seconds: 60 },
                OutputLimit::PUBSUB_DEFAULT,
            ],
            dir: String::new(),
            dbfilename: "dump.rdb".into(),
            save: "3600 1 300 100 60 10000".into(),
            rdbcompression: true,
            rdbchecksum: true,
            stop_writes_on_bgsave_error: true,
            appendonly: false,
            appendfsync: "everysec".into(),
            appenddirname: "appendonlydir".into(),
            appendfilename: "appendonly.aof".into(),
            aof_load_truncated: true,
            aof_use_rdb_preamble: true,
            aof_timestamp_enabled: false,
            auto_aof_rewrite_percentage: 100,
            auto_aof_rewrite_min_size: 64 * 1024 * 1024,
            loglevel: "notice".into(),
            busy_reply_threshold: 5000,
            logfile: String::new(),
            protected_mode: true,
            active_expire_enabled: true,
            tls_port: 0,
            tls_cert_file: String::new(),
            tls_key_file: String::new(),
            tls_ca_cert_file: String::new(),
            tls_auth_clients: "yes".into(),
            tls_protocols: String::new(),
            enable_debug_command: "no".into(),
            enable_module_command: "no".into(),
            enable_protected_configs: "no".into(),
            daemonize: false,
            pidfile: String::new(),
            slowlog_log_slower_than: 10_000,
            slowlog_max_len: 128,
            latency_monitor_threshold: 0,
            latency_tracking: true,
            latency_tracking_info_percentiles: vec![50.0, 99.0, 99.9],
            config_file: None,
            renamed_commands: Vec::new(),
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

/// A `CONFIG SET` about to take effect, as [`crate::ConfigApplier`]s see it.
pub struct ConfigChange<'a> {
    pub old: &'a Config,
    pub new: &'a Config,
    /// The parameters the command names (their own names, not aliases), in its order.
    pub names: &'a [&'static str],
}

impl ConfigChange<'_> {
    /// Whether the command names `param`.
    pub fn names(&self, param: &str) -> bool {
        self.names.iter().any(|name| name.eq_ignore_ascii_case(param))
    }

    /// The change the other way round: what restores the old values.
    pub fn reverse(&self) -> ConfigChange<'_> {
        ConfigChange { old: self.new, new: self.old, names: self.names }
    }
}

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

fn parse_int(value: &str, min: i64, max: i64) -> Result<i64, String> {
    let n: i64 = value.parse().map_err(|_| "argument couldn't be parsed into an integer".to_string())?;
    if n < min || n > max {
        return Err(format!("argument must be between {min} and {max} inclusive"));
    }
    Ok(n)
}

/// `latency-tracking-info-percentiles`: numbers between 0 and 100.
fn parse_percentiles(value: &str) -> Result<Vec<f64>, String> {
    value
        .split_whitespace()
        .map(|word| match word.parse::<f64>() {
            Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
            _ => Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".to_string()),
        })
        .collect()
}

/// Percentiles as CONFIG GET shows them (`50 99 99.9`).
fn describe_percentiles(percentiles: &[f64]) -> String {
    let words: Vec<String> = percentiles.iter().map(|p| p.to_string()).collect();
    words.join(" ")
}

fn parse_enum(value: &str, allowed: &[&str]) -> Result<String, String> {
    let lower = value.to_ascii_lowercase();
    if allowed.contains(&lower.as_str()) {
        Ok(lower)
    } else {
        Err("argument(s) must be one of the following: ".to_string() + &allowed.join(", "))
    }
}

/// Checks a `dbfilename`: a file name, not a path (Redis's rule, so saves stay in `dir`).
fn parse_dbfilename(value: &str) -> Result<String, String> {
    if value.contains('/') {
        return Err("dbfilename can't be a path, just a filename".into());
    }
    Ok(value.to_string())
}

/// Checks the AOF names: a name inside `dir`, not a path.
fn parse_file_name(param: &str, value: &str) -> Result<String, String> {
    if value.contains('/') {
        return Err(format!("{param} can't be a path, just a filename"));
    }
    Ok(value.to_string())
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
    param!("aclfile", false, |c| c.aclfile.clone(), |c, v| c.aclfile = v.to_string()),
    param!("hz", true, |c| c.hz.to_string(), |c, v| c.hz = parse_uint(v, 0, i32::MAX as u64)?.clamp(1, 500) as u32),
    param!("maxclients", true, |c| c.maxclients.to_string(), |c, v| c.maxclients = parse_uint(v, 1, u32::MAX as u64)?),
    param!("timeout", true, |c| c.timeout.to_string(), |c, v| c.timeout = parse_uint(v, 0, i32::MAX as u64)?),
    param!("tcp-keepalive", true, |c| c.tcp_keepalive.to_string(), |c, v| c.tcp_keepalive = parse_uint(v, 0, i32::MAX as u64)?),
    param!("proto-max-bulk-len", true, |c| c.proto_max_bulk_len.to_string(), |c, v| c.proto_max_bulk_len = parse_memory(v)?.max(1024 * 1024)),
    param!("client-query-buffer-limit", true, |c| c.client_query_buffer_limit.to_string(), |c, v| c.client_query_buffer_limit = parse_memory(v)?.max(1024 * 1024)),
    param!("maxmemory", true, |c| c.maxmemory.to_string(), |c, v| c.maxmemory = parse_memory(v)?),
    param!("maxmemory-policy", true, |c| c.maxmemory_policy.clone(), |c, v| c.maxmemory_policy = parse_enum(v, POLICIES)?),
    param!("maxmemory-samples", true, |c| c.maxmemory_samples.to_string(), |c, v| c.maxmemory_samples = parse_uint(v, 1, i32::MAX as u64)?),
    param!("maxmemory-eviction-tenacity", true, |c| c.maxmemory_eviction_tenacity.to_string(),
        |c, v| c.maxmemory_eviction_tenacity = parse_uint(v, 0, 100)?),
    param!("lfu-log-factor", true, |c| c.lfu_log_factor.to_string(), |c, v| c.lfu_log_factor = parse_uint(v, 0, i32::MAX as u64)?),
    param!("lfu-decay-time", true, |c| c.lfu_decay_time.to_string(), |c, v| c.lfu_decay_time = parse_uint(v, 0, i32::MAX as u64)?),
    param!("notify-keyspace-events", true, |c| c.notify_keyspace_events.clone(), |c, v| c.notify_keyspace_events = parse_keyspace_events(v)?),
    param!("client-output-buffer-limit", true, |c| describe_output_limits(c), |c, v| parse_output_limits(c, v)?),
    param!("dir", true, |c| c.dir.clone(), |c, v| c.dir = v.to_string()),
    param!("dbfilename", true, |c| c.dbfilename.clone(), |c, v| c.dbfilename = parse_dbfilename(v)?),
    param!("save", true, |c| c.save.clone(), |c, v| c.save = parse_save(v)?),
    param!("rdbcompression", true, |c| yes_no(c.rdbcompression), |c, v| c.rdbcompression = parse_bool(v)?),
    param!("rdbchecksum", false, |c| yes_no(c.rdbchecksum), |c, v| c.rdbchecksum = parse_bool(v)?),
    param!("stop-writes-on-bgsave-error", true, |c| yes_no(c.stop_writes_on_bgsave_error), |c, v| c.stop_writes_on_bgsave_error = parse_bool(v)?),
    param!("appendonly", true, |c| yes_no(c.appendonly), |c, v| c.appendonly = parse_bool(v)?),
    param!("appendfsync", true, |c| c.appendfsync.clone(), |c, v| c.appendfsync = parse_enum(v, &["always", "everysec", "no"])?),
    param!("appenddirname", false, |c| c.appenddirname.clone(), |c, v| c.appenddirname = parse_file_name("appenddirname", v)?),
    param!("appendfilename", false, |c| c.appendfilename.clone(), |c, v| c.appendfilename = parse_file_name("appendfilename", v)?),
    param!("aof-load-truncated", true, |c| yes_no(c.aof_load_truncated), |c, v| c.aof_load_truncated = parse_bool(v)?),
    param!("aof-use-rdb-preamble", true, |c| yes_no(c.aof_use_rdb_preamble), |c, v| c.aof_use_rdb_preamble = parse_bool(v)?),
    param!("aof-timestamp-enabled", true, |c| yes_no(c.aof_timestamp_enabled), |c, v| c.aof_timestamp_enabled = parse_bool(v)?),
    param!("auto-aof-rewrite-percentage", true, |c| c.auto_aof_rewrite_percentage.to_string(),
        |c, v| c.auto_aof_rewrite_percentage = parse_uint(v, 0, i32::MAX as u64)?),
    param!("auto-aof-rewrite-min-size", true, |c| c.auto_aof_rewrite_min_size.to_string(), |c, v| c.auto_aof_rewrite_min_size = parse_memory(v)?),
    param!("loglevel", true, |c| c.loglevel.clone(), |c, v| c.loglevel = parse_enum(v, &["debug", "verbose", "notice", "warning", "nothing"])?),
    param!("busy-reply-threshold", true, |c| c.busy_reply_threshold.to_string(), |c, v| c.busy_reply_threshold = parse_uint(v, 0, i64::MAX as u64)?),
    param!("lua-time-limit", true, |c| c.busy_reply_threshold.to_string(), |c, v| c.busy_reply_threshold = parse_uint(v, 0, i64::MAX as u64)?),
    param!("logfile", false, |c| c.logfile.clone(), |c, v| c.logfile = v.to_string()),
    param!("protected-mode", true, |c| yes_no(c.protected_mode), |c, v| c.protected_mode = parse_bool(v)?),
    param!("active-expire-enabled", true, |c| yes_no(c.active_expire_enabled), |c, v| c.active_expire_enabled = parse_bool(v)?),
    // A server reloads its TLS context (and opens or closes its TLS listener) when these change.
    param!("tls-port", true, |c| c.tls_port.to_string(), |c, v| c.tls_port = parse_uint(v, 0, 65535)? as u16),
    param!("tls-cert-file", true, |c| c.tls_cert_file.clone(), |c, v| c.tls_cert_file = v.to_string()),
    param!("tls-key-file", true, |c| c.tls_key_file.clone(), |c, v| c.tls_key_file = v.to_string()),
    param!("tls-ca-cert-file", true, |c| c.tls_ca_cert_file.clone(), |c, v| c.tls_ca_cert_file = v.to_string()),
    param!("tls-auth-clients", true, |c| c.tls_auth_clients.clone(), |c, v| c.tls_auth_clients = parse_enum(v, &["no", "yes", "optional"])?),
    param!("tls-protocols", true, |c| c.tls_protocols.clone(), |c, v| c.tls_protocols = parse_tls_protocols(v)?),
    param!("enable-protected-configs", false, |c| c.enable_protected_configs.clone(), |c, v| c.enable_protected_configs = parse_enum(v, PROTECTED_ACTION)?),
    param!("enable-debug-command", false, |c| c.enable_debug_command.clone(), |c, v| c.enable_debug_command = parse_enum(v, PROTECTED_ACTION)?),
    param!("enable-module-command", false, |c| c.enable_module_command.clone(), |c, v| c.enable_module_command = parse_enum(v, PROTECTED_ACTION)?),
    param!("daemonize", false, |c| yes_no(c.daemonize), |c, v| c.daemonize = parse_bool(v)?),
    param!("pidfile", false, |c| c.pidfile.clone(), |c, v| c.pidfile = v.to_string()),
    param!("slowlog-log-slower-than", true, |c| c.slowlog_log_slower_than.to_string(),
        |c, v| c.slowlog_log_slower_than = parse_int(v, -1, i64::MAX)?),
    param!("slowlog-max-len", true, |c| c.slowlog_max_len.to_string(), |c, v| c.slowlog_max_len = parse_int(v, 0, i64::MAX)? as u64),
    param!("latency-monitor-threshold", true, |c| c.latency_monitor_threshold.to_string(),
        |c, v| c.latency_monitor_threshold = parse_uint(v, 0, i64::MAX as u64)?),
    param!("latency-tracking", true, |c| yes_no(c.latency_tracking), |c, v| c.latency_tracking = parse_bool(v)?),
    param!("latency-tracking-info-percentiles", true, |c| describe_percentiles(&c.latency_tracking_info_percentiles),
        |c, v| c.latency_tracking_info_percentiles = parse_percentiles(v)?),
];

/// Directives a config file or the command line may hold besides parameters.
pub static FILE_ONLY_DIRECTIVES: &[&str] = &["rename-command"];

/// Alternative names of parameters, as (alias, parameter): `CONFIG REWRITE` writes the parameter's own name.
pub static ALIASES: &[(&str, &str)] = &[("lua-time-limit", "busy-reply-threshold")];

/// Parameters an `enable-protected-configs` gate keeps from `CONFIG SET`: changing them lets a
/// client write files where it chooses.
pub static PROTECTED_PARAMS: &[&str] = &["dir", "dbfilename"];

/// The values of the `enable-*` gates: nobody, everybody, or only local connections.
const PROTECTED_ACTION: &[&str] = &["no", "yes", "local"];

/// Checks `tls-protocols`: TLS versions Vermilion can speak, as OpenSSL names them.
fn parse_tls_protocols(value: &str) -> Result<String, String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    for word in &words {
        if !["tlsv1.2", "tlsv1.3"].contains(&word.to_ascii_lowercase().as_str()) {
            return Err(format!("Unsupported TLS protocol '{word}': Vermilion speaks TLSv1.2 and TLSv1.3"));
        }
    }
    Ok(words.join(" "))
}

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
            self.apply_directive(name, args).map_err(|e| format!("line {}: '{}': {e}", number + 1, line.trim()))?;
        }
        Ok(())
    }

    /// Applies one directive of a config file or the command line: a parameter, or a directive
    /// only those accept (`rename-command`).
    pub fn apply_directive(&mut self, name: &str, args: &[String]) -> Result<(), String> {
        if name.eq_ignore_ascii_case("rename-command") {
            return self.rename_command(args);
        }
        self.set(name, &args.join(" ")).map_err(|e| e.to_string())
    }

    /// `rename-command <command> <new name>`; an empty new name disables the command.
    fn rename_command(&mut self, args: &[String]) -> Result<(), String> {
        let [command, new_name] = args else {
            return Err("wrong number of arguments for rename-command".into());
        };
        let command = command.to_ascii_lowercase();
        let new_name = new_name.to_ascii_lowercase();
        let renamed_away = |name: &str| self.renamed_commands.iter().any(|(from, _)| from == name);
        let known = crate::commands::lookup(command.as_bytes()).is_some_and(|_| !renamed_away(&command))
            || self.renamed_commands.iter().any(|(_, to)| *to == command);
        if !known {
            return Err("No such command in rename-command".into());
        }
        let taken = self.renamed_commands.iter().any(|(_, to)| *to == new_name)
            || crate::commands::lookup(new_name.as_bytes()).is_some_and(|_| !renamed_away(&new_name));
        if !new_name.is_empty() && taken {
            return Err("Target command name already exists".into());
        }
        // Renaming a renamed command again renames the original.
        match self.renamed_commands.iter_mut().find(|(_, to)| *to == command) {
            Some(entry) => entry.1 = new_name,
            None => self.renamed_commands.push((command, new_name)),
        }
        Ok(())
    }

    /// Whether the `enable-*` gate `setting` (`no`, `yes`, `local`) lets a client through;
    /// `is_local` tells whether it connected over loopback or a unix socket.
    pub fn allows_protected_action(setting: &str, is_local: bool) -> bool {
        setting == "yes" || (setting == "local" && is_local)
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
pub(crate) fn split_config_line(line: &str) -> Result<Vec<String>, String> {
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
