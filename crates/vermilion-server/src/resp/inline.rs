//! Splitting an inline command line into arguments, with Redis's `sdssplitargs` rules.
//!
//! This is how redis-cli and telnet users type commands: words separated by blanks, where a word
//! may be `"double quoted"` (with `\n \r \t \b \a \xHH` escapes) or `'single quoted'` (where only
//! `\'` is special). A closing quote must be followed by a blank or the end of the line.

use std::ops::Range;

/// The line has an unterminated quote, or a closing quote followed by something else than a blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnbalancedQuotes;

/// C's `isspace`: the blanks skipped between words.
fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// The bytes that end an unquoted word. Unlike `is_blank`, `\v` and `\f` belong to the word.
fn ends_word(byte: u8) -> bool {
    matches!(byte, b' ' | b'\n' | b'\r' | b'\t' | b'\0')
}

fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).and_then(|v| u8::try_from(v).ok())
}

/// Splits `line` into words, appending each word's bytes to `out` and its range within `out` to
/// `words`. Both are cleared first, so the caller can reuse them line after line.
pub fn split_args(line: &[u8], out: &mut Vec<u8>, words: &mut Vec<Range<usize>>) -> Result<(), UnbalancedQuotes> {
    out.clear();
    words.clear();
    // The line is a C string in Redis: nothing after a NUL byte is seen.
    let line = line.iter().position(|&b| b == 0).map_or(line, |nul| &line[..nul]);
    let at = |i: usize| line.get(i).copied();
    let mut i = 0;
    loop {
        while at(i).is_some_and(is_blank) {
            i += 1;
        }
        if i >= line.len() {
            return Ok(());
        }
        let start = out.len();
        i = split_word(line, i, out)?;
        words.push(start..out.len());
    }
}

/// Reads one word starting at `i` (not a blank) into `out`; returns the index after it.
fn split_word(line: &[u8], mut i: usize, out: &mut Vec<u8>) -> Result<usize, UnbalancedQuotes> {
    let at = |i: usize| line.get(i).copied();
    loop {
        match at(i) {
            None => return Ok(i),
            Some(b) if ends_word(b) => return Ok(i + 1),
            // A quoted part ends the word: its closing quote must be followed by a blank.
            Some(b'"') => return double_quoted(line, i + 1, out),
            Some(b'\'') => return single_quoted(line, i + 1, out),
            Some(b) => {
                out.push(b);
                i += 1;
            }
        }
    }
}

/// After a closing quote at `i - 1`: the next byte must be a blank or the end of the line.
fn after_closing_quote(line: &[u8], i: usize) -> Result<usize, UnbalancedQuotes> {
    match line.get(i) {
        None => Ok(i),
        Some(&b) if is_blank(b) => Ok(i + 1),
        Some(_) => Err(UnbalancedQuotes),
    }
}

/// The inside of `"..."`, starting just after the opening quote; returns the index after the word.
fn double_quoted(line: &[u8], mut i: usize, out: &mut Vec<u8>) -> Result<usize, UnbalancedQuotes> {
    let at = |i: usize| line.get(i).copied();
    loop {
        match (at(i), at(i + 1)) {
            (None, _) => return Err(UnbalancedQuotes),
            (Some(b'\\'), Some(b'x')) if at(i + 2).and_then(hex_value).is_some() && at(i + 3).and_then(hex_value).is_some() => {
                let high = at(i + 2).and_then(hex_value).unwrap_or(0);
                let low = at(i + 3).and_then(hex_value).unwrap_or(0);
                out.push(high * 16 + low);
                i += 4;
            }
            (Some(b'\\'), Some(escaped)) => {
                out.push(match escaped {
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'b' => b'\x08',
                    b'a' => b'\x07',
                    other => other,
                });
                i += 2;
            }
            (Some(b'"'), _) => return after_closing_quote(line, i + 1),
            (Some(b), _) => {
                out.push(b);
                i += 1;
            }
        }
    }
}

/// The inside of `'...'`, starting just after the opening quote; returns the index after the word.
fn single_quoted(line: &[u8], mut i: usize, out: &mut Vec<u8>) -> Result<usize, UnbalancedQuotes> {
    loop {
        match (line.get(i).copied(), line.get(i + 1).copied()) {
            (None, _) => return Err(UnbalancedQuotes),
            (Some(b'\\'), Some(b'\'')) => {
                out.push(b'\'');
                i += 2;
            }
            (Some(b'\''), _) => return after_closing_quote(line, i + 1),
            (Some(b), _) => {
                out.push(b);
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &[u8]) -> Result<Vec<Vec<u8>>, UnbalancedQuotes> {
        let (mut out, mut words) = (Vec::new(), Vec::new());
        split_args(line, &mut out, &mut words)?;
        Ok(words.into_iter().map(|r| out[r].to_vec()).collect())
    }

    fn words(list: &[&[u8]]) -> Vec<Vec<u8>> {
        list.iter().map(|w| w.to_vec()).collect()
    }

    #[test]
    fn plain_words_split_on_blanks() {
        assert_eq!(split(b"SET  key\tvalue").unwrap(), words(&[b"SET", b"key", b"value"]));
        assert_eq!(split(b"   ").unwrap(), words(&[]));
        assert_eq!(split(b"").unwrap(), words(&[]));
        // Leading \v is a blank, but inside a word it is kept.
        assert_eq!(split(b"\x0bx\x0by").unwrap(), words(&[b"x\x0by"]));
    }

    #[test]
    fn double_quotes_understand_escapes() {
        assert_eq!(split(br#"ECHO "a b" "\x41\n\t\r\b\a\"\\\q""#).unwrap(), words(&[b"ECHO", b"a b", b"A\n\t\r\x08\x07\"\\q"]));
        // An incomplete \x escape is taken literally.
        assert_eq!(split(br#""\x4""#).unwrap(), words(&[b"x4"]));
        assert_eq!(split(br#""""#).unwrap(), words(&[b""]));
    }

    #[test]
    fn single_quotes_only_escape_the_quote() {
        assert_eq!(split(br"'it\'s' '\n'").unwrap(), words(&[b"it's", b"\\n"]));
    }

    #[test]
    fn quotes_may_start_inside_a_word() {
        assert_eq!(split(br#"ab"c d""#).unwrap(), words(&[b"abc d"]));
    }

    #[test]
    fn unbalanced_quotes_are_refused() {
        for line in [&br#"PING "a"#[..], br#"ECHO "a"b"#, b"ECHO 'a", b"ECHO 'a'b", br#""abc\"#] {
            assert_eq!(split(line), Err(UnbalancedQuotes), "{:?}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn nothing_after_a_nul_byte_counts() {
        assert_eq!(split(b"ECHO a\0 b").unwrap(), words(&[b"ECHO", b"a"]));
        assert_eq!(split(b"ECHO \"a\0\"").unwrap_err(), UnbalancedQuotes);
    }
}
