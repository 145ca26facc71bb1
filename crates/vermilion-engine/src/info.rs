//! INFO: sections and field names as Redis spells them, so dashboards and exporters read them.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::engine::Engine;
use crate::keyspace::{lru_clock, Keyspace};

/// Every section, in Redis's order.
const ALL_SECTIONS: &[&str] = &[
    "server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats", "errorstats",
    "latencystats", "cluster", "keyspace",
];
/// The sections too long for a plain INFO: only `all`, `everything` or their names show them.
const NOT_DEFAULT: &[&str] = &["commandstats", "latencystats"];

static PEAK_MEMORY: AtomicUsize = AtomicUsize::new(0);
/// Memory in use when the first engine opened (`startup.allocated` in MEMORY STATS).
static STARTUP_MEMORY: AtomicUsize = AtomicUsize::new(0);

/// The highest memory use seen (`used_memory_peak`).
pub fn peak_memory() -> usize {
    PEAK_MEMORY.load(Ordering::Relaxed).max(used_memory())
}

/// Memory in use when the first engine of the process opened.
pub fn startup_memory() -> usize {
    STARTUP_MEMORY.load(Ordering::Relaxed)
}

/// Records the start-up baseline, once per process.
pub(crate) fn note_startup_memory() {
    let _ = STARTUP_MEMORY.compare_exchange(0, used_memory(), Ordering::Relaxed, Ordering::Relaxed);
}

/// Formats a byte count as Redis's `bytesToHuman` (`1.50K`, `3.00M`, ...).
pub fn bytes_to_human(n: u64) -> String {
    const UNITS: &[(u64, &str)] = &[(1 << 50, "P"), (1 << 40, "T"), (1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")];
    for &(size, unit) in UNITS {
        if n >= size {
            return format!("{:.2}{unit}", n as f64 / size as f64);
        }
    }
    format!("{n}B")
}

/// The memory the engine reports as used: what the counting allocator saw, or the RSS when no
/// face installed it.
pub fn used_memory() -> usize {
    let used = crate::alloc::allocated_bytes().unwrap_or_else(crate::alloc::resident_bytes);
    PEAK_MEMORY.fetch_max(used, Ordering::Relaxed);
    used
}

/// Renders the requested sections (`all`, `everything`, `default` or names); unknown names are
/// skipped, as in Redis.
pub fn render(engine: &Engine, ks: &Keyspace, now_ms: i64, requested: &[String]) -> String {
    let asked = |name: &str| requested.iter().any(|r| r == name);
    let every = asked("all") || asked("everything");
    let default = requested.is_empty() || asked("default");
    let wanted: Vec<&str> = ALL_SECTIONS
        .iter()
        .copied()
        .filter(|s| every || asked(s) || (default && !NOT_DEFAULT.contains(s)))
        .collect();
    let mut out = String::new();
    for section in wanted {
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        let mut fields = Fields::default();
        match section {
            "server" => server(&mut fields, engine, now_ms),
            "clients" => clients(&mut fields, engine, ks),
            "memory" => memory(&mut fields, engine, ks),
            "persistence" => persistence(&mut fields, engine, ks),
            "stats" => stats(&mut fields, engine, ks),
            "replication" => replication(&mut fields, engine),
            "cpu" => cpu(&mut fields),
            "modules" => {}
            "commandstats" => commandstats(&mut fields, engine, ks),
            "errorstats" => errorstats(&mut fields, engine, ks),
            "latencystats" => latencystats(&mut fields, engine, ks),
            "cluster" => fields.add("cluster_enabled", 0),
            "keyspace" => keyspace(&mut fields, ks, now_ms),
            _ => continue,
        }
        let mut title = section.to_string();
        title[..1].make_ascii_uppercase();
        if section == "cpu" {
            title.make_ascii_uppercase();
        }
        let _ = write!(out, "# {title}\r\n{}", fields.0);
    }
    out
}

#[derive(Default)]
struct Fields(String);

impl Fields {
    fn add(&mut self, name: &str, value: impl std::fmt::Display) {
        let _ = write!(self.0, "{name}:{value}\r\n");
    }
}

fn server(f: &mut Fields, engine: &Engine, now_ms: i64) {
    let config = engine.config.read();
    let uptime = engine.started.elapsed().as_secs();
    f.add("redis_version", crate::REDIS_VERSION);
    f.add("redis_git_sha1", "00000000");
    f.add("redis_git_dirty", 0);
    f.add("redis_build_id", "0");
    f.add("redis_mode", "standalone");
    f.add("vermilion_version", crate::VERSION);
    f.add("os", format!("{} {}", std::env::consts::OS, std::env::consts::ARCH));
    f.add("arch_bits", usize::BITS);
    f.add("monotonic_clock", "POSIX clock_gettime");
    f.add("multiplexing_api", if cfg!(target_os = "linux") { "epoll" } else { "kqueue" });
    f.add("atomicvar_api", "c11-builtin");
    f.add("gcc_version", "0.0.0");
    f.add("process_id", std::process::id());
    f.add("process_supervised", "no");
    f.add("run_id", &engine.run_id);
    f.add("tcp_port", config.port);
    f.add("server_time_usec", engine.clock.now_us());
    f.add("uptime_in_seconds", uptime);
    f.add("uptime_in_days", uptime / 86_400);
    f.add("hz", config.hz);
    f.add("configured_hz", config.hz);
    f.add("lru_clock", lru_clock(now_ms));
    f.add("executable", std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default());
    let config_file = config.config_file.as_ref().and_then(|p| std::fs::canonicalize(p).ok());
    f.add("config_file", config_file.map(|p| p.display().to_string()).unwrap_or_default());
    f.add("io_threads_active", 0);
}

fn clients(f: &mut Fields, engine: &Engine, ks: &Keyspace) {
    f.add("connected_clients", engine.connected_clients());
    f.add("cluster_connections", 0);
    f.add("maxclients", engine.config.read().maxclients);
    f.add("client_recent_max_input_buffer", 0);
    f.add("client_recent_max_output_buffer", 0);
    f.add("blocked_clients", ks.blocked.len());
    f.add("tracking_clients", ks.tracking.client_count());
    f.add("clients_in_timeout_table", 0);
}

fn memory(f: &mut Fields, engine: &Engine, ks: &Keyspace) {
    let used = used_memory() as u64;
    let rss = crate::alloc::resident_bytes() as u64;
    let peak = PEAK_MEMORY.load(Ordering::Relaxed) as u64;
    let config = engine.config.read();
    f.add("used_memory", used);
    f.add("used_memory_human", bytes_to_human(used));
    f.add("used_memory_rss", rss);
    f.add("used_memory_rss_human", bytes_to_human(rss));
    f.add("used_memory_peak", peak);
    f.add("used_memory_peak_human", bytes_to_human(peak));
    f.add("maxmemory", config.maxmemory);
    f.add("maxmemory_human", bytes_to_human(config.maxmemory));
    f.add("maxmemory_policy", &config.maxmemory_policy);
    f.add("mem_fragmentation_ratio", format!("{:.2}", if used == 0 { 0.0 } else { rss as f64 / used as f64 }));
    let lua = ks.scripting.lua_memory() as u64;
    f.add("used_memory_lua", lua);
    f.add("used_memory_lua_human", bytes_to_human(lua));
    f.add("number_of_cached_scripts", ks.scripting.cached_scripts());
    f.add("mem_allocator", if crate::alloc::allocated_bytes().is_some() { "libc-counting" } else { "libc" });
}

fn persistence(f: &mut Fields, engine: &Engine, ks: &Keyspace) {
    let loading = engine.loading.is_loading();
    for (name, value) in engine.persistence.info_fields(ks) {
        match name {
            "loading" => f.add(name, u8::from(loading)),
            _ => f.add(name, value),
        }
    }
    for (name, value) in engine.aof.info_fields() {
        f.add(name, value);
    }
    // Redis adds the progress of a load under way last.
    if loading {
        for (name, value) in engine.loading.info_fields(engine.now_ms()) {
            f.add(name, value);
        }
    }
}

fn stats(f: &mut Fields, engine: &Engine, ks: &Keyspace) {
    let s = &engine.stats;
    let load = |counter: &std::sync::atomic::AtomicU64| counter.load(Ordering::Relaxed);
    let rates = engine.observer.rates();
    let error_replies = engine.observer.with_tallies(&ks.calls, |t| t.total_error_replies());
    f.add("total_connections_received", load(&s.total_connections_received));
    f.add("total_commands_processed", ks.stats.total_commands_processed);
    f.add("instantaneous_ops_per_sec", rates.ops_per_sec);
    f.add("total_net_input_bytes", load(&s.total_net_input_bytes));
    f.add("total_net_output_bytes", load(&s.total_net_output_bytes));
    f.add("total_net_repl_input_bytes", 0);
    f.add("total_net_repl_output_bytes", 0);
    f.add("instantaneous_input_kbps", format!("{:.2}", rates.input_kbps));
    f.add("instantaneous_output_kbps", format!("{:.2}", rates.output_kbps));
    f.add("instantaneous_input_repl_kbps", "0.00");
    f.add("instantaneous_output_repl_kbps", "0.00");
    f.add("rejected_connections", load(&s.rejected_connections));
    f.add("sync_full", 0);
    f.add("sync_partial_ok", 0);
    f.add("sync_partial_err", 0);
    f.add("expired_keys", ks.stats.expired_keys);
    f.add("expired_stale_perc", "0.00");
    f.add("expired_time_cap_reached_count", 0);
    f.add("expire_cycle_cpu_milliseconds", ks.stats.expire_cycle_cpu_micros / 1000);
    f.add("evicted_keys", ks.stats.evicted_keys);
    f.add("evicted_clients", 0);
    f.add("total_eviction_exceeded_time", 0);
    f.add("current_eviction_exceeded_time", 0);
    f.add("keyspace_hits", ks.stats.keyspace_hits);
    f.add("keyspace_misses", ks.stats.keyspace_misses);
    let (channels, patterns, shard_channels) = ks.pubsub.counts();
    f.add("pubsub_channels", channels);
    f.add("pubsub_patterns", patterns);
    f.add("pubsubshard_channels", shard_channels);
    // Snapshots never fork here.
    f.add("latest_fork_usec", 0);
    f.add("total_forks", 0);
    f.add("migrate_cached_sockets", 0);
    f.add("slave_expires_tracked_keys", 0);
    for name in ["active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits", "active_defrag_key_misses"] {
        f.add(name, 0);
    }
    f.add("total_active_defrag_time", 0);
    f.add("current_active_defrag_time", 0);
    let (keys, items, prefixes) = ks.tracking.totals();
    f.add("tracking_total_keys", keys);
    f.add("tracking_total_items", items);
    f.add("tracking_total_prefixes", prefixes);
    f.add("unexpected_error_replies", 0);
    f.add("total_error_replies", error_replies);
    f.add("dump_payload_sanitizations", 0);
    f.add("total_reads_processed", load(&s.total_reads_processed));
    f.add("total_writes_processed", load(&s.total_writes_processed));
    f.add("io_threaded_reads_processed", 0);
    f.add("io_threaded_writes_processed", 0);
    f.add("reply_buffer_shrinks", 0);
    f.add("reply_buffer_expands", 0);
}

fn replication(f: &mut Fields, engine: &Engine) {
    f.add("role", "master");
    f.add("connected_slaves", 0);
    f.add("master_failover_state", "no-failover");
    f.add("master_replid", &engine.run_id);
    f.add("master_replid2", "0000000000000000000000000000000000000000");
    f.add("master_repl_offset", 0);
    f.add("second_repl_offset", -1);
    f.add("repl_backlog_active", 0);
}

/// Keys with a deadline sampled for `avg_ttl`: Redis estimates it too, from its expiry cycle.
const AVG_TTL_SAMPLE: usize = 128;

fn keyspace(f: &mut Fields, ks: &Keyspace, now_ms: i64) {
    for (i, db) in ks.dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        let ttls: Vec<i64> = db.expires.iter().take(AVG_TTL_SAMPLE).map(|(_, &at)| at - now_ms).filter(|&ttl| ttl > 0).collect();
        let avg_ttl = if ttls.is_empty() { 0 } else { ttls.iter().sum::<i64>() / ttls.len() as i64 };
        f.add(&format!("db{i}"), format!("keys={},expires={},avg_ttl={avg_ttl}", db.len(), db.expires.len()));
    }
}

fn cpu(f: &mut Fields) {
    let (own, children, thread) = (cpu_time::process(), cpu_time::children(), cpu_time::thread());
    f.add("used_cpu_sys", format!("{:.6}", own.system));
    f.add("used_cpu_user", format!("{:.6}", own.user));
    f.add("used_cpu_sys_children", format!("{:.6}", children.system));
    f.add("used_cpu_user_children", format!("{:.6}", children.user));
    // Commands run on their callers' threads; the thread answering INFO stands for them.
    f.add("used_cpu_sys_main_thread", format!("{:.6}", thread.system));
    f.add("used_cpu_user_main_thread", format!("{:.6}", thread.user));
}

fn commandstats(f: &mut Fields, engine: &Engine, ks: &Keyspace) {
    engine.observer.with_tallies(&ks.calls, |tallies| {
        for t in tallies.commands() {
            let per_call = if t.calls == 0 { 0.0 } else { t.ns as f64 / 1000.0 / t.calls as f64 };
            f.add(
                &format!("cmdstat_{}", t.cmd.name),
                format!(
                    "calls={},usec={},usec_per_call={per_call:.2},rejected_calls={},failed_calls={}",
                    t.calls,
                    t.usec(),
                    t.rejected,
                    t.failed
                ),
            );
        }
    });
}

fn errorstats(f: &mut Fields, engine: &Engine, ks: &Keyspace) {
    engine.observer.with_tallies(&ks.calls, |tallies| {
        for (code, count) in &tallies.errors() {
            f.add(&format!("errorstat_{code}"), format!("count={count}"));
        }
    });
}

fn latencystats(f: &mut Fields, engine: &Engine, ks: &Keyspace) {
    let percentiles = engine.observer.percentiles();
    engine.observer.with_tallies(&ks.calls, |tallies| {
        for t in tallies.commands() {
            if let Some(histogram) = t.histogram.as_ref().filter(|h| h.total() > 0) {
                f.add(&format!("latency_percentiles_usec_{}", t.cmd.name), crate::stats::percentiles_line(histogram, &percentiles));
            }
        }
    });
}

/// CPU time from `getrusage`, in seconds.
mod cpu_time {
    #[derive(Default)]
    pub struct Usage {
        pub user: f64,
        pub system: f64,
    }

    #[cfg(target_os = "linux")]
    mod sys {
        #[repr(C)]
        struct Timeval {
            sec: i64,
            usec: i64,
        }

        /// `struct rusage` of 64-bit Linux: two timevals, then fourteen longs.
        #[repr(C)]
        struct Rusage {
            utime: Timeval,
            stime: Timeval,
            rest: [i64; 14],
        }

        extern "C" {
            fn getrusage(who: i32, usage: *mut Rusage) -> i32;
        }

        pub fn usage(who: i32) -> super::Usage {
            let mut raw = Rusage { utime: Timeval { sec: 0, usec: 0 }, stime: Timeval { sec: 0, usec: 0 }, rest: [0; 14] };
            // SAFETY: `raw` is a valid, writable `struct rusage` for the duration of the call.
            if unsafe { getrusage(who, &mut raw) } != 0 {
                return super::Usage::default();
            }
            let seconds = |t: &Timeval| t.sec as f64 + t.usec as f64 / 1e6;
            super::Usage { user: seconds(&raw.utime), system: seconds(&raw.stime) }
        }
    }

    #[cfg(target_os = "linux")]
    pub fn process() -> Usage {
        sys::usage(0)
    }

    #[cfg(target_os = "linux")]
    pub fn children() -> Usage {
        sys::usage(-1)
    }

    #[cfg(target_os = "linux")]
    pub fn thread() -> Usage {
        sys::usage(1)
    }

    #[cfg(not(target_os = "linux"))]
    pub fn process() -> Usage {
        Usage::default()
    }

    #[cfg(not(target_os = "linux"))]
    pub fn children() -> Usage {
        Usage::default()
    }

    #[cfg(not(target_os = "linux"))]
    pub fn thread() -> Usage {
        Usage::default()
    }
}

#[cfg(test)]
mod tests {
    use super::bytes_to_human;

    #[test]
    fn human_sizes_match_redis() {
        assert_eq!(bytes_to_human(1023), "1023B");
        assert_eq!(bytes_to_human(1024), "1.00K");
        assert_eq!(bytes_to_human(1536 * 1024), "1.50M");
    }
}
