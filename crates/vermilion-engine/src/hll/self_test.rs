//! PFSELFTEST: Redis's own checks of the HLL implementation, runnable from a client.

use rand::Rng;

use super::{add, cardinality, dense, encoding, new, to_dense, Encoding, REGISTERS, SPARSE_MAX_BYTES};

/// Rounds of random register writes read back.
const REGISTER_ROUNDS: usize = 1000;
/// Elements added in the accuracy test; checked at every power of ten.
const ELEMENTS: u64 = 10_000_000;

/// Runs both checks; the error is the text after `TESTFAILED`.
pub fn run(rng: &mut impl Rng) -> Result<(), String> {
    registers_round_trip(rng)?;
    estimates_stay_accurate(rng)
}

/// Random values written to every register must read back unchanged, neighbours untouched.
fn registers_round_trip(rng: &mut impl Rng) -> Result<(), String> {
    let mut registers = vec![0u8; REGISTERS * dense::REGISTER_BITS / 8];
    let mut expected = vec![0u8; REGISTERS];
    for _ in 0..REGISTER_ROUNDS {
        for (index, value) in expected.iter_mut().enumerate() {
            *value = rng.random_range(0..64);
            dense::write(&mut registers, index, *value);
        }
        for (index, &value) in expected.iter().enumerate() {
            let found = dense::read(&registers, index);
            if found != value {
                return Err(format!("Register {index} should be {value} but is {found}"));
            }
        }
    }
    Ok(())
}

/// A dense and a sparse HLL fed the same elements must agree, stay sparse while small, and
/// estimate within six standard errors.
fn estimates_stay_accurate(rng: &mut impl Rng) -> Result<(), String> {
    let mut dense_hll = new();
    to_dense(&mut dense_hll).expect("a new HLL is valid");
    let mut sparse_hll = new();
    let relative_error = 1.04 / (REGISTERS as f64).sqrt();
    let seed: u64 = rng.random();
    let mut checkpoint = 1;
    for j in 1..=ELEMENTS {
        let element = (j ^ seed).to_le_bytes();
        add(&mut dense_hll, &element).expect("valid");
        add(&mut sparse_hll, &element).expect("valid");
        if j != checkpoint {
            continue;
        }
        if j < (SPARSE_MAX_BYTES / 2) as u64 && encoding(&sparse_hll) != Some(Encoding::Sparse) {
            return Err("sparse encoding not used".into());
        }
        let estimate = cardinality(&dense_hll).expect("valid");
        if cardinality(&sparse_hll).expect("valid") != estimate {
            return Err("dense/sparse disagree".into());
        }
        // Collisions make small counts noisy; Redis allows an error of one at ten.
        let max_error = if j == 10 { 1 } else { (relative_error * 6.0 * checkpoint as f64).ceil() as u64 };
        let error = checkpoint.abs_diff(estimate);
        if error > max_error {
            return Err(format!("Too big error. card:{checkpoint} abserr:{error}"));
        }
        checkpoint *= 10;
    }
    Ok(())
}
