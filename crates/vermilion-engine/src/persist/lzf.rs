//! LZF decompression, for RDB strings Redis stores compressed (`rdbcompression yes`).
//!
//! The stream is a series of runs, each led by a control byte: below 32 it is a literal run of
//! `ctrl + 1` bytes; otherwise a back-reference of `(ctrl >> 5) + 2` bytes (a length of 7 takes
//! an extra byte) at a distance built from the low five bits and the next byte.

use super::{BadData, Decoded};

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
    use super::decompress;

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
