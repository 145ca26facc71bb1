//! The compact encoding of small hashes (Redis's `listpack`): fields and values alternate in one
//! buffer, each behind a one-byte length, in insertion order. Lookups walk it sequentially, as
//! Redis's do: with a bounded number of short entries that is a cache-friendly scan of one
//! allocation, instead of a node per field.

/// Field/value pairs packed back to back, each entry as `[len: u8][bytes]`.
#[derive(Debug, Clone, Default)]
pub struct PairPack {
    buf: Vec<u8>,
    pairs: usize,
}

/// Where one pair sits in a [`PairPack`]: its field's entry starts at `start`, its value's at
/// `value`, and the pair ends before `end`.
struct PairAt {
    start: usize,
    value: usize,
    end: usize,
}

impl PairPack {
    pub fn len(&self) -> usize {
        self.pairs
    }

    /// The entry at `at` and the offset of the one after it.
    fn entry(&self, at: usize) -> (&[u8], usize) {
        let len = usize::from(self.buf[at]);
        (&self.buf[at + 1..at + 1 + len], at + 1 + len)
    }

    fn push_entry(buf: &mut Vec<u8>, bytes: &[u8]) {
        buf.push(bytes.len() as u8);
        buf.extend_from_slice(bytes);
    }

    fn positions(&self) -> impl Iterator<Item = PairAt> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= self.buf.len() {
                return None;
            }
            let start = at;
            let (_, value) = self.entry(start);
            let (_, end) = self.entry(value);
            at = end;
            Some(PairAt { start, value, end })
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.positions().map(|p| (self.entry(p.start).0, self.entry(p.value).0))
    }

    fn find(&self, field: &[u8]) -> Option<PairAt> {
        self.positions().find(|p| self.entry(p.start).0 == field)
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        self.find(field).map(|p| self.entry(p.value).0)
    }

    /// Replaces the value in place (the field keeps its position) or appends a new pair.
    pub fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        match self.find(field) {
            Some(pair) => {
                let mut entry = Vec::with_capacity(value.len() + 1);
                Self::push_entry(&mut entry, value);
                self.buf.splice(pair.value..pair.end, entry);
                false
            }
            None => {
                Self::push_entry(&mut self.buf, field);
                Self::push_entry(&mut self.buf, value);
                self.pairs += 1;
                true
            }
        }
    }

    pub fn remove(&mut self, field: &[u8]) -> bool {
        let Some(pair) = self.find(field) else {
            return false;
        };
        self.buf.drain(pair.start..pair.end);
        self.pairs -= 1;
        true
    }
}
