//! The `cmsgpack` library as Redis ships it (lua-cmsgpack 0.4): `pack`, `unpack`,
//! `unpack_one` and `unpack_limit`, with the same encodings and error messages.

use mlua::{Error, Lua, MultiValue, Result, Table, Value, Variadic};

/// Deeper tables are packed as nil, as lua-cmsgpack does.
const MAX_NESTING: usize = 16;

pub fn module(lua: &Lua) -> Result<Table> {
    let cmsgpack = lua.create_table()?;
    cmsgpack.raw_set("pack", lua.create_function(pack)?)?;
    cmsgpack.raw_set("unpack", lua.create_function(|lua, s: mlua::LuaString| unpack(lua, &s.as_bytes(), 0, 0, false))?)?;
    cmsgpack.raw_set(
        "unpack_one",
        lua.create_function(|lua, (s, offset): (mlua::LuaString, Option<i64>)| unpack(lua, &s.as_bytes(), 1, offset.unwrap_or(0), true))?,
    )?;
    cmsgpack.raw_set(
        "unpack_limit",
        lua.create_function(|lua, (s, limit, offset): (mlua::LuaString, i64, Option<i64>)| {
            unpack(lua, &s.as_bytes(), limit, offset.unwrap_or(0), true)
        })?,
    )?;
    Ok(cmsgpack)
}

fn pack(lua: &Lua, values: Variadic<Value>) -> Result<mlua::LuaString> {
    if values.is_empty() {
        return Err(Error::runtime("bad argument #0 to 'pack' (MessagePack pack needs input.)"));
    }
    let mut out = Vec::new();
    for value in values.iter() {
        encode(value, 0, &mut out)?;
    }
    lua.create_string(out)
}

fn encode(value: &Value, depth: usize, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::Boolean(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Integer(n) => encode_int(*n, out),
        Value::Number(n) => encode_number(*n, out),
        Value::String(s) => encode_bytes(&s.as_bytes(), out),
        Value::Table(table) if depth < MAX_NESTING => encode_table(table, depth + 1, out)?,
        _ => out.push(0xc0),
    }
    Ok(())
}

fn encode_number(n: f64, out: &mut Vec<u8>) {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if (-LIMIT..LIMIT).contains(&n) && n == (n as i64) as f64 {
        encode_int(n as i64, out);
    } else if f64::from(n as f32) == n {
        out.push(0xca);
        out.extend_from_slice(&(n as f32).to_be_bytes());
    } else {
        out.push(0xcb);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn encode_int(n: i64, out: &mut Vec<u8>) {
    match n {
        0..=127 => out.push(n as u8),
        128..=0xff => out.extend_from_slice(&[0xcc, n as u8]),
        0x100..=0xffff => {
            out.push(0xcd);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xce);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        0x1_0000_0000.. => {
            out.push(0xcf);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
        -32..=-1 => out.push(n as u8),
        -128..=-33 => out.extend_from_slice(&[0xd0, n as u8]),
        -32768..=-129 => {
            out.push(0xd1);
            out.extend_from_slice(&(n as i16).to_be_bytes());
        }
        -2_147_483_648..=-32769 => {
            out.push(0xd2);
            out.extend_from_slice(&(n as i32).to_be_bytes());
        }
        _ => {
            out.push(0xd3);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

fn encode_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    let len = bytes.len();
    if len < 32 {
        out.push(0xa0 | len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[0xd9, len as u8]);
    } else if len <= 0xffff {
        out.push(0xda);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0xdb);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(bytes);
}

/// Writes a collection header: the fix form below 16 entries, then 16- or 32-bit counts.
fn encode_header(count: usize, fix: u8, wide16: u8, out: &mut Vec<u8>) {
    if count <= 15 {
        out.push(fix | count as u8);
    } else if count <= 0xffff {
        out.push(wide16);
        out.extend_from_slice(&(count as u16).to_be_bytes());
    } else {
        out.push(wide16 + 1);
        out.extend_from_slice(&(count as u32).to_be_bytes());
    }
}

/// A table packs as an array when its keys are exactly 1..n (numeric strings count as numbers,
/// as `lua_isnumber` has it), otherwise as a map.
fn array_length(table: &Table) -> Result<Option<usize>> {
    let (mut count, mut max) = (0usize, 0f64);
    let mut is_array = true;
    table.for_each(|key: Value, _: Value| {
        let n = match &key {
            Value::Integer(n) => Some(*n as f64),
            Value::Number(n) => Some(*n),
            Value::String(s) => s.to_str().ok().and_then(|s| crate::util::parse_f64(s.trim().as_bytes())),
            _ => None,
        };
        match n {
            Some(n) if n > 0.0 && n == (n as i32) as f64 => {
                max = max.max(n);
                count += 1;
            }
            _ => is_array = false,
        }
        Ok(())
    })?;
    Ok((is_array && max == count as f64).then_some(count))
}

fn encode_table(table: &Table, depth: usize, out: &mut Vec<u8>) -> Result<()> {
    if let Some(len) = array_length(table)? {
        encode_header(len, 0x90, 0xdc, out);
        for i in 1..=len {
            encode(&table.raw_get::<Value>(i)?, depth, out)?;
        }
        return Ok(());
    }
    let mut pairs = Vec::new();
    table.for_each(|key: Value, value: Value| {
        pairs.push((key, value));
        Ok(())
    })?;
    encode_header(pairs.len(), 0x80, 0xde, out);
    for (key, value) in &pairs {
        encode(key, depth, out)?;
        encode(value, depth, out)?;
    }
    Ok(())
}

/// Decodes up to `limit` objects (all if 0) from `offset`. With `with_offset`, the first result
/// is where decoding can resume, or -1 at the end of the input.
fn unpack(lua: &Lua, bytes: &[u8], limit: i64, offset: i64, with_offset: bool) -> Result<MultiValue> {
    if offset < 0 || limit < 0 {
        return Err(Error::runtime(format!(
            "Invalid request to unpack with offset of {offset} and limit of {limit}."
        )));
    }
    let mut decoder = Decoder { lua, bytes, pos: (offset as usize).min(bytes.len()) };
    let mut values = MultiValue::new();
    while decoder.pos < bytes.len() && (limit == 0 || (values.len() as i64) < limit) {
        values.push_back(decoder.value()?);
    }
    if with_offset {
        let next = if decoder.pos >= bytes.len() { -1 } else { decoder.pos as i64 };
        values.push_front(Value::Integer(next));
    }
    Ok(values)
}

struct Decoder<'a> {
    lua: &'a Lua,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Decoder<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(Error::runtime("Missing bytes in input."));
        };
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn uint(&mut self, width: usize) -> Result<u64> {
        Ok(self.take(width)?.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    fn int(&mut self, width: usize) -> Result<i64> {
        let raw = self.uint(width)?;
        let shift = 64 - 8 * width as u32;
        Ok(((raw << shift) as i64) >> shift)
    }

    fn value(&mut self) -> Result<Value> {
        let tag = self.take(1)?[0];
        let number = |n: f64| Ok(Value::Number(n));
        match tag {
            0x00..=0x7f => number(f64::from(tag)),
            0x80..=0x8f => self.map(usize::from(tag & 0x0f)),
            0x90..=0x9f => self.array(usize::from(tag & 0x0f)),
            0xa0..=0xbf => self.string(usize::from(tag & 0x1f)),
            0xc0 => Ok(Value::Nil),
            0xc2 => Ok(Value::Boolean(false)),
            0xc3 => Ok(Value::Boolean(true)),
            0xc4 | 0xd9 => {
                let len = self.uint(1)? as usize;
                self.string(len)
            }
            0xc5 | 0xda => {
                let len = self.uint(2)? as usize;
                self.string(len)
            }
            0xc6 | 0xdb => {
                let len = self.uint(4)? as usize;
                self.string(len)
            }
            0xca => number(f64::from(f32::from_bits(self.uint(4)? as u32))),
            0xcb => number(f64::from_bits(self.uint(8)?)),
            0xcc => number(self.uint(1)? as f64),
            0xcd => number(self.uint(2)? as f64),
            0xce => number(self.uint(4)? as f64),
            0xcf => number(self.uint(8)? as f64),
            0xd0 => number(self.int(1)? as f64),
            0xd1 => number(self.int(2)? as f64),
            0xd2 => number(self.int(4)? as f64),
            0xd3 => number(self.int(8)? as f64),
            0xdc => {
                let len = self.uint(2)? as usize;
                self.array(len)
            }
            0xdd => {
                let len = self.uint(4)? as usize;
                self.array(len)
            }
            0xde => {
                let len = self.uint(2)? as usize;
                self.map(len)
            }
            0xdf => {
                let len = self.uint(4)? as usize;
                self.map(len)
            }
            0xe0..=0xff => number(f64::from(tag as i8)),
            _ => Err(Error::runtime("Bad data format in input.")),
        }
    }

    fn string(&mut self, len: usize) -> Result<Value> {
        let bytes = self.take(len)?;
        Ok(Value::String(self.lua.create_string(bytes)?))
    }

    fn array(&mut self, len: usize) -> Result<Value> {
        let table = self.lua.create_table_with_capacity(len.min(1024), 0)?;
        for i in 1..=len {
            table.raw_set(i, self.value()?)?;
        }
        Ok(Value::Table(table))
    }

    fn map(&mut self, len: usize) -> Result<Value> {
        let table = self.lua.create_table_with_capacity(0, len.min(1024))?;
        for _ in 0..len {
            let key = self.value()?;
            let value = self.value()?;
            if !key.is_nil() {
                table.raw_set(key, value)?;
            }
        }
        Ok(Value::Table(table))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(n: f64) -> Vec<u8> {
        let mut out = Vec::new();
        encode_number(n, &mut out);
        out
    }

    #[test]
    fn numbers_take_the_smallest_encoding() {
        assert_eq!(packed(1.0), [0x01]);
        assert_eq!(packed(-1.0), [0xff]);
        assert_eq!(packed(300.0), [0xcd, 0x01, 0x2c]);
        assert_eq!(packed(-200.0), [0xd1, 0xff, 0x38]);
        assert_eq!(packed(1_099_511_627_776.0), [0xcf, 0, 0, 1, 0, 0, 0, 0, 0]);
        assert_eq!(packed(1.5), [0xca, 0x3f, 0xc0, 0, 0], "exact in a float: float32");
        assert_eq!(packed(0.1)[0], 0xcb, "not exact in a float: float64");
    }
}
