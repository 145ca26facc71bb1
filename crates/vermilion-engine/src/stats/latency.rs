//! The latency monitor: for each event class (`command`, `fast-command`, `expire-cycle`...), the
//! spikes over `latency-monitor-threshold`, one sample per second, the latest 160 kept.

use std::collections::{BTreeMap, VecDeque};

/// Samples kept per event (Redis's `LATENCY_TS_LEN`).
const SAMPLES: usize = 160;

#[derive(Clone, Copy)]
pub struct Sample {
    /// Unix time in seconds.
    pub time: i64,
    pub latency_ms: u64,
}

#[derive(Default)]
pub struct EventSeries {
    /// Oldest first.
    pub samples: VecDeque<Sample>,
    /// The worst latency seen since the event was (re)created.
    pub max_ms: u64,
}

#[derive(Default)]
pub struct LatencyMonitor {
    pub events: BTreeMap<String, EventSeries>,
}

impl LatencyMonitor {
    /// Records a spike; several in the same second keep the worst.
    pub fn add(&mut self, event: &str, latency_ms: u64, now_s: i64) {
        let series = match self.events.get_mut(event) {
            Some(series) => series,
            None => self.events.entry(event.to_string()).or_default(),
        };
        series.max_ms = series.max_ms.max(latency_ms);
        if let Some(last) = series.samples.back_mut() {
            if last.time == now_s {
                last.latency_ms = last.latency_ms.max(latency_ms);
                return;
            }
        }
        if series.samples.len() == SAMPLES {
            series.samples.pop_front();
        }
        series.samples.push_back(Sample { time: now_s, latency_ms });
    }

    /// Forgets the named events (every event for none); returns how many were forgotten.
    pub fn reset(&mut self, events: &[String]) -> usize {
        if events.is_empty() {
            let count = self.events.len();
            self.events.clear();
            return count;
        }
        events.iter().filter(|event| self.events.remove(event.as_str()).is_some()).count()
    }

    /// LATENCY DOCTOR's report, in Redis's words.
    pub fn doctor(&self) -> String {
        if self.events.is_empty() {
            return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the \
                    slightest bit. I honestly think you ought to sleep tonight.\n"
                .to_string();
        }
        let mut report = String::from(
            "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n",
        );
        for (number, (name, series)) in self.events.iter().enumerate() {
            let count = series.samples.len().max(1) as u64;
            let sum: u64 = series.samples.iter().map(|s| s.latency_ms).sum();
            let avg = sum / count;
            let mad = series.samples.iter().map(|s| s.latency_ms.abs_diff(avg)).sum::<u64>() / count;
            let span = match (series.samples.front(), series.samples.back()) {
                (Some(first), Some(last)) if series.samples.len() > 1 => (last.time - first.time) as f64 / (series.samples.len() - 1) as f64,
                _ => 1.0,
            };
            report.push_str(&format!(
                "{}. {name}: {} latency spikes (average {avg}ms, mean deviation {mad}ms, period {span:.2} sec). Worst all time event {}ms.\n",
                number + 1,
                series.samples.len(),
                series.max_ms,
            ));
        }
        report.push_str("\nI have a few advices for you:\n\n");
        if self.events.keys().any(|name| name == "command" || name == "fast-command") {
            report.push_str(
                "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. \
                 Please check https://redis.io/commands/slowlog for more information.\n",
            );
        }
        if self.events.keys().any(|name| name.starts_with("expire")) {
            report.push_str(
                "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. \
                 If you have very large objects that are often deleted, expired, or evicted, try to fragment those \
                 objects into multiple smaller objects.\n",
            );
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sample_per_second_keeps_the_worst() {
        let mut monitor = LatencyMonitor::default();
        monitor.add("command", 5, 100);
        monitor.add("command", 9, 100);
        monitor.add("command", 3, 101);
        let series = &monitor.events["command"];
        assert_eq!(series.samples.len(), 2);
        assert_eq!(series.samples[0].latency_ms, 9);
        assert_eq!(series.max_ms, 9);
        assert_eq!(monitor.reset(&["nope".into(), "command".into()]), 1);
        assert!(monitor.doctor().contains("no latency spike"));
    }
}
