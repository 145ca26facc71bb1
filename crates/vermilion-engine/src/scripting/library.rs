//! What a function library's source says about itself: the `#!<engine> name=<library>` line it
//! starts with, and the `redis.register_function` calls its code makes while it loads. Errors are
//! Redis's texts, without the `ERR` code the commands put in front.

use mlua::{Function, Table, Value, Variadic};

use super::ScriptFlags;

/// Library and function names: letters, digits and underscores, at least one.
pub(super) const BAD_NAME: &str =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

/// A library's first line, parsed.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Metadata {
    pub engine: Vec<u8>,
    pub name: Vec<u8>,
    /// Where the code after the metadata line starts: at the line's newline, so the code keeps
    /// its line numbers.
    pub body_start: usize,
}

/// Redis's `functionExtractLibMetaData`.
pub(super) fn parse_metadata(code: &[u8]) -> Result<Metadata, String> {
    if !code.starts_with(b"#!") {
        return Err("Missing library metadata".into());
    }
    let Some(newline) = code.iter().position(|&b| b == b'\n') else {
        return Err("Invalid library metadata".into());
    };
    let parts = match split_args(&code[..newline]) {
        Some(parts) if !parts.is_empty() => parts,
        _ => return Err("Invalid library metadata".into()),
    };
    let engine = parts[0].get(2..).unwrap_or_default().to_vec();
    let mut name = None;
    for part in &parts[1..] {
        match part.get(..5) {
            Some(prefix) if prefix.eq_ignore_ascii_case(b"name=") => {
                if name.is_some() {
                    return Err("Invalid metadata value, name argument was given multiple times".into());
                }
                name = Some(part[5..].to_vec());
            }
            _ => return Err(format!("Invalid metadata value given: {}", String::from_utf8_lossy(part))),
        }
    }
    let name = name.ok_or("Library name was not given")?;
    Ok(Metadata { engine, name, body_start: newline })
}

/// Whether `name` may name a library or a function.
pub(super) fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Splits a line into words as Redis's `sdssplitargs` does: blanks separate words, double
/// quotes take C escapes (`\n`, `\x41`, ...), single quotes take `\'`, and a closing quote must
/// end its word. `None` for unbalanced quotes.
fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut words = Vec::new();
    let mut i = 0;
    loop {
        while i < line.len() && line[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == line.len() {
            return Some(words);
        }
        let mut word = Vec::new();
        let mut quote = None;
        loop {
            match quote {
                Some(q) => {
                    let &c = line.get(i)?;
                    if c == b'\\' && q == b'"' && i + 3 < line.len() && line[i + 1] == b'x' && hex_pair(line[i + 2], line[i + 3]).is_some() {
                        word.push(hex_pair(line[i + 2], line[i + 3]).expect("checked"));
                        i += 3;
                    } else if c == b'\\' && i + 1 < line.len() && (q == b'"' || line[i + 1] == b'\'') {
                        i += 1;
                        word.push(if q == b'"' { unescape(line[i]) } else { b'\'' });
                    } else if c == q {
                        // The closing quote must end the word.
                        if line.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace()) {
                            return None;
                        }
                        i += 1;
                        break;
                    } else {
                        word.push(c);
                    }
                }
                None => match line.get(i) {
                    None => break,
                    Some(c) if c.is_ascii_whitespace() => break,
                    Some(&c @ (b'"' | b'\'')) => quote = Some(c),
                    Some(&c) => word.push(c),
                },
            }
            i += 1;
        }
        words.push(word);
    }
}

fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |b: u8| char::from(b).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

fn unescape(c: u8) -> u8 {
    match c {
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'b' => 0x08,
        b'a' => 0x07,
        other => other,
    }
}

/// One `redis.register_function` call's arguments, checked.
pub(super) struct Registration {
    pub name: Vec<u8>,
    pub description: Option<Vec<u8>>,
    pub flags: ScriptFlags,
    pub callback: Function,
}

/// Reads `register_function(name, callback)` or `register_function{function_name=...,
/// callback=..., flags={...}, description=...}` as Redis's `luaRegisterFunctionReadArgs` does.
pub(super) fn read_registration(args: &Variadic<Value>) -> Result<Registration, &'static str> {
    match args.as_slice() {
        [named] => read_named(named),
        [name, callback] => {
            let name = text(name).ok_or("first argument to redis.register_function must be a string")?;
            let Value::Function(callback) = callback else {
                return Err("second argument to redis.register_function must be a function");
            };
            Ok(Registration { name, description: None, flags: ScriptFlags::default(), callback: callback.clone() })
        }
        _ => Err("wrong number of arguments to redis.register_function"),
    }
}

fn read_named(arg: &Value) -> Result<Registration, &'static str> {
    let Value::Table(table) = arg else {
        return Err("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
    };
    let (mut name, mut description, mut flags, mut callback) = (None, None, ScriptFlags::default(), None);
    for pair in table.pairs::<Value, Value>() {
        let (key, value) = pair.map_err(|_| "named argument key given to redis.register_function is not a string")?;
        let key = text(&key).ok_or("named argument key given to redis.register_function is not a string")?;
        if key.eq_ignore_ascii_case(b"function_name") {
            name = Some(text(&value).ok_or("function_name argument given to redis.register_function must be a string")?);
        } else if key.eq_ignore_ascii_case(b"description") {
            description = Some(text(&value).ok_or("description argument given to redis.register_function must be a string")?);
        } else if key.eq_ignore_ascii_case(b"callback") {
            let Value::Function(function) = value else {
                return Err("callback argument given to redis.register_function must be a function");
            };
            callback = Some(function);
        } else if key.eq_ignore_ascii_case(b"flags") {
            let Value::Table(list) = value else {
                return Err("flags argument to redis.register_function must be a table representing function flags");
            };
            flags = read_flags(&list).ok_or("unknown flag given")?;
        } else {
            return Err("unknown argument given to redis.register_function");
        }
    }
    let name = name.ok_or("redis.register_function must get a function name argument")?;
    let callback = callback.ok_or("redis.register_function must get a callback argument")?;
    Ok(Registration { name, description, flags, callback })
}

/// The flags listed at 1, 2, ... up to the first nil; `None` for a non-string or unknown flag.
fn read_flags(list: &Table) -> Option<ScriptFlags> {
    let mut flags = ScriptFlags::default();
    for index in 1.. {
        match list.get::<Value>(index).ok()? {
            Value::Nil => return Some(flags),
            value => flags = flags.with(ScriptFlags::named(&text(&value)?, true)?),
        }
    }
    Some(flags)
}

/// A string argument as Lua's `lua_isstring` accepts it: a string, or a number in Lua's format.
fn text(value: &Value) -> Option<Vec<u8>> {
    match value {
        Value::String(s) => Some(s.as_bytes().to_vec()),
        Value::Integer(n) => Some(n.to_string().into_bytes()),
        Value::Number(n) => Some(super::cjson::format_number(*n).into_bytes()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Option<Vec<String>> {
        split_args(line.as_bytes()).map(|w| w.into_iter().map(|w| String::from_utf8(w).unwrap()).collect())
    }

    #[test]
    fn splits_like_sdssplitargs() {
        assert_eq!(words("#!lua  name=x "), Some(vec!["#!lua".into(), "name=x".into()]));
        assert_eq!(words(r#"#!lua "name=a b""#), Some(vec!["#!lua".into(), "name=a b".into()]));
        assert_eq!(words(r#"a "\x41\n" 'it\'s'"#), Some(vec!["a".into(), "A\n".into(), "it's".into()]));
        assert_eq!(words(r#"a "open"#), None);
        assert_eq!(words(r#""a"b"#), None);
        assert_eq!(words(""), Some(vec![]));
    }

    #[test]
    fn metadata_errors_are_redis_texts() {
        assert_eq!(parse_metadata(b"return 1").unwrap_err(), "Missing library metadata");
        assert_eq!(parse_metadata(b"#!lua name=x").unwrap_err(), "Invalid library metadata");
        assert_eq!(parse_metadata(b"#!lua\nx").unwrap_err(), "Library name was not given");
        assert_eq!(parse_metadata(b"#!lua name=a NAME=b\n").unwrap_err(), "Invalid metadata value, name argument was given multiple times");
        assert_eq!(parse_metadata(b"#!lua x=y\n").unwrap_err(), "Invalid metadata value given: x=y");
        let metadata = parse_metadata(b"#!lua name=lib\nreturn").unwrap();
        assert_eq!(metadata, Metadata { engine: b"lua".to_vec(), name: b"lib".to_vec(), body_start: 14 });
    }

    #[test]
    fn names_are_words() {
        assert!(valid_name(b"my_lib2"));
        assert!(!valid_name(b""));
        assert!(!valid_name(b"a-b"));
    }
}
