//! The global allocator: the system one, asking for transparent huge pages on big blocks.
//!
//! A 2M-user tenant has hash tables of 60–130 MB that fixture loading probes at random, and
//! about 2 GB that it writes once. With 4 KiB pages each probe also misses the TLB and each
//! 4 KiB costs a page fault; 2 MiB pages remove most of both. Linux only, and only when the
//! kernel's THP mode is `madvise` or `always`; elsewhere this is the system allocator.

use std::alloc::{GlobalAlloc, Layout, System};

pub struct HugeAlloc;

/// Blocks this big (and bigger) are advised; glibc maps them with `mmap` on their own.
const HUGE: usize = 4 << 20;

#[cfg(target_os = "linux")]
fn advise(p: *mut u8, size: usize) {
    const PAGE: usize = 2 << 20;
    let start = (p as usize).next_multiple_of(PAGE);
    let end = (p as usize + size) & !(PAGE - 1);
    if end > start {
        // SAFETY: the range lies inside a block we own; MADV_HUGEPAGE changes no contents.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_: *mut u8, _: usize) {}

// SAFETY: every call goes to `System`; `advise` only sets a hint on memory `System` returned.
unsafe impl GlobalAlloc for HugeAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if layout.size() >= HUGE && !p.is_null() {
            advise(p, layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if layout.size() >= HUGE && !p.is_null() {
            advise(p, layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) }
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if new_size >= HUGE && !q.is_null() {
            advise(q, new_size);
        }
        q
    }
}

/// Faults in the whole pages inside `start..start + len` for writing, ahead of their use, so
/// another thread's first writes there do not stop for the kernel to zero them. Contents do not
/// change (pages already there are left as they are), so this is safe on any range; it is a hint,
/// and does nothing off Linux or on kernels before 5.14.
pub fn populate(start: usize, len: usize) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let from = start.next_multiple_of(PAGE);
        let to = (start + len) & !(PAGE - 1);
        if to > from {
            // SAFETY: MADV_POPULATE_WRITE only faults pages in; it never changes their contents.
            unsafe {
                libc::madvise(
                    from as *mut libc::c_void,
                    to - from,
                    libc::MADV_POPULATE_WRITE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, len);
}
