//! The `cjson` library as Redis ships it (lua-cjson 2.1 with Redis's defaults): `encode`,
//! `decode` and `null`, with lua-cjson's output and error messages.

use mlua::{Error, Lua, Result, Table, Value};

use super::null;

/// lua-cjson's default nesting limits, both ways.
const MAX_DEPTH: usize = 1000;
/// Arrays whose largest index exceeds this and twice their item count are "excessively sparse".
const SPARSE_SAFE: usize = 10;
const SPARSE_RATIO: usize = 2;

pub fn module(lua: &Lua) -> Result<Table> {
    let cjson = lua.create_table()?;
    cjson.raw_set("encode", lua.create_function(|lua, value: Value| encode(lua, &value))?)?;
    cjson.raw_set("decode", lua.create_function(|lua, text: mlua::LuaString| decode(lua, &text.as_bytes()))?)?;
    cjson.raw_set("null", null())?;
    Ok(cjson)
}

/// `value` formatted like C's `printf("%.14g", value)` (lua-cjson's and Lua's number format).
pub fn format_number(value: f64) -> String {
    const PRECISION: i32 = 14;
    if value.is_nan() {
        return if value.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.into();
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let scientific = format!("{:.*e}", (PRECISION - 1) as usize, value);
    let (mantissa, exponent) = scientific.split_once('e').expect("{:e} has an exponent");
    let exponent: i32 = exponent.parse().expect("{:e} exponent is an integer");
    if !(-4..PRECISION).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim_fraction(mantissa), exponent.abs())
    } else {
        let decimals = (PRECISION - 1 - exponent) as usize;
        trim_fraction(&format!("{value:.decimals$}")).to_string()
    }
}

/// `%g` drops trailing zeros of the fraction, and the point if nothing is left.
fn trim_fraction(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

fn encode(lua: &Lua, value: &Value) -> Result<mlua::LuaString> {
    let mut out = Vec::new();
    encode_value(value, 0, &mut out)?;
    lua.create_string(out)
}

fn cannot_serialise(type_name: &str, reason: &str) -> Error {
    Error::runtime(format!("Cannot serialise {type_name}: {reason}"))
}

fn encode_value(value: &Value, depth: usize, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::Nil => out.extend_from_slice(b"null"),
        Value::LightUserData(ud) if ud.0.is_null() => out.extend_from_slice(b"null"),
        Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Integer(n) => encode_number(*n as f64, out)?,
        Value::Number(n) => encode_number(*n, out)?,
        Value::String(s) => encode_string(&s.as_bytes(), out),
        Value::Table(table) => encode_table(table, depth + 1, out)?,
        Value::LightUserData(_) => return Err(cannot_serialise("userdata", "type not supported")),
        other => return Err(cannot_serialise(other.type_name(), "type not supported")),
    }
    Ok(())
}

fn encode_number(n: f64, out: &mut Vec<u8>) -> Result<()> {
    if !n.is_finite() {
        return Err(cannot_serialise("number", "must not be NaN or Inf"));
    }
    out.extend_from_slice(format_number(n).as_bytes());
    Ok(())
}

/// JSON string escaping as lua-cjson does it: control characters, quote, backslash, slash and
/// DEL escaped; other bytes (UTF-8 included) copied.
fn encode_string(bytes: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in bytes {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'/' => out.extend_from_slice(b"\\/"),
            b'\x08' => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\x0c' => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0..=0x1f | 0x7f => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// The array length of a table, or `None` if it must be an object (lua-cjson's
/// `lua_array_length`).
fn array_length(table: &Table) -> Result<Option<usize>> {
    let (mut max, mut items) = (0usize, 0usize);
    let mut is_array = true;
    table.for_each(|key: Value, _: Value| {
        let index = match key {
            Value::Integer(n) if n >= 1 => Some(n as f64),
            Value::Number(n) if n >= 1.0 && n.floor() == n => Some(n),
            _ => None,
        };
        match index {
            Some(i) if is_array => {
                max = max.max(i as usize);
                items += 1;
            }
            _ => is_array = false,
        }
        Ok(())
    })?;
    if !is_array {
        return Ok(None);
    }
    if max > items * SPARSE_RATIO && max > SPARSE_SAFE {
        return Err(cannot_serialise("table", "excessively sparse array"));
    }
    Ok(Some(max))
}

fn encode_table(table: &Table, depth: usize, out: &mut Vec<u8>) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::runtime(format!("Cannot serialise, excessive nesting ({depth})")));
    }
    match array_length(table)? {
        Some(len) if len > 0 => {
            out.push(b'[');
            for i in 1..=len {
                if i > 1 {
                    out.push(b',');
                }
                encode_value(&table.raw_get::<Value>(i)?, depth, out)?;
            }
            out.push(b']');
        }
        _ => {
            out.push(b'{');
            let mut first = true;
            let mut failure = None;
            table.for_each(|key: Value, value: Value| {
                if failure.is_some() {
                    return Ok(());
                }
                if !first {
                    out.push(b',');
                }
                first = false;
                let step = encode_key(&key, out).and_then(|()| {
                    out.push(b':');
                    encode_value(&value, depth, out)
                });
                failure = step.err();
                Ok(())
            })?;
            if let Some(error) = failure {
                return Err(error);
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn encode_key(key: &Value, out: &mut Vec<u8>) -> Result<()> {
    match key {
        Value::String(s) => encode_string(&s.as_bytes(), out),
        Value::Integer(n) => encode_string(format_number(*n as f64).as_bytes(), out),
        Value::Number(n) => encode_string(format_number(*n).as_bytes(), out),
        other => return Err(cannot_serialise(other.type_name(), "table key must be a number or string")),
    }
    Ok(())
}

/// lua-cjson's token names, used in its parse errors.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    Str,
    Number,
    Boolean,
    Null,
    Colon,
    Comma,
    End,
}

impl Token {
    fn name(self) -> &'static str {
        match self {
            Token::ObjBegin => "T_OBJ_BEGIN",
            Token::ObjEnd => "T_OBJ_END",
            Token::ArrBegin => "T_ARR_BEGIN",
            Token::ArrEnd => "T_ARR_END",
            Token::Str => "T_STRING",
            Token::Number => "T_NUMBER",
            Token::Boolean => "T_BOOLEAN",
            Token::Null => "T_NULL",
            Token::Colon => "T_COLON",
            Token::Comma => "T_COMMA",
            Token::End => "T_END",
        }
    }
}

/// One lexed token: its kind, where it starts, and its value for strings, numbers, booleans.
struct Lexed {
    token: std::result::Result<Token, &'static str>,
    at: usize,
    value: Value,
}

struct Decoder<'a> {
    lua: &'a Lua,
    text: &'a [u8],
    pos: usize,
    depth: usize,
}

fn decode(lua: &Lua, text: &[u8]) -> Result<Value> {
    let mut decoder = Decoder { lua, text, pos: 0, depth: 0 };
    let first = decoder.next_token()?;
    let value = decoder.value(first)?;
    let last = decoder.next_token()?;
    if last.token != Ok(Token::End) {
        return Err(Decoder::unexpected("the end", &last));
    }
    Ok(value)
}

impl Decoder<'_> {
    fn unexpected(expected: &str, found: &Lexed) -> Error {
        let name = match found.token {
            Ok(token) => token.name(),
            Err(message) => message,
        };
        Error::runtime(format!("Expected {expected} but found {name} at character {}", found.at + 1))
    }

    fn lexed(&self, token: std::result::Result<Token, &'static str>, at: usize, value: Value) -> Lexed {
        Lexed { token, at, value }
    }

    fn next_token(&mut self) -> Result<Lexed> {
        while self.pos < self.text.len() && matches!(self.text[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let at = self.pos;
        let Some(&c) = self.text.get(at) else {
            return Ok(self.lexed(Ok(Token::End), at, Value::Nil));
        };
        let single = match c {
            b'{' => Some(Token::ObjBegin),
            b'}' => Some(Token::ObjEnd),
            b'[' => Some(Token::ArrBegin),
            b']' => Some(Token::ArrEnd),
            b':' => Some(Token::Colon),
            b',' => Some(Token::Comma),
            _ => None,
        };
        if let Some(token) = single {
            self.pos += 1;
            return Ok(self.lexed(Ok(token), at, Value::Nil));
        }
        match c {
            b'"' => self.string_token(at),
            b'-' | b'0'..=b'9' => Ok(self.number_token(at)),
            _ => Ok(self.literal_token(at)),
        }
    }

    fn literal_token(&mut self, at: usize) -> Lexed {
        let rest = &self.text[at..];
        let literals: [(&[u8], Token, Value); 3] = [
            (b"true", Token::Boolean, Value::Boolean(true)),
            (b"false", Token::Boolean, Value::Boolean(false)),
            (b"null", Token::Null, Value::LightUserData(null())),
        ];
        for (word, token, value) in literals {
            if rest.starts_with(word) {
                self.pos += word.len();
                return self.lexed(Ok(token), at, value);
            }
        }
        self.lexed(Err("invalid token"), at, Value::Nil)
    }

    fn number_token(&mut self, at: usize) -> Lexed {
        let end = self.text[at..]
            .iter()
            .position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .map_or(self.text.len(), |n| at + n);
        let parsed = std::str::from_utf8(&self.text[at..end]).ok().and_then(|s| s.parse::<f64>().ok());
        match parsed {
            Some(n) => {
                self.pos = end;
                self.lexed(Ok(Token::Number), at, Value::Number(n))
            }
            None => self.lexed(Err("invalid number"), at, Value::Nil),
        }
    }

    fn string_token(&mut self, at: usize) -> Result<Lexed> {
        let mut out = Vec::new();
        let mut i = at + 1;
        loop {
            let Some(&c) = self.text.get(i) else {
                return Ok(self.lexed(Err("unexpected end of string"), i, Value::Nil));
            };
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(&escape) = self.text.get(i + 1) else {
                        return Ok(self.lexed(Err("unexpected end of string"), i, Value::Nil));
                    };
                    let simple = match escape {
                        b'"' => Some(b'"'),
                        b'\\' => Some(b'\\'),
                        b'/' => Some(b'/'),
                        b'b' => Some(b'\x08'),
                        b'f' => Some(b'\x0c'),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        _ => None,
                    };
                    if let Some(byte) = simple {
                        out.push(byte);
                        i += 2;
                    } else if escape == b'u' {
                        match self.unicode_escape(i, &mut out) {
                            Some(next) => i = next,
                            None => return Ok(self.lexed(Err("invalid unicode escape code"), i, Value::Nil)),
                        }
                    } else {
                        return Ok(self.lexed(Err("invalid escape code"), i, Value::Nil));
                    }
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        self.pos = i + 1;
        Ok(self.lexed(Ok(Token::Str), at, Value::String(self.lua.create_string(out)?)))
    }

    /// Decodes `\uXXXX` (a surrogate pair takes two) at `i` into UTF-8; returns where the
    /// string continues.
    fn unicode_escape(&self, i: usize, out: &mut Vec<u8>) -> Option<usize> {
        let hex = |at: usize| -> Option<u32> {
            let digits = self.text.get(at..at + 4)?;
            u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
        };
        let first = hex(i + 2)?;
        let (code, next) = if (0xD800..0xDC00).contains(&first) {
            if self.text.get(i + 6..i + 8)? != b"\\u" {
                return None;
            }
            let low = hex(i + 8)?;
            if !(0xDC00..0xE000).contains(&low) {
                return None;
            }
            (0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00), i + 12)
        } else if (0xDC00..0xE000).contains(&first) {
            return None;
        } else {
            (first, i + 6)
        };
        let ch = char::from_u32(code)?;
        out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
        Some(next)
    }

    fn value(&mut self, lexed: Lexed) -> Result<Value> {
        match lexed.token {
            Ok(Token::ObjBegin) => self.nested(lexed.at, Self::object),
            Ok(Token::ArrBegin) => self.nested(lexed.at, Self::array),
            Ok(Token::Str | Token::Number | Token::Boolean | Token::Null) => Ok(lexed.value),
            _ => Err(Self::unexpected("value", &lexed)),
        }
    }

    fn nested(&mut self, at: usize, parse: fn(&mut Self) -> Result<Value>) -> Result<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::runtime(format!("Found too many nested data structures ({}) at character {}", self.depth, at + 1)));
        }
        let value = parse(self)?;
        self.depth -= 1;
        Ok(value)
    }

    fn object(&mut self) -> Result<Value> {
        let table = self.lua.create_table()?;
        let mut lexed = self.next_token()?;
        if lexed.token == Ok(Token::ObjEnd) {
            return Ok(Value::Table(table));
        }
        loop {
            if lexed.token != Ok(Token::Str) {
                return Err(Self::unexpected("object key string", &lexed));
            }
            let key = lexed.value;
            let colon = self.next_token()?;
            if colon.token != Ok(Token::Colon) {
                return Err(Self::unexpected("colon", &colon));
            }
            let first = self.next_token()?;
            let value = self.value(first)?;
            table.raw_set(key, value)?;
            let separator = self.next_token()?;
            match separator.token {
                Ok(Token::ObjEnd) => return Ok(Value::Table(table)),
                Ok(Token::Comma) => lexed = self.next_token()?,
                _ => return Err(Self::unexpected("comma or object end", &separator)),
            }
        }
    }

    fn array(&mut self) -> Result<Value> {
        let table = self.lua.create_table()?;
        let mut lexed = self.next_token()?;
        if lexed.token == Ok(Token::ArrEnd) {
            return Ok(Value::Table(table));
        }
        for index in 1.. {
            let value = self.value(lexed)?;
            table.raw_set(index, value)?;
            let separator = self.next_token()?;
            match separator.token {
                Ok(Token::ArrEnd) => break,
                Ok(Token::Comma) => lexed = self.next_token()?,
                _ => return Err(Self::unexpected("comma or array end", &separator)),
            }
        }
        Ok(Value::Table(table))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_percent_14g() {
        let cases = [
            (0.1, "0.1"),
            (1.5, "1.5"),
            (1e20, "1e+20"),
            (123456789012345678.0, "1.2345678901235e+17"),
            (-0.000001234, "-1.234e-06"),
            (0.0001, "0.0001"),
            (100.0, "100"),
            (1.0 / 3.0, "0.33333333333333"),
        ];
        for (value, text) in cases {
            assert_eq!(format_number(value), text, "{value}");
        }
    }

    #[test]
    fn strings_escape_as_lua_cjson() {
        let mut out = Vec::new();
        encode_string(b"a/b\"\\\n\x01\x7f\xc3\xa9", &mut out);
        assert_eq!(out, b"\"a\\/b\\\"\\\\\\n\\u0001\\u007f\xc3\xa9\"");
    }
}
