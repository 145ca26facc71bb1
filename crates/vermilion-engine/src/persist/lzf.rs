//! LZF, for RDB strings Redis stores compressed (`rdbcompression yes`).
//!
//! The stream is a series of runs, each led by a control byte: below 32 it is a literal run of
//! `ctrl + 1` bytes; otherwise a back-reference of `(ctrl >> 5) + 2` bytes (a length of 7 takes
//! an extra byte) at a distance built from the low five bits and the next byte.

use std::cell::RefCell;

use super::{BadData, Decoded};

/// Literal runs hold at most 32 bytes; back-references reach 8 KiB back and copy up to 264 bytes.
const MAX_LITERAL: usize = 32;
const MAX_DISTANCE: usize = 1 << 13;
const MAX_MATCH: usize = (1 << 3) + (1 << 8);
/// Bits of the table of last positions seen per 3-byte prefix.
const HASH_BITS: u32 = 13;

thread_local! {
    /// Last position per prefix hash. Reused across calls without clearing: an entry left over
    /// from another input is only a candidate, checked against the bytes before use.
    static LAST_SEEN: RefCell<Vec<u32>> = RefCell::new(vec![0; 1 << HASH_BITS]);
}

fn prefix_hash(bytes: &[u8]) -> usize {
    let prefix = u32::from(bytes[0]) | u32::from(bytes[1]) << 8 | u32::from(bytes[2]) << 16;
    (prefix.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
}

/// Compresses `input` into at most `limit` bytes; `None` when it does not fit (incompressible
/// data is then stored raw, as Redis does).
pub fn compress(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    LAST_SEEN.with_borrow_mut(|last_seen| {
        let mut out = Vec::with_capacity(limit.min(input.len()));
        let mut literal_start = 0;
        let mut ip = 0;
        while ip + 2 < input.len() {
            let slot = &mut last_seen[prefix_hash(&input[ip..])];
            let candidate = *slot as usize;
            *slot = ip as u32;
            let matches = candidate < ip && ip - candidate <= MAX_DISTANCE && input[candidate..candidate + 3] == input[ip..ip + 3];
            if !matches {
                ip += 1;
                continue;
            }
            push_literals(&mut out, &input[literal_start..ip]);
            let longest = (input.len() - ip).min(MAX_MATCH);
            let mut len = 3;
            while len < longest && input[candidate + len] == input[ip + len] {
                len += 1;
            }
            push_back_reference(&mut out, len, ip - candidate - 1);
            if out.len() > limit {
                return None;
            }
            ip += len;
            literal_start = ip;
        }
        push_literals(&mut out, &input[literal_start..]);
        (out.len() <= limit).then_some(out)
    })
}

fn push_literals(out: &mut Vec<u8>, mut literals: &[u8]) {
    while !literals.is_empty() {
        let run = literals.len().min(MAX_LITERAL);
        out.push((run - 1) as u8);
        out.extend_from_slice(&literals[..run]);
        literals = &literals[run..];
    }
}

/// A copy of `len` (3..=264) bytes from `offset + 1` bytes back.
fn push_back_reference(out: &mut Vec<u8>, len: usize, offset: usize) {
    let stored = len - 2;
    let high = (offset >> 8) as u8;
    if stored < 7 {
        out.push((stored as u8) << 5 | high);
    } else {
        out.extend_from_slice(&[7 << 5 | high, (stored - 7) as u8]);
    }
    out.push(offset as u8);
}

/// Expands `input` into exactly `expected_len` bytes, or fails on a malformed stream.
pub fn decompress(input: &[u8], expected_len: usize) -> Decoded<Vec<u8>> {
    let mut out = Vec::with_capacity(expected_len.min(input.len().saturating_mul(64)));
    let mut ip = 0;
    while ip < input.len() {
        let ctrl = usize::from(input[ip]);
        ip += 1;
        if ctrl < 32 {
            let run = input.get(ip..ip + ctrl + 1).ok_or(BadData)?;
            out.extend_from_slice(run);
            ip += ctrl + 1;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                len += usize::from(*input.get(ip).ok_or(BadData)?);
                ip += 1;
            }
            let low = usize::from(*input.get(ip).ok_or(BadData)?);
            ip += 1;
            let distance = ((ctrl & 0x1f) << 8) + low + 1;
            let start = out.len().checked_sub(distance).ok_or(BadData)?;
            // The source may overlap what is being written, so copy byte by byte.
            for i in 0..len + 2 {
                out.push(out[start + i]);
            }
        }
        if out.len() > expected_len {
            return Err(BadData);
        }
    }
    if out.len() == expected_len { Ok(out) } else { Err(BadData) }
}

#[cfg(test)]
mod tests {
    use super::{compress, decompress};

    #[test]
    fn compressed_text_expands_back() {
        let samples: [Vec<u8>; 4] = [
            b"abcabcabcabcabcabcabcabcabcabcabcabc".to_vec(),
            b"the quick brown fox jumps over the lazy dog; the quick brown fox again".repeat(50),
            vec![b'x'; 100_000],
            (0..20_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect(),
        ];
        for input in samples {
            let packed = compress(&input, input.len() - 4).expect("compressible");
            assert!(packed.len() < input.len());
            assert_eq!(decompress(&packed, input.len()).unwrap(), input);
        }
    }

    #[test]
    fn incompressible_input_does_not_fit() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        assert!(compress(&noise, noise.len() - 4).is_none());
    }

    #[test]
    fn literal_and_back_reference() {
        // "abc" literal, then a 6-byte back-reference at distance 3: "abcabcabc".
        let stream = [2, b'a', b'b', b'c', (4 << 5), 2];
        assert_eq!(decompress(&stream, 9).unwrap(), b"abcabcabc");
    }

    #[test]
    fn malformed_streams_fail() {
        assert!(decompress(&[5, b'a'], 6).is_err());
        assert!(decompress(&[(1 << 5), 9], 3).is_err());
        assert!(decompress(&[0, b'a'], 2).is_err());
    }
}
