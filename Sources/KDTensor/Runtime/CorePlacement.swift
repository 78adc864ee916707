#if os(Linux)
    import CSched
#endif

/// Which core a pool thread runs on. Waking a parked worker lets the scheduler place it on the
/// waking caller's own core (seen here on a 2-vCPU VM for several ms at a time); there the two
/// take turns a time slice each, and the worker misses every job until the load balancer
/// separates them. A worker that finds itself there moves itself off.
enum CorePlacement {
    /// Bytes of an affinity mask: room for 1024 cores.
    private static let maskBytes = 128

    /// The core the calling thread runs on now, or -1 where that is unknown.
    static func currentCore() -> Int32 {
        #if os(Linux)
            return sched_getcpu()
        #else
            return -1
        #endif
    }

    /// Moves the calling thread to another of its allowed cores if it runs on `core`; its
    /// affinity is left as it was. Returns whether it moved.
    @discardableResult
    static func leave(core: Int32) -> Bool {
        #if os(Linux)
            guard core >= 0, Int(core) < maskBytes * 8, currentCore() == core else { return false }
            var allowed = [UInt8](repeating: 0, count: maskBytes)
            guard allowed.withUnsafeMutableBytes({ sched_getaffinity(0, maskBytes, $0.baseAddress) }) == 0 else {
                return false
            }
            var elsewhere = allowed
            elsewhere[Int(core) / 8] &= ~UInt8(1 << (Int(core) % 8))
            guard elsewhere.contains(where: { $0 != 0 }) else { return false }
            // Narrowing the mask migrates the thread now; widening it again does not move it back.
            guard elsewhere.withUnsafeBytes({ sched_setaffinity(0, maskBytes, $0.baseAddress) }) == 0 else {
                return false
            }
            _ = allowed.withUnsafeBytes { sched_setaffinity(0, maskBytes, $0.baseAddress) }
            return true
        #else
            return false
        #endif
    }
}
