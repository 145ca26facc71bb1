//! One field/value pair in a single heap block: the node of a [`PairTable`](super::table::PairTable)
//! chain.
//!
//! Layout: `[next: Option<PairNode>][field length: varint][value length: varint][field][value]`.
//! A big hash pays one allocation per pair instead of three (node, field, value): with glibc's
//! 16-byte chunks and 8-byte headers, a 13-byte field and a 10-byte value take one 48-byte chunk
//! instead of 48 + 32 + 32 bytes.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;

/// Bytes of the chain link at the start of every block.
const LINK: usize = size_of::<Option<PairNode>>();

/// An owned field/value pair plus the link to the next node of its chain. Dropping a node drops
/// the rest of its chain, iteratively.
#[repr(transparent)]
pub struct PairNode(NonNull<u8>);

// SAFETY: a node owns its block exclusively, like a `Box<[u8]>`; nothing in it is shared.
unsafe impl Send for PairNode {}
// SAFETY: `&PairNode` only hands out shared reads of the block.
unsafe impl Sync for PairNode {}

// A link is one pointer: `Option<PairNode>` uses the null niche of the `NonNull` it wraps.
const _: () = assert!(LINK == size_of::<usize>());

/// LEB128: seven bits a byte, low bits first, the top bit set on every byte but the last.
fn put_varint(out: &mut [u8], mut n: usize) -> usize {
    let mut i = 0;
    while n >= 0x80 {
        out[i] = (n as u8) | 0x80;
        n >>= 7;
        i += 1;
    }
    out[i] = n as u8;
    i + 1
}

/// Reads a varint written by [`put_varint`]; returns it and the bytes it took.
///
/// # Safety
/// `at` must point at a complete varint inside a live block.
unsafe fn read_varint(at: *const u8) -> (usize, usize) {
    let (mut n, mut shift, mut i) = (0usize, 0, 0);
    loop {
        // SAFETY: the caller guarantees the varint's bytes are in the block.
        let byte = unsafe { *at.add(i) };
        n |= usize::from(byte & 0x7F) << shift;
        i += 1;
        if byte < 0x80 {
            return (n, i);
        }
        shift += 7;
    }
}

/// Where a node's parts sit in its block.
struct Parts {
    field_len: usize,
    value_len: usize,
    /// Offset of the field's first byte; the value follows it.
    field_at: usize,
}

impl Parts {
    fn block_size(&self) -> usize {
        self.field_at + self.field_len + self.value_len
    }
}

fn block_layout(size: usize) -> Layout {
    Layout::from_size_align(size, align_of::<Option<PairNode>>()).expect("a hash pair fits in memory")
}

impl PairNode {
    pub fn new(field: &[u8], value: &[u8], next: Option<PairNode>) -> PairNode {
        let mut header = [0u8; 2 * 10];
        let mut used = put_varint(&mut header, field.len());
        used += put_varint(&mut header[used..], value.len());
        let layout = block_layout(LINK + used + field.len() + value.len());
        // SAFETY: the block is allocated with `layout`, which is large enough for the link, the
        // header and both byte strings written below, and aligned for the link.
        unsafe {
            let block = alloc(layout);
            let Some(block) = NonNull::new(block) else { handle_alloc_error(layout) };
            block.as_ptr().cast::<Option<PairNode>>().write(next);
            let mut at = block.as_ptr().add(LINK);
            at.copy_from_nonoverlapping(header.as_ptr(), used);
            at = at.add(used);
            at.copy_from_nonoverlapping(field.as_ptr(), field.len());
            at.add(field.len()).copy_from_nonoverlapping(value.as_ptr(), value.len());
            PairNode(block)
        }
    }

    fn parts(&self) -> Parts {
        // SAFETY: every block starts with the link and the two varints `new` wrote.
        unsafe {
            let header = self.0.as_ptr().add(LINK);
            let (field_len, a) = read_varint(header);
            let (value_len, b) = read_varint(header.add(a));
            Parts { field_len, value_len, field_at: LINK + a + b }
        }
    }

    pub fn field(&self) -> &[u8] {
        self.pair().0
    }

    pub fn value(&self) -> &[u8] {
        self.pair().1
    }

    pub fn pair(&self) -> (&[u8], &[u8]) {
        let p = self.parts();
        // SAFETY: both ranges lie inside the block, which lives as long as `self`.
        unsafe {
            let field = self.0.as_ptr().add(p.field_at);
            (
                std::slice::from_raw_parts(field, p.field_len),
                std::slice::from_raw_parts(field.add(p.field_len), p.value_len),
            )
        }
    }

    pub fn next(&self) -> Option<&PairNode> {
        // SAFETY: the block starts with an initialized, aligned `Option<PairNode>`.
        unsafe { (*self.0.as_ptr().cast::<Option<PairNode>>()).as_ref() }
    }

    pub fn next_mut(&mut self) -> &mut Option<PairNode> {
        // SAFETY: as in `next`; `&mut self` makes the access exclusive.
        unsafe { &mut *self.0.as_ptr().cast::<Option<PairNode>>() }
    }

    /// This pair with another value. A value of the same length is overwritten in place (as
    /// HINCRBY's often is); otherwise the pair moves to a new block, keeping its chain link.
    pub fn with_value(mut self, value: &[u8]) -> PairNode {
        let p = self.parts();
        if p.value_len == value.len() {
            // SAFETY: the value's bytes lie inside the block and `self` owns it exclusively.
            unsafe {
                let at = self.0.as_ptr().add(p.field_at + p.field_len);
                at.copy_from_nonoverlapping(value.as_ptr(), value.len());
            }
            return self;
        }
        let next = self.next_mut().take();
        PairNode::new(self.field(), value, next)
    }
}

impl Drop for PairNode {
    fn drop(&mut self) {
        // Unlink the rest of the chain first and drop it node by node: a recursive drop of a
        // long chain could overflow the stack.
        let mut rest = self.next_mut().take();
        while let Some(mut node) = rest {
            rest = node.next_mut().take();
        }
        let layout = block_layout(self.parts().block_size());
        // SAFETY: the block was allocated by `new` with this very layout (same lengths).
        unsafe { dealloc(self.0.as_ptr(), layout) }
    }
}

impl std::fmt::Debug for PairNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (field, value) = self.pair();
        f.debug_tuple("PairNode").field(&String::from_utf8_lossy(field)).field(&String::from_utf8_lossy(value)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_field_value_and_link() {
        let tail = PairNode::new(b"", b"", None);
        let long = vec![b'x'; 300];
        let mut head = PairNode::new(b"field", &long, Some(tail));
        assert_eq!(head.pair(), (&b"field"[..], &long[..]));
        assert_eq!(head.next().map(PairNode::pair), Some((&b""[..], &b""[..])));
        head = head.with_value(b"short");
        assert_eq!(head.pair(), (&b"field"[..], &b"short"[..]));
        head = head.with_value(b"SHORT");
        assert_eq!(head.value(), b"SHORT");
        assert!(head.next().is_some(), "the link survives a new value");
        assert!(head.next_mut().take().is_some());
        assert!(head.next().is_none());
    }

    fn varint_len(mut n: usize) -> usize {
        let mut len = 1;
        while n >= 0x80 {
            n >>= 7;
            len += 1;
        }
        len
    }

    #[test]
    fn varints_round_trip() {
        for n in [0, 1, 127, 128, 16_383, 16_384, usize::MAX] {
            let mut buf = [0u8; 10];
            let used = put_varint(&mut buf, n);
            assert_eq!(used, varint_len(n));
            // SAFETY: `buf` holds the complete varint just written.
            assert_eq!(unsafe { read_varint(buf.as_ptr()) }, (n, used));
        }
    }

    #[test]
    fn long_chains_drop_without_recursion() {
        let mut head = None;
        for i in 0..200_000u32 {
            head = Some(PairNode::new(&i.to_be_bytes(), b"v", head));
        }
        drop(head);
    }
}
