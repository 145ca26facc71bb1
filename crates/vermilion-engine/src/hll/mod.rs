//! Redis's HyperLogLog, byte for byte: an HLL is a plain string value, so one copied out of
//! Redis (GET, then SET here) keeps working, and the same elements give the same estimate.
//!
//! Layout: a 16-byte header — `HYLL`, the encoding (0 dense, 1 sparse), three unused bytes, and
//! the last computed cardinality as a little-endian `u64` whose top bit marks it stale — then the
//! registers: 16384 six-bit registers packed little-endian (`dense`), or run-length opcodes
//! (`sparse`) while few registers are set.
//!
//! Elements are hashed with MurmurHash64A; the low 14 bits pick a register, and the run of zero
//! bits above them (plus one) is the value the register keeps the maximum of. The estimate is
//! Otmar Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog
//! sketches", arXiv:1702.01284), as Redis ≥ 5 computes it.

mod dense;
pub mod self_test;
mod sparse;

/// Bits of the hash that index a register.
const P: u32 = 14;
/// Bits of the hash left to count zeros in.
const Q: usize = 64 - P as usize;
/// The number of registers.
pub const REGISTERS: usize = 1 << P;
pub const HEADER_LEN: usize = 16;
/// The length of a dense HLL: header plus 16384 × 6 bits.
pub const DENSE_LEN: usize = HEADER_LEN + REGISTERS * dense::REGISTER_BITS / 8;
/// `hll-sparse-max-bytes`' default: a sparse HLL that would grow past this turns dense, since
/// updating long opcode strings costs more than the memory saved.
pub const SPARSE_MAX_BYTES: usize = 3000;

const MAGIC: &[u8; 4] = b"HYLL";
const ENCODING_AT: usize = 4;
const CARDINALITY_AT: usize = 8;
/// The top bit of the cached cardinality's last byte: set while the cache is stale.
const STALE_CACHE_BIT: u8 = 0x80;
const HASH_SEED: u64 = 0xadc83b19;
/// 1 / (2 ln 2), the estimator's bias constant for an infinite number of registers.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Dense,
    Sparse,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Dense => "dense",
            Encoding::Sparse => "sparse",
        }
    }
}

/// A sparse HLL whose opcodes do not describe exactly the 16384 registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

/// A new, empty HLL (sparse, with a valid cached cardinality of 0).
pub fn new() -> Vec<u8> {
    let mut hll = vec![0; HEADER_LEN];
    hll[..4].copy_from_slice(MAGIC);
    hll[ENCODING_AT] = 1;
    sparse::append_empty(&mut hll);
    hll
}

/// The encoding of a string that passes Redis's HLL checks (magic, a known encoding, the exact
/// length of a dense one), or `None` for any other string. Sparse opcodes are only checked when
/// they are walked.
pub fn encoding(bytes: &[u8]) -> Option<Encoding> {
    if bytes.len() < HEADER_LEN || &bytes[..4] != MAGIC {
        return None;
    }
    match bytes[ENCODING_AT] {
        0 if bytes.len() == DENSE_LEN => Some(Encoding::Dense),
        1 => Some(Encoding::Sparse),
        _ => None,
    }
}

/// The cached cardinality, if the HLL has not changed since it was computed.
pub fn cached_cardinality(hll: &[u8]) -> Option<u64> {
    let cache: [u8; 8] = hll[CARDINALITY_AT..HEADER_LEN].try_into().unwrap();
    (cache[7] & STALE_CACHE_BIT == 0).then(|| u64::from_le_bytes(cache))
}

pub fn cache_cardinality(hll: &mut [u8], cardinality: u64) {
    hll[CARDINALITY_AT..HEADER_LEN].copy_from_slice(&cardinality.to_le_bytes());
}

pub fn invalidate_cache(hll: &mut [u8]) {
    hll[HEADER_LEN - 1] |= STALE_CACHE_BIT;
}

/// Adds an element; returns whether a register grew (the estimate may have changed).
pub fn add(hll: &mut Vec<u8>, element: &[u8]) -> Result<bool, Corrupt> {
    let (index, count) = register_and_count(element);
    set_register(hll, index, count)
}

/// Raises register `index` to `count` if it is lower; returns whether it grew. A sparse HLL
/// turns dense when `count` does not fit its opcodes or it would grow too long.
pub fn set_register(hll: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    let grew = match encoding(hll) {
        Some(Encoding::Sparse) => match sparse::set(hll, index, count, SPARSE_MAX_BYTES)? {
            sparse::SetOutcome::Unchanged => false,
            sparse::SetOutcome::Updated => true,
            sparse::SetOutcome::NeedsDense => {
                to_dense(hll)?;
                dense::raise(&mut hll[HEADER_LEN..], index, count)
            }
        },
        _ => dense::raise(&mut hll[HEADER_LEN..], index, count),
    };
    if grew {
        invalidate_cache(hll);
    }
    Ok(grew)
}

/// Converts a sparse HLL to the dense encoding, keeping the header (cache included). Returns
/// whether it was sparse.
pub fn to_dense(hll: &mut Vec<u8>) -> Result<bool, Corrupt> {
    if encoding(hll) != Some(Encoding::Sparse) {
        return Ok(false);
    }
    let mut converted = vec![0; DENSE_LEN];
    converted[..HEADER_LEN].copy_from_slice(&hll[..HEADER_LEN]);
    converted[ENCODING_AT] = 0;
    let registers = &mut converted[HEADER_LEN..];
    sparse::for_each_run(&hll[HEADER_LEN..], |first, len, value| {
        if value != 0 {
            for index in first..first + len {
                dense::write(registers, index, value);
            }
        }
    })?;
    *hll = converted;
    Ok(true)
}

/// Raises each of `max`'s registers to the HLL's, for unions (PFCOUNT of several keys, PFMERGE).
pub fn merge_into(max: &mut [u8; REGISTERS], hll: &[u8]) -> Result<(), Corrupt> {
    match encoding(hll) {
        Some(Encoding::Sparse) => sparse::for_each_run(&hll[HEADER_LEN..], |first, len, value| {
            for slot in &mut max[first..first + len] {
                *slot = (*slot).max(value);
            }
        }),
        _ => {
            for (index, slot) in max.iter_mut().enumerate() {
                *slot = (*slot).max(dense::read(&hll[HEADER_LEN..], index));
            }
            Ok(())
        }
    }
}

/// Every register's value, in index order.
pub fn registers(hll: &[u8]) -> Result<Vec<u8>, Corrupt> {
    let mut values = [0u8; REGISTERS];
    merge_into(&mut values, hll)?;
    Ok(values.to_vec())
}

/// The estimated cardinality of an HLL (ignoring its cache).
pub fn cardinality(hll: &[u8]) -> Result<u64, Corrupt> {
    let mut histogram = [0u32; 64];
    match encoding(hll) {
        Some(Encoding::Sparse) => sparse::for_each_run(&hll[HEADER_LEN..], |_, len, value| {
            histogram[usize::from(value)] += len as u32;
        })?,
        _ => dense::histogram(&hll[HEADER_LEN..], &mut histogram),
    }
    Ok(estimate(&histogram))
}

/// The estimated cardinality of plain one-byte registers (a union being counted).
pub fn registers_cardinality(registers: &[u8; REGISTERS]) -> u64 {
    let mut histogram = [0u32; 64];
    for &value in registers {
        histogram[usize::from(value)] += 1;
    }
    estimate(&histogram)
}

/// The opcodes of a sparse HLL in Redis's `PFDEBUG DECODE` notation (`z:` zero run, `Z:` long
/// zero run, `v:value,len`), or `None` for a dense one.
pub fn describe_sparse(hll: &[u8]) -> Option<String> {
    (encoding(hll) == Some(Encoding::Sparse)).then(|| sparse::describe(&hll[HEADER_LEN..]))
}

/// The register an element lands in and the value it offers: the number of zero bits above the
/// index bits before the first one, plus one (at most `Q + 1`).
fn register_and_count(element: &[u8]) -> (usize, u8) {
    let hash = murmur_hash_64a(element, HASH_SEED);
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    let pattern = (hash >> P) | (1 << Q);
    (index, pattern.trailing_zeros() as u8 + 1)
}

/// MurmurHash64A, reading 8-byte blocks little-endian whatever the platform, as Redis does.
fn murmur_hash_64a(data: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (data.len() as u64).wrapping_mul(M);
    let mut blocks = data.chunks_exact(8);
    for block in &mut blocks {
        let mut k = u64::from_le_bytes(block.try_into().unwrap());
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        for (i, &byte) in tail.iter().enumerate() {
            h ^= u64::from(byte) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^ (h >> R)
}

/// Ertl's estimator from the histogram of register values. The floating-point steps follow
/// Redis's order exactly, so the rounded result is the same number.
fn estimate(histogram: &[u32; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - f64::from(histogram[Q + 1])) / m);
    for &count in histogram[1..=Q].iter().rev() {
        z += f64::from(count);
        z *= 0.5;
    }
    z += m * sigma(f64::from(histogram[0]) / m);
    (ALPHA_INF * m * m / z).round() as u64
}

/// Ertl's σ(x) = x + Σ x^(2^k) 2^(k-1), summed until it stops changing.
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let previous = z;
        z += x * y;
        y += y;
        if z == previous {
            return z;
        }
    }
}

/// Ertl's τ(x), summed until it stops changing.
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let previous = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
        if z == previous {
            return z / 3.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_land_where_redis_puts_them() {
        // Read back from Redis with PFADD then PFDEBUG DECODE: the tail of one to seven bytes
        // and whole eight-byte blocks both go through the hash.
        assert_eq!(register_and_count(b"a"), (12711, 2));
        assert_eq!(register_and_count(b"b"), (15780, 1));
        assert_eq!(register_and_count(b"hello"), (9216, 1));
        assert_eq!(register_and_count(b"hello world, hello"), (6368, 1));
        assert_eq!(register_and_count(b""), (5938, 2));
    }

    #[test]
    fn empty_hll_is_one_long_zero_run() {
        let hll = new();
        assert_eq!(hll.len(), HEADER_LEN + 2);
        assert_eq!(&hll[HEADER_LEN..], &[0x7f, 0xff]);
        assert_eq!(encoding(&hll), Some(Encoding::Sparse));
        assert_eq!(cached_cardinality(&hll), Some(0));
        assert_eq!(cardinality(&hll), Ok(0));
    }

    #[test]
    fn sparse_and_dense_agree() {
        let mut sparse_hll = new();
        let mut dense_hll = new();
        to_dense(&mut dense_hll).unwrap();
        assert_eq!(dense_hll.len(), DENSE_LEN);
        for i in 0..1500u32 {
            let element = i.to_string();
            assert_eq!(add(&mut sparse_hll, element.as_bytes()), add(&mut dense_hll, element.as_bytes()));
        }
        assert_eq!(encoding(&sparse_hll), Some(Encoding::Sparse));
        assert_eq!(registers(&sparse_hll), registers(&dense_hll));
        assert_eq!(cardinality(&sparse_hll), cardinality(&dense_hll));
        let estimate = cardinality(&dense_hll).unwrap();
        assert!((1450..1550).contains(&estimate), "{estimate}");
        to_dense(&mut sparse_hll).unwrap();
        assert_eq!(&sparse_hll[HEADER_LEN..], &dense_hll[HEADER_LEN..]);
    }

    #[test]
    fn cache_bit_marks_staleness() {
        let mut hll = new();
        invalidate_cache(&mut hll);
        assert_eq!(cached_cardinality(&hll), None);
        cache_cardinality(&mut hll, 1234);
        assert_eq!(cached_cardinality(&hll), Some(1234));
    }
}
