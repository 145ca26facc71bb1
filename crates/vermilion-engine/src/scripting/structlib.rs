//! The `struct` library as Redis ships it (Roberto Ierusalimschy's struct.c): `pack`,
//! `unpack` and `size` over a format string, with a 64-bit little-endian platform's C sizes.

use mlua::{Error, Lua, LuaString, MultiValue, Result, Table, Value, Variadic};

/// The largest `iN`/`IN` integer size.
const MAX_INT_SIZE: usize = 32;
/// The default for `!` without a number: the strictest alignment of the platform.
const MAX_ALIGN: usize = 8;

pub fn module(lua: &Lua) -> Result<Table> {
    let module = lua.create_table()?;
    module.raw_set("pack", lua.create_function(pack)?)?;
    module.raw_set("unpack", lua.create_function(unpack)?)?;
    module.raw_set("size", lua.create_function(|_, format: LuaString| size(&format.as_bytes()))?)?;
    Ok(module)
}

/// Byte order and alignment, changed by `<`, `>`, `=` and `!` as the format goes.
struct Header {
    big_endian: bool,
    align: usize,
}

impl Default for Header {
    fn default() -> Self {
        Header { big_endian: false, align: 1 }
    }
}

fn bad_argument(position: usize, function: &str, message: &str) -> Error {
    Error::runtime(format!("bad argument #{position} to '{function}' ({message})"))
}

/// The format being read: one option at a time, with its optional number.
struct Format<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Format<'_> {
    fn next_option(&mut self) -> Option<u8> {
        let option = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(option)
    }

    /// The number following an option, or `default` when there is none.
    fn number(&mut self, default: usize) -> Result<usize> {
        if !self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            return Ok(default);
        }
        let mut n: usize = 0;
        while let Some(digit) = self.bytes.get(self.pos).filter(|b| b.is_ascii_digit()) {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(usize::from(digit - b'0')))
                .filter(|&n| n <= i32::MAX as usize)
                .ok_or_else(|| Error::runtime("integral size overflow"))?;
            self.pos += 1;
        }
        Ok(n)
    }

    /// The size of `option`'s item (0 for options that take no room or vary).
    fn item_size(&mut self, option: u8) -> Result<usize> {
        Ok(match option {
            b'b' | b'B' | b'x' => 1,
            b'h' | b'H' => 2,
            b'l' | b'L' | b'T' | b'd' => 8,
            b'f' => 4,
            b'c' => self.number(1)?,
            b'i' | b'I' => {
                let size = self.number(4)?;
                if size > MAX_INT_SIZE {
                    return Err(Error::runtime(format!("integral size {size} is larger than limit of {MAX_INT_SIZE}")));
                }
                size
            }
            _ => 0,
        })
    }

    /// Options that change the header rather than produce an item.
    fn control(&mut self, option: u8, header: &mut Header, function: &str) -> Result<()> {
        match option {
            b' ' => {}
            b'>' => header.big_endian = true,
            b'<' | b'=' => header.big_endian = false,
            b'!' => {
                let align = self.number(MAX_ALIGN)?;
                if !align.is_power_of_two() {
                    return Err(Error::runtime(format!("alignment {align} is not a power of 2")));
                }
                header.align = align;
            }
            other => {
                return Err(bad_argument(1, function, &format!("invalid format option '{}'", other as char)));
            }
        }
        Ok(())
    }
}

/// Padding before an item of `size` at `offset`.
fn padding(offset: usize, header: &Header, option: u8, size: usize) -> usize {
    if size == 0 || option == b'c' {
        return 0;
    }
    let size = size.min(header.align);
    (size - (offset & (size - 1))) & (size - 1)
}

fn is_integer_option(option: u8) -> bool {
    matches!(option, b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I')
}

fn number_arg(args: &[Value], index: usize, function: &str) -> Result<f64> {
    match args.get(index) {
        Some(Value::Integer(n)) => Ok(*n as f64),
        Some(Value::Number(n)) => Ok(*n),
        Some(Value::String(s)) => s
            .to_str()
            .ok()
            .and_then(|s| crate::util::parse_f64(s.trim().as_bytes()))
            .ok_or_else(|| bad_argument(index + 1, function, "number expected, got string")),
        other => {
            let got = other.map_or("no value", Value::type_name);
            Err(bad_argument(index + 1, function, &format!("number expected, got {got}")))
        }
    }
}

fn string_arg(args: &[Value], index: usize, function: &str) -> Result<Vec<u8>> {
    match args.get(index) {
        Some(Value::String(s)) => Ok(s.as_bytes().to_vec()),
        Some(Value::Integer(n)) => Ok(n.to_string().into_bytes()),
        Some(Value::Number(n)) => Ok(super::cjson::format_number(*n).into_bytes()),
        other => {
            let got = other.map_or("no value", Value::type_name);
            Err(bad_argument(index + 1, function, &format!("string expected, got {got}")))
        }
    }
}

/// `struct.pack(format, ...)`
fn pack(lua: &Lua, args: Variadic<Value>) -> Result<LuaString> {
    let format = string_arg(&args, 0, "pack")?;
    let mut format = Format { bytes: &format, pos: 0 };
    let mut header = Header::default();
    let mut out = Vec::new();
    let mut arg = 1;
    while let Some(option) = format.next_option() {
        let mut size = format.item_size(option)?;
        let pad = padding(out.len(), &header, option, size);
        out.resize(out.len() + pad, 0);
        match option {
            _ if is_integer_option(option) => {
                let n = number_arg(&args, arg, "pack")?;
                arg += 1;
                // C's conversion: negative numbers through the signed type.
                let value = if n < 0.0 { n as i64 as u64 } else { n as u64 };
                put_integer(value, size, header.big_endian, &mut out);
            }
            b'x' => out.push(0),
            b'f' => {
                let f = number_arg(&args, arg, "pack")? as f32;
                arg += 1;
                out.extend_from_slice(&if header.big_endian { f.to_be_bytes() } else { f.to_le_bytes() });
            }
            b'd' => {
                let d = number_arg(&args, arg, "pack")?;
                arg += 1;
                out.extend_from_slice(&if header.big_endian { d.to_be_bytes() } else { d.to_le_bytes() });
            }
            b'c' | b's' => {
                let s = string_arg(&args, arg, "pack")?;
                arg += 1;
                if size == 0 {
                    size = s.len();
                }
                if s.len() < size {
                    // struct.c checks after moving past the argument: it names the next one.
                    return Err(bad_argument(arg + 1, "pack", "string too short"));
                }
                out.extend_from_slice(&s[..size]);
                if option == b's' {
                    out.push(0);
                }
            }
            _ => format.control(option, &mut header, "pack")?,
        }
    }
    lua.create_string(out)
}

fn put_integer(value: u64, size: usize, big_endian: bool, out: &mut Vec<u8>) {
    let start = out.len();
    for i in 0..size {
        out.push(if i < 8 { (value >> (8 * i)) as u8 } else { 0 });
    }
    if big_endian {
        out[start..].reverse();
    }
}

fn get_integer(bytes: &[u8], big_endian: bool, signed: bool) -> f64 {
    let mut value: u64 = 0;
    let mut push = |b: u8| value = (value << 8) | u64::from(b);
    if big_endian {
        bytes.iter().copied().for_each(&mut push);
    } else {
        bytes.iter().rev().copied().for_each(&mut push);
    }
    let bits = bytes.len() * 8;
    if !signed {
        return value as f64;
    }
    if bits < 64 && value & (1 << (bits - 1)) != 0 {
        value |= u64::MAX << bits;
    }
    value as i64 as f64
}

/// `struct.unpack(format, data [, position])`: the items, then the position after them.
fn unpack(lua: &Lua, args: Variadic<Value>) -> Result<MultiValue> {
    let format = string_arg(&args, 0, "unpack")?;
    let data = string_arg(&args, 1, "unpack")?;
    let start = if args.len() > 2 && !args[2].is_nil() { number_arg(&args, 2, "unpack")? as i64 } else { 1 };
    if start < 1 || (start - 1) as usize > data.len() {
        return Err(bad_argument(3, "unpack", "offset must be 1 or greater"));
    }
    let mut pos = (start - 1) as usize;
    let mut format = Format { bytes: &format, pos: 0 };
    let mut header = Header::default();
    let mut results: Vec<Value> = Vec::new();
    let too_short = || bad_argument(2, "unpack", "data string too short");
    while let Some(option) = format.next_option() {
        let mut size = format.item_size(option)?;
        pos += padding(pos, &header, option, size);
        if size > data.len() || pos > data.len() - size {
            return Err(too_short());
        }
        match option {
            _ if is_integer_option(option) => {
                let signed = option.is_ascii_lowercase();
                results.push(Value::Number(get_integer(&data[pos..pos + size], header.big_endian, signed)));
            }
            b'x' => {}
            b'f' => {
                let raw: [u8; 4] = data[pos..pos + 4].try_into().expect("4 bytes");
                let f = if header.big_endian { f32::from_be_bytes(raw) } else { f32::from_le_bytes(raw) };
                results.push(Value::Number(f64::from(f)));
            }
            b'd' => {
                let raw: [u8; 8] = data[pos..pos + 8].try_into().expect("8 bytes");
                let d = if header.big_endian { f64::from_be_bytes(raw) } else { f64::from_le_bytes(raw) };
                results.push(Value::Number(d));
            }
            b'c' => {
                if size == 0 {
                    size = match results.pop() {
                        Some(Value::Number(n)) => n as usize,
                        Some(Value::Integer(n)) => n as usize,
                        _ => return Err(Error::runtime("format 'c0' needs a previous size")),
                    };
                    if size > data.len() || pos > data.len() - size {
                        return Err(too_short());
                    }
                }
                results.push(Value::String(lua.create_string(&data[pos..pos + size])?));
            }
            b's' => {
                let Some(len) = data[pos..].iter().position(|&b| b == 0) else {
                    return Err(Error::runtime("unfinished string in data"));
                };
                results.push(Value::String(lua.create_string(&data[pos..pos + len])?));
                size = len + 1;
            }
            _ => format.control(option, &mut header, "unpack")?,
        }
        pos += size;
    }
    results.push(Value::Integer(pos as i64 + 1));
    Ok(results.into_iter().collect())
}

/// `struct.size(format)`: the packed size of a format without variable-length items.
fn size(format: &[u8]) -> Result<i64> {
    let mut format = Format { bytes: format, pos: 0 };
    let mut header = Header::default();
    let mut pos = 0;
    while let Some(option) = format.next_option() {
        let size = format.item_size(option)?;
        pos += padding(pos, &header, option, size);
        if option == b's' {
            return Err(bad_argument(1, "size", "option 's' has no fixed size"));
        }
        if option == b'c' && size == 0 {
            return Err(bad_argument(1, "size", "option 'c0' has no fixed size"));
        }
        if !option.is_ascii_alphanumeric() {
            format.control(option, &mut header, "size")?;
        }
        pos += size;
    }
    Ok(pos as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_c_alignment() {
        assert_eq!(size(b">I2i4bB").unwrap(), 8);
        assert_eq!(size(b"!4 b i").unwrap(), 8, "the int is aligned to 4");
        assert_eq!(size(b"l d c3").unwrap(), 19);
        assert!(size(b"s").is_err());
    }

    #[test]
    fn integers_round_trip_in_both_byte_orders() {
        let mut out = Vec::new();
        put_integer(-2i64 as u64, 4, true, &mut out);
        assert_eq!(out, [0xff, 0xff, 0xff, 0xfe]);
        assert_eq!(get_integer(&out, true, true), -2.0);
        assert_eq!(get_integer(&out, true, false), 4_294_967_294.0);
        assert_eq!(get_integer(&[0x02, 0x01], false, false), 258.0);
    }
}
