//! The `bit` library (LuaBitOp 1.0 semantics): 32-bit operations on Lua numbers, results as
//! signed 32-bit numbers.

use mlua::{Error, Lua, Result, Table, Value, Variadic};

type BitOp = fn(&[Value]) -> Result<f64>;

const FUNCTIONS: &[(&str, BitOp)] = &[
    ("tobit", |a| Ok(result(arg(a, 0, "tobit")?))),
    ("bnot", |a| Ok(result(!arg(a, 0, "bnot")?))),
    ("band", |a| fold(a, "band", |x, y| x & y)),
    ("bor", |a| fold(a, "bor", |x, y| x | y)),
    ("bxor", |a| fold(a, "bxor", |x, y| x ^ y)),
    ("lshift", |a| shift(a, "lshift", |x, n| x << n)),
    ("rshift", |a| shift(a, "rshift", |x, n| x >> n)),
    ("arshift", |a| shift(a, "arshift", |x, n| ((x as i32) >> n) as u32)),
    ("rol", |a| shift(a, "rol", u32::rotate_left)),
    ("ror", |a| shift(a, "ror", u32::rotate_right)),
    ("bswap", |a| Ok(result(arg(a, 0, "bswap")?.swap_bytes()))),
];

pub fn module(lua: &Lua) -> Result<Table> {
    let bit = lua.create_table()?;
    for &(name, op) in FUNCTIONS {
        bit.raw_set(name, lua.create_function(move |_, args: Variadic<Value>| op(&args))?)?;
    }
    bit.raw_set("tohex", lua.create_function(|_, args: Variadic<Value>| tohex(&args))?)?;
    Ok(bit)
}

/// A number's 32 low bits after rounding to the nearest integer (ties to even), the way
/// LuaBitOp normalises: adding 2^52 + 2^51 leaves the integer in the mantissa's low bits.
fn to_bits(n: f64) -> u32 {
    (n + 6_755_399_441_055_744.0).to_bits() as u32
}

fn result(bits: u32) -> f64 {
    f64::from(bits as i32)
}

/// Argument `index`, checked as `luaL_checknumber` does (numeric strings are accepted).
fn arg(args: &[Value], index: usize, function: &str) -> Result<u32> {
    let value = args.get(index).unwrap_or(&Value::Nil);
    let number = match value {
        Value::Integer(n) => Some(*n as f64),
        Value::Number(n) => Some(*n),
        Value::String(s) => s.to_str().ok().and_then(|s| crate::util::parse_f64(s.trim().as_bytes())),
        _ => None,
    };
    number.map(to_bits).ok_or_else(|| {
        let got = if index >= args.len() { "no value" } else { value.type_name() };
        Error::runtime(format!("bad argument #{} to '{function}' (number expected, got {got})", index + 1))
    })
}

fn fold(args: &[Value], function: &str, op: fn(u32, u32) -> u32) -> Result<f64> {
    let mut acc = arg(args, 0, function)?;
    for index in 1..args.len() {
        acc = op(acc, arg(args, index, function)?);
    }
    Ok(result(acc))
}

fn shift(args: &[Value], function: &str, op: fn(u32, u32) -> u32) -> Result<f64> {
    let x = arg(args, 0, function)?;
    let n = arg(args, 1, function)? & 31;
    Ok(result(op(x, n)))
}

/// `bit.tohex(x [, n])`: `n` hex digits (8 by default), uppercase when `n` is negative.
fn tohex(args: &[Value]) -> Result<String> {
    let x = arg(args, 0, "tohex")?;
    let n = if args.len() > 1 { arg(args, 1, "tohex")? as i32 } else { 8 };
    let (digits, upper) = if n < 0 { (-n, true) } else { (n, false) };
    let digits = digits.clamp(0, 8) as usize;
    if digits == 0 {
        return Ok(String::new());
    }
    let masked = if digits >= 8 { x } else { x & ((1u32 << (4 * digits)) - 1) };
    let text = if upper { format!("{masked:0digits$X}") } else { format!("{masked:0digits$x}") };
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_luabitop() {
        assert_eq!(result(to_bits(4294967295.0)), -1.0);
        assert_eq!(result(to_bits(1099511627781.5)), 6.0, "2^40 + 5.5 rounds to even, keeps 32 bits");
        assert_eq!(result(to_bits(-1.0)), -1.0);
    }
}
