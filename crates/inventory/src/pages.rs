//! Asking the kernel to back the ledger's large tables with huge pages.
//!
//! The id table and the positions are hundreds of megabytes read at random: with 4 KiB pages
//! nearly every read also misses the TLB and walks the page tables, with 2 MiB pages the
//! translations of the whole table fit in the TLB. On Linux, whose transparent huge pages are
//! often enabled only for memory that asks for them (`madvise` mode), [`advise_huge_pages`]
//! asks; elsewhere it does nothing.

/// Smaller blocks are left alone (a huge page would not fit in them, or not pay).
const MIN_BYTES: usize = 4 << 20;

/// Advises the kernel to back the 2 MiB-aligned part of `items`' memory with huge pages. It
/// changes no value and no address; it only changes how fast they are reached.
pub(crate) fn advise_huge_pages<T>(items: &[T]) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let bytes = std::mem::size_of_val(items);
        if bytes < MIN_BYTES {
            return;
        }
        let start = items.as_ptr() as usize;
        let aligned = start.next_multiple_of(HUGE);
        let end = (start + bytes) / HUGE * HUGE;
        if end > aligned {
            #[allow(unsafe_code)]
            // SAFETY: `madvise` with `MADV_HUGEPAGE` only sets a hint on the mapping of this
            // range, which lies inside memory `items` borrows (rounded inwards to whole huge
            // pages): it reads and writes no memory, and the contents stay what they are. Its
            // result is ignored on purpose: a kernel without transparent huge pages refuses,
            // and the memory then stays in 4 KiB pages as before.
            unsafe {
                libc::madvise(aligned as *mut libc::c_void, end - aligned, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (items, MIN_BYTES);
}

/// `len` copies of `value` in memory advised as huge pages (see [`advise_huge_pages`]) and
/// written at once, so that its page faults happen here rather than spread over the first
/// accesses (`vec![value; len]` of zeros gets memory the kernel maps lazily, one fault per
/// page on first write).
pub(crate) fn filled<T: Clone>(len: usize, value: T) -> Vec<T> {
    let mut items = Vec::with_capacity(len);
    advise_huge_pages(items.spare_capacity_mut());
    items.resize(len, value);
    items
}
