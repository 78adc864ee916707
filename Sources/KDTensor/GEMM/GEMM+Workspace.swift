import Foundation

/// Reusable 64-byte-aligned packing buffers. Allocating multi-megabyte buffers per call would
/// cost a page fault per 4 KB on first touch, which is a measurable share of a mid-size GEMM;
/// buffers are therefore kept and handed out again. Concurrent GEMM calls each take their own.
enum GEMMWorkspace {
    private struct Buffer {
        let base: UnsafeMutableRawPointer
        let floatCapacity: Int
    }

    /// Buffers beyond this many idle ones are freed rather than kept.
    private static let maxIdleBuffers = 8
    private static let lock = NSLock()
    nonisolated(unsafe) private static var idle: [Buffer] = []

    /// Runs `body` with an aligned buffer of at least `count` floats (contents unspecified).
    static func withBuffer<R>(floats count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        let buffer = take(floats: count)
        defer { giveBack(buffer) }
        return body(buffer.base.assumingMemoryBound(to: Float.self))
    }

    private static func take(floats count: Int) -> Buffer {
        lock.lock()
        // The smallest idle buffer that fits, so big buffers stay available for big requests.
        let fit = idle.indices
            .filter { idle[$0].floatCapacity >= count }
            .min { idle[$0].floatCapacity < idle[$1].floatCapacity }
        if let fit {
            let buffer = idle.remove(at: fit)
            lock.unlock()
            return buffer
        }
        lock.unlock()
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let huge = bytes >= hugePageBytes
        let base = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: huge ? hugePageBytes : 64)
        if huge { adviseHugePages(base, bytes: bytes) }
        base.bindMemory(to: Float.self, capacity: max(count, 1))
        return Buffer(base: base, floatCapacity: count)
    }

    /// Buffers of at least a huge page start on one and ask for huge pages: a packed B slab of
    /// several MB is swept by every row block, and on 4 KB pages those sweeps overflow the TLB
    /// (1024³, one thread: +1–3 % in 3 of 3 paired runs, ~0.91 → ~0.93 × OpenBLAS, which
    /// NumPy's allocator gives huge pages).
    private static let hugePageBytes = 2 << 20

    private static func adviseHugePages(_ base: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
            // The whole huge pages of the buffer; a tail shorter than one stays on 4 KB pages.
            let advised = bytes / hugePageBytes * hugePageBytes
            _ = madvise(base, advised, MADV_HUGEPAGE)
        #endif
    }

    private static func giveBack(_ buffer: Buffer) {
        lock.lock()
        idle.append(buffer)
        var evicted: Buffer?
        if idle.count > maxIdleBuffers,
            let smallest = idle.indices.min(by: { idle[$0].floatCapacity < idle[$1].floatCapacity })
        {
            evicted = idle.remove(at: smallest)
        }
        lock.unlock()
        evicted?.base.deallocate()
    }
}
