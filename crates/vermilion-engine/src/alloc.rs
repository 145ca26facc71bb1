//! A counting global allocator — mimalloc for small blocks, the system allocator for large
//! ones — so `used_memory` reports what is really allocated.
//!
//! The engine is a library and cannot choose the process's allocator; each face that owns its
//! binary (the server, the Python and Node extensions) installs it:
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: vermilion_engine::alloc::Counting = vermilion_engine::alloc::Counting;
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use mimalloc::MiMalloc;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Blocks up to this size come from mimalloc, larger ones from the system allocator.
///
/// A keyspace is millions of small blocks: glibc adds an 8-byte header to each and rounds to 16
/// bytes, where mimalloc has no header and fine size classes (a key `key:0000001` holding 32
/// bytes — a 48-byte entry and a 32-byte value — takes 80 bytes of blocks, 112 with glibc).
/// mimalloc 2 rather than 3: under 3, most 48-byte blocks came from 64-byte pages. Large blocks —
/// a big list's deque, a hash table's buckets — grow by doubling; glibc maps them on their own
/// pages, grows them in place with `mremap` and gives them back at once when freed, where
/// mimalloc copied and kept the old pages (a 1M-element list took 1.5x its size).
const LARGE_BLOCK: usize = 64 * 1024;

/// The allocator that owns blocks of `size` bytes: a pure function of the size, so `dealloc`
/// and `realloc` (which are given the block's layout) always return a block to its owner.
#[inline]
fn is_large(size: usize) -> bool {
    size > LARGE_BLOCK
}

/// The process's allocator for Vermilion's faces, counting live bytes.
pub struct Counting;

// SAFETY: every block is allocated and freed by the same underlying allocator (chosen by its
// size, see `is_large`); a realloc across the boundary moves the bytes to a new block.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = if is_large(layout.size()) { System.alloc(layout) } else { MiMalloc.alloc(layout) };
        if !ptr.is_null() {
            ALLOCATED.fetch_add(block_size(ptr, layout.size()), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        ALLOCATED.fetch_sub(block_size(ptr, layout.size()), Ordering::Relaxed);
        if is_large(layout.size()) {
            System.dealloc(ptr, layout);
        } else {
            MiMalloc.dealloc(ptr, layout);
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = if is_large(layout.size()) { System.alloc_zeroed(layout) } else { MiMalloc.alloc_zeroed(layout) };
        if !ptr.is_null() {
            ALLOCATED.fetch_add(block_size(ptr, layout.size()), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = block_size(ptr, layout.size());
        let new = match (is_large(layout.size()), is_large(new_size)) {
            (false, false) => MiMalloc.realloc(ptr, layout, new_size),
            (true, true) => System.realloc(ptr, layout, new_size),
            _ => {
                // SAFETY: the caller guarantees `new_size`, with the old alignment, is a valid layout.
                let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                let new = if is_large(new_size) { System.alloc(new_layout) } else { MiMalloc.alloc(new_layout) };
                if !new.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    if is_large(layout.size()) {
                        System.dealloc(ptr, layout);
                    } else {
                        MiMalloc.dealloc(ptr, layout);
                    }
                }
                new
            }
        };
        if !new.is_null() {
            INSTALLED.store(true, Ordering::Relaxed);
            ALLOCATED.fetch_add(block_size(new, new_size), Ordering::Relaxed);
            ALLOCATED.fetch_sub(old, Ordering::Relaxed);
        }
        new
    }
}

/// What a block really takes — its size class, as Redis counts with `zmalloc_size` — so
/// `used_memory` follows the process's real growth instead of the bytes asked for.
#[inline]
unsafe fn block_size(ptr: *mut u8, size: usize) -> usize {
    if !is_large(size) {
        return MiMalloc.usable_size(ptr);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_usable_size(ptr: *mut std::ffi::c_void) -> usize;
        }
        // glibc keeps a word of bookkeeping before each block.
        malloc_usable_size(ptr.cast()) + std::mem::size_of::<usize>()
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = ptr;
        size
    }
}

/// Gives free pages back to the operating system, as MEMORY PURGE asks: mimalloc's, and glibc's
/// heap (`malloc_trim`).
pub fn release_free_memory() {
    // SAFETY: a forced collection only walks the allocator's own structures.
    unsafe { libmimalloc_sys::mi_collect(true) };
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim only walks the allocator's own free lists.
        unsafe { malloc_trim(0) };
    }
}

/// Bytes currently allocated through [`Counting`], or `None` if no face installed it.
pub fn allocated_bytes() -> Option<usize> {
    let n = ALLOCATED.load(Ordering::Relaxed);
    (n > 0 || INSTALLED.load(Ordering::Relaxed)).then_some(n)
}

/// The process's resident set size, from `/proc/self/statm` where available.
pub fn resident_bytes() -> usize {
    let page = 4096;
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|v| v.parse::<usize>().ok()))
        .map_or(0, |pages| pages * page)
}
