//! The sparse encoding: run-length opcodes over the registers, in index order.
//!
//! - `ZERO`  `00xxxxxx` — 1 to 64 registers at zero;
//! - `XZERO` `01xxxxxx yyyyyyyy` — 1 to 16384 registers at zero (14-bit length, big-endian);
//! - `VAL`   `1vvvvvxx` — 1 to 4 registers holding a value from 1 to 32.
//!
//! Updates edit the opcode string in place the way Redis's `hllSparseSet` does, so the bytes stay
//! identical to what Redis would store for the same additions.

use std::fmt::Write as _;

use super::{Corrupt, HEADER_LEN, REGISTERS};

const ZERO_MAX_LEN: usize = 64;
const XZERO_MAX_LEN: usize = 16384;
const VAL_MAX_LEN: usize = 4;
const VAL_MAX_VALUE: u8 = 32;
/// After an update, how many opcodes from the one before the change are checked for
/// mergeable neighbours.
const MERGE_SCAN_OPCODES: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Zero(usize),
    XZero(usize),
    Val { value: u8, len: usize },
}

impl Op {
    /// Decodes the opcode at `pos`. A long zero run cut short by the end of the string reads its
    /// missing second byte as 0, as Redis (reading its string terminator) does.
    fn at(bytes: &[u8], pos: usize) -> Op {
        let byte = bytes[pos];
        match byte >> 6 {
            0b00 => Op::Zero(usize::from(byte & 0x3f) + 1),
            0b01 => {
                let low = bytes.get(pos + 1).copied().unwrap_or(0);
                Op::XZero((usize::from(byte & 0x3f) << 8 | usize::from(low)) + 1)
            }
            _ => Op::Val { value: ((byte >> 2) & 0x1f) + 1, len: usize::from(byte & 0x03) + 1 },
        }
    }

    /// A run of `len` zero registers, in the shortest opcode that holds it.
    fn zeros(len: usize) -> Op {
        if len > ZERO_MAX_LEN {
            Op::XZero(len)
        } else {
            Op::Zero(len)
        }
    }

    /// Bytes the opcode takes.
    fn width(self) -> usize {
        match self {
            Op::XZero(_) => 2,
            _ => 1,
        }
    }

    /// Registers the opcode covers.
    fn span(self) -> usize {
        match self {
            Op::Zero(len) | Op::XZero(len) | Op::Val { len, .. } => len,
        }
    }

    fn encode(self, out: &mut Vec<u8>) {
        match self {
            Op::Zero(len) => out.push((len - 1) as u8),
            Op::XZero(len) => {
                let stored = len - 1;
                out.push(0x40 | (stored >> 8) as u8);
                out.push((stored & 0xff) as u8);
            }
            Op::Val { value, len } => out.push(0x80 | (value - 1) << 2 | (len - 1) as u8),
        }
    }
}

/// Appends the opcodes of an HLL with every register at zero.
pub fn append_empty(out: &mut Vec<u8>) {
    let mut left = REGISTERS;
    while left > 0 {
        let run = left.min(XZERO_MAX_LEN);
        Op::XZero(run).encode(out);
        left -= run;
    }
}

/// Calls `f(first_register, len, value)` for each run; the runs must cover exactly the registers.
pub fn for_each_run(opcodes: &[u8], mut f: impl FnMut(usize, usize, u8)) -> Result<(), Corrupt> {
    let mut pos = 0;
    let mut index = 0;
    while pos < opcodes.len() {
        let op = Op::at(opcodes, pos);
        let value = match op {
            Op::Val { value, .. } => value,
            _ => 0,
        };
        if index + op.span() > REGISTERS {
            return Err(Corrupt);
        }
        f(index, op.span(), value);
        index += op.span();
        pos += op.width();
    }
    if index == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// What [`set`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOutcome {
    /// The register already held that much.
    Unchanged,
    Updated,
    /// The value does not fit a VAL opcode, or the HLL would outgrow `max_bytes`: the caller
    /// converts to dense and sets the register there. Nothing was changed.
    NeedsDense,
}

/// Where the opcode covering a register sits.
struct Located {
    pos: usize,
    /// The first register the opcode covers.
    first: usize,
    /// The opcode before it, if any.
    previous: Option<usize>,
}

fn locate(hll: &[u8], index: usize) -> Option<Located> {
    let mut pos = HEADER_LEN;
    let mut first = 0;
    let mut previous = None;
    while pos < hll.len() {
        let op = Op::at(hll, pos);
        if index < first + op.span() {
            return (pos + op.width() <= hll.len()).then_some(Located { pos, first, previous });
        }
        previous = Some(pos);
        pos += op.width();
        first += op.span();
    }
    None
}

/// Raises register `index` to `count` in the sparse HLL `hll` (header included), splitting the
/// opcode that covers it and then merging equal neighbours.
pub fn set(hll: &mut Vec<u8>, index: usize, count: u8, max_bytes: usize) -> Result<SetOutcome, Corrupt> {
    if count > VAL_MAX_VALUE {
        return Ok(SetOutcome::NeedsDense);
    }
    let Located { pos, first, previous } = locate(hll, index).ok_or(Corrupt)?;
    let op = Op::at(hll, pos);
    let last = first + op.span() - 1;
    let new_val = Op::Val { value: count, len: 1 };
    let mut replacement = Vec::with_capacity(5);
    match op {
        Op::Val { value, .. } if value >= count => return Ok(SetOutcome::Unchanged),
        Op::Val { len: 1, .. } | Op::Zero(1) => new_val.encode(&mut replacement),
        Op::Zero(_) | Op::XZero(_) => {
            split_around(index, first, last, Op::zeros, new_val, &mut replacement);
        }
        Op::Val { value, .. } => {
            split_around(index, first, last, |len| Op::Val { value, len }, new_val, &mut replacement);
        }
    }
    let growth = replacement.len().saturating_sub(op.width());
    if growth > 0 && hll.len() + growth > max_bytes {
        return Ok(SetOutcome::NeedsDense);
    }
    hll.splice(pos..pos + op.width(), replacement);
    merge_equal_values(hll, previous.unwrap_or(HEADER_LEN));
    Ok(SetOutcome::Updated)
}

/// Encodes a run covering `first..=last` with register `index` replaced by `middle`: the part
/// before it, `middle`, and the part after it (each side only if not empty).
fn split_around(index: usize, first: usize, last: usize, run: impl Fn(usize) -> Op, middle: Op, out: &mut Vec<u8>) {
    if index != first {
        run(index - first).encode(out);
    }
    middle.encode(out);
    if index != last {
        run(last - index).encode(out);
    }
}

/// Merges adjacent VAL opcodes of the same value while their runs fit one opcode, scanning a few
/// opcodes from `pos` (the change cannot have made any other pair mergeable).
fn merge_equal_values(hll: &mut Vec<u8>, mut pos: usize) {
    for _ in 0..MERGE_SCAN_OPCODES {
        if pos >= hll.len() {
            return;
        }
        let Op::Val { value, len } = Op::at(hll, pos) else {
            pos += Op::at(hll, pos).width();
            continue;
        };
        if pos + 1 < hll.len() {
            if let Op::Val { value: next_value, len: next_len } = Op::at(hll, pos + 1) {
                if next_value == value && len + next_len <= VAL_MAX_LEN {
                    let mut merged = Vec::with_capacity(1);
                    Op::Val { value, len: len + next_len }.encode(&mut merged);
                    hll.splice(pos..pos + 2, merged);
                    // Stay here: the merged run may merge again with the one after it.
                    continue;
                }
            }
        }
        pos += 1;
    }
}

/// The opcodes as `PFDEBUG DECODE` prints them.
pub fn describe(opcodes: &[u8]) -> String {
    let mut out = String::new();
    let mut pos = 0;
    while pos < opcodes.len() {
        let op = Op::at(opcodes, pos);
        let _ = match op {
            Op::Zero(len) => write!(out, "z:{len} "),
            Op::XZero(len) => write!(out, "Z:{len} "),
            Op::Val { value, len } => write!(out, "v:{value},{len} "),
        };
        pos += op.width();
    }
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> Vec<u8> {
        let mut hll = vec![0; HEADER_LEN];
        append_empty(&mut hll);
        hll
    }

    #[test]
    fn opcodes_round_trip() {
        for op in [Op::Zero(1), Op::Zero(64), Op::XZero(65), Op::XZero(16384), Op::Val { value: 32, len: 4 }, Op::Val { value: 1, len: 1 }] {
            let mut bytes = Vec::new();
            op.encode(&mut bytes);
            assert_eq!(Op::at(&bytes, 0), op);
            assert_eq!(bytes.len(), op.width());
        }
    }

    #[test]
    fn splits_and_merges_like_redis() {
        let mut hll = empty();
        assert_eq!(set(&mut hll, 100, 3, 3000), Ok(SetOutcome::Updated));
        assert_eq!(describe(&hll[HEADER_LEN..]), "Z:100 v:3,1 Z:16283");
        assert_eq!(set(&mut hll, 101, 3, 3000), Ok(SetOutcome::Updated));
        assert_eq!(describe(&hll[HEADER_LEN..]), "Z:100 v:3,2 Z:16282");
        assert_eq!(set(&mut hll, 101, 2, 3000), Ok(SetOutcome::Unchanged));
        assert_eq!(set(&mut hll, 0, 1, 3000), Ok(SetOutcome::Updated));
        assert_eq!(describe(&hll[HEADER_LEN..]), "v:1,1 Z:99 v:3,2 Z:16282");
        assert_eq!(set(&mut hll, 100, 5, 3000), Ok(SetOutcome::Updated));
        assert_eq!(describe(&hll[HEADER_LEN..]), "v:1,1 Z:99 v:5,1 v:3,1 Z:16282");
        assert_eq!(set(&mut hll, 5, 33, 3000), Ok(SetOutcome::NeedsDense));
        let full = hll.len();
        assert_eq!(set(&mut hll, 5000, 4, full), Ok(SetOutcome::NeedsDense));
        assert!(for_each_run(&hll[HEADER_LEN..], |_, _, _| {}).is_ok());
        assert_eq!(for_each_run(&[0x00], |_, _, _| {}), Err(Corrupt));
    }
}
