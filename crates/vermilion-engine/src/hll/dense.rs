//! The dense encoding: 16384 six-bit registers packed from the least significant bit of each
//! byte upwards, a register spilling into the next byte where it must.

pub const REGISTER_BITS: usize = 6;
const REGISTER_MAX: u16 = (1 << REGISTER_BITS) - 1;

/// The byte a register starts in and its first bit there.
fn position(index: usize) -> (usize, u32) {
    let bit = index * REGISTER_BITS;
    (bit / 8, (bit % 8) as u32)
}

pub fn read(registers: &[u8], index: usize) -> u8 {
    let (byte, shift) = position(index);
    // The last register never reaches past its byte, so a missing next byte reads as zero.
    let pair = u16::from(registers[byte]) | u16::from(registers.get(byte + 1).copied().unwrap_or(0)) << 8;
    ((pair >> shift) & REGISTER_MAX) as u8
}

pub fn write(registers: &mut [u8], index: usize, value: u8) {
    let (byte, shift) = position(index);
    let mask = REGISTER_MAX << shift;
    let bits = u16::from(value) << shift;
    registers[byte] = (registers[byte] & !(mask as u8)) | bits as u8;
    if mask > 0xff {
        let next = &mut registers[byte + 1];
        *next = (*next & !((mask >> 8) as u8)) | (bits >> 8) as u8;
    }
}

/// Sets register `index` to `value` if that raises it; returns whether it did.
pub fn raise(registers: &mut [u8], index: usize, value: u8) -> bool {
    let grows = value > read(registers, index);
    if grows {
        write(registers, index, value);
    }
    grows
}

/// Counts registers by value, four registers (three bytes) at a time.
pub fn histogram(registers: &[u8], histogram: &mut [u32; 64]) {
    for group in registers.chunks_exact(3) {
        let packed = u32::from(group[0]) | u32::from(group[1]) << 8 | u32::from(group[2]) << 16;
        for shift in [0, 6, 12, 18] {
            histogram[((packed >> shift) & 0x3f) as usize] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_do_not_disturb_neighbours() {
        let mut registers = vec![0u8; 16384 * REGISTER_BITS / 8];
        for index in 0..16384 {
            write(&mut registers, index, (index % 64) as u8);
        }
        for index in 0..16384 {
            assert_eq!(read(&registers, index), (index % 64) as u8, "register {index}");
        }
        // Redis's layout: register 1 holds the top two bits of byte 0 and the low four of byte 1.
        let mut small = vec![0u8; 3];
        write(&mut small, 1, 0b111111);
        assert_eq!(small, [0b1100_0000, 0b0000_1111, 0]);
        let mut counts = [0u32; 64];
        histogram(&registers, &mut counts);
        assert!(counts.iter().all(|&c| c == 256));
        assert!(!raise(&mut registers, 5, 3));
        assert!(raise(&mut registers, 5, 6));
    }
}
