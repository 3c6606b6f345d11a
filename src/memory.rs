//! Returns the memory that the allocator keeps free to the system between
//! the steps of a build.

/// Returns to the system the memory that mimalloc, the program's allocator,
/// keeps free.
///
/// mimalloc keeps freed pages for later allocations and returns them only
/// after a delay, so the memory that loading freed stayed in the process
/// while the pages were rendered. At 100,000 families, calling this after
/// the load and before the status page lowered the peak by about 15 MB.
/// With another allocator the call does nothing useful.
pub fn release_free_memory() {
    // SAFETY: `mi_collect` takes no pointer and only frees memory that
    // mimalloc keeps unused, so no allocation of the program is affected.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
