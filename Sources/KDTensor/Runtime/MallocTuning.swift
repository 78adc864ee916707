#if canImport(Glibc)
    import Glibc
#endif

/// Keeps freed tensor storage inside the process instead of returning it to the kernel.
///
/// A training step allocates and frees the same multi-megabyte activations and gradients every
/// step. With glibc's defaults, blocks above the mmap threshold (dynamic, at most 32 MB) are
/// mapped and unmapped per allocation and the heap top is trimmed on free, so every step
/// page-faults its working set back in (zero-filling each 4 KB page). Raising both thresholds
/// makes the allocator reuse that memory; the cost is that the process keeps its peak heap.
enum MallocTuning {
    /// Applies the settings once; read it before the first large allocation.
    static let applied: Bool = {
        #if canImport(Glibc)
            // <malloc.h> is not part of the Glibc module: look mallopt up at run time.
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
            let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
            let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
            _ = mallopt(mmapThreshold, 512 << 20)
            _ = mallopt(trimThreshold, 1 << 30)
            return true
        #else
            return false
        #endif
    }()
}
