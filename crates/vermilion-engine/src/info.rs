//! INFO: sections and field names as Redis spells them, so dashboards and exporters read them.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::engine::Engine;
use crate::keyspace::{lru_clock, Keyspace};

/// Sections INFO prints with no argument (or `default`), in Redis's order.
const DEFAULT_SECTIONS: &[&str] = &["server", "clients", "memory", "persistence", "stats", "replication", "keyspace"];

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
    // Every section Vermilion has is a default one, so `all` and `everything` add nothing yet.
    let wanted: Vec<&str> = if requested.is_empty() || requested.iter().any(|s| matches!(s.as_str(), "default" | "all" | "everything")) {
        DEFAULT_SECTIONS.to_vec()
    } else {
        DEFAULT_SECTIONS.iter().copied().filter(|s| requested.iter().any(|r| r == s)).collect()
    };
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
            "keyspace" => keyspace(&mut fields, ks),
            _ => continue,
        }
        let mut title = section.to_string();
        title[..1].make_ascii_uppercase();
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
    f.add("redis_mode", "standalone");
    f.add("vermilion_version", crate::VERSION);
    f.add("os", format!("{} {}", std::env::consts::OS, std::env::consts::ARCH));
    f.add("arch_bits", usize::BITS);
    f.add("process_id", std::process::id());
    f.add("run_id", &engine.run_id);
    f.add("tcp_port", config.port);
    f.add("server_time_usec", engine.clock.now_us());
    f.add("uptime_in_seconds", uptime);
    f.add("uptime_in_days", uptime / 86_400);
    f.add("hz", config.hz);
    f.add("configured_hz", config.hz);
    f.add("lru_clock", lru_clock(now_ms));
    f.add("executable", std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default());
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
    for (name, value) in engine.persistence.info_fields(ks) {
        f.add(name, value);
    }
    f.add("aof_enabled", 0);
    f.add("aof_rewrite_in_progress", 0);
}

fn stats(f: &mut Fields, engine: &Engine, ks: &Keyspace) {
    let s = &engine.stats;
    f.add("total_connections_received", s.total_connections_received.load(Ordering::Relaxed));
    f.add("total_commands_processed", ks.stats.total_commands_processed);
    f.add("total_net_input_bytes", s.total_net_input_bytes.load(Ordering::Relaxed));
    f.add("total_net_output_bytes", s.total_net_output_bytes.load(Ordering::Relaxed));
    f.add("rejected_connections", s.rejected_connections.load(Ordering::Relaxed));
    f.add("expired_keys", ks.stats.expired_keys);
    f.add("evicted_keys", ks.stats.evicted_keys);
    f.add("keyspace_hits", ks.stats.keyspace_hits);
    f.add("keyspace_misses", ks.stats.keyspace_misses);
    let (channels, patterns, shard_channels) = ks.pubsub.counts();
    f.add("pubsub_channels", channels);
    f.add("pubsub_patterns", patterns);
    f.add("pubsubshard_channels", shard_channels);
    let (keys, items, prefixes) = ks.tracking.totals();
    f.add("tracking_total_keys", keys);
    f.add("tracking_total_items", items);
    f.add("tracking_total_prefixes", prefixes);
    f.add("expire_cycle_cpu_milliseconds", ks.stats.expire_cycle_cpu_micros / 1000);
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

fn keyspace(f: &mut Fields, ks: &Keyspace) {
    for (i, db) in ks.dbs.iter().enumerate() {
        if !db.is_empty() {
            f.add(&format!("db{i}"), format!("keys={},expires={},avg_ttl=0", db.len(), db.expires.len()));
        }
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
