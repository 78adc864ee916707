import Dispatch
import Foundation

/// The one budget of kernel threads shared by every kernel (and, later, the pipeline's stage
/// queues), so that the cores are never oversubscribed.
public enum ThreadBudget {
    nonisolated(unsafe) private static var _threads: Int = {
        if let s = ProcessInfo.processInfo.environment["KDFLOW_THREADS"], let n = Int(s), n > 0 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }()
    private static let lock = NSLock()

    /// Number of threads kernels may use at once.
    public static var threads: Int {
        get { lock.lock(); defer { lock.unlock() }; return _threads }
        set { lock.lock(); _threads = max(1, newValue); lock.unlock() }
    }

    /// Runs `body(i)` for i in 0..<count on up to `threads` threads; returns when all are done.
    /// Each `i` must write disjoint memory.
    public static func parallelFor(_ count: Int, threads: Int? = nil, _ body: (Int) -> Void) {
        let t = min(threads ?? self.threads, count)
        if t <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            // One iteration per worker, striding over the items, so at most `t` threads run.
            DispatchQueue.concurrentPerform(iterations: t) { worker in
                var i = worker
                while i < count {
                    box.value(i)
                    i += t
                }
            }
        }
    }

    /// Splits 0..<count into at most `threads` contiguous chunks and runs them in parallel.
    public static func parallelChunks(_ count: Int, minChunk: Int = 1, threads: Int? = nil,
                                      _ body: (Range<Int>) -> Void) {
        let t = max(1, min(threads ?? self.threads, (count + minChunk - 1) / max(minChunk, 1)))
        if t <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        let chunk = (count + t - 1) / t
        parallelFor(t, threads: t) { i in
            let lo = i * chunk, hi = min(count, lo + chunk)
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// Carries a non-Sendable closure into `concurrentPerform`; safe because callers only write
/// disjoint memory per iteration and the closure does not outlive the call.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
