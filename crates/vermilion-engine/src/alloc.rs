//! A counting global allocator, so `used_memory` reports what is really allocated.
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

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The system allocator, counting live bytes.
pub struct Counting;

// SAFETY: forwards every call to the system allocator unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        if !ptr.is_null() {
            ALLOCATED.fetch_add(block_size(ptr, layout.size()), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        ALLOCATED.fetch_sub(block_size(ptr, layout.size()), Ordering::Relaxed);
        System.dealloc(ptr, layout);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc_zeroed(layout);
        if !ptr.is_null() {
            ALLOCATED.fetch_add(block_size(ptr, layout.size()), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = block_size(ptr, layout.size());
        let new = System.realloc(ptr, layout, new_size);
        if !new.is_null() {
            INSTALLED.store(true, Ordering::Relaxed);
            ALLOCATED.fetch_add(block_size(new, new_size), Ordering::Relaxed);
            ALLOCATED.fetch_sub(old, Ordering::Relaxed);
        }
        new
    }
}

/// What a block really takes: the allocator's usable size (its size class, as Redis counts with
/// `zmalloc_size`) plus the word of bookkeeping glibc keeps before each block, so `used_memory`
/// follows the process's real growth instead of the bytes asked for.
#[inline]
unsafe fn block_size(ptr: *mut u8, requested: usize) -> usize {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_usable_size(ptr: *mut std::ffi::c_void) -> usize;
        }
        let _ = requested;
        malloc_usable_size(ptr.cast()) + std::mem::size_of::<usize>()
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = ptr;
        requested
    }
}

/// Gives free heap pages back to the operating system (glibc's `malloc_trim`), as MEMORY PURGE
/// asks; elsewhere there is nothing to do.
pub fn release_free_memory() {
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
