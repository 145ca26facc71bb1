//! Lists, in Redis 7.2's two encodings.
//!
//! A small list is one packed buffer (`listpack`): the elements back to back plus their end
//! offsets, a few bytes per element. A list that outgrows one packed node becomes a deque of
//! elements (`quicklist`), short elements stored inline, with O(1) work at both ends and O(1)
//! access by index, so LRANGE on ten million elements costs only the range it returns.
//!
//! The switch follows Redis's own rule, measured in listpack bytes: a list converts when its
//! listpack would pass `list-max-listpack-size` (8 KB), and converts back once it fits in half of
//! that. Redis also requires the quicklist to be down to a single node before converting back;
//! a deque has no nodes, so a list whose few remaining elements straddle two Redis nodes is
//! reported as `listpack` here one step earlier than Redis would.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Range;

use crate::util::parse_i64;

/// Redis's `list-max-listpack-size -2`: one packed node holds at most 8 KB.
pub const LISTPACK_MAX_BYTES: usize = 8192;
/// A quicklist converts back only below half the limit, so a list hovering at the limit does
/// not flap between encodings on every push and pop.
pub const LISTPACK_SHRINK_BYTES: usize = LISTPACK_MAX_BYTES / 2;
/// Not a Redis limit: Redis counts an empty string as zero bytes when it decides, so one push of
/// many empty strings could build a listpack of any length. Any other element takes at least a
/// byte, so this bound changes only that case, and keeps every packed operation small.
const LISTPACK_MAX_ENTRIES: usize = LISTPACK_MAX_BYTES;
/// A listpack's header (total bytes, element count) and its end marker.
const LISTPACK_OVERHEAD: usize = 7;
/// Elements up to this length live inside a quicklist slot without an allocation of their own.
const INLINE_CAPACITY: usize = 22;

/// Which end of a list: Redis's `LIST_HEAD` (left) and `LIST_TAIL` (right).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Head,
    Tail,
}

/// A list value.
#[derive(Debug, Clone, Default)]
pub struct ListValue {
    elements: Elements,
    /// The bytes the elements would take in a listpack (header excluded), which decides the
    /// encoding.
    packed_size: usize,
}

#[derive(Debug, Clone)]
enum Elements {
    Listpack(Packed),
    Quicklist(VecDeque<Element>),
}

impl Default for Elements {
    fn default() -> Self {
        Elements::Listpack(Packed::default())
    }
}

impl ListValue {
    pub fn new() -> Self {
        ListValue::default()
    }

    pub fn len(&self) -> usize {
        match &self.elements {
            Elements::Listpack(p) => p.len(),
            Elements::Quicklist(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn encoding_name(&self) -> &'static str {
        match self.elements {
            Elements::Listpack(_) => "listpack",
            Elements::Quicklist(_) => "quicklist",
        }
    }

    /// The element at `index`, counting from 0 at the head.
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        match &self.elements {
            Elements::Listpack(p) => (index < p.len()).then(|| p.get(index)),
            Elements::Quicklist(d) => d.get(index).map(Element::as_bytes),
        }
    }

    /// Turns a Redis index (negative counts from the tail) into a position, if it is in range.
    pub fn resolve(&self, index: i64) -> Option<usize> {
        let len = self.len() as i64;
        let index = if index < 0 { len + index } else { index };
        (0..len).contains(&index).then_some(index as usize)
    }

    /// The elements in `range`, head to tail; iterate `.rev()` for tail to head.
    pub fn range(&self, range: Range<usize>) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        let end = range.end.min(self.len());
        (range.start.min(end)..end).map(move |i| self.get(i).expect("index within the list"))
    }

    /// Every element, head to tail.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        self.range(0..self.len())
    }

    /// Pushes each element in turn at `end` (so LPUSH a b c leaves c at the head).
    pub fn push(&mut self, elements: &[&[u8]], end: End) {
        self.grow_check(elements.iter().map(|e| e.len()).sum(), elements.len());
        self.packed_size += elements.iter().map(|e| packed_entry_size(e)).sum::<usize>();
        match (&mut self.elements, end) {
            (Elements::Listpack(p), End::Head) => p.prepend_reversed(elements),
            (Elements::Listpack(p), End::Tail) => elements.iter().for_each(|e| p.append(e)),
            (Elements::Quicklist(d), End::Head) => elements.iter().for_each(|e| d.push_front(Element::new(e))),
            (Elements::Quicklist(d), End::Tail) => elements.iter().for_each(|e| d.push_back(Element::new(e))),
        }
    }

    /// Removes and returns the element at `end`.
    pub fn pop(&mut self, end: End) -> Option<Vec<u8>> {
        let mut popped = self.pop_many(1, end);
        popped.pop()
    }

    /// Removes up to `count` elements from `end`, returned in popping order.
    pub fn pop_many(&mut self, count: usize, end: End) -> Vec<Vec<u8>> {
        let count = count.min(self.len());
        let popped = match end {
            End::Head => self.take(0..count),
            End::Tail => {
                let mut tail = self.take(self.len() - count..self.len());
                tail.reverse();
                tail
            }
        };
        self.shrink_check();
        popped
    }

    /// Replaces the element at a Redis index; false if the index is out of range. As in Redis,
    /// the list is readied for the new element before the index is checked.
    pub fn set(&mut self, index: i64, element: &[u8]) -> bool {
        self.grow_check(element.len(), 1);
        let Some(at) = self.resolve(index) else {
            return false;
        };
        let replaced = packed_entry_size(self.get(at).expect("resolved"));
        self.packed_size = self.packed_size - replaced + packed_entry_size(element);
        match &mut self.elements {
            Elements::Listpack(p) => p.replace(at, element),
            Elements::Quicklist(d) => d[at] = Element::new(element),
        }
        self.shrink_check();
        true
    }

    /// Inserts `element` next to the first occurrence of `pivot` (after it, or before); false if
    /// there is no pivot. As in Redis, the list is readied for the new element before the search.
    pub fn insert_beside(&mut self, pivot: &[u8], element: &[u8], after: bool) -> bool {
        self.grow_check(element.len(), 1);
        let Some(found) = self.iter().position(|e| e == pivot) else {
            return false;
        };
        self.insert_at(found + usize::from(after), element);
        true
    }

    /// Removes elements equal to `element`: the first `limit` met walking from `from`, or all of
    /// them when `limit` is 0. Returns how many went. One pass, however many match.
    pub fn remove_matching(&mut self, element: &[u8], limit: usize, from: End) -> usize {
        // The window of positions whose matches go: everything, or up to the limit-th match.
        let mut window = 0..self.len();
        if limit > 0 {
            let matches = self.iter().enumerate();
            let last_to_remove = match from {
                End::Head => matches.filter(|(_, e)| *e == element).nth(limit - 1),
                End::Tail => matches.rev().filter(|(_, e)| *e == element).nth(limit - 1),
            };
            if let Some((last, _)) = last_to_remove {
                window = match from {
                    End::Head => 0..last + 1,
                    End::Tail => last..self.len(),
                };
            }
        }
        let removed = self.retain(|i, e| !(window.contains(&i) && e == element));
        if removed > 0 {
            self.shrink_check();
        }
        removed
    }

    /// Keeps only the elements in `keep` (clamped to the list); returns how many were removed.
    pub fn trim(&mut self, keep: Range<usize>) -> usize {
        let len = self.len();
        let keep = keep.start.min(len)..keep.end.clamp(keep.start.min(len), len);
        self.discard(keep.end..len);
        self.discard(0..keep.start);
        self.shrink_check();
        len - self.len()
    }

    /// Before adding `added` elements of `added_bytes` in total: a listpack that would pass the
    /// limit becomes a quicklist (Redis's `listTypeTryConversionAppend`, which weighs the new
    /// elements by their length alone).
    fn grow_check(&mut self, added_bytes: usize, added: usize) {
        let Elements::Listpack(packed) = &self.elements else {
            return;
        };
        let too_big = LISTPACK_OVERHEAD + self.packed_size + added_bytes > LISTPACK_MAX_BYTES;
        if too_big || packed.len() + added > LISTPACK_MAX_ENTRIES {
            let deque = (0..packed.len()).map(|i| Element::new(packed.get(i))).collect();
            self.elements = Elements::Quicklist(deque);
        }
    }

    /// After removing elements: a quicklist that fits in half a node becomes a listpack again.
    fn shrink_check(&mut self) {
        let Elements::Quicklist(deque) = &self.elements else {
            return;
        };
        if LISTPACK_OVERHEAD + self.packed_size <= LISTPACK_SHRINK_BYTES {
            let mut packed = Packed::default();
            deque.iter().for_each(|e| packed.append(e.as_bytes()));
            self.elements = Elements::Listpack(packed);
        }
    }

    fn insert_at(&mut self, at: usize, element: &[u8]) {
        self.packed_size += packed_entry_size(element);
        match &mut self.elements {
            Elements::Listpack(p) => p.insert(at, element),
            Elements::Quicklist(d) => d.insert(at, Element::new(element)),
        }
    }

    /// Removes the elements in `range` and returns them in order.
    fn take(&mut self, range: Range<usize>) -> Vec<Vec<u8>> {
        let taken: Vec<Vec<u8>> = match &mut self.elements {
            Elements::Listpack(p) => {
                let taken = range.clone().map(|i| p.get(i).to_vec()).collect();
                p.remove_range(range);
                taken
            }
            Elements::Quicklist(d) => d.drain(range).map(Element::into_vec).collect(),
        };
        self.packed_size -= taken.iter().map(|e| packed_entry_size(e)).sum::<usize>();
        taken
    }

    /// Removes the elements in `range` without copying them out.
    fn discard(&mut self, range: Range<usize>) {
        let freed: usize = self.range(range.clone()).map(packed_entry_size).sum();
        self.packed_size -= freed;
        match &mut self.elements {
            Elements::Listpack(p) => p.remove_range(range),
            Elements::Quicklist(d) => drop(d.drain(range)),
        }
    }

    /// Keeps the elements for which `keep(position, element)` holds; returns how many went.
    fn retain(&mut self, mut keep: impl FnMut(usize, &[u8]) -> bool) -> usize {
        let before = self.len();
        let mut freed = 0;
        let mut position = 0;
        let mut decide = |element: &[u8]| {
            let kept = keep(position, element);
            position += 1;
            if !kept {
                freed += packed_entry_size(element);
            }
            kept
        };
        match &mut self.elements {
            Elements::Listpack(p) => p.retain(decide),
            Elements::Quicklist(d) => d.retain(|e| decide(e.as_bytes())),
        }
        self.packed_size -= freed;
        before - self.len()
    }
}

/// The bytes one element takes in a listpack: its encoding (integers packed in 1 to 9 bytes,
/// strings after a 1, 2 or 5 byte length) plus the back-length that lets a listpack walk
/// backwards.
fn packed_entry_size(element: &[u8]) -> usize {
    // Listpacks store text as an integer when it is one by Redis's string2ll rules.
    const LONGEST_INTEGER_TEXT: usize = 20;
    let encoded = match (element.len() <= LONGEST_INTEGER_TEXT).then(|| parse_i64(element)).flatten() {
        Some(0..=127) => 1,
        Some(-4096..=4095) => 2,
        Some(-32_768..=32_767) => 3,
        Some(-8_388_608..=8_388_607) => 4,
        Some(-2_147_483_648..=2_147_483_647) => 5,
        Some(_) => 9,
        None if element.len() < 64 => 1 + element.len(),
        None if element.len() < 4096 => 2 + element.len(),
        None => 5 + element.len(),
    };
    let back_length = match encoded {
        0..=127 => 1,
        128..=16_382 => 2,
        16_383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    };
    encoded + back_length
}

/// A small list's elements packed in one buffer. Everything here is O(n) on a buffer bounded by
/// the listpack limit, as in Redis's listpack.
#[derive(Debug, Clone, Default)]
struct Packed {
    /// The elements' bytes, back to back.
    bytes: Vec<u8>,
    /// Where each element ends in `bytes`. The buffer stays near 8 KB, so `u32` is ample.
    ends: Vec<u32>,
}

impl Packed {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn start(&self, index: usize) -> usize {
        if index == 0 { 0 } else { self.ends[index - 1] as usize }
    }

    fn span(&self, index: usize) -> Range<usize> {
        self.start(index)..self.ends[index] as usize
    }

    fn get(&self, index: usize) -> &[u8] {
        &self.bytes[self.span(index)]
    }

    /// Moves the ends of the elements from `first` on by `delta` bytes.
    fn shift_ends(&mut self, first: usize, delta: isize) {
        for end in &mut self.ends[first..] {
            *end = (*end as isize + delta) as u32;
        }
    }

    fn append(&mut self, element: &[u8]) {
        self.bytes.extend_from_slice(element);
        self.ends.push(self.bytes.len() as u32);
    }

    /// Pushes each element in turn at the head, in one pass over the buffer.
    fn prepend_reversed(&mut self, elements: &[&[u8]]) {
        let added: usize = elements.iter().map(|e| e.len()).sum();
        let mut merged = Packed {
            bytes: Vec::with_capacity(self.bytes.len() + added),
            ends: Vec::with_capacity(self.len() + elements.len()),
        };
        elements.iter().rev().for_each(|e| merged.append(e));
        (0..self.len()).for_each(|i| merged.append(self.get(i)));
        *self = merged;
    }

    fn insert(&mut self, index: usize, element: &[u8]) {
        let at = self.start(index);
        self.bytes.splice(at..at, element.iter().copied());
        self.ends.insert(index, at as u32);
        self.shift_ends(index, element.len() as isize);
    }

    fn replace(&mut self, index: usize, element: &[u8]) {
        let span = self.span(index);
        let delta = element.len() as isize - span.len() as isize;
        self.bytes.splice(span, element.iter().copied());
        self.shift_ends(index, delta);
    }

    fn remove_range(&mut self, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let bytes = self.start(range.start)..self.start(range.end);
        self.bytes.drain(bytes.clone());
        self.ends.drain(range.clone());
        self.shift_ends(range.start, -(bytes.len() as isize));
    }

    /// Rebuilds the buffer with only the elements `keep` accepts, in one pass.
    fn retain(&mut self, mut keep: impl FnMut(&[u8]) -> bool) {
        let mut kept = Packed { bytes: Vec::with_capacity(self.bytes.len()), ends: Vec::with_capacity(self.len()) };
        (0..self.len()).map(|i| self.get(i)).filter(|e| keep(e)).for_each(|e| kept.append(e));
        *self = kept;
    }
}

/// One element of a large list: short ones inline in the deque's slot (no allocation, 24 bytes
/// in all), longer ones on the heap.
#[derive(Clone)]
enum Element {
    Inline(u8, [u8; INLINE_CAPACITY]),
    Heap(Box<[u8]>),
}

impl Element {
    fn new(bytes: &[u8]) -> Self {
        if bytes.len() <= INLINE_CAPACITY {
            let mut inline = [0; INLINE_CAPACITY];
            inline[..bytes.len()].copy_from_slice(bytes);
            Element::Inline(bytes.len() as u8, inline)
        } else {
            Element::Heap(bytes.into())
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Element::Inline(len, bytes) => &bytes[..*len as usize],
            Element::Heap(bytes) => bytes,
        }
    }

    fn into_vec(self) -> Vec<u8> {
        match self {
            Element::Inline(..) => self.as_bytes().to_vec(),
            Element::Heap(bytes) => bytes.into_vec(),
        }
    }
}

impl fmt::Debug for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_of(elements: &[&str]) -> ListValue {
        let mut list = ListValue::new();
        let bytes: Vec<&[u8]> = elements.iter().map(|e| e.as_bytes()).collect();
        list.push(&bytes, End::Tail);
        list
    }

    fn contents(list: &ListValue) -> Vec<String> {
        list.iter().map(|e| String::from_utf8_lossy(e).into_owned()).collect()
    }

    #[test]
    fn entry_sizes_follow_the_listpack_format() {
        assert_eq!(packed_entry_size(b"7"), 2);
        assert_eq!(packed_entry_size(b"-1"), 3);
        assert_eq!(packed_entry_size(b"100000"), 5);
        assert_eq!(packed_entry_size(b"9223372036854775807"), 10);
        assert_eq!(packed_entry_size(b"007"), 5);
        assert_eq!(packed_entry_size(b""), 2);
        assert_eq!(packed_entry_size(&[b'a'; 63]), 65);
        assert_eq!(packed_entry_size(&[b'a'; 64]), 67);
        assert_eq!(packed_entry_size(&[b'a'; 5000]), 5007);
    }

    #[test]
    fn elements_are_compact() {
        assert_eq!(std::mem::size_of::<Element>(), 24);
        assert_eq!(Element::new(&[b'x'; 22]).as_bytes(), &[b'x'; 22]);
        assert!(matches!(Element::new(&[b'x'; 23]), Element::Heap(_)));
    }

    #[test]
    fn converts_at_the_limit_and_back_below_half() {
        let big = "x".repeat(4000);
        let mut list = list_of(&[&big, &big]);
        assert_eq!(list.encoding_name(), "listpack");
        list.push(&[&[b'y'; 200]], End::Tail);
        assert_eq!(list.encoding_name(), "quicklist");
        list.pop(End::Tail);
        assert_eq!(list.encoding_name(), "quicklist", "no flapping just under the limit");
        list.pop(End::Head);
        assert_eq!(list.encoding_name(), "listpack");
        assert_eq!(contents(&list), [big]);
    }

    #[test]
    fn empty_strings_cannot_grow_a_listpack_without_bound() {
        let mut list = ListValue::new();
        list.push(&vec![&b""[..]; LISTPACK_MAX_ENTRIES], End::Tail);
        assert_eq!(list.encoding_name(), "listpack", "Redis weighs empty strings as nothing");
        let mut list = ListValue::new();
        list.push(&vec![&b""[..]; LISTPACK_MAX_ENTRIES + 1], End::Head);
        assert_eq!(list.encoding_name(), "quicklist");
    }

    #[test]
    fn both_encodings_edit_alike() {
        // The same edits on a listpack, and on a quicklist kept large by a long first element.
        for (filler, encoding) in [("f".to_string(), "listpack"), ("f".repeat(9000), "quicklist")] {
            let mut list = list_of(&[&filler, "1", "2", "3", "2", "1"]);
            assert_eq!(list.encoding_name(), encoding);
            list.push(&[b"0"], End::Tail);
            assert!(list.insert_beside(b"3", b"three", true));
            assert!(!list.insert_beside(b"nope", b"x", false));
            assert!(list.set(-1, b"last"));
            assert!(!list.set(8, b"x"));
            assert_eq!(list.remove_matching(b"2", 1, End::Tail), 1);
            assert_eq!(list.pop(End::Tail), Some(b"last".to_vec()));
            assert_eq!(list.pop_many(2, End::Head)[1], b"1");
            list.push(&[b"a", b"b"], End::Head);
            assert_eq!(list.trim(1..4), 3);
            assert_eq!(contents(&list), ["a", "2", "3"]);
            assert_eq!(list.encoding_name(), "listpack");
            let recomputed: usize = list.iter().map(packed_entry_size).sum();
            assert_eq!(list.packed_size, recomputed);
        }
    }
}
