//! Score and lexicographic ranges, parsed with Redis's rules (`zslParseRange`,
//! `zslParseLexRange`).

use super::score::parse_bound;

/// A range over the (score, member) order, in the terms Redis's range walks use. Score ranges
/// are monotonic in that order; lex ranges are only when all scores are equal, and otherwise
/// give whatever Redis's walks give.
pub trait Bounds {
    /// Whether an element falls short of the minimum.
    fn below_min(&self, member: &[u8], score: f64) -> bool;
    /// Whether an element passes the maximum.
    fn above_max(&self, member: &[u8], score: f64) -> bool;
    /// Whether the bounds select nothing whatever the set holds (min after max).
    fn is_void(&self) -> bool;
}

/// `min max` of ZRANGEBYSCORE and friends: `(` makes a bound exclusive; `-inf`/`+inf` work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreRange {
    pub min: f64,
    pub min_exclusive: bool,
    pub max: f64,
    pub max_exclusive: bool,
}

impl ScoreRange {
    /// Parses both bounds; `None` means Redis's "min or max is not a float".
    pub fn parse(min: &[u8], max: &[u8]) -> Option<ScoreRange> {
        let (min, min_exclusive) = parse_score_bound(min)?;
        let (max, max_exclusive) = parse_score_bound(max)?;
        Some(ScoreRange { min, min_exclusive, max, max_exclusive })
    }
}

impl Bounds for ScoreRange {
    fn below_min(&self, _: &[u8], score: f64) -> bool {
        if self.min_exclusive { score <= self.min } else { score < self.min }
    }

    fn above_max(&self, _: &[u8], score: f64) -> bool {
        if self.max_exclusive { score >= self.max } else { score > self.max }
    }

    fn is_void(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.min_exclusive || self.max_exclusive))
    }
}

fn parse_score_bound(arg: &[u8]) -> Option<(f64, bool)> {
    match arg.strip_prefix(b"(") {
        Some(rest) => Some((parse_bound(rest)?, true)),
        None => Some((parse_bound(arg)?, false)),
    }
}

/// One end of a lexicographic range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexBound {
    /// `-`: before every member.
    Min,
    /// `+`: after every member.
    Max,
    /// `[member`
    Inclusive(Vec<u8>),
    /// `(member`
    Exclusive(Vec<u8>),
}

impl LexBound {
    /// Parses `-`, `+`, `[member` or `(member`; `None` for anything else.
    pub fn parse(arg: &[u8]) -> Option<LexBound> {
        match arg {
            b"-" => Some(LexBound::Min),
            b"+" => Some(LexBound::Max),
            [b'[', member @ ..] => Some(LexBound::Inclusive(member.to_vec())),
            [b'(', member @ ..] => Some(LexBound::Exclusive(member.to_vec())),
            _ => None,
        }
    }

    fn text(&self) -> &[u8] {
        match self {
            LexBound::Inclusive(text) | LexBound::Exclusive(text) => text,
            LexBound::Min | LexBound::Max => &[],
        }
    }
}

/// `min max` of ZRANGEBYLEX and friends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexRange {
    pub min: LexBound,
    pub max: LexBound,
}

impl LexRange {
    /// Parses both bounds; `None` means Redis's "min or max not valid string range item".
    pub fn parse(min: &[u8], max: &[u8]) -> Option<LexRange> {
        Some(LexRange { min: LexBound::parse(min)?, max: LexBound::parse(max)? })
    }
}

impl Bounds for LexRange {
    fn below_min(&self, member: &[u8], _: f64) -> bool {
        match &self.min {
            LexBound::Min => false,
            LexBound::Max => true,
            LexBound::Inclusive(bound) => member < bound.as_slice(),
            LexBound::Exclusive(bound) => member <= bound.as_slice(),
        }
    }

    fn above_max(&self, member: &[u8], _: f64) -> bool {
        match &self.max {
            LexBound::Min => true,
            LexBound::Max => false,
            LexBound::Inclusive(bound) => member > bound.as_slice(),
            LexBound::Exclusive(bound) => member >= bound.as_slice(),
        }
    }

    /// Redis's `sdscmplex` test: `-` and `+` count as exclusive bounds.
    fn is_void(&self) -> bool {
        use std::cmp::Ordering;
        let order = match (&self.min, &self.max) {
            (LexBound::Min, LexBound::Min) | (LexBound::Max, LexBound::Max) => Ordering::Equal,
            (LexBound::Min, _) | (_, LexBound::Max) => Ordering::Less,
            (LexBound::Max, _) | (_, LexBound::Min) => Ordering::Greater,
            (min, max) => min.text().cmp(max.text()),
        };
        let exclusive = !matches!(self.min, LexBound::Inclusive(_)) || !matches!(self.max, LexBound::Inclusive(_));
        order == Ordering::Greater || (order == Ordering::Equal && exclusive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_bounds_read_like_redis() {
        let r = ScoreRange::parse(b"(1.5", b"+inf").unwrap();
        assert_eq!((r.min, r.min_exclusive, r.max, r.max_exclusive), (1.5, true, f64::INFINITY, false));
        assert_eq!(ScoreRange::parse(b"", b"(").map(|r| (r.min, r.max)), Some((0.0, 0.0)));
        assert_eq!(ScoreRange::parse(b" 1", b"-inf").map(|r| r.min), Some(1.0));
        assert_eq!(ScoreRange::parse(b"1e400", b"-1e400").map(|r| (r.min, r.max)), Some((f64::INFINITY, f64::NEG_INFINITY)));
        for bad in [&b"  "[..], b"nan", b"(nan", b"1x", b"((1", b"1 ", b"--1", b"e5"] {
            assert_eq!(ScoreRange::parse(bad, b"1"), None, "{:?}", String::from_utf8_lossy(bad));
        }
        assert!(r.below_min(b"", 1.5) && !r.below_min(b"", 1.6) && !r.above_max(b"", f64::INFINITY));
        assert!(ScoreRange::parse(b"(1", b"1").unwrap().is_void() && !ScoreRange::parse(b"1", b"1").unwrap().is_void());
    }

    #[test]
    fn lex_bounds_read_like_redis() {
        let r = LexRange::parse(b"[b", b"(d").unwrap();
        assert!(r.below_min(b"a", 0.0) && !r.below_min(b"b", 0.0) && r.above_max(b"d", 0.0) && !r.above_max(b"c", 0.0));
        let void = |min: &[u8], max: &[u8]| LexRange::parse(min, max).unwrap().is_void();
        assert!(void(b"-", b"-") && void(b"+", b"+") && void(b"+", b"-") && void(b"(a", b"[a") && void(b"[b", b"[a"));
        assert!(!void(b"-", b"+") && !void(b"[a", b"[a") && !void(b"-", b"(a"));
        assert_eq!(LexRange::parse(b"-", b"+").map(|r| (r.min, r.max)), Some((LexBound::Min, LexBound::Max)));
        for bad in [&b"a"[..], b"", b"+a", b"-a"] {
            assert_eq!(LexRange::parse(bad, b"+"), None);
        }
    }
}
