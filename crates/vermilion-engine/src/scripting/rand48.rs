//! Redis's script PRNG (`redisLrand48`): the 48-bit linear congruential generator of POSIX
//! `lrand48`. As in Redis 7, it is seeded with 0 once, when the interpreter starts, and its
//! sequence then runs on across scripts; `math.randomseed` restarts it.

use std::sync::atomic::{AtomicU64, Ordering};

const MULTIPLIER: u64 = 0x5_DEEC_E66D;
const INCREMENT: u64 = 0xB;
const MASK_48: u64 = (1 << 48) - 1;
/// The low 16 bits every seed is completed with.
const SEED_LOW: u64 = 0x330E;
/// `REDIS_LRAND48_MAX`: the generator yields 31-bit values.
pub const LRAND48_MAX: u64 = i32::MAX as u64;

/// The generator's 48-bit state, shared by `math.random` and `math.randomseed`.
#[derive(Default)]
pub struct Rand48 {
    state: AtomicU64,
}

impl Rand48 {
    /// `redisSrand48(seed)`.
    pub fn seed(&self, seed: i32) {
        let high = u64::from(seed as u32);
        self.state.store(((high << 16) | SEED_LOW) & MASK_48, Ordering::Relaxed);
    }

    /// `redisLrand48()`: the next 31-bit value.
    pub fn next(&self) -> u64 {
        let next = (self.state.load(Ordering::Relaxed).wrapping_mul(MULTIPLIER).wrapping_add(INCREMENT)) & MASK_48;
        self.state.store(next, Ordering::Relaxed);
        next >> 17
    }

    /// A number in [0, 1), as Redis's `math.random` computes it.
    pub fn next_fraction(&self) -> f64 {
        (self.next() % LRAND48_MAX) as f64 / LRAND48_MAX as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_zero_matches_redis_first_draw() {
        let rng = Rand48::default();
        rng.seed(0);
        // Redis 7: `EVAL "return tostring(math.random())" 0` answers 0.17082803611217.
        let first = rng.next_fraction();
        assert_eq!(format!("{first:.14}"), "0.17082803611217");
    }
}
