//! A cursor over a command's arguments: handlers take what they need in order, with Redis's
//! errors for values that do not parse.

use crate::reply::{errors, Reply};
use crate::util::{parse_f64, parse_i64};

/// The arguments of one command. `argv[0]` is the command name; the cursor starts after it (or
/// after the subcommand name for subcommands).
#[derive(Clone, Copy)]
pub struct Args<'a> {
    argv: &'a [&'a [u8]],
    pos: usize,
}

/// The time-to-live options SET and GETEX share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpireOption {
    Ex,
    Px,
    ExAt,
    PxAt,
}

impl ExpireOption {
    pub fn parse(word: &[u8]) -> Option<Self> {
        Some(match word.to_ascii_uppercase().as_slice() {
            b"EX" => ExpireOption::Ex,
            b"PX" => ExpireOption::Px,
            b"EXAT" => ExpireOption::ExAt,
            b"PXAT" => ExpireOption::PxAt,
            _ => return None,
        })
    }

    /// Turns the option's argument into an absolute time in milliseconds, with Redis's checks:
    /// not an integer → not-integer error; zero, negative or overflowing → invalid expire time.
    pub fn deadline(self, arg: &[u8], now_ms: i64, command: &str) -> Result<i64, Reply> {
        let n = parse_i64(arg).ok_or(errors::NOT_INTEGER)?;
        if n <= 0 {
            return Err(errors::invalid_expire(command));
        }
        let ms = match self {
            ExpireOption::Ex | ExpireOption::ExAt => n.checked_mul(1000).ok_or_else(|| errors::invalid_expire(command))?,
            ExpireOption::Px | ExpireOption::PxAt => n,
        };
        match self {
            ExpireOption::Ex | ExpireOption::Px => ms.checked_add(now_ms).ok_or_else(|| errors::invalid_expire(command)),
            ExpireOption::ExAt | ExpireOption::PxAt => Ok(ms),
        }
    }
}

/// Parses a SCAN-family cursor as Redis's `parseScanCursorOrReply` does with C's `strtoul`: an
/// optional sign (a minus wraps around), decimal digits, nothing else; the empty string is 0.
pub fn scan_cursor(arg: &[u8]) -> Result<u64, Reply> {
    let invalid = || Reply::err("ERR invalid cursor");
    let (negative, digits) = match arg {
        [] => return Ok(0),
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let value = std::str::from_utf8(digits).ok().and_then(|d| d.parse::<u64>().ok()).ok_or_else(invalid)?;
    Ok(if negative { value.wrapping_neg() } else { value })
}

impl<'a> Args<'a> {
    pub fn new(argv: &'a [&'a [u8]], first: usize) -> Self {
        Args { argv, pos: first }
    }

    /// All arguments, command name included.
    pub fn argv(&self) -> &'a [&'a [u8]] {
        self.argv
    }

    /// The arguments not taken yet.
    pub fn rest(&self) -> &'a [&'a [u8]] {
        &self.argv[self.pos.min(self.argv.len())..]
    }

    pub fn remaining(&self) -> usize {
        self.argv.len().saturating_sub(self.pos)
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The next argument. The dispatcher has checked arity, so a handler asking for a mandatory
    /// argument gets one; an optional one past the end is a syntax error.
    pub fn bytes(&mut self) -> Result<&'a [u8], Reply> {
        let arg = self.argv.get(self.pos).ok_or(errors::SYNTAX)?;
        self.pos += 1;
        Ok(arg)
    }

    pub fn peek(&self) -> Option<&'a [u8]> {
        self.argv.get(self.pos).copied()
    }

    /// The next argument as an `i64` (Redis's `string2ll` rules).
    pub fn int(&mut self) -> Result<i64, Reply> {
        parse_i64(self.bytes()?).ok_or(errors::NOT_INTEGER)
    }

    /// The next argument as a float (Redis's `string2d` rules).
    pub fn float(&mut self) -> Result<f64, Reply> {
        parse_f64(self.bytes()?).ok_or(errors::NOT_FLOAT)
    }

    /// The next argument, uppercased, for matching option keywords.
    pub fn keyword(&mut self) -> Result<Vec<u8>, Reply> {
        Ok(self.bytes()?.to_ascii_uppercase())
    }

    /// The next argument as UTF-8 text (lossy), for names and options.
    pub fn text(&mut self) -> Result<String, Reply> {
        Ok(String::from_utf8_lossy(self.bytes()?).into_owned())
    }

    /// A blocking command's timeout in seconds (fractions allowed), as Redis's
    /// `getTimeoutFromObjectOrReply`: the absolute deadline in ms, or `None` for 0 (forever).
    pub fn timeout_seconds(arg: &[u8], now_ms: i64) -> Result<Option<i64>, Reply> {
        let seconds = parse_f64(arg).ok_or(Reply::err("ERR timeout is not a float or out of range"))?;
        let ms = (seconds * 1000.0).ceil();
        if ms > i64::MAX as f64 {
            return Err(Reply::err("ERR timeout is out of range"));
        }
        let ms = ms as i64;
        if ms < 0 {
            return Err(Reply::err("ERR timeout is negative"));
        }
        if ms == 0 {
            return Ok(None);
        }
        ms.checked_add(now_ms).map(Some).ok_or(Reply::err("ERR timeout is out of range"))
    }

    /// Fails with a syntax error if arguments are left over.
    pub fn finish(&self) -> Result<(), Reply> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(errors::SYNTAX)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_cursors_read_like_strtoul() {
        assert_eq!(scan_cursor(b"0"), Ok(0));
        assert_eq!(scan_cursor(b""), Ok(0));
        assert_eq!(scan_cursor(b"+12"), Ok(12));
        assert_eq!(scan_cursor(b"-1"), Ok(u64::MAX));
        assert_eq!(scan_cursor(b"18446744073709551615"), Ok(u64::MAX));
        for bad in [&b" 1"[..], b"1 ", b"x", b"-", b"+", b"0x10", b"1a", b"18446744073709551616"] {
            assert_eq!(scan_cursor(bad), Err(Reply::err("ERR invalid cursor")), "{bad:?}");
        }
    }

    #[test]
    fn expire_deadlines_follow_redis_checks() {
        let now = 1_000_000;
        assert_eq!(ExpireOption::Ex.deadline(b"10", now, "set"), Ok(now + 10_000));
        assert_eq!(ExpireOption::PxAt.deadline(b"5", now, "set"), Ok(5));
        assert_eq!(ExpireOption::Ex.deadline(b"0", now, "set"), Err(errors::invalid_expire("set")));
        assert_eq!(ExpireOption::Ex.deadline(b"x", now, "set"), Err(errors::NOT_INTEGER));
        assert_eq!(ExpireOption::Ex.deadline(b"9223372036854775807", now, "set"), Err(errors::invalid_expire("set")));
    }
}
