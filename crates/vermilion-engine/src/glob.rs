//! Glob-style matching with exactly Redis's rules (`stringmatchlen`): `*`, `?`, `[abc]`, `[^a]`,
//! `[a-z]` (reversed ranges allowed), and `\` escapes. Used by KEYS, SCAN MATCH, pub/sub patterns
//! and CONFIG GET.

/// Patterns nesting `*` deeper than this never match, as in Redis (protection against abuse).
const MAX_NESTING: u32 = 1000;

/// Whether `text` matches the glob `pattern`.
pub fn glob_match(pattern: &[u8], text: &[u8], nocase: bool) -> bool {
    let mut skip_longer = false;
    match_from(pattern, text, nocase, &mut skip_longer, 0)
}

fn fold(c: u8, nocase: bool) -> u8 {
    if nocase { c.to_ascii_lowercase() } else { c }
}

fn match_from(pattern: &[u8], text: &[u8], nocase: bool, skip_longer: &mut bool, nesting: u32) -> bool {
    if nesting > MAX_NESTING {
        return false;
    }
    // Reads past the end see a NUL, as the C original does with its terminated strings.
    let at = |p: usize| pattern.get(p).copied().unwrap_or(0);
    let (mut p, mut s) = (0usize, 0usize);
    while p < pattern.len() && s < text.len() {
        match pattern[p] {
            b'*' => {
                while p + 1 < pattern.len() && pattern[p + 1] == b'*' {
                    p += 1;
                }
                if p + 1 == pattern.len() {
                    return true;
                }
                while s < text.len() {
                    if match_from(&pattern[p + 1..], &text[s..], nocase, skip_longer, nesting + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    s += 1;
                }
                // Nothing after this star matches anywhere in the rest of the text, so no earlier
                // star can help by matching longer: stop the whole search.
                *skip_longer = true;
                return false;
            }
            b'?' => s += 1,
            b'[' => {
                p += 1;
                let negate = at(p) == b'^';
                if negate {
                    p += 1;
                }
                let c = text[s];
                let mut matched = false;
                loop {
                    if at(p) == b'\\' && pattern.len() - p >= 2 {
                        p += 1;
                        if pattern[p] == c {
                            matched = true;
                        }
                    } else if at(p) == b']' {
                        break;
                    } else if p >= pattern.len() {
                        p -= 1;
                        break;
                    } else if pattern.len() - p >= 3 && pattern[p + 1] == b'-' {
                        // Signed comparison, like C's `char` on the platforms Redis ships for.
                        let (mut start, mut end) = (pattern[p] as i8, pattern[p + 2] as i8);
                        let mut ch = c as i8;
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        if nocase {
                            start = (start as u8).to_ascii_lowercase() as i8;
                            end = (end as u8).to_ascii_lowercase() as i8;
                            ch = (ch as u8).to_ascii_lowercase() as i8;
                        }
                        p += 2;
                        if ch >= start && ch <= end {
                            matched = true;
                        }
                    } else if fold(pattern[p], nocase) == fold(c, nocase) {
                        matched = true;
                    }
                    p += 1;
                }
                if matched == negate {
                    return false;
                }
                s += 1;
            }
            other => {
                let mut lit = other;
                if other == b'\\' && pattern.len() - p >= 2 {
                    p += 1;
                    lit = pattern[p];
                }
                if fold(lit, nocase) != fold(text[s], nocase) {
                    return false;
                }
                s += 1;
            }
        }
        p += 1;
        if s == text.len() {
            while at(p) == b'*' {
                p += 1;
            }
            break;
        }
    }
    p >= pattern.len() && s == text.len()
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    fn m(p: &str, s: &str) -> bool {
        glob_match(p.as_bytes(), s.as_bytes(), false)
    }

    #[test]
    fn redis_examples() {
        assert!(m("h?llo", "hello"));
        assert!(m("h*llo", "heeeello"));
        assert!(m("h[ae]llo", "hallo"));
        assert!(!m("h[ae]llo", "hillo"));
        assert!(m("h[^e]llo", "hallo"));
        assert!(!m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo"));
        assert!(m("h[b-a]llo", "hallo"));
        // As in Redis, a lone star needs at least one character; KEYS and SCAN special-case "*".
        assert!(!m("*", ""));
        assert!(m("**", "abc"));
        assert!(m("a*", "a"));
        assert!(!m("a?", "a"));
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "a"));
        assert!(m("[\\]]", "]"));
        assert!(m("*a*b*c", "xxaxxbxxc"));
        assert!(!m("", "a"));
        assert!(m("", ""));
        assert!(m("[abc", "a"), "an unterminated class still matches its members");
        assert!(glob_match(b"HELLO", b"hello", true));
    }

    #[test]
    fn abusive_pattern_terminates_quickly() {
        let pattern = "a*".repeat(30) + "b";
        let text = "a".repeat(60);
        assert!(!m(&pattern, &text));
    }
}
