//! Keyspace notifications: `__keyspace@<db>__:<key>` and `__keyevent@<db>__:<event>` messages,
//! filtered by the classes enabled in `notify-keyspace-events`.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use super::{OutputLimit, PubSub};

/// Event classes, one bit per letter of `notify-keyspace-events`.
pub mod class {
    pub const KEYSPACE: u32 = 1 << 0; // K
    pub const KEYEVENT: u32 = 1 << 1; // E
    pub const GENERIC: u32 = 1 << 2; // g
    pub const STRING: u32 = 1 << 3; // $
    pub const LIST: u32 = 1 << 4; // l
    pub const SET: u32 = 1 << 5; // s
    pub const HASH: u32 = 1 << 6; // h
    pub const ZSET: u32 = 1 << 7; // z
    pub const EXPIRED: u32 = 1 << 8; // x
    pub const EVICTED: u32 = 1 << 9; // e
    pub const STREAM: u32 = 1 << 10; // t
    pub const MODULE: u32 = 1 << 11; // d
    pub const KEY_MISS: u32 = 1 << 12; // m
    pub const NEW: u32 = 1 << 13; // n
    /// `A`: every class but key misses and new keys.
    pub const ALL: u32 = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
}

/// The letters of the classes `A` stands for, in the order Redis prints them.
const ALL_LETTERS: [(char, u32); 10] = [
    ('g', class::GENERIC),
    ('$', class::STRING),
    ('l', class::LIST),
    ('s', class::SET),
    ('h', class::HASH),
    ('z', class::ZSET),
    ('x', class::EXPIRED),
    ('e', class::EVICTED),
    ('t', class::STREAM),
    ('d', class::MODULE),
];

/// Parses a `notify-keyspace-events` value; `None` if it has a letter Redis does not know.
pub fn parse_flags(text: &str) -> Option<u32> {
    let mut flags = 0;
    for c in text.chars() {
        flags |= match c {
            'A' => class::ALL,
            'K' => class::KEYSPACE,
            'E' => class::KEYEVENT,
            'm' => class::KEY_MISS,
            'n' => class::NEW,
            _ => ALL_LETTERS.iter().find(|(letter, _)| *letter == c)?.1,
        };
    }
    Some(flags)
}

/// The canonical text of a set of classes, as CONFIG GET shows it (`AKE`, `glE`, ...).
pub fn flags_to_string(flags: u32) -> String {
    let mut out = String::new();
    if flags & class::ALL == class::ALL {
        out.push('A');
    } else {
        out.extend(ALL_LETTERS.iter().filter(|(_, bit)| flags & bit != 0).map(|(letter, _)| letter));
    }
    for (letter, bit) in [('K', class::KEYSPACE), ('E', class::KEYEVENT), ('m', class::KEY_MISS), ('n', class::NEW)] {
        if flags & bit != 0 {
            out.push(letter);
        }
    }
    out
}

/// Settings pub/sub reads on every delivery, shared by the engine (which updates them on CONFIG
/// SET) and the keyspace (which reads them under its own lock), so neither waits for the other.
#[derive(Debug, Default)]
pub struct LiveSettings {
    notify_flags: AtomicU32,
    limit: [AtomicU64; 3],
}

impl LiveSettings {
    pub fn set_notify_flags(&self, flags: u32) {
        self.notify_flags.store(flags, Ordering::Relaxed);
    }

    pub fn notify_flags(&self) -> u32 {
        self.notify_flags.load(Ordering::Relaxed)
    }

    pub fn set_pubsub_limit(&self, limit: OutputLimit) {
        self.limit[0].store(limit.hard_bytes, Ordering::Relaxed);
        self.limit[1].store(limit.soft_bytes, Ordering::Relaxed);
        self.limit[2].store(limit.soft_seconds, Ordering::Relaxed);
    }

    pub fn pubsub_limit(&self) -> OutputLimit {
        OutputLimit {
            hard_bytes: self.limit[0].load(Ordering::Relaxed),
            soft_bytes: self.limit[1].load(Ordering::Relaxed),
            soft_seconds: self.limit[2].load(Ordering::Relaxed),
        }
    }
}

impl PubSub {
    /// Publishes a keyspace event of class `class` named `event` about `key` in `db`, if that
    /// class is enabled and anyone could be listening.
    pub fn notify_keyspace_event(&self, class: u32, event: &str, key: &[u8], db: usize, now_ms: i64) {
        let flags = self.settings.notify_flags();
        if flags & class == 0 || self.is_empty() {
            return;
        }
        let mut db_text = itoa::Buffer::new();
        let db_text = db_text.format(db);
        if flags & class::KEYSPACE != 0 {
            let mut channel = Vec::with_capacity(16 + key.len());
            channel.extend_from_slice(b"__keyspace@");
            channel.extend_from_slice(db_text.as_bytes());
            channel.extend_from_slice(b"__:");
            channel.extend_from_slice(key);
            self.publish(&channel, event.as_bytes(), now_ms);
        }
        if flags & class::KEYEVENT != 0 {
            let channel = format!("__keyevent@{db_text}__:{event}");
            self.publish(channel.as_bytes(), key, now_ms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_text_matches_redis() {
        let cases = [("nmKEA", "AKEmn"), ("Elg", "glE"), ("KEgl$shzxetd", "AKE"), ("Kd", "dK"), ("x", "x"), ("", "")];
        for (input, canonical) in cases {
            assert_eq!(flags_to_string(parse_flags(input).unwrap()), canonical, "{input}");
        }
        assert_eq!(parse_flags("KQ"), None);
    }
}
