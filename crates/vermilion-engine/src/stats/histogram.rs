//! A latency histogram in nanoseconds with two significant digits, laid out as HdrHistogram
//! lays out Redis's per-command histograms, so percentiles and buckets read the same.
//!
//! Values below 256 ns are counted exactly; above, each power-of-two range is cut into 128
//! equal steps (under 1% apart). Values are clamped to 1 ns ..= 1 s, Redis's range.

/// Sub-buckets per power of two above the first linear range: two significant digits.
const HALF: usize = 128;
/// The exact range at the bottom.
const LINEAR: u64 = 256;
const MAX_NS: u64 = 1_000_000_000;
/// Counters needed to reach `MAX_NS` (2^29 < 1e9 < 2^30).
const SLOTS: usize = LINEAR as usize + 22 * HALF;

pub struct Histogram {
    counts: Box<[u64; SLOTS]>,
    total: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { counts: Box::new([0; SLOTS]), total: 0 }
    }
}

impl Histogram {
    pub fn record(&mut self, ns: u64) {
        self.counts[slot_of(ns.clamp(1, MAX_NS))] += 1;
        self.total += 1;
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// The value at `percentile` (0-100), as the highest value its slot stands for (what
    /// HdrHistogram reports).
    pub fn value_at_percentile(&self, percentile: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let wanted = ((percentile / 100.0 * self.total as f64 + 0.5) as u64).clamp(1, self.total);
        let mut seen = 0;
        for (slot, &count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= wanted {
                return highest_of(slot);
            }
        }
        highest_of(SLOTS - 1)
    }

    /// Cumulative counts at power-of-two bounds starting at 1024 ns, as (bound in ns, count),
    /// leaving out bounds that add nothing (Redis's `LATENCY HISTOGRAM` buckets).
    pub fn cumulative_buckets(&self) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let (mut bound, mut seen, mut slot) = (1024u64, 0u64, 0usize);
        while seen < self.total {
            let before = seen;
            while slot < SLOTS && highest_of(slot) <= bound {
                seen += self.counts[slot];
                slot += 1;
            }
            if seen > before {
                out.push((bound, seen));
            }
            bound *= 2;
        }
        out
    }
}

fn slot_of(ns: u64) -> usize {
    if ns < LINEAR {
        return ns as usize;
    }
    // The power-of-two range above the linear one, and the step within it.
    let shift = (63 - ns.leading_zeros()) as usize - 7;
    let step = (ns >> shift) as usize - HALF;
    LINEAR as usize + (shift - 1) * HALF + step
}

fn highest_of(slot: usize) -> u64 {
    if slot < LINEAR as usize {
        return slot as u64;
    }
    let shift = (slot - LINEAR as usize) / HALF + 1;
    let step = ((slot - LINEAR as usize) % HALF + HALF) as u64;
    (step << shift) + (1 << shift) - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_hdr_rounding() {
        let mut h = Histogram::default();
        h.record(6000);
        // Redis prints 6.015 for a single 6 µs call.
        assert_eq!(h.value_at_percentile(50.0), 6015);
        h.record(1000);
        assert_eq!(h.value_at_percentile(1.0), 1003);
        assert_eq!(h.value_at_percentile(100.0), 6015);
    }

    #[test]
    fn slots_are_monotonic_and_cover_the_range() {
        let mut last = 0;
        for ns in (1..MAX_NS).step_by(9_973) {
            let slot = slot_of(ns);
            assert!(slot >= last && slot < SLOTS);
            assert!(highest_of(slot) >= ns);
            last = slot;
        }
        assert!(slot_of(MAX_NS) < SLOTS);
    }

    #[test]
    fn buckets_are_cumulative() {
        let mut h = Histogram::default();
        for ns in [900, 1000, 6000, 6000, 70_000] {
            h.record(ns);
        }
        assert_eq!(h.cumulative_buckets(), vec![(1024, 2), (8192, 4), (131_072, 5)]);
    }
}
