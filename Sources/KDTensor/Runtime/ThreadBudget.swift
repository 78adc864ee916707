import Dispatch
import Foundation
import Synchronization

/// The one budget of kernel threads shared by every kernel (and, later, the pipeline's stage
/// queues), so that the cores are never oversubscribed.
///
/// Parallel loops run on a persistent pool of `threads - 1` workers plus the calling thread
/// (see `WorkerPool`). One parallel loop uses the pool at a time: a loop started while another
/// one is running (a second pipeline stage calling a kernel, or a kernel called inside a
/// parallel body) runs inline on its own thread. That keeps the core count at the budget and
/// makes nested loops deadlock-free.
public enum ThreadBudget {
    private static let _threads = Atomic<Int>(
        {
            if let s = ProcessInfo.processInfo.environment["KDFLOW_THREADS"], let n = Int(s), n > 0 { return n }
            return ProcessInfo.processInfo.activeProcessorCount
        }())

    /// Number of threads kernels may use at once.
    public static var threads: Int {
        get { _threads.load(ordering: .relaxed) }
        set { _threads.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Concurrent callers inside `sharing` right now.
    private static let sharers = Atomic<Int>(0)

    /// Runs `body` as one of several concurrent callers (the stages of a pipelined epoch) that
    /// split the budget: while n callers are inside `sharing`, kernels use `threads / n` threads
    /// (at least 1) on each. Two stages that each asked for every core would otherwise run three
    /// threads on two cores, and the kernels' spin-waits would burn the difference.
    public static func sharing<R>(_ body: () throws -> R) rethrows -> R {
        sharers.add(1, ordering: .relaxed)
        defer { sharers.subtract(1, ordering: .relaxed) }
        return try body()
    }

    /// Whether several callers split the budget now (a pool worker then parks at once after
    /// a job instead of spinning on a core that another caller's thread needs).
    static var isShared: Bool { sharers.load(ordering: .relaxed) > 1 }

    /// Threads a kernel called now may use: the budget, split among the callers `sharing` it.
    public static var available: Int { share(of: threads, among: sharers.load(ordering: .relaxed)) }

    /// One caller's threads when `callers` split a budget of `budget` (at least 1 each).
    static func share(of budget: Int, among callers: Int) -> Int { callers > 1 ? max(1, budget / callers) : budget }

    /// Runs `body(i)` for i in 0..<count on up to `threads` threads (default: `available`);
    /// returns when all are done.
    /// Each `i` must write disjoint memory, and what `body(i)` computes must not depend on which
    /// thread runs it: indices are handed out to whichever thread asks first.
    public static func parallelFor(_ count: Int, threads: Int? = nil, _ body: (Int) -> Void) {
        let t = min(threads ?? available, count)
        if t <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        if !WorkerPool.shared.run(count, helpers: t - 1, body) {
            // The pool is busy with another loop (a concurrent caller or an enclosing loop).
            for i in 0..<count { body(i) }
        }
    }

    /// Splits 0..<count into at most `threads` contiguous chunks and runs them in parallel.
    public static func parallelChunks(
        _ count: Int, minChunk: Int = 1, threads: Int? = nil,
        _ body: (Range<Int>) -> Void
    ) {
        let t = max(1, min(threads ?? available, (count + minChunk - 1) / max(minChunk, 1)))
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

/// Carries a non-Sendable closure to other threads; safe because callers only write disjoint
/// memory per iteration and the closure does not outlive the call.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Persistent kernel threads that spin briefly between jobs.
///
/// A worker that finds itself on the core of the job's caller moves off it (`CorePlacement`),
/// and a caller that wakes parked workers yields once so that such a worker runs at once.
///
/// Waking a parked thread takes up to ~1 ms on a virtualised core, longer than many kernel
/// calls; so after each job a worker spins on the job word for `spinNanoseconds` before it
/// parks on a condition variable. The caller always takes part in its own job, and indices are
/// claimed one at a time from a shared counter, so a worker that wakes late finds the work done
/// instead of holding the caller up.
///
/// All job state shared with the workers lives in atomics. `state` packs a job generation
/// (high 32 bits) with the next unclaimed index (low 32 bits); a worker claims an index with a
/// compare-exchange on the whole word, so a stale worker can never claim an index of a later
/// job. The job's body stays valid while any of its indices is claimed and unfinished, because
/// the caller returns only when `done` reaches the job's count.
final class WorkerPool: @unchecked Sendable {
    // @unchecked: all mutable state is either atomic or guarded by `parking` (the worker count
    // by `growLock`); the job body is only called between a successful claim and the matching
    // `done` increment, while its caller is still waiting.

    static let shared = WorkerPool()

    /// How long an idle worker keeps polling for the next job before it parks.
    static let spinNanoseconds: UInt64 = 5_000_000
    /// How long a waiting thread (an idle worker after a job, or the caller waiting for the
    /// workers' last indices) polls without yielding its core; after that it yields on every
    /// poll, so a busy machine gets the core back.
    static let pureSpinNanoseconds: UInt64 = 200_000

    private let busy = Atomic<Bool>(false)
    private let state = Atomic<UInt64>(0)
    private let jobCount = Atomic<Int>(0)
    private let jobHelpers = Atomic<Int>(0)
    private let jobBody = Atomic<UInt>(0)
    private let done = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    /// The core of the thread that published the current job (see `CorePlacement`).
    private let callerCore = Atomic<Int32>(-1)
    private let parking = NSCondition()
    private let growLock = NSLock()
    private let workerCount = Atomic<Int>(0)

    private typealias Body = UncheckedBox<(Int) -> Void>

    /// Runs body(0..<count) on the caller and up to `helpers` workers; returns false, without
    /// running anything, when the pool is already running a job.
    func run(_ count: Int, helpers: Int, _ body: (Int) -> Void) -> Bool {
        precondition(count < Int(UInt32.max), "parallel loop of \(count) items")
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { busy.store(false, ordering: .releasing) }
        ensureWorkers(helpers)
        withoutActuallyEscaping(body) { body in
            var box = Body(body)
            withUnsafeMutablePointer(to: &box) { pointer in
                jobCount.store(count, ordering: .relaxed)
                jobHelpers.store(helpers, ordering: .relaxed)
                jobBody.store(UInt(bitPattern: UnsafeMutableRawPointer(pointer)), ordering: .relaxed)
                done.store(0, ordering: .relaxed)
                let generation = (state.load(ordering: .relaxed) >> 32) &+ 1
                callerCore.store(CorePlacement.currentCore(), ordering: .relaxed)
                state.store(generation << 32, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    parking.lock()
                    parking.broadcast()
                    parking.unlock()
                    // A woken worker may have been queued on this very core: let it run now,
                    // so it can move off (see `workerLoop`) instead of waiting a time slice.
                    sched_yield()
                }
                let claimed = work(generation: generation)
                // Wait for the indices other threads claimed: a worker is usually a fraction of
                // an index behind, so spin without yielding for a while first. Yielding at
                // once would hand this core to any other runnable thread (another process's,
                // even a niced one) for a whole time slice, far longer than the wait.
                var spins = 0
                var yieldAfter: UInt64 = 0
                while done.load(ordering: .acquiring) < count - claimed {
                    spins += 1
                    if spins & 0x3F == 0 {
                        let now = DispatchTime.now().uptimeNanoseconds
                        if yieldAfter == 0 { yieldAfter = now + Self.pureSpinNanoseconds }
                        if now > yieldAfter { sched_yield() }
                    }
                }
            }
        }
        return true
    }

    /// Claims and runs indices of job `generation` until none are left; returns how many this
    /// thread ran (the caller's are not counted in `done`).
    private func work(generation: UInt64) -> Int {
        var ran = 0
        while true {
            let s = state.load(ordering: .acquiring)
            guard s >> 32 == generation else { return ran }
            let index = Int(s & 0xFFFF_FFFF)
            guard index < jobCount.load(ordering: .relaxed) else { return ran }
            guard state.compareExchange(expected: s, desired: s + 1, ordering: .acquiringAndReleasing).exchanged else {
                continue
            }
            let body = UnsafeRawPointer(bitPattern: jobBody.load(ordering: .relaxed))!
                .assumingMemoryBound(to: Body.self)
            body.pointee.value(index)
            ran += 1
        }
    }

    private func ensureWorkers(_ wanted: Int) {
        if workerCount.load(ordering: .acquiring) >= wanted { return }
        growLock.lock()
        defer { growLock.unlock() }
        var have = workerCount.load(ordering: .relaxed)
        // Called before the job is published: the workers start waiting for the next generation.
        let current = state.load(ordering: .acquiring) >> 32
        while have < wanted {
            let id = have
            let thread = Thread { [self] in workerLoop(id: id, seen: current) }
            thread.stackSize = 8 << 20
            thread.name = "kdflow-kernel-\(id + 1)"
            thread.start()
            have += 1
        }
        workerCount.store(have, ordering: .releasing)
    }

    private func workerLoop(id: Int, seen initial: UInt64) -> Never {
        var seen = initial
        while true {
            // Spin, then park, until a new job is published.
            var generation = state.load(ordering: .acquiring) >> 32
            if generation == seen {
                let start = DispatchTime.now().uptimeNanoseconds
                let deadline = start + Self.spinNanoseconds
                var yielding = false
                var spins = 0
                while generation == seen {
                    spins += 1
                    // After a pure spin (consecutive kernel calls usually come sooner), yield
                    // on every poll: on a busy machine the core goes to whoever else is
                    // runnable (often this process's own caller).
                    if yielding { sched_yield() }
                    if spins & 0x3F == 0 {
                        let now = DispatchTime.now().uptimeNanoseconds
                        yielding = now > start + Self.pureSpinNanoseconds
                        if now > deadline || ThreadBudget.isShared {
                            parking.lock()
                            sleepers.add(1, ordering: .sequentiallyConsistent)
                            while state.load(ordering: .sequentiallyConsistent) >> 32 == seen {
                                parking.wait()
                            }
                            sleepers.subtract(1, ordering: .sequentiallyConsistent)
                            parking.unlock()
                            spins = 0
                            yielding = false
                        }
                    }
                    generation = state.load(ordering: .acquiring) >> 32
                }
            }
            seen = generation
            CorePlacement.leave(core: callerCore.load(ordering: .relaxed))
            // Only the first `helpers` workers join, so a job never uses more threads than asked.
            if id < jobHelpers.load(ordering: .relaxed) {
                let ran = work(generation: generation)
                if ran > 0 { done.add(ran, ordering: .releasing) }
            }
        }
    }
}
