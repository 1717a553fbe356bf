//! A hint to the processor to start loading a cache line.

/// Starts loading the cache line that holds `value` into the caches, without waiting for it
/// (and without any effect on what the program computes).
///
/// A batch pass that works through a long list of positions in a table far larger than the
/// caches asks for the lines of the positions a few steps ahead, so that many misses are in
/// flight while it works on the current one.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    // SAFETY: `_mm_prefetch` is only a hint: it never faults and changes no memory or
    // register the program can observe, whatever the address (here a valid reference). It is
    // `unsafe` only because it is declared with `#[target_feature(enable = "sse")]`, and SSE is
    // part of the x86_64 baseline that every x86_64 target enables.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
