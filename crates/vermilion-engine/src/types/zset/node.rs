//! One sorted-set element in one allocation: its score, its member bytes, the skiplist links
//! its height calls for, and the link of the member index's hash chain.
//!
//! Why one allocation: a big sorted set is mostly these nodes, and each extra allocation costs
//! its header and size-class rounding on top of its bytes (measured with 1M 14-byte members:
//! two member copies, an arena slot and a hash-table entry took 188 bytes an element; one
//! node plus an 8-byte bucket takes 79, where Redis takes 116).
//! The member index keeps pointers to these nodes and hashes the member where it lies, so the
//! member is stored once.
//!
//! Layout, 8-byte aligned:
//!
//! ```text
//! Header  score, prev, chain, member_len, height      32 bytes
//! next    [Option<NodePtr>; height]                   8 bytes per level
//! span    [u32; height - 1]                           levels 1.. (a level-0 link spans 1)
//! member  [u8; member_len]
//! ```
//!
//! A `NodePtr` is valid from [`NodePtr::alloc`] until [`NodePtr::free`]. The sorted set frees a
//! node only after unlinking it from both the skiplist and the member index, so every pointer
//! reachable from them is live; the accessors rely on that.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::mem::{align_of, size_of};
use std::ptr::NonNull;

#[repr(C)]
struct Header {
    score: f64,
    /// The previous node on level 0 (`None` for the first), for reverse walks.
    prev: Option<NodePtr>,
    /// The next node in the same bucket of the member index.
    chain: Option<NodePtr>,
    member_len: u32,
    /// How many levels the node is linked on.
    height: u8,
}

/// A pointer to a node (see the module notes for when it is valid).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct NodePtr(NonNull<Header>);

type Link = Option<NodePtr>;

const NEXT_OFFSET: usize = size_of::<Header>();

fn span_offset(height: usize) -> usize {
    NEXT_OFFSET + height * size_of::<Link>()
}

fn member_offset(height: usize) -> usize {
    span_offset(height) + height.saturating_sub(1) * size_of::<u32>()
}

fn layout(height: usize, member_len: usize) -> Layout {
    Layout::from_size_align(member_offset(height) + member_len, align_of::<Header>()).expect("node size fits in memory")
}

impl NodePtr {
    /// A new unlinked node of `height` levels (1 to 255).
    pub fn alloc(member: &[u8], score: f64, height: usize) -> NodePtr {
        let member_len = u32::try_from(member.len()).expect("member shorter than 4 GiB");
        let height_byte = u8::try_from(height).expect("height fits a byte");
        assert!(height >= 1, "a node is linked on level 0 at least");
        let layout = layout(height, member.len());
        // SAFETY: the layout has a non-zero size (the header alone is 32 bytes). Every field is
        // written before the pointer is handed out: the header, `height` null links, the spans
        // and the member bytes, each at its offset inside the block.
        unsafe {
            let base = alloc(layout);
            let Some(header) = NonNull::new(base.cast::<Header>()) else { handle_alloc_error(layout) };
            header.as_ptr().write(Header { score, prev: None, chain: None, member_len, height: height_byte });
            let next = base.add(NEXT_OFFSET).cast::<Link>();
            for level in 0..height {
                next.add(level).write(None);
            }
            let span = base.add(span_offset(height)).cast::<u32>();
            for level in 1..height {
                span.add(level - 1).write(0);
            }
            std::ptr::copy_nonoverlapping(member.as_ptr(), base.add(member_offset(height)), member.len());
            NodePtr(header)
        }
    }

    /// Releases the node.
    ///
    /// # Safety
    /// Nothing may use this pointer, or any copy of it, afterwards.
    pub unsafe fn free(self) {
        let layout = layout(self.height(), self.header().member_len as usize);
        // SAFETY: the block was allocated by `alloc` with this very layout (height and member
        // length never change), and the caller guarantees it is not used again.
        unsafe { dealloc(self.base(), layout) }
    }

    fn base(self) -> *mut u8 {
        self.0.as_ptr().cast()
    }

    fn header<'a>(self) -> &'a Header {
        // SAFETY: the node is live (module invariant) and the header is initialised.
        unsafe { self.0.as_ref() }
    }

    fn header_mut<'a>(self) -> &'a mut Header {
        // SAFETY: as `header`; the sorted set holds no other reference into a node while it
        // changes one.
        unsafe { &mut *self.0.as_ptr() }
    }

    pub fn score(self) -> f64 {
        self.header().score
    }

    pub fn set_score(self, score: f64) {
        self.header_mut().score = score;
    }

    pub fn height(self) -> usize {
        usize::from(self.header().height)
    }

    /// The member bytes. Bound the lifetime by the structure that owns the node.
    pub fn member<'a>(self) -> &'a [u8] {
        let len = self.header().member_len as usize;
        // SAFETY: `len` initialised bytes live at the member offset of a live node.
        unsafe { std::slice::from_raw_parts(self.base().add(member_offset(self.height())), len) }
    }

    pub fn prev(self) -> Link {
        self.header().prev
    }

    pub fn set_prev(self, prev: Link) {
        self.header_mut().prev = prev;
    }

    pub fn chain(self) -> Link {
        self.header().chain
    }

    pub fn set_chain(self, chain: Link) {
        self.header_mut().chain = chain;
    }

    fn next_slot(self, level: usize) -> *mut Link {
        assert!(level < self.height(), "level {level} above a node of height {}", self.height());
        // SAFETY: in bounds of the `height` links that follow the header.
        unsafe { self.base().add(NEXT_OFFSET).cast::<Link>().add(level) }
    }

    /// The successor on `level`.
    pub fn next(self, level: usize) -> Link {
        // SAFETY: an initialised link of a live node.
        unsafe { self.next_slot(level).read() }
    }

    pub fn set_next(self, level: usize, next: Link) {
        // SAFETY: as `next`.
        unsafe { self.next_slot(level).write(next) }
    }

    fn span_slot(self, level: usize) -> *mut u32 {
        debug_assert!((1..self.height()).contains(&level));
        // SAFETY: levels 1..height have a span each, after the links.
        unsafe { self.base().add(span_offset(self.height())).cast::<u32>().add(level - 1) }
    }

    /// How many level-0 steps the link on `level` jumps over: what makes ranks O(log n). Level 0
    /// always spans one step, so it is not stored.
    pub fn span(self, level: usize) -> u32 {
        if level == 0 {
            return 1;
        }
        // SAFETY: an initialised span of a live node.
        unsafe { self.span_slot(level).read() }
    }

    /// Sets the span of a link above level 0 (level 0 spans are implied, and ignored here).
    pub fn set_span(self, level: usize, span: u32) {
        if level > 0 {
            // SAFETY: as `span`.
            unsafe { self.span_slot(level).write(span) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_at_every_height() {
        for height in [1, 2, 5, 32] {
            let node = NodePtr::alloc(b"member:0000001", 2.5, height);
            assert_eq!((node.member(), node.score(), node.height()), (&b"member:0000001"[..], 2.5, height));
            assert_eq!((node.prev(), node.chain()), (None, None));
            let other = NodePtr::alloc(b"", -1.0, 1);
            for level in 0..height {
                assert_eq!(node.next(level), None);
                node.set_next(level, Some(other));
                node.set_span(level, level as u32 + 7);
            }
            for level in 0..height {
                assert_eq!(node.next(level), Some(other));
                assert_eq!(node.span(level), if level == 0 { 1 } else { level as u32 + 7 });
            }
            node.set_score(3.0);
            assert_eq!((node.member(), node.score()), (&b"member:0000001"[..], 3.0));
            // SAFETY: neither node is used again.
            unsafe {
                node.free();
                other.free();
            }
        }
    }

    #[test]
    fn a_short_member_on_one_level_fits_a_64_byte_block() {
        // With glibc's 8-byte chunk header, requests up to 56 bytes use a 64-byte chunk.
        assert_eq!(layout(1, 14).size(), 54);
    }
}
